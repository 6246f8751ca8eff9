"""HCL text to dynlint's syntax tree: the one module that knows the parser library.

tree-sitter, with the tree-sitter-hcl grammar, parses the text into a concrete syntax tree; this
layer converts it into :mod:`dynlint.syntax` nodes and keeps every comment with its line. The
grammar is more lenient than Terraform: it ignores newlines, which end an argument in HCL, lets
through hexadecimal numbers, ``::`` in names, any escape in a string and a template sequence in
a block label, and takes other whitespace than spaces and tabs. This layer refuses those as
``terraform fmt`` does. tree-sitter marks a syntax error with ERROR and MISSING nodes but gives
no reason; :func:`_syntax_error` turns the first one into a ParseError that says where and why.
Nothing above this module imports tree-sitter, so the parser can be measured or replaced on its
own.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dynlint.inputs import MAX_NESTING, InputFileError, line_and_column, load_json, read_text
from dynlint.syntax import (
    Attribute,
    BinaryOp,
    Block,
    Body,
    Call,
    Comment,
    Conditional,
    Expr,
    File,
    ForExpr,
    GetAttr,
    Index,
    Literal,
    ObjectExpr,
    ObjectItem,
    Pos,
    Splat,
    SplatStep,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    UnaryOp,
    Variable,
)

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

# A file that cannot be read or is not valid HCL (or JSON), with where it stops making sense.
ParseError = InputFileError

MAX_NUMBER_DIGITS = 308

# tree-sitter, loaded on the first parse (``_parser``): ``dynlint --version`` and a run whose
# files all come from the parse cache never import it.
_loaded: Parser | None = None
K: _Kinds


def _parser() -> Parser:
    global _loaded, K
    if _loaded is None:
        import tree_sitter
        import tree_sitter_hcl

        language = tree_sitter.Language(tree_sitter_hcl.language())
        K = _Kinds(language)
        _register_kinds()
        _loaded = tree_sitter.Parser(language)
    return _loaded


class _Kinds:
    """The grammar's node kinds as the integer ids nodes carry (cheaper to compare than names)."""

    def __init__(self, language: Any) -> None:
        def named(name: str) -> int:
            return language.id_for_node_kind(name, True)

        def token(text: str) -> int:
            return language.id_for_node_kind(text, False)

        self.body = named("body")
        self.attribute = named("attribute")
        self.block = named("block")
        self.block_start = named("block_start")
        self.block_end = named("block_end")
        self.identifier = named("identifier")
        self.comment = named("comment")
        self.expression = named("expression")
        self.literal_value = named("literal_value")
        self.numeric_lit = named("numeric_lit")
        self.bool_lit = named("bool_lit")
        self.null_lit = named("null_lit")
        self.string_lit = named("string_lit")
        self.collection_value = named("collection_value")
        self.tuple = named("tuple")
        self.object = named("object")
        self.object_elem = named("object_elem")
        self.index = named("index")
        self.new_index = named("new_index")
        self.legacy_index = named("legacy_index")
        self.get_attr = named("get_attr")
        self.splat = named("splat")
        self.attr_splat = named("attr_splat")
        self.full_splat = named("full_splat")
        self.for_expr = named("for_expr")
        self.for_tuple_expr = named("for_tuple_expr")
        self.for_object_expr = named("for_object_expr")
        self.for_intro = named("for_intro")
        self.for_cond = named("for_cond")
        self.variable_expr = named("variable_expr")
        self.function_call = named("function_call")
        self.function_arguments = named("function_arguments")
        self.ellipsis = named("ellipsis")
        self.conditional = named("conditional")
        self.operation = named("operation")
        self.unary_operation = named("unary_operation")
        self.binary_operation = named("binary_operation")
        self.template_expr = named("template_expr")
        self.quoted_template = named("quoted_template")
        self.heredoc_template = named("heredoc_template")
        self.heredoc_identifier = named("heredoc_identifier")
        self.template_interpolation = named("template_interpolation")
        self.template_directive = named("template_directive")
        self.template_if = named("template_if")
        self.template_for = named("template_for")
        self.strip_marker = named("strip_marker")
        self.lparen = token("(")
        self.rparen = token(")")
        self.comma = token(",")
        self.binary_operators = frozenset(
            token(op) for op in ("*", "/", "%", "+", "-", ">", ">=", "<", "<=", "==", "!=", "&&", "||")
        )
        # A template directive's opening, middle and closing parts, by the name dynlint uses.
        self.directives = {
            named("template_if_intro"): "if",
            named("template_else_intro"): "else",
            named("template_if_end"): "endif",
            named("template_for_start"): "for",
            named("template_for_end"): "endfor",
        }
        # Inside these, newlines do not end the expression (objects take their own care).
        self.newlines_allowed_inside = frozenset(
            {
                self.tuple,
                self.function_arguments,
                self.new_index,
                self.for_tuple_expr,
                self.for_object_expr,
                self.template_interpolation,
                self.quoted_template,
                self.heredoc_template,
                self.string_lit,
            }
        )
        # What an argument or a block may start with, where an ERROR node stands for one.
        self.item_starts = frozenset({self.identifier, self.attribute, self.block, self.body, self.comment})
        # Where whitespace of any kind is text, not a separator.
        self.text_kinds = frozenset(
            {
                self.comment,
                named("template_literal"),
                self.string_lit,
                self.quoted_template,
                self.heredoc_template,
            }
        )


# Parsing ---------------------------------------------------------------------------------------


def parse_file(path: Path, display_path: str) -> File:
    """Read (see :mod:`dynlint.inputs`) and parse one ``.tf``/``.tfvars`` file or a ``.json`` form."""
    return parse_source(read_text(path, display_path), display_path)


def parse_source(text: str, display_path: str) -> File:
    """Parse a file's text: Terraform's JSON syntax for ``*.json``, HCL otherwise."""
    if display_path.endswith(".json"):
        return parse_json_text(text, display_path)
    return parse_text(text, display_path)


def parse_text(text: str, display_path: str) -> File:
    """Parse HCL source text."""
    check_nesting(text, display_path)
    converter = _Converter(_encode(text), display_path)
    root = converter.parse()
    try:
        body = converter.file_body(root)
    except RecursionError:  # a chain of thousands of operators; no input may reach a traceback
        raise ParseError(display_path, 1, 1, "the expressions are nested too deeply") from None
    return File(path=display_path, body=body, comments=converter.comments(root))


def parse_expression(text: str, pos: Pos) -> Expr:
    """Parse a lone expression written at ``pos`` (a ``--var`` value, say)."""
    prefix = "x = "
    source = f"{prefix}{text}\n"
    converter = _Converter(
        _encode(source), pos.file, line_base=pos.line, first_column=pos.column - 1 - len(prefix)
    )
    try:
        check_nesting(source, pos.file)
        root = converter.parse()
        attribute = converter.lone_attribute(root)
        if attribute is None:
            raise ParseError(pos.file, pos.line, pos.column, "more than one expression")
        return converter.expression(
            next(c for c in reversed(attribute.children) if c.kind_id == K.expression)
        )
    except (ParseError, RecursionError) as error:
        reason = f": {error.reason}" if isinstance(error, ParseError) else ""
        raise ParseError(
            pos.file, pos.line, pos.column, f"invalid expression {text[:60]!r}{reason}"
        ) from None


def parse_template(text: str, pos: Pos, quoted: bool = False, flush: bool = False) -> Expr:
    """HCL template text (a template file's, a JSON string's) as an expression written at ``pos``.

    Handles ``${...}`` interpolations, ``%{if}``/``%{for}`` directives, the ``~`` strip markers
    and the ``$${``/``%%{`` escapes; ``quoted`` also processes backslash escapes in literal text
    and ``flush`` removes the smallest indentation, as a ``<<-`` heredoc does. Positions inside
    are those of the template's own lines, counted from ``pos``.
    """
    return _template_from_text(text, pos, quoted=quoted, flush=flush, flat=False)


def _template_from_text(text: str, pos: Pos, quoted: bool, flush: bool, flat: bool) -> Expr:
    # The text becomes the body of a heredoc whose marker it does not hold, so that the one
    # grammar parses it; the newline a heredoc adds after the last line is left out.
    marker = "DYNLINT_TEMPLATE_END"
    while marker in text:
        marker += "_"
    prefix = f"x = <<{marker}\n"
    source = f"{prefix}{text}\n{marker}\n"
    converter = _Converter(
        _encode(source),
        pos.file,
        line_base=pos.line - 1,
        first_row=1,
        first_column=pos.column - 1,
        flat=pos if flat else None,
    )
    try:
        check_nesting(source, pos.file)
    except ParseError as error:
        raise ParseError(pos.file, pos.line + error.line - 2, 1, error.reason) from None
    end = len(_encode(prefix + text))
    root = converter.tree()
    if root.has_error:
        offset, reason = _syntax_problem(converter, root)
        if offset >= end:  # in the wrapping: the text ended first
            offset = end
            if marker in reason or "heredoc" in reason or "file ends" in reason:
                reason = "the template ends in the middle of an interpolation or a directive"
        raise converter.error(offset, f"{reason}: this is not a valid template")
    attribute = converter.lone_attribute(root)
    heredoc = converter.only_heredoc(attribute)
    if heredoc is None:  # unreachable: the text is the whole body of the heredoc
        raise ParseError(pos.file, pos.line, pos.column, "this is not a valid template")
    try:
        return converter.heredoc(heredoc, body_end=end, flush=flush, escapes=quoted, pos=pos)
    except RecursionError:
        raise ParseError(pos.file, pos.line, pos.column, "the template is nested too deeply") from None


