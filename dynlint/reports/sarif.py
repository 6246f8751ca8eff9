"""``--format sarif``: SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

The log is built from typed models of the SARIF objects dynlint emits and serialized with their
camelCase names. Every rule that ran is a ``reportingDescriptor`` with its own documentation;
every finding is a ``result`` at its file, line and column (a URI relative to ``%SRCROOT%``, the
git work tree), with the module trace as ``relatedLocations`` and the finding's fingerprint as a
``partialFingerprint``, so code scanning matches alerts across runs however lines move.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from dynlint import __version__, observe
from dynlint.findings import Finding
from dynlint.inputs import tree_top
from dynlint.model import Diagnostic, TraceStep
from dynlint.reports.common import CheckOutcome, RuleDoc

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "dynlintFinding/v1"

Level = Literal["error", "warning", "note", "none"]


class SarifObject(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Message(SarifObject):
    text: str
    markdown: str | None = None


class MultiformatMessageString(SarifObject):
    text: str
    markdown: str | None = None


class ArtifactLocation(SarifObject):
    uri: str
    uri_base_id: str | None = None


class Region(SarifObject):
    start_line: int = Field(ge=1)
    start_column: int | None = Field(default=None, ge=1)


class PhysicalLocation(SarifObject):
    artifact_location: ArtifactLocation
    region: Region | None = None


class LogicalLocation(SarifObject):
    fully_qualified_name: str
    kind: str | None = None


class Location(SarifObject):
    id: int | None = Field(default=None, ge=0)
    physical_location: PhysicalLocation | None = None
    logical_locations: list[LogicalLocation] | None = None
    message: Message | None = None


class ReportingConfiguration(SarifObject):
    level: Level


class ReportingDescriptor(SarifObject):
    id: str
    name: str | None = None
    short_description: MultiformatMessageString | None = None
    full_description: MultiformatMessageString | None = None
    help: MultiformatMessageString | None = None
    default_configuration: ReportingConfiguration | None = None
    properties: dict[str, Any] | None = None


class ToolComponent(SarifObject):
    name: str
    version: str | None = None
    semantic_version: str | None = None
    information_uri: str | None = None
    rules: list[ReportingDescriptor] = Field(default_factory=list)


class Tool(SarifObject):
    driver: ToolComponent


class Notification(SarifObject):
    level: Level
    message: Message
    locations: list[Location] | None = None


class Invocation(SarifObject):
    execution_successful: bool
    tool_execution_notifications: list[Notification] | None = None


class Result(SarifObject):
    rule_id: str
    rule_index: int = Field(ge=0)
    level: Level
    message: Message
    locations: list[Location]
    related_locations: list[Location] | None = None
    partial_fingerprints: dict[str, str]
    properties: dict[str, Any] | None = None


class Run(SarifObject):
    tool: Tool
    invocations: list[Invocation]
    original_uri_base_ids: dict[str, ArtifactLocation]
    column_kind: Literal["unicodeCodePoints", "utf16CodeUnits"] = "unicodeCodePoints"
    results: list[Result]


class SarifLog(SarifObject):
    schema_uri: str = Field(default=SARIF_SCHEMA_URI, alias="$schema")
    version: Literal["2.1.0"] = SARIF_VERSION
    runs: list[Run]


class Locator:
    """Turns dynlint's paths (relative to the current directory) into SARIF artifact locations."""

    def __init__(self, cwd: Path, srcroot: Path) -> None:
        self.cwd = observe.resolve(cwd)
        self.srcroot = observe.resolve(srcroot)

    def artifact(self, path: str) -> ArtifactLocation:
        absolute = observe.resolve(self.cwd / path)
        try:
            relative = absolute.relative_to(self.srcroot)
        except ValueError:
            return ArtifactLocation(uri=absolute.as_uri())
        return ArtifactLocation(uri=quote(relative.as_posix()), uri_base_id=SRCROOT)

    def location(self, path: str, line: int | None, column: int | None = None) -> PhysicalLocation:
        region = Region(start_line=line, start_column=column) if line and line >= 1 else None
        return PhysicalLocation(artifact_location=self.artifact(path), region=region)

    def base_ids(self) -> dict[str, ArtifactLocation]:
        return {SRCROOT: ArtifactLocation(uri=self.srcroot.as_uri().rstrip("/") + "/")}


def render_sarif(
    outcome: CheckOutcome,
    cwd: Path | None = None,
    srcroot: Path | None = None,
    markdown: Callable[[Any], str] | None = None,
) -> str:
    """The SARIF log of a check run, as JSON text."""
    log = sarif_log(outcome, cwd=cwd, srcroot=srcroot, markdown=markdown)
    return json.dumps(log.model_dump(by_alias=True, exclude_none=True), indent=2)


