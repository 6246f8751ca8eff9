"""``dynlint check`` output as text (grouped by file, source line shown) or JSON (the contract)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from dynlint import __version__, observe
from dynlint.check import CheckResult
from dynlint.findings import Finding
from dynlint.reports.tables import describe_diagnostic


def render_findings(result: CheckResult, output_format: str, cwd: Path | None = None) -> str:
    if output_format == "json":
        return json.dumps(findings_document(result), indent=2)
    return findings_text(result, cwd or Path.cwd())


def findings_document(result: CheckResult) -> dict[str, Any]:
    return {
        "version": __version__,
        "findings": [finding_entry(f) for f in result.findings],
        "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in result.errors],
        "diagnostics": [d.model_dump(exclude_none=True) for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "tables": result.tables,
            "findings": len(result.findings),
            "by_severity": dict(sorted(Counter(f.severity for f in result.findings).items())),
            "suppressed": len(result.suppressed),
        },
    }


def finding_entry(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "address": finding.address,
        "root": finding.root,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "environment": finding.environment,
        "var_file": finding.var_file,
        "path": finding.path,
        "fingerprint": finding.fingerprint,
        "trace": [step.model_dump() for step in finding.trace],
    }


def findings_text(result: CheckResult, cwd: Path) -> str:
    lines: list[str] = []
    sources = _SourceLines(cwd)
    current_file = None
    for finding in result.findings:
        if finding.file != current_file:
            if current_file is not None:
                lines.append("")
            current_file = finding.file
            lines.append(finding.file)
        lines.extend(_finding_lines(finding, sources))
    if result.findings:
        lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines)


def _finding_lines(finding: Finding, sources: _SourceLines) -> list[str]:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    lines = [f"{where}: {finding.rule_id} {finding.severity} [{finding.name}] {finding.message}"]
    code = sources.line(finding.file, finding.line)
    gutter = " " * len(str(finding.line))
    if code is not None:
        lines += [f"  {gutter} |", f"  {finding.line} | {code}", f"  {gutter} |"]
    context = [f"table {finding.address}"] if finding.address else []
    if finding.root:
        context.append(f"root {finding.root}")
    if finding.environment:
        context.append(f"env {finding.environment}")
    if finding.var_file:
        context.append(f"var file {finding.var_file}")
    if context:
        lines.append(f"  {gutter} = {', '.join(context)}")
    for step in finding.trace:
        if (step.file, step.line) != (finding.file, finding.line):
            lines.append(f"  {gutter} = via {step.file}:{step.line}: {step.note}")
    return lines


def summary_line(result: CheckResult) -> str:
    counts = Counter(f.severity for f in result.findings)
    parts = [
        f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "note") if counts[s]
    ]
    found = len(result.findings)
    text = f"Found {found} finding{'s' if found != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    text += f" in {result.tables} table instance{'s' if result.tables != 1 else ''}, {result.files} files"
    if result.suppressed:
        text += f"; {len(result.suppressed)} suppressed"
    if result.errors:
        text += f"; {len(result.errors)} input error{'s' if len(result.errors) != 1 else ''}"
    return text + "."


def describe_error(error: Any) -> str:
    return describe_diagnostic(error)


class _SourceLines:
    """Reads each file once, for the source line under a finding."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.files: dict[str, list[str] | None] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self.files:
            observe.note_file(self.cwd / file)
            try:
                self.files[file] = (
                    (self.cwd / file).read_text(encoding="utf-8-sig", errors="replace").splitlines()
                )
            except OSError:
                self.files[file] = None
        lines = self.files[file]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1].rstrip()
