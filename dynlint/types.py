"""Variable type constraints (``type = map(object({ x = optional(bool, false) }))``).

Terraform converts every value given to a variable into its declared type: strings become
numbers, object attributes that the type does not name are dropped, and ``optional``
attributes that are missing take their default. Rules see values after that conversion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynlint.functions import to_bool, to_number, to_string
from dynlint.syntax import Call, Expr, Literal, ObjectExpr, Variable
from dynlint.values import EvaluationError, SetValue, Unknown, type_name

_PRIMITIVES = {"string": to_string, "number": to_number, "bool": to_bool}


@dataclass
class TypeSpec:
    kind: str  # any, string, number, bool, list, set, map, tuple, object
    element: TypeSpec | None = None
    elements: list[TypeSpec] = field(default_factory=list)
    attributes: dict[str, TypeSpec] = field(default_factory=dict)
    optional: dict[str, Any] = field(default_factory=dict)  # name -> default (None when none)


ANY = TypeSpec("any")


def parse_type(expr: Expr | None, evaluate_default: Any = None) -> TypeSpec:
    """A type expression as a TypeSpec; anything unrecognised is ``any`` (no conversion)."""
    if expr is None:
        return ANY
    if isinstance(expr, Variable):
        return TypeSpec(expr.name) if expr.name in (*_PRIMITIVES, "any") else ANY
    if isinstance(expr, Literal) and isinstance(expr.value, str) and expr.value in _PRIMITIVES:
        return TypeSpec(expr.value)
    if not isinstance(expr, Call) or not expr.args:
        return ANY
    if expr.name in ("list", "set", "map") and len(expr.args) == 1:
        return TypeSpec(expr.name, element=parse_type(expr.args[0], evaluate_default))
    if expr.name == "tuple" and hasattr(expr.args[0], "items"):
        return TypeSpec("tuple", elements=[parse_type(e, evaluate_default) for e in expr.args[0].items])
    if expr.name == "object" and isinstance(expr.args[0], ObjectExpr):
        return _object_type(expr.args[0], evaluate_default)
    return ANY


def _object_type(expr: ObjectExpr, evaluate_default: Any) -> TypeSpec:
    spec = TypeSpec("object")
    for item in expr.items:
        name = item.key.value if isinstance(item.key, Literal) else None
        if not isinstance(name, str):
            continue
        value = item.value
        if isinstance(value, Call) and value.name == "optional" and value.args:
            spec.attributes[name] = parse_type(value.args[0], evaluate_default)
            default = None
            if len(value.args) > 1 and evaluate_default is not None:
                default = evaluate_default(value.args[1])
            spec.optional[name] = default
        else:
            spec.attributes[name] = parse_type(value, evaluate_default)
    return spec


def convert(value: Any, spec: TypeSpec) -> Any:
    """``value`` converted to ``spec`` as Terraform converts variable values."""
    if value is None or isinstance(value, Unknown) or spec.kind == "any":
        return value
    if spec.kind in _PRIMITIVES:
        if isinstance(value, (list, dict)):
            raise EvaluationError(f"Invalid value: a {spec.kind} is required, not {type_name(value)}")
        return _PRIMITIVES[spec.kind](value)
    if spec.kind in ("list", "set", "tuple"):
        return _convert_sequence(value, spec)
    if not isinstance(value, dict):
        raise EvaluationError(f"Invalid value: a {spec.kind} is required, not {type_name(value)}")
    if spec.kind == "map":
        return _unify({k: convert(v, spec.element or ANY) for k, v in value.items()}, spec.element)
    return _convert_object(value, spec)


def _convert_sequence(value: Any, spec: TypeSpec) -> Any:
    if not isinstance(value, list):
        raise EvaluationError(f"Invalid value: a {spec.kind} is required, not {type_name(value)}")
    if spec.kind == "tuple":
        return [convert(v, t) for v, t in zip(value, spec.elements, strict=False)]
    converted = [convert(v, spec.element or ANY) for v in value]
    if spec.kind == "set" and not any(isinstance(v, Unknown) for v in converted):
        unique: list[Any] = []
        for item in converted:
            if item not in unique:
                unique.append(item)
        unique = _unify(unique, spec.element)
        if all(isinstance(v, str) for v in unique) or all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in unique
        ):
            unique.sort()
        return SetValue(unique)
    return _unify(converted, spec.element)


def _unify(collection: Any, element: TypeSpec | None) -> Any:
    """``map(any)``/``list(any)``/``set(any)``: the elements converted to one common type, as
    Terraform unifies them (a number beside a string becomes a string, also inside nested
    objects and lists); elements with no common type are an error."""
    if element is not None and element.kind != "any":
        return collection
    if isinstance(collection, dict):
        return dict(zip(collection, unify_values(list(collection.values())), strict=True))
    unified = unify_values(list(collection))
    return SetValue(unified) if isinstance(collection, SetValue) else unified


def unify_values(values: list[Any]) -> list[Any]:
    known = [v for v in values if v is not None and not isinstance(v, Unknown)]
    kinds = {type_name(v) for v in known}
    if len(kinds) > 1:
        if kinds <= {"string", "number", "bool"} and "string" in kinds:
            return [_as_string(v) for v in values]
        if kinds & {"string", "number", "bool"}:
            # A number and a bool, or a primitive and a collection, have no common type.
            raise EvaluationError("Invalid value: all elements must have the same type")
        return values
    if kinds == {"object"} and len({frozenset(v) for v in known}) == 1:
        return _unify_columns(values, sorted(known[0]))
    if kinds == {"list"} and not any(isinstance(v, SetValue) for v in known):
        return _unify_nested_lists(values)
    return values


def _unify_columns(values: list[Any], keys: list[str]) -> list[Any]:
    """Objects with the same attributes: each attribute unified across them."""
    rows = [v for v in values if isinstance(v, dict)]
    columns = {key: unify_values([row[key] for row in rows]) for key in keys}
    result, index = [], 0
    for value in values:
        if isinstance(value, dict):
            result.append({key: columns[key][index] for key in value})
            index += 1
        else:
            result.append(value)
    return result


def _unify_nested_lists(values: list[Any]) -> list[Any]:
    """Lists whose elements are unified all together (``[[1], ["a"]]`` is ``[["1"], ["a"]]``)."""
    flat = unify_values([item for v in values if isinstance(v, list) for item in v])
    result, index = [], 0
    for value in values:
        if isinstance(value, list):
            result.append(flat[index : index + len(value)])
            index += len(value)
        else:
            result.append(value)
    return result


def _as_string(value: Any) -> Any:
    return value if value is None or isinstance(value, Unknown) else to_string(value)


def _convert_object(value: dict[str, Any], spec: TypeSpec) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, attribute_type in spec.attributes.items():
        if name in value and value[name] is not None:
            result[name] = convert(value[name], attribute_type)
        elif name in spec.optional:
            result[name] = convert(spec.optional[name], attribute_type)
        elif name in value:
            result[name] = None
        else:
            raise EvaluationError(f'Invalid value: attribute "{name}" is required')
    return result
