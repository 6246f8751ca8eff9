"""Finding the root modules of a scanned tree, and the var files that go with each.

A directory holding ``.tf`` files is a module. A module that another module of the scan calls
through a local ``source`` is evaluated through that call; every other module is a root.
Files are read as text first: a directory whose text cannot call a module or define a
DynamoDB-related resource is never parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint import observe
from dynlint.model import MODELLED_TYPES
from dynlint.modules import (
    SourceTree,
    configuration_files,
    is_configuration_name,
    is_var_file,
    is_var_name,
    literal_source,
)

SKIPPED_DIRS = frozenset({".git", ".terraform", ".terragrunt-cache", "node_modules", "__pycache__"})
_CALL_PATTERN = re.compile(r'^\s*module\s+"|"module"\s*:', re.MULTILINE)
_RELEVANT_PATTERN = re.compile(
    "|".join(sorted(MODELLED_TYPES)) + r'|^\s*module\s+"|"module"\s*:', re.MULTILINE
)


@dataclass
class Variant:
    """One environment variant: the var files loaded together, in load order.

    ``label`` is what reports show as its ``var_file``: the one file, or the folder (ending in
    ``/``) whose files it loads.
    """

    files: list[Path]
    label: Path | str


@dataclass
class Root:
    """A root module and its var files: auto-loaded ones, and its environment variants."""

    dir: Path
    auto_var_files: list[Path] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)


@dataclass
class Discovery:
    roots: list[Root]
    configuration_files: int


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../")) or source in (".", "..")


class ModuleFacts:
    """What discovery needs of a directory: the literal ``source`` of each module call, the
    variables a module declares, and the names each var file sets (None: it does not parse)."""

    def __init__(self, tree: SourceTree) -> None:
        self.tree = tree

    def call_sources(self, directory: Path) -> list[str]:
        calls = self.tree.module(directory).calls.values()
        return [source for call in calls if (source := literal_source(call))]

    def variables(self, directory: Path) -> set[str]:
        return set(self.tree.module(directory).variables)

    def var_names(self, path: Path) -> set[str] | None:
        parsed = self.tree.parse(path)
        return None if parsed is None else set(parsed.body.attributes)


class CachedModuleFacts(ModuleFacts):
    """The same facts, kept per directory in the answers cache while its files are unchanged: a
    tree whose every file is cached otherwise still decodes every syntax tree to find them."""

    def __init__(self, tree: SourceTree) -> None:
        super().__init__(tree)
        self._found: dict[Path, dict[str, Any]] = {}

    def call_sources(self, directory: Path) -> list[str]:
        return self._facts(directory)["calls"]

    def variables(self, directory: Path) -> set[str]:
        return set(self._facts(directory)["variables"])

    def var_names(self, path: Path) -> set[str] | None:
        names = self._facts(path.parent)["var_files"].get(path.name)
        return None if names is None else set(names)

    def _facts(self, directory: Path) -> dict[str, Any]:
        directory = observe.resolve(directory)
        found = self._found.get(directory)
        if found is None:
            found = self._found[directory] = self._kept(directory)
        return found

    def _kept(self, directory: Path) -> dict[str, Any]:
        from dynlint.memo import Memo

        memo = Memo("module-facts", {"dir": str(directory), "cwd": str(self.tree.cwd)}, shared=True)
        found = memo.get(_checked_facts)
        if found is None:
            reported = len(self.tree.diagnostics)
            with observe.recording() as recorder:
                found = self._read(directory)
            if len(self.tree.diagnostics) == reported:  # else read it again, to report it again
                memo.put(recorder, found, found)
        return found

    def _read(self, directory: Path) -> dict[str, Any]:
        parsed = ModuleFacts(self.tree)
        entries = observe.list_dir(directory)
        var_files = [name for name, is_dir in entries if not is_dir and is_var_file(Path(name))]
        return {
            "calls": parsed.call_sources(directory),
            "variables": sorted(parsed.variables(directory)),
            "var_files": {name: _sorted(parsed.var_names(directory / name)) for name in var_files},
        }


def _sorted(names: set[str] | None) -> list[str] | None:
    return None if names is None else sorted(names)


def _checked_facts(data: Any) -> dict[str, Any]:
    def strings(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError("facts")
        return value

    strings(data["calls"])
    strings(data["variables"])
    for names in data["var_files"].values():
        if names is not None:
            strings(names)
    return data


def discover(scan_dir: Path, tree: SourceTree, facts: ModuleFacts | None = None) -> Discovery:
    """The root modules under ``scan_dir``, finding module calls and declared variables through
    ``facts`` (by default: parsing the files through ``tree``, which keeps them)."""
    modules, var_dirs = _walk(scan_dir, tree)
    facts = facts or ModuleFacts(tree)
    called: set[Path] = set()
    for directory, text in modules.items():
        if text.calls:
            # A module that calls itself is still a root: the evaluator reports the cycle.
            called.update(t for t in local_call_targets(directory, facts) if t != directory)
    roots = [
        Root(directory)
        for directory, text in sorted(modules.items())
        if directory not in called and text.relevant
    ]
    _attach_var_files(roots, set(modules), var_dirs, scan_dir, facts)
    files = sum(text.files for text in modules.values())
    return Discovery(roots=roots, configuration_files=files)


@dataclass(frozen=True)
class ModuleText:
    """What a module directory's text says before anything is parsed."""

    files: int
    calls: bool  # it may call a module
    relevant: bool  # it may define a DynamoDB-related resource or call a module

    @classmethod
    def of(cls, texts: list[str]) -> ModuleText:
        return cls(
            len(texts),
            any(_CALL_PATTERN.search(t) for t in texts),
            any(_RELEVANT_PATTERN.search(t) for t in texts),
        )


