"""HCL text to dynlint's syntax tree: the one module that knows the parser library.

python-hcl2 parses into a typed tree of rule objects with positions; this layer converts that
tree into :mod:`dynlint.syntax` nodes and keeps every comment with its line. Nothing above this
module imports python-hcl2 or lark, so the parser can be measured or replaced on its own.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

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

# A file that cannot be read or is not valid HCL (or JSON), with where it stops making sense.
ParseError = InputFileError

# python-hcl2 and lark, imported on first use (``_load_parser``): a run whose files all come
# from the parse cache, and ``dynlint --version``, never pay for importing them.
hcl2: Any = None
base = containers = directives = expressions = for_expressions = functions = indexing = None
literal_rules = strings = whitespace = None
LarkRule: Any = None
LarkToken: Any = None
process_escape_sequences: Any = None
UnexpectedCharacters = UnexpectedEOF = UnexpectedInput = UnexpectedToken = VisitError = None


def _load_parser() -> None:
    global hcl2, base, containers, directives, expressions, for_expressions, functions, indexing
    global literal_rules, strings, whitespace, LarkRule, LarkToken, process_escape_sequences
    global UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError, _parse_tree
    if hcl2 is not None:
        return
    import hcl2 as library
    from hcl2.rules import (
        base,
        containers,
        directives,
        expressions,
        for_expressions,
        functions,
        indexing,
        literal_rules,
        strings,
        whitespace,
    )
    from hcl2.rules.abstract import LarkRule, LarkToken
    from hcl2.utils import process_escape_sequences
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        UnexpectedToken,
        VisitError,
    )

    hcl2 = library
    _parse_tree = _grammar()


_parse_tree: Any = None


def _grammar() -> Any:
    """python-hcl2's parser, built once and cached.

    python-hcl2 caches its compiled grammar beside its own code. Where that directory is
    read-only (a system or pipx install) and holds no cache yet, every run would rebuild the
    grammar (about 2 s); dynlint then keeps the compiled grammar in its own cache directory,
    created private to the user, and uses it only while it is still private to the user.
    """
    import hcl2.parser as grammar

    shipped = Path(grammar.PARSER_FILE)
    if shipped.exists() or os.access(shipped.parent, os.W_OK):
        return lambda text: hcl2.parses(text)
    from hcl2.postlexer import PostLexer
    from lark import Lark

    from dynlint.cache import cache_dir, private_dir

    directory = private_dir(cache_dir())
    options: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "postlex": PostLexer()}
    if directory is not None:
        options["cache"] = str(directory / "hcl2-grammar.lark-cache")
    lark = Lark.open("hcl2.lark", rel_to=grammar.__file__, **options)
    # As python-hcl2's own parses(): lark needs a final newline, then the transform pass.
    return lambda text: hcl2.transform(lark.parse(text + "\n"))

MAX_NUMBER_DIGITS = 308


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
    _load_parser()
    try:
        tree = _parse_tree(text)
    except UnexpectedInput as error:
        raise ParseError(display_path, *_error_position(error, text), _describe(error)) from None
    except VisitError as error:  # python-hcl2's transform pass refusing what the grammar let by
        raise ParseError(display_path, *_visit_position(error), _visit_reason(error)) from None
    except RecursionError:  # unreachable below MAX_NESTING; no input may reach a traceback
        raise ParseError(display_path, 1, 1, f"nested more than {MAX_NESTING} levels deep") from None
    converter = _Converter(display_path)
    try:
        body = converter.body(tree.body)
    except ValueError as error:  # python-hcl2 turning a huge integer (an index in a template) into an int
        if "integer string conversion" not in str(error):
            raise
        found = _LONG_DIGITS.search(text)
        line, column = line_and_column(text, found.start()) if found else (1, 1)
        raise ParseError(display_path, line, column, _out_of_range(found.group(0) if found else "")) from None
    return File(path=display_path, body=body, comments=converter.comments)


_LONG_DIGITS = re.compile(r"\d{4000,}")


# Nesting depth: counted on the text before the parser (whose passes recurse) sees it ----------

_CODE_TOKEN = re.compile(
    r'#[^\n]*|//[^\n]*|/\*.*?(?:\*/|\Z)|<<-?[ \t]*([A-Za-z_][\w-]*)[ \t]*\r?\n|"|[{\[(]|[}\])]', re.S
)
_STRING_TOKEN = re.compile(r'\\.|\$\$\{|%%\{|[$%]\{|"|\n', re.S)
_HEREDOC_TOKEN = re.compile(r"\$\$\{|%%\{|[$%]\{")


def check_nesting(text: str, display_path: str, limit: int = MAX_NESTING) -> None:
    """Refuse HCL nested more than ``limit`` levels (brackets, parentheses, interpolations)."""
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


def parse_expression(text: str, pos: Pos) -> Expr:
    """Parse a lone expression written at ``pos`` (used for heredoc interpolations)."""
    source = f"x = {text}\n"
    _load_parser()
    try:
        check_nesting(source, pos.file)
        tree = _parse_tree(source)
    except (UnexpectedInput, VisitError, ParseError, RecursionError):
        raise ParseError(pos.file, pos.line, pos.column, f"invalid expression {text[:60]!r}") from None
    attribute = tree.body.children[0]
    if isinstance(attribute, whitespace.NewLineOrCommentRule):
        attribute = tree.body.children[1]
    converter = _Converter(pos.file, line_offset=pos.line - 1)
    return converter.expr(attribute.expression)


def _visit_position(error: Any) -> tuple[int, int]:
    meta = getattr(getattr(error, "obj", None), "meta", None)
    line = getattr(meta, "line", None)
    column = getattr(meta, "column", None)
    return (line if isinstance(line, int) else 1, column if isinstance(column, int) else 1)


def _visit_reason(error: Any) -> str:
    detail = str(getattr(error, "orig_exc", "") or "").strip().splitlines()
    return f"this is not valid HCL: {detail[0][:100]}" if detail else "this is not valid HCL"


def _error_position(error: UnexpectedInput, text: str) -> tuple[int, int]:
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    if not isinstance(line, int) or line < 1:
        line = text.count("\n") + 1
        column = 1
    return line, column if isinstance(column, int) and column > 0 else 1


def _describe(error: UnexpectedInput) -> str:
    if isinstance(error, UnexpectedEOF):
        return "the file ends in the middle of an expression or block (a missing `}` or `]`?)"
    if isinstance(error, UnexpectedToken):
        token = str(error.token).strip() or "end of line"
        if error.token.type == "$END":
            return "the file ends in the middle of an expression or block (a missing `}` or `]`?)"
        return f"unexpected {token[:40]!r}: this is not valid HCL here"
    if isinstance(error, UnexpectedCharacters):
        return f"unexpected character {error.char!r}: this is not valid HCL here"
    return "this is not valid HCL"


_STRIP_INDENT = re.compile(r"^[ \t]*")


class _Converter:
    """Turns python-hcl2's rule tree into syntax nodes, collecting comments on the way."""

    def __init__(self, file: str, line_offset: int = 0) -> None:
        self.file = file
        self.line_offset = line_offset
        self.comments: list[Comment] = []

    def pos(self, rule: Any) -> Pos:
        meta = getattr(rule, "_meta", None)
        line = getattr(meta, "line", None) or 1
        column = getattr(meta, "column", None) or 1
        return Pos(self.file, line + self.line_offset, column)

    def end_line(self, rule: Any) -> int:
        meta = getattr(rule, "_meta", None)
        return (getattr(meta, "end_line", None) or getattr(meta, "line", None) or 1) + self.line_offset

    # Structure -----------------------------------------------------------------------------

    def body(self, rule: base.BodyRule) -> Body:
        body = Body()
        for child in rule.children:
            if isinstance(child, base.AttributeRule):
                name = self.name_of(child.identifier)
                expr = self.expr(child.expression)
                attribute = Attribute(name, expr, self.pos(child), self.end_line(child))
                if name in body.attributes:
                    body.duplicates.append(attribute)
                else:
                    body.attributes[name] = attribute
            elif isinstance(child, base.BlockRule):
                body.blocks.append(self.block(child))
            elif isinstance(child, whitespace.NewLineOrCommentRule):
                self.collect_comments(child)
        return body

    def block(self, rule: base.BlockRule) -> Block:
        children = [c for c in rule.children if c is not None]
        block_type = self.name_of(children[0])
        labels = [self.label(c) for c in rule.labels[1:]] if rule.labels else []
        return Block(block_type, labels, self.body(rule.body), self.pos(rule), self.end_line(rule))

    def label(self, rule: Any) -> str:
        if isinstance(rule, strings.StringRule):
            return "".join(self.literal_text(p) for p in rule.string_parts)
        return self.name_of(rule)

    def name_of(self, rule: Any) -> str:
        if isinstance(rule, literal_rules.TokenRule):
            return str(rule.token.value)
        if isinstance(rule, LarkToken):
            return str(rule.value)
        return str(rule.serialize())

    def literal_text(self, part: Any) -> str:
        content = part.content if isinstance(part, strings.StringPartRule) else part
        return process_escape_sequences(str(content.value)) if isinstance(content, LarkToken) else ""

    def collect_comments(self, rule: whitespace.NewLineOrCommentRule) -> None:
        pos = self.pos(rule)
        line, column = pos.line, pos.column
        for token in rule.children:
            text = str(token.value)
            stripped = text.strip()
            if stripped.startswith(("#", "//", "/*")):
                self.comments.append(Comment(stripped, Pos(self.file, line, column)))
            newlines = text.count("\n")
            if newlines:
                line += newlines
                column = len(_STRIP_INDENT.match(text.rsplit("\n", 1)[1]).group(0)) + 1
            else:
                column += len(text)

    # Expressions ---------------------------------------------------------------------------

    def expr(self, rule: Any) -> Expr:
        self.collect_inline_comments(rule)
        method = getattr(self, f"expr_{type(rule).__name__}", None)
        if method is None:
            raise ParseError(*self._where(rule), f"unsupported expression {type(rule).__name__}")
        return method(rule)

    def _where(self, rule: Any) -> tuple[str, int, int]:
        pos = self.pos(rule)
        return pos.file, pos.line, pos.column

    def collect_inline_comments(self, rule: Any) -> None:
        if isinstance(rule, LarkRule):
            for child in rule.children:
                if isinstance(child, whitespace.NewLineOrCommentRule):
                    self.collect_comments(child)

    def expr_ExprTermRule(self, rule: expressions.ExprTermRule) -> Expr:
        return self.expr(rule.expression)

    def expr_IdentifierRule(self, rule: literal_rules.IdentifierRule) -> Expr:
        return Variable(str(rule.token.value), self.pos(rule))

    def expr_KeywordRule(self, rule: literal_rules.KeywordRule) -> Expr:
        return Variable(str(rule.token.value), self.pos(rule))

    def expr_LiteralValueRule(self, rule: literal_rules.LiteralValueRule) -> Expr:
        text = str(rule.token.value)
        return Literal({"true": True, "false": False, "null": None}[text], self.pos(rule))

    def expr_IntLitRule(self, rule: literal_rules.IntLitRule) -> Expr:
        text = str(rule.token.value)
        if len(text) > MAX_NUMBER_DIGITS:
            raise ParseError(*self._where(rule), _out_of_range(text))
        return Literal(int(text), self.pos(rule))

    def expr_FloatLitRule(self, rule: literal_rules.FloatLitRule) -> Expr:
        text = str(rule.token.value)
        value = float(text)
        if not math.isfinite(value):
            raise ParseError(*self._where(rule), _out_of_range(text))
        return Literal(int(value) if value.is_integer() else value, self.pos(rule))

    def expr_StringRule(self, rule: strings.StringRule) -> Expr:
        directive = (directives.TemplateIfRule, directives.TemplateForRule)
        raw = str(rule.serialize())
        if "~" in raw or any(isinstance(_content(p), directive) for p in rule.string_parts):
            # Directives and strip markers: parse the raw text, as HCL's template language does.
            return parse_template(raw[1:-1], self.pos(rule), quoted=True)
        return self.template(rule.string_parts, self.pos(rule))

    def expr_TemplateStringRule(self, rule: Any) -> Expr:
        raw = str(rule.children[0].value)
        return Literal(process_escape_sequences(raw[2:-2]), self.pos(rule))

    def template(self, parts: list[Any], pos: Pos) -> Expr:
        converted = [self.template_part(p) for p in parts]
        if len(parts) == 1 and isinstance(_content(parts[0]), strings.InterpolationRule):
            # "${x}" alone yields x itself, not its string form, as in Terraform ("${1.5}" is 1.5).
            return converted[0]
        if all(isinstance(_content(p), LarkToken) for p in parts):
            return Literal("".join(str(p.value) for p in converted), pos)  # type: ignore[attr-defined]
        return Template(converted, pos)

    def template_part(self, part: Any) -> Expr:
        content = part.content if isinstance(part, strings.StringPartRule) else part
        if isinstance(content, strings.InterpolationRule):
            return self.expr(content.expression)
        if isinstance(content, LarkToken):
            text = str(content.value)
            kind = content.lark_name()
            if kind == "ESCAPED_INTERPOLATION" or kind == "ESCAPED_DIRECTIVE":
                text = text[1:]
            else:
                text = process_escape_sequences(text)
            return Literal(text, self.pos(part))
        raise ParseError(*self._where(part), "unsupported template part")

    def expr_HeredocTemplateRule(self, rule: strings.HeredocTemplateRule) -> Expr:
        text, flush = _heredoc_text(str(rule.serialize()))
        return parse_template(text, self.pos(rule), flush=flush)

    expr_HeredocTrimTemplateRule = expr_HeredocTemplateRule

    def heredoc(self, text: str, pos: Pos) -> Expr:
        return parse_template(text, pos)

    def expr_TupleRule(self, rule: containers.TupleRule) -> Expr:
        return TupleExpr([self.expr(e) for e in rule.elements], self.pos(rule))

    def expr_ObjectRule(self, rule: containers.ObjectRule) -> Expr:
        self.check_separators(rule)
        items = []
        for element in rule.elements:
            self.collect_inline_comments(element)
            items.append(
                ObjectItem(self.object_key(element.key), self.expr(element.expression), self.pos(element))
            )
        return ObjectExpr(items, self.pos(rule))

    def check_separators(self, rule: containers.ObjectRule) -> None:
        """Object elements need a comma or a newline between them, as HCL requires."""
        previous_was_element = False
        for child in rule.children:
            is_element = isinstance(child, containers.ObjectElemRule)
            if isinstance(child, whitespace.NewLineOrCommentRule) and not _has_newline(child):
                # A comment alone (/* c */) does not separate two elements.
                continue
            if is_element and previous_was_element:
                raise ParseError(
                    *self._where(child),
                    "Missing attribute separator: Expected a newline or comma to mark the beginning "
                    "of the next attribute.",
                )
            previous_was_element = is_element

    def object_key(self, rule: Any) -> Expr:
        if isinstance(rule, containers.ObjectElemKeyExpressionRule):
            return self.expr(rule.expression)
        value = rule.value
        if isinstance(value, (literal_rules.IdentifierRule, literal_rules.KeywordRule)):
            return Literal(str(value.token.value), self.pos(value))
        return self.expr(value)

    def expr_GetAttrExprTermRule(self, rule: indexing.GetAttrExprTermRule) -> Expr:
        return GetAttr(self.expr(rule.expr_term), self.attr_name(rule.get_attr), self.pos(rule))

    def attr_name(self, rule: indexing.GetAttrRule) -> str:
        return self.name_of(rule.identifier)

    def expr_IndexExprTermRule(self, rule: indexing.IndexExprTermRule) -> Expr:
        target, index = rule.children[0], rule.children[1]
        return Index(self.expr(target), self.index_key(index), self.pos(rule))

    def index_key(self, rule: Any) -> Expr:
        if isinstance(rule, indexing.ShortIndexRule):
            return Literal(int(str(rule.index.value)), self.pos(rule))
        return self.expr(rule.index_expression)

    def expr_AttrSplatExprTermRule(self, rule: indexing.AttrSplatExprTermRule) -> Expr:
        # A legacy splat (``x.*.id``) takes attribute steps only: an index after it applies to
        # the resulting list (``x.*.id[0]`` is the first id), as HCL specifies.
        steps = self.splat_steps(rule.attr_splat)
        names = 0
        while names < len(steps) and steps[names].name is not None:
            names += 1
        pos = self.pos(rule)
        expr: Expr = Splat(self.expr(rule.expr_term), steps[:names], pos)
        for step in steps[names:]:
            expr = GetAttr(expr, step.name, pos) if step.name is not None else Index(expr, step.key, pos)
        return expr

    def expr_FullSplatExprTermRule(self, rule: indexing.FullSplatExprTermRule) -> Expr:
        return Splat(self.expr(rule.expr_term), self.splat_steps(rule.attr_splat), self.pos(rule))

    def splat_steps(self, rule: Any) -> list[SplatStep]:
        steps = []
        for child in rule.children[1:]:
            if isinstance(child, indexing.GetAttrRule):
                steps.append(SplatStep(name=self.attr_name(child)))
            elif child is not None:
                steps.append(SplatStep(key=self.index_key(child)))
        return steps

    def expr_FunctionCallRule(self, rule: functions.FunctionCallRule) -> Expr:
        name = "::".join(self.name_of(i) for i in rule.identifiers)
        arguments = rule.arguments
        args = [self.expr(a) for a in arguments.arguments] if arguments is not None else []
        expand = bool(arguments is not None and arguments.has_ellipsis)
        return Call(name, args, expand, self.pos(rule))

    def expr_ConditionalRule(self, rule: expressions.ConditionalRule) -> Expr:
        return Conditional(
            self.expr(rule.condition), self.expr(rule.if_true), self.expr(rule.if_false), self.pos(rule)
        )

    def expr_BinaryOpRule(self, rule: expressions.BinaryOpRule) -> Expr:
        term = rule.binary_term
        self.collect_inline_comments(term)
        operator = str(term.binary_operator.token.value)
        return BinaryOp(operator, self.expr(rule.expr_term), self.expr(term.expr_term), self.pos(rule))

    def expr_UnaryOpRule(self, rule: expressions.UnaryOpRule) -> Expr:
        return UnaryOp(str(rule.operator), self.expr(rule.expr_term), self.pos(rule))

    def expr_ForTupleExprRule(self, rule: for_expressions.ForTupleExprRule) -> Expr:
        return self.for_expr(rule, None, grouping=False)

    def expr_ForObjectExprRule(self, rule: for_expressions.ForObjectExprRule) -> Expr:
        return self.for_expr(rule, self.expr(rule.key_expr), grouping=rule.ellipsis is not None)

    def for_expr(self, rule: Any, key_expr: Expr | None, grouping: bool) -> Expr:
        intro = rule.for_intro
        self.collect_inline_comments(intro)
        second = intro.second_iterator
        key_var = self.name_of(intro.first_iterator) if second is not None else None
        value_var = self.name_of(second if second is not None else intro.first_iterator)
        condition = rule.condition
        return ForExpr(
            key_var=key_var,
            value_var=value_var,
            collection=self.expr(intro.iterable),
            key_expr=key_expr,
            value_expr=self.expr(rule.value_expr),
            condition=self.expr(condition.condition_expr) if condition is not None else None,
            grouping=grouping,
            pos=self.pos(rule),
        )


