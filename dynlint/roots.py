"""Evaluating the scanned paths: every root module, once per environment variant.

Directories are split into root modules (``discover``), each root is evaluated once per
environment variant (``evaluator``), and plan JSON files are read as they are (``plan``).
:func:`dynlint.scan.scan` calls this when its cache cannot answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dynlint import observe
from dynlint.cache import ParseCache
from dynlint.discover import CachedModuleFacts, ModuleFacts, Root, Variant, discover, is_auto_loaded
from dynlint.environments import ENVIRONMENT_VARIABLES, EnvironmentResolver
from dynlint.evaluator import (
    Evaluation,
    GivenValue,
    ModuleInstance,
    collect_resources,
    safe_evaluate,
)
from dynlint.inputs import tree_top
from dynlint.model import Diagnostic, Inventory, ResourceInstance, TraceStep, merge_diagnostics
from dynlint.module_inputs import check_root_inputs
from dynlint.modules import SourceTree, is_configuration_file
from dynlint.parser import ParseError, parse_expression
from dynlint.scan import ScanOptions, UsageError
from dynlint.syntax import Pos
from dynlint.types import convert
from dynlint.values import EvaluationError


def evaluate_paths(paths: list[Path], options: ScanOptions, cwd: Path) -> Inventory:
    """Evaluate every DynamoDB-related resource that ``paths`` define."""
    cache = ParseCache() if options.cache else None
    tree = SourceTree(cwd, [tree_top(observe.resolve(p)) for p in paths], cache)
    inventory = Inventory()
    seen_roots: set[Path] = set()
    for path in paths:
        resolved = observe.resolve(path)
        if observe.is_file(resolved) and resolved.suffix == ".json" and _is_plan(resolved):
            _scan_plan(resolved, tree, options, inventory)
        elif observe.is_dir(resolved):
            _scan_directory(resolved, tree, options, inventory, seen_roots)
        else:
            _scan_files(resolved, tree, options, inventory, seen_roots)
    inventory.diagnostics = merge_diagnostics(tree.diagnostics + inventory.diagnostics)
    inventory.resources.sort(key=lambda r: (r.root, r.var_file or "", r.file, r.line, r.address))
    return inventory


def _is_plan(path: Path) -> bool:
    from dynlint.plan import looks_like_plan  # the plan reader only where a JSON file is named

    return looks_like_plan(path)


def _scan_plan(path: Path, tree: SourceTree, options: ScanOptions, inventory: Inventory) -> None:
    display = tree.display(path)
    from dynlint.plan import load_plan

    result = load_plan(path, display, tree.display(path.parent))
    inventory.files += 1
    inventory.diagnostics.extend(result.diagnostics)
    resolver = EnvironmentResolver(options.environments, options.env, None, [])
    root_values = [result.variables.get(n) for n in ENVIRONMENT_VARIABLES]
    for resource in result.resources:
        env, source = resolver([v for v in root_values if v is not None], resource.values.get("tags"))
        resource.environment, resource.environment_source = env, source
        inventory.resources.append(resource)


def _scan_files(
    path: Path, tree: SourceTree, options: ScanOptions, inventory: Inventory, seen: set[Path]
) -> None:
    """A single .tf file: its directory is evaluated, and only the resources it defines kept."""
    if not is_configuration_file(path):
        raise UsageError(f"{tree.display(path)}: not a .tf, .tf.json or plan JSON file")
    _scan_directory(path.parent, tree, options, inventory, seen, only_file=tree.display(path))


def _scan_directory(
    directory: Path,
    tree: SourceTree,
    options: ScanOptions,
    inventory: Inventory,
    seen: set[Path],
    only_file: str | None = None,
) -> None:
    top = tree_top(directory)
    found = discover(directory, tree, _selection_facts(tree, options))
    inventory.files += found.configuration_files
    for root in found.roots:
        if root.dir in seen or (options.only_roots is not None and root.dir not in options.only_roots):
            continue
        seen.add(root.dir)
        for resource in _kept_root(root, top, directory, tree, options, inventory):
            if only_file is None or resource.file == only_file:
                inventory.resources.append(resource)


def _selection_facts(tree: SourceTree, options: ScanOptions) -> ModuleFacts | None:
    """With a selection of roots (--changed-files), discovery reads only what it needs, through
    a tree of its own: the files of roots not selected are neither parsed nor reported on.
    With the cache on, what discovery needs of a directory is kept per directory."""
    if options.only_roots is None:
        return CachedModuleFacts(tree) if tree.cache is not None else None
    own = SourceTree(tree.cwd, tree.tops, tree.cache)
    return CachedModuleFacts(own) if tree.cache is not None else ModuleFacts(own)


def _evaluate_root(
    root: Root, top: Path, scan_dir: Path, tree: SourceTree, options: ScanOptions, inventory: Inventory
) -> list[ResourceInstance]:
    source = tree.module(root.dir)
    resources: list[ResourceInstance] = []
    for variant in _variants(root, tree, options, set(source.variables)) or [None]:
        evaluation = _evaluation(root, top, scan_dir, tree, options, variant)
        module = ModuleInstance(evaluation, source, "", (), {}, None, ())
        _given_values(evaluation, root, variant, options, source.variables, module)
        check_root_inputs(module, evaluation.given)
        found = collect_resources(module)
        rejected = sorted(d for d in evaluation.modules_used if tree.rejected(d))
        if rejected or evaluation.errors:
            # Terraform refuses this root: an evaluation of it would be a guess.
            inventory.diagnostics.append(_not_evaluated(evaluation, rejected, tree))
            inventory.diagnostics.extend(d for d in evaluation.diagnostics if d in evaluation.errors)
            return []
        inventory.diagnostics.extend(evaluation.diagnostics)
        inventory.module_calls.extend(evaluation.module_calls)
        resources.extend(found)
    return resources


def _kept_root(
    root: Root, top: Path, scan_dir: Path, tree: SourceTree, options: ScanOptions, inventory: Inventory
) -> list[ResourceInstance]:
    """:func:`_evaluate_root`, kept in the answers cache while everything it looked at is
    unchanged: after an edit, a scan evaluates only the roots that reach the edited files.

    What the root's files say about themselves (a parse error, a duplicate block) is kept with
    it, whichever root happened to read the file first in the run that kept it."""
    if tree.cache is None:
        return _evaluate_root(root, top, scan_dir, tree, options, inventory)
    from dynlint.memo import Memo, decode_inventory, encode_inventory

    memo = Memo("root", _root_request(root, top, scan_dir, tree, options))
    kept = memo.get(lambda data: (decode_inventory(data["part"]), decode_inventory(data["files"])))
    if kept is not None:
        part, files = kept
        tree.diagnostics.extend(files.diagnostics)
    else:
        part = Inventory()
        with observe.recording() as recorder:
            part.resources = _evaluate_root(root, top, scan_dir, tree, options, part)
        looked_at = {tree.display(Path(path)) for kind, path in recorder.looks if kind == "file"}
        files = Inventory(diagnostics=[d for d in tree.diagnostics if d.file in looked_at])
        memo.put(recorder, {"part": encode_inventory(part), "files": encode_inventory(files)})
    inventory.diagnostics.extend(part.diagnostics)
    inventory.module_calls.extend(part.module_calls)
    return part.resources


def _root_request(
    root: Root, top: Path, scan_dir: Path, tree: SourceTree, options: ScanOptions
) -> dict[str, Any]:
    return {
        "root": str(root.dir),
        "auto_var_files": [str(p) for p in root.auto_var_files],
        "variants": [
            [[str(p) for p in v.files], isinstance(v.label, Path), str(v.label)] for v in root.variants
        ],
        "top": str(top),
        "scan_dir": str(observe.resolve(scan_dir)),
        "cwd": str(tree.cwd),
        "tops": None if tree.tops is None else [str(t) for t in tree.tops],
        "var_files": [[str(p), str(observe.resolve(p))] for p in options.var_files],
        "variables": [list(v) for v in options.variables],
        "env": options.env,
        "environments": list(options.environments),
    }


def _not_evaluated(evaluation: Evaluation, rejected: list[Path], tree: SourceTree) -> Diagnostic:
    modules = ", ".join(tree.display(d) for d in rejected) or evaluation.root
    return Diagnostic(
        severity="note",
        message=f"the root module {evaluation.root} was not evaluated: Terraform rejects the "
        f"configuration of {modules} (see the errors)",
        root=evaluation.root,
        var_file=evaluation.var_file,
    )


def _variants(root: Root, tree: SourceTree, options: ScanOptions, declared: set[str]) -> list[Variant]:
    """The root's own variants, or the command line's files and values when it declares one
    of the variables they set (a --var-file over a monorepo is not meant for every root)."""
    if not (options.var_files or options.variables):
        return root.variants
    names = {name for name, _ in options.variables}
    for path in options.var_files:
        parsed = tree.parse(path)
        names.update(parsed.body.attributes if parsed is not None else ())
    if not names & declared:
        return root.variants
    label: Path | str = options.var_files[-1] if options.var_files else ""
    return [Variant(list(options.var_files), label)]


def _evaluation(
    root: Root, top: Path, scan_dir: Path, tree: SourceTree, options: ScanOptions, variant: Variant | None
) -> Evaluation:
    root_display = tree.display(root.dir)
    var_file = _variant_label(variant, tree)
    var_files = [tree.display(p) for p in variant.files] if variant else []
    try:
        relative_root = root.dir.relative_to(observe.resolve(scan_dir)).parts
    except ValueError:
        relative_root = ()
    folders = [p for p in (observe.resolve(scan_dir).name, *relative_root) if p]
    resolver = EnvironmentResolver(
        options.environments, options.env, [*reversed(var_files), *([var_file] if var_file else [])], folders
    )
    return Evaluation(
        tree=tree,
        top=top,
        root_dir=root.dir,
        root=root_display,
        var_file=var_file,
        var_files=var_files,
        given={},
        environment_resolver=resolver,
    )


def _variant_label(variant: Variant | None, tree: SourceTree) -> str | None:
    if variant is None or variant.label == "":
        return None
    if isinstance(variant.label, Path) and observe.is_dir(variant.label):
        return tree.display(variant.label) + "/"
    return tree.display(Path(variant.label))


def _given_values(
    evaluation: Evaluation,
    root: Root,
    variant: Variant | None,
    options: ScanOptions,
    declared: dict[str, Any],
    module: ModuleInstance,
) -> None:
    """Root variable values, in Terraform's order: auto-loaded files, the variant's files in
    order (later ones win), then --var."""
    for path in [*root.auto_var_files, *(variant.files if variant else [])]:
        _load_var_file(evaluation, path, declared, module, anywhere=path in options.var_files)
    command_line = variant is not None and variant.files == list(options.var_files)
    for name, raw in options.variables if command_line or not root.variants else []:
        if name not in declared:
            continue
        evaluation.given[name] = GivenValue(
            _cli_value(name, raw, module, evaluation),
            TraceStep(file="--var", line=0, note=f"set by --var {name}=..."),
        )


def _load_var_file(
    evaluation: Evaluation, path: Path, declared: dict[str, Any], module: ModuleInstance, anywhere: bool
) -> None:
    """Load one var file; ``anywhere``: named on the command line, so read wherever it is."""
    parsed = evaluation.tree.parse(path, anywhere=anywhere)
    if parsed is None:
        return
    display = evaluation.tree.display(path)
    kind = "auto-loaded var file" if is_auto_loaded(path) else "var file"
    for name, attribute in parsed.body.attributes.items():
        if name not in declared:
            evaluation.report(
                "warning",
                f'{display} sets "{name}", which the root module does not declare',
                attribute.pos,
                code="DL061",
            )
            continue
        value = safe_evaluate(attribute.expr, _NoNames(), evaluation)
        evaluation.given[name] = GivenValue(
            value, TraceStep(file=display, line=attribute.pos.line, note=f"set in {kind} {display}")
        )


def _cli_value(name: str, raw: str, module: ModuleInstance, evaluation: Evaluation) -> Any:
    spec = module.variable_type(name)
    if spec.kind in ("string", "any") and not raw.lstrip().startswith(("[", "{")):
        return raw
    try:
        expr = parse_expression(raw, Pos("--var", 0, 1))
    except ParseError:
        return raw
    value = safe_evaluate(expr, _NoNames(), evaluation)
    try:
        return convert(value, spec)
    except EvaluationError:
        return value


class _NoNames:
    """Var files and --var values are constants: they may not refer to anything."""

    def resolve(self, name: str, expr: Any) -> Any:
        raise EvaluationError(f'Variables not allowed here: "{name}" (a var file holds constant values)')

    def resolve_attribute(self, target: Any, name: str, expr: Any) -> tuple[bool, Any]:
        return False, None

    def note_index(self, target: Any, key: Any) -> None:
        return None