# Not the fraction of a number (1.5e3), nor inside a name; after a name and a dot (a.1e3, a
# legacy index), yes.
_EXPONENT_WITHOUT_FRACTION = re.compile(rb'(?:(?<![\w.])|(?<=[A-Za-z_\])}"]\.))\d+[eE][-+]?\d+')
_DIGIT_THEN_E = re.compile(rb"\d[eE]")
_KEYWORD_CALLED = re.compile(rb"(?<![\w.-])(?:true|false|null)(?=[ \t]*\()")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _lexable(data: bytes) -> bytes:
    """The bytes tree-sitter parses: of the same length as the text, whose own bytes the
    converter reads, with gaps in the grammar's lexer filled.

    - tree-sitter-hcl lexes an exponent only after a fraction (``1.5e3``, not ``1e3``): such a
      number is given as digits of the same length;
    - a NUL ends the input inside a string, where HCL takes it: another control character
      stands in (one that HCL, like NUL, refuses outside strings);
    - ``true``, ``false`` and ``null`` are keywords to the grammar, names to HCL, which can
      call a function of that name (``true(1)``): before ``(`` they are given as a name;
    - a heredoc line that starts with the heredoc's marker but holds more (``EOTX``, or
      ``EOT${x}`` under ``<<EOT``) confuses the grammar's scanner: the marker's first letter is
      given as another one there.
    """
    if b"\x00" in data:
        data = data.replace(b"\x00", b"\x01")
    if b"(" in data:
        data = _KEYWORD_CALLED.sub(lambda m: m.group(0)[:-1] + b"_", data)
    if b"<<" in data:
        data = _hide_marker_prefixes(data)
    if _DIGIT_THEN_E.search(data) is None:
        return data
    return _EXPONENT_WITHOUT_FRACTION.sub(lambda m: b"1" * len(m.group(0)), data)


_HEREDOC_OPENER = re.compile(rb"<<-?([A-Za-z_][\w-]*)\r?\n")


def _hide_marker_prefixes(data: bytes) -> bytes:
    """Each heredoc body line that starts with the marker, other than the closing line, with
    the marker's first letter changed (to another letter: the tokens stay the same)."""
    copy: bytearray | None = None
    offset = 0
    while (opener := _HEREDOC_OPENER.search(data, offset)) is not None:
        marker = opener.group(1)
        offset = opener.end()
        while offset < len(data):
            end = data.find(b"\n", offset)
            end = len(data) if end < 0 else end + 1
            line = data[offset:end]
            indented = line.lstrip(b" \t")
            start = offset + len(line) - len(indented)
            offset = end
            if indented.rstrip(b" \t\r\n") == marker:
                break
            if indented.startswith(marker):
                copy = copy if copy is not None else bytearray(data)
                copy[start] = ord("X" if marker[:1] == b"_" else "_")
    return bytes(copy) if copy is not None else data


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


# What tree-sitter-hcl takes that HCL does not ----------------------------------------------------

# Whitespace that the grammar skips but HCL calls an invalid character (outside strings and
# comments): form feed, vertical tab, a carriage return not before a newline, Unicode spaces.
_ODD_WHITESPACE = re.compile(
    r"[\f\v\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]|\r(?!\n)"
)
_BLOCK_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
_COMMENT_START = re.compile(rb"#|//|/\*")
_QUOTED_ESCAPE = re.compile(r'\\(?:[nrt"\\]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})|\\.?|\$\$\{|%%\{', re.S)
_TEMPLATE_ESCAPE = re.compile(r"\$\$\{|%%\{")
_QUOTE_OR_ESCAPE = re.compile(rb'\\.|"', re.S)
_TEMPLATE_SEQUENCE = re.compile(r"\$\$\{|%%\{|[$%]\{")
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_MULTI_LINE_STRING = (
    "Invalid multi-line string: Quoted strings may not be split over multiple lines. To produce "
    'a multi-line string, either use the \\n escape to represent a newline character or use the "heredoc" '
    "multi-line template syntax."
)
_NOT_IN_LABEL = (
    "Invalid string literal: Template sequences are not allowed in this string. To include a "
    'literal "$", double it (as "$$") to escape it.'
)
_OBJECT_SEPARATOR = (
    "Missing attribute separator: Expected a newline or comma to mark the beginning of the next attribute."
)


def _out_of_range(literal: str) -> str:
    shown = literal if len(literal) <= 24 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"
    return f"the number {shown} is out of range: dynlint handles numbers up to about 1.8e308"


# A template token: ["text", literal, starts a line] or [tag, node, strip-left, strip-right,
# starts a line], the tag one of "interp", "if", "else", "endif", "for", "endfor".
_Token = list[Any]


