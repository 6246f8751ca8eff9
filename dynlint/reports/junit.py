"""``--format junit``: JUnit XML, as Jenkins, GitLab, Azure Pipelines and CircleCI read it.

One ``testsuite`` per evaluation (root module and var file), one ``testcase`` per table and
rule that ran, named ``DL003 pitr-production`` with the table's address as its class name. A
finding at or above the ``--fail-on`` level is a ``failure`` of its test case (a rule that fires
several times on one table gets one test case per finding); a finding below it keeps its test
case passing and is printed in ``system-out``, so a JUnit consumer fails the build exactly when
``dynlint check`` does. Input errors are test cases with an ``error``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dynlint.findings import Finding
from dynlint.model import Diagnostic
from dynlint.reports.common import CheckOutcome, RuleDoc

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, order=True)
class TableKey:
    """A table instance of one evaluation: what a test case is about."""

    root: str
    var_file: str
    address: str


@dataclass
class Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0

    def add(self, other: Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors


def render_junit(
    outcome: CheckOutcome, fail_on: str = "warning", tables: Iterable[TableKey] | None = None
) -> str:
    """The JUnit XML document of a check run. ``tables`` adds the tables that had no finding."""
    suites = ET.Element("testsuites", name="dynlint")
    total = Counts()
    keys = set(tables or ()) | {key_of(f) for f in outcome.findings}
    rules = sorted(outcome.rules, key=lambda r: r.id)
    for evaluation, table_keys in _by_evaluation(keys).items():
        total.add(_evaluation_suite(suites, evaluation, table_keys, rules, outcome.findings, fail_on))
    if outcome.errors:
        total.add(_error_suite(suites, outcome.errors))
    _set_counts(suites, total, skipped=False)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def key_of(finding: Finding) -> TableKey:
    return TableKey(finding.root, finding.var_file or "", finding.address)


def _by_evaluation(keys: set[TableKey]) -> dict[tuple[str, str], list[TableKey]]:
    grouped: dict[tuple[str, str], list[TableKey]] = {}
    for key in sorted(keys):
        grouped.setdefault((key.root, key.var_file), []).append(key)
    return grouped


def _evaluation_suite(
    parent: ET.Element,
    evaluation: tuple[str, str],
    keys: list[TableKey],
    rules: Sequence[RuleDoc],
    findings: list[Finding],
    fail_on: str,
) -> Counts:
    root, var_file = evaluation
    name = f"{root} ({var_file})" if var_file else root
    suite = ET.SubElement(parent, "testsuite", name=_clean(name))
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="root", value=_clean(root))
    if var_file:
        ET.SubElement(properties, "property", name="var_file", value=_clean(var_file))
    counts = Counts()
    for key in keys:
        mine = [f for f in findings if key_of(f) == key]
        for rule_id, rule_name in _rule_names(rules, mine):
            counts.add(_rule_cases(suite, key, rule_id, rule_name, mine, fail_on))
    _set_counts(suite, counts)
    return counts


def _rule_names(rules: Sequence[RuleDoc], findings: list[Finding]) -> list[tuple[str, str]]:
    names = {rule.id: rule.name for rule in rules}
    for finding in findings:
        names.setdefault(finding.rule_id, finding.name)
    return sorted(names.items())


def _rule_cases(
    suite: ET.Element, key: TableKey, rule_id: str, rule_name: str, findings: list[Finding], fail_on: str
) -> Counts:
    title = f"{rule_id} {rule_name}"
    fired = [f for f in findings if f.rule_id == rule_id]
    if not fired:
        _testcase(suite, key.address, title)
        return Counts(tests=1)
    counts = Counts()
    for finding in fired:
        name = f"{title} ({finding.path or f'line {finding.line}'})" if len(fired) > 1 else title
        case = _testcase(suite, key.address, name)
        counts.tests += 1
        if finding.at_least(fail_on):
            failure = ET.SubElement(
                case, "failure", message=_clean(finding.message), type=f"{finding.severity} {rule_id}"
            )
            failure.text = _clean(_details(finding))
            counts.failures += 1
        else:
            ET.SubElement(case, "system-out").text = _clean(_details(finding))
    return counts


def _testcase(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", name=_clean(name), classname=_clean(classname), time="0")


def _details(finding: Finding) -> str:
    lines = [
        f"{finding.file}:{finding.line}:{finding.column}: {finding.severity} {finding.rule_id}: "
        f"{finding.message}",
        f"address: {finding.address}",
        f"root: {finding.root}",
    ]
    if finding.var_file:
        lines.append(f"var file: {finding.var_file}")
    if finding.environment:
        lines.append(f"environment: {finding.environment}")
    lines.extend(f"  via {step.file}:{step.line}: {step.note}" for step in finding.trace)
    return "\n".join(lines)


def _error_suite(parent: ET.Element, errors: list[Diagnostic]) -> Counts:
    suite = ET.SubElement(parent, "testsuite", name="dynlint input errors")
    for error in errors:
        where = f"{error.file}:{error.line}" if error.file and error.line else error.file or "input"
        case = _testcase(suite, "dynlint", f"parse {where}")
        ET.SubElement(case, "error", message=_clean(error.message), type="input error").text = _clean(
            f"{where}: {error.message}"
        )
    counts = Counts(tests=len(errors), errors=len(errors))
    _set_counts(suite, counts)
    return counts


def _set_counts(element: ET.Element, counts: Counts, skipped: bool = True) -> None:
    element.set("tests", str(counts.tests))
    element.set("failures", str(counts.failures))
    element.set("errors", str(counts.errors))
    if skipped:
        element.set("skipped", "0")
    element.set("time", "0")


def _clean(text: str) -> str:
    """Text that XML 1.0 can carry (control characters other than tab and newlines dropped)."""
    return _INVALID_XML.sub("", text)
