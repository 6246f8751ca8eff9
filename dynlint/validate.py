"""What Terraform itself rejects in a configuration, checked on dynlint's syntax tree.

Two kinds: syntax that HCL's parser refuses (a one-line block holding more than one argument, a
duplicated argument), which makes the file unreadable as a parse error does; and configuration
that ``terraform validate`` refuses (a duplicated declaration, a quoted type constraint, an
invalid name, a nested block written as an argument, a reference to something not declared, an
override block with nothing to override), which makes every root that uses the module an input
error. The messages are Terraform's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dynlint.schema import SCHEMAS, BlockSchema
from dynlint.syntax import (
    Block,
    Body,
    Call,
    Expr,
    File,
    ForExpr,
    GetAttr,
    Literal,
    Pos,
    Template,
    TemplateFor,
    Variable,
    children,
    walk,
)

if TYPE_CHECKING:
    from dynlint.modules import ModuleSource

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_RESERVED_ROOTS = frozenset({"var", "local", "module", "data", "path", "terraform", "self", "count", "each"})
_LABELLED = {"resource": "resource", "data": "data resource", "module": "module instance",
             "variable": "variable", "output": "output"}  # fmt: skip
# Arguments that hold addresses or provider names rather than references to values.
_NOT_REFERENCES = frozenset({"provider", "providers"})
_UNCHECKED_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


@dataclass(frozen=True)
class Problem:
    pos: Pos
    message: str


def syntax_problems(parsed: File) -> list[Problem]:
    """HCL syntax errors that the parser library lets through (native syntax files only), as
    ``terraform fmt`` refuses them."""
    if parsed.path.endswith(".json"):
        return []
    return [*_single_line_blocks(parsed.body), *_duplicate_arguments(parsed.body)]


def _single_line_blocks(body: Body) -> Iterator[Problem]:
    for block in body.blocks:
        items = len(block.body.attributes) + len(block.body.duplicates) + len(block.body.blocks)
        starts = [item.pos.line for item in (*block.body.attributes.values(), *block.body.blocks)]
        if block.pos.line != block.end_line and block.pos.line in starts:
            yield Problem(
                block.pos,
                "Invalid single-argument block definition: An argument definition on the same line "
                "as its containing block creates a single-line block definition, which must also be "
                "closed on the same line. Place the block's closing brace immediately after the "
                "argument definition.",
            )
        elif block.pos.line == block.end_line and (items > 1 or block.body.blocks):
            yield Problem(
                block.pos,
                "Invalid single-argument block definition: A single-line block definition must end "
                "with a closing brace immediately after its single argument definition.",
            )
        else:
            yield from _single_line_blocks(block.body)


def configuration_problems(module: ModuleSource) -> list[Problem]:
    """What ``terraform validate`` rejects in one module directory."""
    problems = list(module.duplicates_found)
    for parsed in module.files:
        native = not parsed.path.endswith(".json")
        for block in parsed.body.blocks:
            problems.extend(_label_problems(block))
            if native and block.type == "variable":
                problems.extend(_quoted_type(block))
            if block.type == "variable":
                problems.extend(_default_problems(block))
    for (rtype, _), block in module.resources.items():
        problems.extend(_arguments_that_are_blocks(block.body, SCHEMAS.get(rtype)))
    for block in module.missing_bases:
        kind = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
        problems.append(
            Problem(
                block.pos,
                f"Missing base to override: there is no {kind} to override; an override file can "
                "only override a block defined in a primary configuration file.",
            )
        )
    problems.extend(_undeclared_references(module))
    return sorted(set(problems), key=lambda p: (p.pos.file, p.pos.line, p.pos.column, p.message))


def _duplicate_arguments(body: Body) -> Iterator[Problem]:
    for duplicate in body.duplicates:
        first = body.attributes[duplicate.name]
        yield Problem(
            duplicate.pos,
            f'Attribute redefined: The argument "{duplicate.name}" was already set at '
            f"{first.pos.file}:{first.pos.line}. Each argument may be set only once.",
        )
    for block in body.blocks:
        yield from _duplicate_arguments(block.body)


def _label_problems(block: Block) -> Iterator[Problem]:
    kind = _LABELLED.get(block.type)
    if kind is None:
        return
    for label in block.labels:
        if not _NAME.match(label):
            yield Problem(
                block.pos,
                f"Invalid {kind} name: A name must start with a letter or underscore and may "
                "contain only letters, digits, underscores, and dashes.",
            )


def _quoted_type(block: Block) -> Iterator[Problem]:
    attribute = block.body.attributes.get("type")
    if attribute is not None and isinstance(attribute.expr, Literal | Template):
        yield Problem(
            attribute.pos,
            "Invalid quoted type constraints: Terraform 0.11 and earlier required type constraints "
            "to be given in quotes, but that form is now deprecated and will be removed in a future "
            f'version of Terraform. Remove the quotes around "{_literal_text(attribute.expr)}".',
        )


def _default_problems(block: Block) -> Iterator[Problem]:
    """A variable's default is a constant: no function calls, no references."""
    attribute = block.body.attributes.get("default")
    if attribute is None:
        return
    for node in walk(attribute.expr):
        if isinstance(node, Call):
            yield Problem(node.pos, "Function calls not allowed: Functions may not be called here.")
            return
        if isinstance(node, Variable):
            yield Problem(node.pos, "Variables not allowed: Variables may not be used here.")
            return


