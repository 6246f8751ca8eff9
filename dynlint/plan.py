"""Reading a Terraform plan JSON (``terraform show -json plan.out``) into the table model.

A plan already holds evaluated values, so nothing is evaluated here: resources come from
``planned_values`` (or ``values``, for ``terraform show -json`` of a state), unknown values from
``resource_changes[].change.after_unknown``, and references between resources from the
``configuration`` section. Addresses are the plan's own.
"""

from __future__ import annotations

import codecs
import copy
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from dynlint import observe
from dynlint.inputs import MAX_JSON_BYTES, InputFileError, load_json, read_bytes
from dynlint.model import MODELLED_TYPES, Diagnostic, ResourceInstance, Severity

SNIFF_BYTES = 8192
PLAN_KEYS = ("planned_values", "values", "resource_changes")
SUPPORTED_FORMAT_MAJORS = frozenset({"0", "1"})

# The arguments through which a related resource names the table it belongs to.
REFERENCE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "aws_appautoscaling_target": ("resource_id",),
    "aws_appautoscaling_policy": ("resource_id",),
    "aws_lambda_event_source_mapping": ("event_source_arn",),
    "aws_pipes_pipe": ("source",),
}

# Reference roots that name something other than a resource.
NON_RESOURCE_ROOTS = frozenset(
    {"var", "local", "each", "count", "path", "terraform", "module", "self", "ephemeral"}
)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_INSTANCE_KEY = rf"\[(?:{_JSON_STRING}|\d+)\]"
_NAME = r"[A-Za-z_][\w-]*"
_FORMAT_VERSION_KEY = re.compile(r'"format_version"\s*:')
# Terraform writes terraform_version right after format_version, while the plan keys may lie
# beyond the sniffed head when the variables are large.
_SHOW_OUTPUT_KEY = re.compile(r'"(?:planned_values|values|resource_changes|terraform_version)"\s*:')
_PLANNED_VALUES_KEY = re.compile(r'"planned_values"\s*:')
_ADDRESS_KEY = re.compile(rf'"address"\s*:\s*({_JSON_STRING})')
_MODULE_STEP = re.compile(rf"module\.({_NAME})(?:{_INSTANCE_KEY})?(?:\.|$)")
_RESOURCE_REFERENCE = re.compile(rf"(?:data\.)?{_NAME}\.{_NAME}(?:{_INSTANCE_KEY})?")

ValuePath = tuple[str | int, ...]
# Configured expressions by (module call names, resource address within its module).
ExpressionIndex = dict[tuple[tuple[str, ...], str], dict[str, Any]]


class PlanResult(BaseModel):
    """What one plan JSON file yields: its resources, its problems and its variable values."""

    resources: list[ResourceInstance] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    variables: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class _PlanContext:
    """What building one resource instance needs besides the resource itself."""

    display_path: str
    root: str
    lines: dict[str, int]
    after_unknown: dict[str, Any]
    expressions: ExpressionIndex


def looks_like_plan(path: Path) -> bool:
    """True for a ``.json`` file that reads like ``terraform show -json`` output (cheap sniff)."""
    if path.suffix.lower() != ".json" or not observe.is_file(path):
        return False
    observe.note_file(path)
    try:
        with path.open("rb") as handle:
            head = _decode(handle.read(SNIFF_BYTES), errors="replace")
    except OSError:
        return False
    return (
        head.lstrip().startswith("{")
        and _FORMAT_VERSION_KEY.search(head) is not None
        and _SHOW_OUTPUT_KEY.search(head) is not None
    )


def load_plan(path: Path, display_path: str, root: str) -> PlanResult:
    """The modelled resources of a plan JSON file; bad input gives diagnostics, not errors."""
    read = _read_plan(path)
    if isinstance(read, _Problem):
        return PlanResult(diagnostics=[read.diagnostic(display_path, root)])
    text, document = read
    context = _PlanContext(
        display_path=display_path,
        root=root,
        lines=_address_lines(text),
        after_unknown=_after_unknown_by_address(document),
        expressions=_configured_expressions(document),
    )
    return PlanResult(
        resources=[
            _instance(resource, module_address, context)
            for module_address, resource in _planned_resources(document)
            if _is_modelled(resource)
        ],
        diagnostics=[w.diagnostic(display_path, root) for w in _plan_warnings(document)],
        variables=_variable_values(document.get("variables")),
    )


# Reading and checking the file


