"""`dynlint check` as users call it: exit codes, the JSON contract, text output, selection."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from dynlint.cli import app
from dynlint.policy import builtin_rules_dir
from tests.rules.conftest import REPO, rule_ids, run_check, working_directory, write_tree

CLEAN = """
resource "aws_kms_key" "k" {
  enable_key_rotation = true
}

resource "aws_dynamodb_table" "orders" {
  name                        = "orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true

  attribute {
    name = "id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.k.arn
  }

  point_in_time_recovery {
    enabled = true
  }
}
"""
FINDING_KEYS = {
    "rule_id",
    "name",
    "severity",
    "message",
    "address",
    "root",
    "file",
    "line",
    "environment",
    "var_file",
    "trace",
}


def _invoke(args: list[str], cwd: Path = REPO) -> tuple[int, str, str]:
    with working_directory(cwd):
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_clean_table_exits_0_in_every_environment(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": CLEAN})
    for env in ("prod", "dev"):
        code, document, _ = run_check([".", "--env", env], cwd=tmp_path)
        assert (code, document["findings"]) == (0, [])


def test_findings_exit_1_and_notes_do_not_fail_by_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"main.tf": CLEAN.replace("kms_key_arn = aws_kms_key.k.arn", "")})
    code, document, _ = run_check(["."], cwd=tmp_path)
    assert rule_ids(document) == ["DL002"] and document["findings"][0]["severity"] == "note"
    assert code == 0
    code, _, _ = run_check([".", "--fail-on", "note"], cwd=tmp_path)
    assert code == 1


def test_the_json_contract_on_a_seed() -> None:
    code, document, _ = run_check(["fixtures/seeds/lead-capture"])
    assert code == 1
    assert set(document) >= {"version", "findings", "errors", "summary"}
    assert set(document["summary"]) >= {"files", "tables", "findings"}
    assert document["summary"]["findings"] == len(document["findings"])
    for finding in document["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert not finding["file"].startswith("/") and finding["root"] == "fixtures/seeds/lead-capture"
        assert finding["severity"] in ("error", "warning", "note")
    keys = [(f["file"], f["line"], f["rule_id"]) for f in document["findings"]]
    assert keys == sorted(keys)
    (dev,) = [f for f in document["findings"] if f["rule_id"] == "DL001"]
    assert (dev["file"], dev["line"]) == ("fixtures/seeds/lead-capture/dev.tfvars", 5)
    assert dev["environment"] == "dev" and dev["var_file"] == "fixtures/seeds/lead-capture/dev.tfvars"
    assert dev["address"] == "module.dynamodb.aws_dynamodb_table.this"
    assert any(step["file"] == "fixtures/seeds/lead-capture/main.tf" for step in dev["trace"])
    assert "AWS-owned key" in dev["message"] and "not encrypted" not in dev["message"]


def test_output_is_deterministic() -> None:
    first = _invoke(["check", "fixtures/seeds", "--format", "json"])
    second = _invoke(["check", "fixtures/seeds", "--format", "json"])
    assert first == second


def test_an_unparseable_file_exits_2_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "good/main.tf": CLEAN.replace('"PAY_PER_REQUEST"', '"ON_DEMAND"'),
            "bad/main.tf": 'resource "aws_dynamodb_table" "x" {\n  name = \n}\n',
        },
    )
    code, document, stderr = run_check(["."], cwd=tmp_path)
    assert code == 2
    assert document["errors"][0]["file"] == "bad/main.tf" and document["errors"][0]["line"]
    assert "DL010" in rule_ids(document)
    assert "bad/main.tf:" in stderr and "Traceback" not in stderr


def test_a_missing_path_exits_2(tmp_path: Path) -> None:
    code, _, stderr = _invoke(["check", "nowhere"], tmp_path)
    assert code == 2 and "nowhere" in stderr


def test_select_and_ignore_take_ids_and_prefixes() -> None:
    _, document, _ = run_check(["fixtures/seeds/lead-capture", "--select", "DL01"])
    assert set(rule_ids(document)) == {"DL014", "DL017", "DL018"}
    _, document, _ = run_check(["fixtures/seeds/lead-capture", "--select", "DL01", "--ignore", "DL018,DL017"])
    assert set(rule_ids(document)) == {"DL014"}


def test_an_invalid_value_names_the_valid_ones_and_the_nearest(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": CLEAN.replace(
                'hash_key                    = "id"',
                'hash_key                    = "id"\n'
                '  stream_enabled = true\n  stream_view_type = "NEW_AND_OLD_IMAGE"',
            )
        },
    )
    _, document, _ = run_check(["."], cwd=tmp_path)
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "DL020"]
    assert (
        "`NEW_AND_OLD_IMAGES`" in finding["message"]
        and "did you mean `NEW_AND_OLD_IMAGES`?" in finding["message"]
    )
    assert finding["line"] == 11


def test_text_output_groups_by_file_shows_the_source_line_and_a_summary() -> None:
    code, out, _ = _invoke(["check", "fixtures/seeds/lead-capture"])
    assert code == 1
    lines = out.splitlines()
    assert "fixtures/seeds/lead-capture/dev.tfvars" in lines
    assert any(line.startswith("fixtures/seeds/lead-capture/dev.tfvars:5:1: DL001 warning") for line in lines)
    assert any("enable_encryption" in line and line.lstrip().startswith("5 |") for line in lines)
    assert lines[-1].startswith("Found ") and "finding" in lines[-1]


def test_a_single_tf_file_checks_only_what_it_defines() -> None:
    _, document, _ = run_check(["fixtures/seeds/lead-capture/modules/dynamodb/main.tf"])
    assert document["errors"] == []
    assert {f["address"] for f in document["findings"]} <= {"module.dynamodb.aws_dynamodb_table.this"}


def test_a_plan_json_is_checked() -> None:
    plans = sorted((REPO / "fixtures" / "plan").glob("events-*.json"))
    assert plans
    code, document, _ = run_check([str(plans[0].relative_to(REPO))])
    assert code in (0, 1) and document["errors"] == []
    assert document["summary"]["tables"] >= 1


def test_rules_lists_every_policy_and_explain_reads_like_a_rule_page() -> None:
    code, out, _ = _invoke(["rules"])
    assert code == 0
    for path in builtin_rules_dir().glob("*.toml"):
        assert path.stem in out
    code, page, _ = _invoke(["explain", "DL003"])
    assert code == 0
    for heading in (
        "# DL003 pitr-production",
        "## What it does",
        "## Why it matters",
        "## Example",
        "## How to fix it",
    ):
        assert heading in page
    assert "```hcl" in page and "Production tables only" in page
    assert _invoke(["explain", "pitr-production"])[1] == page
    code, _, stderr = _invoke(["explain", "DL999"])
    assert code == 2 and "DL999" in stderr


def test_instances_that_count_never_creates_are_not_checked(tmp_path: Path) -> None:
    broken = CLEAN.replace('"PAY_PER_REQUEST"', '"ON_DEMAND"').replace(
        'name                        = "orders"', 'count = 0\n  name = "orders"'
    )
    write_tree(tmp_path, {"main.tf": broken})
    code, document, _ = run_check(["."], cwd=tmp_path)
    assert (code, document["findings"]) == (0, [])


def test_each_environment_variant_is_checked_with_its_own_var_file(tmp_path: Path) -> None:
    module = CLEAN.replace(
        "point_in_time_recovery {\n    enabled = true\n  }",
        "point_in_time_recovery {\n    enabled = var.pitr\n  }",
    )
    write_tree(
        tmp_path,
        {
            "main.tf": 'variable "pitr" {\n  type    = bool\n  default = true\n}\n' + module,
            "prod.tfvars": "pitr = false\n",
            "dev.tfvars": "pitr = true\n",
        },
    )
    _, document, _ = run_check(["."], cwd=tmp_path)
    (finding,) = [f for f in document["findings"] if f["rule_id"] == "DL003"]
    assert (finding["environment"], finding["var_file"], finding["file"], finding["line"]) == (
        "prod",
        "prod.tfvars",
        "prod.tfvars",
        1,
    )


def test_a_plan_does_not_record_lifecycle_so_lifecycle_rules_stay_silent() -> None:
    _, document, _ = run_check(["fixtures/plan/events-prod.json"])
    assert "DL014" not in rule_ids(document)
    (protection,) = [f for f in document["findings"] if f["rule_id"] == "DL005"]
    assert (
        "prevent_destroy" not in protection["message"] and "deletion protection off" in protection["message"]
    )


def test_fingerprints_do_not_depend_on_the_working_directory() -> None:
    _, from_top, _ = run_check(["fixtures/seeds/lead-capture"])
    _, from_inside, _ = run_check(["."], cwd=REPO / "fixtures" / "seeds" / "lead-capture")
    fingerprints = sorted(f["fingerprint"] for f in from_top["findings"])
    assert fingerprints == sorted(f["fingerprint"] for f in from_inside["findings"])