def _walk(scan_dir: Path, tree: SourceTree) -> tuple[dict[Path, ModuleText], dict[Path, list[Path]]]:
    """Module directories with what their text says, and var files by directory."""
    modules: dict[Path, ModuleText] = {}
    var_dirs: dict[Path, list[Path]] = {}
    for current, filenames in observe.walk(scan_dir, _skipped):
        directory = observe.resolve(current)
        configuration = [directory / name for name in filenames if is_configuration_name(name)]
        var_files = [directory / name for name in filenames if is_var_name(name)]
        if var_files:
            var_dirs[directory] = var_files
        if configuration:
            modules[directory] = _module_text(directory, configuration, tree)
    return modules, var_dirs


def _module_text(directory: Path, paths: list[Path], tree: SourceTree) -> ModuleText:
    """Read through ``tree``; with the cache on, kept per directory while its files are unchanged
    (a directory with a file that cannot be read is not kept: the read reports why)."""
    if tree.cache is None:
        return ModuleText.of([tree.read(p) or "" for p in paths])
    from dynlint.memo import Memo

    tops = None if tree.tops is None else [str(t) for t in tree.tops]
    request = {"dir": str(directory), "files": [p.name for p in paths], "tops": tops}
    memo = Memo("module-text", request, shared=True)
    found = memo.get(_checked_text)
    if found is not None:
        return found
    with observe.recording() as recorder:
        texts = [tree.read(p) for p in paths]
    found = ModuleText.of([t or "" for t in texts])
    if all(t is not None for t in texts):
        memo.put(recorder, [found.files, found.calls, found.relevant], found)
    return found


def _checked_text(data: Any) -> ModuleText:
    files, calls, relevant = data
    if not isinstance(files, int) or not isinstance(calls, bool) or not isinstance(relevant, bool):
        raise TypeError("module text")
    return ModuleText(files, calls, relevant)


def _skipped(name: str) -> bool:
    return name in SKIPPED_DIRS or name.startswith(".")


