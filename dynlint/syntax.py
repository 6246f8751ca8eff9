"""dynlint's own small syntax tree for HCL: what the parser produces and the evaluator reads.

Every node knows where it was written (file, line, column), so findings can point at the line a
person must change. Nothing here depends on the parser library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Pos:
    file: str
    line: int
    column: int = 1


class Expr:
    """Base of all expression nodes."""

    __slots__ = ()
    pos: Pos


@dataclass(slots=True)
class Literal(Expr):
    value: Any
    pos: Pos


@dataclass(slots=True)
class TemplateIf(Expr):
    condition: Expr
    then_parts: list[Expr]
    else_parts: list[Expr]
    pos: Pos


@dataclass(slots=True)
class TemplateFor(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    parts: list[Expr]
    pos: Pos


@dataclass(slots=True)
class Template(Expr):
    """A string with interpolations or directives; literal text parts are ``Literal`` nodes."""

    parts: list[Expr]
    pos: Pos


@dataclass(slots=True)
class TupleExpr(Expr):
    items: list[Expr]
    pos: Pos


@dataclass(slots=True)
class ObjectItem:
    key: Expr
    value: Expr
    pos: Pos


@dataclass(slots=True)
class ObjectExpr(Expr):
    items: list[ObjectItem]
    pos: Pos


@dataclass(slots=True)
class Variable(Expr):
    """A root name: ``var``, ``local``, ``each``, ``module``, ``aws_kms_key``, a for variable."""

    name: str
    pos: Pos


@dataclass(slots=True)
class GetAttr(Expr):
    target: Expr
    name: str
    pos: Pos


@dataclass(slots=True)
class Index(Expr):
    target: Expr
    key: Expr
    pos: Pos


@dataclass(slots=True)
class SplatStep:
    """One step after a splat: ``.name`` (``name`` set) or ``[key]`` (``key`` set)."""

    name: str | None = None
    key: Expr | None = None


@dataclass(slots=True)
class Splat(Expr):
    target: Expr
    steps: list[SplatStep]
    pos: Pos


@dataclass(slots=True)
class Call(Expr):
    name: str
    args: list[Expr]
    expand_last: bool
    pos: Pos


@dataclass(slots=True)
class Conditional(Expr):
    condition: Expr
    if_true: Expr
    if_false: Expr
    pos: Pos


@dataclass(slots=True)
class BinaryOp(Expr):
    operator: str
    left: Expr
    right: Expr
    pos: Pos


@dataclass(slots=True)
class UnaryOp(Expr):
    operator: str
    operand: Expr
    pos: Pos


@dataclass(slots=True)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key_expr: Expr | None
    value_expr: Expr
    condition: Expr | None
    grouping: bool
    pos: Pos

    @property
    def makes_object(self) -> bool:
        return self.key_expr is not None


@dataclass(slots=True)
class Attribute:
    name: str
    expr: Expr
    pos: Pos
    end_line: int


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    # Arguments set a second time (Terraform rejects them); ``attributes`` keeps the first.
    duplicates: list[Attribute] = field(default_factory=list)

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]

    def first_block(self, block_type: str) -> Block | None:
        return next((b for b in self.blocks if b.type == block_type), None)


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    body: Body
    pos: Pos
    end_line: int


@dataclass(slots=True)
class Comment:
    text: str
    pos: Pos


@dataclass(slots=True)
class File:
    path: str
    body: Body
    comments: list[Comment] = field(default_factory=list)


def walk(expr: Expr):
    """Every expression node inside ``expr``, itself first."""
    yield expr
    for child in children(expr):
        yield from walk(child)


def children(expr: Expr) -> list[Expr]:
    """The direct sub-expressions of a node."""
    match expr:
        case Template(parts=parts) | TupleExpr(items=parts):
            return list(parts)
        case TemplateIf():
            return [expr.condition, *expr.then_parts, *expr.else_parts]
        case TemplateFor():
            return [expr.collection, *expr.parts]
        case ObjectExpr(items=items):
            return [e for item in items for e in (item.key, item.value)]
        case GetAttr(target=target):
            return [target]
        case Index():
            return [expr.target, expr.key]
        case Splat():
            return [expr.target, *(s.key for s in expr.steps if s.key is not None)]
        case Call(args=args):
            return list(args)
        case Conditional():
            return [expr.condition, expr.if_true, expr.if_false]
        case BinaryOp():
            return [expr.left, expr.right]
        case UnaryOp(operand=operand):
            return [operand]
        case ForExpr():
            parts = [expr.collection, expr.value_expr]
            if expr.key_expr is not None:
                parts.append(expr.key_expr)
            if expr.condition is not None:
                parts.append(expr.condition)
            return parts
    return []


def traversal(expr: Expr) -> list[str] | None:
    """``var.a.b`` as ``["var", "a", "b"]`` (literal string/number indexes included), else None."""
    steps: list[str] = []
    node = expr
    while True:
        if isinstance(node, Variable):
            return [node.name, *reversed(steps)]
        if isinstance(node, GetAttr):
            steps.append(node.name)
            node = node.target
        elif isinstance(node, Index) and isinstance(node.key, Literal):
            steps.append(str(node.key.value))
            node = node.target
        else:
            return None
