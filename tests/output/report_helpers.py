"""Hand-made findings, rules and check results for the report tests (stand-ins for a check run)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint.findings import Finding
from dynlint.model import Diagnostic, TraceStep

REPO = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = REPO.parent / "shared" / "sarif" / "sarif-schema-2.1.0.json"


@dataclass
class Rule:
    """The fields of a policy that reports read."""

    id: str
    name: str
    severity: str
    summary: str
    rationale: str = "Why it matters.\n\nA second paragraph."
    fix: str = "Set `enabled = true`."
    source: str = "rules/x.yaml"
    examples: list[Any] = field(default_factory=list)


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 3
    tables: int = 2
    rules: list[Rule] = field(default_factory=list)


RULES = [
    Rule("DL001", "sse-disabled", "warning", "SSE uses an AWS-owned key"),
    Rule("DL002", "sse-customer-key", "note", "SSE without a customer managed key"),
    Rule("DL003", "pitr-production", "error", "Production tables need point-in-time recovery"),
]


def finding(**overrides: Any) -> Finding:
    values: dict[str, Any] = {
        "rule_id": "DL003",
        "name": "pitr-production",
        "severity": "error",
        "message": 'point-in-time recovery is off for production table "events"',
        "address": 'module.dynamodb.aws_dynamodb_table.this["events"]',
        "root": "live",
        "file": "modules/dynamodb/main.tf",
        "line": 42,
        "column": 3,
        "environment": "prod",
        "var_file": "live/prod.tfvars",
        "trace": [
            TraceStep(file="live/main.tf", line=12, note="enable_point_in_time_recovery omitted"),
            TraceStep(file="--var", line=0, note="set by --var"),
        ],
        "path": "point_in_time_recovery.0.enabled",
    }
    values.update(overrides)
    return Finding(**values)


def sample_outcome() -> Outcome:
    return Outcome(
        findings=[
            finding(),
            finding(
                rule_id="DL001",
                name="sse-disabled",
                severity="warning",
                message="the table uses an AWS-owned key: no KMS audit trail",
                line=10,
                column=1,
                path="server_side_encryption",
                trace=[],
            ),
            finding(
                rule_id="DL002",
                name="sse-customer-key",
                severity="note",
                message="SSE uses the AWS-managed key aws/dynamodb",
                address="aws_dynamodb_table.t",
                root="dev",
                file="dev/main.tf",
                line=5,
                environment="dev",
                var_file=None,
                path="server_side_encryption.0.kms_key_arn",
                trace=[],
            ),
        ],
        errors=[
            Diagnostic(
                severity="error", message="Invalid block definition", file="broken.tf", line=7, column=1
            )
        ],
        diagnostics=[
            Diagnostic(
                severity="note",
                message='module "x": registry module not evaluated',
                file="live/main.tf",
                line=30,
                code="DL061",
            )
        ],
        rules=list(RULES),
    )


# The runner's grammar: ::name key=value,key=value::data, one command a line; property values
# carry no raw ':' or ',', data no raw CR or LF; '%XX' escapes are undone after splitting.
COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<data>[^\r\n]*)$")
PROPERTY = re.compile(r"^(?P<key>[A-Za-z]+)=(?P<value>[^,]*)$")


def unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    properties = {}
    for item in (match["props"] or "").split(","):
        if item:
            prop = PROPERTY.match(item)
            assert prop, f"bad property {item!r} in {line!r}"
            properties[prop["key"]] = unescape_property(prop["value"])
    return match["name"], properties, unescape_data(match["data"])


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in text.splitlines() if line.startswith("::")]


SUITE_COUNTS = ("tests", "failures", "errors", "skipped", "time")


def check_structure(text: str) -> ET.Element:
    """The layout of Jenkins' JUnit schema: testsuites > testsuite > (properties?, testcase*)."""
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root:
        assert suite.tag == "testsuite"
        assert suite.get("name")
        assert all(suite.get(a) is not None for a in SUITE_COUNTS)
        children = [c.tag for c in suite]
        assert set(children) <= {"properties", "testcase"}
        assert "properties" not in children[1:], "properties come first"
        cases = suite.findall("testcase")
        for case in cases:
            assert case.get("name") and case.get("classname") is not None
            assert {c.tag for c in case} <= {"failure", "error", "skipped", "system-out", "system-err"}
            for outcome in case.findall("failure") + case.findall("error"):
                assert outcome.get("message") and outcome.get("type")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
        }
        assert {k: int(suite.get(k)) for k in counted} == counted
        for key in total:
            total[key] += counted[key]
    assert {k: int(root.get(k)) for k in total} == total
    return root
