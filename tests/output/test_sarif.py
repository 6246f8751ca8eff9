"""--format sarif: valid SARIF 2.1.0, as code scanning reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from report_helpers import SARIF_SCHEMA, Outcome, finding

from dynlint.reports.sarif import FINGERPRINT_KEY, SRCROOT, render_sarif


def _markdown(rule: Any) -> str:
    return f"# {rule.id} {rule.name}\n\n{rule.summary}\n"


def _log(outcome: Outcome, tmp_path: Path) -> dict[str, Any]:
    return json.loads(render_sarif(outcome, cwd=tmp_path, srcroot=tmp_path, markdown=_markdown))


def validate_sarif(document: dict[str, Any]) -> None:
    """Validate against the official schema (../shared/sarif beside the repository)."""
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(
            f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (../shared/sarif beside the repository)"
        )
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_the_log_validates_against_the_sarif_schema(outcome: Outcome, tmp_path: Path) -> None:
    document = _log(outcome, tmp_path)
    validate_sarif(document)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")


def test_an_empty_run_validates(tmp_path: Path) -> None:
    document = _log(Outcome(), tmp_path)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_one_descriptor_per_rule_with_its_documentation(outcome: Outcome, tmp_path: Path) -> None:
    driver = _log(outcome, tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "dynlint"
    assert [r["id"] for r in driver["rules"]] == ["DL001", "DL002", "DL003"]
    pitr = driver["rules"][2]
    assert pitr["name"] == "pitr-production"
    assert pitr["shortDescription"]["text"] == "Production tables need point-in-time recovery"
    assert pitr["fullDescription"]["text"].startswith("Why it matters.")
    assert (
        pitr["help"]["markdown"]
        == "# DL003 pitr-production\n\nProduction tables need point-in-time recovery\n"
    )
    assert "Set `enabled = true`." in pitr["help"]["text"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in driver["rules"]}
    assert levels == {"DL001": "warning", "DL002": "note", "DL003": "error"}


def test_results_point_at_the_line_and_column_relative_to_srcroot(outcome: Outcome, tmp_path: Path) -> None:
    run = _log(outcome, tmp_path)["runs"][0]
    assert run["originalUriBaseIds"][SRCROOT]["uri"] == tmp_path.resolve().as_uri() + "/"
    result = next(r for r in run["results"] if r["ruleId"] == "DL003")
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "DL003"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "modules/dynamodb/main.tf", "uriBaseId": SRCROOT}
    assert location["region"] == {"startLine": 42, "startColumn": 3}
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == 'module.dynamodb.aws_dynamodb_table.this["events"]'
    assert result["properties"]["root"] == "live"


def test_the_trace_becomes_related_locations(outcome: Outcome, tmp_path: Path) -> None:
    run = _log(outcome, tmp_path)["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "DL003")
    (related,) = result["relatedLocations"]  # the --var step has no place in a file
    assert related["id"] == 0
    assert related["message"]["text"] == "enable_point_in_time_recovery omitted"
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "live/main.tf"
    assert related["physicalLocation"]["region"]["startLine"] == 12


def test_fingerprints_ignore_the_line(tmp_path: Path) -> None:
    before = _log(Outcome(findings=[finding(line=42)]), tmp_path)["runs"][0]["results"][0]
    after = _log(Outcome(findings=[finding(line=52)]), tmp_path)["runs"][0]["results"][0]
    other = _log(Outcome(findings=[finding(root="staging")]), tmp_path)["runs"][0]["results"][0]
    fingerprint = before["partialFingerprints"][FINGERPRINT_KEY]
    assert fingerprint == finding().fingerprint
    assert after["partialFingerprints"] == before["partialFingerprints"]
    assert other["partialFingerprints"] != before["partialFingerprints"]


def test_paths_are_percent_encoded_and_outside_paths_absolute(tmp_path: Path) -> None:
    srcroot = tmp_path / "repo"
    srcroot.mkdir()
    findings = [finding(file="my modules/main.tf", trace=[]), finding(file="../elsewhere/x.tf", trace=[])]
    document = json.loads(
        render_sarif(Outcome(findings=findings), cwd=srcroot, srcroot=srcroot, markdown=_markdown)
    )
    validate_sarif(document)
    inside, outside = (
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in document["runs"][0]["results"]
    )
    assert inside == {"uri": "my%20modules/main.tf", "uriBaseId": SRCROOT}
    assert outside == {"uri": (tmp_path / "elsewhere" / "x.tf").resolve().as_uri()}


def test_input_errors_are_notifications_and_fail_the_invocation(outcome: Outcome, tmp_path: Path) -> None:
    invocation = _log(outcome, tmp_path)["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    error, note = invocation["toolExecutionNotifications"]
    assert error["level"] == "error"
    assert error["message"]["text"] == "Invalid block definition"
    assert error["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    assert note["level"] == "note"
    assert note["message"]["text"].startswith("DL061: ")


def test_a_finding_of_a_rule_not_listed_still_has_a_descriptor(tmp_path: Path) -> None:
    document = _log(Outcome(findings=[finding(rule_id="DL061", name="module-input-unknown")]), tmp_path)
    validate_sarif(document)
    run = document["runs"][0]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["id"] == "DL061"
