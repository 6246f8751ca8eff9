"""Reading ``terraform show -json`` plan files into the table model."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest

from dynlint.model import ResourceInstance
from dynlint.plan import PlanResult, load_plan, looks_like_plan

PLANS = Path(__file__).resolve().parent.parent / "fixtures" / "plan"
EVENTS_PROD = PLANS / "events-prod.json"
BROKEN = PLANS / "broken.json"
NOT_A_PLAN = PLANS / "not-a-plan.json"

EVENTS = 'module.dynamodb.aws_dynamodb_table.this["events"]'
USERS = 'module.dynamodb.aws_dynamodb_table.this["users"]'
LEGACY = "aws_dynamodb_table.legacy"
READ_TARGET = "aws_appautoscaling_target.legacy_read"
READ_POLICY = "aws_appautoscaling_policy.legacy_read"
ARCHIVER = "aws_lambda_event_source_mapping.legacy_archiver"
REPLICATOR = "module.dynamodb.aws_lambda_event_source_mapping.users_replicator"
KMS_KEY = "aws_kms_key.dynamodb"


@pytest.fixture(scope="module")
def events_prod() -> PlanResult:
    return load_plan(EVENTS_PROD, "fixtures/plan/events-prod.json", "fixtures/plan")


def by_address(result: PlanResult) -> dict[str, ResourceInstance]:
    return {resource.address: resource for resource in result.resources}


def write_plan(directory: Path, document: dict[str, Any], indent: int | None = 2) -> Path:
    path = directory / "plan.json"
    path.write_text(json.dumps(document, indent=indent), encoding="utf-8")
    return path


def planned_resource(
    address: str, resource_type: str, name: str, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": resource_type,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": values or {},
        "sensitive_values": {},
    }


def change(address: str, after_unknown: Any, actions: list[str] | None = None) -> dict[str, Any]:
    return {
        "address": address,
        "change": {
            "actions": actions or ["create"],
            "before": None,
            "after": {},
            "after_unknown": after_unknown,
            "before_sensitive": False,
            "after_sensitive": {},
        },
    }


def minimal_plan(resources: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": {"resources": resources}},
        **extra,
    }


def load_document(directory: Path, document: dict[str, Any]) -> PlanResult:
    return load_plan(write_plan(directory, document), "plan.json", ".")


# looks_like_plan


def test_looks_like_plan_accepts_plan_files() -> None:
    assert looks_like_plan(EVENTS_PROD)
    # Sniffing reads only the head, so a damaged plan still goes to load_plan for a diagnostic.
    assert looks_like_plan(BROKEN)


def test_looks_like_plan_rejects_other_json(tmp_path: Path) -> None:
    tfvars = tmp_path / "prod.tfvars.json"
    tfvars.write_text('{"environment": "prod", "format_version": "x"}', encoding="utf-8")
    listing = tmp_path / "list.json"
    listing.write_text('["format_version", "planned_values"]', encoding="utf-8")
    assert not looks_like_plan(NOT_A_PLAN)
    assert not looks_like_plan(tfvars)
    assert not looks_like_plan(listing)


def test_looks_like_plan_needs_a_json_file(tmp_path: Path) -> None:
    renamed = tmp_path / "plan.txt"
    renamed.write_bytes(EVENTS_PROD.read_bytes())
    assert not looks_like_plan(renamed)
    assert not looks_like_plan(tmp_path / "missing.json")
    assert not looks_like_plan(tmp_path)


def test_looks_like_plan_when_variables_fill_the_head(tmp_path: Path) -> None:
    document = minimal_plan([], variables={"blob": {"value": "x" * 20_000}})
    document = {key: document[key] for key in ("format_version", "terraform_version", "variables")}
    document["planned_values"] = {"root_module": {}}
    assert looks_like_plan(write_plan(tmp_path, document, indent=None))


def test_looks_like_plan_reads_utf16_redirects(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    text = EVENTS_PROD.read_text(encoding="utf-8")
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert looks_like_plan(path)
    assert {r.address for r in load_plan(path, "plan.json", ".").resources} >= {EVENTS, LEGACY}


# Resources and addresses


def test_every_modelled_resource_with_its_plan_address(events_prod: PlanResult) -> None:
    assert [r.address for r in events_prod.resources] == [
        READ_POLICY,
        READ_TARGET,
        LEGACY,
        KMS_KEY,
        ARCHIVER,
        EVENTS,
        USERS,
        REPLICATOR,
    ]
    assert events_prod.diagnostics == []


def test_deleted_resource_is_absent(events_prod: PlanResult) -> None:
    assert "aws_dynamodb_table.sessions" in EVENTS_PROD.read_text(encoding="utf-8")
    assert "aws_dynamodb_table.sessions" not in by_address(events_prod)


def test_module_address_type_file_and_root(events_prod: PlanResult) -> None:
    resources = by_address(events_prod)
    assert resources[EVENTS].module_address == "module.dynamodb"
    assert resources[REPLICATOR].module_address == "module.dynamodb"
    assert resources[LEGACY].module_address == ""
    assert resources[READ_TARGET].type == "aws_appautoscaling_target"
    for resource in events_prod.resources:
        assert resource.file == "fixtures/plan/events-prod.json"
        assert resource.root == "fixtures/plan"
        assert (resource.environment, resource.var_file) == (None, None)
        assert (resource.origins, resource.lifecycle) == ({}, {})


def test_data_sources_and_other_types_are_skipped(tmp_path: Path) -> None:
    data_source = planned_resource("data.aws_kms_key.shared", "aws_kms_key", "shared", {"arn": "a"})
    data_source["mode"] = "data"
    role = planned_resource("aws_iam_role.scaler", "aws_iam_role", "scaler", {"name": "scaler"})
    table = planned_resource("aws_dynamodb_table.t", "aws_dynamodb_table", "t", {"name": "t"})
    result = load_document(tmp_path, minimal_plan([data_source, role, table]))
    assert [r.address for r in result.resources] == ["aws_dynamodb_table.t"]


def test_nested_and_keyed_module_instances(tmp_path: Path) -> None:
    address = 'module.region["eu"].module.tables.aws_dynamodb_table.t[0]'
    inner = {
        "resources": [planned_resource(address, "aws_dynamodb_table", "t", {"name": "eu-t"})],
        "address": 'module.region["eu"].module.tables',
    }
    outer = {"address": 'module.region["eu"]', "child_modules": [inner]}
    document = minimal_plan([])
    document["planned_values"]["root_module"]["child_modules"] = [outer]
    (resource,) = load_document(tmp_path, document).resources
    assert resource.address == address
    assert resource.module_address == 'module.region["eu"].module.tables'
    assert resource.values == {"name": "eu-t"}


def test_state_output_values_are_read(tmp_path: Path) -> None:
    table = planned_resource("aws_dynamodb_table.t", "aws_dynamodb_table", "t", {"name": "t"})
    document = {"format_version": "1.0", "values": {"root_module": {"resources": [table]}}}
    result = load_document(tmp_path, document)
    assert [(r.address, r.values) for r in result.resources] == [
        ("aws_dynamodb_table.t", {"name": "t"})
    ]


# Values and unknowns


def test_values_have_the_plan_shape(events_prod: PlanResult) -> None:
    events = by_address(events_prod)[EVENTS]
    legacy = by_address(events_prod)[LEGACY]
    assert events.values["name"] == "dash-prod-events"
    assert events.values["billing_mode"] == "PAY_PER_REQUEST"
    assert events.blocks("point_in_time_recovery") == [{"enabled": False}]
    assert events.values["server_side_encryption"] == [{"enabled": True, "kms_key_arn": None}]
    assert events.values["global_secondary_index"][0]["projection_type"] == "ALL"
    assert events.values["replica"] == []
    assert (legacy.values["billing_mode"], legacy.values["read_capacity"]) == ("PROVISIONED", 20)
    assert legacy.values["write_capacity"] == 10


def test_unknown_lists_every_after_unknown_path(events_prod: PlanResult) -> None:
    events = by_address(events_prod)[EVENTS]
    assert events.unknown == [
        "arn",
        "global_secondary_index.0.read_capacity",
        "global_secondary_index.0.write_capacity",
        "id",
        "read_capacity",
        "server_side_encryption.0.kms_key_arn",
        "stream_arn",
        "stream_label",
        "write_capacity",
    ]
    assert events.values["arn"] is None
    assert events.values["global_secondary_index"][0]["read_capacity"] is None
    assert by_address(events_prod)[LEGACY].unknown == []


def test_wholly_unknown_block_is_none_and_listed(events_prod: PlanResult) -> None:
    users = by_address(events_prod)[USERS]
    for block in ("point_in_time_recovery", "server_side_encryption", "ttl"):
        assert block in users.unknown
        assert users.values[block] is None
        assert users.blocks(block) == []
    assert users.is_unknown("point_in_time_recovery.0.enabled")


def test_unknown_inside_list_items(events_prod: PlanResult) -> None:
    users = by_address(events_prod)[USERS]
    replica = users.values["replica"][0]
    assert replica["region_name"] == "us-west-2"
    assert replica["kms_key_arn"] is None
    assert "replica.0.kms_key_arn" in users.unknown
    assert not users.is_unknown("replica.0.region_name")


def test_unknown_reference_target_attribute(events_prod: PlanResult) -> None:
    replicator = by_address(events_prod)[REPLICATOR]
    archiver = by_address(events_prod)[ARCHIVER]
    assert replicator.values["event_source_arn"] is None
    assert replicator.is_unknown("event_source_arn")
    assert archiver.values["event_source_arn"].endswith(
        "table/dash-prod-legacy/stream/2021-03-09T14:02:51.347"
    )
    assert not archiver.is_unknown("event_source_arn")


def test_unknown_creates_places_the_plan_left_out(tmp_path: Path) -> None:
    table = planned_resource("aws_dynamodb_table.t", "aws_dynamodb_table", "t", {"name": "t"})
    marks = {
        "server_side_encryption": [{"kms_key_arn": True}],
        "tags": {"Owner": True},
        "replica": [{}, True],
    }
    (resource,) = load_document(
        tmp_path, minimal_plan([table], resource_changes=[change("aws_dynamodb_table.t", marks)])
    ).resources
    assert resource.values == {
        "name": "t",
        "server_side_encryption": [{"kms_key_arn": None}],
        "tags": {"Owner": None},
        "replica": [None, None],
    }
    assert resource.unknown == ["server_side_encryption.0.kms_key_arn", "tags.Owner", "replica.1"]


def test_deposed_objects_do_not_supply_unknowns(tmp_path: Path) -> None:
    table = planned_resource("aws_dynamodb_table.t", "aws_dynamodb_table", "t", {"name": "t"})
    deposed = change("aws_dynamodb_table.t", {"name": True}, ["delete"]) | {"deposed": "00000001"}
    changes = [change("aws_dynamodb_table.t", {"arn": True}, ["create", "delete"]), deposed]
    (resource,) = load_document(tmp_path, minimal_plan([table], resource_changes=changes)).resources
    assert resource.unknown == ["arn"]
    assert resource.values == {"name": "t", "arn": None}


def test_sensitive_values_are_kept(events_prod: PlanResult) -> None:
    users = by_address(events_prod)[USERS]
    assert users.values["tags"]["CostCenter"] == "cc-4411"


# Line numbers


def test_line_is_where_the_planned_resource_starts(events_prod: PlanResult) -> None:
    lines = EVENTS_PROD.read_text(encoding="utf-8").splitlines()
    changes_line = next(n for n, text in enumerate(lines, 1) if '"resource_changes"' in text)
    for resource in events_prod.resources:
        assert lines[resource.line - 1].strip() == f'"address": {json.dumps(resource.address)},'
        assert resource.line < changes_line


def test_line_numbers_in_a_small_plan(tmp_path: Path) -> None:
    text = (
        '{"format_version": "1.2",\n'
        ' "resource_changes": [\n'
        '  {"address": "aws_dynamodb_table.b", "change": {"actions": ["create"]}}],\n'
        ' "planned_values": {"root_module": {"resources": [\n'
        '  {"address": "aws_dynamodb_table.a",\n'
        '   "type": "aws_dynamodb_table", "name": "a", "values": {}},\n'
        "\n"
        '  {"type": "aws_dynamodb_table", "name": "b", "values": {},\n'
        '   "address" : "aws_dynamodb_table.b"}]}}}\n'
    )
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    result = load_plan(path, "plan.json", ".")
    assert [(r.address, r.line) for r in result.resources] == [
        ("aws_dynamodb_table.a", 5),
        ("aws_dynamodb_table.b", 9),
    ]


def test_escaped_addresses_are_found(tmp_path: Path) -> None:
    address = 'aws_dynamodb_table.t["a&b"]'
    text = json.dumps(
        minimal_plan([planned_resource(address, "aws_dynamodb_table", "t")]), indent=2
    )
    path = tmp_path / "plan.json"
    path.write_text(text.replace("&", "\\u0026"), encoding="utf-8")
    (resource,) = load_plan(path, "plan.json", ".").resources
    assert resource.address == address
    assert resource.line == 8


def test_compact_plan_gives_the_same_model_on_line_one(
    tmp_path: Path, events_prod: PlanResult
) -> None:
    compact = json.loads(EVENTS_PROD.read_text(encoding="utf-8"))
    result = load_plan(
        write_plan(tmp_path, compact, indent=None),
        "fixtures/plan/events-prod.json",
        "fixtures/plan",
    )
    assert {r.line for r in result.resources} == {1}
    assert [r.model_dump(exclude={"line"}) for r in result.resources] == [
        r.model_dump(exclude={"line"}) for r in events_prod.resources
    ]


# References


def test_references_from_configuration(events_prod: PlanResult) -> None:
    resources = by_address(events_prod)
    assert resources[READ_TARGET].references == {"resource_id": [LEGACY]}
    assert resources[READ_POLICY].references == {"resource_id": [READ_TARGET]}
    assert resources[ARCHIVER].references == {"event_source_arn": [LEGACY]}
    assert resources[REPLICATOR].references == {"event_source_arn": [USERS]}
    assert resources[EVENTS].references == {}
    assert resources[KMS_KEY].references == {}


def test_references_keep_module_instance_keys_and_drop_non_resources(tmp_path: Path) -> None:
    mapping = 'module.region["eu"].aws_lambda_event_source_mapping.m'
    planned = {
        "address": 'module.region["eu"]',
        "resources": [planned_resource(mapping, "aws_lambda_event_source_mapping", "m")],
    }
    configured = {
        "address": "aws_lambda_event_source_mapping.m",
        "type": "aws_lambda_event_source_mapping",
        "name": "m",
        "expressions": {
            "event_source_arn": {
                "references": [
                    "aws_dynamodb_table.t[0].stream_arn",
                    "aws_dynamodb_table.t[0]",
                    "aws_dynamodb_table.t",
                    "data.aws_dynamodb_table.shared.stream_arn",
                    "data.aws_dynamodb_table.shared",
                    "var.stream_arn",
                    "local.arns",
                    "each.value",
                    "module.streams.arn",
                    "module.streams",
                ]
            },
            "function_name": {"references": ["aws_lambda_function.f.arn", "aws_lambda_function.f"]},
        },
    }
    document = minimal_plan([])
    document["planned_values"]["root_module"]["child_modules"] = [planned]
    document["configuration"] = {
        "root_module": {
            "module_calls": {
                "region": {"source": "./region", "module": {"resources": [configured]}}
            }
        }
    }
    (resource,) = load_document(tmp_path, document).resources
    assert resource.references == {
        "event_source_arn": [
            'module.region["eu"].aws_dynamodb_table.t[0]',
            'module.region["eu"].data.aws_dynamodb_table.shared',
        ]
    }


def test_no_configuration_means_no_references(tmp_path: Path) -> None:
    document = json.loads(EVENTS_PROD.read_text(encoding="utf-8"))
    del document["configuration"]
    result = load_document(tmp_path, document)
    assert len(result.resources) == 8
    assert all(r.references == {} for r in result.resources)


# Variables


def test_variables_are_flattened(events_prod: PlanResult) -> None:
    assert events_prod.variables == {
        "cost_center": "cc-4411",
        "environment": "prod",
        "project": "dash",
    }


# Broken input


def test_broken_json_names_file_line_and_column() -> None:
    result = load_plan(BROKEN, "fixtures/plan/broken.json", "fixtures/plan")
    assert result.resources == []
    (diagnostic,) = result.diagnostics
    assert diagnostic.severity == "error"
    assert (diagnostic.file, diagnostic.line, diagnostic.column) == (
        "fixtures/plan/broken.json",
        10,
        11,
    )
    assert "JSON" in diagnostic.message
    assert diagnostic.code is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"format_version": "1.0", "provider_schemas": {}}', "not a Terraform plan"),
        (b'["format_version", "planned_values"]', "not a Terraform plan"),
        (b'{"planned_values": {}}', "not a Terraform plan"),
        (b'{"format_version": "2.0", "planned_values": {}}', "format_version '2.0'"),
        (b"", "invalid JSON"),
        (b'{"format_version": "1.2", "variables": {"v": {"value": "\xff"}}}', "not UTF-8"),
    ],
)
def test_unusable_input_gives_one_error(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = load_plan(path, "plan.json", "live")
    assert (result.resources, result.variables) == ([], {})
    (diagnostic,) = result.diagnostics
    assert (diagnostic.severity, diagnostic.file, diagnostic.root) == ("error", "plan.json", "live")
    assert expected in diagnostic.message


def test_not_a_plan_fixture() -> None:
    (diagnostic,) = load_plan(NOT_A_PLAN, "not-a-plan.json", ".").diagnostics
    assert diagnostic.severity == "error"
    assert "not a Terraform plan" in diagnostic.message


def test_missing_file_gives_an_error(tmp_path: Path) -> None:
    (diagnostic,) = load_plan(tmp_path / "gone.json", "gone.json", ".").diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.file == "gone.json"
    assert "cannot read" in diagnostic.message


def test_errored_plan_is_read_with_a_warning(tmp_path: Path) -> None:
    table = planned_resource("aws_dynamodb_table.t", "aws_dynamodb_table", "t", {"name": "t"})
    result = load_document(tmp_path, minimal_plan([table], errored=True))
    assert [r.address for r in result.resources] == ["aws_dynamodb_table.t"]
    assert [d.severity for d in result.diagnostics] == ["warning"]
