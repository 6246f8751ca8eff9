"""Where dynlint keeps its caches, and how an entry is written so no reader sees half of it.

The directory is ``$DYNLINT_CACHE_DIR`` when set, else the platform's user cache directory
(``~/.cache/dynlint`` on Linux). The parse cache (:mod:`dynlint.cache`), the answers cache
(:mod:`dynlint.memo`) and the kept reports (:mod:`dynlint.replay`) live below it, each in its
own folder. An entry is touched when used; once a day a run removes the folders of other
dynlint versions and entries unused for 30 days.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path


def cache_dir() -> Path:
    configured = os.environ.get("DYNLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dynlint", appauthor=False))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it into place, so that a
    concurrent reader sees the old entry or the new one, never half of one; failures are silent."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)


MAX_AGE_DAYS = 30
CACHE_FOLDERS = ("parsed-", "answers", "reports")
_PRUNE_MARKER = ".last-pruned"


def touch(path: Path) -> None:
    """Mark an entry as used now, so pruning keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(directory: Path, current: set[str], now: float | None = None) -> None:
    """At most once a day: remove cache folders of other dynlint versions (names not in
    ``current``) and entries unused for MAX_AGE_DAYS days. Failures are silent."""
    now = time.time() if now is None else now
    marker = directory / _PRUNE_MARKER
    try:
        if now - marker.stat().st_mtime < 86400:
            return
    except OSError:
        pass
    if not directory.is_dir():
        return
    write_atomically(marker, "")
    oldest = now - MAX_AGE_DAYS * 86400
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            # Only dynlint's own folders: $DYNLINT_CACHE_DIR may point at a shared directory.
            if not entry.is_dir(follow_symlinks=False) or not entry.name.startswith(CACHE_FOLDERS):
                continue
            if entry.name in current:
                _remove_older(Path(entry.path), oldest)
            else:
                shutil.rmtree(entry.path, ignore_errors=True)


def _remove_older(folder: Path, oldest: float) -> None:
    for current, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(current, name)
            with contextlib.suppress(OSError):
                if os.lstat(path).st_mtime < oldest:
                    os.unlink(path)
