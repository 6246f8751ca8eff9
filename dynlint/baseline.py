"""Baselines: accept today's findings, report only new ones, and say which have been fixed.

``dynlint check --write-baseline FILE`` records the findings of a run by fingerprint (the rule,
root module folder, Terraform address, attribute path and var file, never the line), with the
rule, address and root beside it for people reading the file. ``--baseline FILE`` then reports
only the findings not in it; the entries that no longer occur are reported as fixed, so the
baseline can shrink. A fingerprint recorded twice covers two findings, not more.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dynlint import __version__, observe
from dynlint.findings import Finding

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read: an input error (exit code 2)."""


class BaselineEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    fingerprint: str = Field(min_length=1)
    rule_id: str
    name: str = ""
    address: str = ""
    root: str = ""
    var_file: str | None = None
    file: str = ""
    message: str = ""

    @classmethod
    def of(cls, finding: Finding) -> BaselineEntry:
        return cls(
            fingerprint=finding.fingerprint,
            rule_id=finding.rule_id,
            name=finding.name,
            address=finding.address,
            root=finding.root,
            var_file=finding.var_file,
            file=finding.file,
            message=finding.message,
        )

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.root, self.var_file or "", self.address, self.rule_id, self.fingerprint)


class Baseline(BaseModel):
    model_config = ConfigDict(extra="ignore")

    version: int = BASELINE_VERSION
    generated_by: str = f"dynlint {__version__}"
    findings: list[BaselineEntry] = Field(default_factory=list)


@dataclass
class BaselineOutcome:
    """What a baseline did to one run's findings."""

    file: str
    new: list[Finding]
    known: int = 0
    fixed: list[BaselineEntry] = field(default_factory=list)


def baseline_of(findings: Iterable[Finding]) -> Baseline:
    entries = sorted((BaselineEntry.of(f) for f in findings), key=BaselineEntry.sort_key)
    return Baseline(findings=entries)


def write_baseline(path: Path, findings: Iterable[Finding]) -> Baseline:
    baseline = baseline_of(findings)
    try:
        path.write_text(json.dumps(baseline.model_dump(), indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline: {error.strerror or error}") from None
    return baseline


def load_baseline(path: Path) -> Baseline:
    observe.note_file(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error.strerror or error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}: not a JSON baseline: {error.msg}") from None
    try:
        baseline = Baseline.model_validate(data)
    except ValidationError as error:
        raise BaselineError(f"{path}: not a dynlint baseline: {_first_problem(error)}") from None
    if baseline.version > BASELINE_VERSION:
        raise BaselineError(f"{path}: baseline version {baseline.version} is newer than this dynlint reads")
    return baseline


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"])
    return f"{where}: {problem['msg']}" if where else problem["msg"]


def apply_baseline(
    findings: list[Finding],
    baseline: Baseline,
    file: str,
    in_scope: Callable[[BaselineEntry], bool] | None = None,
) -> BaselineOutcome:
    """The findings not in ``baseline``, and its entries (within ``in_scope``) no longer found."""
    remaining = Counter(entry.fingerprint for entry in baseline.findings)
    new = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
        else:
            new.append(finding)
    fixed = []
    for entry in baseline.findings:
        if remaining[entry.fingerprint] > 0 and (in_scope is None or in_scope(entry)):
            remaining[entry.fingerprint] -= 1
            fixed.append(entry)
    return BaselineOutcome(file=file, new=new, known=len(findings) - len(new), fixed=fixed)


def scope_of(rule_ids: Iterable[str], scanned: Iterable[Path], cwd: Path) -> Callable[[BaselineEntry], bool]:
    """Entries this run could have found again: a rule that ran, a root within a scanned path.

    A baseline written for the whole repository is not "fixed" by a run on one folder, or
    with fewer rules selected.
    """
    rules = set(rule_ids)
    folders = [observe.resolve(p if observe.is_dir(p) else p.parent) for p in scanned]

    def in_scope(entry: BaselineEntry) -> bool:
        root = observe.resolve(cwd / entry.root)
        return entry.rule_id in rules and any(root == f or f in root.parents for f in folders)

    return in_scope


def baseline_document(outcome: BaselineOutcome) -> dict[str, Any]:
    """The ``baseline`` object of the JSON output."""
    return {
        "file": outcome.file,
        "known": outcome.known,
        "new": len(outcome.new),
        "fixed": [entry.model_dump() for entry in outcome.fixed],
    }


def describe_fixed(outcome: BaselineOutcome) -> list[str]:
    """Notes for stderr: the baseline entries that no longer occur."""
    if not outcome.fixed:
        return []
    lines = [
        f"note: {len(outcome.fixed)} finding(s) of baseline {outcome.file} no longer occur; "
        f"run with --write-baseline {outcome.file} to drop them:"
    ]
    for entry in outcome.fixed:
        where = f"{entry.root} with {entry.var_file}" if entry.var_file else entry.root
        lines.append(f"  fixed: {entry.rule_id} {entry.name} {entry.address} in {where}")
    return lines
