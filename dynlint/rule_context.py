"""What a rule's CEL condition sees, and the few helper functions dynlint registers for it.

Names a condition can use:

- ``table``: the table's values, shaped like the plan's (every argument present, ``null`` when
  not set; nested blocks as lists, ``[]`` when absent). For a rule on another resource type, the
  table that resource belongs to (reading it is an error when it belongs to none).
- ``resource``: the checked resource's own values (the table itself for table rules).
- ``meta``: ``address``, ``name`` (the resource's ``name`` when known, else its address),
  ``unknown`` (the dotted paths of values that are set but unknown until apply: a rule may
  ask whether a value is set without reading it), ``type``, ``root``, ``var_file``,
  ``tag_keys`` (the keys of ``tags``, known even where some values are not; absent when the
  map itself is unknown), ``environment`` and ``production``
  (both absent when the environment is unknown), ``lifecycle`` (``ignore_changes``: a list of
  attribute names, or ``["all"]``; ``prevent_destroy``; absent, with ``lifecycle_known``
  false, for a plan JSON, which does not record lifecycle settings).
- ``related``: ``autoscaling`` (the table's autoscaling targets, each with its ``policies`` and
  the ``index`` it scales, ``null`` for the table), ``consumers`` (stream readers),
  ``kms_keys`` (the ``aws_kms_key`` resources whose ARN the table or a replica uses, each with
  ``used_by``: the attribute path), ``replicas`` (``aws_dynamodb_table_replica`` resources).
- ``config``: ``required_tags``.
- ``item`` and ``index`` inside a check with ``for_each``.

A value that is unknown until apply is left out of these maps, so reading it is a CEL error; an
error makes the condition silent unless its known parts decide it (``x || true`` is true).
A map or list that holds an unknown entry is left out whole, so that ``"Owner" in table.tags``
can never be false only because the value of ``Owner`` is unknown.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import sys
import types
from typing import Any

# The cel package imports its interactive command line (typer, prompt_toolkit: over 0.1 s, a
# fifth of a one-directory check) from its __init__; dynlint never uses it, so a stand-in
# module takes its place before the import.
sys.modules.setdefault("cel.cli", types.ModuleType("cel.cli"))
import cel  # noqa: E402

from dynlint.model import ResourceInstance  # noqa: E402
from dynlint.policy import Check  # noqa: E402

INT64 = 2**63
NAMES = frozenset({"table", "resource", "meta", "related", "config", "item", "index"})

# The CEL library logs every failed helper call; a failure is an ordinary silent condition here.
logging.getLogger("cel").setLevel(logging.CRITICAL)


class CelCompileError(Exception):
    def __init__(self, position: int, field: str, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.field = field


class CompiledCheck:
    """A check's CEL programs, compiled once."""

    def __init__(self, check: Check, programs: dict[str, Any]) -> None:
        self.check = check
        self.when = programs["when"]
        self.message = programs["message"]
        self.path = programs["path"]
        self.for_each = programs.get("for_each")
        self.when_each = programs.get("when_each")
        self.names = frozenset(n for p in programs.values() for n in p.variables())


def compile_check(check: Check, position: int = 0) -> CompiledCheck:
    programs: dict[str, Any] = {}
    for field_name in ("when", "message", "path", "for_each"):
        source = getattr(check, field_name)
        if source is None:
            continue
        try:
            program = cel.compile(source)
        except (ValueError, RuntimeError) as error:
            raise CelCompileError(
                position, field_name, f"CEL does not compile: {_first_line(error)}"
            ) from None
        unknown = [name for name in program.variables() if name not in NAMES and not _bound(name, source)]
        if unknown:
            raise CelCompileError(
                position,
                field_name,
                f"unknown name {unknown[0]!r}; a condition can use {', '.join(sorted(NAMES))}",
            )
        missing = [f for f in program.functions() if f.isidentifier() and f not in KNOWN_FUNCTIONS]
        if missing:
            raise CelCompileError(position, field_name, f"unknown function {missing[0]!r}")
        programs[field_name] = program
    if check.for_each is not None and "index" not in programs["when"].variables():
        # One evaluation over the whole list; per element only where it errors (see engine).
        programs["when_each"] = cel.compile(f"({check.for_each}).map(item, ({check.when}))")
    return CompiledCheck(check, programs)


def _bound(name: str, source: str) -> bool:
    """A comprehension variable (the ``g`` in ``x.exists(g, ...)``) is not a free name."""
    return f"({name}," in source.replace(" ", "")


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return " ".join(text.split("\n")[:3])


# Turning the table model into CEL values ---------------------------------------------------


def known_values(resource: ResourceInstance) -> dict[str, Any]:
    """``resource.values`` with every unknown left out, as described in the module docstring."""
    values = _plain(resource.values)
    for path in sorted(resource.unknown, key=lambda p: -p.count(".")):
        _remove(values, path.split(".") if path else [])
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        return float(value)
    return value


_MISSING = object()


