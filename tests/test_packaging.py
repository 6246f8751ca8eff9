"""The wheel, as pre-commit and `pip install .` install it (not editable), works on its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--quiet", "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("dynlint-*.whl")
    return found


def test_wheel_holds_the_package_and_its_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    package_files = {p.relative_to(REPO).as_posix() for p in (REPO / "dynlint").rglob("*") if p.is_file()}
    shipped = {n for n in package_files if "__pycache__" not in n}
    assert shipped <= names, sorted(shipped - names)
    assert any(n.endswith("entry_points.txt") for n in names)


def test_installed_wheel_runs_from_its_own_files(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    environment = {**os.environ, "PYTHONPATH": str(installed)}
    code = "import dynlint; print(dynlint.__file__); from dynlint.cli import main; main()"
    example = REPO / "fixtures" / "seeds" / "lead-capture"
    result = subprocess.run(
        [sys.executable, "-c", code, "tables", str(example), "--format", "json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    location, document = result.stdout.split("\n", 1)
    assert location.startswith(str(installed))
    assert len(json.loads(document)["tables"]) == 2


def test_wheel_ships_every_policy_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    policies = {f"dynlint/rules/{p.name}" for p in (REPO / "rules").glob("*.toml")}
    assert policies and policies <= names, sorted(policies - names)


def test_installed_wheel_checks_with_its_own_rules(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    environment = {**os.environ, "PYTHONPATH": str(installed)}
    code = "from dynlint.cli import main; main()"
    example = REPO / "fixtures" / "seeds" / "lead-capture"
    listed = subprocess.run(
        [sys.executable, "-c", code, "rules"], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert "built-in" in listed.stdout
    assert {p.stem for p in (REPO / "rules").glob("*.toml")} <= set(listed.stdout.split())
    checked = subprocess.run(
        [sys.executable, "-c", code, "check", str(example), "--format", "json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 1, checked.stderr
    assert "DL001" in {f["rule_id"] for f in json.loads(checked.stdout)["findings"]}
