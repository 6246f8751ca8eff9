"""Baselines: today's findings accepted, new ones reported, fixed ones noted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_helpers import finding

from dynlint.baseline import (
    BaselineError,
    apply_baseline,
    baseline_document,
    describe_fixed,
    load_baseline,
    scope_of,
    write_baseline,
)


def test_a_written_baseline_reads_back_and_covers_its_findings(tmp_path: Path) -> None:
    findings = [finding(), finding(rule_id="DL001", name="sse-disabled", path="server_side_encryption")]
    path = tmp_path / "baseline.json"
    write_baseline(path, findings)
    data = json.loads(path.read_text())
    assert data["version"] == 1
    assert {e["fingerprint"] for e in data["findings"]} == {f.fingerprint for f in findings}
    entry = next(e for e in data["findings"] if e["rule_id"] == "DL003")
    assert entry["address"] == 'module.dynamodb.aws_dynamodb_table.this["events"]'
    assert entry["root"] == "live"
    outcome = apply_baseline(findings, load_baseline(path), str(path))
    assert outcome.new == []
    assert outcome.known == 2
    assert outcome.fixed == []


def test_only_new_findings_remain_matched_by_fingerprint_not_line(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(line=42)])
    moved = finding(line=52)
    new = finding(rule_id="DL005", name="deletion-protection-production", path="deletion_protection_enabled")
    outcome = apply_baseline([moved, new], load_baseline(path), str(path))
    assert outcome.new == [new]
    assert outcome.known == 1


def test_a_fingerprint_recorded_once_covers_one_finding(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding()])
    outcome = apply_baseline([finding(), finding(line=60)], load_baseline(path), str(path))
    assert [f.line for f in outcome.new] == [60]


def test_fixed_findings_are_reported_so_the_baseline_can_shrink(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(), finding(rule_id="DL001", name="sse-disabled", path="sse")])
    outcome = apply_baseline([finding()], load_baseline(path), "baseline.json")
    assert [e.rule_id for e in outcome.fixed] == ["DL001"]
    document = baseline_document(outcome)
    assert document["file"] == "baseline.json"
    assert document["known"] == 1
    assert document["fixed"][0]["rule_id"] == "DL001"
    lines = describe_fixed(outcome)
    assert "1 finding(s) of baseline baseline.json no longer occur" in lines[0]
    assert "DL001 sse-disabled" in lines[1]


def test_entries_out_of_scope_are_not_called_fixed(tmp_path: Path) -> None:
    (tmp_path / "live").mkdir()
    (tmp_path / "dev").mkdir()
    path = tmp_path / "baseline.json"
    write_baseline(path, [finding(root="live"), finding(root="dev"), finding(rule_id="DL001", root="live")])
    only_dev = scope_of(["DL003", "DL001"], [tmp_path / "dev"], tmp_path)
    outcome = apply_baseline([], load_baseline(path), "b", only_dev)
    assert [(e.rule_id, e.root) for e in outcome.fixed] == [("DL003", "dev")]
    fewer_rules = scope_of(["DL003"], [tmp_path], tmp_path)
    outcome = apply_baseline([], load_baseline(path), "b", fewer_rules)
    assert sorted(e.root for e in outcome.fixed) == ["dev", "live"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "baseline.json:1: not a JSON baseline"),
        ('{"findings": [{"rule_id": "DL003"}]}', "not a dynlint baseline: findings.0.fingerprint"),
        ('{"version": 99, "findings": []}', "baseline version 99 is newer"),
    ],
)
def test_a_bad_baseline_is_an_input_error(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text)
    with pytest.raises(BaselineError, match=reason):
        load_baseline(path)


def test_a_missing_baseline_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read the baseline"):
        load_baseline(tmp_path / "nope.json")
