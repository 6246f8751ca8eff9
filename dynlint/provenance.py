"""Where a value came from: the line a person must change, and the hops that led there.

A resource argument written as ``var.x`` is changed where ``x`` was set: the module call's
argument, a var file line, or the variable's default. This module follows the value-passing
constructs (variables, locals, ``each.value``, dynamic block iterators, conditionals, ``lookup``,
``try``, ``coalesce``, ``merge``, object literals) from the argument back to that place, and
stops at the first expression that computes a value rather than passing one along.
"""

from __future__ import annotations

from typing import Any

from dynlint.expressions import evaluate
from dynlint.model import TraceStep, ValueOrigin
from dynlint.syntax import Attribute, Call, Conditional, Expr, Literal, ObjectExpr, Pos, traversal
from dynlint.values import EvaluationError, Unknown

_MAX_HOPS = 24


def trace_value(attribute: Attribute, scope: Any) -> ValueOrigin:
    """The origin of the value of ``attribute`` as evaluated in ``scope``."""
    steps: list[TraceStep] = []
    _trace(attribute.expr, scope, [], steps)
    if not steps:
        return ValueOrigin(file=attribute.pos.file, line=attribute.pos.line, column=attribute.pos.column)
    last = steps[-1]
    return ValueOrigin(file=last.file, line=last.line, column=last.column, trace=steps)


def trace_input(module: Any, name: str, path: list[str]) -> ValueOrigin:
    """The origin of ``var.NAME`` (at ``path`` inside it) of ``module``, as its caller set it."""
    steps: list[TraceStep] = []
    _trace_variable(module, name, list(path), steps)
    if not steps:
        block = module.source.variables[name]
        return ValueOrigin(file=block.pos.file, line=block.pos.line)
    last = steps[-1]
    return ValueOrigin(file=last.file, line=last.line, trace=steps)


def _step(pos: Pos, note: str) -> TraceStep:
    return TraceStep(file=pos.file, line=pos.line, column=pos.column, note=note)


def _trace(expr: Expr, scope: Any, path: list[str], steps: list[TraceStep]) -> None:
    if len(steps) >= _MAX_HOPS:
        return
    if isinstance(expr, Conditional):
        _trace_conditional(expr, scope, path, steps)
    elif isinstance(expr, Call):
        _trace_call(expr, scope, path, steps)
    elif isinstance(expr, ObjectExpr) and path:
        _trace_object(expr, scope, path, steps)
    else:
        names = traversal(expr)
        if names:
            _trace_reference(expr, names, scope, path, steps)


def _trace_reference(
    expr: Expr, names: list[str], scope: Any, path: list[str], steps: list[TraceStep]
) -> None:
    root, rest = names[0], [*names[1:], *path]
    module = getattr(scope, "module", None)
    if module is None or not rest:
        return
    if root == "var":
        _trace_variable(module, rest[0], rest[1:], steps)
    elif root == "local" and rest[0] in module.source.locals:
        attribute = module.source.locals[rest[0]]
        steps.append(_step(attribute.pos, f"local.{rest[0]}"))
        _trace(attribute.expr, scope.plain(), rest[1:], steps)
    elif root in getattr(scope, "iterators", {}) and rest[0] == "value":
        collection, key, outer = scope.iterators[root]
        _trace(collection, outer, [str(key), *rest[1:]], steps)


def _trace_variable(module: Any, name: str, path: list[str], steps: list[TraceStep]) -> None:
    block = module.source.variables.get(name)
    if block is None:
        return
    label = ".".join([name, *path])
    if module.caller_scope is not None and name in module.inputs:
        argument = module.inputs[name]
        steps.append(_step(argument.pos, f"{label}: set by the call of {module.address}"))
        _trace(argument.expr, module.caller_scope, path, steps)
        return
    given = module.evaluation.given.get(name) if module.caller_scope is None else None
    if given is not None:
        steps.append(
            TraceStep(file=given.origin.file, line=given.origin.line, note=f"{label}: {given.origin.note}")
        )
        return
    default = block.body.attributes.get("default")
    if default is not None:
        steps.append(_step(default.pos, f"var.{label}: the variable's default"))
        _trace(default.expr, None, path, steps)
    else:
        steps.append(_step(block.pos, f"var.{name} has no value"))


def _trace_conditional(expr: Conditional, scope: Any, path: list[str], steps: list[TraceStep]) -> None:
    condition = _value(expr.condition, scope)
    if isinstance(condition, bool):
        _trace(expr.if_true if condition else expr.if_false, scope, path, steps)


def _trace_call(expr: Call, scope: Any, path: list[str], steps: list[TraceStep]) -> None:
    args = expr.args
    if expr.name == "lookup" and len(args) >= 2:
        table, key = _value(args[0], scope), _value(args[1], scope)
        if isinstance(table, dict) and isinstance(key, str) and key in table:
            _trace(args[0], scope, [key, *path], steps)
        elif len(args) == 3 and isinstance(key, str):
            default = _value(args[2], scope)
            steps.append(_step(expr.pos, f"{key} omitted; default {_show(default)}"))
            _trace(args[2], scope, path, steps)
    elif expr.name in ("try", "coalesce"):
        chosen = _first_usable(expr.name, args, scope)
        if chosen is not None:
            _trace(chosen, scope, path, steps)
    elif expr.name == "merge" and path:
        for arg in reversed(args):
            value = _value(arg, scope)
            if isinstance(value, dict) and path[0] in value:
                _trace(arg, scope, path, steps)
                return


def _first_usable(name: str, args: list[Expr], scope: Any) -> Expr | None:
    for arg in args:
        value = _value(arg, scope, raise_errors=True)
        if value is _FAILED:
            continue
        if name == "coalesce" and value in (None, ""):
            continue
        return arg
    return None


def _trace_object(expr: ObjectExpr, scope: Any, path: list[str], steps: list[TraceStep]) -> None:
    for item in expr.items:
        if isinstance(item.key, Literal) and str(item.key.value) == path[0]:
            steps.append(_step(item.pos, f"{path[0]} set here"))
            _trace(item.value, scope, path[1:], steps)
            return
    steps.append(_step(expr.pos, f"{path[0]} omitted here"))


_FAILED = object()


def _value(expr: Expr, scope: Any, raise_errors: bool = False) -> Any:
    if scope is None:
        if isinstance(expr, Literal):
            return expr.value
        return _FAILED if raise_errors else None
    try:
        value = evaluate(expr, scope)
    except (EvaluationError, RecursionError):
        return _FAILED if raise_errors else None
    return None if isinstance(value, Unknown) and not raise_errors else value


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