class _Converter:
    """Turns tree-sitter's tree of one text into syntax nodes, checking what the grammar does not.

    Positions: a node on row ``r`` at byte column ``c`` is on line ``r + line_base``, at the
    character column of ``c`` (plus ``first_column`` on row ``first_row``); with ``flat``, every
    node is at that one position.
    """

    def __init__(
        self,
        data: bytes,
        file: str,
        line_base: int = 1,
        first_row: int = 0,
        first_column: int = 0,
        flat: Pos | None = None,
    ) -> None:
        self.data = data
        self.file = file
        self.line_base = line_base
        self.first_row = first_row
        self.first_column = first_column
        self.flat = flat
        self.ascii = data.isascii()
        # The usual case, a file's own ASCII text: a node's row and byte column are its place.
        self.plain = self.ascii and flat is None and line_base == 1 and first_column == 0
        self.line_starts: list[int] | None = None
        self.names_with_colons = b"::" in data
        self.has_comments = _COMMENT_START.search(data) is not None
        self.comment_nodes: dict[int, Node] = {}  # the comments met on the way, by where they start
        self.root: Node | None = None

    def parse(self) -> Node:
        """The tree's root, once no syntax error is left in it (else a ParseError)."""
        root = self.tree()
        if root.has_error:
            raise _syntax_error(self, root)
        if not self.ascii or b"\r" in self.data or b"\f" in self.data or b"\v" in self.data:
            self.check_whitespace(root)
        return root

    def tree(self) -> Node:
        """The tree's root, errors and all."""
        self.root = _parser().parse(_lexable(self.data)).root_node
        return self.root

    # Positions -------------------------------------------------------------------------------

    def pos(self, node: Node) -> Pos:
        row, column = node.start_point
        if self.plain:
            return Pos(self.file, row + 1, column + 1)
        return self.point_pos(row, column)

    def point_pos(self, row: int, byte_column: int) -> Pos:
        if self.flat is not None:
            return self.flat
        column = byte_column if self.ascii else self.character_column(row, byte_column)
        if row == self.first_row:
            column += self.first_column
        return Pos(self.file, row + self.line_base, max(column, 0) + 1)

    def offset_pos(self, offset: int) -> Pos:
        row = self.data.count(b"\n", 0, offset)
        return self.point_pos(row, offset - (self.data.rfind(b"\n", 0, offset) + 1))

    def end_line(self, node: Node) -> int:
        return node.end_point[0] + self.line_base

    def character_column(self, row: int, byte_column: int) -> int:
        if self.line_starts is None:
            self.line_starts = [0, *(m.end() for m in re.finditer(rb"\n", self.data))]
        start = self.line_starts[row]
        return len(self.data[start : start + byte_column].decode("utf-8", "replace"))

    def error(self, offset: int, reason: str) -> ParseError:
        pos = self.offset_pos(offset)
        return ParseError(pos.file, pos.line, pos.column, reason)

    def text(self, node: Node) -> str:
        return _decode(self.data[node.start_byte : node.end_byte])

    def shown(self, node: Node) -> str:
        """A node's text for an error message (whose node may cut a character in two)."""
        return _shown(self.data[node.start_byte : node.end_byte])

    # Structure -------------------------------------------------------------------------------

    def file_body(self, root: Node) -> Body:
        for child in root.children:
            if child.kind_id == K.body:
                return self.body(child, None, None)
            if child.kind_id == K.object:
                raise self.error(
                    child.start_byte,
                    "Argument or block definition required: a .tf file holds arguments and blocks, "
                    "not an object (Terraform's JSON syntax goes in a .tf.json file)",
                )
        return Body()

    def lone_attribute(self, root: Node) -> Node | None:
        """The one attribute a wrapped expression or template makes; None if it made more."""
        items = [c for c in root.children if c.kind_id != K.comment]
        if len(items) != 1 or items[0].kind_id != K.body:
            return None
        attributes = [c for c in items[0].children if c.kind_id != K.comment]
        if len(attributes) != 1 or attributes[0].kind_id != K.attribute:
            return None
        self.check_one_line(attributes[0], sensitive=True)
        return attributes[0]

    def only_heredoc(self, attribute: Node | None) -> Node | None:
        node = attribute.children[-1] if attribute is not None else None
        while node is not None and node.kind_id != K.heredoc_template:
            children = node.children
            node = children[0] if len(children) == 1 else None
        return node

    def body(self, node: Node, opening_end: int | None, closing_start: int | None) -> Body:
        """A body's arguments and blocks; ``opening_end`` and ``closing_start``: where the braces
        of its block end and start (None for a file's body).

        Each item must end its line. A block whose first item is on the line of its opening
        brace is a single-line block, whose own rules :mod:`dynlint.validate` checks.
        """
        body = Body()
        previous: Node | None = None
        checked = True
        for item in node.children:
            kind = item.kind_id
            if kind == K.attribute:
                self.add_attribute(body, item)
            elif kind == K.block:
                body.blocks.append(self.block(item))
            else:
                if kind == K.comment:
                    self.comment_nodes[item.start_byte] = item
                continue
            if previous is None:
                checked = opening_end is None or self.breaks_line(opening_end, item.start_byte)
            elif checked:
                self.require_newline(previous, item.start_byte)
            previous = item
        if previous is not None and checked and closing_start is not None:
            self.require_newline(previous, closing_start)
        return body

    def require_newline(self, item: Node, next_start: int) -> None:
        if self.breaks_line(item.end_byte, next_start):
            return
        if item.kind_id == K.attribute:
            reason = "Missing newline after argument: An argument definition must end with a newline."
        else:
            reason = "Missing newline after block definition: A block definition must end with a newline."
        raise self.error(next_start, reason)

    def breaks_line(self, start: int, end: int) -> bool:
        """Whether a newline (outside a ``/* */`` comment) separates two tokens."""
        gap = self.data[start:end]
        if b"/*" in gap:
            gap = _BLOCK_COMMENT.sub(b" ", gap)
        return b"\n" in gap

    def add_attribute(self, body: Body, node: Node) -> None:
        children = node.children
        name = self.name(children[0])
        start, end = node.start_point, node.end_point
        if start[0] != end[0]:
            self.check_one_line(node, sensitive=True)
        value = children[-1]
        if value.kind_id != K.expression:
            value = next(c for c in reversed(children) if c.kind_id == K.expression)
        attribute = Attribute(name, self.expression(value), self.point_pos(*start), end[0] + self.line_base)
        if name in body.attributes:
            body.duplicates.append(attribute)
        else:
            body.attributes[name] = attribute

    def block(self, node: Node) -> Block:
        children = node.children
        block_type = self.name(children[0])
        labels: list[str] = []
        inner: Node | None = None
        opening = closing = children[-1]
        for child in children[1:]:
            kind = child.kind_id
            if kind == K.string_lit:
                labels.append(self.label(child))
            elif kind == K.identifier:
                labels.append(self.name(child))
            elif kind == K.block_start:
                opening = child
            elif kind == K.body:
                inner = child
            elif kind == K.comment:
                self.comment_nodes[child.start_byte] = child
        start = node.start_point
        if opening.start_point[0] != start[0]:
            raise self.error(
                self.data.find(b"\n", node.start_byte),
                'Invalid block definition: the line ends before the block\'s opening brace ("{"); a '
                "block's labels and its brace go on the line of its type.",
            )
        body = self.body(inner, opening.end_byte, closing.start_byte) if inner is not None else Body()
        return Block(block_type, labels, body, self.point_pos(*start), self.end_line(closing))

    def name(self, node: Node) -> str:
        """An identifier that names an argument, a block, an attribute or a variable."""
        text = self.text(node)
        if self.names_with_colons and "::" in text:
            raise self.error(
                node.start_byte + text.index("::"),
                f"invalid name {text!r}: '::' only joins the parts of a function name",
            )
        return text

    def label(self, node: Node) -> str:
        raw = self.data[node.start_byte + 1 : node.end_byte - 1]
        text = self.string_text(raw, node.start_byte + 1)
        if any(m.group(0) in ("${", "%{") for m in _TEMPLATE_SEQUENCE.finditer(_decode(raw))):
            raise self.error(node.start_byte, _NOT_IN_LABEL)
        return text

    def comments(self, root: Node) -> list[Comment]:
        """Every comment: of the text's comment openers, those tree-sitter lexed as a comment
        (met on the way, or looked up in the tree; a ``#`` in a string is none)."""
        found: list[Comment] = []
        if not self.has_comments:
            return found
        inside = 0  # the end of the last comment found: an opener before it is part of it
        for match in _COMMENT_START.finditer(self.data):
            start = match.start()
            if start < inside:
                continue
            node = self.comment_nodes.get(start) or root.descendant_for_byte_range(start, start + 1)
            if node is not None and node.kind_id == K.comment and node.start_byte == start:
                found.append(Comment(self.text(node).strip(), self.pos(node)))
                inside = node.end_byte
        return found

    # Expressions ---------------------------------------------------------------------------

    def expression(self, node: Node) -> Expr:
        children = node.children
        if self.has_comments:
            children = [c for c in children if c.kind_id != K.comment]
        if len(children) == 1:
            return self.primary(children[0])
        return self.term(children)

    def term(self, nodes: list[Node]) -> Expr:
        """A term and the steps after it (``.name``, ``[key]``, splats), given as sibling nodes."""
        first = nodes[0]
        if len(nodes) == 1:
            return self.primary(first)
        if first.kind_id == K.lparen:
            target = self.expression(nodes[1])
            steps = nodes[3:]
        else:
            target = self.primary(first)
            steps = nodes[1:]
        if steps:
            pos = self.pos(first)
            for step in steps:
                target = self.step(target, step, pos)
        return target

    def primary(self, node: Node) -> Expr:
        method = _PRIMARY.get(node.kind_id)
        if method is None:  # unreachable on a tree without errors
            raise self.error(node.start_byte, f"unsupported expression {node.type}")
        return method(self, node)

    def literal_value(self, node: Node) -> Expr:
        child = node.children[0]
        kind = child.kind_id
        if kind == K.numeric_lit:
            return self.number(child)
        if kind == K.string_lit:
            return self.string(child)
        if kind == K.bool_lit:
            return Literal(self.data[child.start_byte] == ord("t"), self.pos(child))
        return Literal(None, self.pos(child))

    def number(self, node: Node) -> Expr:
        text = self.text(node)
        if text[:2] in ("0x", "0X"):
            raise self.error(node.start_byte + 1, f"invalid number {text!r}: numbers in HCL are decimal")
        following = self.data[node.end_byte : node.end_byte + 2]
        if not _NUMBER.fullmatch(text) or (following[:1] == b"." and following[1:].isdigit() and "." in text):
            # 1e3.5, or 1.5.1: HCL reads the digits after the dot as part of the number
            raise self.error(node.start_byte, f"Invalid number literal {text[:40]!r}")
        if text.isdigit():
            if len(text) > MAX_NUMBER_DIGITS:
                raise self.error(node.start_byte, _out_of_range(text))
            return Literal(int(text), self.pos(node))
        value = float(text)
        if not math.isfinite(value):
            raise self.error(node.start_byte, _out_of_range(text))
        return Literal(int(value) if value.is_integer() else value, self.pos(node))

    def string(self, node: Node) -> Expr:
        start = node.start_byte + 1
        return Literal(self.string_text(self.data[start : node.end_byte - 1], start), self.pos(node))

    def string_text(self, raw: bytes, offset: int) -> str:
        """A quoted string's inside as its value; ``offset``: where it starts."""
        if b"\n" in raw:
            raise self.error(offset + raw.index(b"\n"), _MULTI_LINE_STRING)
        text = _decode(raw)
        if "\\" in text or "$${" in text or "%%{" in text:
            return self.unescape(text, offset)
        return text

    def unescape(self, text: str, offset: int) -> str:
        def replace(match: re.Match[str]) -> str:
            escape = match.group(0)
            if escape in ("$${", "%%{"):
                return escape[1:]
            if len(escape) == 2 and escape[1] in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[escape[1]]
            code = int(escape[2:], 16) if len(escape) in (6, 10) and escape[1] in "uU" else -1
            if 0 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                return chr(code)
            where = offset + len(_encode(text[: match.start()]))
            raise self.error(where, f"Invalid escape sequence: {escape!r} is not an escape HCL knows")

        return _QUOTED_ESCAPE.sub(replace, text)

    def variable(self, node: Node) -> Expr:
        return Variable(self.name(node), self.pos(node))

    def step(self, target: Expr, node: Node, pos: Pos) -> Expr:
        kind = node.kind_id
        if kind == K.get_attr:
            return GetAttr(target, self.name(node.children[-1]), pos)
        if kind == K.index:
            return Index(target, self.index_key(node.children[0]), pos)
        return self.splat(target, node.children[0], pos)

    def index_key(self, node: Node) -> Expr:
        if node.kind_id == K.legacy_index:  # x.0
            return self.legacy_index(node)
        return self.expression(next(c for c in node.children if c.kind_id == K.expression))

    def legacy_index(self, node: Node) -> Expr:
        """``x.0``: HCL reads the number after the dot as a number token, so ``x.0.1`` (the
        index 0.1 without its exponent) is refused, and ``x.1e3`` is the index 1000."""
        end = node.end_byte
        digits = _decode(self.data[node.start_byte + 1 : end]).strip()
        if self.data[end : end + 1] == b"." and self.data[end + 1 : end + 2].isdigit():
            raise self.error(
                node.start_byte, "Invalid legacy index syntax: the index after '.' must be a whole number"
            )
        if len(digits) > MAX_NUMBER_DIGITS:
            raise self.error(node.start_byte + 1, _out_of_range(digits))
        if not _NUMBER.fullmatch(digits):
            raise self.error(node.start_byte, f"Invalid legacy index syntax: {digits[:40]!r} is not a number")
        if digits.isdigit():
            return Literal(int(digits), self.pos(node))
        value = float(digits)
        if not math.isfinite(value):
            raise self.error(node.start_byte + 1, _out_of_range(digits))
        return Literal(int(value) if value.is_integer() else value, self.pos(node))

    def splat(self, target: Expr, node: Node, pos: Pos) -> Expr:
        steps = [self.splat_step(c) for c in node.children if c.kind_id in (K.get_attr, K.index)]
        if node.kind_id == K.full_splat:
            return Splat(target, steps, pos)
        # A legacy splat (``x.*.id``) takes attribute steps only: an index after it applies to
        # the resulting list (``x.*.id[0]`` is the first id), as HCL specifies.
        names = 0
        while names < len(steps) and steps[names].name is not None:
            names += 1
        expr: Expr = Splat(target, steps[:names], pos)
        for step in steps[names:]:
            expr = GetAttr(expr, step.name, pos) if step.name is not None else Index(expr, step.key, pos)
        return expr

    def splat_step(self, node: Node) -> SplatStep:
        if node.kind_id == K.get_attr:
            return SplatStep(name=self.name(node.children[-1]))
        return SplatStep(key=self.index_key(node.children[0]))

    def collection(self, node: Node) -> Expr:
        child = node.children[0]
        if child.kind_id == K.tuple:
            items = [self.expression(c) for c in child.children if c.kind_id == K.expression]
            return TupleExpr(items, self.pos(child))
        return self.object(child)

    def object(self, node: Node) -> Expr:
        """An object; its items need a comma or a newline between them, as HCL requires, and a
        comma only directly after an item."""
        items: list[ObjectItem] = []
        previous_end = -1
        comma = False
        for child in node.children:
            kind = child.kind_id
            if kind == K.object_elem:
                if previous_end >= 0 and not comma and not self.breaks_line(previous_end, child.start_byte):
                    raise self.error(child.start_byte, _OBJECT_SEPARATOR)
                elements = child.children
                if self.has_comments:
                    elements = [c for c in elements if c.kind_id == K.expression]
                key, value = self.object_key(elements[0]), self.expression(elements[-1])
                items.append(ObjectItem(key, value, self.pos(child)))
                previous_end, comma = child.end_byte, False
            elif kind == K.comma:
                if previous_end < 0 or comma or self.breaks_line(previous_end, child.start_byte):
                    raise self.error(child.start_byte, "Invalid expression: expected an attribute, found ','")
                comma = True
            elif kind == K.comment:
                self.comment_nodes[child.start_byte] = child
        return ObjectExpr(items, self.pos(node))

    def object_key(self, node: Node) -> Expr:
        """A bare word is the key itself (``a = 1``, ``true = 1``); anything else is evaluated."""
        children = node.children
        if len(children) == 1:
            child = children[0]
            kind = child.kind_id
            if kind == K.variable_expr:
                return Literal(self.name(child), self.pos(child))
            if kind == K.literal_value and child.children[0].kind_id in (K.bool_lit, K.null_lit):
                return Literal(self.text(child), self.pos(child))
        return self.expression(node)

    def function_call(self, node: Node) -> Expr:
        children = node.children
        args: list[Expr] = []
        expand = False
        for child in children:
            if child.kind_id == K.function_arguments:
                for argument in child.children:
                    if argument.kind_id == K.expression:
                        args.append(self.expression(argument))
                    elif argument.kind_id == K.ellipsis:
                        expand = True
        return Call(self.text(children[0]), args, expand, self.pos(node))

    def conditional(self, node: Node) -> Expr:
        # tree-sitter-hcl nests ``a ? b : c ? d : e`` to the left, as (a ? b : c) ? d : e; HCL
        # nests it to the right, as a ? b : (c ? d : e). The left spine, read as the sequence
        # a, b, c, d, e, is folded again from the right.
        sequence: list[Node] = []
        current = node
        while True:
            condition, if_true, if_false = (c for c in current.children if c.kind_id == K.expression)
            sequence[:0] = [if_true, if_false]
            inner = condition.children
            if len(inner) != 1 or inner[0].kind_id != K.conditional:
                sequence.insert(0, condition)
                break
            current = inner[0]
        expr = self.expression(sequence[-1])
        for index in range(len(sequence) - 3, -1, -2):
            condition, if_true = sequence[index], sequence[index + 1]
            expr = Conditional(
                self.expression(condition), self.expression(if_true), expr, self.pos(condition)
            )
        return expr

    def operation(self, node: Node) -> Expr:
        child = node.children[0]
        children = child.children
        if self.has_comments:
            children = [c for c in children if c.kind_id != K.comment]
        if child.kind_id == K.unary_operation:
            return UnaryOp(self.text(children[0]), self.term(children[1:]), self.pos(child))
        split = next(i for i, c in enumerate(children) if c.kind_id in K.binary_operators)
        left, right = self.term(children[:split]), self.term(children[split + 1 :])
        return BinaryOp(self.text(children[split]), left, right, self.pos(child))

    def for_expr(self, node: Node) -> Expr:
        child = node.children[0]
        key_expr: Expr | None = None
        value_expr: Expr | None = None
        condition: Expr | None = None
        grouping = False
        key_var: str | None = None
        value_var = ""
        collection: Expr | None = None
        for part in child.children:
            kind = part.kind_id
            if kind == K.for_intro:
                names = [self.name(c) for c in part.children if c.kind_id == K.identifier]
                key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
                collection = self.expression(next(c for c in part.children if c.kind_id == K.expression))
            elif kind == K.expression:
                if child.kind_id == K.for_object_expr and key_expr is None:
                    key_expr = self.expression(part)
                else:
                    value_expr = self.expression(part)
            elif kind == K.ellipsis:
                grouping = True
            elif kind == K.for_cond:
                condition = self.expression(next(c for c in part.children if c.kind_id == K.expression))
        if collection is None or value_expr is None:  # unreachable on a tree without errors
            raise self.error(child.start_byte, "Invalid for expression")
        return ForExpr(
            key_var, value_var, collection, key_expr, value_expr, condition, grouping, self.pos(child)
        )

    # Templates ---------------------------------------------------------------------------------

    def template_expr(self, node: Node) -> Expr:
        child = node.children[0]
        if child.kind_id == K.heredoc_template:
            return self.heredoc(child)
        children = child.children
        start, end = children[0].end_byte, children[-1].start_byte
        tokens = self.template_tokens(children[1:-1], start, end, quoted=True, escapes=True)
        return self.template(tokens, self.pos(child), flush=False)

    def heredoc(
        self,
        node: Node,
        body_end: int | None = None,
        flush: bool | None = None,
        escapes: bool = False,
        pos: Pos | None = None,
    ) -> Expr:
        """A heredoc; ``body_end``, ``flush`` and ``pos`` given for a template's text (see
        :func:`_template_from_text`), ``escapes`` to process backslash escapes in its text."""
        children = node.children
        introducer, opening, closing = children[0], children[1], children[-1]
        if introducer.end_byte != opening.start_byte:
            raise self.error(
                introducer.end_byte, "Invalid heredoc: no space may come between << and its marker"
            )
        start = opening.end_byte
        if self.data[start : start + 1] == b"\r":
            start += 1
        if self.data[start : start + 1] != b"\n":
            raise self.error(start, "Invalid heredoc: the line must end right after the heredoc marker")
        start += 1
        if flush is None:
            flush = self.data[introducer.start_byte : introducer.end_byte] == b"<<-"
        if body_end is None:
            body_end = max(self.data.rfind(b"\n", 0, closing.start_byte) + 1, start)
        tokens = self.template_tokens(children[2:-1], start, body_end, quoted=False, escapes=escapes)
        return self.template(tokens, pos or self.pos(node), flush)

    def template(self, tokens: list[_Token], pos: Pos, flush: bool) -> Expr:
        _strip_markers(tokens)
        if flush:
            _flush_indentation(tokens)
        if len(tokens) == 1 and tokens[0][0] == "interp":
            # "${x}" alone yields x itself, not its string form, as in Terraform ("${1.5}" is 1.5).
            return self.interpolation(tokens[0][1])
        if all(token[0] == "text" for token in tokens):
            return Literal("".join(token[1] for token in tokens), pos)
        parts, _ = self.template_parts(tokens, 0, pos, ())
        return Template(parts, pos)

    def template_tokens(
        self, parts: list[Node], start: int, end: int, quoted: bool, escapes: bool
    ) -> list[_Token]:
        """The template between ``start`` and ``end`` as tokens: literal text (one token per line,
        so that a strip marker strips only the rest of its own line, as HCL scans templates) and
        the interpolations and directive parts. ``quoted``: the inside of a quoted string, one
        line; ``escapes``: backslash escapes are processed."""
        sequences: list[tuple[str, Node]] = []
        self.flatten_template(parts, sequences)
        tokens: list[_Token] = []
        cursor, line_start = start, True
        for tag, node in sequences:
            if node.start_byte > cursor:
                line_start = self.add_text(tokens, cursor, node.start_byte, line_start, quoted, escapes)
            children = node.children
            left = children[1].kind_id == K.strip_marker
            right = len(children) > 3 and children[-2].kind_id == K.strip_marker
            tokens.append([tag, node, left, right, line_start])
            cursor, line_start = node.end_byte, False
        if end > cursor:
            self.add_text(tokens, cursor, end, line_start, quoted, escapes)
        return tokens

    def flatten_template(self, parts: list[Node], out: list[tuple[str, Node]]) -> None:
        for part in parts:
            kind = part.kind_id
            if kind == K.template_interpolation:
                out.append(("interp", part))
            elif kind in (K.template_directive, K.template_if, K.template_for):
                self.flatten_template(part.children, out)
            elif kind in K.directives:
                out.append((K.directives[kind], part))

    def add_text(
        self, tokens: list[_Token], start: int, end: int, line_start: bool, quoted: bool, escapes: bool
    ) -> bool:
        """Literal text as tokens; returns whether what follows starts a line."""
        raw = self.data[start:end]
        if quoted:
            if b'"' in raw:
                self.check_no_closing_quote(raw, start)
            tokens.append(["text", self.string_text(raw, start), line_start])
            return False
        lines = _decode(raw).split("\n")
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            if last and not line:
                break
            text = line if last else line + "\n"
            if escapes:
                text = self.unescape(text, start)
            elif "$${" in text or "%%{" in text:
                text = _TEMPLATE_ESCAPE.sub(lambda m: m.group(0)[1:], text)
            tokens.append(["text", text, line_start])
            line_start = not last
        return line_start

    def check_no_closing_quote(self, raw: bytes, offset: int) -> None:
        """An unescaped quote ends a quoted string in HCL; tree-sitter-hcl reads one inside a
        template directive as text (``"%{ if a }"b%{ endif }"``)."""
        for match in _QUOTE_OR_ESCAPE.finditer(raw):
            if match.group(0) == b'"':
                raise self.error(
                    offset + match.start(),
                    "Unexpected end of template: this quote ends the string before the %{end...} "
                    "of its template directive",
                )

    def interpolation(self, node: Node) -> Expr:
        """The expression of an interpolation, or of an ``%{if}`` or ``%{for}`` directive."""
        expression = next((c for c in node.children if c.kind_id == K.expression), None)
        if expression is None:
            raise self.error(node.children[-1].start_byte, "Invalid expression: expected an expression here")
        return self.expression(expression)

    def template_parts(
        self, tokens: list[_Token], index: int, pos: Pos, ends: tuple[str, ...]
    ) -> tuple[list[Expr], int]:
        """Parts from ``tokens[index]`` up to a directive in ``ends``; returns them and its index."""
        parts: list[Expr] = []
        text: Literal | None = None  # the literal that text tokens in a row add to
        while index < len(tokens):
            token = tokens[index]
            tag = token[0]
            if tag == "text":
                if token[1]:
                    if text is None:
                        text = Literal(token[1], pos)
                        parts.append(text)
                    else:
                        text.value += token[1]
                index += 1
                continue
            text = None
            if tag == "interp":
                parts.append(self.interpolation(token[1]))
            elif tag in ends:
                return parts, index
            elif tag == "if":
                part, index = self.template_if(tokens, index, pos)
                parts.append(part)
            elif tag == "for":
                part, index = self.template_for(tokens, index, pos)
                parts.append(part)
            else:  # unreachable: tree-sitter pairs every directive
                raise self.error(token[1].start_byte, f"unexpected %{{{tag}}}")
            index += 1
        if ends:  # unreachable, as above
            raise ParseError(
                pos.file, pos.line, pos.column, f"unterminated directive: expected %{{{ends[-1]}}}"
            )
        return parts, index

    def template_if(self, tokens: list[_Token], index: int, pos: Pos) -> tuple[Expr, int]:
        intro = tokens[index][1]
        condition = self.interpolation(intro)
        then_parts, index = self.template_parts(tokens, index + 1, pos, ("else", "endif"))
        else_parts: list[Expr] = []
        if tokens[index][0] == "else":
            else_parts, index = self.template_parts(tokens, index + 1, pos, ("endif",))
        return TemplateIf(condition, then_parts, else_parts, self.pos(intro)), index

    def template_for(self, tokens: list[_Token], index: int, pos: Pos) -> tuple[Expr, int]:
        intro = tokens[index][1]
        names = [self.name(c) for c in intro.children if c.kind_id == K.identifier]
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        collection = self.interpolation(intro)
        parts, index = self.template_parts(tokens, index + 1, pos, ("endfor",))
        return TemplateFor(key_var, value_var, collection, parts, self.pos(intro)), index

    # Newlines in expressions -------------------------------------------------------------------

    def check_one_line(self, node: Node, sensitive: bool) -> None:
        """In a body and in an object, a newline ends an argument or item: outside brackets,
        parentheses, templates and ``for`` expressions, an expression may not go on to the next
        line (``a = 1 +`` then ``2``)."""
        if node.start_point[0] == node.end_point[0]:
            return
        kind = node.kind_id
        children = node.children
        if kind == K.object:
            for child in children:
                if child.kind_id == K.object_elem:
                    self.check_one_line(child, sensitive=True)
            return
        if kind in K.newlines_allowed_inside:
            for child in children:
                self.check_one_line(child, sensitive=False)
            return
        depth = 0
        previous: Node | None = None
        for child in children:
            child_kind = child.kind_id
            if child_kind == K.comment:
                continue
            breaks = sensitive and depth == 0 and previous is not None
            if breaks and self.breaks_line(previous.end_byte, child.start_byte):
                raise self.line_ended(previous, child)
            if child_kind == K.lparen:
                depth += 1
            elif child_kind == K.rparen:
                depth -= 1
            self.check_one_line(child, sensitive and depth == 0)
            previous = child

    def line_ended(self, previous: Node, following: Node) -> ParseError:
        """A newline between two tokens of an expression: HCL ends the argument there, so the
        error is the token after it if what came before was complete, else the line's end."""
        if previous.is_named or self.data[previous.start_byte : previous.end_byte] in (b")", b"]", b"}"):
            token = _TOKEN.match(self.data, following.start_byte)
            shown = _shown(token.group(0)) if token is not None else ""
            return self.error(
                following.start_byte,
                f"unexpected {shown!r} at the start of a line: the newline before it ended the argument "
                "(an expression may go on over lines only inside (), [] or {})",
            )
        shown = _shown(self.data[previous.start_byte : previous.end_byte])
        return self.error(
            previous.end_byte,
            f"Invalid expression: the line ends after {shown!r}, in the middle of an expression (a newline "
            "ends an argument; an expression may go on over lines only inside (), [] or {})",
        )

    def check_whitespace(self, root: Node) -> None:
        text = _decode(self.data)
        for match in _ODD_WHITESPACE.finditer(text):
            offset = len(_encode(text[: match.start()])) if not self.ascii else match.start()
            node = root.descendant_for_byte_range(offset, offset + 1)
            if node is not None and node.kind_id in K.text_kinds:
                continue
            raise self.error(
                offset, f"Invalid character: {match.group(0)!r} is not valid here (only spaces and tabs are)"
            )


