"""The pipeline's front half: paths to an :class:`Inventory` of evaluated resources.

:mod:`dynlint.roots` does the work (discover root modules, parse, evaluate each once per
environment variant, read plan JSON). With the cache on, a scan whose every look at the file
system would see the same as a recorded one (:mod:`dynlint.observe`) is answered from the
cache (:mod:`dynlint.memo`) without parsing or evaluating anything, nor importing the
code that does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dynlint import observe
from dynlint.environments import DEFAULT_ENVIRONMENTS
from dynlint.model import Inventory


class UsageError(Exception):
    """A problem with what the user asked for (a missing path, a malformed --var)."""


@dataclass
class ScanOptions:
    var_files: list[Path] = field(default_factory=list)
    variables: list[tuple[str, str]] = field(default_factory=list)
    env: str | None = None
    environments: tuple[str, ...] = DEFAULT_ENVIRONMENTS
    # Keep parsed files in the user cache directory (the CLI's default; off for library callers).
    cache: bool = False
    only_roots: set[Path] | None = None

    @classmethod
    def from_cli(
        cls, var_files: list[Path], variables: list[str], env: str | None, cache: bool = True
    ) -> ScanOptions:
        parsed = []
        for item in variables:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise UsageError(f"--var {item!r}: expected NAME=VALUE")
            parsed.append((name.strip(), value))
        for path in var_files:
            if not path.exists():
                raise UsageError(f"--var-file {path}: no such file")
            if not path.is_file():
                raise UsageError(f"--var-file {path}: not a regular file")
        return cls(var_files=list(var_files), variables=parsed, env=env.lower() if env else None, cache=cache)


def scan(paths: list[Path], options: ScanOptions, cwd: Path | None = None) -> Inventory:
    """Evaluate every DynamoDB-related resource that ``paths`` define."""
    cwd = (cwd or Path.cwd()).resolve()
    for path in paths:
        if not observe.exists(path):
            raise UsageError(f"{path}: no such file or directory")
    if not options.cache:
        return _evaluate(paths, options, cwd)
    from dynlint.memo import decode_inventory, encode_inventory, scan_memo

    memo = scan_memo(paths, options, cwd)
    found = memo.get(decode_inventory)
    if found is not None:
        return found
    with observe.recording() as recorder:
        inventory = _evaluate(paths, options, cwd)
    memo.put(recorder, encode_inventory(inventory))
    _prune()
    return inventory


def _prune() -> None:
    from dynlint.cache import ParseCache
    from dynlint.cache_dir import cache_dir, prune

    prune(cache_dir(), {ParseCache().directory.name, "answers", "reports"})


def _evaluate(paths: list[Path], options: ScanOptions, cwd: Path) -> Inventory:
    from dynlint.roots import evaluate_paths

    return evaluate_paths(paths, options, cwd)