def sarif_log(
    outcome: CheckOutcome,
    cwd: Path | None = None,
    srcroot: Path | None = None,
    markdown: Callable[[Any], str] | None = None,
) -> SarifLog:
    cwd = (cwd or Path.cwd()).resolve()
    locator = Locator(cwd, srcroot or tree_top(cwd))
    descriptors = _descriptors(outcome.rules, outcome.findings, markdown or _explain_markdown)
    index = {descriptor.id: i for i, descriptor in enumerate(descriptors)}
    run = Run(
        tool=Tool(
            driver=ToolComponent(
                name="dynlint",
                version=__version__,
                semantic_version=__version__,
                rules=descriptors,
            )
        ),
        invocations=[_invocation(outcome.errors, outcome.diagnostics, locator)],
        original_uri_base_ids=locator.base_ids(),
        results=[_result(f, index[f.rule_id], locator) for f in outcome.findings],
    )
    return SarifLog(runs=[run])


def _explain_markdown(policy: Any) -> str:
    from dynlint.reports.explain import explain_markdown

    return explain_markdown(policy)


def _descriptors(
    rules: Sequence[RuleDoc], findings: list[Finding], markdown: Callable[[Any], str]
) -> list[ReportingDescriptor]:
    descriptors = [_descriptor(rule, markdown) for rule in sorted(rules, key=lambda r: r.id)]
    known = {d.id for d in descriptors}
    for finding in findings:
        if finding.rule_id not in known:
            known.add(finding.rule_id)
            descriptors.append(_bare_descriptor(finding))
    return descriptors


def _descriptor(rule: RuleDoc, markdown: Callable[[Any], str]) -> ReportingDescriptor:
    help_text = "\n\n".join(
        part for part in (rule.summary, rule.rationale.strip(), _fix_text(rule.fix)) if part
    )
    return ReportingDescriptor(
        id=rule.id,
        name=rule.name,
        short_description=MultiformatMessageString(text=rule.summary),
        full_description=MultiformatMessageString(
            text=rule.rationale.strip() or rule.summary, markdown=rule.rationale.strip() or None
        ),
        help=MultiformatMessageString(text=help_text, markdown=markdown(rule)),
        default_configuration=ReportingConfiguration(level=_level(rule.severity)),
        properties={"tags": ["terraform", "dynamodb"], "policyFile": rule.source},
    )


def _fix_text(fix: str) -> str:
    return f"How to fix: {fix.strip()}" if fix.strip() else ""


def _bare_descriptor(finding: Finding) -> ReportingDescriptor:
    """A rule that reported without being among the selected ones (evaluator diagnostics)."""
    return ReportingDescriptor(
        id=finding.rule_id,
        name=finding.name,
        short_description=MultiformatMessageString(text=finding.name),
        default_configuration=ReportingConfiguration(level=_level(finding.severity)),
    )


def _level(severity: str) -> Level:
    return severity if severity in ("error", "warning", "note") else "none"  # type: ignore[return-value]


def _result(finding: Finding, rule_index: int, locator: Locator) -> Result:
    primary = Location(
        physical_location=locator.location(finding.file, finding.line, finding.column),
        logical_locations=[LogicalLocation(fully_qualified_name=finding.address, kind="resource")]
        if finding.address
        else None,
    )
    properties = {
        "address": finding.address,
        "root": finding.root,
        "environment": finding.environment,
        "varFile": finding.var_file,
        "attributePath": finding.path or None,
    }
    return Result(
        rule_id=finding.rule_id,
        rule_index=rule_index,
        level=_level(finding.severity),
        message=Message(
            text=f"{finding.message} ({_context(finding)})" if finding.address else finding.message
        ),
        locations=[primary],
        related_locations=_related(finding.trace, locator) or None,
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        properties={k: v for k, v in properties.items() if v is not None},
    )


def _context(finding: Finding) -> str:
    """Which evaluation: the same line can hold findings of several roots and var files."""
    context = f"{finding.address} in {finding.root or '.'}"
    return f"{context} with {finding.var_file}" if finding.var_file else context


def _related(trace: list[TraceStep], locator: Locator) -> list[Location]:
    steps = [step for step in trace if step.line >= 1 and not step.file.startswith("--")]
    return [
        Location(
            id=i,
            physical_location=locator.location(step.file, step.line),
            message=Message(text=step.note),
        )
        for i, step in enumerate(steps)
    ]


def _invocation(errors: list[Diagnostic], diagnostics: list[Diagnostic], locator: Locator) -> Invocation:
    notifications = [_notification(d, locator) for d in [*errors, *diagnostics]]
    return Invocation(execution_successful=not errors, tool_execution_notifications=notifications or None)


def _notification(diagnostic: Diagnostic, locator: Locator) -> Notification:
    locations = None
    if diagnostic.file and not diagnostic.file.startswith("--"):
        where = locator.location(diagnostic.file, diagnostic.line, diagnostic.column)
        locations = [Location(physical_location=where)]
    code = f"{diagnostic.code}: " if diagnostic.code else ""
    return Notification(
        level=_level(diagnostic.severity),
        message=Message(text=code + diagnostic.message),
        locations=locations,
    )