def _remove(values: dict[str, Any], parts: list[str]) -> None:
    """Leave out the value at ``parts``; a map or list entry takes its whole container with it.

    Objects are the top-level values and the elements of nested block lists: an unknown
    attribute of an object is left out alone. Anything else (a ``tags`` map, a list) that holds
    an unknown is left out whole, from the nearest object that holds it.
    """
    if not parts:
        values.clear()
        return
    containers: list[Any] = [values]
    kinds = ["object"]
    for part in parts[:-1]:
        child = _child(containers[-1], part)
        if isinstance(child, list):
            blocks = kinds[-1] == "object" and bool(child) and all(isinstance(i, dict) for i in child)
            kinds.append("blocks" if blocks else "list")
        elif isinstance(child, dict):
            kinds.append("object" if kinds[-1] == "blocks" else "map")
        else:
            return
        containers.append(child)
    for depth in range(len(parts) - 1, -1, -1):
        if kinds[depth] == "object":
            containers[depth].pop(parts[depth], None)
            return


def _child(container: Any, part: str) -> Any:
    if isinstance(container, dict):
        return container.get(part, _MISSING)
    if isinstance(container, list) and part.isdigit() and int(part) < len(container):
        return container[int(part)]
    return _MISSING


def meta_of(resource: ResourceInstance, production: bool | None) -> dict[str, Any]:
    name = resource.values.get("name") if not resource.is_unknown("name") else None
    meta: dict[str, Any] = {
        "address": resource.address,
        "name": name if isinstance(name, str) and name else resource.address,
        "unknown": list(resource.unknown),
        "type": resource.type,
        "root": resource.root,
        "var_file": resource.var_file,
        "lifecycle_known": resource.lifecycle_known,
    }
    if resource.lifecycle_known:
        meta["lifecycle"] = lifecycle_of(resource)
    tags = resource.values.get("tags")
    if not resource.is_unknown("tags"):
        meta["tag_keys"] = sorted(str(k) for k in tags) if isinstance(tags, dict) else []
    if resource.environment is not None and production is not None:
        meta["environment"] = resource.environment
        meta["production"] = production
    return meta


def lifecycle_of(resource: ResourceInstance) -> dict[str, Any]:
    ignore = resource.lifecycle.get("ignore_changes", [])
    prevent = resource.lifecycle.get("prevent_destroy")
    return {
        "ignore_changes": ["all"] if ignore == "all" else list(ignore),
        "prevent_destroy": prevent if isinstance(prevent, bool) else None,
    }


# Helper functions ---------------------------------------------------------------------------


def show(value: Any) -> str:
    """A value as Terraform code would write it: ``"NEW"``, ``5``, ``null``, ``true``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


def one_of(choices: list[Any]) -> str:
    """``["A", "B", "C"]`` as "`A`, `B` or `C`"."""
    names = [f"`{c}`" for c in choices]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def nearest(value: Any, choices: list[Any]) -> str:
    """' (did you mean `X`?)' for the closest choice, or '' when none is close."""
    if not isinstance(value, str):
        return ""
    options = {str(c).upper(): str(c) for c in choices}
    found = difflib.get_close_matches(value.upper(), list(options), n=1, cutoff=0.5)
    if not found:
        found = [o for o in options if o.startswith(value.upper()) or value.upper().startswith(o)][:1]
    return f" (did you mean `{options[found[0]]}`?)" if found else ""


def join(items: list[Any], separator: str) -> str:
    return separator.join(str(i) for i in items)


def flatten(items: list[Any]) -> list[Any]:
    found: list[Any] = []
    for item in items:
        if isinstance(item, list):
            found.extend(flatten(item))
        else:
            found.append(item)
    return found


def distinct(items: list[Any]) -> list[Any]:
    found: list[Any] = []
    for item in items:
        if item not in found:
            found.append(item)
    return found


def duplicates(items: list[Any]) -> list[Any]:
    """The values that occur more than once, each once, in order of first repeat."""
    seen: list[Any] = []
    repeated: list[Any] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.append(item)
    return repeated


def lower(text: str) -> str:
    return text.lower()


_DYNAMODB_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")


def dynamodb_name(text: str) -> bool:
    """A valid table or index name: 3 to 255 of a-z, A-Z, 0-9, ``_``, ``-`` and ``.``."""
    return _DYNAMODB_NAME.fullmatch(text) is not None


HELPERS: dict[str, Any] = {
    "show": show,
    "one_of": one_of,
    "nearest": nearest,
    "join": join,
    "flatten": flatten,
    "distinct": distinct,
    "duplicates": duplicates,
    "lower": lower,
    "dynamodb_name": dynamodb_name,
}
CEL_FUNCTIONS = frozenset(
    {
        "size",
        "has",
        "matches",
        "contains",
        "startsWith",
        "endsWith",
        "all",
        "exists",
        "exists_one",
        "map",
        "filter",
        "int",
        "uint",
        "double",
        "string",
        "bool",
        "bytes",
        "type",
        "dyn",
        "duration",
        "timestamp",
        "max",
        "min",
    }
)
KNOWN_FUNCTIONS = CEL_FUNCTIONS | frozenset(HELPERS)


def new_context(variables: dict[str, Any]) -> cel.Context:
    context = cel.Context(variables)
    for name, function in HELPERS.items():
        context.add_function(name, function)
    return context
