"""--format junit: the JUnit XML that CI servers (Jenkins, GitLab, Azure) read."""

from __future__ import annotations

from report_helpers import Outcome, check_structure, finding

from dynlint.reports.junit import TableKey, render_junit


def test_a_testcase_per_table_and_rule_and_a_failure_per_finding(outcome: Outcome) -> None:
    root = check_structure(render_junit(outcome))
    suites = {s.get("name"): s for s in root}
    assert set(suites) == {"dev", "live (live/prod.tfvars)", "dynlint input errors"}
    live = suites["live (live/prod.tfvars)"]
    cases = {c.get("name"): c for c in live.findall("testcase")}
    assert set(cases) == {"DL001 sse-disabled", "DL002 sse-customer-key", "DL003 pitr-production"}
    assert {c.get("classname") for c in cases.values()} == {
        'module.dynamodb.aws_dynamodb_table.this["events"]'
    }
    failure = cases["DL003 pitr-production"].find("failure")
    assert failure is not None
    assert failure.get("type") == "error DL003"
    assert failure.text.startswith("modules/dynamodb/main.tf:42:3: error DL003: point-in-time recovery")
    assert "via live/main.tf:12: enable_point_in_time_recovery omitted" in failure.text
    assert cases["DL002 sse-customer-key"].find("failure") is None
    assert live.find("properties/property[@name='var_file']").get("value") == "live/prod.tfvars"


def test_findings_below_fail_on_pass_with_their_text(outcome: Outcome) -> None:
    root = check_structure(render_junit(outcome, fail_on="warning"))
    dev = next(s for s in root if s.get("name") == "dev")
    (case,) = [c for c in dev if c.tag == "testcase" and c.get("name") == "DL002 sse-customer-key"]
    assert case.find("failure") is None
    assert "SSE uses the AWS-managed key" in case.find("system-out").text
    strict = check_structure(render_junit(outcome, fail_on="note"))
    assert int(strict.get("failures")) == 3


def test_input_errors_are_errors(outcome: Outcome) -> None:
    root = check_structure(render_junit(outcome))
    suite = next(s for s in root if s.get("name") == "dynlint input errors")
    (case,) = suite.findall("testcase")
    assert case.find("error").get("message") == "Invalid block definition"
    assert root.get("errors") == "1"


def test_tables_without_findings_pass_every_rule(outcome: Outcome) -> None:
    clean = TableKey("live", "live/dev.tfvars", "module.dynamodb.aws_dynamodb_table.this")
    root = check_structure(render_junit(outcome, tables=[clean]))
    suite = next(s for s in root if s.get("name") == "live (live/dev.tfvars)")
    cases = suite.findall("testcase")
    assert len(cases) == 3
    assert all(c.find("failure") is None for c in cases)


def test_several_findings_of_one_rule_on_one_table_are_told_apart() -> None:
    findings = [finding(path="attribute.0"), finding(path="attribute.1", line=50)]
    root = check_structure(render_junit(Outcome(findings=findings)))
    names = [c.get("name") for c in root.iter("testcase")]
    assert names == ["DL003 pitr-production (attribute.0)", "DL003 pitr-production (attribute.1)"]


def test_text_that_xml_cannot_carry_is_dropped() -> None:
    root = check_structure(render_junit(Outcome(findings=[finding(message="bad \x00\x1b byte & <tag>")])))
    failure = next(root.iter("failure"))
    assert failure.get("message") == "bad  byte & <tag>"
