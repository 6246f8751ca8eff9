"""Evaluating a root module and the modules it calls, as ``terraform plan`` would.

One :class:`Evaluation` is one root module with one set of variable values (an environment
variant). Every module call becomes a :class:`ModuleInstance` (one per ``count``/``for_each``
instance); names are resolved lazily, so only what a DynamoDB resource needs is ever evaluated,
and a reference cycle is reported instead of looping. The result is one
:class:`ResourceInstance` per instance of every resource type in ``MODELLED_TYPES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint import observe
from dynlint.discover import is_local_source, may_define_resources
from dynlint.environments import ENVIRONMENT_VARIABLES
from dynlint.expressions import Scope, evaluate, iterate
from dynlint.files import FileReader, OutsideTree
from dynlint.functions import to_number, to_string
from dynlint.inputs import MAX_JSON_BYTES, InputFileError, load_json, read_text
from dynlint.model import (
    MODELLED_TYPES,
    Diagnostic,
    ModuleCall,
    ResourceInstance,
    TraceStep,
    ValueOrigin,
)
from dynlint.module_inputs import check_call_inputs
from dynlint.modules import MODULE_META_ARGUMENTS, ModuleSource, SourceTree, literal_source
from dynlint.parser import ParseError, parse_template
from dynlint.provenance import trace_value
from dynlint.schema import SCHEMAS, convert_values, provider_default, shape_values
from dynlint.syntax import (
    Attribute,
    Block,
    Body,
    Call,
    Expr,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    Pos,
    TupleExpr,
    Variable,
    traversal,
)
from dynlint.types import ANY, TypeSpec, convert, parse_type
from dynlint.values import (
    EvaluationError,
    LimitExceeded,
    SetValue,
    Unknown,
    to_plain,
    type_name,
    unknown_paths,
)

RESOURCE_META_ARGUMENTS = frozenset({"count", "for_each", "provider", "depends_on"})
IGNORED_BLOCKS = frozenset({"provisioner", "connection", "precondition", "postcondition"})
COMPUTED_ONLY = "is known only after apply"


@dataclass
class GivenValue:
    """A root variable value from a var file or ``--var``, with where it was written."""

    value: Any
    origin: TraceStep


@dataclass
class Evaluation:
    """Shared state of one root module evaluation."""

    tree: SourceTree
    top: Path
    root_dir: Path
    root: str
    var_file: str | None
    given: dict[str, GivenValue]
    var_files: list[str] = field(default_factory=list)
    environment_resolver: Callable[[list[Any], Any], tuple[str | None, str | None]] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module_calls: list[ModuleCall] = field(default_factory=list)
    modules_json: dict[str, Path] | None = None
    _reported: set[tuple[Any, ...]] = field(default_factory=set)
    _rendering: bool = False
    modules_used: set[Path] = field(default_factory=set)

    def report(
        self,
        severity: str,
        message: str,
        pos: Pos | None,
        code: str | None = None,
        address: str | None = None,
        trace: list[TraceStep] | None = None,
    ) -> None:
        key = (severity, message, pos, code, address)
        if key in self._reported:
            return
        self._reported.add(key)
        self.diagnostics.append(
            Diagnostic(
                severity=severity,  # type: ignore[arg-type]
                message=message,
                file=pos.file if pos else None,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                code=code,
                address=address,
                root=self.root,
                var_file=self.var_file,
                trace=list(trace or []),
            )
        )

    @property
    def errors(self) -> list[Diagnostic]:
        """What Terraform rejects, found while evaluating (input errors, not module findings)."""
        return [d for d in self.diagnostics if d.severity == "error" and d.code is None]

    def environment_for(
        self, module: ModuleInstance, values: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """The environment of a resource in ``module``, by the rules of the environments spec."""
        if self.environment_resolver is None:
            return None, None
        return self.environment_resolver(environment_variables(module), values.get("tags"))

    def file_function(self, expr: Call, args: list[Any]) -> Any:
        """A file function, reading inside the scanned tree only, relative to the root module."""
        reader = FileReader(self.top, self.root_dir)
        try:
            return reader.call(expr.name, args, lambda path, text, names: self._render(path, text, names))
        except OutsideTree as outside:
            self.report(
                "note",
                f"{expr.name}({str(outside)!r}): the path leaves the scanned tree, so dynlint does not "
                "read it; treated as unknown",
                expr.pos,
            )
            return Unknown(f"{expr.name}() of a path outside the scanned tree")

    def _render(self, path: Path, text: str, names: Any) -> Any:
        if isinstance(names, Unknown):
            return names
        if not isinstance(names, dict):
            raise EvaluationError('Invalid value for "vars" parameter: vars must be an object or map')
        if self._rendering:
            raise EvaluationError("templatefile: a template may not call templatefile")
        self._rendering = True
        try:
            template = parse_template(text, Pos(self.tree.display(path), 1, 1))
        except ParseError as error:
            raise EvaluationError(f"templatefile: {error}") from None
        try:
            return evaluate(template, TemplateScope(names, self))
        finally:
            self._rendering = False

    def paths(self, module_dir: Path) -> dict[str, str]:
        """``path.*`` as Terraform gives them, running in the root module's folder."""
        module = os.path.relpath(module_dir, self.root_dir).replace(os.sep, "/")
        return {"module": module, "root": ".", "cwd": str(self.root_dir)}

    def registry_module_dir(self, key: str) -> Path | None:
        if self.modules_json is None:
            self.modules_json = _read_modules_json(self.root_dir)
        return self.modules_json.get(key)


