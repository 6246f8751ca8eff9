"""# dynlint:ignore comments and config suppressions, and the notes about ones that rot."""

from __future__ import annotations

from pathlib import Path

from dynlint.suppressions import parse_comment
from tests.rules.conftest import rule_ids, run_check, write_tree

TABLE = """{comment_above}resource "aws_dynamodb_table" "orders" {{
  name         = "orders"
  billing_mode = "ON_DEMAND" {comment_end}
  hash_key     = "id"

  attribute {{
    name = "id"
    type = "S"
  }}
}}
"""


def _check(
    tmp_path: Path, above: str = "", end: str = "", config: str = "", select: str = "DL010,DL001,DL090"
) -> dict:
    files = {"main.tf": TABLE.format(comment_above=above, comment_end=end)}
    if config:
        files[".dynlint.toml"] = config
    write_tree(tmp_path, files)
    _, document, _ = run_check([str(tmp_path), "--select", select], cwd=tmp_path)
    return document


def test_a_comment_above_the_resource_silences_it(tmp_path: Path) -> None:
    document = _check(tmp_path, above="# dynlint:ignore DL010 migrating to PAY_PER_REQUEST next sprint\n")
    assert rule_ids(document) == ["DL001"]
    assert document["summary"]["suppressed"] == 1


def test_an_end_of_line_comment_and_comma_separated_ids(tmp_path: Path) -> None:
    document = _check(tmp_path, end="// dynlint:ignore DL010,DL001 legacy table, read-only")
    assert rule_ids(document) == []


def test_a_comment_above_an_attribute_or_block_silences_the_resource(tmp_path: Path) -> None:
    text = TABLE.format(comment_above="", comment_end="").replace(
        "  attribute {", "  # dynlint:ignore DL001 public data\n  attribute {"
    )
    write_tree(tmp_path, {"main.tf": text})
    _, document, _ = run_check([str(tmp_path), "--select", "DL001,DL090"], cwd=tmp_path)
    assert rule_ids(document) == []


def test_a_suppression_without_a_reason_is_a_note_and_silences_nothing(tmp_path: Path) -> None:
    document = _check(tmp_path, above="# dynlint:ignore DL010\n")
    assert sorted(rule_ids(document)) == ["DL001", "DL010", "DL090"]
    (note,) = [f for f in document["findings"] if f["rule_id"] == "DL090"]
    assert note["severity"] == "note" and note["line"] == 1 and "no reason" in note["message"]


def test_an_expired_suppression_is_reported_and_no_longer_silences(tmp_path: Path) -> None:
    document = _check(tmp_path, above="# dynlint:ignore DL010 until=2020-01-01 waiting for the migration\n")
    assert "DL010" in rule_ids(document)
    assert any("expired" in f["message"] for f in document["findings"] if f["rule_id"] == "DL090")


def test_a_future_expiry_still_silences(tmp_path: Path) -> None:
    document = _check(tmp_path, above="# dynlint:ignore DL010 until=2999-01-01 waiting for the migration\n")
    assert "DL010" not in rule_ids(document)


def test_a_suppression_that_silences_nothing_is_reported(tmp_path: Path) -> None:
    above = "# dynlint:ignore DL020 streams were removed\n"
    document = _check(tmp_path, above=above, select="DL020,DL090")
    assert any("silences nothing" in f["message"] for f in document["findings"] if f["rule_id"] == "DL090")
    # A suppression of a rule that did not run (not selected) is not reported as unused.
    document = _check(tmp_path, above=above, select="DL010,DL090")
    assert "DL090" not in rule_ids(document)


def test_config_suppressions_by_address(tmp_path: Path) -> None:
    config = '[[suppress]]\naddress = "aws_dynamodb_table.orders"\nrules = ["DL010"]\nreason = "legacy"\n'
    document = _check(tmp_path, config=config)
    assert rule_ids(document) == ["DL001"]
    config = '[[suppress]]\naddress = "aws_dynamodb_table.other"\nrules = ["DL010"]\nreason = "legacy"\n'
    document = _check(tmp_path, config=config)
    assert "DL010" in rule_ids(document)
    assert any("silences nothing" in f["message"] for f in document["findings"] if f["rule_id"] == "DL090")


def test_parse_comment() -> None:
    found = parse_comment(
        "  # dynlint:ignore dl003, DL005 until=2030-06-30 restore drill pending", "f.tf", 3, 4
    )
    assert found is not None
    assert found.rules == ["DL003", "DL005"]
    assert str(found.until) == "2030-06-30"
    assert found.reason == "restore drill pending"
    assert found.problem is None
    assert parse_comment("# nothing here", "f.tf", 1, 2) is None
    assert parse_comment("# dynlint:ignore because", "f.tf", 1, 2).problem  # type: ignore[union-attr]


def test_a_comment_on_a_module_call_silences_what_the_module_defines(tmp_path: Path) -> None:
    module = TABLE.format(comment_above="", comment_end="").replace('= "orders"', "= var.name")
    files = {
        "main.tf": '# dynlint:ignore DL010 the module is being replaced\nmodule "orders" {\n'
        '  source = "./modules/table"\n  name   = "orders"\n}\n',
        "modules/table/main.tf": 'variable "name" {\n  type = string\n}\n' + module,
    }
    write_tree(tmp_path, files)
    _, document, _ = run_check([str(tmp_path), "--select", "DL010,DL001,DL090"], cwd=tmp_path)
    assert rule_ids(document) == ["DL001"]
