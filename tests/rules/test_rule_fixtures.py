"""fixtures/rules/ holds every rule's examples as Terraform directories, and cannot drift."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.rules.conftest import REPO, rule_ids, run_check

FIXTURES = REPO / "fixtures" / "rules"


def test_fixtures_match_the_policy_examples() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/rule_fixtures.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_rule_has_failing_and_passing_fixtures() -> None:
    for policy_file in (REPO / "rules").glob("*.toml"):
        kinds = {p.name.split("-")[0] for p in (FIXTURES / policy_file.stem).iterdir()}
        assert kinds == {"fail", "pass"}, policy_file.stem


@pytest.mark.parametrize("case", sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/fail-*")))
def test_each_failing_fixture_directory_fires_its_rule(case: str) -> None:
    rule = case.split("/")[0]
    _, document, stderr = run_check([f"fixtures/rules/{case}", "--select", rule])
    assert document["errors"] == [], stderr
    assert rule in rule_ids(document)


def test_terraform_accepts_every_fixture_file_as_formatted_hcl() -> None:
    terraform = _terraform()
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", str(FIXTURES)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        pytest.skip("no terraform binary on PATH: rule examples are not checked against terraform fmt")
    return found
