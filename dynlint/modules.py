"""Terraform module directories, parsed once each and indexed by what they declare."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint import observe
from dynlint.cache import ParseCache
from dynlint.inputs import InputFileError, inside, read_text
from dynlint.model import Diagnostic
from dynlint.parser import parse_source
from dynlint.syntax import Attribute, Block, Body, Comment, File, Pos
from dynlint.validate import Problem, configuration_problems, syntax_problems

MODULE_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def is_configuration_file(path: Path) -> bool:
    return is_configuration_name(path.name)


def is_configuration_name(name: str) -> bool:
    return name.endswith((".tf", ".tf.json")) and not name.startswith(".")


def is_var_file(path: Path) -> bool:
    return is_var_name(path.name)


def is_var_name(name: str) -> bool:
    return name.endswith((".tfvars", ".tfvars.json"))


def is_override_file(path: Path) -> bool:
    """``override.tf``, ``*_override.tf`` (and ``.tf.json``): merged after the module's other files."""
    stem = path.name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def configuration_files(directory: Path) -> list[Path]:
    """The ``.tf`` and ``.tf.json`` files of one module directory, in name order.

    Anything so named that is not a directory is listed, FIFOs and devices included: reading
    refuses those with an error rather than skipping them without a word.
    """
    entries = observe.list_dir(directory)
    return [directory / name for name, is_dir in entries if not is_dir and is_configuration_name(name)]


def literal_source(call: Block) -> str | None:
    """A module call's ``source`` when it is written as a literal string."""
    attribute = call.body.attributes.get("source")
    value = getattr(attribute.expr, "value", None) if attribute else None
    return value if isinstance(value, str) else None


@dataclass
class ModuleSource:
    """Everything one module directory declares."""

    dir: Path
    display_dir: str
    files: list[File] = field(default_factory=list)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    missing_bases: list[Block] = field(default_factory=list)
    duplicates_found: list[Problem] = field(default_factory=list)

    @property
    def comments(self) -> list[Comment]:
        return [c for f in self.files for c in f.comments]

    def add(self, parsed: File) -> None:
        self.files.append(parsed)
        for block in parsed.body.blocks:
            self._index(block)

    def _note_duplicate(self, first: Block | Attribute | None, pos: Pos, what: str) -> None:
        if first is None:
            return
        where = f"{first.pos.file}:{first.pos.line}"
        if isinstance(first, Attribute):
            message = (
                f'Duplicate local value definition: A local value named "{first.name}" was already '
                f"defined at {where}. Local value names must be unique within a module."
            )
        else:
            message = (
                f"Duplicate {what} configuration: it was already declared at {where}. "
                "Names must be unique within a module."
            )
        self.duplicates_found.append(Problem(pos, message))

    def add_override(self, parsed: File) -> None:
        """Merge an override file as Terraform does: an override block replaces only the
        arguments and nested block types it sets; a ``locals`` entry replaces that entry."""
        self.files.append(parsed)
        for block in parsed.body.blocks:
            self._override(block)

    def _override(self, block: Block) -> None:
        if block.type == "locals":
            self.locals.update(block.body.attributes)
            return
        index = self._index_for(block)
        if index is None:
            return
        key: Any = tuple(block.labels) if block.type in ("resource", "data") else block.labels[0]
        base = index.get(key)
        if base is None:
            self.missing_bases.append(block)
            return
        body = merge_bodies(base.body, block.body)
        index[key] = Block(base.type, base.labels, body, base.pos, base.end_line)

    def _index_for(self, block: Block) -> dict[Any, Block] | None:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            return self.resources if block.type == "resource" else self.data
        if len(block.labels) != 1:
            return None
        return {"variable": self.variables, "output": self.outputs, "module": self.calls}.get(block.type)

    def _index(self, block: Block) -> None:
        index = self._index_for(block)
        if block.type == "locals":
            for name, attribute in block.body.attributes.items():
                self._note_duplicate(self.locals.get(name), attribute.pos, f'local value "{name}"')
            self.locals.update(block.body.attributes)
            return
        if index is not None:
            key: Any = tuple(block.labels) if block.type in ("resource", "data") else block.labels[0]
            what = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
            self._note_duplicate(index.get(key), block.pos, what)
        if block.type == "variable" and block.labels:
            self.variables[block.labels[0]] = block
        elif block.type == "output" and block.labels:
            self.outputs[block.labels[0]] = block
        elif block.type == "module" and block.labels:
            self.calls[block.labels[0]] = block
        elif block.type == "resource" and len(block.labels) == 2:
            self.resources[(block.labels[0], block.labels[1])] = block
        elif block.type == "data" and len(block.labels) == 2:
            self.data[(block.labels[0], block.labels[1])] = block


