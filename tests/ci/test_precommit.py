"""The pre-commit hooks, run by the real pre-commit framework on a throwaway git repository.

``pre-commit try-repo`` installs this repository's hooks as pre-commit installs any hook repo
(a fresh virtualenv, ``pip install .``, not editable) and runs them on the staged files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hooked"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "dynlint tests",
    "GIT_AUTHOR_EMAIL": "tests@dynlint.invalid",
    "GIT_COMMITTER_NAME": "dynlint tests",
    "GIT_COMMITTER_EMAIL": "tests@dynlint.invalid",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One pre-commit home for the module, so the hook environment is built once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    return {**keep, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}


def git(work: Path, environment: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=work, env=environment, check=True, capture_output=True)


@pytest.fixture
def work(tmp_path: Path, environment: dict[str, str]) -> Path:
    """A committed copy of the fixture: a root module calling a table module, two var files."""
    work = tmp_path / "infra"
    shutil.copytree(FIXTURE, work)
    git(work, environment, "init", "--quiet", "--initial-branch=main")
    git(work, environment, "add", "-A")
    git(work, environment, "commit", "--quiet", "-m", "tables")
    return work


def try_repo(work: Path, environment: dict[str, str], hook: str) -> subprocess.CompletedProcess[str]:
    """Run one hook of this repository on the staged files of ``work``."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--verbose"],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_hook_passes_on_a_clean_change(work: Path, environment: dict[str, str]) -> None:
    edit(
        work / "modules" / "table" / "main.tf",
        'hash_key                    = "id"',
        'hash_key = "id" # the key',
    )
    git(work, environment, "add", "-A")
    done = try_repo(work, environment, "dynlint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_the_hook_fails_on_a_finding_in_a_changed_module(work: Path, environment: dict[str, str]) -> None:
    edit(work / "modules" / "table" / "main.tf", "deletion_protection_enabled = true", "")
    git(work, environment, "add", "-A")
    done = try_repo(work, environment, "dynlint")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DL005" in done.stdout
    assert "modules/table/main.tf" in done.stdout
    assert "prod" in done.stdout


def test_a_finding_caused_by_a_var_file_alone_is_caught(work: Path, environment: dict[str, str]) -> None:
    edit(work / "live" / "prod.tfvars", "point_in_time_recovery = true", "point_in_time_recovery = false")
    git(work, environment, "add", "-A")
    done = try_repo(work, environment, "dynlint-tfvars")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DL003" in done.stdout
    assert "live/prod.tfvars" in done.stdout
    terraform_only = try_repo(work, environment, "dynlint")
    assert terraform_only.returncode == 0, terraform_only.stdout + terraform_only.stderr
    assert "no files to check" in terraform_only.stdout


def test_findings_the_commit_does_not_touch_are_left_out(work: Path, environment: dict[str, str]) -> None:
    legacy = work / "legacy"
    legacy.mkdir()
    (legacy / "main.tf").write_text(
        'resource "aws_dynamodb_table" "old" {\n  name     = "old"\n  hash_key = "id"\n'
        '  billing_mode = "PAY_PER_REQUEST"\n\n  attribute {\n    name = "id"\n    type = "S"\n  }\n}\n'
    )
    git(work, environment, "add", "-A")
    git(work, environment, "commit", "--quiet", "-m", "a legacy table with findings")
    edit(work / "live" / "main.tf", '"orders"', '"orders2"')
    git(work, environment, "add", "-A")
    done = try_repo(work, environment, "dynlint")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "legacy" not in done.stdout
