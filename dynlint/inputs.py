"""The one place that opens input files, and the one JSON reader.

Every file dynlint reads (Terraform files, var files, plan JSON, ``--profile``, ``--prices``,
``modules.json``) goes through :func:`open_regular` or :func:`read_text`: only a regular file is
opened (never a FIFO, a device or ``/dev/zero`` behind a ``*.tf`` link), never more than a size
limit is read, a file found in a scanned tree must resolve inside that tree, and a decoding
error names the line it is on. :func:`load_json` guards nesting depth and refuses numbers that
do not fit a finite double, ``NaN`` and ``Infinity``, so no JSON input reaches Python's
recursion limit or turns into a non-JSON value on output.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from dynlint import observe

MiB = 1024 * 1024
MAX_CONFIG_BYTES = 2 * MiB
MAX_JSON_BYTES = 64 * MiB
MAX_NESTING = 100
UTF8_BOM = b"\xef\xbb\xbf"


class InputFileError(Exception):
    """A file that cannot be read as input: where, and why, in words a user can act on."""

    def __init__(self, file: str, line: int, column: int, reason: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {reason}")
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, int, int, str]]:
        # Raised in a parsing worker process, it must unpickle in the parent with all its fields.
        return type(self), (self.file, self.line, self.column, self.reason)


def inside(path: Path, tops: Iterable[Path]) -> bool:
    """Whether ``path`` (resolved, so through any symlink) lies in one of the ``tops``."""
    try:
        resolved = observe.resolve(path)
    except (OSError, ValueError):
        return False
    return any(resolved == top or top in resolved.parents for top in tops)


def tree_top(path: Path) -> Path:
    """The git work tree that holds ``path``, or ``path`` itself outside git."""
    start = path if observe.is_dir(path) else path.parent
    for candidate in (start, *start.parents):
        if observe.exists(candidate / ".git"):
            return candidate
    return start


def open_regular(path: Path, display: str, tops: Iterable[Path] | None = None) -> IO[bytes]:
    """Open a regular file for reading; refuse anything else (and, with ``tops``, an escape)."""
    observe.note_file(path)
    if tops is not None and not inside(path, tops):
        reason = "the file is a link to a place outside the scanned tree; not read"
        raise InputFileError(display, 1, 1, reason)
    try:
        info = os.stat(path)
    except ValueError:  # a NUL in the name
        raise InputFileError(display, 1, 1, "cannot read the file (its name holds a NUL character)") from None
    except OSError as error:
        raise InputFileError(display, 1, 1, f"cannot read the file ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(display, 1, 1, f"not a regular file ({_kind(info.st_mode)}); not read")
    try:
        # Non-blocking, so that a FIFO swapped in after the check cannot hang the open.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InputFileError(display, 1, 1, f"cannot read the file ({error.strerror or error})") from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # swapped after the check above
        os.close(descriptor)
        raise InputFileError(display, 1, 1, "not a regular file; not read")
    return os.fdopen(descriptor, "rb")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bytes(path: Path, display: str, limit: int, tops: Iterable[Path] | None = None) -> bytes:
    """At most ``limit`` bytes of a regular file; a larger file is refused, not truncated."""
    with open_regular(path, display, tops) as handle:
        # Ask for what the file holds (plus one byte, to see it grow), not for the whole limit:
        # a read of n bytes allocates n up front.
        size = os.fstat(handle.fileno()).st_size
        raw = handle.read(min(size, limit) + 1)
        if len(raw) > size:
            raw += handle.read(limit + 1 - len(raw))
    if len(raw) > limit:
        raise InputFileError(
            display, 1, 1, f"the file is larger than {_size(limit)}, more than dynlint reads; not read"
        )
    return raw


def _size(limit: int) -> str:
    return f"{limit // MiB} MB" if limit >= MiB else f"{limit} bytes"


def read_text(
    path: Path, display: str, limit: int = MAX_CONFIG_BYTES, tops: Iterable[Path] | None = None
) -> str:
    """A regular file's UTF-8 text (a leading byte order mark dropped, as Terraform does)."""
    return decode(read_bytes(path, display, limit, tops), display)


def decode(raw: bytes, display: str) -> str:
    """UTF-8 text; an invalid byte is an error at its own line and column."""
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputFileError(
            display, line, column, f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x})"
        ) from None


# JSON --------------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]', re.S)


def check_json_depth(text: str, display: str, limit: int = MAX_NESTING) -> None:
    """Refuse JSON nested more than ``limit`` levels, before a recursive decoder sees it."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = match.group(0)[0]
        if char in "[{":
            depth += 1
            if depth > limit:
                line, column = line_and_column(text, match.start())
                raise InputFileError(display, line, column, f"nested more than {limit} levels deep")
        elif char in "]}":
            depth -= 1


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


class _NumberOutOfRange(ValueError):
    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NumberOutOfRange(literal)
    return value


def _parse_int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > 308:
        raise _NumberOutOfRange(literal)
    return int(literal)


def _parse_constant(literal: str) -> Any:
    raise _NumberOutOfRange(literal)


def load_json(text: str, display: str) -> Any:
    """Strict JSON: depth-guarded, finite numbers only; errors carry line and column."""
    check_json_depth(text, display)
    try:
        return json.loads(
            text, parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant
        )
    except json.JSONDecodeError as error:
        raise InputFileError(display, error.lineno, error.colno, f"invalid JSON: {error.msg}") from None
    except _NumberOutOfRange as error:
        line, column = line_and_column(text, max(text.find(error.literal), 0))
        reason = f"the number {error.literal[:20]} is out of range (dynlint handles up to about 1.8e308)"
        raise InputFileError(display, line, column, reason) from None
    except RecursionError:  # unreachable below MAX_NESTING; kept so no input can reach a traceback
        raise InputFileError(display, 1, 1, f"nested more than {MAX_NESTING} levels deep") from None


def dumps_strict(value: Any, **options: Any) -> str:
    """``json.dumps`` that refuses NaN and Infinity: output is always valid JSON."""
    return json.dumps(value, allow_nan=False, **options)
