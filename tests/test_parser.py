"""The parser layer: positions, comments, templates, JSON syntax and errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dynlint.parser import ParseError, parse_expression, parse_file, parse_template, parse_text
from dynlint.syntax import (
    Call,
    Conditional,
    ForExpr,
    GetAttr,
    Literal,
    ObjectExpr,
    Pos,
    Splat,
    Template,
    TemplateIf,
    Variable,
    traversal,
)

SOURCE = """# dynlint:ignore DL001 uses the AWS-owned key on purpose
resource "aws_dynamodb_table" "t" {
  name = "${var.env}-orders" // trailing comment
  hash_key = "id"

  dynamic "attribute" {
    for_each = var.attributes
    content {
      name = attribute.value.name
    }
  }
  tags = { for k, v in var.tags : k => v }
  ids  = aws_x.y[*].id
  /* block
     comment */
  f = merge(var.a, var.b...)
}
"""


def test_blocks_attributes_and_positions() -> None:
    parsed = parse_text(SOURCE, "main.tf")
    block = parsed.body.blocks[0]
    assert (block.type, block.labels, block.pos.line, block.end_line) == (
        "resource",
        ["aws_dynamodb_table", "t"],
        2,
        17,
    )
    name = block.body.attributes["name"]
    assert (name.pos.line, name.pos.column) == (3, 3)
    assert isinstance(name.expr, Template)
    dynamic = block.body.blocks[0]
    assert (dynamic.type, dynamic.labels, dynamic.pos.line) == ("dynamic", ["attribute"], 6)
    content = dynamic.body.first_block("content")
    assert content is not None
    assert traversal(content.body.attributes["name"].expr) == ["attribute", "value", "name"]


def test_expression_nodes() -> None:
    body = parse_text(SOURCE, "main.tf").body.blocks[0].body
    assert isinstance(body.attributes["tags"].expr, ForExpr)
    assert isinstance(body.attributes["ids"].expr, Splat)
    call = body.attributes["f"].expr
    assert isinstance(call, Call) and call.name == "merge" and call.expand_last
    assert isinstance(body.attributes["hash_key"].expr, Literal)


def test_lone_interpolation_is_the_expression_itself() -> None:
    expr = parse_text('x = "${var.a}"\n', "t.tf").body.attributes["x"].expr
    assert isinstance(expr, GetAttr) and isinstance(expr.target, Variable)


def test_comments_keep_their_lines() -> None:
    comments = parse_text(SOURCE, "main.tf").comments
    lines = {c.pos.line: c.text for c in comments}
    assert lines[1].startswith("# dynlint:ignore DL001")
    assert lines[3] == "// trailing comment"
    assert lines[14].startswith("/* block")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('resource "a" "b" {\n  x = \n}\n', 2, 6),
        ('resource "a" "b" {\n  x = 1\n', 3, 1),
        ("x = $\n", 1, 5),
    ],
)
def test_parse_errors_name_file_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse_text(text, "broken.tf")
    error = caught.value
    assert (error.file, error.line) == ("broken.tf", line)
    assert str(error).startswith(f"broken.tf:{line}:")
    assert "\n" not in str(error)


def test_json_syntax(tmp_path: Path) -> None:
    path = tmp_path / "main.tf.json"
    path.write_text(
        '{"resource": {"aws_dynamodb_table": {"t": {\n'
        '  "name": "${var.env}-t",\n'
        '  "hash_key": "id",\n'
        '  "point_in_time_recovery": {"enabled": true},\n'
        '  "tags": {"Team": "data"}\n'
        "}}}}\n"
    )
    parsed = parse_file(path, "main.tf.json")
    block = parsed.body.blocks[0]
    assert block.labels == ["aws_dynamodb_table", "t"]
    assert isinstance(block.body.attributes["name"].expr, Template)
    assert block.body.attributes["name"].pos.line == 2
    assert [b.type for b in block.body.blocks] == ["point_in_time_recovery"]
    assert "tags" in block.body.attributes


def test_invalid_json_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "main.tf.json"
    path.write_text('{"resource": \n}')
    with pytest.raises(ParseError) as caught:
        parse_file(path, "main.tf.json")
    assert caught.value.line == 2


def test_nothing_above_the_parser_imports_the_parser_library() -> None:
    package = Path(__file__).resolve().parent.parent / "dynlint"
    sources = [p for p in package.rglob("*.py") if p.name != "parser.py"]
    offenders = [p.name for p in sources if "tree_sitter" in p.read_text()]
    assert offenders == []


# Syntax errors: one ParseError where the text stops making sense, with the reason in words --


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('resource "a" "b" {\n  x = 1\n', 3, 1, "the '{' opened at line 1 is closed"),
        ("x = 1 }\n", 1, 7, "unexpected '}'"),
        ("x\ny = 1\n", 1, 2, "expected '=' or a block's '{' after 'x'"),
        ("x = [1, 2\ny = 3\n", 2, 1, "unclosed '[' opened at line 1"),
        ('x = "abc\ny = 1\n', 1, 9, "unclosed string"),
        ("x = 1 +\n  2\n", 1, 8, "the line ends after '+'"),
        ("x = a\n  .b\n", 2, 3, "unexpected '.' at the start of a line"),
        ("x = { a = 1 b = 2 }\n", 1, 13, "Missing attribute separator"),
        ("x = { a = 1\n  , b = 2 }\n", 2, 3, "found ','"),
        ('x = "%{ if true }a"\n', 1, 19, "the %{if} at line 1 has no %{endif}"),
        ('x = "%{ else }"\n', 1, 6, "%{else} is only valid inside an %{if}"),
        ("x = $\n", 1, 5, "unexpected character '$'"),
        ("a = 1\nb = @\n", 2, 5, "unexpected character '@'"),
        ('resource "a" "b" {\n  x = \n}\n', 2, 6, "expected an expression after '='"),
        ('x = "\\q"\n', 1, 6, "Invalid escape sequence"),
        ("x = /* open\n", 1, 5, "unclosed comment"),
        ("x = <<EOT\nhi\n", 1, 5, "unclosed heredoc"),
        ("a {\n  c = [1,\n}\n", 3, 1, "the '[' opened at line 2 is not closed"),
        ("a = 1 b = 2\n", 1, 7, "Missing newline after argument"),
        ('resource "a" "b" {\n  x = 1 }\n', 2, 9, "Missing newline after argument"),
        ("a {} b {}\n", 1, 6, "Missing newline after block definition"),
        ('resource "a"\n  "b" {}\n', 1, 13, "Invalid block definition"),
        ('x = "a\nb"\n', 1, 7, "Invalid multi-line string"),
        ('resource "${a}" "b" {}\n', 1, 10, "Template sequences are not allowed"),
        ("x = 0x10\n", 1, 6, "numbers in HCL are decimal"),
        ("a::b = 1\n", 1, 2, "'::' only joins the parts of a function name"),
        ('x = "${}"\n', 1, 8, "expected an expression"),
        ("x = 1\x0c\n", 1, 6, "Invalid character"),
        ('{ "a" = 1 }\n', 1, 1, "not an object"),
    ],
)
def test_syntax_errors_say_where_and_why(text: str, line: int, column: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_text(text, "m.tf")
    error = caught.value
    assert (error.file, error.line, error.column) == ("m.tf", line, column), str(error)
    assert words in error.reason


@pytest.mark.parametrize("text", ["x = --3\n", 'x = "${~ 1 ~}"\n', "x = 1e3\n", 'x = "a\x00b"\n'])
def test_what_terraform_takes_parses(text: str) -> None:
    parse_text(text, "m.tf")


def test_an_expression_that_is_not_one_says_so() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("[1, 2", Pos("--var", 0, 1))
    assert caught.value.reason.startswith("invalid expression '[1, 2'")


# The tree ---------------------------------------------------------------------------------


def test_columns_count_characters_on_lines_with_non_ascii_text() -> None:
    parsed = parse_text('x = "ünï" # é\ny = { "ä" = z }\n', "m.tf")
    assert [(c.text, c.pos.column) for c in parsed.comments] == [("# é", 11)]
    item = parsed.body.attributes["y"].expr
    assert isinstance(item, ObjectExpr)
    assert item.items[0].value.pos.column == 13


def test_comments_inside_expressions_are_kept() -> None:
    parsed = parse_text("x = [ # one\n  1, // two\n  f(/* three */ 2),\n]\n", "m.tf")
    found = [(c.text, c.pos.line) for c in parsed.comments]
    assert found == [("# one", 1), ("// two", 2), ("/* three */", 3)]
    assert parsed.comments[2].pos.column == 5


def test_end_lines_are_the_last_line_of_the_argument_and_the_closing_brace() -> None:
    parsed = parse_text('b "x" {\n  a = [\n    1,\n  ]\n  c = 2\n}\n', "m.tf")
    block = parsed.body.blocks[0]
    assert block.end_line == 6
    assert [a.end_line for a in block.body.attributes.values()] == [4, 5]


def test_a_conditional_nests_to_the_right() -> None:
    expr = parse_text("x = a ? b : c ? d : e\n", "m.tf").body.attributes["x"].expr
    assert isinstance(expr, Conditional) and isinstance(expr.if_false, Conditional)
    assert [traversal(e) for e in (expr.condition, expr.if_true)] == [["a"], ["b"]]
    assert [traversal(e) for e in (expr.if_false.condition, expr.if_false.if_false)] == [["c"], ["e"]]


def test_numbers_strings_and_escapes() -> None:
    body = parse_text(
        'a = 1e3\nb = 1.5e-1\nc = "\\u00e9\\t\\"$${x}%%{y}"\nd = "n\\x00"\n'.replace("\\x00", "\x00"), "m.tf"
    ).body
    values = {name: attribute.expr.value for name, attribute in body.attributes.items()}
    assert values == {"a": 1000, "b": 0.15, "c": 'é\t"${x}%{y}', "d": "n\x00"}


def test_heredocs_strip_markers_and_directives() -> None:
    # terraform console gives "    a B\n          on\n\n" for b = "B", c = true: the line of
    # %{~ endif } is left empty by its strip marker, so no indentation is common to all lines.
    text = "x = <<-EOT\n    a ${b}\n    %{ if c ~}\n      on\n    %{~ endif }\n  EOT\n"
    expr = parse_text(text, "m.tf").body.attributes["x"].expr
    assert isinstance(expr, Template)
    first, variable, between, directive, last = expr.parts
    assert (first.value, between.value, last.value) == ("    a ", "\n    ", "\n")
    assert (traversal(variable), variable.pos.line) == (["b"], 2)
    assert isinstance(directive, TemplateIf) and [p.value for p in directive.then_parts] == ["      on\n"]
    flush = parse_text("x = <<-EOT\n    a\n      b\n  EOT\n", "m.tf").body.attributes["x"].expr
    assert flush == Literal("a\n  b\n", Pos("m.tf", 1, 5))


def test_a_template_text_has_positions_and_errors_of_its_own_lines() -> None:
    template = parse_template("Hello\n  ${name.first}!\n", Pos("hello.tpl", 1, 1))
    assert isinstance(template, Template)
    assert template.parts[1].pos == Pos("hello.tpl", 2, 5)
    with pytest.raises(ParseError) as caught:
        parse_template("a\n%{ if x }\nb", Pos("hello.tpl", 1, 1))
    error = caught.value
    assert (error.line, error.reason.split(":")[0]) == (3, "the %{if} at line 2 has no %{endif}")


def test_the_parser_library_is_imported_on_the_first_parse_only() -> None:
    probe = (
        "import sys, dynlint.parser, dynlint.cli\n"
        "before = 'tree_sitter' in sys.modules\n"
        "dynlint.parser.parse_text('x = 1\\n', 'm.tf')\n"
        "print(before, 'tree_sitter' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]
