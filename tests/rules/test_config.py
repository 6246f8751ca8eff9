"""Configuration: found by walking up, validated, and every key doing what it says."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dynlint.cli import app
from tests.rules.conftest import rule_ids, run_check, working_directory, write_tree

TABLE = """
resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  tags = {
    Owner = "payments"
  }
}
"""


def _severities(document: dict, rule: str) -> set[str]:
    return {f["severity"] for f in document["findings"] if f["rule_id"] == rule}


def test_dynlint_toml_is_found_by_walking_up(tmp_path: Path) -> None:
    write_tree(tmp_path, {".dynlint.toml": 'ignore = ["DL001"]\n', "live/prod/main.tf": TABLE})
    _, document, _ = run_check(["live/prod"], cwd=tmp_path)
    assert "DL001" not in rule_ids(document) and "DL005" in rule_ids(document)


def test_pyproject_tool_section(tmp_path: Path) -> None:
    config = '[tool.dynlint]\nselect = ["DL05"]\nrequired-tags = ["Owner", "CostCenter"]\n'
    write_tree(tmp_path, {"pyproject.toml": config, "infra/main.tf": TABLE})
    _, document, _ = run_check(["infra"], cwd=tmp_path)
    assert rule_ids(document) == ["DL050"]
    assert "CostCenter" in document["findings"][0]["message"]


def test_config_option_overrides_discovery(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".dynlint.toml": 'ignore = ["DL001"]\n',
            "other.toml": 'select = ["DL001"]\n',
            "infra/main.tf": TABLE,
        },
    )
    _, document, _ = run_check(["infra", "--config", "other.toml"], cwd=tmp_path)
    assert rule_ids(document) == ["DL001"]


def test_severity_overrides_and_production_severity(tmp_path: Path) -> None:
    config = 'severity = { DL001 = "note" }\nproduction-severity = { DL001 = "error" }\n'
    write_tree(tmp_path, {".dynlint.toml": config, "envs/prod/main.tf": TABLE, "envs/dev/main.tf": TABLE})
    _, document, _ = run_check(["envs/dev"], cwd=tmp_path)
    assert _severities(document, "DL001") == {"note"}
    _, document, _ = run_check(["envs/prod"], cwd=tmp_path)
    assert _severities(document, "DL001") == {"error"}


def test_production_pattern_and_environment_names(tmp_path: Path) -> None:
    config = 'environments = ["dev", "prd-eu"]\nproduction-pattern = "^prd-"\n'
    write_tree(tmp_path, {".dynlint.toml": config, "envs/prd-eu/main.tf": TABLE, "envs/dev/main.tf": TABLE})
    _, document, _ = run_check(["envs/prd-eu"], cwd=tmp_path)
    assert "DL005" in rule_ids(document)
    assert {f["environment"] for f in document["findings"]} == {"prd-eu"}
    _, document, _ = run_check(["envs/dev"], cwd=tmp_path)
    assert "DL005" not in rule_ids(document)


def test_fail_on_from_the_config_and_the_command_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {".dynlint.toml": 'fail-on = "error"\nselect = ["DL001"]\n', "infra/main.tf": TABLE})
    code, _, _ = run_check(["infra"], cwd=tmp_path)
    assert code == 0
    code, _, _ = run_check(["infra", "--fail-on", "warning"], cwd=tmp_path)
    assert code == 1


BAD = {
    "unknown key": ('colour = "red"\n', "colour: unknown key"),
    "bad severity": ('severity = { DL001 = "fatal" }\n', "severity.DL001"),
    "bad pattern": ('production-pattern = "("\n', "production-pattern"),
    "bad selector": ('select = ["not a rule"]\n', "select: 'NOT A RULE' is not a rule ID"),
    "not toml": ("select = [\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_config_is_an_input_error_naming_the_key(case: str, tmp_path: Path) -> None:
    text, expected = BAD[case]
    write_tree(tmp_path, {".dynlint.toml": text, "infra/main.tf": TABLE})
    with working_directory(tmp_path):
        result = CliRunner().invoke(app, ["check", "infra"], catch_exceptions=False)
    assert result.exit_code == 2
    assert ".dynlint.toml" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_rule_id_on_the_command_line_is_a_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"infra/main.tf": TABLE})
    with working_directory(tmp_path):
        result = CliRunner().invoke(app, ["check", "infra", "--select", "DL999"], catch_exceptions=False)
    assert result.exit_code == 2 and "DL999" in result.stderr