def environment_variables(module: ModuleInstance) -> list[Any]:
    """Values of variables named like an environment: the root module's first, then inwards."""
    chain = []
    current: ModuleInstance | None = module
    while current is not None:
        chain.append(current)
        caller = current.caller_scope
        current = caller.module if caller is not None else None
    found = []
    for instance in [chain[-1], *chain[:-1]]:
        for name in ENVIRONMENT_VARIABLES:
            if name in instance.source.variables:
                found.append(instance.variable(name, None))
    return found


def _read_modules_json(root_dir: Path) -> dict[str, Path]:
    manifest = root_dir / ".terraform" / "modules" / "modules.json"
    if not observe.exists(manifest):
        return {}
    try:
        data = load_json(read_text(manifest, str(manifest), MAX_JSON_BYTES), str(manifest))
    except InputFileError:
        return {}
    found = {}
    for entry in data.get("Modules", []) if isinstance(data, dict) else []:
        key, directory = entry.get("Key"), entry.get("Dir")
        if isinstance(key, str) and key and isinstance(directory, str):
            found[key] = observe.resolve(root_dir / directory)
    return found


def instance_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return f"[{json.dumps(str(key))}]"


class Lazy:
    """A memo of named values computed on demand, with cycle detection."""

    def __init__(self, describe: Callable[[str], str]) -> None:
        self.values: dict[str, tuple[Any, frozenset[str]]] = {}
        self.in_progress: set[str] = set()
        self.describe = describe

    def get(self, name: str, compute: Callable[[set[str]], Any], refs: set[str] | None) -> Any:
        if name not in self.values:
            if name in self.in_progress:
                raise EvaluationError(f"Cycle: {self.describe(name)} refers to itself")
            self.in_progress.add(name)
            collected: set[str] = set()
            try:
                value = compute(collected)
            finally:
                self.in_progress.discard(name)
            self.values[name] = (value, frozenset(collected))
        value, found = self.values[name]
        if refs is not None:
            refs.update(found)
        return value


class ResourceObject(dict):
    """A resource instance as a reference sees it: configured arguments, in the provider's types;
    an omitted argument with a provider default is that default, any other is unknown."""

    def __init__(self, values: dict[str, Any], address: str, resource_type: str) -> None:
        super().__init__(convert_values(values, SCHEMAS.get(resource_type), nested=True))
        self.address = address
        self.resource_type = resource_type

    def missing(self, name: str) -> Any:
        has_default, default = provider_default(self.resource_type, name)
        if has_default:
            return default
        return Unknown(f"{self.address}.{name} {COMPUTED_ONLY}")