def _out_of_range(literal: str) -> str:
    shown = literal if len(literal) <= 24 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"
    return f"the number {shown} is out of range: dynlint handles numbers up to about 1.8e308"


def _heredoc_text(raw: str) -> tuple[str, bool]:
    """A heredoc's template text from its source (``<<EOT``/``<<-EOT``, lines, marker), and
    whether it is a flush (``<<-``) heredoc. Terraform keeps the newline ending the last line."""
    if raw.startswith('"') and raw.endswith('"'):
        raw = raw[1:-1]
    lines = raw.split("\n")
    return "".join(line + "\n" for line in lines[1:-1]), lines[0].startswith("<<-")


def _has_newline(rule: whitespace.NewLineOrCommentRule) -> bool:
    return any("\n" in str(getattr(token, "value", "")) for token in rule.children)


def _content(part: Any) -> Any:
    return part.content if isinstance(part, strings.StringPartRule) else part


def parse_template(text: str, pos: Pos, quoted: bool = False, flush: bool = False) -> Expr:
    """HCL template text (a heredoc, a quoted string's inside, a template file) as an expression.

    Handles ``${...}`` interpolations, ``%{if}``/``%{for}`` directives, the ``~`` strip markers
    and the ``$${``/``%%{`` escapes; ``quoted`` also processes backslash escapes in literal text.
    Literal text is one token per line, so a strip marker strips only the rest of its own line
    (as HCL scans templates); ``flush`` (``<<-``) then removes the smallest indentation.
    """
    tokens = _strip_markers(_template_tokens(text, pos))
    if flush:
        _flush_indentation(tokens)
    parts, _ = _template_parts(tokens, 0, pos, quoted, ())
    if len(tokens) == 1 and tokens[0][0] == "interp":
        return parts[0]
    if all(token[0] == "text" for token in tokens):
        return Literal("".join(str(p.value) for p in parts), pos)  # type: ignore[attr-defined]
    return Template(parts, pos)


