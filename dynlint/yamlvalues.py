"""``yamldecode``: YAML text to a Terraform value, with the YAML 1.2 core schema Terraform uses.

PyYAML resolves plain scalars by YAML 1.1 rules (``yes`` is true, ``010`` is octal 8); Terraform
follows YAML 1.2's core schema, where ``yes`` is a string and ``0o10`` is octal. The loader here
keeps PyYAML's parser and replaces its scalar resolution with the core schema's.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from dynlint.values import EvaluationError, normalize_number


class _CoreLoader(yaml.SafeLoader):
    """A safe loader whose plain scalars resolve as YAML 1.2 core schema scalars."""


_CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
)
for _tag, _pattern, _first in _RESOLVERS:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(("inf", "nan")):
        raise EvaluationError(f"yamldecode: {text} is not a number Terraform can hold")
    return normalize_number(float(text))


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


_CoreLoader.add_constructor("tag:yaml.org,2002:int", _int)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _float)
_CoreLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def yaml_value(text: str) -> Any:
    """The value of one YAML document, as Terraform's ``yamldecode`` gives it."""
    try:
        documents = list(yaml.load_all(text, Loader=_CoreLoader))
    except yaml.YAMLError as error:
        raise EvaluationError(f"on line {_line(error)}, {_problem(error)}") from None
    if len(documents) > 1:
        raise EvaluationError("Call to function \"yamldecode\" failed: multiple YAML documents")
    value = documents[0] if documents else None
    _check(value)
    return value


def _check(value: Any) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise EvaluationError("yamldecode: not a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EvaluationError(f"yamldecode: map keys must be strings, not {key!r}")
            _check(item)
    elif isinstance(value, list):
        for item in value:
            _check(item)


def _line(error: yaml.YAMLError) -> int:
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else 1


def _problem(error: yaml.YAMLError) -> str:
    return str(getattr(error, "problem", None) or error)