class ModuleInstance:
    """One instance of one module: its variables, locals, resources, calls and outputs."""

    def __init__(
        self,
        evaluation: Evaluation,
        source: ModuleSource,
        address: str,
        call_path: tuple[str, ...],
        inputs: dict[str, Attribute],
        caller_scope: ModuleScope | None,
        ancestry: tuple[Path, ...],
    ) -> None:
        self.evaluation = evaluation
        evaluation.modules_used.add(source.dir)
        self.source = source
        self.address = address
        self.call_path = call_path
        self.inputs = inputs
        self.caller_scope = caller_scope
        self.ancestry = (*ancestry, source.dir)
        self.variables = Lazy(lambda n: f"var.{n}")
        self.locals = Lazy(lambda n: f"local.{n}")
        self.resource_values = Lazy(lambda n: n)
        self.calls = Lazy(lambda n: f"module.{n}")
        self.resource_types = {rtype for rtype, _ in source.resources}

    def prefix(self, name: str) -> str:
        return f"{self.address}.{name}" if self.address else name

    # Variables ---------------------------------------------------------------------------

    def variable(self, name: str, refs: set[str] | None) -> Any:
        if name not in self.source.variables:
            raise EvaluationError(f'Reference to undeclared input variable "{name}"')
        return self.variables.get(name, lambda found: self._variable_value(name, found), refs)

    def variable_type(self, name: str) -> TypeSpec:
        block = self.source.variables.get(name)
        if block is None:
            return ANY
        return parse_type(_attr_expr(block, "type"), self._constant)

    def _constant(self, expr: Expr) -> Any:
        return evaluate(expr, ModuleScope(self, {}, None))

    def _variable_value(self, name: str, refs: set[str]) -> Any:
        block = self.source.variables[name]
        value = self._given_value(name, refs)
        default_expr = _attr_expr(block, "default")
        if value is None and default_expr is not None and _literal_false(block, "nullable"):
            value = self._constant(default_expr)
        try:
            return convert(value, self.variable_type(name))
        except EvaluationError as error:
            if default_expr is not None and not self._is_given(name):
                # A default that does not fit its own type: Terraform rejects the configuration.
                self.evaluation.report(
                    "error",
                    "Invalid default value for variable: This default value is not compatible with "
                    f"the variable's type constraint: {error}.",
                    default_expr.pos,
                )
            else:
                message = f"var.{name}: {error}; treated as unknown"
                self.evaluation.report("note", message, block.pos, address=self.address or None)
            return Unknown(f"var.{name} does not convert to its type")

    def _is_given(self, name: str) -> bool:
        if self.caller_scope is not None:
            return name in self.inputs
        return name in self.evaluation.given

    def _given_value(self, name: str, refs: set[str]) -> Any:
        block = self.source.variables[name]
        if self.caller_scope is not None and name in self.inputs:
            caller = self.caller_scope.with_refs(refs)
            return safe_evaluate(self.inputs[name].expr, caller, self.evaluation)
        if self.caller_scope is None and name in self.evaluation.given:
            return self.evaluation.given[name].value
        default_expr = _attr_expr(block, "default")
        if default_expr is not None:
            return safe_evaluate(default_expr, ModuleScope(self, {}, refs), self.evaluation)
        return Unknown(f"var.{name} has no value")

    # Locals ------------------------------------------------------------------------------

    def local(self, name: str, refs: set[str] | None) -> Any:
        attribute = self.source.locals.get(name)
        if attribute is None:
            raise EvaluationError(f'Reference to undeclared local value "{name}"')
        return self.locals.get(
            name, lambda found: evaluate(attribute.expr, ModuleScope(self, {}, found)), refs
        )

    # Resources ---------------------------------------------------------------------------

    def resource(self, rtype: str, name: str, refs: set[str] | None) -> Any:
        block = self.source.resources.get((rtype, name))
        if block is None:
            raise EvaluationError(f'Reference to undeclared resource "{rtype}.{name}"')
        address = self.prefix(f"{rtype}.{name}")
        if refs is not None:
            refs.add(address)
        return self.resource_values.get(
            address, lambda found: self._resource_value(block, address, found), refs
        )

    def _resource_value(self, block: Block, address: str, refs: set[str]) -> Any:
        instances = self.expand(block, ModuleScope(self, {}, refs))
        if isinstance(instances, Unknown):
            return instances
        objects: dict[Any, Any] = {}
        for key, bindings in instances:
            scope = ModuleScope(self, bindings, refs)
            values, _ = evaluate_body(block.body, scope, self.evaluation, RESOURCE_META_ARGUMENTS)
            objects[key] = ResourceObject(values, address + instance_suffix(key), block.labels[0])
        if "count" in block.body.attributes:
            return [objects[k] for k in sorted(objects)]
        if "for_each" in block.body.attributes:
            return objects
        return objects.get(None, ResourceObject({}, address, block.labels[0]))

    def expand(self, block: Block, scope: ModuleScope) -> list[tuple[Any, dict[str, Any]]] | Unknown:
        """The instances of a resource or module block: (key, names bound in it).

        A ``count`` or ``for_each`` that Terraform rejects, or one that makes more instances
        than :data:`MAX_INSTANCES`, is an error at that argument naming the block.
        """
        attributes = block.body.attributes
        count, for_each = attributes.get("count"), attributes.get("for_each")
        try:
            if count is not None and for_each is not None:
                raise EvaluationError('Invalid combination of "count" and "for_each": use one or the other')
            if count is not None:
                return _count_instances(safe_evaluate(count.expr, scope, self.evaluation))
            if for_each is not None:
                value = safe_evaluate(for_each.expr, scope, self.evaluation)
                return _for_each_instances(value, for_each.expr)
        except EvaluationError as error:
            address = self.prefix(_block_address(block))
            where = (count or for_each or block).pos
            self.evaluation.report("error", f"{address}: {error}", where, address=address)
            return InvalidExpansion(f"{address}: {error}")
        return [(None, {})]

    # Module calls ------------------------------------------------------------------------

    def module_call(self, name: str, refs: set[str] | None) -> Any:
        if name not in self.source.calls:
            raise EvaluationError(f'Reference to undeclared module "{name}"')
        children = self.children(name, refs)
        if isinstance(children, Unknown):
            return children
        block = self.source.calls[name]
        outputs = {key: child.outputs(refs) for key, child in children}
        if "count" in block.body.attributes:
            return [outputs[k] for k in sorted(outputs)]
        if "for_each" in block.body.attributes:
            return outputs
        return outputs.get(None, Unknown(f"module.{name} was not evaluated"))

    def module_output(self, name: str, key: Any, output: str, refs: set[str] | None) -> Any:
        """``module.name.output`` or ``module.name[key].output``: that one output alone, so two
        modules that feed each other different outputs are no cycle."""
        if name not in self.source.calls:
            raise EvaluationError(f'Reference to undeclared module "{name}"')
        children = self.children(name, refs)
        if isinstance(children, Unknown):
            return children
        if isinstance(key, Unknown):
            return Unknown(key.reason or "a module instance key is unknown")
        instances = dict(children)
        attributes = self.source.calls[name].body.attributes
        if key is _NO_KEY:
            if "count" in attributes or "for_each" in attributes:
                return _NEEDS_ALL
            key = None
        elif "count" in attributes:
            key = to_number(key)
        elif "for_each" in attributes:
            key = to_string(key)
        else:
            return _NEEDS_ALL
        child = instances.get(key)
        if child is None:
            raise EvaluationError(f"Invalid index: module.{name} has no instance {instance_suffix(key)}")
        return child.output(output, refs)

    def children(self, name: str, refs: set[str] | None) -> list[tuple[Any, ModuleInstance]] | Unknown:
        return self.calls.get(name, lambda found: self._instantiate(name, found), refs)

    def _instantiate(self, name: str, refs: set[str]) -> list[tuple[Any, ModuleInstance]] | Unknown:
        block = self.source.calls[name]
        call_address = self.prefix(f"module.{name}")
        source = self._called_source(name, block, call_address)
        if source is None:
            return Unknown(f"{call_address} was not evaluated")
        self._check_arguments(block, source, call_address)
        instances = self.expand(block, ModuleScope(self, {}, refs))
        if isinstance(instances, InvalidExpansion):
            return instances
        if isinstance(instances, Unknown):
            self.evaluation.report(
                "note",
                f"{call_address} was not evaluated: its count or for_each is not known before apply",
                block.pos,
                address=call_address,
            )
            return instances
        inputs = {k: v for k, v in block.body.attributes.items() if k not in MODULE_META_ARGUMENTS}
        children = [
            (
                key,
                ModuleInstance(
                    self.evaluation,
                    source,
                    call_address + instance_suffix(key),
                    (*self.call_path, name),
                    inputs,
                    ModuleScope(self, bindings, None),
                    self.ancestry,
                ),
            )
            for key, bindings in instances
        ]
        if self.may_define_resources(name):
            for _, child in children:
                check_call_inputs(child, block, child.address)
                self.evaluation.module_calls.append(
                    ModuleCall(
                        address=child.address,
                        root=self.evaluation.root,
                        var_file=self.evaluation.var_file,
                        file=block.pos.file,
                        line=block.pos.line,
                        end_line=block.end_line,
                    )
                )
        return children

    def may_define_resources(self, name: str) -> bool:
        """False only for a call whose module directory exists and cannot hold a modelled resource."""
        source = literal_source(self.source.calls[name])
        directory = self._call_directory(name, source) if source else None
        if directory is None or not observe.is_dir(directory):
            return True
        return may_define_resources(directory, self.evaluation.tree)

    def _call_directory(self, name: str, source: str) -> Path | None:
        """Where a call's module lives: beside this module, or where `terraform init` put it."""
        if "\x00" in source:  # no path holds one; refused by _called_source
            return None
        if is_local_source(source):
            return observe.resolve(self.source.dir / source)
        return self.evaluation.registry_module_dir(".".join((*self.call_path, name)))

    def _called_source(self, name: str, block: Block, call_address: str) -> ModuleSource | None:
        evaluation = self.evaluation
        source_attr = block.body.attributes.get("source")
        source = literal_source(block)
        where = source_attr.pos if source_attr else block.pos
        if not source:
            evaluation.report(
                "error",
                f"{call_address} has no literal `source`: it cannot be evaluated",
                where,
                code="DL061",
                address=call_address,
            )
            return None
        if "\x00" in source:
            evaluation.report(
                "error", f"{call_address}: the source contains a NUL character", where, code="DL061"
            )
            return None
        directory = self._call_directory(name, source)
        if directory is None:
            evaluation.report(
                "note",
                f"{call_address} (source {source!r}) was not evaluated: run `terraform init` so that "
                f".terraform/modules/modules.json names its directory (dynlint never downloads)",
                where,
                address=call_address,
            )
            return None
        if is_local_source(source):
            problem = _local_source_problem(directory, evaluation.top, source)
        elif not evaluation.tree.contains(directory):
            problem = (
                f"modules.json puts source {source!r} outside the scanned tree ({directory}); "
                "dynlint does not follow it"
            )
        else:
            missing = not observe.is_dir(directory)
            problem = f"{evaluation.tree.display(directory)} does not exist" if missing else None
        if problem is None and directory in self.ancestry:
            problem = f"module cycle: {source!r} calls a module that is already being evaluated"
        if problem is not None:
            evaluation.report(
                "error", f"{call_address}: {problem}", where, code="DL061", address=call_address
            )
            return None
        return evaluation.tree.module(directory)

    def _check_arguments(self, block: Block, source: ModuleSource, call_address: str) -> None:
        for argument, attribute in block.body.attributes.items():
            if argument not in MODULE_META_ARGUMENTS and argument not in source.variables:
                self.evaluation.report(
                    "error",
                    f'{call_address} passes "{argument}", which the module at {source.display_dir} '
                    "does not declare",
                    attribute.pos,
                    code="DL061",
                    address=call_address,
                )
        for variable, declaration in source.variables.items():
            if variable not in block.body.attributes and _attr_expr(declaration, "default") is None:
                self.evaluation.report(
                    "error",
                    f'{call_address} does not set the required variable "{variable}" '
                    f"(declared at {declaration.pos.file}:{declaration.pos.line})",
                    block.pos,
                    code="DL061",
                    address=call_address,
                )

    # Outputs -----------------------------------------------------------------------------

    def outputs(self, refs: set[str] | None) -> dict[str, Any]:
        return {name: self.output(name, refs) for name in self.source.outputs}

    def output(self, name: str, refs: set[str] | None) -> Any:
        block = self.source.outputs.get(name)
        if block is None:
            raise EvaluationError(
                f'Unsupported attribute: this object does not have an attribute named "{name}" '
                f"(the module at {self.source.display_dir} declares no such output)"
            )
        expr = _attr_expr(block, "value")
        if expr is None:
            return None
        return self.locals.get(
            f"output {name}",
            lambda found: safe_evaluate(expr, ModuleScope(self, {}, found), self.evaluation),
            refs,
        )


