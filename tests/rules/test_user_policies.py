"""A platform team's own policy files: loaded, validated, run, listed and explained like built-ins."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dynlint.cli import app
from tests.rules.conftest import rule_ids, run_check, working_directory, write_tree

ON_DEMAND_POLICY = '''
id = "ACME001"
name = "production-on-demand"
severity = "error"
summary = "Every production table is PAY_PER_REQUEST."
production_only = true
rationale = "Our production traffic is spiky; provisioned tables throttle during launches."
fix = "Set `billing_mode = \\"PAY_PER_REQUEST\\"`."

[[check]]
when = "table.billing_mode != 'PAY_PER_REQUEST'"
path = "'billing_mode'"
message = """'production table ' + show(meta.name) + ' is ' + table.billing_mode
  + '; production tables must be PAY_PER_REQUEST'"""

[[example]]
kind = "fail"
env = "prod"
hcl = """
resource "aws_dynamodb_table" "t" {
  name           = "orders"
  billing_mode   = "PROVISIONED"
  read_capacity  = 1
  write_capacity = 1
  hash_key       = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
"""

[[example]]
kind = "pass"
env = "prod"
hcl = """
resource "aws_dynamodb_table" "t" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
"""
'''

PROVISIONED_TABLE = """
resource "aws_dynamodb_table" "t" {
  name           = "orders"
  billing_mode   = "PROVISIONED"
  read_capacity  = 1
  write_capacity = 1
  hash_key       = "id"
  attribute {
    name = "id"
    type = "S"
  }
}
"""


def _cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    with working_directory(cwd):
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_user_policy_fires_is_listed_and_explained(tmp_path: Path) -> None:
    write_tree(tmp_path, {"policies/ACME001.toml": ON_DEMAND_POLICY, "envs/prod/main.tf": PROVISIONED_TABLE})
    code, document, _ = run_check(["envs/prod", "--rules-dir", "policies"], cwd=tmp_path)
    assert code == 1
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "ACME001"]
    assert (
        finding["message"]
        == 'production table "orders" is PROVISIONED; production tables must be PAY_PER_REQUEST'
    )
    assert finding["line"] == 4 and finding["environment"] == "prod"
    code, listed, _ = _cli(["rules", "--rules-dir", "policies"], tmp_path)
    assert code == 0 and "ACME001" in listed and "policies/ACME001.toml" in listed
    code, page, _ = _cli(["explain", "ACME001", "--rules-dir", "policies"], tmp_path)
    assert code == 0
    assert "# ACME001 production-on-demand" in page and "spiky" in page and "PAY_PER_REQUEST" in page


def test_the_config_names_rule_directories(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "policies/ACME001.toml": ON_DEMAND_POLICY,
            "envs/prod/main.tf": PROVISIONED_TABLE,
            "pyproject.toml": '[tool.dynlint]\nrules-dirs = ["policies"]\n',
        },
    )
    _, document, _ = run_check(["envs/prod"], cwd=tmp_path)
    assert "ACME001" in rule_ids(document)


def test_a_user_policy_never_fires_on_unknown_values(tmp_path: Path) -> None:
    table = PROVISIONED_TABLE.replace('"PROVISIONED"', "data.aws_ssm_parameter.mode.value")
    write_tree(tmp_path, {"policies/ACME001.toml": ON_DEMAND_POLICY, "envs/prod/main.tf": table})
    _, document, _ = run_check(["envs/prod", "--rules-dir", "policies"], cwd=tmp_path)
    assert "ACME001" not in rule_ids(document)


BROKEN = {
    "unknown key": ('severity = "error"', 'severity = "error"\ncolour = "red"', "colour", 5),
    "CEL that does not compile": (
        "when = \"table.billing_mode != 'PAY_PER_REQUEST'\"",
        'when = "table.billing_mode != "',
        "does not compile",
        11,
    ),
    "unknown name": ('when = "table.billing_mode', 'when = "tabel.billing_mode', "unknown name 'tabel'", 11),
    "has() on a value that may be unknown": (
        "when = \"table.billing_mode != 'PAY_PER_REQUEST'\"",
        'when = "!has(table.billing_mode)"',
        "has()",
        11,
    ),
    "missing passing example": ('kind = "pass"', 'kind = "fail"', "pass", None),
    "bad severity": ('severity = "error"', 'severity = "fatal"', "severity", 4),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_policy_is_an_input_error_with_file_and_line(case: str, tmp_path: Path) -> None:
    old, new, reason, line = BROKEN[case]
    assert old in ON_DEMAND_POLICY
    write_tree(
        tmp_path,
        {
            "policies/ACME001.toml": ON_DEMAND_POLICY.replace(old, new, 1),
            "envs/prod/main.tf": PROVISIONED_TABLE,
        },
    )
    code, document, stderr = run_check(["envs/prod", "--rules-dir", "policies"], cwd=tmp_path)
    assert code == 2
    (error,) = document["errors"]
    assert error["file"] == "policies/ACME001.toml"
    assert reason in error["message"]
    assert error["line"] == line
    assert "policies/ACME001.toml" in stderr
    assert "Traceback" not in stderr
    # Every other rule still ran.
    assert "DL018" in rule_ids(document)
    code, _, stderr = _cli(["rules", "--rules-dir", "policies"], tmp_path)
    assert code == 2 and "policies/ACME001.toml" in stderr


def test_a_policy_may_not_reuse_a_builtin_id(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"policies/x.toml": ON_DEMAND_POLICY.replace("ACME001", "DL003"), "m/main.tf": PROVISIONED_TABLE},
    )
    code, document, _ = run_check(["m", "--rules-dir", "policies"], cwd=tmp_path)
    assert code == 2 and "already used" in document["errors"][0]["message"]


def test_a_missing_rules_directory_is_an_input_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"m/main.tf": PROVISIONED_TABLE})
    code, document, _ = run_check(["m", "--rules-dir", "nowhere"], cwd=tmp_path)
    assert code == 2 and document["errors"][0]["file"] == "nowhere"
