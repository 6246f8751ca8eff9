"""The GitHub Action: its steps' command lines run as the Actions runner runs them."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from action_runner import run_action

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hooked"
SARIF_SCHEMA = REPO.parent / "shared" / "sarif" / "sarif-schema-2.1.0.json"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="composite steps run in bash")


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RUNNER_TEMP, shared so that the action's virtual environment is built once."""
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checked-out repository: a clean root module and one with a finding."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(FIXTURE, tmp_path / "infra")
    shutil.copytree(FIXTURE, tmp_path / "legacy")
    main = tmp_path / "legacy" / "modules" / "table" / "main.tf"
    main.write_text(main.read_text().replace("deletion_protection_enabled = true", ""))
    return tmp_path


def python_input() -> dict[str, str]:
    return {"python": sys.executable}


def test_the_action_is_a_composite_action_with_documented_inputs() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"paths", "format", "fail-on", "upload-sarif", "sarif-file", "args"} <= set(action["inputs"])
    assert all(spec.get("description") for spec in action["inputs"].values())
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert uses == ["github/codeql-action/upload-sarif@v3"]
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), "inputs reach scripts through env, never pasted into them"


def test_findings_fail_the_action_after_annotating_and_uploading_sarif(
    workspace: Path, runner_temp: Path
) -> None:
    inputs = {**python_input(), "paths": "legacy infra", "upload-sarif": "true"}
    run = run_action(REPO, inputs, workspace, runner_temp)
    install = run.step("Install dynlint")
    assert install.returncode == 0, install.stderr
    check = run.step("Run dynlint check")
    assert check.returncode == 0, check.stderr
    assert "::warning file=legacy/modules/table/main.tf" in check.stdout
    assert "title=DL005 deletion-protection-production" in check.stdout
    assert run.outputs["exit-code"] == "1"
    sarif = Path(run.outputs["sarif-file"])
    assert sarif == workspace / "dynlint.sarif"
    upload = run.step("Upload SARIF to code scanning")
    assert not upload.skipped
    assert upload.with_ == {"sarif_file": str(sarif), "category": "dynlint"}
    document = json.loads(sarif.read_text())
    assert {r["ruleId"] for r in document["runs"][0]["results"]} == {"DL005"}
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))
    assert run.step("Fail when dynlint did").returncode == 1


def test_a_clean_tree_passes_without_upload(workspace: Path, runner_temp: Path) -> None:
    inputs = {**python_input(), "paths": "infra", "format": "text"}
    run = run_action(REPO, inputs, workspace, runner_temp)
    assert run.step("Run dynlint check").stdout.startswith("Found 0 findings")
    assert run.outputs["exit-code"] == "0"
    assert run.step("Upload SARIF to code scanning").skipped
    assert not run.failed


def test_fail_on_and_args_reach_dynlint(workspace: Path, runner_temp: Path) -> None:
    inputs = {**python_input(), "paths": "legacy", "fail-on": "error", "args": "--select DL005 --env prod"}
    run = run_action(REPO, inputs, workspace, runner_temp)
    assert run.outputs["exit-code"] == "0"
    assert "DL005" in run.step("Run dynlint check").stdout
    assert not run.failed


def test_working_directory_and_input_errors(workspace: Path, runner_temp: Path) -> None:
    broken = workspace / "infra" / "live" / "broken.tf"
    broken.write_text('resource "aws_dynamodb_table" "x" {\n  name = \n}\n')
    inputs = {**python_input(), "working-directory": "infra", "paths": "live", "upload-sarif": "true"}
    run = run_action(REPO, inputs, workspace, runner_temp)
    assert run.outputs["exit-code"] == "2"
    annotations = run.step("Run dynlint check").stdout
    assert "::error file=infra/live/broken.tf,line=" in annotations, "paths from the repository's top"
    assert run.step("Upload SARIF to code scanning").skipped, "a partial run is not uploaded"
    assert run.step("Fail when dynlint did").returncode == 2