def _literal_text(expr: Expr) -> str:
    return str(expr.value) if isinstance(expr, Literal) else "..."


def _arguments_that_are_blocks(body: Body, schema: BlockSchema | None) -> Iterator[Problem]:
    if schema is None:
        return
    for name, attribute in body.attributes.items():
        if name in schema.blocks:
            yield Problem(
                attribute.pos,
                f'Unsupported argument: An argument named "{name}" is not expected here. Did you '
                f'mean to define a block of type "{name}"?',
            )
    for block in body.blocks:
        inner = block.body.first_block("content") if block.type == "dynamic" else block
        kind = block.labels[0] if block.type == "dynamic" and block.labels else block.type
        if inner is not None:
            yield from _arguments_that_are_blocks(inner.body, schema.blocks.get(kind))


# References ------------------------------------------------------------------------------


def _undeclared_references(module: ModuleSource) -> Iterator[Problem]:
    for expr, bound in _module_expressions(module):
        for root, name, pos, extra in _references(expr, bound):
            message = _undeclared(module, root, name, extra)
            if message is not None:
                yield Problem(pos, message)


def _module_expressions(module: ModuleSource) -> Iterator[tuple[Expr, frozenset[str]]]:
    for attribute in module.locals.values():
        yield attribute.expr, frozenset()
    for blocks in (module.resources.values(), module.data.values(), module.outputs.values()):
        for block in blocks:
            yield from _body_expressions(block.body, frozenset())
    for block in module.calls.values():
        yield from _body_expressions(block.body, frozenset())


def _body_expressions(body: Body, bound: frozenset[str]) -> Iterator[tuple[Expr, frozenset[str]]]:
    for name, attribute in body.attributes.items():
        if name not in _NOT_REFERENCES:
            yield attribute.expr, bound
    for block in body.blocks:
        if block.type in _UNCHECKED_BLOCKS:
            continue
        inner = bound
        if block.type == "dynamic" and block.labels:
            iterator = block.body.attributes.get("iterator")
            name = iterator.expr.name if iterator and isinstance(iterator.expr, Variable) else block.labels[0]
            inner = bound | {name}
            for attribute_name, attribute in block.body.attributes.items():
                if attribute_name != "iterator":
                    yield attribute.expr, bound
            for nested in block.body.blocks:
                yield from _body_expressions(nested.body, inner)
            continue
        yield from _body_expressions(block.body, inner)


def _references(expr: Expr, bound: frozenset[str]) -> Iterator[tuple[str, str, Pos, str | None]]:
    """(root, first attribute, where, second attribute) of each reference outside ``bound``."""
    if isinstance(expr, GetAttr) and isinstance(expr.target, Variable):
        if expr.target.name not in bound:
            yield expr.target.name, expr.name, expr.pos, None
        return
    if (
        isinstance(expr, GetAttr)
        and isinstance(expr.target, GetAttr)
        and isinstance(expr.target.target, Variable)
        and expr.target.target.name == "data"
        and "data" not in bound
    ):
        yield "data", expr.target.name, expr.pos, expr.name
        return
    if isinstance(expr, ForExpr):
        yield from _references(expr.collection, bound)
        inner = bound | {n for n in (expr.key_var, expr.value_var) if n}
        for part in (expr.key_expr, expr.value_expr, expr.condition):
            if part is not None:
                yield from _references(part, inner)
        return
    if isinstance(expr, TemplateFor):
        yield from _references(expr.collection, bound)
        inner = bound | {n for n in (expr.key_var, expr.value_var) if n}
        for part in expr.parts:
            yield from _references(part, inner)
        return
    for child in children(expr):
        yield from _references(child, bound)


def _undeclared(module: ModuleSource, root: str, name: str, extra: str | None) -> str | None:
    where = f"the module at {module.display_dir}"
    if root == "var" and name not in module.variables:
        return (
            "Reference to undeclared input variable: An input variable with the name "
            f'"{name}" has not been declared. This variable can be declared with a '
            f'variable "{name}" {{}} block.'
        )
    if root == "local" and name not in module.locals:
        return (
            f'Reference to undeclared local value: A local value with the name "{name}" has not '
            "been declared."
        )
    if root == "module" and name not in module.calls:
        return f'Reference to undeclared module: No module call named "{name}" is declared in {where}.'
    if root == "data" and extra is not None and (name, extra) not in module.data:
        return (
            f'Reference to undeclared resource: A data resource "{name}" "{extra}" has not been '
            f"declared in {where}."
        )
    if root not in _RESERVED_ROOTS and (root, name) not in module.resources:
        return (
            f'Reference to undeclared resource: A managed resource "{root}" "{name}" has not been '
            f"declared in {where}."
        )
    return None