def _local_source_problem(directory: Path, top: Path, source: str) -> str | None:
    if directory != top and top not in directory.parents:
        return f"local source {source!r} leaves the scanned repository; dynlint does not follow it"
    if not observe.is_dir(directory):
        return f"local source {source!r} does not exist"
    return None


MAX_INSTANCES = 10_000
"""Instances of one resource or module block that dynlint evaluates; more is an error.

AWS allows 2,500 DynamoDB tables per region by default, and Terraform itself takes hours to
plan a block with hundreds of thousands of instances."""


class InvalidExpansion(Unknown):
    """The instances of a block whose count or for_each Terraform rejects (already reported)."""

    __slots__ = ()


def _block_address(block: Block) -> str:
    if block.type == "module":
        return f"module.{block.labels[0]}"
    return ".".join(block.labels)


def _count_instances(value: Any) -> list[tuple[Any, dict[str, Any]]] | Unknown:
    if isinstance(value, Unknown):
        return value
    if value is None:
        raise EvaluationError("Invalid count argument: count is null; a whole number is required")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise EvaluationError(f"Invalid count argument: a whole number is required, not a {type_name(value)}")
    count = to_number(value)
    if isinstance(count, Unknown):
        return count
    if count != int(count):
        raise EvaluationError(f"Invalid count argument: {count} is not a whole number")
    if count < 0:
        raise EvaluationError(f"Invalid count argument: {int(count)} is negative")
    _check_instance_count(int(count), "count")
    return [(i, {"count": {"index": i}}) for i in range(int(count))]


