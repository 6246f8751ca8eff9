"""Every look a scan takes at the file system, so a later run can tell it would see the same.

Parsing and evaluation look at the file system in five ways, all through this module: a file
is read (:func:`note_file`, called by the one file reader), a directory is listed
(:func:`list_dir`, :func:`walk`), a path is probed (:func:`is_file`, :func:`is_dir`,
:func:`exists`), and links are followed (:func:`resolve`). While a :class:`Recorder` is
active, each look is kept with a signature of what it saw: for a file its identity, size and
change times (``lstat``, and ``stat`` behind a link); for a listing its names and which are
directories; for a probe its answer; for a resolved path where it led. :func:`unchanged` takes
every signature again: a scan whose looks all answer the same would compute the same result.
A look this module cannot repeat cheaply (a ``fileset`` glob) marks the recording
unrepeatable, and its result is not reused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

# A file changed less than this long before it was looked at may change again within the same
# tick of the file system's clock without its times changing: such a recording is not reused.
RACY_SECONDS = 1.0

Look = tuple[str, str]  # (kind of look, absolute path)
_UNSEEN = object()


class Recorder:
    """The looks of one scan, each with the signature it saw."""

    def __init__(self, parent: Recorder | None = None) -> None:
        self.looks: dict[Look, Any] = {}
        self.repeatable = True
        self.newest_change = 0.0
        self.parent = parent
        # Kept answers already taken in this run (:mod:`dynlint.memo`), shared by every
        # recording inside the outermost one: a second look in the same run need not check again.
        self.answers: dict[Any, Any] = {} if parent is None else parent.answers
        # Where each path led at its first look in this run (``realpath`` lstats every part).
        self.resolved: dict[str, str] = {} if parent is None else parent.resolved
        # What each look sees now, taken once a run however many kept answers repeat it.
        self.measured: dict[Look, Any] = {} if parent is None else parent.measured

    def note(self, kind: str, path: str, signature: Any) -> None:
        self.looks.setdefault((kind, path), signature)

    def earlier(self, look: Look) -> Any:
        """The signature this recording or one around it took of ``look``, else ``_UNSEEN``."""
        recorder: Recorder | None = self
        while recorder is not None:
            if look in recorder.looks:
                return recorder.looks[look]
            recorder = recorder.parent
        return _UNSEEN

    def reusable(self) -> bool:
        """Repeatable, and nothing it read changed in the last moments before it was read."""
        return self.repeatable and self.newest_change < time.time() - RACY_SECONDS


_active: ContextVar[Recorder | None] = ContextVar("dynlint_recorder", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Record the looks taken inside; a recording inside another adds its looks to the outer one
    too, since the outer answer depends on them as well."""
    outer = _active.get()
    recorder = Recorder(outer)
    token = _active.set(recorder)
    try:
        yield recorder
    finally:
        _active.reset(token)
        if outer is not None:
            _merge(outer, recorder)


def _merge(outer: Recorder, inner: Recorder) -> None:
    for look, signature in inner.looks.items():
        outer.looks.setdefault(look, signature)
    outer.repeatable = outer.repeatable and inner.repeatable
    outer.newest_change = max(outer.newest_change, inner.newest_change)


def run_answers() -> dict[Any, Any] | None:
    """The answers taken in the run being recorded, or None outside a recording."""
    recorder = _active.get()
    return None if recorder is None else recorder.answers


def replay(looks: list[list[Any]]) -> None:
    """A kept answer was used: the active recording depends on the looks it was computed from."""
    recorder = _active.get()
    if recorder is not None:
        for kind, path, signature in looks:
            recorder.note(kind, path, signature)


def _stat_signature(path: str) -> list[Any] | None:
    """The path's own ``lstat`` and, for a link, its target's ``stat``: what a read depends on."""
    try:
        own = os.lstat(path)
        signature = [_identity(own)]
        if stat.S_ISLNK(own.st_mode):
            signature.append(_identity(os.stat(path)))
    except (OSError, ValueError):
        return None
    return signature


