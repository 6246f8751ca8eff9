"""Evaluation semantics checked against Terraform's documented behaviour (issue 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dynlint.scan import ScanOptions, scan


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def inventory(root: Path, files: dict[str, str], options: ScanOptions | None = None, target: str = ""):
    write(root, files)
    return scan([root / target if target else root], options or ScanOptions(), cwd=root)


def table_values(root: Path, files: dict[str, str], **kwargs: Any) -> dict[str, Any]:
    found = inventory(root, files, **kwargs).tables
    assert len(found) == 1, [t.address for t in found]
    return found[0].values


def tag_value(root: Path, expression: str, locals_text: str = "", extra: str = "") -> Any:
    """The value of ``expression``, seen through a table's tags (a map of strings)."""
    main = f"""
locals {{
{locals_text}
}}
resource "aws_dynamodb_table" "t" {{
  name = "t"
  hash_key = "id"
  tags = {{ probe = jsonencode({expression}) }}
}}
{extra}
"""
    values = table_values(root, {"main.tf": main})
    return values["tags"]["probe"]


# Templates ------------------------------------------------------------------------------


def test_heredoc_if_directive_with_strip_markers(tmp_path: Path) -> None:
    main = """
variable "big" { default = true }
resource "aws_dynamodb_table" "t" {
  name = <<-EOT
    %{ if var.big ~}
    large
    %{~ else ~}
    small
    %{~ endif }
    EOT
  hash_key = "id"
}
"""
    assert table_values(tmp_path, {"main.tf": main})["name"] == "large\n"


def test_heredoc_for_directive(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "t" {
  name = <<EOT
%{ for i, v in ["a", "b"] ~}
${i}=${v};
%{ endfor ~}
$${literal} %%{literal}
EOT
  hash_key = "id"
}
"""
    assert table_values(tmp_path, {"main.tf": main})["name"] == "0=a;\n1=b;\n${literal} %{literal}\n"


def test_quoted_string_strip_markers(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "t" {
  name = "a %{ if true ~}  b  %{~ endif } c"
  hash_key = "id"
}
"""
    assert table_values(tmp_path, {"main.tf": main})["name"] == "a b c"


# Splats ---------------------------------------------------------------------------------


def test_legacy_splat_indexes_the_resulting_list(tmp_path: Path) -> None:
    assert tag_value(tmp_path, "local.items.*.id[0]", 'items = [{ id = "a" }, { id = "b" }]') == '"a"'


def test_full_splat_indexes_each_element(tmp_path: Path) -> None:
    value = tag_value(tmp_path, "local.items[*].ids[0]", 'items = [{ ids = ["a", "x"] }, { ids = ["b"] }]')
    assert value == '["a","b"]'


def test_splat_of_a_single_value_and_of_null(tmp_path: Path) -> None:
    assert tag_value(tmp_path, "[local.one[*].id, local.none[*]]", 'one = { id = "a" }\nnone = null') == (
        '[["a"],[]]'
    )


# Sets -----------------------------------------------------------------------------------


def test_for_expression_over_a_set_keys_by_value(tmp_path: Path) -> None:
    assert tag_value(tmp_path, '{ for k, v in toset(["b", "a"]) : k => v }') == '{"a":"a","b":"b"}'


def test_dynamic_block_over_a_set_keys_by_value(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "t" {
  name = "t"
  hash_key = "id"
  dynamic "attribute" {
    for_each = toset(["pk", "sk"])
    content {
      name = attribute.key
      type = "S"
    }
  }
}
"""
    values = table_values(tmp_path, {"main.tf": main})
    assert [a["name"] for a in values["attribute"]] == ["pk", "sk"]


def test_set_typed_variable_iterates_by_value(tmp_path: Path) -> None:
    extra = 'variable "names" {\n  type = set(string)\n  default = ["y", "x", "x"]\n}'
    assert tag_value(tmp_path, "[for k, v in var.names : k]", extra=extra) == '["x","y"]'


# try/can over unknowns ------------------------------------------------------------------


def test_try_of_a_partly_unknown_value_is_unknown(tmp_path: Path) -> None:
    main = """
data "aws_region" "r" {}
locals {
  settings = { replicas = [data.aws_region.r.name] }
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  hash_key = "id"
  tags = { n = length(try(local.settings.replicas, [])) }
}
"""
    found = inventory(tmp_path, {"main.tf": main}).tables[0]
    assert "tags.n" in found.unknown


def test_try_falls_back_when_the_first_argument_fails(tmp_path: Path) -> None:
    assert tag_value(tmp_path, 'try(local.settings.missing, "fallback")', "settings = {}") == '"fallback"'


def test_can_of_a_partly_unknown_value_is_unknown(tmp_path: Path) -> None:
    main = """
data "aws_region" "r" {}
resource "aws_dynamodb_table" "t" {
  name = "t"
  hash_key = "id"
  tags = { n = can([data.aws_region.r.name]) }
}
"""
    assert "tags.n" in inventory(tmp_path, {"main.tf": main}).tables[0].unknown




# Conversion into the provider's types ---------------------------------------------------


def test_tags_become_strings_as_the_provider_types_them(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "t" {
  name = "t"
  hash_key = "id"
  read_capacity = "5"
  stream_enabled = "true"
  tags = { Days = 30, Backup = true, Ratio = 1.5 }
  global_secondary_index {
    name = 7
    hash_key = "g"
    projection_type = "INCLUDE"
    non_key_attributes = ["b", "a"]
  }
}
resource "aws_kms_key" "k" {
  tags = { Rotate = false }
}
"""
    found = inventory(tmp_path, {"main.tf": main})
    table = found.tables[0].values
    assert table["tags"] == {"Days": "30", "Backup": "true", "Ratio": "1.5"}
    assert table["read_capacity"] == 5 and table["stream_enabled"] is True
    assert table["global_secondary_index"][0]["name"] == "7"
    assert table["global_secondary_index"][0]["non_key_attributes"] == ["a", "b"]
    assert found.related("aws_kms_key")[0].values["tags"] == {"Rotate": "false"}


def test_a_reference_sees_the_converted_value(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "a" {
  name = "a"
  hash_key = "id"
  tags = { Days = 30 }
}
resource "aws_dynamodb_table" "b" {
  name = "b"
  hash_key = "id"
  tags = { copied = jsonencode(aws_dynamodb_table.a.tags) }
}
"""
    tables = {t.address: t for t in inventory(tmp_path, {"main.tf": main}).tables}
    assert tables["aws_dynamodb_table.b"].values["tags"]["copied"] == '{"Days":"30"}'


# Provider defaults in references --------------------------------------------------------


def test_a_reference_to_an_omitted_argument_sees_the_provider_default(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "a" {
  name = "a"
  hash_key = "id"
}
resource "aws_dynamodb_table" "b" {
  name = "b"
  hash_key = "id"
  billing_mode = aws_dynamodb_table.a.billing_mode
  tags = { arn = aws_dynamodb_table.a.arn }
}
"""
    tables = {t.address: t for t in inventory(tmp_path, {"main.tf": main}).tables}
    b = tables["aws_dynamodb_table.b"]
    assert b.values["billing_mode"] == "PROVISIONED"
    assert "billing_mode" not in b.unknown
    assert "tags.arn" in b.unknown