@dataclass(frozen=True)
class _Problem:
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    def diagnostic(self, display_path: str, root: str) -> Diagnostic:
        return Diagnostic(
            severity=self.severity,
            message=self.message,
            file=display_path,
            line=self.line,
            column=self.column,
            root=root,
        )


def _read_plan(path: Path) -> tuple[str, dict[str, Any]] | _Problem:
    text = _read_text(path)
    if isinstance(text, _Problem):
        return text
    document = _parse(text)
    if isinstance(document, _Problem):
        return document
    return _check_plan(document) or (text, document)


def _decode(raw: bytes, errors: str = "strict") -> str:
    # PowerShell's `>` writes UTF-16 with a byte order mark.
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors=errors)
    return raw.decode("utf-8", errors=errors)


def _read_text(path: Path) -> str | _Problem:
    try:
        raw = read_bytes(path, str(path), MAX_JSON_BYTES)
    except InputFileError as error:
        return _Problem(f"cannot read plan file: {error.reason}")
    try:
        return _decode(raw)
    except UnicodeDecodeError as error:
        return _Problem(f"plan file is not UTF-8 text (byte {error.start})")


def _parse(text: str) -> Any:
    try:
        return load_json(text, "plan")
    except InputFileError as error:
        return _Problem(error.reason, line=error.line, column=error.column)


def _check_plan(document: Any) -> _Problem | None:
    if not isinstance(document, dict) or "format_version" not in document:
        return _Problem('not a Terraform plan: no top-level "format_version"')
    if not any(key in document for key in PLAN_KEYS):
        return _Problem(
            'not a Terraform plan: none of "planned_values", "values", "resource_changes"'
        )
    version = str(document["format_version"])
    if version.split(".")[0] not in SUPPORTED_FORMAT_MAJORS:
        return _Problem(f"unsupported plan format_version {version!r} (dynlint reads 0.x and 1.x)")
    return None


def _plan_warnings(document: dict[str, Any]) -> list[_Problem]:
    warnings = []
    if document.get("errored") is True:
        warnings.append(
            _Problem(
                "Terraform reported errors while planning; the plan may be incomplete", "warning"
            )
        )
    if not isinstance(document.get("planned_values", document.get("values")), dict):
        warnings.append(_Problem("the plan has no planned_values; no resources read", "warning"))
    return warnings


def _variable_values(variables: Any) -> dict[str, Any]:
    if not isinstance(variables, dict):
        return {}
    return {
        name: entry["value"]
        for name, entry in variables.items()
        if isinstance(entry, dict) and "value" in entry
    }


# Resources


