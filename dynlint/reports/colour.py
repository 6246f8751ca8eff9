"""Colour for the text report: on a terminal only, as NO_COLOR and FORCE_COLOR ask.

``NO_COLOR`` (set and not empty) turns colour off whatever else is set (https://no-color.org);
``FORCE_COLOR`` (set, not empty and not ``0``) turns it on where output is not a terminal (a CI
log, a file); otherwise colour is on exactly when the output stream is a terminal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TextIO

RESET = "\x1b[0m"
SEVERITY_STYLES = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "note": "\x1b[36m"}
DIM = "\x1b[2m"
_FINDING_LINE = re.compile(
    r"^(?P<where>\S.*?:\d+:\d+): (?P<rule>[A-Z]+[0-9]+) (?P<severity>error|warning|note) "
)
_DETAIL_LINE = re.compile(r"^(\s+\S* [|=] ?)")
BOLD = "\x1b[1m"


def colour_enabled(stream: TextIO | None, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force is not None and force not in ("", "0", "false"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str) -> str:
    return f"{style}{text}{RESET}" if style else text


def paint_severity(severity: str, text: str | None = None) -> str:
    """``text`` (default: the severity word) in the colour of ``severity``."""
    return paint(severity if text is None else text, SEVERITY_STYLES.get(severity, ""))


def colour_findings_text(text: str) -> str:
    """The text report with each finding's severity coloured, its place bold, details dimmed."""
    return "\n".join(_colour_report_line(line) for line in text.split("\n"))


def _colour_report_line(line: str) -> str:
    match = _FINDING_LINE.match(line)
    if match:
        severity = match["severity"]
        head = f"{paint(match['where'], BOLD)}: {paint(match['rule'], BOLD)} {paint_severity(severity)} "
        return head + line[match.end() :]
    detail = _DETAIL_LINE.match(line)
    if detail:
        return paint(detail.group(1), DIM) + line[detail.end() :]
    return line


def strip_colour(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
