"""Terraform values as dynlint holds them while evaluating.

A Terraform value is one of: ``None`` (null), ``bool``, ``int``/``float`` (number), ``str``,
``list`` (tuple, list or set), ``dict`` (object or map), or :class:`Unknown`: a value that is
set but cannot be known before apply (a computed attribute, a data source, a variable that has
no value). ``None`` means "not set"; ``Unknown`` means "set, value not known". Rules rely on the
difference, so nothing in dynlint ever turns one into the other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


class Unknown:
    """A value that is set but not known until apply.

    ``reason`` says where it came from (``aws_kms_key.k.arn``, ``data.aws_region.current``,
    ``var.kms_key_arn has no value``) so that a report can explain it.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: str = "") -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown)

    def __hash__(self) -> int:
        return hash(Unknown)


class SetValue(list):
    """A Terraform set: a list whose elements are their own keys when iterated.

    ``for k, v in s`` and a dynamic block's ``each.key`` over a set give the element, not an
    index, as Terraform does.
    """

    __slots__ = ()


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def first_unknown(values: Iterable[Any]) -> Unknown | None:
    """The first unknown among ``values`` (not looking inside collections), if any."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is unknown or holds an unknown anywhere inside it."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def normalize_number(value: int | float) -> int | float:
    """Terraform has one number type; show integral numbers as integers (``5`` not ``5.0``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        # A negative zero stays a float: Terraform keeps its sign (tostring(-0) is "-0").
        return value if value == 0 and math.copysign(1.0, value) < 0 else int(value)
    return value


def type_name(value: Any) -> str:
    """The Terraform type name of a value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, Unknown):
        return "unknown"
    return type(value).__name__


def to_plain(value: Any) -> Any:
    """The JSON form of a value: unknowns become null (their paths are listed apart)."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def unknown_paths(value: Any, prefix: str = "") -> list[str]:
    """Dotted paths (``server_side_encryption.0.kms_key_arn``) of every unknown in ``value``."""
    if isinstance(value, Unknown):
        return [prefix] if prefix else [""]
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(unknown_paths(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unknown_paths(item, f"{prefix}.{index}" if prefix else str(index)))
    return found


class EvaluationError(Exception):
    """A Terraform expression that Terraform itself would reject (bad call, wrong type)."""