def _planned_resources(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    values = document.get("planned_values", document.get("values"))
    if isinstance(values, dict):
        yield from _module_resources(values.get("root_module"), "")


def _module_resources(module: Any, module_address: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(module, dict):
        return
    for resource in _dicts(module.get("resources")):
        yield module_address, resource
    for child in _dicts(module.get("child_modules")):
        yield from _module_resources(child, str(child.get("address", "")))


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _is_modelled(resource: dict[str, Any]) -> bool:
    return (
        resource.get("mode", "managed") == "managed"
        and resource.get("type") in MODELLED_TYPES
        and isinstance(resource.get("address"), str)
    )


def _instance(
    resource: dict[str, Any], module_address: str, context: _PlanContext
) -> ResourceInstance:
    address: str = resource["address"]
    planned = resource.get("values")
    values = copy.deepcopy(planned) if isinstance(planned, dict) else {}
    return ResourceInstance(
        address=address,
        type=resource["type"],
        module_address=module_address,
        root=context.root,
        file=context.display_path,
        line=context.lines.get(address, 1),
        values=values,
        unknown=_mark_unknown(values, context.after_unknown.get(address)),
        references=_references(resource, module_address, context.expressions),
        # A plan does not record lifecycle settings such as ignore_changes.
        lifecycle_known=False,
    )


# Unknown values


def _after_unknown_by_address(document: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for change in _dicts(document.get("resource_changes")):
        detail = change.get("change")
        address = change.get("address")
        if "deposed" in change or not isinstance(address, str) or not isinstance(detail, dict):
            continue
        if detail.get("actions") == ["delete"]:
            continue
        found[address] = detail.get("after_unknown")
    return found


def _mark_unknown(values: dict[str, Any], after_unknown: Any) -> list[str]:
    """Set every unknown place in ``values`` to ``None``; return the dotted unknown paths."""
    paths = list(_unknown_paths(after_unknown, ()))
    for path in paths:
        _set_none(values, path)
    return [".".join(str(part) for part in path) for path in paths]


def _unknown_paths(marks: Any, prefix: ValuePath) -> Iterator[ValuePath]:
    if marks is True and prefix:
        yield prefix
    elif isinstance(marks, dict):
        for key, inner in marks.items():
            yield from _unknown_paths(inner, (*prefix, key))
    elif isinstance(marks, list):
        for index, inner in enumerate(marks):
            yield from _unknown_paths(inner, (*prefix, index))


def _set_none(values: dict[str, Any], path: ValuePath) -> None:
    # Creates the containers planned_values left out; leaves values alone where the plan's
    # shapes disagree rather than guess.
    container: Any = values
    for part, next_part in itertools.pairwise(path):
        child = _child(container, part)
        if child is None:
            child = [] if isinstance(next_part, int) else {}
            if not _put(container, part, child):
                return
        container = child
    _put(container, path[-1], None)


def _child(container: Any, key: str | int) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    if isinstance(container, list) and isinstance(key, int) and key < len(container):
        return container[key]
    return None


def _put(container: Any, key: str | int, value: Any) -> bool:
    if isinstance(container, dict) and isinstance(key, str):
        container[key] = value
        return True
    if isinstance(container, list) and isinstance(key, int):
        container.extend([None] * (key + 1 - len(container)))
        container[key] = value
        return True
    return False


# Line numbers


def _address_lines(text: str) -> dict[str, int]:
    """The line of the first ``"address": ...`` of each address, from ``planned_values`` on."""
    start_match = _PLANNED_VALUES_KEY.search(text)
    start = start_match.start() if start_match else 0
    lines: dict[str, int] = {}
    line, counted_to = 1, 0
    for match in _ADDRESS_KEY.finditer(text, start):
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        try:
            address = json.loads(match.group(1))
        except ValueError:
            continue
        lines.setdefault(address, line)
    return lines


# References from the configuration section


def _configured_expressions(document: dict[str, Any]) -> ExpressionIndex:
    """Each configured resource's expressions, keyed by (module call names, address in module)."""
    found: ExpressionIndex = {}
    configuration = document.get("configuration")
    if isinstance(configuration, dict):
        _index_module(configuration.get("root_module"), (), found)
    return found


def _index_module(module: Any, calls: tuple[str, ...], found: ExpressionIndex) -> None:
    if not isinstance(module, dict):
        return
    for resource in _dicts(module.get("resources")):
        expressions = resource.get("expressions")
        if isinstance(resource.get("address"), str) and isinstance(expressions, dict):
            found[(calls, resource["address"])] = expressions
    module_calls = module.get("module_calls")
    if isinstance(module_calls, dict):
        for name, call in module_calls.items():
            if isinstance(call, dict):
                _index_module(call.get("module"), (*calls, name), found)


def _references(
    resource: dict[str, Any],
    module_address: str,
    expressions_index: ExpressionIndex,
) -> dict[str, list[str]]:
    attributes = REFERENCE_ATTRIBUTES.get(resource["type"], ())
    key = (_module_call_names(module_address), f"{resource['type']}.{resource.get('name')}")
    expressions = expressions_index.get(key, {})
    found: dict[str, list[str]] = {}
    for attribute in attributes:
        targets = _resource_targets(expressions.get(attribute))
        if targets:
            found[attribute] = [_in_module(module_address, target) for target in targets]
    return found


def _module_call_names(module_address: str) -> tuple[str, ...]:
    """``module.a["x"].module.b`` -> ``("a", "b")``: the path in the configuration tree."""
    names: list[str] = []
    position = 0
    while position < len(module_address):
        step = _MODULE_STEP.match(module_address, position)
        if step is None:
            break
        names.append(step.group(1))
        position = step.end()
    return tuple(names)


def _resource_targets(expression: Any) -> list[str]:
    """The resources an expression names, without attributes: ``aws_dynamodb_table.t["a"]``."""
    if not isinstance(expression, dict) or not isinstance(expression.get("references"), list):
        return []
    targets: list[str] = []
    for reference in expression["references"]:
        target = _resource_target(reference) if isinstance(reference, str) else None
        if target is not None and target not in targets:
            targets.append(target)
    # Terraform lists the whole resource after an instance of it; the instance says more.
    return [t for t in targets if not any(o.startswith(t + "[") for o in targets)]


def _resource_target(reference: str) -> str | None:
    match = _RESOURCE_REFERENCE.match(reference)
    if match is None or reference.split(".", 1)[0] in NON_RESOURCE_ROOTS:
        return None
    return match.group(0)


def _in_module(module_address: str, target: str) -> str:
    return f"{module_address}.{target}" if module_address else target
