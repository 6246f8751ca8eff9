"""Evaluating one HCL expression to a value, as Terraform does at plan time.

Names (``var``, ``local``, ``each``, resource types, for-expression variables) are resolved by a
:class:`Scope` that the module evaluator supplies; this module only knows the expression
language: operators, templates, for expressions, splats, conditionals and function calls.
Unknown values propagate; a branch that is not taken is never evaluated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from dynlint.files import FILE_FUNCTIONS
from dynlint.functions import call_function, to_bool, to_number, to_string, values_equal
from dynlint.syntax import (
    BinaryOp,
    Call,
    Conditional,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    Splat,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    UnaryOp,
    Variable,
)
from dynlint.values import (
    EvaluationError,
    SetValue,
    Unknown,
    contains_unknown,
    normalize_number,
    type_name,
)


class Scope(Protocol):
    def resolve(self, name: str, expr: Variable) -> Any:
        """The value of root name ``name`` (raises EvaluationError when it does not exist)."""
        ...

    def resolve_attribute(self, target: Expr, name: str, expr: GetAttr) -> tuple[bool, Any]:
        """A chance to resolve ``target.name`` specially (resource references); (handled, value)."""
        ...

    def note_index(self, target: Expr, key: Any) -> None:
        """Told of every ``target[key]`` so that references can be tracked per instance."""
        ...


class ChildScope:
    """A scope that adds names (for-expression variables) on top of another."""

    def __init__(self, parent: Scope, names: dict[str, Any]) -> None:
        self.parent = parent
        self.names = names

    def resolve(self, name: str, expr: Variable) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.resolve(name, expr)

    def resolve_attribute(self, target: Expr, name: str, expr: GetAttr) -> tuple[bool, Any]:
        if isinstance(target, Variable) and target.name in self.names:
            return False, None
        if isinstance(target, Index) and not isinstance(target.key, Literal):
            # The parent cannot see this scope's names: give it the index already evaluated.
            key = evaluate(target.key, self)
            if isinstance(key, Unknown):
                return False, None
            target = Index(target.target, Literal(key, target.key.pos), target.pos)
        return self.parent.resolve_attribute(target, name, expr)

    def note_index(self, target: Expr, key: Any) -> None:
        self.parent.note_index(target, key)


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The value of ``expr``; raises EvaluationError where Terraform would report an error."""
    handler = _HANDLERS.get(type(expr))
    if handler is None:
        raise EvaluationError(f"unsupported expression {type(expr).__name__}")
    return handler(expr, scope)


def _literal(expr: Literal, scope: Scope) -> Any:
    return expr.value


def _template(expr: Template, scope: Scope) -> Any:
    return _join_parts(expr.parts, scope)


def _join_parts(parts: list[Expr], scope: Scope) -> Any:
    pieces: list[str] = []
    unknown: Unknown | None = None
    for part in parts:
        value = evaluate(part, scope)
        if isinstance(value, Unknown):
            unknown = unknown or value
            continue
        if value is None:
            raise EvaluationError("Invalid template interpolation value: the value is null")
        text = to_string(value)
        if isinstance(text, Unknown):
            unknown = unknown or text
            continue
        pieces.append(text)
    if unknown is not None:
        return Unknown(unknown.reason or "a template part is unknown")
    return "".join(pieces)


def _template_if(expr: TemplateIf, scope: Scope) -> Any:
    condition = _condition_value(evaluate(expr.condition, scope))
    if isinstance(condition, Unknown):
        return condition
    return _join_parts(expr.then_parts if condition else expr.else_parts, scope)