def _check_instance_count(size: int, argument: str) -> None:
    if size > MAX_INSTANCES:
        raise LimitExceeded(
            f"{argument} makes {size:,} instances; dynlint evaluates at most {MAX_INSTANCES:,} of one "
            "resource or module (Terraform would take hours to plan them)"
        )


def _for_each_instances(value: Any, expr: Expr) -> list[tuple[Any, dict[str, Any]]] | Unknown:
    if isinstance(value, Unknown):
        return value
    if value is None:
        raise EvaluationError("Invalid for_each argument: for_each is null; use a map or a set of strings")
    if isinstance(expr, TupleExpr) or (isinstance(expr, ForExpr) and not expr.makes_object):
        raise EvaluationError(
            "Invalid for_each argument: a map, or set of strings is allowed, and this is a tuple; "
            "convert it with toset()"
        )
    if isinstance(value, list) and not isinstance(value, SetValue):
        # A list (a variable typed list(...), keys(), a splat): Terraform wants a set or a map.
        raise EvaluationError(
            'Invalid for_each argument: the "for_each" argument must be a map, or set of strings, '
            "and this is a list; convert it with toset()"
        )
    if isinstance(value, list):
        if any(isinstance(v, Unknown) for v in value):
            return Unknown("a for_each key is unknown")
        if not all(isinstance(v, str) for v in value):
            bad = next(v for v in value if not isinstance(v, str))
            raise EvaluationError(
                f"Invalid for_each argument: a set of strings is allowed; it holds a {type_name(bad)}"
            )
        keys = sorted(set(value))
        _check_instance_count(len(keys), "for_each")
        return [(k, {"each": {"key": k, "value": k}}) for k in keys]
    if isinstance(value, dict):
        _check_instance_count(len(value), "for_each")
        return [(k, {"each": {"key": k, "value": v}}) for k, v in iterate(value)]
    raise EvaluationError(
        f"Invalid for_each argument: a map, or set of strings is allowed, not a {type_name(value)}"
    )


