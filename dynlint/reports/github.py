"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=F,line=L,col=C,title=DL003 pitr-production::message``. The message (the command's
data) escapes ``%``, CR and LF; property values also escape ``:`` and ``,``, as the Actions runner
unescapes them. Notes become ``::notice``, warnings ``::warning``, errors ``::error``. File
paths are relative to the git work tree (``GITHUB_WORKSPACE`` in a workflow), whatever the
directory dynlint runs in, so that annotations land on the pull request's diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from dynlint import observe
from dynlint.findings import Finding
from dynlint.inputs import tree_top
from dynlint.model import Diagnostic
from dynlint.reports.common import CheckOutcome, display_path

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, message: str, properties: dict[str, str | int | None]) -> str:
    """One workflow command line; properties whose value is None are left out."""
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{command}{' ' + given if given else ''}::{escape_data(message)}"


class Paths:
    """Paths relative to the current directory, as paths relative to the work tree."""

    def __init__(self, cwd: Path, top: Path) -> None:
        self.cwd, self.top = observe.resolve(cwd), observe.resolve(top)

    def __call__(self, path: str) -> str:
        if self.cwd == self.top or os.path.isabs(path):
            return path
        return display_path(self.cwd / path, self.top)


def render_github(outcome: CheckOutcome, cwd: Path | None = None, top: Path | None = None) -> str:
    cwd = (cwd or Path.cwd()).resolve()
    paths = Paths(cwd, top or tree_top(cwd))
    lines = [_error_command(e, paths) for e in outcome.errors]
    lines.extend(_finding_command(f, paths) for f in outcome.findings)
    lines.extend(_diagnostic_command(d, paths) for d in outcome.diagnostics)
    lines.append(_summary(outcome))
    return "\n".join(lines)


def _finding_command(finding: Finding, paths: Paths) -> str:
    context = f"{finding.address} in {finding.root}"
    if finding.var_file:
        context += f" with {finding.var_file}"
    if finding.environment:
        context += f" (environment {finding.environment})"
    return workflow_command(
        COMMANDS[finding.severity],
        f"{finding.message}\n{context}",
        {
            "file": paths(finding.file),
            "line": finding.line,
            "col": finding.column,
            "title": f"{finding.rule_id} {finding.name}",
        },
    )


def _error_command(error: Diagnostic, paths: Paths) -> str:
    return workflow_command("error", error.message, {**_where(error, paths), "title": "dynlint: input error"})


def _diagnostic_command(diagnostic: Diagnostic, paths: Paths) -> str:
    title = f"dynlint {diagnostic.code}" if diagnostic.code else "dynlint"
    return workflow_command(
        COMMANDS.get(diagnostic.severity, "notice"),
        diagnostic.message,
        {**_where(diagnostic, paths), "title": title},
    )


def _where(diagnostic: Diagnostic, paths: Paths) -> dict[str, str | int | None]:
    if not diagnostic.file or diagnostic.file.startswith("--"):
        return {}
    return {"file": paths(diagnostic.file), "line": diagnostic.line, "col": diagnostic.column}


def _summary(outcome: CheckOutcome) -> str:
    counts = {s: sum(1 for f in outcome.findings if f.severity == s) for s in ("error", "warning", "note")}
    parts = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items())
    errors = f"; {len(outcome.errors)} input error(s)" if outcome.errors else ""
    return (
        f"dynlint: {len(outcome.findings)} finding(s) ({parts}) in {outcome.tables} table(s), "
        f"{outcome.files} file(s){errors}"
    )
