"""A ``dynlint check`` run answered again: its report replayed while nothing it looked at changed.

A check is a function of what it is asked (the command line, the working directory, the
environment, today's date for suppressions that expire, whether stdout and stderr are
terminals) and of every file, directory listing and path it looked at, all of which go through
:mod:`dynlint.observe`. So the whole run is recorded like a scan (:mod:`dynlint.memo`): the
text it printed to stdout and stderr and its exit code, kept with every look it took. A later
run asked the same, whose every look still sees the same, prints the kept text and exits with
the kept code, before the command line, the rules or the evaluator are even imported.

Not kept: runs with ``--no-cache`` (nothing is read or written), ``--output`` and
``--write-baseline`` (they write files), ``--help``, and any run that ended in a usage error.
The environment is part of the question, all of it but the few variables a shell changes as it
moves around (``PWD``, ``OLDPWD``, ``SHLVL``, ``_``): a variable dynlint or a library it uses
might read can never make a replay differ from a run.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

from dynlint import observe
from dynlint.memo import Memo

FOLDER = "reports"
# Options that write files, turn the cache off, or print help: such a run is never replayed.
_NOT_KEPT = ("--no-cache", "--output", "--write-baseline", "--help")
_SHELL_BOOKKEEPING = frozenset({"PWD", "OLDPWD", "SHLVL", "_"})

_pending: Memo | None = None


def report_memo(argv: list[str]) -> Memo | None:
    """The entry for ``dynlint ARGV``, or None where such a run is never kept."""
    if not argv or argv[0] != "check":
        return None
    if any(arg.split("=", 1)[0] in _NOT_KEPT for arg in argv):
        return None
    environment = {k: v for k, v in os.environ.items() if k not in _SHELL_BOOKKEEPING}
    return Memo(
        "report",
        {
            "argv": argv,
            "cwd": os.getcwd(),
            "environment": sorted(environment.items()),
            "today": date.today().isoformat(),
            "terminals": [_isatty(sys.stdout), _isatty(sys.stderr)],
        },
        folder=FOLDER,
    )


def replayed(memo: Memo) -> int | None:
    """Print the kept report and return its exit code, or None when there is none to trust."""
    kept = memo.get(_decode)
    if kept is None:
        return None
    stdout, stderr, exit_code = kept
    try:
        sys.stdout.write(stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    sys.stderr.write(stderr)
    sys.stderr.flush()
    return exit_code


def _decode(answer: Any) -> tuple[str, str, int]:
    stdout, stderr, exit_code = answer["stdout"], answer["stderr"], answer["exit_code"]
    if not isinstance(stdout, str) or not isinstance(stderr, str) or exit_code not in (0, 1, 2):
        raise TypeError("report")
    return stdout, stderr, exit_code


def keep_next(memo: Memo | None) -> None:
    """The run about to start may be kept under ``memo`` (set by the launcher)."""
    global _pending
    _pending = memo


def pending() -> Memo | None:
    return _pending


def keep(memo: Memo, recorder: observe.Recorder, stdout: str, stderr: str, exit_code: int) -> None:
    """Keep what a run printed, as it printed it, with the looks it took."""
    memo.put(recorder, {"stdout": stdout, "stderr": stderr, "exit_code": exit_code})


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False
