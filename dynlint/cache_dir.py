"""Where dynlint keeps its caches, and how an entry is written so no reader sees half of it.

The directory is ``$DYNLINT_CACHE_DIR`` when set, else the platform's user cache directory
(``~/.cache/dynlint`` on Linux). The parse cache (:mod:`dynlint.cache`) and the answers cache
(:mod:`dynlint.memo`) live below it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    configured = os.environ.get("DYNLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("dynlint", appauthor=False))


def private_dir(directory: Path) -> Path | None:
    """``directory``, created if need be, when it belongs to this user and no one else can write
    to it; else None. Only such a directory may hold what a library loads with pickle (lark's
    compiled grammar)."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = directory.stat()
    except OSError:
        return None
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return directory if owned and not info.st_mode & 0o022 else None


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
