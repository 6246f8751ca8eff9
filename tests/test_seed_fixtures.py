"""The seed scenarios under ``fixtures/seeds`` evaluated as Terraform would evaluate them at plan time.

Each scenario models one seed document (a real Terraform DynamoDB module) with a root module per
environment variant. The expected values below were worked out by hand from Terraform's semantics
(variable defaults and ``optional()`` attributes, var file precedence, ``merge`` order, ``count``
and ``for_each``, dynamic blocks, conditionals, type conversion, unknown propagation); each
scenario's README explains them. The CLI is run as a user runs it, from the repository root.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = "fixtures/seeds"


# ---------------------------------------------------------------------------
# Running the CLI and finding tables
# ---------------------------------------------------------------------------


def run_tables(path: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dynlint", "tables", path, *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )


@functools.cache
def inventory(scenario: str) -> tuple[dict[str, Any], ...]:
    """The table entries of ``dynlint tables fixtures/seeds/<scenario> --format json``."""
    proc = run_tables(f"{SEEDS}/{scenario}", "--format", "json")
    assert proc.returncode == 0, (
        f"dynlint tables {SEEDS}/{scenario} exited {proc.returncode}\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    document = json.loads(proc.stdout)
    assert isinstance(document.get("tables"), list), document
    return tuple(document["tables"])


def find_table(scenario: str, root: str, var_file: str | None, address: str) -> dict[str, Any]:
    """The one entry for ``address`` in the evaluation of ``root`` with ``var_file``."""
    entries = inventory(scenario)
    found = [
        t
        for t in entries
        if t.get("address") == address and t.get("root") == root and t.get("var_file") == var_file
    ]
    assert len(found) == 1, (
        f"expected one entry for {address} in root {root} with var file {var_file}, "
        f"found {len(found)}; evaluations present: {sorted(evaluations(entries))}"
    )
    return found[0]


def evaluations(entries: tuple[dict[str, Any], ...]) -> dict[tuple[str, str | None], list[str]]:
    """Addresses per (root, var_file), sorted."""
    result: dict[tuple[str, str | None], list[str]] = {}
    for entry in entries:
        result.setdefault((entry["root"], entry["var_file"]), []).append(entry["address"])
    return {key: sorted(addresses) for key, addresses in result.items()}


@functools.cache
def resource_line(file: str, resource_type: str, name: str) -> int:
    """The line of ``resource "<type>" "<name>" {`` in ``file`` (1-based)."""
    header = re.compile(rf'^\s*resource\s+"{resource_type}"\s+"{name}"\s*\{{')
    lines = (REPO / file).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if header.match(line):
            return number
    raise AssertionError(f'resource "{resource_type}" "{name}" not found in {file}')


def pick(blocks: Any, keys: list[str]) -> list[dict[str, Any]]:
    """The selected keys of each block, in order; a key that is missing fails the test."""
    assert isinstance(blocks, list), f"expected a list of blocks, got {blocks!r}"
    picked = []
    for block in blocks:
        missing = [k for k in keys if k not in block]
        assert not missing, f"block {block!r} lacks {missing}"
        picked.append({k: block[k] for k in keys})
    return picked


# ---------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What one table instance of one evaluation must evaluate to."""

    scenario: str
    root: str
    var_file: str | None
    environment: str | None
    address: str
    file: str
    resource: str
    values: dict[str, Any]
    blocks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unknown: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        root = self.root.removeprefix(f"{SEEDS}/{self.scenario}").strip("/") or "."
        variant = Path(self.var_file).name if self.var_file else "-"
        return f"{self.scenario}:{root}:{variant}:{self.address}"


def attrs(*pairs: str) -> list[dict[str, Any]]:
    """``attrs("id:N", "category:S")`` -> attribute blocks."""
    return [{"name": p.split(":")[0], "type": p.split(":")[1]} for p in pairs]


def pitr(enabled: bool) -> list[dict[str, Any]]:
    return [{"enabled": enabled}]


def sse(enabled: bool = True) -> list[dict[str, Any]]:
    return [{"enabled": enabled, "kms_key_arn": None}]


def ttl(attribute_name: str, enabled: bool = True) -> list[dict[str, Any]]:
    return [{"attribute_name": attribute_name, "enabled": enabled}]


def gsi(
    name: str,
    hash_key: str,
    range_key: str | None,
    projection_type: str | None,
    read_capacity: int | None = None,
    write_capacity: int | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "hash_key": hash_key,
        "range_key": range_key,
        "projection_type": projection_type,
        "read_capacity": read_capacity,
        "write_capacity": write_capacity,
    }


BLOCK_KEYS: dict[str, list[str]] = {
    "attribute": ["name", "type"],
    "global_secondary_index": [
        "name",
        "hash_key",
        "range_key",
        "projection_type",
        "read_capacity",
        "write_capacity",
    ],
    "local_secondary_index": ["name", "range_key", "projection_type"],
    "ttl": ["attribute_name", "enabled"],
    "point_in_time_recovery": ["enabled"],
    "server_side_encryption": ["enabled", "kms_key_arn"],
    "replica": ["region_name", "kms_key_arn", "point_in_time_recovery", "propagate_tags"],
}

KMS_UNKNOWN = ("server_side_encryption.0.kms_key_arn",)


# --- seed 000: d3-dashboard -------------------------------------------------

D3 = f"{SEEDS}/d3-dashboard"
D3_FILE = f"{D3}/modules/dynamodb/main.tf"


def d3_tables(env: str) -> list[Expected]:
    production = env == "production"
    root = f"{D3}/environments/{env}"
    common_tags = {"Project": "d3-dashboard", "Environment": env, "ManagedBy": "terraform"}
    visualizations = f"d3-dashboard-{env}-visualizations"
    tasks = f"productivity-{env}-tasks"
    # Production: terraform.tfvars raises the tasks capacity to 20/10 (module default 5/5).
    read, write = (20, 10) if production else (5, 5)
    return [
        Expected(
            scenario="d3-dashboard",
            root=root,
            var_file=None,
            environment=env,
            address="module.visualizations_table.aws_dynamodb_table.this",
            file=D3_FILE,
            resource="this",
            values={
                "name": visualizations,
                # staging omits billing_mode: the module default applies
                "billing_mode": "PAY_PER_REQUEST",
                "hash_key": "userId",
                "range_key": "visualizationId",
                "read_capacity": None,
                "write_capacity": None,
                "stream_enabled": True,
                "stream_view_type": "NEW_IMAGE" if production else "NEW_AND_OLD_IMAGES",
                "deletion_protection_enabled": None,
                "table_class": None,
                "tags": {**common_tags, "Component": "dashboard", "Name": visualizations},
            },
            blocks={
                "attribute": attrs("userId:S", "visualizationId:S", "updatedAt:S", "dashboardId:S"),
                "global_secondary_index": [
                    gsi("dashboardId-updatedAt-index", "dashboardId", "updatedAt", "ALL")
                ],
                "local_secondary_index": [
                    {
                        "name": "userId-updatedAt-index",
                        "range_key": "updatedAt",
                        "projection_type": "KEYS_ONLY",
                    }
                ],
                "ttl": [],
                "point_in_time_recovery": pitr(production),
                "server_side_encryption": sse(),
                "replica": [],
            },
        ),
        Expected(
            scenario="d3-dashboard",
            root=root,
            var_file=None,
            environment=env,
            address="module.tasks_table.aws_dynamodb_table.this",
            file=D3_FILE,
            resource="this",
            values={
                "name": tasks,
                "billing_mode": "PROVISIONED",
                "hash_key": "taskId",
                "range_key": None,
                "read_capacity": read,
                "write_capacity": write,
                "stream_enabled": False,
                "stream_view_type": None,
                "tags": {**common_tags, "Component": "workflow", "Name": tasks},
            },
            blocks={
                "attribute": attrs("taskId:S", "status:S", "todoistProjectId:S"),
                # list(map(any)) turns the numbers into strings ("5"); lookup() falls back
                # to the table capacity; the provider's number attributes convert them back.
                "global_secondary_index": [
                    gsi("status-index", "status", None, "KEYS_ONLY", 5, 5),
                    gsi("project-index", "todoistProjectId", "status", "ALL", read, write),
                ],
                "local_secondary_index": [],
                "ttl": [],
                "point_in_time_recovery": pitr(production),
                "server_side_encryption": sse(),
            },
        ),
    ]


# --- seed 001: infra-tables-map ----------------------------------------------

INFRA = f"{SEEDS}/infra-tables-map"
INFRA_ROOT = f"{INFRA}/20_infra"
INFRA_FILE = f"{INFRA}/modules/dynamodb/main.tf"


def infra_table(
    env: str,
    key: str,
    *,
    hash_key: str,
    range_key: str | None = None,
    attribute: list[dict[str, Any]],
    table_type: str,
    billing_mode: str = "PAY_PER_REQUEST",
    ttl_block: list[dict[str, Any]] | None = None,
    pitr_enabled: bool = False,
    stream_view_type: str | None = None,
    purpose: str = "Application Data Storage",
) -> Expected:
    name = f"dash-{env}-{key}"
    return Expected(
        scenario="infra-tables-map",
        root=INFRA_ROOT,
        var_file=f"{INFRA_ROOT}/{env}.tfvars",
        environment=env,
        address=f'module.dynamodb.aws_dynamodb_table.this["{key}"]',
        file=INFRA_FILE,
        resource="this",
        values={
            "name": name,
            "billing_mode": billing_mode,
            "hash_key": hash_key,
            "range_key": range_key,
            # the module has no capacity inputs at all, even for PROVISIONED tables
            "read_capacity": None,
            "write_capacity": None,
            "stream_enabled": stream_view_type is not None,
            "stream_view_type": stream_view_type,
            "tags": {
                "Project": "dash",
                "Environment": env,
                "Layer": "20_infra",
                "ManagedBy": "terraform",
                "Name": name,
                "Purpose": purpose,
                "TableType": table_type,
            },
        },
        blocks={
            "attribute": attribute,
            "global_secondary_index": [],
            "ttl": ttl_block or [],
            "point_in_time_recovery": pitr(pitr_enabled),
            # kms_key_id is ignored by the module: always the AWS managed key
            "server_side_encryption": sse(),
        },
    )


def infra_tables(env: str) -> list[Expected]:
    production = env == "prod"
    # streams.auto.tfvars turns the events stream on; dev.tfvars turns it off again.
    events_stream = None if env == "dev" else "NEW_AND_OLD_IMAGES"
    tables = [
        infra_table(
            env,
            "events",
            hash_key="event_type",
            range_key="timestamp",
            attribute=attrs("event_type:S", "timestamp:N"),
            table_type="time-series",
            ttl_block=ttl("ttl"),
            pitr_enabled=production,
            stream_view_type=events_stream,
        ),
        infra_table(
            env,
            "sessions",
            hash_key="session_id",
            attribute=attrs("session_id:S"),
            table_type="key-value",
            ttl_block=ttl("expires_at"),
        ),
        infra_table(
            env,
            "user-data",
            hash_key="user_id",
            attribute=attrs("user_id:S"),
            table_type="key-value",
            pitr_enabled=True,
        ),
    ]
    if env == "stage":
        tables.append(
            infra_table(
                env,
                "metrics",
                hash_key="metric_name",
                range_key="timestamp",
                attribute=attrs("metric_name:S", "timestamp:N"),
                table_type="time-series",
                billing_mode="PROVISIONED",
                ttl_block=ttl("ttl"),
            )
        )
    if env == "prod":
        tables.append(
            infra_table(
                env,
                "audit-log",
                hash_key="entity_id",
                range_key="event_time",
                attribute=attrs("entity_id:S", "event_time:S"),
                table_type="time-series",
                pitr_enabled=True,
                stream_view_type="NEW_IMAGE",
                purpose="Audit Trail",
            )
        )
    return tables


# --- seed 002: lead-capture --------------------------------------------------

LEAD = f"{SEEDS}/lead-capture"
LEAD_FILE = f"{LEAD}/modules/dynamodb/main.tf"
LEAD_ADDRESS = "module.dynamodb.aws_dynamodb_table.this"

LEAD_TABLES = [
    Expected(
        scenario="lead-capture",
        root=LEAD,
        var_file=f"{LEAD}/prod.tfvars",
        environment="prod",
        address=LEAD_ADDRESS,
        file=LEAD_FILE,
        resource="this",
        values={
            "name": "lead-capture-leads",
            "billing_mode": "PROVISIONED",
            "hash_key": "leadId",
            "range_key": "timestamp",
            "read_capacity": 10,
            "write_capacity": 10,
            "stream_enabled": True,
            "stream_view_type": "NEW_AND_OLD_IMAGES",
            "deletion_protection_enabled": None,
            # merge(common_tags, extra_tags): the var file's Environment wins
            "tags": {
                "Project": "lead-capture",
                "Environment": "production",
                "ManagedBy": "terraform",
                "Compliance": "gdpr",
                "Name": "lead-capture-leads",
                "Module": "dynamodb",
            },
        },
        blocks={
            "attribute": attrs("leadId:S", "timestamp:S", "email:S", "source:S"),
            "global_secondary_index": [
                gsi("email-index", "email", "timestamp", "ALL", 5, 5),
                gsi("source-index", "source", "timestamp", "ALL", 5, 5),
            ],
            "local_secondary_index": [],
            "ttl": ttl("expiresAt"),
            "point_in_time_recovery": pitr(True),
            # aws_kms_key.this[0].arn: a customer key, known only after apply
            "server_side_encryption": sse(),
            "replica": [],
        },
        unknown=KMS_UNKNOWN,
    ),
    Expected(
        scenario="lead-capture",
        root=LEAD,
        var_file=f"{LEAD}/dev.tfvars",
        environment="dev",
        address=LEAD_ADDRESS,
        file=LEAD_FILE,
        resource="this",
        values={
            "name": "lead-capture-dev-leads",
            "billing_mode": "PAY_PER_REQUEST",
            "hash_key": "leadId",
            "range_key": "timestamp",
            "read_capacity": None,
            "write_capacity": None,
            "stream_enabled": False,
            "stream_view_type": None,
            "tags": {
                "Project": "lead-capture",
                "Environment": "dev",
                "ManagedBy": "terraform",
                "Name": "lead-capture-dev-leads",
                "Module": "dynamodb",
            },
        },
        blocks={
            "attribute": attrs("leadId:S", "timestamp:S", "email:S", "source:S"),
            "global_secondary_index": [
                gsi("email-index", "email", "timestamp", "ALL"),
                gsi("source-index", "source", "timestamp", "ALL"),
            ],
            "ttl": [],
            "point_in_time_recovery": pitr(False),
            # encryption off: the key has count 0 and the conditional picks null
            "server_side_encryption": sse(enabled=False),
        },
    ),
]


# --- seed 003: quikapp-media -------------------------------------------------

QUIK = f"{SEEDS}/quikapp-media"
QUIK_FILE = f"{QUIK}/modules/dynamodb/main.tf"


def quik_table(
    env: str,
    resource: str,
    suffix: str,
    *,
    hash_key: str,
    range_key: str | None,
    attribute: list[dict[str, Any]],
    indexes: list[dict[str, Any]],
    ttl_block: list[dict[str, Any]],
    replicated: bool,
) -> Expected:
    production = env == "prod"
    name = f"quikapp-{env}-{suffix}"
    replica = [
        {
            "region_name": "us-west-2",
            # replica_kms_key_arn is not passed: null
            "kms_key_arn": None,
            "point_in_time_recovery": True,
            "propagate_tags": True,
        }
    ]
    return Expected(
        scenario="quikapp-media",
        root=f"{QUIK}/envs/{env}",
        var_file=None,
        environment=env,
        address=f"module.dynamodb.aws_dynamodb_table.{resource}[0]",
        file=QUIK_FILE,
        resource=resource,
        values={
            "name": name,
            "billing_mode": "PAY_PER_REQUEST" if production else "PROVISIONED",
            "hash_key": hash_key,
            "range_key": range_key,
            "read_capacity": None if production else 5,
            "write_capacity": None if production else 5,
            "stream_enabled": production,
            "stream_view_type": "NEW_AND_OLD_IMAGES" if production else None,
            "deletion_protection_enabled": production,
            "tags": {
                "Project": "quikapp",
                "Owner": "media-platform",
                "CostCenter": "media" if production else "media-dev",
                "Environment": env,
                "Service": "quikapp",
                "ManagedBy": "terraform",
                "Name": name,
                "Table": suffix,
            },
        },
        blocks={
            "attribute": attribute,
            "global_secondary_index": indexes,
            "ttl": ttl_block,
            "point_in_time_recovery": pitr(production),
            "server_side_encryption": sse(),
            "replica": replica if production and replicated else [],
        },
        # prod: module.kms.s3_media_key_arn (aws_kms_key.s3_media.arn);
        # dev: var.kms_key_arn, which has no default and no value
        unknown=KMS_UNKNOWN,
    )


def quik_tables(env: str) -> list[Expected]:
    production = env == "prod"
    capacity = None if production else 5
    tables = [
        quik_table(
            env,
            "media_metadata",
            "media-metadata",
            hash_key="mediaId",
            range_key=None,
            attribute=attrs("mediaId:S", "userId:S", "createdAt:S"),
            indexes=[gsi("userId-createdAt-index", "userId", "createdAt", "ALL", capacity, capacity)],
            ttl_block=[],
            replicated=True,
        ),
        quik_table(
            env,
            "user_sessions",
            "user-sessions",
            hash_key="sessionId",
            range_key="userId",
            attribute=attrs("sessionId:S", "userId:S"),
            indexes=[],
            ttl_block=ttl("expiresAt"),
            replicated=True,
        ),
        quik_table(
            env,
            "rate_limits",
            "rate-limits",
            hash_key="key",
            range_key=None,
            attribute=attrs("key:S"),
            indexes=[],
            ttl_block=ttl("expiresAt"),
            replicated=False,
        ),
    ]
    if production:
        tables += [
            quik_table(
                env,
                "notifications",
                "notifications",
                hash_key="userId",
                range_key="notificationId",
                attribute=attrs("userId:S", "notificationId:S"),
                indexes=[],
                ttl_block=ttl("expiresAt"),
                replicated=True,
            ),
            quik_table(
                env,
                "conversations",
                "conversations",
                hash_key="conversationId",
                range_key="messageId",
                # participantId and updatedAt are never declared (as in the seed document)
                attribute=attrs("conversationId:S", "messageId:S"),
                # no projection_type: the optional() attribute stays null
                indexes=[gsi("participant-updatedAt-index", "participantId", "updatedAt", None)],
                ttl_block=[],
                replicated=True,
            ),
        ]
    return tables


# --- seed 004: products ------------------------------------------------------

PRODUCTS = f"{SEEDS}/products"
PRODUCTS_ROOT = f"{PRODUCTS}/Infrastructure"
PRODUCTS_FILE = f"{PRODUCTS_ROOT}/Modules/dynamodb/main.tf"


def products_tables(env: str) -> list[Expected]:
    common_tags = {"Project": "products-catalog", "Environment": env, "ManagedBy": "Terraform"}
    var_file = f"{PRODUCTS_ROOT}/{env}.tfvars"
    return [
        Expected(
            scenario="products",
            root=PRODUCTS_ROOT,
            var_file=var_file,
            environment=env,
            address="module.dynamodb.aws_dynamodb_table.products",
            file=PRODUCTS_FILE,
            resource="products",
            values={
                "name": f"{env}-products",
                "billing_mode": "PAY_PER_REQUEST",
                "table_class": "STANDARD",
                "hash_key": "id",
                "range_key": None,
                "read_capacity": None,
                "write_capacity": None,
                "stream_enabled": None,
                "stream_view_type": None,
                # enable_deletion_protection defaults to false and the root never sets it
                "deletion_protection_enabled": False,
                "tags": {**common_tags, "Name": f"{env}-products-table", "Type": "DynamoDB"},
            },
            blocks={
                "attribute": attrs("id:N", "category:S", "created_at:S"),
                "global_secondary_index": [
                    gsi("CategoryIndex", "category", "created_at", "ALL"),
                ],
                "local_secondary_index": [],
                "ttl": ttl("ttl", enabled=False),
                "point_in_time_recovery": pitr(True),
                "server_side_encryption": sse(),
                "replica": [],
            },
        ),
        Expected(
            scenario="products",
            root=PRODUCTS_ROOT,
            var_file=var_file,
            environment=env,
            address="module.dynamodb.aws_dynamodb_table.sessions",
            file=PRODUCTS_FILE,
            resource="sessions",
            values={
                "name": f"{env}-sessions",
                "billing_mode": "PAY_PER_REQUEST",
                "table_class": "STANDARD",
                "hash_key": "session_id",
                "range_key": None,
                "read_capacity": None,
                "write_capacity": None,
                "deletion_protection_enabled": None,
                "tags": {**common_tags, "Name": f"{env}-sessions-table", "Type": "DynamoDB"},
            },
            blocks={
                "attribute": attrs("session_id:S"),
                "global_secondary_index": [],
                "ttl": ttl("expires_at"),
                "point_in_time_recovery": pitr(True),
                "server_side_encryption": sse(),
            },
        ),
    ]


EXPECTED: list[Expected] = [
    *d3_tables("staging"),
    *d3_tables("production"),
    *infra_tables("dev"),
    *infra_tables("stage"),
    *infra_tables("prod"),
    *LEAD_TABLES,
    *quik_tables("dev"),
    *quik_tables("prod"),
    *products_tables("dev"),
    *products_tables("production"),
]

SCENARIOS = ["d3-dashboard", "infra-tables-map", "lead-capture", "quikapp-media", "products"]

# Number of table entries per scenario: one per table instance and evaluation.
TABLE_COUNTS = {
    "d3-dashboard": 4,  # 2 roots x 2 tables, no variants (terraform.tfvars is not one)
    "infra-tables-map": 11,  # dev 3, stage 4, prod 4
    "lead-capture": 2,  # dev, prod
    "quikapp-media": 8,  # envs/dev 3, envs/prod 5
    "products": 4,  # dev, production x products + sessions
}


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_expectations_cover_every_scenario() -> None:
    for scenario in SCENARIOS:
        listed = [e for e in EXPECTED if e.scenario == scenario]
        assert len(listed) == TABLE_COUNTS[scenario], scenario
    assert len({e.id for e in EXPECTED}) == len(EXPECTED)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_table_count(scenario: str) -> None:
    entries = inventory(scenario)
    assert len(entries) == TABLE_COUNTS[scenario], sorted(
        (t["root"], t["var_file"] or "", t["address"]) for t in entries
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_evaluations(scenario: str) -> None:
    """Each root is evaluated once per variant, with exactly the expected table instances."""
    expected: dict[tuple[str, str | None], list[str]] = {}
    for e in EXPECTED:
        if e.scenario == scenario:
            expected.setdefault((e.root, e.var_file), []).append(e.address)
    expected = {key: sorted(addresses) for key, addresses in expected.items()}
    assert evaluations(inventory(scenario)) == expected


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_environment_per_evaluation(scenario: str) -> None:
    expected = {(e.root, e.var_file): e.environment for e in EXPECTED if e.scenario == scenario}
    actual = {(t["root"], t["var_file"]): t.get("environment") for t in inventory(scenario)}
    assert actual == expected


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.id)
def test_table_values(expected: Expected) -> None:
    table = find_table(expected.scenario, expected.root, expected.var_file, expected.address)
    values = table["values"]

    mismatches = {}
    for key, want in expected.values.items():
        if key not in values:
            mismatches[key] = ("<missing>", want)
        elif values[key] != want:
            mismatches[key] = (values[key], want)
    for name, want in expected.blocks.items():
        got = pick(values.get(name, "<missing>"), BLOCK_KEYS[name])
        if got != want:
            mismatches[name] = (got, want)
    assert not mismatches, "\n".join(
        f"{key}: got {got!r}, expected {want!r}" for key, (got, want) in mismatches.items()
    )

    assert sorted(table.get("unknown", [])) == sorted(expected.unknown)


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: e.id)
def test_table_location(expected: Expected) -> None:
    table = find_table(expected.scenario, expected.root, expected.var_file, expected.address)
    assert table["environment"] == expected.environment
    assert table["file"] == expected.file
    assert table["line"] == resource_line(expected.file, "aws_dynamodb_table", expected.resource)