def _attr_expr(block: Block, name: str) -> Expr | None:
    attribute = block.body.attributes.get(name)
    return attribute.expr if attribute else None


def _literal_false(block: Block, name: str) -> bool:
    expr = _attr_expr(block, name)
    return isinstance(expr, Literal) and expr.value is False


_NO_KEY = object()
_NEEDS_ALL = object()
_ROOT_NAMES = frozenset({"var", "local", "module", "data", "path", "terraform", "self", "count", "each"})


class TemplateScope:
    """What a template file sees: the ``vars`` given to templatefile, and the file functions."""

    def __init__(self, names: dict[str, Any], evaluation: Evaluation) -> None:
        self.names = names
        self.evaluation = evaluation

    def resolve(self, name: str, expr: Variable) -> Any:
        if name in self.names:
            return self.names[name]
        raise EvaluationError(f'Invalid reference: the vars map does not contain the key "{name}"')

    def resolve_attribute(self, target: Expr, name: str, expr: GetAttr) -> tuple[bool, Any]:
        return False, None

    def note_index(self, target: Expr, key: Any) -> None:
        return None

    def file_function(self, expr: Call, args: list[Any]) -> Any:
        return self.evaluation.file_function(expr, args)


class ModuleScope(Scope):
    """Names as a module instance sees them, plus ``each``/``count`` bindings."""

    def __init__(
        self,
        module: ModuleInstance,
        bindings: dict[str, Any],
        refs: set[str] | None,
        iterators: dict[str, tuple[Expr, Any, ModuleScope]] | None = None,
    ) -> None:
        self.module = module
        self.bindings = bindings
        self.refs = refs
        self.iterators = iterators or {}

    def with_refs(self, refs: set[str] | None) -> ModuleScope:
        return ModuleScope(self.module, self.bindings, refs, self.iterators)

    def plain(self) -> ModuleScope:
        """The module's own names only: how a local's expression sees them."""
        return ModuleScope(self.module, {}, None)

    def bind(self, name: str, value: Any, origin: tuple[Expr, Any, ModuleScope]) -> ModuleScope:
        """This scope with one more name: a dynamic block's iterator."""
        return ModuleScope(
            self.module, {**self.bindings, name: value}, self.refs, {**self.iterators, name: origin}
        )

    def resolve(self, name: str, expr: Variable) -> Any:
        if name in self.bindings:
            return self.bindings[name]
        module = self.module
        if name == "path":
            return module.evaluation.paths(module.source.dir)
        if name == "terraform":
            return {"workspace": "default"}
        if name == "data":
            return Unknown("a data source is read only at apply")
        if name == "self":
            return Unknown("self")
        if name in ("each", "count"):
            raise EvaluationError(f'Reference to "{name}" in a block that has no {name} argument')
        if name == "var":
            return {n: module.variable(n, self.refs) for n in module.source.variables}
        if name == "local":
            return {n: module.local(n, self.refs) for n in module.source.locals}
        raise EvaluationError(f'Reference to unknown name "{name}"')

    def resolve_attribute(self, target: Expr, name: str, expr: GetAttr) -> tuple[bool, Any]:
        output = self._module_output(target, name)
        if output is not _NEEDS_ALL:
            return True, output
        if not isinstance(target, Variable) or target.name in self.bindings:
            return self._resolve_data(target, name)
        root = target.name
        module = self.module
        if root == "var":
            return True, module.variable(name, self.refs)
        if root == "local":
            return True, module.local(name, self.refs)
        if root == "module":
            return True, module.module_call(name, self.refs)
        if root not in _ROOT_NAMES and root in module.resource_types:
            return True, module.resource(root, name, self.refs)
        if root not in _ROOT_NAMES and "_" in root:
            raise EvaluationError(f'Reference to undeclared resource "{root}.{name}"')
        return False, None

    def _module_output(self, target: Expr, output: str) -> Any:
        """``module.x.out`` or ``module.x[k].out`` as that one output, else ``_NEEDS_ALL``."""
        key: Any = _NO_KEY
        if isinstance(target, Index):
            key_expr, target = target.key, target.target
        else:
            key_expr = None
        if not (
            isinstance(target, GetAttr)
            and isinstance(target.target, Variable)
            and target.target.name == "module"
            and "module" not in self.bindings
        ):
            return _NEEDS_ALL
        if key_expr is not None:
            key = evaluate(key_expr, self)
        return self.module.module_output(target.name, key, output, self.refs)

    def _resolve_data(self, target: Expr, name: str) -> tuple[bool, Any]:
        path = traversal(target)
        if path and path[0] == "data" and path[0] not in self.bindings:
            return True, Unknown(f"{'.'.join([*path, name])}: a data source is read only at apply")
        return False, None

    def file_function(self, expr: Call, args: list[Any]) -> Any:
        return self.module.evaluation.file_function(expr, args)

    def note_index(self, target: Expr, key: Any) -> None:
        if self.refs is None or isinstance(key, Unknown):
            return
        path = traversal(target)
        if path and len(path) == 2 and path[0] in self.module.resource_types and path[0] not in self.bindings:
            self.refs.add(self.module.prefix(f"{path[0]}.{path[1]}") + instance_suffix(key))


