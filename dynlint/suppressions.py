"""Suppressions: ``# dynlint:ignore DL003,DL005 reason [until=YYYY-MM-DD]`` and the config's.

A comment on the line above a resource, block or attribute, or at the end of that line,
silences those rules for that resource; on a module call (or one of its arguments), for what the
call's module defines; on a var file line, for the findings that point there or pass through.
A suppression without a reason, an expired one, and one that silences nothing are reported as
DL090 notes, so suppressions cannot rot unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dynlint import observe
from dynlint.config import AddressSuppression
from dynlint.findings import Finding
from dynlint.model import ModuleCall, ResourceInstance

SUPPRESSION_RULE = ("DL090", "suppression-unused")
_MARKER = re.compile(r"(?:#|//)\s*dynlint:\s*ignore\b(?P<rest>.*)$")
_IDS = re.compile(r"^\s*(?P<ids>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)")
_UNTIL = re.compile(r"\buntil=(?P<date>\S+)")


@dataclass
class Suppression:
    file: str
    line: int
    target_line: int
    rules: list[str]
    reason: str
    until: date | None = None
    problem: str | None = None
    used: bool = False

    def expired(self, today: date) -> bool:
        return self.until is not None and self.until < today


@dataclass
class Outcome:
    findings: list[Finding]
    suppressed: list[Finding] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


def parse_comment(text: str, file: str, line: int, target_line: int) -> Suppression | None:
    """One ``dynlint:ignore`` comment; ``None`` when the line has none."""
    marker = _MARKER.search(text)
    if marker is None:
        return None
    rest = marker.group("rest")
    ids = _IDS.match(rest)
    if ids is None:
        return Suppression(
            file, line, target_line, [], "", problem="names no rule ID (write `dynlint:ignore DL003 reason`)"
        )
    rules = [r.strip().upper() for r in ids.group("ids").split(",")]
    remainder = rest[ids.end() :]
    until: date | None = None
    problem = None
    found = _UNTIL.search(remainder)
    if found:
        remainder = remainder[: found.start()] + remainder[found.end() :]
        try:
            until = date.fromisoformat(found.group("date"))
        except ValueError:
            problem = f"until={found.group('date')} is not a date (YYYY-MM-DD)"
    reason = remainder.strip(" \t-:—")
    if not reason and problem is None:
        problem = "gives no reason: say why the finding is acceptable"
    return Suppression(file, line, target_line, rules, reason, until, problem)


def scan_file(path: Path, display: str) -> list[Suppression]:
    """Every suppression comment of one file, each with the line it applies to."""
    observe.note_file(path)
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for number, text in enumerate(lines, start=1):
        if "dynlint" not in text:
            continue
        code = text.lstrip()
        own_line = code.startswith(("#", "//"))
        target = _next_code_line(lines, number) if own_line else number
        suppression = parse_comment(text, display, number, target)
        if suppression is not None:
            found.append(suppression)
    return found


def _next_code_line(lines: list[str], number: int) -> int:
    for following in range(number, len(lines)):
        stripped = lines[following].strip()
        if stripped and not stripped.startswith(("#", "//")):
            return following + 1
    return number


class Suppressor:
    """Applies comment and config suppressions to findings, and reports the ones that rot."""

    def __init__(
        self,
        comments: list[Suppression],
        by_address: list[AddressSuppression],
        resources: list[ResourceInstance],
        today: date,
        module_calls: list[ModuleCall] | None = None,
    ) -> None:
        self.comments = comments
        self.by_address = by_address
        self.today = today
        self.spans: dict[tuple[str, str, str | None], list[tuple[str, int, int]]] = {}
        for resource in resources:
            key = (resource.root, resource.address, resource.var_file)
            self.spans.setdefault(key, []).append(
                (resource.file, resource.line, resource.end_line or resource.line)
            )
        self.address_used = [False] * len(by_address)
        self.calls = module_calls or []

    def apply(self, findings: list[Finding], ran: set[str]) -> Outcome:
        """Split ``findings`` into reported and silenced; ``ran``: the rules that ran."""
        outcome = Outcome(findings=[])
        for finding in findings:
            if self._silenced(finding):
                outcome.suppressed.append(finding)
            else:
                outcome.findings.append(finding)
        outcome.problems = self._problems(ran)
        return outcome

    def _silenced(self, finding: Finding) -> bool:
        silenced = False
        for suppression in self.comments:
            if (
                suppression.problem
                or suppression.expired(self.today)
                or not _names(suppression.rules, finding)
            ):
                continue
            if self._applies(suppression, finding):
                suppression.used = True
                silenced = True
        for position, entry in enumerate(self.by_address):
            if entry.until is not None and entry.until < self.today:
                continue
            if _names(entry.rules, finding) and _address_matches(entry, finding):
                self.address_used[position] = True
                silenced = True
        return silenced

    def _applies(self, suppression: Suppression, finding: Finding) -> bool:
        here = (suppression.file, suppression.target_line)
        if here == (finding.file, finding.line) or any((s.file, s.line) == here for s in finding.trace):
            return True
        spans = self.spans.get((finding.root, finding.address, finding.var_file), [])
        if finding.resource and finding.resource != finding.address:
            spans = spans + self.spans.get((finding.root, finding.resource, finding.var_file), [])
        spans = spans + [(c.file, c.line, c.end_line) for c in self.calls if _inside_call(c, finding)]
        return any(
            f == suppression.file and start <= suppression.target_line <= end for f, start, end in spans
        )

    def _problems(self, ran: set[str]) -> list[Finding]:
        problems = []
        for suppression in self.comments:
            reason = suppression.problem
            if reason is None and suppression.expired(self.today):
                reason = f"expired on {suppression.until}: the finding it silenced is reported again"
            if reason is None and not suppression.used and _any_ran(suppression.rules, ran):
                reason = f"silences nothing: no {', '.join(suppression.rules)} finding here; remove it"
            if reason is not None:
                problems.append(_problem(suppression.file, suppression.line, f"suppression {reason}"))
        for position, entry in enumerate(self.by_address):
            if not self.address_used[position]:
                problems.append(
                    _problem(
                        "(config)",
                        0,
                        f"config suppression of {', '.join(entry.rules)} for {entry.address} "
                        "silences nothing",
                    )
                )
        return problems


def _inside_call(call: ModuleCall, finding: Finding) -> bool:
    """The finding is about the call itself or about something the call's module defines."""
    if (call.root, call.var_file) != (finding.root, finding.var_file):
        return False
    addresses = (finding.address, finding.resource)
    return any(a == call.address or a.startswith(call.address + ".") for a in addresses)


def _any_ran(rules: list[str], ran: set[str]) -> bool:
    return "ALL" in rules or any(r in ran for r in rules)


def _names(rules: list[str], finding: Finding) -> bool:
    return any(finding.rule_id == r or finding.name == r.lower() for r in rules) or "ALL" in rules


def _address_matches(entry: AddressSuppression, finding: Finding) -> bool:
    if entry.root is not None and entry.root.rstrip("/") != finding.root.rstrip("/"):
        return False
    return finding.address == entry.address or finding.address.startswith(entry.address + "[")


def _problem(file: str, line: int, message: str) -> Finding:
    rule_id, name = SUPPRESSION_RULE
    return Finding(
        rule_id=rule_id,
        name=name,
        severity="note",
        message=message,
        address="",
        root="",
        file=file,
        line=line,
    )
