"""Terraform's file functions, confined to the scanned tree.

``terraform plan`` reads files with ``file``, ``templatefile``, ``fileset`` and friends, relative
to the root module's folder (its working directory). dynlint reads them the same way, but only
inside the scanned tree: a path that leaves it (or a symlink that points out of it) is never
read, and the call is unknown, with a note. Nothing read is ever executed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dynlint import inputs, observe
from dynlint.values import EvaluationError, SetValue, Unknown, contains_unknown

FILE_FUNCTIONS = frozenset(
    {
        "file", "fileexists", "fileset", "filebase64", "templatefile", "filemd5", "filesha1",
        "filesha256", "filesha512", "filebase64sha256", "filebase64sha512",
    }
)  # fmt: skip

_HASHES: dict[str, Callable[[bytes], str]] = {
    "filemd5": lambda data: hashlib.md5(data).hexdigest(),
    "filesha1": lambda data: hashlib.sha1(data).hexdigest(),
    "filesha256": lambda data: hashlib.sha256(data).hexdigest(),
    "filesha512": lambda data: hashlib.sha512(data).hexdigest(),
    "filebase64": lambda data: base64.b64encode(data).decode("ascii"),
    "filebase64sha256": lambda data: base64.b64encode(hashlib.sha256(data).digest()).decode("ascii"),
    "filebase64sha512": lambda data: base64.b64encode(hashlib.sha512(data).digest()).decode("ascii"),
}
_MAX_BYTES = 16 * 1024 * 1024


class OutsideTree(Exception):
    """A path that leaves the scanned tree: it is not read."""


class FileReader:
    """Reads files for one evaluation: relative to ``cwd`` (the root module), inside ``top``."""

    def __init__(self, top: Path, cwd: Path) -> None:
        self.top = observe.resolve(top)
        self.cwd = cwd

    def locate(self, name: str) -> Path:
        path = observe.resolve(self.cwd / Path(name).expanduser())
        if path != self.top and self.top not in path.parents:
            raise OutsideTree(name)
        return path

    def read_bytes(self, name: str) -> bytes:
        path = self.locate(name)
        if not observe.is_file(path):
            raise EvaluationError(f'Invalid value for "path" parameter: no file exists at "{name}"')
        try:  # the one reader: a regular file only, at most _MAX_BYTES
            return inputs.read_bytes(path, name, _MAX_BYTES)
        except inputs.InputFileError as error:
            raise EvaluationError(f'"{name}": {error.reason}') from None

    def read_text(self, name: str) -> str:
        data = self.read_bytes(name)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise EvaluationError(
                f'contents of "{name}" are not valid UTF-8; use the filebase64 function to obtain '
                "the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) "
                "to obtain file hashing results instead"
            ) from None

    def call(self, name: str, args: list[Any], template: Callable[[Path, str, Any], Any]) -> Any:
        """Call file function ``name``; ``template`` renders templatefile's text with its vars."""
        if contains_unknown(args[:1]):
            return Unknown(f"{name}() of an unknown path")
        _check_arity(name, args)
        path = args[0]
        if not isinstance(path, str):
            raise EvaluationError(f'Invalid value for "path" parameter: string required in {name}()')
        if name == "fileexists":
            located = self.locate(path)
            return observe.is_file(located)
        if name == "fileset":
            return self.fileset(path, args[1])
        if name == "templatefile":
            return template(self.locate(path), self.read_text(path), args[1])
        if name == "file":
            return self.read_text(path)
        return _HASHES[name](self.read_bytes(path))

    def fileset(self, base: str, pattern: Any) -> Any:
        if isinstance(pattern, Unknown):
            return pattern
        if not isinstance(pattern, str):
            raise EvaluationError('Invalid value for "pattern" parameter: string required')
        directory = self.locate(base)
        observe.unrepeatable()  # a glob: which new files would match is not cheap to tell
        if not directory.is_dir():
            return SetValue()
        found = set()
        for match in directory.glob(pattern):
            resolved = match.resolve()
            if match.is_file() and (resolved == self.top or self.top in resolved.parents):
                found.add(match.relative_to(directory).as_posix())
        return SetValue(sorted(found))


def _check_arity(name: str, args: list[Any]) -> None:
    wanted = 2 if name in ("fileset", "templatefile") else 1
    if len(args) != wanted:
        raise EvaluationError(
            f'Invalid function arguments: {name}() takes {wanted} argument{"s" if wanted > 1 else ""}'
        )
