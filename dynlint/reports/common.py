"""What the machine-readable check reports (SARIF, GitHub, JUnit) read from a check run.

They are typed against these protocols, which ``dynlint.check.CheckResult`` and
``dynlint.policy.Policy`` satisfy, so that a report needs nothing but the data it renders.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from dynlint.findings import Finding
from dynlint.model import Diagnostic


class RuleDoc(Protocol):
    """A rule's documentation, as its policy file states it."""

    id: str
    name: str
    severity: str
    summary: str
    rationale: str
    fix: str
    source: str


class CheckOutcome(Protocol):
    """The result of one ``dynlint check`` run."""

    findings: list[Finding]
    errors: list[Diagnostic]
    diagnostics: list[Diagnostic]
    files: int
    tables: int

    @property
    def rules(self) -> Sequence[RuleDoc]: ...


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to ``cwd`` (default: the current directory), with forward slashes."""
    try:
        relative = os.path.relpath(path, cwd or Path.cwd())
    except ValueError:
        relative = str(path)
    return relative.replace(os.sep, "/")
