"""``yamldecode``: YAML text to a Terraform value, resolving plain scalars as Terraform does.

Terraform's YAML (cty's yaml package) mixes the YAML versions, as ``terraform console`` shows:
``yes``/``no``/``on``/``off``/``y``/``n`` are booleans (1.1), ``010`` is decimal ten and ``0o10``
octal eight (1.2), ``1_000`` and ``0b101`` stay strings, a timestamp becomes an RFC 3339 string,
and map keys become strings (``n:`` is the key ``"false"``). The loader keeps PyYAML's parser and
replaces its scalar resolution with that.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from dynlint.values import EvaluationError, normalize_number


class _CoreLoader(yaml.SafeLoader):
    """A safe loader whose plain scalars resolve as YAML 1.2 core schema scalars."""


_CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    (
        "tag:yaml.org,2002:bool",
        r"^(?:y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON|n|N|no|No|NO|false|False|FALSE|off|Off|OFF)$",
        list("yYtTnNfFoO"),
    ),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
)
# The timestamp forms go-yaml accepts; any other spelling stays a string.
_TIMESTAMP = (
    r"^(?P<date>[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
    r"(?:(?:[Tt](?P<time>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})(?:\.[0-9]+)?(?P<zone>Z|[-+][0-9]{2}:[0-9]{2}))"
    r"|(?: (?P<naive>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2})(?:\.[0-9]+)?))?$"
)
_RESOLVERS = (*_RESOLVERS, ("tag:yaml.org,2002:timestamp", _TIMESTAMP, list("0123456789")))
for _tag, _pattern, _first in _RESOLVERS:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    number = int(text)
    return -0.0 if number == 0 and text.startswith("-") else number


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(("inf", "nan")):
        raise EvaluationError(f"yamldecode: {text} is not a number Terraform can hold")
    return normalize_number(float(text))


_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})


def _bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    return str(loader.construct_scalar(node)) in _TRUE


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    """RFC 3339 without fractions, as Terraform formats a YAML timestamp."""
    match = re.match(_TIMESTAMP, str(loader.construct_scalar(node)))
    assert match is not None
    year, month, day = (int(part) for part in match["date"].split("-"))
    clock = match["time"] or match["naive"] or "0:0:0"
    hour, minute, second = (int(part) for part in clock.split(":"))
    zone = match["zone"] or "Z"
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{zone}"


_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _int)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _float)


def yaml_value(text: str) -> Any:
    """The value of one YAML document, as Terraform's ``yamldecode`` gives it."""
    try:
        documents = list(yaml.load_all(text, Loader=_CoreLoader))
    except yaml.YAMLError as error:
        raise EvaluationError(f"on line {_line(error)}, {_problem(error)}") from None
    if len(documents) > 1:
        raise EvaluationError("Call to function \"yamldecode\" failed: multiple YAML documents")
    return _terraform_value(documents[0] if documents else None)


def _terraform_value(value: Any) -> Any:
    """Map keys as strings (``true`` for a boolean key, as Terraform converts it)."""
    if isinstance(value, dict):
        return {_key_text(key): _terraform_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_terraform_value(item) for item in value]
    return value


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        raise EvaluationError("yamldecode: a map key is null")
    if isinstance(key, (list, dict)):
        raise EvaluationError("yamldecode: a map key must be a string")
    return str(key)


def _line(error: yaml.YAMLError) -> int:
    mark = getattr(error, "problem_mark", None)
    return mark.line + 1 if mark is not None else 1


def _problem(error: yaml.YAMLError) -> str:
    return str(getattr(error, "problem", None) or error)
