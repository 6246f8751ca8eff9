"""The parser layer: positions, comments, templates, JSON syntax and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynlint.parser import ParseError, parse_file, parse_text
from dynlint.syntax import Call, ForExpr, GetAttr, Literal, Splat, Template, Variable, traversal

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