_PRIMARY: dict[int, Any] = {}  # the converter's method for each kind of term


def _register_kinds() -> None:
    """Fill ``_PRIMARY``, once tree-sitter-hcl's kinds are known."""
    c = _Converter
    _PRIMARY.update(
        {
            K.expression: c.expression,
            K.literal_value: c.literal_value,
            K.template_expr: c.template_expr,
            K.collection_value: c.collection,
            K.variable_expr: c.variable,
            K.function_call: c.function_call,
            K.for_expr: c.for_expr,
            K.operation: c.operation,
            K.conditional: c.conditional,
        }
    )


# Nesting depth: counted on the text before the parser (whose passes recurse) sees it ----------

_CODE_TOKEN = re.compile(
    r'#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|<<-?[ \t]*([A-Za-z_][\w-]*)[ \t]*\r?\n|"|[{\[(]|[}\])]', re.S
)
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|[$%]\{|"|\n', re.S)
_HEREDOC_TOKEN = re.compile(r"\$\$\{|%%\{|[$%]\{")


def check_nesting(text: str, display_path: str, limit: int = MAX_NESTING) -> None:
    """Refuse HCL nested more than ``limit`` levels (brackets, parentheses, interpolations)."""
    openers = text.count("{") + text.count("[") + text.count("(") + text.count('"') + text.count("<<")
    if openers <= limit:  # each level needs one of these: the text cannot nest deeper
        return
    stack: list[str] = []  # "{", "[", "(", "${" in code; '"' or a heredoc end marker in text
    pos = 0
    while pos < len(text):
        if stack and stack[-1] == '"':
            match = _STRING_TOKEN.search(text, pos)
            if match is None:
                return
            token = match.group(0)
            if token in ("${", "%{"):
                stack.append("${")
            elif token in ('"', "\n"):
                stack.pop()
        elif stack and stack[-1].startswith("<<"):
            end = _heredoc_end(text, pos, stack[-1][2:])
            match = _HEREDOC_TOKEN.search(text, pos, end)
            if match is None:
                stack.pop()
                pos = end
                continue
            if match.group(0) in ("${", "%{"):
                stack.append("${")
        else:
            match = _CODE_TOKEN.search(text, pos)
            if match is None:
                return
            token = match.group(0)
            if token == '"':
                stack.append('"')
            elif token.startswith("<<"):
                stack.append("<<" + match.group(1))
            elif token in "{[(":
                stack.append(token)
            elif token in "}])" and stack:
                stack.pop()
        if len(stack) > limit:
            line, column = line_and_column(text, match.start())
            raise ParseError(display_path, line, column, f"nested more than {limit} levels deep")
        pos = match.end()


def _heredoc_end(text: str, pos: int, marker: str) -> int:
    found = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.M).search(text, pos)
    return found.end() if found else len(text)


