"""A content-addressed cache of parsed files, in the user's cache directory.

An entry is one file's syntax tree as JSON, named by the SHA-256 of everything the tree depends
on: dynlint's version, the shape of the syntax classes, the path the tree's positions show, and
the file's text. A changed file gets a new name, so an entry is never stale; a corrupt,
truncated or foreign entry fails to decode and is ignored (the file is parsed again). Entries
are written to a temporary file and renamed into place, so concurrent runs never see half an
entry. Entries are plain JSON decoded into a fixed set of syntax classes: nothing is unpickled
or executed, whoever wrote the directory.

The directory is ``$DYNLINT_CACHE_DIR`` when set, else the platform's user cache directory
(``~/.cache/dynlint`` on Linux). ``--no-cache`` turns the cache off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dynlint import __version__, syntax
from dynlint.cache_dir import cache_dir, touch, write_atomically

_NODE_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in vars(syntax).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == syntax.__name__
}
_FINGERPRINT = hashlib.sha256(
    json.dumps(
        [
            __version__,
            "tree-sitter-1",
            sorted((name, [f.name for f in dataclasses.fields(cls)]) for name, cls in _NODE_TYPES.items()),
        ]
    ).encode()
).hexdigest()[:16]


class ParseCache:
    """Parsed files by content; every failure to read or write it is silent (it is a cache)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = (directory or cache_dir()) / f"parsed-{_FINGERPRINT}"
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(display_path: str, text: str) -> str:
        digest = hashlib.sha256(_FINGERPRINT.encode())
        digest.update(display_path.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def get(self, key: str, display_path: str) -> syntax.File | None:
        try:
            with open(self._path(key), encoding="utf-8") as handle:
                found = decode(json.load(handle), display_path)
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            # Damaged, truncated or foreign: parse the file again.
            found = None
        if not isinstance(found, syntax.File) or found.path != display_path:
            self.misses += 1
            return None
        self.hits += 1
        touch(self._path(key))
        return found

    def put(self, key: str, parsed: syntax.File) -> None:
        try:
            text = json.dumps(encode(parsed), separators=(",", ":"))
        except (ValueError, TypeError, RecursionError):
            return
        write_atomically(self._path(key), text)


# The encoding is directed by the syntax classes' field annotations, so it needs no tags but the
# class of an expression node: a node is ``[class, field, ...]``, a position ``[line, column]``
# (its file is the tree's), a list a list, a ``dict[str, X]`` a list of ``[key, value]``.
# Decoding follows the same annotations and checks every value on the way.


def encode(value: Any) -> Any:
    """A syntax tree (or any part of one) as JSON data."""
    if isinstance(value, syntax.Pos):
        return [value.line, value.column]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, *(encode(getattr(value, f.name)) for f in dataclasses.fields(value))]
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return [[k, encode(v)] for k, v in value.items()]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(data: Any, file: str) -> syntax.File:
    """The file tree that :func:`encode` wrote; anything else raises (and the entry is ignored)."""
    return _decoder("File")(data, file)


Decoder = Callable[[Any, str], Any]
_DECODERS: dict[str, Decoder] = {}
_SCALARS: dict[str, type] = {"str": str, "int": int, "float": float}


def _decoder(annotation: str) -> Decoder:
    annotation = annotation.strip()
    found = _DECODERS.get(annotation)
    if found is None:
        found = _DECODERS[annotation] = _make_decoder(annotation)
    return found


def _make_decoder(annotation: str) -> Decoder:
    options = _split_union(annotation)
    if len(options) == 2 and "None" in options:
        inner = _decoder(options[0] if options[1] == "None" else options[1])
        return lambda data, file: None if data is None else inner(data, file)
    if len(options) > 1:
        raise TypeError(f"cannot decode {annotation!r}")
    if annotation == "Any":
        return _scalar
    if annotation.startswith("list[") and annotation.endswith("]"):
        item = _decoder(annotation[5:-1])
        return lambda data, file: [item(v, file) for v in _require(data, list)]
    if annotation.startswith("dict[str, ") and annotation.endswith("]"):
        entry = _decoder(annotation[10:-1])
        return lambda data, file: {_require(k, str): entry(v, file) for k, v in _require(data, list)}
    if annotation == "bool":
        return lambda data, file: _require(data, bool)
    if annotation in _SCALARS:
        kind = _SCALARS[annotation]
        return lambda data, file: _require(data, kind)
    if annotation == "Pos":
        return _position
    target = getattr(syntax, annotation, None)
    if not isinstance(target, type):
        raise TypeError(f"cannot decode {annotation!r}")
    return lambda data, file: _node(data, file, target)


def _require(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise TypeError(kind.__name__)
    return value


def _scalar(data: Any, file: str) -> Any:
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    raise TypeError("scalar")


def _position(data: Any, file: str) -> syntax.Pos:
    line, column = _require(data, list)
    return syntax.Pos(file, _require(line, int), _require(column, int))


def _node(data: Any, file: str, expected: type) -> Any:
    tag, *fields = _require(data, list)
    cls = _NODE_TYPES[tag]
    if not issubclass(cls, expected):
        raise TypeError(tag)
    decoders = _FIELD_DECODERS[tag]
    if len(fields) != len(decoders):
        raise TypeError(tag)
    return cls(*[decode_field(value, file) for decode_field, value in zip(decoders, fields)])  # noqa: B905


def _split_union(annotation: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in annotation:
        depth += char == "["
        depth -= char == "]"
        if char == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts]


_FIELD_DECODERS: dict[str, list[Decoder]] = {
    name: [_decoder(str(f.type)) for f in dataclasses.fields(cls)] for name, cls in _NODE_TYPES.items()
}
