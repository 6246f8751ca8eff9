"""Answers computed from the file system, kept with every look they took, in the user cache.

The answers kept: a whole scan (the evaluated :class:`Inventory`), each root module's part of
it, what discovery needs of each directory, the map of root modules that ``--changed-files``
starts from, and a whole check's report (:mod:`dynlint.replay`). An entry is named by the
SHA-256 of its kind, of what it is asked (for a scan: the paths, the working directory, the var
files, ``--var`` values, ``--env``, the environments, the roots a change set selects) and of
the code that answers (dynlint's version, the size and time of each of its own source files,
the Python version and the state of the directories packages are installed in), so an edited
checkout, an upgrade or a newly installed dependency never reuses an older answer. It holds
the answer and the looks :mod:`dynlint.observe` recorded while computing it, and is used only
while every look still sees the same: a file with the same identity, size and change times, a
directory with the same names, a probe with the same answer, a link that leads to the same
place. Anything else (an edit, a new var file, a changed ``modules.json``, a moved link)
computes the answer again and replaces the entry. A recording that could not be repeated, or
that read a file changed just before it was read, is not kept. Entries are JSON, validated as
they are decoded; a damaged entry is ignored. ``--no-cache`` turns this off with the parse
cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dynlint import __version__, observe
from dynlint.cache_dir import cache_dir, touch, write_atomically

if TYPE_CHECKING:
    from dynlint.model import Inventory
    from dynlint.scan import ScanOptions

FORMAT = "answers-1"
T = TypeVar("T")


@functools.cache
def _code() -> str:
    """A digest of the code that answers (taken once a run): the size and modification time of
    each of dynlint's own files, the Python version, and the modification time of each
    directory packages are installed in (installing, upgrading or removing a package, the
    parser's say, changes its listing)."""
    package = Path(__file__).resolve().parent
    found: list[Any] = [sys.version]
    for directory, _, names in sorted(os.walk(package)):
        for name in sorted(n for n in names if n.endswith((".py", ".toml", ".json"))):
            info = os.stat(os.path.join(directory, name))
            relative = os.path.relpath(os.path.join(directory, name), package)
            found.append([relative, info.st_size, info.st_mtime_ns])
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages"):
            with contextlib.suppress(OSError):
                found.append([entry, os.stat(entry).st_mtime_ns])
    return hashlib.sha256(json.dumps(found).encode("utf-8", "surrogatepass")).hexdigest()


class Memo:
    """One kept answer; every failure to read or write it is silent (it is a cache).

    A ``shared`` answer, one its callers only read, is also kept for the rest of the run being
    recorded (:func:`dynlint.observe.run_answers`): asked again in the same run, it is given
    without reading or checking the entry again, its looks added to the recording as before.
    """

    def __init__(
        self,
        kind: str,
        request: dict[str, Any],
        directory: Path | None = None,
        folder: str = "answers",
        shared: bool = False,
    ) -> None:
        self.request = json.dumps(
            {"kind": kind, "version": __version__, "format": FORMAT, "code": _code(), **request},
            sort_keys=True,
        )
        name = hashlib.sha256(self.request.encode("utf-8", "surrogatepass")).hexdigest()
        self.path = (directory or cache_dir()) / folder / f"{name}.json"
        self.shared = shared

    def get(self, decode: Callable[[Any], T]) -> T | None:
        """The kept answer through ``decode`` (which raises on anything malformed), or None."""
        answers = observe.run_answers() if self.shared else None
        if answers is not None and self.path in answers:
            looks, answer = answers[self.path]
            observe.replay(looks)
            return answer
        try:
            with open(self.path, encoding="utf-8") as handle:
                entry = json.load(handle)
            if entry["request"] != self.request or not observe.unchanged(entry["looks"]):
                return None
            answer = decode(entry["answer"])
            observe.replay(entry["looks"])
            touch(self.path)
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return None  # absent, damaged or foreign: compute it again
        if answers is not None:
            answers[self.path] = (entry["looks"], answer)
        return answer

    def put(self, recorder: observe.Recorder, answer: Any, decoded: Any = None) -> None:
        """Keep ``answer`` (JSON) with the looks of ``recorder``; a shared memo also keeps
        ``decoded`` (what :meth:`get` would give) for the rest of the run."""
        if not recorder.reusable():
            return
        looks = observe.recorded_looks(recorder)
        answers = observe.run_answers() if self.shared else None
        if answers is not None and decoded is not None:
            answers[self.path] = (looks, decoded)
        entry = {"request": self.request, "looks": looks, "answer": answer}
        try:
            text = json.dumps(entry, separators=(",", ":"), allow_nan=False)
        except (ValueError, TypeError, RecursionError):
            return
        write_atomically(self.path, text)


def scan_memo(paths: list[Path], options: ScanOptions, cwd: Path) -> Memo:
    return Memo(
        "scan",
        {
            "cwd": str(cwd),
            "paths": [[str(p), str(p.resolve())] for p in paths],
            "var_files": [str(p.resolve()) for p in options.var_files],
            "variables": [list(v) for v in options.variables],
            "env": options.env,
            "environments": list(options.environments),
            "only_roots": None if options.only_roots is None else sorted(map(str, options.only_roots)),
        },
    )


# An inventory holds tens of thousands of value origins, many of them the same (every table of a
# root takes its tags from one local) and in a handful of files: each distinct origin is written
# once, as [file index, line, column, trace] with a trace step as [file index, line, note,
# column], and a resource's origins name them by index. Decoding shares one ValueOrigin among
# the resources that name it; nothing downstream of evaluation changes an origin.


def encode_inventory(inventory: Inventory) -> dict[str, Any]:
    from dynlint.model import ResourceInstance, ValueOrigin

    files: dict[str, int] = {}
    origins: dict[tuple[Any, ...], int] = {}
    by_object: dict[int, int] = {}  # the inventory keeps each origin alive: ids stay unique

    def file_index(file: str) -> int:
        return files.setdefault(file, len(files))

    def origin_index(o: ValueOrigin) -> int:
        known = by_object.get(id(o))
        if known is None:
            trace = tuple((file_index(s.file), s.line, s.note, s.column) for s in o.trace)
            key = (file_index(o.file), o.line, o.column, trace)
            known = by_object[id(o)] = origins.setdefault(key, len(origins))
        return known

    def resource(r: ResourceInstance) -> dict[str, Any]:
        fields = r.model_dump(exclude={"origins"})
        fields["origins"] = {path: origin_index(o) for path, o in r.origins.items()}
        return fields

    resources = [resource(r) for r in inventory.resources]
    return {
        "files": list(files),
        "origins": [[file, line, column, [list(s) for s in trace]] for file, line, column, trace in origins],
        "resources": resources,
        "diagnostics": [d.model_dump() for d in inventory.diagnostics],
        "module_calls": [c.model_dump() for c in inventory.module_calls],
        "count": inventory.files,
    }


def decode_inventory(data: dict[str, Any]) -> Inventory:
    """The inventory :func:`encode_inventory` wrote; anything else raises."""
    from dynlint.model import Diagnostic, Inventory, ModuleCall, ResourceInstance, TraceStep, ValueOrigin

    files = data["files"]
    if not all(isinstance(f, str) for f in files):
        raise TypeError("files")

    def step(s: list[Any]) -> TraceStep:
        file, line, note, column = s
        return TraceStep(file=files[file], line=line, note=note, column=column)

    def origin(o: list[Any]) -> ValueOrigin:
        file, line, column, trace = o
        return ValueOrigin(file=files[file], line=line, column=column, trace=[step(s) for s in trace])

    origins = [origin(o) for o in data["origins"]]
    resources = []
    for fields in data["resources"]:
        fields["origins"] = {path: origins[_index(i)] for path, i in fields["origins"].items()}
        resources.append(ResourceInstance.model_validate(fields))
    return Inventory(
        resources=resources,
        diagnostics=[Diagnostic.model_validate(d) for d in data["diagnostics"]],
        module_calls=[ModuleCall.model_validate(c) for c in data["module_calls"]],
        files=data["count"],
    )


def _index(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise TypeError("index")
    return value