# A template token: ["text", literal, starts a line] or [kind, inner text, strip-left,
# strip-right, starts a line] where kind is "interp" or "directive".
_Token = list[Any]


def _template_tokens(text: str, pos: Pos) -> list[_Token]:
    tokens: list[_Token] = []
    literal: list[str] = []
    index, line_start, piece_start = 0, True, True
    while index < len(text):
        if text.startswith(("$${", "%%{"), index):
            literal.append(text[index + 1 : index + 3])
            index += 3
        elif text.startswith(("${", "%{"), index):
            end = _matching_brace(text, index + 2)
            if end >= len(text):
                raise ParseError(pos.file, pos.line, pos.column, "unterminated template sequence")
            if literal:
                tokens.append(["text", "".join(literal), piece_start])
            at_line_start = line_start
            literal, line_start = [], False
            inner = text[index + 2 : end]
            left, right = inner.startswith("~"), inner.endswith("~")
            inner = inner[1 if left else 0 : len(inner) - 1 if right else len(inner)]
            kind = "interp" if text[index] == "$" else "directive"
            tokens.append([kind, inner.strip(), left, right, at_line_start])
            index, piece_start = end + 1, False
        else:
            if not literal:
                piece_start = line_start
            literal.append(text[index])
            line_start = text[index] == "\n"
            index += 1
            if line_start:
                tokens.append(["text", "".join(literal), piece_start])
                literal, piece_start = [], True
    if literal:
        tokens.append(["text", "".join(literal), piece_start])
    return tokens


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


