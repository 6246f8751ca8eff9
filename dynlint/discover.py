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

from dynlint import observe
from dynlint.model import MODELLED_TYPES
from dynlint.modules import (
    SourceTree,
    configuration_files,
    is_configuration_file,
    is_var_file,
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


def discover(scan_dir: Path, tree: SourceTree) -> Discovery:
    module_texts, var_dirs = _walk(scan_dir, tree)
    relevant = [d for d, text in module_texts.items() if _RELEVANT_PATTERN.search(text)]
    tree.prefetch([path for directory in relevant for path in configuration_files(directory)])
    called: set[Path] = set()
    for directory, text in module_texts.items():
        if _CALL_PATTERN.search(text):
            # A module that calls itself is still a root: the evaluator reports the cycle.
            called.update(t for t in _local_call_targets(directory, tree) if t != directory)
    roots = [
        Root(directory)
        for directory, text in sorted(module_texts.items())
        if directory not in called and _RELEVANT_PATTERN.search(text)
    ]
    _attach_var_files(roots, set(module_texts), var_dirs, scan_dir, tree)
    files = sum(text.count("\x00FILE") for text in module_texts.values())
    return Discovery(roots=roots, configuration_files=files)


def _walk(scan_dir: Path, tree: SourceTree) -> tuple[dict[Path, str], dict[Path, list[Path]]]:
    """Module directories with their files' text joined, and var files by directory."""
    module_texts: dict[Path, str] = {}
    var_dirs: dict[Path, list[Path]] = {}
    for current, filenames in observe.walk(scan_dir, _skipped):
        directory = observe.resolve(current)
        texts = []
        for name in filenames:
            path = directory / name
            if is_configuration_file(path):
                texts.append("\x00FILE\n" + (tree.read(path) or ""))
            elif is_var_file(path):
                var_dirs.setdefault(directory, []).append(path)
        if texts:
            module_texts[directory] = "".join(texts)
    return module_texts, var_dirs


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


def _local_call_targets(directory: Path, tree: SourceTree) -> list[Path]:
    module = tree.module(directory)
    targets = []
    for call in module.calls.values():
        source = literal_source(call)
        if source is not None and is_local_source(source) and "\x00" not in source:
            targets.append(observe.resolve(directory / source))
    return targets


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
    tree: SourceTree,
) -> None:
    """Var files beside a root belong to it; so do those in folders below it that hold no .tf."""
    by_dir = {root.dir: root for root in roots}
    top = observe.resolve(scan_dir)
    for directory, paths in sorted(var_dirs.items()):
        owner = _owning_module(directory, module_dirs, top)
        root = by_dir.get(owner) if owner else None
        if root is None:
            continue
        declared = set(tree.module(root.dir).variables)
        kept = [
            p
            for p in sorted(paths)
            if (directory == root.dir and is_auto_loaded(p))
            or not is_backend_config(p, root.dir, declared, tree)
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


def is_backend_config(path: Path, root_dir: Path, declared: set[str], tree: SourceTree) -> bool:
    """A -backend-config file: in a backend folder, or setting only backend keys the root does
    not declare as variables."""
    try:
        folders = path.parent.relative_to(root_dir).parts
    except ValueError:
        folders = ()
    if any(folder.lower() in BACKEND_FOLDERS for folder in folders):
        return True
    parsed = tree.parse(path)
    if parsed is None or not parsed.body.attributes:
        return False
    names = set(parsed.body.attributes)
    return not names & declared and names <= BACKEND_KEYS


def _owning_module(directory: Path, module_dirs: set[Path], top: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if candidate in module_dirs:
            return candidate
        if candidate == top:
            return None
    return None