def safe_evaluate(expr: Expr, scope: Scope, evaluation: Evaluation) -> Any:
    """Evaluate; an expression Terraform would reject becomes unknown, with a note."""
    try:
        return evaluate(expr, scope)
    except LimitExceeded as error:
        evaluation.report("error", str(error), expr.pos)
        return Unknown(str(error))
    except EvaluationError as error:
        evaluation.report(
            "note", f"could not evaluate this expression: {error}; treated as unknown", expr.pos
        )
        return Unknown(str(error))
    except RecursionError:
        evaluation.report("note", "expression nested too deeply; treated as unknown", expr.pos)
        return Unknown("too deep")


def evaluate_body(
    body: Body,
    scope: ModuleScope,
    evaluation: Evaluation,
    skip: frozenset[str],
    origins: dict[str, ValueOrigin] | None = None,
    prefix: str = "",
    references: dict[str, list[str]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A block body's values (nested blocks as lists) and its lifecycle settings.

    With ``origins``, also records where each value came from, by dotted path; with
    ``references``, which resources each top-level argument referred to.
    """
    values: dict[str, Any] = {}
    lifecycle: dict[str, Any] = {}
    for name, attribute in body.attributes.items():
        if name in skip:
            continue
        refs: set[str] = set()
        values[name] = safe_evaluate(attribute.expr, scope.with_refs(refs), evaluation)
        if references is not None and refs:
            references[prefix + name] = sorted(refs)
        if origins is not None:
            origins[prefix + name] = trace_value(attribute, scope)
    for block in body.blocks:
        if block.type == "lifecycle":
            lifecycle = _lifecycle(block)
        elif block.type == "dynamic" and block.labels:
            _expand_dynamic(block, scope, evaluation, values, origins, prefix, references)
        elif block.type not in IGNORED_BLOCKS:
            path = f"{prefix}{block.type}.{_count_blocks(values, block.type)}"
            _record(origins, path, block.pos)
            nested, _ = evaluate_body(
                block.body, scope, evaluation, frozenset(), origins, path + ".", references
            )
            _append_block(values, block.type, nested)
    return values, lifecycle


def _count_blocks(values: dict[str, Any], name: str) -> int:
    existing = values.get(name)
    return len(existing) if isinstance(existing, list) else 0


def _record(origins: dict[str, ValueOrigin] | None, path: str, pos: Pos) -> None:
    if origins is not None:
        origins[path] = ValueOrigin(file=pos.file, line=pos.line, column=pos.column)


def _append_block(values: dict[str, Any], name: str, block_values: Any) -> None:
    existing = values.setdefault(name, [])
    if isinstance(existing, list):
        existing.append(block_values)


def _expand_dynamic(
    block: Block,
    scope: ModuleScope,
    evaluation: Evaluation,
    values: dict[str, Any],
    origins: dict[str, ValueOrigin] | None,
    prefix: str,
    references: dict[str, list[str]] | None = None,
) -> None:
    name = block.labels[0]
    content = block.body.first_block("content")
    for_each = block.body.attributes.get("for_each")
    if content is None or for_each is None:
        return
    collection = safe_evaluate(for_each.expr, scope, evaluation)
    _record(origins, prefix + name, block.pos)
    if collection is None:
        evaluation.report("note", f"dynamic {name!r}: for_each is null; treated as unknown", for_each.pos)
        collection = Unknown("null for_each")
    if isinstance(collection, Unknown):
        values[name] = Unknown(f"the for_each of dynamic {name!r} is unknown")
        return
    iterator = _iterator_name(block) or name
    values.setdefault(name, [])
    for key, item in iterate(collection if isinstance(collection, (list, dict)) else [collection]):
        inner = scope.bind(iterator, {"key": key, "value": item}, (for_each.expr, key, scope))
        path = f"{prefix}{name}.{_count_blocks(values, name)}"
        _record(origins, path, content.pos)
        nested, _ = evaluate_body(
            content.body, inner, evaluation, frozenset(), origins, path + ".", references
        )
        _append_block(values, name, nested)


def _iterator_name(block: Block) -> str | None:
    attribute = block.body.attributes.get("iterator")
    if attribute is None:
        return None
    path = traversal(attribute.expr)
    return path[0] if path else None


def _lifecycle(block: Block) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ignore = block.body.attributes.get("ignore_changes")
    if ignore is not None:
        items = getattr(ignore.expr, "items", None)
        if items is None:
            path = traversal(ignore.expr)
            found["ignore_changes"] = "all" if path == ["all"] else []
        else:
            found["ignore_changes"] = [".".join(p) for p in map(_ignore_path, items) if p]
    prevent = block.body.attributes.get("prevent_destroy")
    if prevent is not None and isinstance(prevent.expr, Literal):
        found["prevent_destroy"] = prevent.expr.value
    return found


def _ignore_path(expr: Expr) -> list[str] | None:
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return [expr.value]
    return traversal(expr)


# Collecting resource instances -----------------------------------------------------------


def collect_resources(module: ModuleInstance) -> list[ResourceInstance]:
    """Every modelled resource instance in ``module`` and the modules it calls."""
    found: list[ResourceInstance] = []
    evaluation = module.evaluation
    for (rtype, name), block in module.source.resources.items():
        if rtype in MODELLED_TYPES:
            found.extend(_resource_instances(module, rtype, name, block))
    for call_name in module.source.calls:
        if not module.may_define_resources(call_name):
            continue
        try:
            children = module.children(call_name, None)
        except EvaluationError as error:
            evaluation.report("error", str(error), module.source.calls[call_name].pos, code="DL061")
            continue
        if isinstance(children, Unknown):
            continue
        for _, child in children:
            found.extend(collect_resources(child))
    return found


def _resource_instances(
    module: ModuleInstance, rtype: str, name: str, block: Block
) -> list[ResourceInstance]:
    evaluation = module.evaluation
    address = module.prefix(f"{rtype}.{name}")
    instances = module.expand(block, ModuleScope(module, {}, None))
    if isinstance(instances, InvalidExpansion):
        return []
    if isinstance(instances, Unknown):
        evaluation.report(
            "note",
            f"{address} was not evaluated: its count or for_each is not known before apply",
            block.pos,
            address=address,
        )
        return []
    results = []
    for key, bindings in instances:
        results.append(_resource_instance(module, rtype, block, address + instance_suffix(key), bindings))
    return results


def _resource_instance(
    module: ModuleInstance, rtype: str, block: Block, address: str, bindings: dict[str, Any]
) -> ResourceInstance:
    evaluation = module.evaluation
    iterators = {}
    for_each = block.body.attributes.get("for_each")
    if for_each is not None and "each" in bindings:
        iterators["each"] = (for_each.expr, bindings["each"]["key"], ModuleScope(module, {}, None))
    references: dict[str, list[str]] = {}
    origins: dict[str, ValueOrigin] = {}
    scope = ModuleScope(module, bindings, None, iterators)
    values, lifecycle = evaluate_body(
        block.body, scope, evaluation, RESOURCE_META_ARGUMENTS, origins, "", references
    )
    shape_values(values, SCHEMAS.get(rtype))
    environment, environment_source = evaluation.environment_for(module, values)
    return ResourceInstance(
        address=address,
        type=rtype,
        module_address=module.address,
        root=evaluation.root,
        environment=environment,
        environment_source=environment_source,
        var_file=evaluation.var_file,
        var_files=evaluation.var_files,
        file=block.pos.file,
        line=block.pos.line,
        end_line=block.end_line,
        values=to_plain(values),
        unknown=unknown_paths(values),
        origins=origins,
        references=references,
        lifecycle=lifecycle,
    )
