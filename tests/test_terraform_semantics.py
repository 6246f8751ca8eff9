"""Evaluation semantics checked against Terraform's documented behaviour (issue 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
    # Terraform's own results (terraform console): a strip marker strips only the rest of its
    # line, and a line emptied by one has no indentation, so <<- then removes none.
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
  hash_key = <<-EOT
    %{~ if !var.big ~}
    large
    %{~ else ~}
    small
    %{~ endif ~}
    EOT
  range_key = <<-EOT
      deep
    %{ if var.big }on%{ endif }
    EOT
}
"""
    values = table_values(tmp_path, {"main.tf": main})
    assert values["name"] == "        large\n\n"
    assert values["hash_key"] == "    small\n"
    assert values["range_key"] == "  deep\non\n"


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


# Var files ------------------------------------------------------------------------------

VARS_MAIN = """
variable "name" { default = "default" }
variable "mode" { default = "PROVISIONED" }
resource "aws_dynamodb_table" "t" {
  name = var.name
  billing_mode = var.mode
  hash_key = "id"
}
"""


def test_command_line_var_files_layer_in_order(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": VARS_MAIN, "a.tfvars": 'name = "a"\nmode = "PAY_PER_REQUEST"\n'})
    write(tmp_path, {"b.tfvars": 'name = "b"\n'})
    options = ScanOptions(var_files=[tmp_path / "a.tfvars", tmp_path / "b.tfvars"])
    tables = inventory(tmp_path, {}, options=options).tables
    assert [(t.values["name"], t.values["billing_mode"]) for t in tables] == [("b", "PAY_PER_REQUEST")]
    assert tables[0].var_files == ["a.tfvars", "b.tfvars"]


def test_var_then_var_file_order(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": VARS_MAIN, "a.tfvars": 'name = "a"\n'})
    options = ScanOptions(var_files=[tmp_path / "a.tfvars"], variables=[("name", "cli")])
    assert [t.values["name"] for t in inventory(tmp_path, {}, options=options).tables] == ["cli"]


def test_an_environment_folder_is_one_variant_in_lexical_order(tmp_path: Path) -> None:
    files = {
        "main.tf": VARS_MAIN,
        "environments/prod/a.tfvars": 'name = "a"\nmode = "PAY_PER_REQUEST"\n',
        "environments/prod/terraform.tfvars": 'name = "from-terraform-tfvars"\n',
        "environments/dev/dev.tfvars": 'name = "dev"\n',
    }
    tables = inventory(tmp_path, files).tables
    by_label = {t.var_file: t for t in tables}
    assert set(by_label) == {"environments/prod/", "environments/dev/dev.tfvars"}
    prod = by_label["environments/prod/"]
    assert prod.var_files == ["environments/prod/a.tfvars", "environments/prod/terraform.tfvars"]
    assert (prod.values["name"], prod.values["billing_mode"]) == ("from-terraform-tfvars", "PAY_PER_REQUEST")
    assert prod.environment == "prod"


def test_a_lone_terraform_tfvars_below_the_root_is_a_variant(tmp_path: Path) -> None:
    files = {"main.tf": VARS_MAIN, "env/staging/terraform.tfvars": 'name = "s"\n'}
    tables = inventory(tmp_path, files).tables
    assert [(t.var_file, t.values["name"], t.environment) for t in tables] == [
        ("env/staging/terraform.tfvars", "s", "staging")
    ]


def test_backend_config_files_are_not_variants(tmp_path: Path) -> None:
    files = {
        "main.tf": VARS_MAIN,
        "prod.tfvars": 'name = "p"\n',
        "backend-prod.tfvars": 'bucket = "b"\nkey = "k"\nregion = "us-east-1"\n',
        "environments/dev/dev.tfvars": 'name = "d"\n',
        "environments/dev/backend.tfvars": 'bucket = "b"\ndynamodb_table = "locks"\nencrypt = true\n',
        "backend/stage.tfvars": 'name = "not a variant"\n',
    }
    found = inventory(tmp_path, files)
    assert sorted((t.var_file, t.values["name"]) for t in found.tables) == [
        ("environments/dev/dev.tfvars", "d"),
        ("prod.tfvars", "p"),
    ]
    assert found.diagnostics == []


def test_a_var_file_is_applied_only_to_roots_that_declare_its_variables(tmp_path: Path) -> None:
    other = 'variable "other" { default = "x" }\nresource "aws_dynamodb_table" "o" {\n  name = var.other\n}\n'
    files = {
        "a/main.tf": VARS_MAIN,
        "b/main.tf": other,
        "b/dev.tfvars": 'other = "dev"\n',
        "prod.tfvars": 'name = "p"\nextra = 1\n',
    }
    write(tmp_path, files)
    found = scan([tmp_path], ScanOptions(var_files=[tmp_path / "prod.tfvars"]), cwd=tmp_path)
    names = sorted((t.root, t.values["name"], t.var_file) for t in found.tables)
    assert names == [("a", "p", "prod.tfvars"), ("b", "dev", "b/dev.tfvars")]
    warnings = [d for d in found.diagnostics if d.severity == "warning"]
    assert [(d.file, d.line) for d in warnings] == [("prod.tfvars", 2)]


# Diagnostics ----------------------------------------------------------------------------


def test_a_registry_module_note_is_reported_once_naming_the_variants(tmp_path: Path) -> None:
    main = 'variable "name" {}\nmodule "tables" {\n  source = "terraform-aws-modules/dynamodb-table/aws"\n}\n'
    files = {"main.tf": main, "dev.tfvars": 'name = "d"\n', "prod.tfvars": 'name = "p"\n'}
    notes = inventory(tmp_path, files).diagnostics
    assert len(notes) == 1
    assert notes[0].variants == [". (dev.tfvars)", ". (prod.tfvars)"]


def test_a_var_file_warning_is_reported_once_across_roots(tmp_path: Path) -> None:
    files = {"a/main.tf": VARS_MAIN, "b/main.tf": VARS_MAIN, "common.tfvars": 'name = "x"\ntypo = 1\n'}
    write(tmp_path, files)
    found = scan([tmp_path], ScanOptions(var_files=[tmp_path / "common.tfvars"]), cwd=tmp_path)
    warnings = [d for d in found.diagnostics if d.severity == "warning"]
    assert len(warnings) == 1 and warnings[0].variants == ["a (common.tfvars)", "b (common.tfvars)"]


def test_messages_hold_no_absolute_paths(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    main = 'module "out" {\n  source = "../../outside"\n}\n'
    found = inventory(tmp_path, {"repo/main.tf": main})
    assert found.diagnostics
    for diagnostic in found.diagnostics:
        assert str(tmp_path) not in diagnostic.message


# Override files -------------------------------------------------------------------------


def test_an_override_file_merges_into_the_resource(tmp_path: Path) -> None:
    main = """
locals { env = "dev" }
resource "aws_dynamodb_table" "t" {
  name = "t-${local.env}"
  hash_key = "id"
  billing_mode = "PAY_PER_REQUEST"
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery { enabled = false }
  lifecycle { prevent_destroy = true }
}
"""
    override = """
locals { env = "prod" }
resource "aws_dynamodb_table" "t" {
  point_in_time_recovery { enabled = true }
  lifecycle { ignore_changes = [tags] }
}
"""
    later = 'resource "aws_dynamodb_table" "t" {\n  billing_mode = "PROVISIONED"\n}\n'
    found = inventory(tmp_path, {"main.tf": main, "override.tf": override, "z_override.tf": later}).tables
    assert len(found) == 1
    table = found[0]
    assert table.values["name"] == "t-prod"
    assert table.values["hash_key"] == "id"
    assert table.values["billing_mode"] == "PROVISIONED"
    assert table.values["attribute"] == [{"name": "id", "type": "S"}]
    assert table.values["point_in_time_recovery"] == [{"enabled": True, "recovery_period_in_days": None}]
    assert table.lifecycle == {"prevent_destroy": True, "ignore_changes": ["tags"]}


def test_an_override_variable_replaces_only_what_it_sets(tmp_path: Path) -> None:
    main = 'variable "n" {\n  type = string\n  default = "base"\n}\n'
    main += 'resource "aws_dynamodb_table" "t" {\n  name = var.n\n}\n'
    override = 'variable "n" {\n  default = "over"\n}\n'
    assert table_values(tmp_path, {"main.tf": main, "vars_override.tf": override})["name"] == "over"


# Paths and files ------------------------------------------------------------------------


def test_path_module_and_root_are_relative_to_the_root_module(tmp_path: Path) -> None:
    root = 'module "m" {\n  source = "./modules/m"\n}\n'
    child = 'resource "aws_dynamodb_table" "t" {\n  name = "x"\n'
    child += '  tags = { m = path.module, r = path.root }\n}\n'
    files = {"live/main.tf": root, "live/modules/m/main.tf": child}
    tags = inventory(tmp_path, files, target="live").tables[0].values["tags"]
    assert tags == {"m": "modules/m", "r": "."}


def test_tables_defined_in_yaml_and_json_files_are_read(tmp_path: Path) -> None:
    root = 'module "m" {\n  source = "./modules/m"\n}\n'
    child = """
locals {
  tables = yamldecode(file("${path.module}/tables.yaml"))
  extra  = jsondecode(file("${path.module}/extra.json"))
}
resource "aws_dynamodb_table" "t" {
  for_each = merge(local.tables, local.extra)
  name = each.key
  billing_mode = each.value.mode
  tags = { exists = fileexists("${path.module}/tables.yaml"), missing = fileexists("nope.yaml") }
}
"""
    files = {
        "main.tf": root,
        "modules/m/main.tf": child,
        "modules/m/tables.yaml": "orders:\n  mode: PAY_PER_REQUEST\nusers:\n  mode: PROVISIONED\n",
        "modules/m/extra.json": '{"audit": {"mode": "PAY_PER_REQUEST"}}',
    }
    tables = {t.values["name"]: t.values for t in inventory(tmp_path, files).tables}
    assert {n: v["billing_mode"] for n, v in tables.items()} == {
        "audit": "PAY_PER_REQUEST",
        "orders": "PAY_PER_REQUEST",
        "users": "PROVISIONED",
    }
    assert tables["orders"]["tags"] == {"exists": "true", "missing": "false"}


def test_templatefile_renders_with_its_vars(tmp_path: Path) -> None:
    main = """
resource "aws_dynamodb_table" "t" {
  name = templatefile("${path.module}/name.tpl", { env = "prod", parts = ["a", "b"] })
}
"""
    files = {"main.tf": main, "name.tpl": "%{ for p in parts ~}${p}-%{ endfor ~}${env}\n"}
    assert table_values(tmp_path, files)["name"] == "a-b-prod\n"


def test_a_path_leaving_the_scanned_tree_is_unknown_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside")
    main = 'resource "aws_dynamodb_table" "t" {\n  name = file("../secret.txt")\n}\n'
    files = {"repo/.git/HEAD": "", "repo/main.tf": main}
    found = inventory(tmp_path, files, target="repo")
    table = found.tables[0]
    assert table.values["name"] is None and "name" in table.unknown
    assert any("leaves the scanned tree" in d.message for d in found.diagnostics)


# Modules --------------------------------------------------------------------------------


def test_modules_feeding_each_other_different_outputs_are_no_cycle(tmp_path: Path) -> None:
    root = """
module "a" {
  source = "./a"
  peer   = module.b.name
}
module "b" {
  source = "./b"
  prefix = module.a.prefix
}
"""
    a = """
variable "peer" {}
output "prefix" { value = "app" }
output "peer_seen" { value = var.peer }
resource "aws_dynamodb_table" "t" {
  name = "a-${var.peer}"
}
"""
    b = 'variable "prefix" {}\noutput "name" { value = "${var.prefix}-b" }\n'
    found = inventory(tmp_path, {"main.tf": root, "a/main.tf": a, "b/main.tf": b})
    assert [t.values["name"] for t in found.tables] == ["a-app-b"]
    assert not [d for d in found.diagnostics if "Cycle" in d.message or "cycle" in d.message]


def test_an_output_of_a_counted_module_instance(tmp_path: Path) -> None:
    root = """
module "a" {
  source = "./a"
  count  = 2
  n      = count.index
}
resource "aws_dynamodb_table" "t" {
  name = module.a[1].name
  tags = { all = join(",", [for i in [0, 1] : module.a[i].name]) }
}
"""
    a = 'variable "n" {}\noutput "name" { value = "n${var.n}" }\n'
    values = table_values(tmp_path, {"main.tf": root, "a/main.tf": a})
    assert values["name"] == "n1"
    assert values["tags"] == {"all": "n0,n1"}


# What Terraform rejects -----------------------------------------------------------------

GOOD_ROOT = 'resource "aws_dynamodb_table" "ok" {\n  name = "ok"\n  hash_key = "id"\n}\n'


@pytest.mark.parametrize(
    ("text", "line", "wording"),
    [
        ('resource "aws_dynamodb_table" "t" { name = "t" hash_key = "id" }\n', 1, "single-argument block"),
        ('resource "aws_dynamodb_table" "t" {\n  name = "a"\n  name = "b"\n}\n', 3, "Attribute redefined"),
        ('locals {\n  x = { a = 1 b = 2 }\n}\n', 2, "Missing attribute separator"),
        ('variable "v" {\n  type = "string"\n}\n', 2, "Invalid quoted type constraints"),
        ('resource "aws_dynamodb_table" "<%= p %>" {\n  name = "x"\n}\n', 1, "Invalid resource name"),
        (
            'variable "gsis" {}\nresource "aws_dynamodb_table" "t" {\n  name = "t"\n'
            '  global_secondary_index = ["${var.gsis}"]\n}\n',
            4,
            'Did you mean to define a block of type "global_secondary_index"?',
        ),
        (
            'resource "aws_dynamodb_table" "t" {\n  name = "t"\n  server_side_encryption {\n'
            "    enabled = true\n    kms_key_arn = aws_kms_key.typo.arn\n  }\n}\n",
            5,
            'A managed resource "aws_kms_key" "typo" has not been declared',
        ),
        ('resource "aws_dynamodb_table" "t" {\n  name = var.nope\n}\n', 2, "undeclared input variable"),
        ('resource "aws_dynamodb_table" "t" {\n  name = local.nope\n}\n', 2, "undeclared local value"),
        ('resource "aws_dynamodb_table" "t" {\n  name = module.nope.x\n}\n', 2, "undeclared module"),
        ('resource "aws_dynamodb_table" "t" {\n  name = data.aws_x.y.id\n}\n', 2, 'data resource "aws_x"'),
        ('locals {\n  a = 1\n}\nlocals {\n  a = 2\n}\n', 5, "Duplicate local value definition"),
    ],
)
def test_what_terraform_rejects_is_an_input_error(tmp_path: Path, text: str, line: int, wording: str) -> None:
    text += 'resource "aws_dynamodb_table" "z" {\n  name = "z"\n}\n'
    found = inventory(tmp_path, {"bad/main.tf": text, "good/main.tf": GOOD_ROOT})
    errors = found.errors
    assert [(e.file, e.line) for e in errors] == [("bad/main.tf", line)], errors
    assert wording in errors[0].message
    assert [t.address for t in found.tables] == ["aws_dynamodb_table.ok"]


def test_the_cli_exits_2_for_what_terraform_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from dynlint.cli import app

    write(tmp_path, {"main.tf": 'resource "aws_dynamodb_table" "t" {\n  name = aws_kms_key.typo.arn\n}\n'})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["tables", "."])
    assert result.exit_code == 2
    assert "main.tf:2" in result.stderr and "has not been declared" in result.stderr


def test_locally_bound_names_are_no_undeclared_references(tmp_path: Path) -> None:
    main = """
variable "gsis" { default = [] }
resource "aws_dynamodb_table" "t" {
  name = join("-", [for k, v in { a = 1 } : "${k}${v}"])
  hash_key = "id"
  dynamic "global_secondary_index" {
    for_each = var.gsis
    iterator = gsi
    content {
      name = gsi.value.name
      hash_key = gsi.value.hash_key
      projection_type = "ALL"
    }
  }
  lifecycle { ignore_changes = [read_capacity] }
  depends_on = []
}
"""
    found = inventory(tmp_path, {"main.tf": main})
    assert found.errors == [] and len(found.tables) == 1


# The constructs fixtures of these semantics ---------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def fixture_inventory(name: str):
    return scan([REPO / "fixtures" / "constructs" / name], ScanOptions(), cwd=REPO)


def test_fixture_env_folders() -> None:
    found = fixture_inventory("env-folders")
    tables = {t.environment: t for t in found.tables}
    assert set(tables) == {"dev", "prod"}
    assert tables["prod"].var_file == "fixtures/constructs/env-folders/environments/prod/"
    assert tables["prod"].values["read_capacity"] == 20
    assert tables["prod"].values["point_in_time_recovery"][0]["enabled"] is True
    assert found.diagnostics == []


def test_fixture_overrides() -> None:
    tables = {t.address: t.values for t in fixture_inventory("overrides").tables}
    sessions = tables["aws_dynamodb_table.sessions"]
    assert sessions["name"] == "sessions-prod"
    assert sessions["point_in_time_recovery"][0]["enabled"] is True
    assert sessions["tags"] == {"Days": "30", "Backup": "true"}
    assert tables["aws_dynamodb_table.copy"]["name"] == "copy-of-sessions-prod"


def test_fixture_module_outputs() -> None:
    found = fixture_inventory("module-outputs")
    assert [t.values["name"] for t in found.tables] == ["acme-orders"]
    assert found.diagnostics == []


def test_fixture_rejected() -> None:
    found = fixture_inventory("rejected")
    assert found.tables == []
    assert [(e.line, e.message.split(":")[0]) for e in found.errors] == [
        (9, "Unsupported argument"),
        (18, "Reference to undeclared resource"),
    ]


def test_conditional_results_share_one_type(tmp_path: Path) -> None:
    # As terraform console gives them: the result takes the type both branches convert to.
    value = tag_value(tmp_path, '[true ? 1 : "a", true ? [1] : ["a"], true ? 1 : tonumber("x"), "${1.5}"]')
    assert value == '["1",["1"],1,1.5]'


# Variable type conversion (as terraform console gives it) -------------------------------


def test_variable_conversion_unifies_nested_elements(tmp_path: Path) -> None:
    extra = """
variable "nested" {
  type    = map(any)
  default = { a = { x = 1 }, b = { x = "s" } }
}
variable "numbers" {
  type    = set(number)
  default = [3, 1, "2", 1]
}
"""
    expected = '[{"a":{"x":"1"},"b":{"x":"s"}},[1,2,3]]'
    assert tag_value(tmp_path, "[var.nested, var.numbers]", extra=extra) == expected


def test_an_invalid_default_is_an_input_error(tmp_path: Path) -> None:
    main = """
variable "mixed" {
  type    = map(any)
  default = { a = 1, b = true }
}
variable "called" {
  default = toset(["a"])
}
resource "aws_dynamodb_table" "t" {
  name = "t"
  tags = { n = length(var.mixed) }
}
"""
    errors = inventory(tmp_path, {"main.tf": main}).errors
    assert sorted((e.line, e.message.split(":")[0]) for e in errors) == [
        (4, "Invalid default value for variable"),
        (7, "Function calls not allowed"),
    ]


def test_a_parse_error_survives_a_worker_process() -> None:
    import pickle

    from dynlint.parser import ParseError

    error = pickle.loads(pickle.dumps(ParseError("main.tf", 3, 4, "bad")))
    assert (error.file, error.line, error.column, error.reason) == ("main.tf", 3, 4, "bad")