def _flush_indentation(tokens: list[_Token]) -> None:
    """Remove the smallest indentation of the lines from each line's first literal; a blank line
    is left alone, and a line that starts with a sequence has none."""
    starts = [t for t in tokens if t[0] == "text" and t[2] and not _blank_line(t[1])]
    width = min((len(t[1]) - len(t[1].lstrip(" \t")) for t in starts), default=0)
    if any(t[0] != "text" and t[4] for t in tokens):
        width = 0
    for token in starts:
        token[1] = token[1][width:]


def _blank_line(text: str) -> bool:
    return text.endswith("\n") and not text.strip(" \t\r\n")


def _strip_markers(tokens: list[_Token]) -> None:
    """``~`` beside a sequence removes the whitespace (newlines included) on that side."""
    for i, token in enumerate(tokens):
        if token[0] == "text":
            continue
        if token[2] and i > 0 and tokens[i - 1][0] == "text":
            tokens[i - 1][1] = tokens[i - 1][1].rstrip(" \t\r\n")
        if token[3] and i + 1 < len(tokens) and tokens[i + 1][0] == "text":
            tokens[i + 1][1] = tokens[i + 1][1].lstrip(" \t\r\n")


# Syntax errors ---------------------------------------------------------------------------------
# tree-sitter recovers from an error by skipping tokens (kept under an ERROR node) or by
# supposing a missing one (a MISSING node, of no width); it says neither why nor what was
# expected. The first such node in the text, and what surrounds it, give the reason.
# Text shown in a reason may be cut in the middle of a character: it is decoded leniently.