def _strip_markers(tokens: list[_Token]) -> list[_Token]:
    """``~`` beside a sequence removes the whitespace (newlines included) on that side."""
    for i, token in enumerate(tokens):
        if token[0] == "text":
            continue
        if token[2] and i > 0 and tokens[i - 1][0] == "text":
            tokens[i - 1][1] = tokens[i - 1][1].rstrip(" \t\r\n")
        if token[3] and i + 1 < len(tokens) and tokens[i + 1][0] == "text":
            tokens[i + 1][1] = tokens[i + 1][1].lstrip(" \t\r\n")
    return tokens


_FOR_DIRECTIVE = re.compile(r"^for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+(.*)$", re.S)


def _template_parts(
    tokens: list[_Token], index: int, pos: Pos, quoted: bool, ends: tuple[str, ...]
) -> tuple[list[Expr], int]:
    """Parts from ``tokens[index]`` up to a directive in ``ends``; returns them and its index."""
    parts: list[Expr] = []
    while index < len(tokens):
        token = tokens[index]
        if token[0] == "text":
            if token[1]:
                text = process_escape_sequences(token[1]) if quoted else token[1]
                parts.append(Literal(text, pos))
        elif token[0] == "interp":
            parts.append(parse_expression(token[1], pos))
        else:
            word = token[1].split(None, 1)[0] if token[1] else ""
            if word in ends:
                return parts, index
            part, index = _directive(tokens, index, pos, quoted)
            parts.append(part)
        index += 1
    if ends:
        expected = f"%{{{ends[-1]}}}"
        raise ParseError(pos.file, pos.line, pos.column, f"unterminated directive: expected {expected}")
    return parts, index