def _identity(info: os.stat_result) -> list[int]:
    return [info.st_mode, info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def _listing_signature(path: str) -> list[Any] | None:
    try:
        with os.scandir(path) as entries:
            return sorted([entry.name, _entry_is_dir(entry)] for entry in entries)
    except (OSError, ValueError):
        return None


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _kind_signature(path: str) -> str:
    try:
        if os.path.isdir(path):
            return "dir"
        return "file" if os.path.isfile(path) else ("other" if os.path.lexists(path) else "none")
    except ValueError:
        return "none"


def _real_path(path: str) -> str:
    recorder = _active.get()
    return os.path.realpath(path) if recorder is None else _real_path_in_run(path, recorder.resolved)


def _real_path_in_run(path: str, known: dict[str, str]) -> str:
    """``os.path.realpath`` of an absolute, normalized ``path``, taking the answers for its
    parents from ``known`` (and adding its own): one ``lstat`` for a path whose parent was
    resolved before, where ``realpath`` takes one for every part."""
    pending: list[str] = []
    current = path
    while current not in known:
        parent, name = os.path.split(current)
        if not name:  # the file system's root
            known[current] = current
            break
        pending.append(name)
        current = parent
    base = known[current]
    for name in reversed(pending):
        candidate = os.path.join(base, name)
        base = os.path.realpath(candidate) if os.path.islink(candidate) else candidate
        current = os.path.join(current, name)
        known[current] = base
    return base


_SIGNATURES = {
    "file": _stat_signature,
    "list": _listing_signature,
    "kind": _kind_signature,
    "real": _real_path,
}


def note_file(path: Path | str) -> None:
    """Record that ``path`` is about to be read (its signature is taken before the read)."""
    recorder = _active.get()
    if recorder is None:
        return
    key = os.path.abspath(path)
    _note_read(recorder, key, _stat_signature(key))


def _note_read(recorder: Recorder, key: str, signature: Any) -> None:
    recorder.note("file", key, signature)
    for identity in signature or ():
        recorder.newest_change = max(recorder.newest_change, identity[4] / 1e9, identity[5] / 1e9)


def again(kind: str, path: Path | str) -> None:
    """What an earlier look saw is used again (a file's text or a listing kept in memory): the
    active recording depends on it too, as it was first seen in this run (else as it is now)."""
    recorder = _active.get()
    if recorder is None:
        return
    key = os.path.abspath(path)
    signature = recorder.earlier((kind, key))
    if signature is _UNSEEN:
        signature = _SIGNATURES[kind](key)
    if kind == "file":
        _note_read(recorder, key, signature)
    else:
        recorder.note(kind, key, signature)


def _probe(path: Path | str) -> str:
    key = os.path.abspath(path)
    found = _kind_signature(key)
    recorder = _active.get()
    if recorder is not None:
        recorder.note("kind", key, found)
    return found


def resolve(path: Path | str) -> Path:
    """``path`` with every link resolved (as ``Path.resolve``), noting where the links led."""
    key = os.path.abspath(path)
    recorder = _active.get()
    if recorder is None:
        return Path(os.path.realpath(key))
    # Within one run a path resolves as it did at its first look (that is what is kept).
    found = _real_path_in_run(key, recorder.resolved)
    recorder.note("real", key, found)
    return Path(found)


def is_file(path: Path | str) -> bool:
    return _probe(path) == "file"


def is_dir(path: Path | str) -> bool:
    return _probe(path) == "dir"


def exists(path: Path | str) -> bool:
    return _probe(path) != "none"


def list_dir(path: Path) -> list[tuple[str, bool]]:
    """The entries of a directory as (name, is a directory), sorted by name; raises OSError."""
    key = os.path.abspath(path)
    with os.scandir(key) as entries:
        found = sorted((entry.name, _entry_is_dir(entry)) for entry in entries)
    recorder = _active.get()
    if recorder is not None:
        recorder.note("list", key, [list(item) for item in found])
    return found


def walk(top: Path, skip: Any) -> Iterator[tuple[Path, list[str]]]:
    """Each directory under ``top`` (``skip(name)`` prunes), in name order, with its file names."""
    try:
        found = list_dir(top)
    except OSError:
        return
    yield top, [name for name, is_directory in found if not is_directory]
    for name, is_directory in found:
        # As os.walk: a link to a directory is listed but not followed.
        if is_directory and not skip(name) and not os.path.islink(top / name):
            yield from walk(top / name, skip)


def unrepeatable() -> None:
    """The scan looked in a way that :func:`unchanged` cannot take again: do not reuse it."""
    recorder = _active.get()
    if recorder is not None:
        recorder.repeatable = False


def unchanged(looks: list[list[Any]]) -> bool:
    """Whether every recorded look (``[kind, path, signature]``) still sees the same."""
    recorder = _active.get()
    measured: dict[Look, Any] = {} if recorder is None else recorder.measured
    for kind, path, signature in looks:
        look = (kind, path)
        now = measured.get(look, _UNSEEN)
        if now is _UNSEEN:
            measure = _SIGNATURES.get(kind)
            if measure is None:
                return False
            now = measured[look] = measure(path)
        if now != signature:
            return False
    return True


def recorded_looks(recorder: Recorder) -> list[list[Any]]:
    return [[kind, path, signature] for (kind, path), signature in recorder.looks.items()]