def _shown(data: bytes) -> str:
    return data.decode("utf-8", "replace")


# The opening token of each closing one that tree-sitter may find missing.
_OPENERS = {
    "}": "{",
    "]": "[",
    ")": "(",
    "quoted_template_end": '"',
    "heredoc_identifier": "<<",
    "template_interpolation_end": "${",
    "template_directive_end": "%{",
}
_TOKEN = re.compile(
    rb"[A-Za-z_][\w-]*|\d+(?:\.\d+)?|<<-?|=>|==|!=|<=|>=|&&|\|\||\.\.\.|\$\{|%\{|[\xc0-\xff][\x80-\xbf]*|\S"
)


def _syntax_error(converter: _Converter, root: Node) -> ParseError:
    offset, reason = _syntax_problem(converter, root)
    return converter.error(offset, f"{reason}: this is not valid HCL")


def _syntax_problem(converter: _Converter, root: Node) -> tuple[int, str]:
    """Where the text stops making sense, and why."""
    problem = _first_problem(root)
    if problem is None:  # unreachable: the tree has an error
        return 0, "this is not valid HCL"
    if problem.is_missing:
        offset, reason = _missing(converter, problem)
    else:
        offset, reason = _unexpected(converter, problem)
    offset, reason = _at_line_break(converter, root, problem, offset, reason)
    # What HCL's scanner finds wins when it comes first, on the same line, or in a template
    # directive left open before tree-sitter's error (whose reason would then be some text).
    lexical = _lexical_problem(converter)
    if lexical is not None:
        where, why, since = lexical
        directive = "%{" in why and since <= offset
        if where <= offset or directive or b"\n" not in converter.data[offset:where]:
            offset, reason = where, why
    return offset, reason


# The text as HCL's scanner sees it, for errors: strings end on their line, heredocs at their
# marker, comments at their end; brackets nest. tree-sitter's grammar lets a string run over
# lines and ignores newlines, so its first error can come lines after HCL's.
_LEX_CODE = re.compile(
    rb'#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|<<-?([A-Za-z_][\w-]*)\r?\n|"|\$\{|%\{|[{\[(]|[}\])]|\n', re.S
)
_LEX_STRING = re.compile(rb'\\.|\$\$\{|%%\{|[$%]\{|"|\n', re.S)
_LEX_HEREDOC = re.compile(rb"\$\$\{|%%\{|[$%]\{")
_CLOSING = {b"{": b"}", b"[": b"]", b"(": b")", b"${": b"}", b"%{": b"}"}


def _lexical_events(
    data: bytes, start: int = 0, line_of: Callable[[int], int] | None = None
) -> Iterator[tuple[str, int, Any]]:
    """("newline", offset, depth) for each newline in code; ("problem", offset, (reason, where
    the construct began)) where HCL's scanner stops: a string left open at the end of its line,
    a comment or heredoc never closed, a closing bracket that closes nothing or another kind, a
    template directive out of place. Then it stops."""
    if line_of is None:

        def line_of(offset: int) -> int:
            return data.count(b"\n", 0, offset) + 1

    stack: list[tuple[bytes, int]] = []  # an opening bracket, '"' or b"<<" + heredoc marker
    directives: list[list[tuple[bytes, int]]] = []  # the open %{if}/%{for} of each template
    offset = start
    while offset < len(data):
        top = stack[-1][0] if stack else b""
        if top == b'"' or top.startswith(b"<<"):
            if top == b'"':
                found = _LEX_STRING.search(data, offset)
                if found is None or found.group(0) == b"\n":
                    where = found.start() if found is not None else len(data)
                    reason = "unclosed string: a quoted string must end on the line it starts on"
                    yield "problem", where, (reason, stack[-1][1])
                    return
                end, closed = found.end(), found.group(0) == b'"'
            else:
                marker = re.compile(rb"^[ \t]*" + re.escape(top[2:]) + rb"[ \t]*\r?$", re.M).search(
                    data, offset
                )
                if marker is None and _LEX_HEREDOC.search(data, offset) is None:
                    reason = f"unclosed heredoc: no line holds only its marker {_shown(top[2:])!r}"
                    yield "problem", stack[-1][1], (reason, stack[-1][1])
                    return
                end = marker.end() if marker is not None else len(data)
                found = _LEX_HEREDOC.search(data, offset, end)
                closed = found is None
            if closed:
                where = end - 1 if top == b'"' else end
                for word, opened in directives.pop():
                    line = line_of(opened)
                    reason = f"the %{{{_shown(word)}}} at line {line} has no %{{end{_shown(word)}}}"
                    yield "problem", where, (reason, opened)
                    return
                stack.pop()
                offset = end
                continue
            assert found is not None
            token = found.group(0)
            if token in (b"${", b"%{"):
                if token == b"%{":
                    problem = _directive_problem(data, found.start(), directives[-1])
                    if problem is not None:
                        yield "problem", found.start(), (problem, found.start())
                        return
                stack.append((token, found.start()))
            offset = found.end()
            continue
        found = _LEX_CODE.search(data, offset)
        if found is None:
            return
        token = found.group(0)
        if token == b"\n":
            yield "newline", found.start(), len(stack)
        elif token.startswith(b"/*") and not token.endswith(b"*/"):
            yield "problem", found.start(), ("unclosed comment: a /* comment needs its */", found.start())
            return
        elif token.startswith(b"<<") or token == b'"':
            stack.append((b"<<" + found.group(1) if token.startswith(b"<<") else token, found.start()))
            directives.append([])
        elif token in _CLOSING:
            stack.append((token, found.start()))
        elif token in (b"}", b"]", b")"):
            if not stack:
                reason = f"unexpected {_shown(token)!r}: it closes nothing"
                yield "problem", found.start(), (reason, found.start())
                return
            opening, opened = stack.pop()
            if _CLOSING[opening] != token:
                line = line_of(opened)
                shown, opener = _shown(token), _shown(opening)
                reason = f"unexpected {shown!r}: the {opener!r} opened at line {line} is not closed"
                yield "problem", found.start(), (reason, opened)
                return
        offset = found.end()


