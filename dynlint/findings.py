"""Findings: what ``dynlint check`` reports, one per rule, table instance and place to change.

A finding is identified across runs by its fingerprint: the rule, the root module folder, the
Terraform address and the attribute path. The line is left out on purpose: it moves when code
above it changes, and the finding is still the same one.
"""

from __future__ import annotations

import hashlib

from pydantic import BaseModel, Field

from dynlint.model import Severity, TraceStep

SEVERITY_RANK: dict[str, int] = {"note": 0, "warning": 1, "error": 2}


class Finding(BaseModel):
    """One rule violation (or note) on one resource instance of one evaluation."""

    rule_id: str
    name: str
    severity: Severity
    message: str
    address: str
    root: str
    file: str
    line: int
    column: int = 1
    environment: str | None = None
    var_file: str | None = None
    trace: list[TraceStep] = Field(default_factory=list)
    path: str = ""
    resource: str = ""
    anchor: str = Field(default="", exclude=True)

    @property
    def fingerprint(self) -> str:
        """Stable across runs and edits that move lines: rule, root, address and attribute path.

        ``anchor`` (the root and var file relative to the repository top, set by ``check``)
        keeps it the same from whatever directory dynlint runs.
        """
        where = self.anchor or f"{self.root}\x1f{self.var_file or ''}"
        key = "\x1f".join((self.rule_id, where, self.address, self.path))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def sort_key(self) -> tuple[str, int, str, str, str, str]:
        return (self.file, self.line, self.rule_id, self.root, self.var_file or "", self.address)

    def at_least(self, level: str) -> bool:
        return SEVERITY_RANK[self.severity] >= SEVERITY_RANK[level]
