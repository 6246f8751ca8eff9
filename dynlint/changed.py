"""Changed files (pre-commit): which root modules to evaluate, and which findings to keep.

pre-commit passes the names of the files a commit changes. A ``.tf`` file changes its module,
and with it every table of every root module whose evaluation reaches that module through local
``source`` calls; a ``.tfvars`` file changes the root module it belongs to (all its variants
when it is auto-loaded, else its own variant). Those roots are evaluated with full module
context, and a finding is kept when it is about what the commit touched or affected: its file,
a step of its trace or its var file is a changed file, its root's own files or auto-loaded var
files changed, or its table (or module call) is defined in a changed module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint import observe
from dynlint.cache import ParseCache
from dynlint.discover import (
    CachedModuleFacts,
    ModuleFacts,
    discover,
    is_auto_loaded,
    is_local_source,
    local_call_targets,
)
from dynlint.findings import Finding
from dynlint.inputs import tree_top
from dynlint.modules import SourceTree, is_configuration_file, is_var_file, literal_source

_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)(?:\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\])?(?:\.|$)')


@dataclass
class ChangeSet:
    """The changed files of a commit, and the root modules whose tables they change."""

    cwd: Path
    files: set[Path] = field(default_factory=set)
    modules: set[Path] = field(default_factory=set)
    var_files: set[Path] = field(default_factory=set)
    roots: list[Path] = field(default_factory=list)
    whole_roots: set[Path] = field(default_factory=set)
    tree: SourceTree | None = None

    def keeps(self, finding: Finding) -> bool:
        """Whether ``finding`` is about something this change touched or affected."""
        root = self._resolve(finding.root)
        if root in self.whole_roots:
            return True
        places = [finding.file, *(step.file for step in finding.trace)]
        if any(self._resolve(p) in self.files for p in places if not p.startswith("--")):
            return True
        if finding.var_file and self._touches_var_file(finding.var_file):
            return True
        if self._resolve(finding.file).parent in self.modules:
            return True
        return self.module_of(root, finding.address) in self.modules

    def module_of(self, root: Path, address: str) -> Path | None:
        """The directory of the module that defines ``address`` in the evaluation of ``root``
        (for a module call's own address, the called module)."""
        directory: Path | None = root
        position = 0
        while directory is not None and (match := _MODULE_STEP.match(address, position)):
            directory = self._call_target(directory, match.group(1))
            position = match.end()
        return directory

    def _call_target(self, directory: Path, name: str) -> Path | None:
        tree = self.tree or SourceTree(self.cwd)
        if not observe.is_dir(directory):
            return None
        call = tree.module(directory).calls.get(name)
        source = literal_source(call) if call is not None else None
        return observe.resolve(directory / source) if source and is_local_source(source) else None

    def _touches_var_file(self, var_file: str) -> bool:
        if var_file.endswith("/"):
            folder = self._resolve(var_file)
            return any(folder in path.parents for path in self.var_files)
        return self._resolve(var_file) in self.var_files

    def _resolve(self, path: str) -> Path:
        return observe.resolve(self.cwd / path)


def changed_set(paths: Iterable[Path], cwd: Path | None = None, cache: bool = False) -> ChangeSet:
    """The roots to evaluate for a commit that changes ``paths`` (files that no longer exist,
    and files that are neither Terraform nor var files, change nothing). With ``cache``, parsed
    files and the map of roots come from the user cache while the tree is unchanged."""
    cwd = (cwd or Path.cwd()).resolve()
    change = ChangeSet(cwd=cwd, tree=SourceTree(cwd, cache=ParseCache() if cache else None))
    for path in paths:
        resolved = observe.resolve(cwd / path)
        if not observe.is_file(resolved):
            continue
        if is_configuration_file(resolved):
            change.files.add(resolved)
            change.modules.add(resolved.parent)
        elif is_var_file(resolved):
            change.files.add(resolved)
            change.var_files.add(resolved)
    if change.files:
        _select_roots(change, root_map(tree_top(cwd), change.tree, cache))
    return change


@dataclass
class RootReach:
    """A root module: its var files, and every module directory its local calls reach."""

    dir: Path
    auto_var_files: list[Path]
    var_files: list[Path]
    modules: list[Path]


def root_map(top: Path, tree: SourceTree, cache: bool) -> list[RootReach]:
    """Every root module under ``top`` with what it reaches (kept in the cache by tree state)."""
    if not cache:
        return _root_map(top, tree, cache)
    from dynlint.memo import Memo

    memo = Memo("roots", {"top": str(top), "cwd": str(tree.cwd)})
    found = memo.get(_decode_roots)
    if found is not None:
        return found
    with observe.recording() as recorder:
        found = _root_map(top, tree, cache)
    memo.put(recorder, [[str(r.dir), *([str(p) for p in ps] for ps in _lists(r))] for r in found])
    return found


def _lists(reach: RootReach) -> tuple[list[Path], list[Path], list[Path]]:
    return reach.auto_var_files, reach.var_files, reach.modules


def _decode_roots(data: list[Any]) -> list[RootReach]:
    def paths(items: list[Any]) -> list[Path]:
        if not all(isinstance(item, str) for item in items):
            raise TypeError("path")
        return [Path(item) for item in items]

    found = []
    for directory, auto, var_files, modules in data:
        if not isinstance(directory, str):
            raise TypeError("root")
        found.append(RootReach(Path(directory), paths(auto), paths(var_files), paths(modules)))
    return found


def _root_map(top: Path, tree: SourceTree, cache: bool) -> list[RootReach]:
    facts = CachedModuleFacts(tree) if cache else ModuleFacts(tree)
    return [
        RootReach(
            root.dir,
            list(root.auto_var_files),
            [*root.auto_var_files, *(f for v in root.variants for f in v.files)],
            sorted(reachable_modules(root.dir, facts)),
        )
        for root in discover(top, tree, facts).roots
    ]


def _select_roots(change: ChangeSet, roots: list[RootReach]) -> None:
    for root in roots:
        owns = change.var_files & set(root.var_files)
        if set(root.modules) & change.modules or owns:
            change.roots.append(root.dir)
        if root.dir in change.modules or _auto_loaded_changed(root, change.var_files):
            change.whole_roots.add(root.dir)


def _auto_loaded_changed(root: RootReach, var_files: set[Path]) -> bool:
    return any(is_auto_loaded(p) for p in var_files & set(root.auto_var_files))


def reachable_modules(root_dir: Path, facts: ModuleFacts) -> set[Path]:
    """``root_dir`` and every module directory its local module calls reach, transitively."""
    seen = {observe.resolve(root_dir)}
    pending = [observe.resolve(root_dir)]
    while pending:
        directory = pending.pop()
        if not observe.is_dir(directory):
            continue
        for target in local_call_targets(directory, facts):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen
