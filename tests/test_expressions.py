"""Expressions evaluated inside a module, as Terraform evaluates locals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dynlint.evaluator import Evaluation, ModuleInstance
from dynlint.modules import SourceTree
from dynlint.values import EvaluationError, Unknown


def module_from(tmp_path: Path, text: str) -> ModuleInstance:
    (tmp_path / "main.tf").write_text(text)
    tree = SourceTree(tmp_path)
    evaluation = Evaluation(tree=tree, top=tmp_path, root_dir=tmp_path, root=".", var_file=None, given={})
    return ModuleInstance(evaluation, tree.module(tmp_path), "", (), {}, None, ())


def local(tmp_path: Path, expression: str, extra: str = "") -> Any:
    module = module_from(tmp_path, f"locals {{\n  x = {expression}\n}}\n{extra}")
    return module.local("x", None)


VARIABLES = """
variable "tables" {
  default = {
    events = { pitr = true, capacity = 5 }
    users  = { pitr = false, capacity = 10 }
  }
}
variable "names" { default = ["a", "b", "c"] }
variable "nothing" { type = string }
"""


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"${var.names[0]}-${length(var.names)}"', "a-3"),
        ('"%{ if var.tables.events.pitr }on%{ else }off%{ endif }"', "on"),
        ('"%{ for n in var.names }${n};%{ endfor }"', "a;b;c;"),
        ("[for k, v in var.tables : k if v.pitr]", ["events"]),
        ("{ for k, v in var.tables : k => v.capacity * 2 }", {"events": 10, "users": 20}),
        ('{ for n in concat(var.names, ["a"]) : n => n... }', {"a": ["a", "a"], "b": ["b"], "c": ["c"]}),
        ("[for t in values(var.tables) : t.capacity][*]", [5, 10]),
        ("values(var.tables)[*].capacity", [5, 10]),
        ("var.names.*", ["a", "b", "c"]),
        ('var.tables.events.capacity > 3 ? "big" : "small"', "big"),
        ("!var.tables.users.pitr && 1 + 2 * 3 == 7", True),
        ("10 % 4 - -1", 3),
        ("7 / 2", 3.5),
        ('"5" + 1', 6),
        ("[1, 2] == [1, 2]", True),
        ('lookup(var.tables.events, "missing", "dflt")', "dflt"),
        ("try(var.tables.orders.pitr, false)", False),
        ("can(var.tables.orders)", False),
        ("try(var.tables.events.pitr, false)", True),
        ("can(var.tables.events)", True),
        ("<<-EOT\n    table ${var.names[1]}\n  EOT", "table b\n"),
        ('"$${literal}"', "${literal}"),
        ("null == null", True),
        ("path.module", "."),
        ("terraform.workspace", "default"),
    ],
)
def test_expression_values(tmp_path: Path, expression: str, expected: Any) -> None:
    assert local(tmp_path, expression, VARIABLES) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "var.nothing",
        '"prefix-${var.nothing}"',
        'var.nothing == "x" ? 1 : 2',
        '[for n in split(",", var.nothing) : n]',
        "data.aws_region.current.name",
        "upper(var.nothing)",
        'try(var.nothing, "fallback")',
        "can(var.nothing)",
    ],
)
def test_unknown_propagates(tmp_path: Path, expression: str) -> None:
    assert isinstance(local(tmp_path, expression, VARIABLES), Unknown)


def test_logical_operators_short_circuit_on_known_side(tmp_path: Path) -> None:
    assert local(tmp_path, 'false && var.nothing == "x"', VARIABLES) is False
    assert local(tmp_path, 'true || var.nothing == "x"', VARIABLES) is True


def test_untaken_branch_is_not_evaluated(tmp_path: Path) -> None:
    assert local(tmp_path, "true ? 1 : var.tables.orders.pitr", VARIABLES) == 1


def test_length_of_list_with_unknown_elements_is_known(tmp_path: Path) -> None:
    assert local(tmp_path, "length([var.nothing, 1])", VARIABLES) == 2


def test_resource_attribute_set_in_configuration_is_known(tmp_path: Path) -> None:
    extra = 'resource "aws_dynamodb_table" "t" {\n  name = "orders"\n}\n'
    assert local(tmp_path, "aws_dynamodb_table.t.name", extra) == "orders"
    assert isinstance(local(tmp_path, "aws_dynamodb_table.t.arn", extra), Unknown)


def test_local_cycle_is_an_error_not_a_hang(tmp_path: Path) -> None:
    module = module_from(tmp_path, "locals {\n  a = local.b\n  b = local.a\n}\n")
    with pytest.raises(EvaluationError, match="Cycle"):
        module.local("a", None)


def test_reference_to_undeclared_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="undeclared input variable"):
        local(tmp_path, "var.missing")


def test_variable_type_conversion_and_optional_defaults(tmp_path: Path) -> None:
    text = """
variable "tables" {
  type = map(object({
    pitr     = optional(bool, false)
    capacity = optional(number)
  }))
  default = { events = { capacity = "5", extra = "dropped" } }
}
"""
    assert local(tmp_path, "var.tables", text) == {"events": {"pitr": False, "capacity": 5}}


def test_map_of_any_unifies_mixed_primitives_to_strings(tmp_path: Path) -> None:
    text = 'variable "gsi" {\n  type = list(map(any))\n  default = [{ name = "a", read_capacity = 5 }]\n}\n'
    assert local(tmp_path, "var.gsi", text) == [{"name": "a", "read_capacity": "5"}]