def test_unknown_key_arn_is_set_not_absent() -> None:
    """An unknown customer key ARN is null in values and listed; an unset one is not listed."""
    prod = find_table("lead-capture", LEAD, f"{LEAD}/prod.tfvars", LEAD_ADDRESS)
    assert prod["values"]["server_side_encryption"][0]["kms_key_arn"] is None
    assert "server_side_encryption.0.kms_key_arn" in prod["unknown"]
    audit = find_table(
        "infra-tables-map",
        INFRA_ROOT,
        f"{INFRA_ROOT}/prod.tfvars",
        'module.dynamodb.aws_dynamodb_table.this["audit-log"]',
    )
    assert audit["values"]["server_side_encryption"][0]["kms_key_arn"] is None
    assert audit.get("unknown", []) == []


def test_always_loaded_var_files_are_not_variants() -> None:
    """terraform.tfvars and *.auto.tfvars load in every evaluation but are no variant of their own."""
    for scenario in ("d3-dashboard", "infra-tables-map"):
        for entry in inventory(scenario):
            var_file = entry["var_file"] or ""
            assert not var_file.endswith(("terraform.tfvars", ".auto.tfvars")), entry["var_file"]


def test_readme_example_prints_the_lead_capture_tables() -> None:
    proc = run_tables(LEAD)
    assert proc.returncode == 0, proc.stderr
    assert "lead-capture-leads" in proc.stdout
    assert "lead-capture-dev-leads" in proc.stdout
