"""Evaluation of Terraform constructs, through `dynlint tables` as users run it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dynlint.cli import app
from dynlint.scan import ScanOptions, scan

REPO = Path(__file__).resolve().parent.parent
CONSTRUCTS = "fixtures/constructs"


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def run_tables(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["tables", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def tables_of(*args: str) -> list[dict[str, Any]]:
    code, document = run_tables(*args)
    assert code == 0, document
    return document["tables"]


def only(tables: list[dict[str, Any]], address: str, var_file: str | None = None) -> dict[str, Any]:
    found = [t for t in tables if t["address"] == address and (var_file is None or t["var_file"] == var_file)]
    assert len(found) == 1, [(t["address"], t["var_file"]) for t in tables]
    return found[0]


# dynamic blocks -------------------------------------------------------------------------


def test_dynamic_block_with_empty_for_each_produces_no_block() -> None:
    table = only(tables_of(f"{CONSTRUCTS}/dynamic-blocks"), "aws_dynamodb_table.this")
    assert table["values"]["point_in_time_recovery"] == []


def test_dynamic_block_with_items_produces_one_block_each() -> None:
    table = only(
        tables_of(f"{CONSTRUCTS}/dynamic-blocks", "--var", "enable_pitr=true"), "aws_dynamodb_table.this"
    )
    assert table["values"]["point_in_time_recovery"] == [{"enabled": True, "recovery_period_in_days": None}]


def test_dynamic_blocks_iterate_maps_in_key_order_after_static_blocks() -> None:
    values = only(tables_of(f"{CONSTRUCTS}/dynamic-blocks"), "aws_dynamodb_table.this")["values"]
    assert [a["name"] for a in values["attribute"]] == ["order_id", "email", "user_id"]
    indexes = values["global_secondary_index"]
    assert [(i["name"], i["hash_key"], i["projection_type"]) for i in indexes] == [
        ("by_email", "email", "KEYS_ONLY"),
        ("by_user", "user_id", "ALL"),
    ]
    assert indexes[0]["read_capacity"] is None


def test_null_key_arn_is_absent_not_a_key() -> None:
    table = only(tables_of(f"{CONSTRUCTS}/dynamic-blocks"), "aws_dynamodb_table.this")
    assert table["values"]["server_side_encryption"] == [{"enabled": True, "kms_key_arn": None}]
    assert "server_side_encryption.0.kms_key_arn" not in table["unknown"]


# for_each modules, merge, conditionals ------------------------------------------------------


def test_module_for_each_over_merged_map() -> None:
    tables = tables_of(f"{CONSTRUCTS}/for-each-module")
    assert [t["address"] for t in tables] == [
        'module.tables["events"].aws_dynamodb_table.this',
        'module.tables["users"].aws_dynamodb_table.this',
    ]
    events = tables[0]["values"]
    assert events["name"] == "app-events"
    assert events["billing_mode"] == "PAY_PER_REQUEST"
    assert events["range_key"] == "ts"
    assert events["read_capacity"] is None
    assert events["point_in_time_recovery"] == [{"enabled": True, "recovery_period_in_days": None}]
    assert [a["name"] for a in events["attribute"]] == ["event_type", "ts"]
    users = tables[1]["values"]
    assert (users["billing_mode"], users["read_capacity"], users["write_capacity"]) == ("PROVISIONED", 5, 5)
    assert users["range_key"] is None
    assert users["point_in_time_recovery"] == [{"enabled": False, "recovery_period_in_days": None}]
    assert [a["name"] for a in users["attribute"]] == ["user_id"]


def test_origin_of_a_module_input_points_at_the_call() -> None:
    tables = tables_of(f"{CONSTRUCTS}/for-each-module")
    origin = tables[0]["origins"]["point_in_time_recovery.0.enabled"]
    assert origin["file"] == f"{CONSTRUCTS}/for-each-module/main.tf"
    assert origin["line"] == 21
    assert origin["trace"][0]["note"].startswith("pitr: set by the call of module.tables")


def test_count_conditionals_and_count_index() -> None:
    tables = tables_of(f"{CONSTRUCTS}/count-and-conditionals")
    assert sorted(t["address"] for t in tables) == [
        "aws_dynamodb_table.sessions[0]",
        "aws_dynamodb_table.shard[0]",
        "aws_dynamodb_table.shard[1]",
    ]
    shard0 = only(tables, "aws_dynamodb_table.shard[0]")["values"]
    shard1 = only(tables, "aws_dynamodb_table.shard[1]")["values"]
    assert (shard0["name"], shard1["name"]) == ("svc-shard-00", "svc-shard-01")
    assert (shard0["read_capacity"], shard1["read_capacity"]) == (10, 5)
    assert shard1["tags"] == {"Shard": "1", "Name": "SVC-SHARD-01"}
    assert shard0["billing_mode"] == "PROVISIONED"
    sessions = only(tables, "aws_dynamodb_table.sessions[0]")["values"]
    assert sessions["ttl"] == [{"attribute_name": "expires_at", "enabled": True}]
    assert sessions["name"] == "svc-sessions"


def test_count_from_var_changes_instances() -> None:
    tables = tables_of(
        f"{CONSTRUCTS}/count-and-conditionals", "--var", "shards=0", "--var", "create_audit=true"
    )
    assert sorted(t["address"] for t in tables) == [
        "aws_dynamodb_table.audit[0]",
        "aws_dynamodb_table.sessions[0]",
    ]


# unknown versus absent --------------------------------------------------------------------------


def test_key_from_resource_created_in_plan_is_set_but_unknown() -> None:
    tables = tables_of(f"{CONSTRUCTS}/unknown-vs-absent")
    for address in ("aws_dynamodb_table.customer_key", "aws_dynamodb_table.data_key"):
        table = only(tables, address)
        assert table["values"]["server_side_encryption"] == [{"enabled": True, "kms_key_arn": None}]
        assert "server_side_encryption.0.kms_key_arn" in table["unknown"]


def test_null_variable_is_absent() -> None:
    table = only(tables_of(f"{CONSTRUCTS}/unknown-vs-absent"), "aws_dynamodb_table.null_key")
    assert table["unknown"] == []


def test_variable_without_value_is_unknown_and_propagates() -> None:
    table = only(tables_of(f"{CONSTRUCTS}/unknown-vs-absent"), "aws_dynamodb_table.regional")
    assert "name" in table["unknown"]
    assert "replica.0.region_name" in table["unknown"]
    assert table["values"]["replica"] == [
        {
            "region_name": None,
            "kms_key_arn": None,
            "point_in_time_recovery": None,
            "propagate_tags": None,
            "deletion_protection_enabled": None,
            "consistency_mode": None,
        }
    ]


def test_unknown_becomes_known_when_given() -> None:
    table = only(
        tables_of(f"{CONSTRUCTS}/unknown-vs-absent", "--var", "region=eu-west-1"),
        "aws_dynamodb_table.regional",
    )
    assert table["values"]["name"] == "regional-eu-west-1"
    assert table["unknown"] == []


def test_resource_with_unknown_for_each_is_reported_not_dropped() -> None:
    code, document = run_tables(f"{CONSTRUCTS}/unknown-for-each")
    assert code == 0
    assert [t["address"] for t in document["tables"]] == ["aws_dynamodb_table.known"]
    notes = [n["message"] for n in document["diagnostics"]]
    assert any("aws_dynamodb_table.from_ssm was not evaluated" in n for n in notes)


# var files and environments ------------------------------------------------------------------


VAR_FILES = f"{CONSTRUCTS}/var-files"


def test_each_other_var_file_is_one_evaluation_with_auto_files_loaded() -> None:
    tables = tables_of(VAR_FILES)
    assert sorted(t["var_file"] for t in tables) == [
        f"{VAR_FILES}/dev.tfvars",
        f"{VAR_FILES}/environments/staging/dynamodb.tfvars",
        f"{VAR_FILES}/prod.tfvars",
    ]
    dev = only(tables, "aws_dynamodb_table.main", f"{VAR_FILES}/dev.tfvars")
    assert dev["environment"] == "dev"
    assert dev["values"]["read_capacity"] == 4
    assert dev["values"]["tags"] == {"Owner": "platform"}
    prod = only(tables, "aws_dynamodb_table.main", f"{VAR_FILES}/prod.tfvars")
    assert prod["environment"] == "prod"
    assert prod["values"]["read_capacity"] == 25
    assert prod["values"]["point_in_time_recovery"][0]["enabled"] is True
    assert prod["origins"]["read_capacity"]["file"] == f"{VAR_FILES}/prod.tfvars"
    assert prod["origins"]["read_capacity"]["line"] == 2


def test_var_file_folder_names_the_environment() -> None:
    tables = tables_of(VAR_FILES)
    staging = only(tables, "aws_dynamodb_table.main", f"{VAR_FILES}/environments/staging/dynamodb.tfvars")
    assert staging["environment"] == "staging"
    assert staging["values"]["name"] == "main-qa-east"
    assert staging["values"]["billing_mode"] == "PAY_PER_REQUEST"


def test_var_file_setting_an_undeclared_variable_is_a_warning() -> None:
    code, document = run_tables(VAR_FILES)
    assert code == 0
    warnings = [n for n in document["diagnostics"] if n.get("code") == "DL061"]
    assert len(warnings) == 1
    assert warnings[0]["severity"] == "warning"
    assert warnings[0]["file"] == f"{VAR_FILES}/prod.tfvars"
    assert warnings[0]["line"] == 4
    assert "unused_option" in warnings[0]["message"]


def test_cli_var_file_replaces_variants() -> None:
    tables = tables_of(VAR_FILES, "--var-file", f"{VAR_FILES}/dev.tfvars")
    assert [t["var_file"] for t in tables] == [f"{VAR_FILES}/dev.tfvars"]


def test_cli_var_replaces_variants_and_names_environment_through_variable() -> None:
    tables = tables_of(VAR_FILES, "--var", "environment=prod", "--var", "read_capacity=7")
    assert len(tables) == 1
    assert tables[0]["var_file"] is None
    assert tables[0]["environment"] == "prod"
    assert tables[0]["environment_source"] == "variable"
    assert tables[0]["values"]["read_capacity"] == 7


def test_env_option_wins() -> None:
    tables = tables_of(VAR_FILES, "--env", "sandbox")
    assert {t["environment"] for t in tables} == {"sandbox"}


def test_environment_from_folder_variable_and_tag() -> None:
    tables = tables_of(f"{CONSTRUCTS}/environments")
    by_root = {t["root"].rsplit("/", 1)[-1]: t for t in tables}
    assert by_root["prod"]["environment"] == "prod"
    assert by_root["prod"]["environment_source"] == "folder"
    assert by_root["prod"]["address"] == "module.table.aws_dynamodb_table.t"
    assert by_root["staging"]["environment"] == "qa"
    assert by_root["staging"]["environment_source"] == "variable"
    assert by_root["tagged"]["environment"] == "production"
    assert by_root["tagged"]["environment_source"] == "tag"


# modules: registry, errors ----------------------------------------------------------------------


def test_registry_module_read_through_modules_json() -> None:
    code, document = run_tables(f"{CONSTRUCTS}/registry-module")
    assert code == 0
    table = only(document["tables"], "module.dynamodb_table.aws_dynamodb_table.this[0]")
    assert table["file"] == f"{CONSTRUCTS}/registry-module/.terraform/modules/dynamodb_table/main.tf"
    assert table["values"]["point_in_time_recovery"] == [{"enabled": True, "recovery_period_in_days": None}]
    assert table["values"]["tags"] == {"Environment": "prod", "Name": "orders-prod"}
    assert table["environment"] == "prod"
    notes = [n["message"] for n in document["diagnostics"]]
    assert any("module.not_initialised" in n and "terraform init" in n for n in notes)


def test_module_errors_are_reported_and_evaluation_goes_on() -> None:
    code, document = run_tables(f"{CONSTRUCTS}/module-errors")
    assert code == 0
    addresses = sorted(t["address"] for t in document["tables"])
    assert addresses == ["aws_dynamodb_table.still_evaluated", "module.bad_arguments.aws_dynamodb_table.b"]
    problems = [n for n in document["diagnostics"] if n.get("code") == "DL061"]
    messages = " | ".join(n["message"] for n in problems)
    assert "module cycle" in messages
    assert "does-not-exist" in messages and "does not exist" in messages
    assert "leaves the scanned repository" in messages
    assert '"unknown_flag"' in messages
    assert 'required variable "table_name"' in messages
    assert all(n["severity"] == "error" for n in problems)
    table_b = only(document["tables"], "module.bad_arguments.aws_dynamodb_table.b")
    assert "name" in table_b["unknown"]


# bad input ---------------------------------------------------------------------------------------


def test_parse_error_is_reported_with_file_and_line_and_other_files_still_evaluated() -> None:
    result = CliRunner().invoke(app, ["tables", f"{CONSTRUCTS}/parse-error", "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert [t["address"] for t in document["tables"]] == ["aws_dynamodb_table.good"]
    assert document["errors"][0]["file"] == f"{CONSTRUCTS}/parse-error/other/broken.tf"
    assert document["errors"][0]["line"] == 3
    assert "Traceback" not in result.output


def test_missing_path_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["tables", "does/not/exist"])
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_malformed_var_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["tables", VAR_FILES, "--var", "novalue"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


# related resources and references -------------------------------------------------------------


def test_references_track_instances() -> None:
    inventory = scan([Path(f"{CONSTRUCTS}/references")], ScanOptions())
    targets = {t.address: t for t in inventory.related("aws_appautoscaling_target")}
    eu = targets['aws_appautoscaling_target.read["eu"]']
    assert eu.values["resource_id"] == "table/orders-eu"
    assert 'aws_dynamodb_table.orders["eu"]' in eu.references["resource_id"]
    assert 'aws_dynamodb_table.orders["us"]' not in eu.references["resource_id"]
    policy = next(p for p in inventory.related("aws_appautoscaling_policy") if p.address.endswith('["eu"]'))
    assert policy.values["resource_id"] == "table/orders-eu"
    assert policy.values["target_tracking_scaling_policy_configuration"][0]["target_value"] == 70
    assert 'aws_appautoscaling_target.read["eu"]' in policy.references["resource_id"]
    mapping = inventory.related("aws_lambda_event_source_mapping")[0]
    assert "event_source_arn" in mapping.unknown
    assert 'aws_dynamodb_table.orders["eu"]' in mapping.references["event_source_arn"]


def test_plan_json_yields_the_same_model() -> None:
    code, document = run_tables("fixtures/plan/events-prod.json")
    assert code == 0
    addresses = [t["address"] for t in document["tables"]]
    assert 'module.dynamodb.aws_dynamodb_table.this["events"]' in addresses
    events = only(document["tables"], 'module.dynamodb.aws_dynamodb_table.this["events"]')
    assert events["environment"] == "prod"
    assert "server_side_encryption.0.kms_key_arn" in events["unknown"]


def test_text_output_lists_tables() -> None:
    result = CliRunner().invoke(app, ["tables", f"{CONSTRUCTS}/for-each-module"])
    assert result.exit_code == 0
    assert 'module.tables["users"].aws_dynamodb_table.this' in result.stdout
    assert "2 table instance(s)" in result.stdout


def test_called_module_that_cannot_define_tables_is_never_parsed() -> None:
    code, document = run_tables(f"{CONSTRUCTS}/irrelevant-module")
    assert code == 0, document["errors"]
    assert [t["address"] for t in document["tables"]] == ["aws_dynamodb_table.t"]


def test_a_tf_file_argument_shows_only_its_own_tables() -> None:
    tables = tables_of(f"{CONSTRUCTS}/unknown-vs-absent/main.tf")
    assert len(tables) == 4
    tables = tables_of(f"{CONSTRUCTS}/for-each-module/main.tf")
    assert tables == []
    tables = tables_of(f"{CONSTRUCTS}/for-each-module/modules/table/main.tf")
    assert len(tables) == 1


def test_json_var_files_load_like_hcl_ones(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'variable "mode" {\n  type = string\n}\n'
        'resource "aws_dynamodb_table" "t" {\n  name = "t"\n  billing_mode = var.mode\n  hash_key = "id"\n}\n'
    )
    (tmp_path / "terraform.tfvars.json").write_text('{"mode": "PAY_PER_REQUEST"}')
    inventory = scan([tmp_path], ScanOptions())
    assert inventory.tables[0].values["billing_mode"] == "PAY_PER_REQUEST"
    assert inventory.tables[0].var_file is None