_DIRECTIVE = re.compile(rb"%\{~?[ \t\r\n]*([A-Za-z_]\w*)?")


def _directive_problem(data: bytes, offset: int, open_directives: list[tuple[bytes, int]]) -> str | None:
    """What is wrong with the template directive at ``offset``, given those still open."""
    match = _DIRECTIVE.match(data, offset)
    word = match.group(1) if match is not None else None
    if word in (b"if", b"for"):
        open_directives.append((word, offset))
        return None
    if word == b"else":
        if open_directives and open_directives[-1][0] == b"if":
            open_directives[-1] = (b"if-else", open_directives[-1][1])
            return None
        return "%{else} is only valid inside an %{if}, before its %{endif}"
    if word in (b"endif", b"endfor"):
        opening = word[3:]
        if open_directives and open_directives[-1][0].split(b"-")[0] == opening:
            open_directives.pop()
            return None
        return f"%{{{_shown(word)}}} without an %{{{_shown(opening)}}} before it"
    return "invalid template directive: %{ is followed by if, for, else, endif or endfor"


def _lexical_problem(converter: _Converter) -> tuple[int, str, int] | None:
    """Where HCL's scanner stops, why, and where the construct it stops in began."""
    for kind, offset, detail in _lexical_events(converter.data, 0, lambda o: converter.offset_pos(o).line):
        if kind == "problem":
            reason, since = detail
            return offset, reason, since
    return None


def _at_line_break(
    converter: _Converter, root: Node, problem: Node, offset: int, reason: str
) -> tuple[int, str]:
    """An error that tree-sitter found lines after the argument or object item it is in began:
    HCL ends an item at the first newline outside brackets, and stops there if the item is not
    complete (no '=' yet, or an operator last)."""
    item = _item_at(root, problem.start_byte)
    if item is None or item.start_byte >= offset:
        return offset, reason
    data = converter.data
    segment = item.start_byte
    for kind, where, depth in _lexical_events(data[: min(offset, item.end_byte)], item.start_byte):
        if kind != "newline" or depth:
            continue
        head = data[segment:where].strip()
        if not head:
            segment = where + 1
            continue
        if not _has_leaf(item, (b"=", b":", b"{"), segment, where, data):
            shown = _shown(head)[:40]
            if item.parent is not None and item.parent.kind_id == K.object:
                return where, f"expected '=' after the key {shown!r}, on the same line"
            return where, f"expected '=' or a block's '{{' after {shown!r}, on the same line"
        last = _TOKEN_BEFORE.search(head)
        if last is not None and _shown(last.group(0)) in _CONTINUED:
            return where, f"the line ends after {_shown(last.group(0))!r}, in the middle of an expression"
        segment = where + 1
    return offset, reason


def _has_leaf(item: Node, texts: tuple[bytes, ...], start: int, end: int, data: bytes) -> bool:
    """Whether a token of ``texts`` lies under ``item`` between ``start`` and ``end``."""
    stack = [item]
    while stack:
        node = stack.pop()
        if node.start_byte >= end or node.end_byte <= start:
            continue
        if node.child_count == 0:
            if data[node.start_byte : node.end_byte] in texts:
                return True
            continue
        stack.extend(node.children)
    return False


def _item_at(root: Node, offset: int) -> Node | None:
    """The argument, block or object item (or ERROR node in their place) that holds ``offset``,
    the innermost one."""
    node = root.descendant_for_byte_range(offset, offset)
    child: Node | None = None
    while node is not None:
        if node.kind_id in (K.body, K.object) or node.parent is None:
            return child if child is not None and child.type not in ("object_start", "object_end") else None
        child, node = node, node.parent
    return None