def _template_for(expr: TemplateFor, scope: Scope) -> Any:
    collection = evaluate(expr.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    pieces: list[str] = []
    for key, value in iterate(collection):
        names = {expr.value_var: value}
        if expr.key_var:
            names[expr.key_var] = key
        text = _join_parts(expr.parts, ChildScope(scope, names))
        if isinstance(text, Unknown):
            return text
        pieces.append(text)
    return "".join(pieces)


def _tuple(expr: TupleExpr, scope: Scope) -> Any:
    return [evaluate(item, scope) for item in expr.items]


def _object(expr: ObjectExpr, scope: Scope) -> Any:
    result: dict[str, Any] = {}
    for item in expr.items:
        key = evaluate(item.key, scope)
        if isinstance(key, Unknown):
            return Unknown(key.reason or "an object key is unknown")
        if key is None:
            raise EvaluationError("Invalid object key: the key is null")
        key_text = to_string(key)
        result[key_text] = evaluate(item.value, scope)
    return result


def _variable(expr: Variable, scope: Scope) -> Any:
    return scope.resolve(expr.name, expr)


def _get_attr(expr: GetAttr, scope: Scope) -> Any:
    handled, value = scope.resolve_attribute(expr.target, expr.name, expr)
    if handled:
        return value
    return get_attribute(evaluate(expr.target, scope), expr.name)


def get_attribute(target: Any, name: str) -> Any:
    if isinstance(target, Unknown):
        return target
    if isinstance(target, dict):
        if name in target:
            return target[name]
        missing = getattr(target, "missing", None)
        if missing is not None:
            return missing(name)
        raise EvaluationError(f'Unsupported attribute: this object does not have an attribute named "{name}"')
    if target is None:
        raise EvaluationError(f'Attempt to get attribute "{name}" from a null value')
    if isinstance(target, list):
        raise EvaluationError(
            f'Unsupported attribute "{name}" on a list: use an index ([0]) or a splat ([*])'
        )
    raise EvaluationError(f'Unsupported attribute "{name}" on a {type_name(target)} value')


def _index(expr: Index, scope: Scope) -> Any:
    target = evaluate(expr.target, scope)
    key = evaluate(expr.key, scope)
    scope.note_index(expr.target, key)
    return index_value(target, key)


def index_value(target: Any, key: Any) -> Any:
    if isinstance(target, Unknown):
        return target
    if isinstance(key, Unknown):
        return Unknown(key.reason or "an index is unknown")
    if key is None:
        raise EvaluationError("Invalid index: the index is null")
    if isinstance(target, list):
        number = to_number(key)
        if not isinstance(number, int) or isinstance(number, bool):
            raise EvaluationError(f"Invalid index: a list index must be a whole number, not {key!r}")
        if not 0 <= number < len(target):
            raise EvaluationError(f"Invalid index: the list has {len(target)} elements, no index {number}")
        return target[number]
    if isinstance(target, dict):
        text = to_string(key)
        if text in target:
            return target[text]
        missing = getattr(target, "missing", None)
        if missing is not None:
            return missing(text)
        raise EvaluationError(f'Invalid index: the given key "{text}" does not exist')
    if target is None:
        raise EvaluationError("Invalid index: cannot index a null value")
    raise EvaluationError(f"Invalid index: cannot index a {type_name(target)} value")


def _splat(expr: Splat, scope: Scope) -> Any:
    chain = [expr]
    while isinstance(chain[-1].target, Splat):
        chain.append(chain[-1].target)
    # ``x[*].a[*].b``: each later splat applies to every element of the first, as in HCL.
    return _apply_splats(evaluate(chain[-1].target, scope), list(reversed(chain)), scope)


def _apply_splats(target: Any, chain: list[Splat], scope: Scope) -> Any:
    if isinstance(target, Unknown):
        return target
    if target is None:
        return []
    items = target if isinstance(target, list) else [target]
    results = []
    for item in items:
        value = _splat_steps(item, chain[0], scope)
        results.append(_apply_splats(value, chain[1:], scope) if len(chain) > 1 else value)
    return results


def _splat_steps(value: Any, splat: Splat, scope: Scope) -> Any:
    for step in splat.steps:
        if isinstance(value, Unknown):
            return value
        if step.name is not None:
            value = get_attribute(value, step.name)
        elif step.key is not None:
            value = index_value(value, evaluate(step.key, scope))
    return value


def _call(expr: Call, scope: Scope) -> Any:
    special = _SPECIAL_FUNCTIONS.get(expr.name)
    if special is not None:
        return special(expr, scope)
    args = [evaluate(arg, scope) for arg in expr.args]
    if expr.name in FILE_FUNCTIONS and not expr.expand_last:
        reader = _file_function(scope)
        if reader is not None:
            return reader(expr, args)
    return call_function(expr.name, args, expand_last=expr.expand_last)


def _file_function(scope: Scope) -> Callable[[Call, list[Any]], Any] | None:
    """The scope's reader of files (the module evaluator's), if it has one."""
    while isinstance(scope, ChildScope):
        scope = scope.parent
    return getattr(scope, "file_function", None)


def _try(expr: Call, scope: Scope) -> Any:
    if not expr.args:
        raise EvaluationError("Invalid function arguments: try needs at least one argument")
    last_error: EvaluationError | None = None
    for arg in expr.args:
        try:
            value = evaluate(arg, scope)
        except EvaluationError as error:
            last_error = error
            continue
        if contains_unknown(value):
            # Terraform's try cannot tell whether a partly unknown value will fail once known.
            return Unknown("try() of a value that is not wholly known")
        return value
    raise EvaluationError(f"no expression given to try could be evaluated: {last_error}")


def _can(expr: Call, scope: Scope) -> Any:
    if len(expr.args) != 1:
        raise EvaluationError("Invalid function arguments: can takes exactly one argument")
    try:
        value = evaluate(expr.args[0], scope)
    except EvaluationError:
        return False
    if contains_unknown(value):
        return Unknown("can() of an unknown value")
    return True


_SPECIAL_FUNCTIONS: dict[str, Callable[[Call, Scope], Any]] = {"try": _try, "can": _can}


def _conditional(expr: Conditional, scope: Scope) -> Any:
    condition = _condition_value(evaluate(expr.condition, scope))
    if isinstance(condition, Unknown):
        return Unknown(condition.reason or "the condition is unknown")
    taken, other = (expr.if_true, expr.if_false) if condition else (expr.if_false, expr.if_true)
    value = evaluate(taken, scope)
    if not _needs_unifying(value):
        return value
    try:
        other_value = evaluate(other, scope)
    except (EvaluationError, RecursionError):
        # Terraform only takes the other result's type; one it cannot evaluate has none.
        return value
    return _unify_with(value, other_value)


def _needs_unifying(value: Any) -> bool:
    return isinstance(value, (bool, int, float, list, dict)) and not isinstance(value, Unknown)


def _unify_with(value: Any, other: Any) -> Any:
    """``value`` converted to the type both results of a conditional share, as Terraform does:
    a number or bool beside a string becomes a string (``true ? 1 : "a"`` is ``"1"``)."""
    if isinstance(value, (bool, int, float)) and isinstance(other, str):
        return to_string(value)
    if isinstance(value, list) and isinstance(other, list) and not isinstance(value, SetValue):
        kinds = {type_name(v) for v in [*value, *other] if v is not None and not isinstance(v, Unknown)}
        if "string" in kinds and kinds <= {"string", "number", "bool"}:
            return [v if v is None or isinstance(v, Unknown) else to_string(v) for v in value]
    if isinstance(value, dict) and isinstance(other, dict) and value.keys() == other.keys():
        return {k: _unify_with(v, other[k]) for k, v in value.items()}
    return value


def _condition_value(value: Any) -> Any:
    if value is None:
        raise EvaluationError("Invalid condition: the condition value is null")
    return to_bool(value)


def _binary(expr: BinaryOp, scope: Scope) -> Any:
    operator = expr.operator
    if operator in ("&&", "||"):
        return _logical(operator, evaluate(expr.left, scope), evaluate(expr.right, scope))
    left = evaluate(expr.left, scope)
    right = evaluate(expr.right, scope)
    if operator == "==":
        return values_equal(left, right)
    if operator == "!=":
        equal = values_equal(left, right)
        return equal if isinstance(equal, Unknown) else not equal
    return _arithmetic(operator, left, right)


def _logical(operator: str, left: Any, right: Any) -> Any:
    left = _logical_operand(left)
    right = _logical_operand(right)
    deciding = operator == "||"
    if left is deciding or right is deciding:
        return deciding
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown("a logical operand is unknown")
    return not deciding


def _logical_operand(value: Any) -> Any:
    if value is None:
        raise EvaluationError("Invalid operand: a logical operand is null")
    return to_bool(value)


def _arithmetic(operator: str, left: Any, right: Any) -> Any:
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown("an operand is unknown")
    if left is None or right is None:
        raise EvaluationError(f"Invalid operand: the {operator} operator does not accept null")
    a, b = to_number(left), to_number(right)
    if operator in _COMPARISONS:
        return _COMPARISONS[operator](a, b)
    if operator == "+":
        return normalize_number(a + b)
    if operator == "-":
        return normalize_number(a - b)
    if operator == "*":
        return normalize_number(_signed_zero(a * b, a, b))
    if operator == "/":
        if b == 0:
            raise EvaluationError("Division by zero")
        return normalize_number(a / b)
    if operator == "%":
        if b == 0:
            raise EvaluationError("Division by zero")
        return normalize_number(_truncated_modulo(a, b))
    raise EvaluationError(f"unsupported operator {operator}")


def _truncated_modulo(a: float, b: float) -> float:
    result = abs(a) % abs(b)
    return -result if a < 0 else result


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _unary(expr: UnaryOp, scope: Scope) -> Any:
    value = evaluate(expr.operand, scope)
    if isinstance(value, Unknown):
        return value
    if value is None:
        raise EvaluationError(f"Invalid operand: the {expr.operator} operator does not accept null")
    if expr.operator == "!":
        return not to_bool(value)
    number = to_number(value)
    return normalize_number(-float(number) if number == 0 else -number)


def _signed_zero(product: int | float, a: int | float, b: int | float) -> int | float:
    """A zero product has the sign of its operands' signs, as in Terraform (0 * -1 is -0)."""
    if product == 0 and math.copysign(1.0, a) * math.copysign(1.0, b) < 0:
        return -0.0
    return product


def _for(expr: ForExpr, scope: Scope) -> Any:
    collection = evaluate(expr.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    if collection is None:
        raise EvaluationError("Iteration over null value: a for expression needs a collection")
    if not isinstance(collection, (list, dict)):
        raise EvaluationError(f"Iteration over non-iterable value of type {type_name(collection)}")
    results: list[Any] = []
    pairs: dict[str, Any] = {}
    for key, value in iterate(collection):
        names = {expr.value_var: value}
        if expr.key_var:
            names[expr.key_var] = key
        inner = ChildScope(scope, names)
        if expr.condition is not None:
            keep = _condition_value(evaluate(expr.condition, inner))
            if isinstance(keep, Unknown):
                return Unknown(keep.reason or "a for expression condition is unknown")
            if not keep:
                continue
        if expr.key_expr is None:
            results.append(evaluate(expr.value_expr, inner))
            continue
        item_key = evaluate(expr.key_expr, inner)
        if isinstance(item_key, Unknown):
            return Unknown(item_key.reason or "a for expression key is unknown")
        if item_key is None:
            raise EvaluationError("Invalid object key: a for expression produced a null key")
        item_key = to_string(item_key)
        item_value = evaluate(expr.value_expr, inner)
        if expr.grouping:
            pairs.setdefault(item_key, []).append(item_value)
        elif item_key in pairs:
            raise EvaluationError(
                f'Duplicate object key "{item_key}": add "..." after the value to group values by key'
            )
        else:
            pairs[item_key] = item_value
    return results if expr.key_expr is None else pairs


def iterate(collection: Any) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs of a list (index, element), set (element, element) or map (lexical key
    order), as Terraform."""
    if isinstance(collection, SetValue):
        for item in collection:
            yield item, item
    elif isinstance(collection, list):
        yield from enumerate(collection)
    elif isinstance(collection, dict):
        for key in sorted(collection):
            yield key, collection[key]


_HANDLERS: dict[type, Callable[[Any, Scope], Any]] = {
    Literal: _literal,
    Template: _template,
    TemplateIf: _template_if,
    TemplateFor: _template_for,
    TupleExpr: _tuple,
    ObjectExpr: _object,
    Variable: _variable,
    GetAttr: _get_attr,
    Index: _index,
    Splat: _splat,
    Call: _call,
    Conditional: _conditional,
    BinaryOp: _binary,
    UnaryOp: _unary,
    ForExpr: _for,
}
