"""``dynlint check`` from run to report: changed-file selection, baseline, format, destination.

The command line hands over its options; this module runs the check (only the roots that changed
files reach, with ``--changed-files``), applies or writes the baseline, renders the asked format,
and says what the exit code is: 2 for an input error, 1 for a reported finding at or above the
``--fail-on`` level, else 0.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from dynlint.check import CheckOptions, CheckResult, run_check
from dynlint.model import Inventory
from dynlint.reports.colour import colour_enabled, colour_findings_text
from dynlint.reports.common import display_path
from dynlint.reports.tables import describe_diagnostic
from dynlint.scan import UsageError

if TYPE_CHECKING:
    from dynlint.baseline import BaselineOutcome
    from dynlint.changed import ChangeSet

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2
FORMATS = ("text", "json", "sarif", "github", "junit")
CONFIG_PLACE = "(config)"


@dataclass
class Delivery:
    """What to do with a check run beyond running it."""

    output_format: str = "text"
    output: Path | None = None
    baseline: Path | None = None
    write_baseline: Path | None = None
    changed_files: bool = False


@dataclass
class Report:
    text: str
    exit_code: int
    colour: bool = False
    notes: list[str] = field(default_factory=list)


def check_report(
    options: CheckOptions, delivery: Delivery, cwd: Path | None = None, stdout: TextIO | None = None
) -> Report:
    """Run the check and render it; raises UsageError for what the user asked wrong."""
    cwd = (cwd or Path.cwd()).resolve()
    if delivery.baseline is not None and delivery.write_baseline is not None:
        raise UsageError("give --baseline or --write-baseline, not both (a baseline records all findings)")
    change = _select_changed(options, delivery, cwd)
    result = run_check(options, cwd)
    notes = [f"dynlint: {describe_diagnostic(e)}" for e in result.errors]
    outcome = None
    if delivery.write_baseline is not None:
        _write(delivery.write_baseline, result, notes, cwd)
    else:
        outcome = _apply_baseline(result, delivery, options, change, cwd)
    if change is not None:
        result = dataclasses.replace(result, findings=[f for f in result.findings if change.keeps(f)])
        if outcome is not None:
            outcome.new = result.findings
    stream = None if delivery.output else (stdout or sys.stdout)
    colour = delivery.output_format == "text" and colour_enabled(stream)
    text = render(result, delivery.output_format, outcome, cwd, colour)
    if outcome is not None and delivery.output_format != "json":
        from dynlint.baseline import describe_fixed

        notes.extend(f"dynlint: {line}" for line in describe_fixed(outcome))
    if delivery.output is not None:
        _save(delivery.output, text)
    return Report(text=text, exit_code=exit_code(result, delivery), colour=colour, notes=notes)


def exit_code(result: CheckResult, delivery: Delivery) -> int:
    if result.errors:
        return EXIT_INPUT_ERROR
    if delivery.write_baseline is not None:
        return EXIT_OK
    failing = any(f.at_least(result.fail_on) for f in result.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def render(
    result: CheckResult, output_format: str, outcome: BaselineOutcome | None, cwd: Path, colour: bool = False
) -> str:
    from dynlint.reports.findings import findings_document, render_findings

    if output_format == "json":
        document = findings_document(result)
        if outcome is not None:
            from dynlint.baseline import baseline_document

            document["baseline"] = baseline_document(outcome)
        return json.dumps(document, indent=2)
    result = _placed(result)
    if output_format == "sarif":
        from dynlint.reports.sarif import render_sarif

        return render_sarif(result, cwd=cwd)
    if output_format == "github":
        from dynlint.reports.github import render_github

        return render_github(result, cwd)
    if output_format == "junit":
        from dynlint.reports.junit import render_junit

        return render_junit(result, result.fail_on, tables=table_keys(result.inventory))
    text = render_findings(result, "text", cwd)
    return colour_findings_text(text) if colour else text


def _placed(result: CheckResult) -> CheckResult:
    """Findings about the config file itself (``(config)``, line 0) placed at its first line:
    code scanning and annotations need a real file and line."""
    source = result.config.source
    if source is None or not any(f.file == CONFIG_PLACE for f in result.findings):
        return result
    findings = [
        f.model_copy(update={"file": source, "line": 1}) if f.file == CONFIG_PLACE else f
        for f in result.findings
    ]
    return dataclasses.replace(result, findings=findings)


def table_keys(inventory: Inventory | None) -> list:
    from dynlint.reports.junit import TableKey

    if inventory is None:
        return []
    return [TableKey(t.root, t.var_file or "", t.address) for t in inventory.tables]


def _select_changed(options: CheckOptions, delivery: Delivery, cwd: Path) -> ChangeSet | None:
    """With --changed-files: the paths are changed files; evaluate the roots they reach."""
    if not delivery.changed_files:
        return None
    if delivery.write_baseline is not None:
        raise UsageError("--write-baseline records a whole run: it cannot be used with --changed-files")
    from dynlint.changed import changed_set  # reads the whole tree: only for --changed-files

    change = changed_set(options.paths, cwd, cache=options.scan.cache)
    options.paths = [cwd]
    options.scan.only_roots = set(change.roots)
    return change


def _write(path: Path, result: CheckResult, notes: list[str], cwd: Path) -> None:
    from dynlint.baseline import BaselineError, write_baseline

    try:
        baseline = write_baseline(path, result.findings)
    except BaselineError as error:
        raise UsageError(str(error)) from None
    notes.append(f"dynlint: wrote {len(baseline.findings)} finding(s) to baseline {display_path(path, cwd)}")


def _apply_baseline(
    result: CheckResult, delivery: Delivery, options: CheckOptions, change: ChangeSet | None, cwd: Path
) -> BaselineOutcome | None:
    path = delivery.baseline
    config = result.config
    if path is None and config.baseline:
        path = (config.base_dir or cwd) / config.baseline
    if path is None:
        return None
    from dynlint.baseline import BaselineError, apply_baseline, load_baseline, scope_of

    try:
        baseline = load_baseline(path)
    except BaselineError as error:
        hint = "" if path.exists() else " (create it with --write-baseline)"
        raise UsageError(f"{error}{hint}") from None
    scanned = [Path(r) for r in change.roots] if change is not None else options.paths
    scope = scope_of([r.id for r in result.rules], scanned, cwd)
    outcome = apply_baseline(result.findings, baseline, display_path(path, cwd), scope)
    result.findings = outcome.new
    return outcome


def _save(path: Path, text: str) -> None:
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write: {error.strerror or error}") from None
