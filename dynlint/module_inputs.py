"""DL060 and DL062, checked while a module call or a root module is evaluated.

:func:`check_call_inputs` and :func:`check_root_inputs` report a value that fails its
variable's own ``validation`` block (DL060) and an argument whose variable the module never
reads (DL062), as coded diagnostics; the evaluator itself reports module calls it cannot follow
(DL061). :func:`dynlint.module_checks.module_findings` turns them into findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dynlint.model import TraceStep
from dynlint.syntax import Block, Body, Expr, GetAttr, Literal, Pos, Splat, traversal, walk
from dynlint.values import Unknown, contains_unknown

if TYPE_CHECKING:
    from dynlint.evaluator import ModuleInstance
    from dynlint.modules import ModuleSource
    from dynlint.types import TypeSpec


def check_call_inputs(child: ModuleInstance, call: Block, call_address: str) -> None:
    """DL060 and DL062 for the arguments that a module call passes to ``child``."""
    source = child.source
    reads = variables_read(source)
    for name, attribute in call.body.attributes.items():
        declaration = source.variables.get(name)
        if declaration is None:
            continue
        if name not in reads:
            child.evaluation.report(
                "warning",
                f'{call_address} sets "{name}", which the module at {source.display_dir} declares but '
                "never uses: setting it changes nothing",
                attribute.pos,
                code="DL062",
                address=call_address,
            )
        else:
            _ignored_attributes(child, name, attribute.pos, call_address)
        _validate(child, name, declaration, attribute.pos, call_address)


def _ignored_attributes(child: ModuleInstance, name: str, where: Pos, call_address: str) -> None:
    """DL062 for object attributes of ``var.NAME`` that the module never mentions.

    Only where the module calls no other module: an object passed on whole may be read there.
    """
    from dynlint.provenance import trace_input

    source = child.source
    if source.calls:
        return
    spec = child.variable_type(name)
    declared = _object_attributes(spec)
    unmentioned = declared - names_mentioned(source)
    if not unmentioned:
        return
    value = child.variable(name, None)
    for path in _set_attributes(value, spec, unmentioned, []):
        origin = trace_input(child, name, path)
        label = ".".join([name, *path])
        child.evaluation.report(
            "warning",
            f'{call_address} sets {label}, but the module at {source.display_dir} declares "{path[-1]}" '
            "and never reads it: setting it changes nothing",
            Pos(origin.file, origin.line) if origin.trace else where,
            code="DL062",
            address=call_address,
            trace=origin.trace,
        )


def _object_attributes(spec: TypeSpec) -> set[str]:
    found: set[str] = set()
    if spec.kind == "object":
        found |= set(spec.attributes)
        for inner in spec.attributes.values():
            found |= _object_attributes(inner)
    for inner in [*([spec.element] if spec.element else []), *spec.elements]:
        found |= _object_attributes(inner)
    return found


def _set_attributes(value: Any, spec: TypeSpec, wanted: set[str], path: list[str]) -> Iterable[list[str]]:
    """Paths of the object attributes in ``wanted`` that ``value`` sets to something non-null."""
    if isinstance(value, Unknown) or value is None:
        return
    if spec.kind == "object" and isinstance(value, dict):
        for attribute, inner in spec.attributes.items():
            item = value.get(attribute)
            if attribute in wanted and item is not None and not isinstance(item, Unknown):
                yield [*path, attribute]
            yield from _set_attributes(item, inner, wanted, [*path, attribute])
    elif spec.kind == "map" and spec.element and isinstance(value, dict):
        for key in sorted(value):
            yield from _set_attributes(value[key], spec.element, wanted, [*path, str(key)])
    elif spec.kind in ("list", "set") and spec.element and isinstance(value, list):
        for position, item in enumerate(value):
            yield from _set_attributes(item, spec.element, wanted, [*path, str(position)])


def check_root_inputs(root: ModuleInstance, given: dict[str, Any]) -> None:
    """DL060 for the root variables that var files and ``--var`` set."""
    for name, value in given.items():
        declaration = root.source.variables.get(name)
        origin: TraceStep = value.origin
        if declaration is not None and origin.line > 0:
            _validate(root, name, declaration, Pos(origin.file, origin.line), root.evaluation.root)


def _validate(module: ModuleInstance, name: str, declaration: Block, where: Pos, address: str) -> None:
    from dynlint.evaluator import ModuleScope, safe_evaluate

    for validation in declaration.body.blocks_of("validation"):
        condition = validation.body.attributes.get("condition")
        if condition is None:
            continue
        scope = ModuleScope(module, {}, None)
        result = safe_evaluate(condition.expr, scope, module.evaluation)
        if result is not False:
            continue
        message = _error_message(module, validation, scope)
        module.evaluation.report(
            "error",
            f"var.{name} = {_shown(module, name)} fails the validation of the module at "
            f"{module.source.display_dir}: {message}",
            where,
            code="DL060",
            address=address,
        )


def _error_message(module: ModuleInstance, validation: Block, scope: Any) -> str:
    from dynlint.evaluator import safe_evaluate

    attribute = validation.body.attributes.get("error_message")
    if attribute is None:
        return "its condition is false"
    text = safe_evaluate(attribute.expr, scope, module.evaluation)
    return text if isinstance(text, str) and not contains_unknown(text) else "its condition is false"


def _shown(module: ModuleInstance, name: str) -> str:
    import json

    value = module.variable(name, None)
    if isinstance(value, Unknown):
        return "(unknown)"
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def names_mentioned(source: ModuleSource) -> frozenset[str]:
    """Every attribute name, index key and string literal in a module's expressions."""
    return _module_names(source)[1]


def variables_read(source: ModuleSource) -> frozenset[str]:
    """The names ``var.NAME`` that a module's own files read (outside variable declarations)."""
    return _module_names(source)[0]


def _module_names(source: ModuleSource) -> tuple[frozenset[str], frozenset[str]]:
    """(variables read, names mentioned) of a module's expressions, computed once per module."""
    cached = getattr(source, "_module_names", None)
    if cached is not None:
        return cached
    variables: set[str] = set()
    names: set[str] = set()
    for parsed in source.files:
        for expr in _expressions(parsed.body, top=True):
            for node in walk(expr):
                path = traversal(node)
                if path and len(path) >= 2 and path[0] == "var":
                    variables.add(path[1])
                if isinstance(node, GetAttr):
                    names.add(node.name)
                elif isinstance(node, Literal) and isinstance(node.value, str):
                    names.add(node.value)
                elif isinstance(node, Splat):
                    names.update(step.name for step in node.steps if step.name)
    found = (frozenset(variables), frozenset(names))
    source._module_names = found  # type: ignore[attr-defined]
    return found


def _expressions(body: Body, top: bool = False) -> Iterable[Expr]:
    for attribute in body.attributes.values():
        yield attribute.expr
    for block in body.blocks:
        if top and block.type == "variable":
            continue
        yield from _expressions(block.body)