def merge_bodies(base: Body, override: Body) -> Body:
    """``base`` with the arguments and nested block types that ``override`` sets replaced; a
    ``lifecycle`` block merges argument by argument."""
    replaced = {_block_kind(b) for b in override.blocks} - {"lifecycle"}
    blocks = [b for b in base.blocks if _block_kind(b) not in replaced and b.type != "lifecycle"]
    blocks.extend(b for b in override.blocks if b.type != "lifecycle")
    lifecycles = [*base.blocks_of("lifecycle"), *override.blocks_of("lifecycle")]
    if lifecycles:
        merged = Body()
        for lifecycle in lifecycles:
            merged.attributes.update(lifecycle.body.attributes)
            merged.blocks.extend(lifecycle.body.blocks)
        first = lifecycles[0]
        blocks.append(Block("lifecycle", [], merged, first.pos, first.end_line))
    return Body({**base.attributes, **override.attributes}, blocks)


def _block_kind(block: Block) -> str:
    """A nested block's type, a ``dynamic "x"`` block counting as an ``x`` block."""
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


class SourceTree:
    """Reads and parses files on demand, each at most once per scan.

    ``tops`` are the scanned trees: a file found in one (a ``.tf`` file, an auto-loaded var
    file) must resolve inside one of them, so a symlink cannot make dynlint read elsewhere.
    Files the user names on the command line (``--var-file``) are read wherever they are.
    Without ``tops`` (a library caller that reads one module) nothing is confined.
    """

    def __init__(self, cwd: Path, tops: list[Path] | None = None, cache: ParseCache | None = None) -> None:
        self.cwd = cwd
        self.cache = cache
        self.tops: list[Path] | None = None if tops is None else [observe.resolve(t) for t in tops]
        self.diagnostics: list[Diagnostic] = []
        self._texts: dict[Path, str | None] = {}
        self._files: dict[Path, File | None] = {}
        self._modules: dict[Path, ModuleSource] = {}
        self._module_paths: dict[Path, list[Path]] = {}
        self._problems: dict[Path, list[Problem]] = {}


    def contains(self, path: Path) -> bool:
        """Whether ``path`` (through any symlink) lies inside the scanned trees."""
        return self.tops is None or inside(path, self.tops)

    def display(self, path: Path) -> str:
        try:
            relative = os.path.relpath(path, self.cwd)
        except ValueError:
            relative = str(path)
        return relative.replace(os.sep, "/")

    def read(self, path: Path, anywhere: bool = False) -> str | None:
        """A file's text, or None after recording why it cannot be read (reported once)."""
        path = Path(os.path.abspath(path))
        if path not in self._texts:
            try:
                self._texts[path] = read_text(path, self.display(path), tops=None if anywhere else self.tops)
            except InputFileError as error:
                self._texts[path] = None
                self._record(error)
        else:
            observe.again("file", path)  # a recording begun since the read depends on it too
        return self._texts[path]

    def parse(self, path: Path, anywhere: bool = False) -> File | None:
        """The parsed file, or None after recording a read or parse error (reported once)."""
        path = Path(os.path.abspath(path))
        if path not in self._files:
            text = self.read(path, anywhere)
            parsed = None if text is None else self._parse_text(text, self.display(path))
            self._files[path] = self._checked(parsed)
        else:
            observe.again("file", path)
        return self._files[path]

    def _checked(self, parsed: File | None) -> File | None:
        """``parsed``, or None after recording what Terraform rejects in it."""
        problems = syntax_problems(parsed) if parsed is not None else []
        for problem in problems:
            self._error(problem.pos, problem.message)
        return None if problems else parsed

    def _parse_text(self, text: str, display: str) -> File | None:
        key = ParseCache.key(display, text) if self.cache is not None else ""
        if self.cache is not None:
            cached = self.cache.get(key, display)
            if cached is not None:
                return cached
        try:
            parsed = parse_source(text, display)
        except InputFileError as error:
            self._record(error)
            return None
        if self.cache is not None:
            self.cache.put(key, parsed)
        return parsed

    def _record(self, error: InputFileError) -> None:
        self._error(Pos(error.file, error.line, error.column), error.reason)

    def _error(self, pos: Pos, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(severity="error", file=pos.file, line=pos.line, column=pos.column, message=message)
        )

    def rejected(self, directory: Path) -> bool:
        """Whether Terraform rejects the module in ``directory`` (its errors are recorded)."""
        return bool(self._problems.get(observe.resolve(directory)))

    def module(self, directory: Path) -> ModuleSource:
        directory = observe.resolve(directory)
        found = self._modules.get(directory)
        if found is None:
            found = ModuleSource(directory, self.display(directory))
            paths = self._module_paths[directory] = configuration_files(directory)
            for path in [p for p in paths if not is_override_file(p)]:
                parsed = self.parse(path)
                if parsed is not None:
                    found.add(parsed)
            for path in [p for p in paths if is_override_file(p)]:
                parsed = self.parse(path)
                if parsed is not None:
                    found.add_override(parsed)
            self._modules[directory] = found
            self._problems[directory] = configuration_problems(found)
            for problem in self._problems[directory]:
                self._error(problem.pos, problem.message)
        else:
            observe.again("list", directory)
            for path in self._module_paths[directory]:
                observe.again("file", path)
        return found