def _directive(tokens: list[_Token], index: int, pos: Pos, quoted: bool) -> tuple[Expr, int]:
    inner = tokens[index][1]
    if inner.startswith("if") and inner[2:3].isspace():
        condition = parse_expression(inner[2:].strip(), pos)
        then_parts, index = _template_parts(tokens, index + 1, pos, quoted, ("else", "endif"))
        else_parts: list[Expr] = []
        if tokens[index][1] == "else":
            else_parts, index = _template_parts(tokens, index + 1, pos, quoted, ("endif",))
        return TemplateIf(condition, then_parts, else_parts, pos), index
    match = _FOR_DIRECTIVE.match(inner)
    if match:
        first, second, collection = match.groups()
        key_var, value_var = (first, second) if second else (None, first)
        parts, index = _template_parts(tokens, index + 1, pos, quoted, ("endfor",))
        return TemplateFor(key_var, value_var, parse_expression(collection.strip(), pos), parts, pos), index
    raise ParseError(pos.file, pos.line, pos.column, f"invalid template directive %{{{inner}}}")


def _matching_brace(text: str, start: int) -> int:
    depth, index, quoted = 1, start, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text)


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
            pos.file, pos.line, pos.column, f"{' '.join(json.dumps(w) for w in where)}: expected {wanted}, "
            f"found {_json_kind(value)}"
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
            return _Converter(pos.file).heredoc(value, pos)
        return Literal(value, pos)
    if isinstance(value, list):
        return TupleExpr([_json_value(v, pos, template) for v in value], pos)
    if isinstance(value, dict):
        items = [ObjectItem(Literal(k, pos), _json_value(v, pos, template), pos) for k, v in value.items()]
        return ObjectExpr(items, pos)
    if isinstance(value, float) and value.is_integer():
        return Literal(int(value), pos)
    return Literal(value, pos)