def may_define_resources(directory: Path, tree: SourceTree) -> bool:
    """Whether a module directory's text can define a modelled resource or call a module.

    A directory that cannot is never parsed: its tables are none, whatever its inputs. A
    directory outside the scanned trees is never read here (the call is refused elsewhere).
    """
    if not tree.contains(directory):
        return True
    try:
        paths = configuration_files(directory)
    except OSError:
        return True
    return any(_RELEVANT_PATTERN.search(tree.read(p) or "") for p in paths)


def local_call_targets(directory: Path, facts: ModuleFacts) -> list[Path]:
    """The directories that ``directory``'s local module calls name."""
    return [
        observe.resolve(directory / source)
        for source in facts.call_sources(directory)
        if is_local_source(source) and "\x00" not in source
    ]


def is_auto_loaded(path: Path) -> bool:
    name = path.name
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(
        (".auto.tfvars", ".auto.tfvars.json")
    )


# Settings of Terraform's backends, as a -backend-config file sets them.
BACKEND_KEYS = frozenset(
    {
        "bucket", "key", "region", "dynamodb_table", "encrypt", "profile", "role_arn", "kms_key_id", "acl",
        "workspace_key_prefix", "use_lockfile", "endpoint", "endpoints", "shared_credentials_file",
        "shared_config_files", "assume_role", "skip_credentials_validation", "skip_region_validation",
        "skip_metadata_api_check", "skip_requesting_account_id", "force_path_style", "use_path_style",
        "sse_customer_key", "access_key", "secret_key", "token", "resource_group_name",
        "storage_account_name", "container_name", "subscription_id", "tenant_id", "use_azuread_auth",
        "prefix", "credentials", "impersonate_service_account", "hostname", "organization", "workspaces",
        "address", "lock_address", "unlock_address", "username", "password", "path", "access_token",
        "scheme", "datacenter", "conn_str", "schema_name",
    }
)
BACKEND_FOLDERS = frozenset({"backend", "backends", "backend-config", "backend_config"})


def _attach_var_files(
    roots: list[Root], module_dirs: set[Path], var_dirs: dict[Path, list[Path]], scan_dir: Path,
    facts: ModuleFacts,
) -> None:
    """Var files beside a root belong to it; so do those in folders below it that hold no .tf."""
    by_dir = {root.dir: root for root in roots}
    top = observe.resolve(scan_dir)
    for directory, paths in sorted(var_dirs.items()):
        owner = _owning_module(directory, module_dirs, top)
        root = by_dir.get(owner) if owner else None
        if root is None:
            continue
        declared = facts.variables(root.dir)
        kept = [
            p
            for p in sorted(paths)
            if (directory == root.dir and is_auto_loaded(p))
            or not is_backend_config(p, root.dir, declared, facts)
        ]
        if directory == root.dir:
            root.auto_var_files.extend(p for p in kept if is_auto_loaded(p))
            root.variants.extend(Variant([p], p) for p in kept if not is_auto_loaded(p))
        elif kept:
            # A wrapper script passes all of an environment folder's files together.
            label: Path | str = kept[0] if len(kept) == 1 else directory
            root.variants.append(Variant(kept, label))
    for root in roots:
        root.auto_var_files.sort(key=_auto_load_order)


def _auto_load_order(path: Path) -> tuple[int, str]:
    """terraform.tfvars, then terraform.tfvars.json, then the *.auto.tfvars files by name."""
    order = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}
    return order.get(path.name, 2), path.name


def is_backend_config(path: Path, root_dir: Path, declared: set[str], facts: ModuleFacts) -> bool:
    """A -backend-config file: in a backend folder, or setting only backend keys the root does
    not declare as variables."""
    try:
        folders = path.parent.relative_to(root_dir).parts
    except ValueError:
        folders = ()
    if any(folder.lower() in BACKEND_FOLDERS for folder in folders):
        return True
    names = facts.var_names(path)
    if not names:
        return False
    return not names & declared and names <= BACKEND_KEYS


def _owning_module(directory: Path, module_dirs: set[Path], top: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if candidate in module_dirs:
            return candidate
        if candidate == top:
            return None
    return None