_TOKEN_BEFORE = re.compile(rb"(?:[A-Za-z_][\w-]*|\d+|==|!=|<=|>=|&&|\|\||=>|\.\.\.|\S)\Z")
# Tokens after which an expression is not complete.
_OPERATORS = ("+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "!")
_CONTINUED = frozenset([*_OPERATORS, "=", "?", ":", ".", ",", "=>"])


def _first_problem(root: Node) -> Node | None:
    """The first ERROR or MISSING node in the text."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_missing or node.is_error:
            return node
        if node.has_error:
            stack.extend(reversed(node.children))
    return None


def _missing(converter: _Converter, node: Node) -> tuple[int, str]:
    kind = node.type
    offset = node.start_byte
    at_end = offset >= len(converter.data.rstrip())
    if kind in _OPENERS:
        opener = _opener(node)
        shown = _OPENERS[kind]
        where = converter.offset_pos(opener.start_byte).line if opener is not None else None
        opened = f" opened at line {where}" if where is not None else ""
        if kind == "quoted_template_end":
            line_end = converter.data.find(b"\n", opener.start_byte if opener is not None else offset)
            return (
                line_end if line_end >= 0 else offset
            ), f"unclosed string{opened} (a quoted string ends on its line)"
        if kind == "heredoc_identifier":
            identifier = opener.next_sibling if opener is not None else None
            marker = converter.shown(identifier) if identifier is not None else ""
            return offset, f"unclosed heredoc{opened}: no line holds only its marker {marker!r}"
        if at_end:
            return offset, f"the file ends before the '{shown}'{opened} is closed"
        return offset, f"unclosed '{shown}'{opened}"
    previous = _previous_token(converter, offset)
    if kind == "=":
        name = converter.shown(previous) if previous is not None else ""
        return _after(converter, previous, offset), f"missing '=' after the argument name {name!r}"
    after = f" after {converter.shown(previous)!r}" if previous is not None else ""
    if at_end:
        return offset, f"the file ends where an expression should come{after}"
    following = _next_token_offset(converter.data, offset)
    if _cannot_start_a_token(converter.data, following):
        return following, _unexpected_token(converter, following)
    return _after(converter, previous, offset), f"expected an expression{after}"


def _cannot_start_a_token(data: bytes, offset: int) -> bool:
    char = data[offset : offset + 1]
    return bool(char) and not char.isalnum() and char not in b'{}[]()=,.:?!+-*/%<>"_~&|$#\\'


def _after(converter: _Converter, previous: Node | None, offset: int) -> int:
    """Where a missing token is reported: right after the token before it when the line ends
    there (a newline ends an argument), else where it is missing."""
    if previous is not None and converter.breaks_line(previous.end_byte, offset):
        return previous.end_byte
    return offset


def _opener(node: Node) -> Node | None:
    """The token that opened the construct whose closing token is missing."""
    construct = node.parent
    while construct is not None and construct.start_byte == node.start_byte and construct.parent is not None:
        construct = construct.parent
    if construct is None:
        return None
    for child in construct.children:
        if child.type in ("block_start", "object_start", "tuple_start"):
            return child
    closer = node.type
    wanted = {
        ")": ("(",),
        "]": ("[",),
        "quoted_template_end": ("quoted_template_start",),
        "heredoc_identifier": ("heredoc_start",),
        "template_interpolation_end": ("template_interpolation_start",),
        "template_directive_end": ("template_directive_start",),
    }.get(closer, ())
    found = None
    for child in construct.children:
        if child.start_byte >= node.start_byte:
            break
        if child.type in wanted:
            found = child
    return found


def _previous_token(converter: _Converter, offset: int) -> Node | None:
    """The last token (a leaf of the tree) that ends at or before ``offset``."""
    tree_root = converter.root
    if tree_root is None:
        return None
    best: Node | None = None
    stack = [tree_root]
    while stack:
        node = stack.pop()
        if node.end_byte > offset and node.start_byte >= offset:
            continue
        if node.child_count == 0:
            if (
                node.end_byte <= offset
                and not node.is_missing
                and node.type != "comment"
                and (best is None or node.end_byte >= best.end_byte)
            ):
                best = node
            continue
        stack.extend(node.children)
    return best


def _unexpected(converter: _Converter, node: Node) -> tuple[int, str]:
    """An ERROR node: it starts where the construct tree-sitter gave up on starts; the token
    that broke it is the first text under it that no token covers, or where tree-sitter tried
    a token of no width, or else the token after it."""
    data = converter.data
    children = node.children
    first = children[0] if children else None
    parent = node.parent
    at_body_level = parent is None or parent.parent is None or parent.kind_id == K.body
    starts_line = converter.breaks_line(data.rfind(b"\n", 0, node.start_byte) + 1, node.start_byte) or (
        not data[data.rfind(b"\n", 0, node.start_byte) + 1 : node.start_byte].strip()
    )
    if (
        at_body_level
        and starts_line
        and first is not None
        and first.kind_id not in K.item_starts
        and first.end_byte > first.start_byte
    ):
        leaf = first
        while leaf.child_count:
            leaf = leaf.children[0]
        return (
            leaf.start_byte,
            f"{_unexpected_token(converter, leaf.start_byte)}: an argument or block starts with a name",
        )
    point = _first_point(converter, node)
    if point is not None:
        return point, _unexpected_token(converter, point)
    if first is not None and first.type in ("}", "]", ")", "block_end", "object_end", "tuple_end"):
        return first.start_byte, _unexpected_token(converter, first.start_byte)
    for before, after in itertools.pairwise(children):
        if before.type in _CONTINUED and after.type in ("}", "]", ")", ","):
            return after.start_byte, f"expected an expression after {before.type!r}"
    last = _last_leaf(node)
    following = _next_token_offset(data, node.end_byte)
    if last is not None and last.type == "=":
        return _after_line(converter, last, following), "expected an expression after '='"
    if following >= len(data):
        return following, "the file ends in the middle of an argument or block"
    return following, _unexpected_token(converter, following)


def _after_line(converter: _Converter, last: Node, following: int) -> int:
    return last.end_byte if converter.breaks_line(last.end_byte, following) else following


def _first_point(converter: _Converter, error: Node) -> int | None:
    """The first offset under an ERROR node that no token covers (text tree-sitter could not
    lex, skipped spaces aside) or that holds a node of no width."""
    data = converter.data
    found: int | None = None
    stack = [error]
    while stack:
        node = stack.pop()
        if node.start_byte == node.end_byte:
            found = node.start_byte if found is None else min(found, node.start_byte)
            continue
        children = node.children
        if node.is_error:
            cursor = node.start_byte
            for child in [*children, None]:
                end = child.start_byte if child is not None else node.end_byte
                gap = data[cursor:end]
                stripped = gap.lstrip(b" \t\r\n")
                if stripped:
                    offset = cursor + len(gap) - len(stripped)
                    found = offset if found is None else min(found, offset)
                    break
                if child is not None:
                    cursor = max(cursor, child.end_byte)
        stack.extend(children)
    return found


def _last_leaf(node: Node) -> Node | None:
    while node.child_count:
        children = [c for c in node.children if not c.is_missing and c.end_byte > c.start_byte]
        if not children:
            return None
        node = children[-1]
    return node


def _next_token_offset(data: bytes, offset: int) -> int:
    """Where the next token starts after ``offset`` (past spaces, newlines and comments)."""
    while True:
        while offset < len(data) and data[offset : offset + 1] in (b" ", b"\t", b"\r", b"\n"):
            offset += 1
        if data.startswith((b"#", b"//"), offset):
            end = data.find(b"\n", offset)
            offset = len(data) if end < 0 else end
        elif data.startswith(b"/*", offset):
            end = data.find(b"*/", offset + 2)
            offset = len(data) if end < 0 else end + 2
        else:
            return offset


def _unexpected_token(converter: _Converter, offset: int) -> str:
    match = _TOKEN.match(converter.data, offset)
    if match is None:
        return "unexpected end of file"
    token = _shown(converter.data[match.start() : match.end()])
    if token == "\x00":
        return "unexpected NUL character"
    if token == "\\":
        escape = converter.data[offset : offset + 2].decode("utf-8", "replace")
        return f"Invalid escape sequence: {escape!r} is not an escape HCL knows"
    if len(token) == 1 and not token.isalnum() and token not in "{}[]()=,.:?!+-*/%<>\"'~":
        return f"unexpected character {token!r}"
    return f"unexpected {token[:40]!r}"


# JSON syntax -------------------------------------------------------------------------------

_JSON_BLOCK_LABELS = {
    "resource": 2,
    "data": 2,
    "module": 1,
    "variable": 1,
    "output": 1,
    "provider": 1,
    "locals": 0,
    "terraform": 0,
}


def parse_json_text(text: str, display_path: str) -> File:
    """Parse Terraform's JSON syntax (``*.tf.json``, ``*.tfvars.json``) into the same tree.

    In JSON syntax, strings are templates (``"${var.x}"``) and nested objects under a block
    type are blocks; positions are those of the file's lines where each key first appears.
    A block level that holds anything but an object (or a list of objects) is refused, as
    Terraform refuses it.
    """
    data = load_json(text, display_path)
    if not isinstance(data, dict):
        raise ParseError(display_path, 1, 1, "a Terraform JSON file must hold one JSON object")
    locator = _JsonLines(text, display_path)
    is_vars = display_path.endswith(".tfvars.json")
    body = Body()
    for key, value in data.items():
        pos = locator.find(key)
        if is_vars or key not in _JSON_BLOCK_LABELS:
            body.attributes[key] = Attribute(
                key, _json_value(value, pos, template=not is_vars), pos, pos.line
            )
            continue
        for labels, content in _json_blocks(value, _JSON_BLOCK_LABELS[key], [key], locator):
            body.blocks.append(_json_block(key, labels, content, locator))
    return File(path=display_path, body=body)


class _JsonLines:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file

    def find(self, key: str) -> Pos:
        index = self.text.find(json.dumps(key))
        line = self.text.count("\n", 0, index) + 1 if index >= 0 else 1
        return Pos(self.file, line, 1)


def _json_blocks(
    value: Any, depth: int, where: list[str], locator: _JsonLines
) -> list[tuple[list[str], dict[str, Any]]]:
    """The (labels, body) of every block under a block type, ``depth`` labels deep."""
    if isinstance(value, list):
        return [found for item in value for found in _json_blocks(item, depth, where, locator)]
    if not isinstance(value, dict):
        pos = locator.find(where[-1])
        wanted = "a JSON object of block bodies" if depth == 0 else "a JSON object keyed by block label"
        raise ParseError(
            pos.file,
            pos.line,
            pos.column,
            f"{' '.join(json.dumps(w) for w in where)}: expected {wanted}, found {_json_kind(value)}",
        )
    if depth == 0:
        return [([], value)]
    return [
        ([label, *labels], content)
        for label, inner in value.items()
        for labels, content in _json_blocks(inner, depth - 1, [*where, label], locator)
    ]


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list"


_JSON_NESTED_BLOCK_PARENTS = {"resource", "data", "dynamic", "content", "lifecycle"}


def _json_block(block_type: str, labels: list[str], content: dict[str, Any], locator: _JsonLines) -> Block:
    pos = locator.find(labels[-1]) if labels else locator.find(block_type)
    body = Body()
    for key, value in content.items():
        key_pos = locator.find(key)
        nested = block_type in _JSON_NESTED_BLOCK_PARENTS or block_type not in _JSON_BLOCK_LABELS
        if nested and _looks_like_block(key, value):
            items = value if isinstance(value, list) else [value]
            for item in items:
                if key == "dynamic":
                    for labels, inner in _json_blocks(item, 1, [block_type, key], locator):
                        body.blocks.append(_json_block("dynamic", labels, inner, locator))
                else:
                    body.blocks.append(_json_block(key, [], item, locator))
        else:
            body.attributes[key] = Attribute(key, _json_value(value, key_pos), key_pos, key_pos.line)
    return Block(block_type, labels, body, pos, pos.line)


_JSON_ATTRIBUTES_THAT_ARE_OBJECTS = {
    "tags",
    "tags_all",
    "default",
    "variables",
    "for_each",
    "value",
    "triggers",
}


def _looks_like_block(key: str, value: Any) -> bool:
    if key in _JSON_ATTRIBUTES_THAT_ARE_OBJECTS:
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _json_value(value: Any, pos: Pos, template: bool = True) -> Expr:
    if isinstance(value, str):
        if template and ("${" in value or "%{" in value):
            return _template_from_text(value, pos, quoted=False, flush=False, flat=True)
        return Literal(value, pos)
    if isinstance(value, list):
        return TupleExpr([_json_value(v, pos, template) for v in value], pos)
    if isinstance(value, dict):
        items = [ObjectItem(Literal(k, pos), _json_value(v, pos, template), pos) for k, v in value.items()]
        return ObjectExpr(items, pos)
    if isinstance(value, float) and value.is_integer():
        return Literal(int(value), pos)
    return Literal(value, pos)
