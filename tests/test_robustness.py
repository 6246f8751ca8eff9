"""Odd input gives findings or a clear input error naming the file and line, never a traceback,
never a hang, never a value from outside the scanned tree. One test (or more) per input class
of issue 8, through ``dynlint tables`` (whose inventory shows what was evaluated) and
``dynlint cost``; the fuzz tests in ``test_fuzz.py`` drive ``dynlint check`` with more."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from harness import LINT_COMMAND, assert_contract, run_dynlint, run_process, strict_json

from dynlint.functions import call_function
from dynlint.values import EvaluationError

TABLE = """resource "aws_dynamodb_table" "t" {{
  name     = {name}
  hash_key = "id"
{extra}}}
"""


def write_table(directory: Path, name: str = '"orders"', extra: str = "", file: str = "main.tf") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / file
    path.write_text(TABLE.format(name=name, extra=extra))
    return path


def lint(directory: Path, *extra: str) -> tuple[int, dict, str]:
    outcome = run_dynlint("tables", str(directory), "--format", "json", *extra)
    assert_contract(outcome, json_output=True)
    return outcome.exit_code, strict_json(outcome.stdout), outcome.stderr


def table_names(document: dict) -> list[str]:
    return [t["values"]["name"] for t in document.get("tables", [])]


# Deep nesting: one guard in the parser layer and one in the JSON reader ---------------------


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ("{ a = ", " }"), ("(", ")"), ('"${', '}"')])
def test_hcl_nested_past_the_limit_is_an_error_at_its_line(
    tmp_path: Path, opening: str, closing: str
) -> None:
    deep = opening * 300 + "1" + closing * 300
    write_table(tmp_path, extra=f"  tags = {{ x = {deep} }}\n")
    code, _document, stderr = lint(tmp_path)
    assert code == 2
    assert "main.tf:4:" in stderr and "nested more than 100 levels deep" in stderr


def test_hcl_nested_below_the_limit_evaluates(tmp_path: Path) -> None:
    depth = 95
    write_table(
        tmp_path,
        name="(" * depth + '"deep"' + ")" * depth,
        extra=f"  tags = {{ n = length({'[' * depth}1{']' * depth}) }}\n",
    )
    code, document, _ = lint(tmp_path)
    assert code == 0
    assert table_names(document) == ["deep"]


def test_deep_tf_json_is_an_error(tmp_path: Path) -> None:
    write_table(tmp_path, file="table.tf")
    (tmp_path / "main.tf.json").write_text('{"locals": {"x": ' + "[" * 5000 + "]" * 5000 + "}}")
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "main.tf.json:1:" in stderr and "nested more than" in stderr


def test_deep_plan_json_is_an_error(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "planned_values": ' + "[" * 50000 + "]" * 50000 + "}")
    code, _, stderr = lint(plan)
    assert code == 2 and "nested more than" in stderr


def test_deep_prices_json_is_an_error(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text("[" * 50000 + "]" * 50000)
    outcome = run_dynlint("cost", "--rps", "10", "--prices", str(prices))
    assert_contract(outcome)
    assert outcome.exit_code == 2 and "nested more than" in outcome.stderr


# Numbers: finite, or an error ----------------------------------------------------------------


@pytest.mark.parametrize("literal", ["1" * 4301, "1e400", "1" * 400 + ".5"])
def test_a_number_literal_out_of_range_is_an_error_at_its_line(tmp_path: Path, literal: str) -> None:
    write_table(tmp_path, extra=f"  read_capacity = {literal}\n")
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "main.tf:4:" in stderr and "out of range" in stderr


def test_floor_of_an_infinite_literal_is_an_error(tmp_path: Path) -> None:
    write_table(tmp_path, extra="  read_capacity = floor(1e400)\n")
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "out of range" in stderr


@pytest.mark.parametrize(
    ("name", "args"),
    [("tonumber", ["1e400"]), ("parseint", ["1" * 5000, 10]), ("tonumber", ["9" * 5000])],
)
def test_functions_refuse_numbers_out_of_range(name: str, args: list) -> None:
    with pytest.raises(EvaluationError, match="out of range"):
        call_function(name, args)


def test_arithmetic_that_overflows_is_unknown_with_a_note_not_infinity(tmp_path: Path) -> None:
    write_table(tmp_path, extra="  read_capacity = 1e300 * 1e300\n")
    code, document, _ = lint(tmp_path)
    assert code == 0
    assert document["tables"][0]["values"]["read_capacity"] is None
    assert "read_capacity" in document["tables"][0]["unknown"]


def test_a_huge_capacity_prices_as_unknown_and_json_stays_json(tmp_path: Path) -> None:
    write_table(
        tmp_path, extra='  billing_mode = "PROVISIONED"\n  read_capacity = 1e300\n  write_capacity = 5\n'
    )
    outcome = run_dynlint("cost", str(tmp_path), "--rps", "100", "--format", "json")
    assert_contract(outcome, json_output=True)
    document = strict_json(outcome.stdout)
    assert "more than 1,000,000,000 units" in str(document)


@pytest.mark.parametrize("rps", ["inf", "1e306", "1e308", "nan", "-inf"])
def test_request_rates_must_be_finite_and_bounded(rps: str) -> None:
    outcome = run_dynlint("cost", "--rps", rps, "--format", "json")
    assert_contract(outcome)
    assert outcome.exit_code == 2
    assert "--rps" in outcome.stderr
    assert "inf requests/s" not in outcome.output and "nan%" not in outcome.output


def test_replicas_are_bounded() -> None:
    started = time.monotonic()
    outcome = run_dynlint("cost", "--rps", "10", "--replicas", "100000000")
    assert outcome.exit_code == 2 and "--replicas" in outcome.stderr
    assert time.monotonic() - started < 10


# count and for_each: what Terraform rejects is an error naming the resource --------------------


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ('count = "abc"', "cannot convert"),
        ("count = true", "whole number is required"),
        ("count = null", "count is null"),
        ("count = [1]", "whole number is required"),
        ("count = -1", "is negative"),
        ("count = 1.5", "not a whole number"),
        ('count = "1e400"', "out of range"),
        ("count = 100000000", "dynlint evaluates at most 10,000"),
        ("for_each = null", "for_each is null"),
        ("for_each = 5", "not a number"),
        ('for_each = "abc"', "not a string"),
        ('for_each = ["a", "b"]', "this is a tuple"),
        ('for_each = [for s in ["a"] : s]', "this is a tuple"),
        ("for_each = toset([1, 2])", "set of strings"),
        ('for_each = keys({ a = 1 })', "this is a list"),
        ('for_each = tolist(toset(["a"]))', "this is a list"),
        ('count = 1\n  for_each = { a = "b" }', 'Invalid combination of "count" and "for_each"'),
    ],
)
def test_invalid_count_and_for_each_are_errors(tmp_path: Path, argument: str, message: str) -> None:
    write_table(tmp_path, extra=f"  {argument}\n")
    started = time.monotonic()
    code, document, stderr = lint(tmp_path)
    assert time.monotonic() - started < 20
    assert code == 2
    assert "main.tf:4:" in stderr and "aws_dynamodb_table.t" in stderr and message in stderr
    assert document["tables"] == []


def test_a_module_call_with_a_huge_count_is_an_error(tmp_path: Path) -> None:
    write_table(tmp_path / "modules" / "table")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./modules/table"\n  count = 50000\n}\n')
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "module.m" in stderr and "at most 10,000" in stderr


def test_setproduct_that_would_take_hours_is_an_error(tmp_path: Path) -> None:
    write_table(
        tmp_path,
        extra="  tags = { n = length(setproduct(range(1024), range(1024), range(1024))) }\n",
    )
    started = time.monotonic()
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "setproduct() would make 1,073,741,824 elements" in stderr
    assert time.monotonic() - started < 20


def test_regex_backtracking_is_linear_as_in_re2(tmp_path: Path) -> None:
    write_table(tmp_path, name='replace("${join("", [for i in range(1000) : "a"])}b", "/(a+)+$/", "")')
    started = time.monotonic()
    code, document, _ = lint(tmp_path)
    assert code == 0 and table_names(document) == ["a" * 1000 + "b"]
    assert time.monotonic() - started < 10


# Reading files: text, encodings, shapes, sizes --------------------------------------------------


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write_table(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, document, _ = lint(tmp_path)
    assert code == 0 and table_names(document) == ["orders"]


def test_an_encoding_error_names_its_own_line(tmp_path: Path) -> None:
    path = write_table(tmp_path)
    lines = path.read_bytes().split(b"\n")
    lines[2] = b'  hash_key = "\xff"'
    path.write_bytes(b"\n".join(lines))
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "main.tf:3:15:" in stderr and "not UTF-8" in stderr


@pytest.mark.parametrize(
    "document",
    [
        '{"resource": {"aws_dynamodb_table": {"t": 5}}}',
        '{"resource": {"aws_dynamodb_table": 5}}',
        '{"resource": [5]}',
        '{"resource": {"aws_dynamodb_table": {"t": {"dynamic": {"ttl": 5}}}}}',
        '{"module": {"m": "x"}}',
    ],
)
def test_tf_json_of_the_wrong_shape_is_an_error(tmp_path: Path, document: str) -> None:
    write_table(tmp_path, file="table.tf")
    (tmp_path / "main.tf.json").write_text(document)
    code, result, stderr = lint(tmp_path)
    assert code == 2 and "main.tf.json:1:" in stderr and "expected a JSON object" in stderr
    assert table_names(result) == ["orders"]


def test_a_file_too_large_is_refused_quickly(tmp_path: Path) -> None:
    write_table(tmp_path)
    (tmp_path / "big.tf").write_text("locals {\n" + '  x = "abcdefghij"\n' * 300_000 + "}\n")
    started = time.monotonic()
    code, document, stderr = lint(tmp_path)
    assert code == 2 and "big.tf:1:1:" in stderr and "larger than 2 MB" in stderr
    assert table_names(document) == ["orders"]
    assert time.monotonic() - started < 10


def test_a_non_utf8_prices_file_is_an_input_error(tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_bytes(b'{"schema_version": 1,\n "x": "\xff"}')
    outcome = run_dynlint("cost", "--rps", "10", "--prices", str(prices))
    assert_contract(outcome)
    assert outcome.exit_code == 2 and "prices.json:2:" in outcome.stderr and "not UTF-8" in outcome.stderr


def test_a_profile_is_read_only_up_to_31_days(tmp_path: Path) -> None:
    profile = tmp_path / "profile.csv"
    rows = "".join(f"{minute},10\n" for minute in range(31 * 1440 + 50_000))
    # Were the file read whole, the bad byte at its end would be the error.
    profile.write_bytes(b"minute,rps\n" + rows.encode() + b"\xff\n")
    outcome = run_dynlint("cost", "--profile", str(profile))
    assert outcome.exit_code == 2 and "longer than 31 days" in outcome.stderr


# Files that are not regular files: never opened (a subprocess, so a regression times out) --------


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("name", ["main.tf", "terraform.tfvars", "x.tf.json"])
def test_a_fifo_in_the_tree_is_an_error_not_a_hang(tmp_path: Path, name: str) -> None:
    write_table(tmp_path, file="table.tf")
    _fifo(tmp_path / name)
    for command in ("tables", LINT_COMMAND):
        outcome = run_process(command, str(tmp_path), "--format", "json", timeout=60)
        assert_contract(outcome, json_output=True)
        assert outcome.exit_code == 2 and name in outcome.stderr
        assert "not a regular file (a FIFO)" in outcome.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("name", ["zero.tf", "zero.auto.tfvars"])
def test_a_link_to_dev_zero_is_an_error_not_a_hang(tmp_path: Path, name: str) -> None:
    write_table(tmp_path)
    (tmp_path / name).symlink_to("/dev/zero")
    outcome = run_process(LINT_COMMAND, str(tmp_path), timeout=60)
    assert_contract(outcome)
    assert outcome.exit_code == 2 and name in outcome.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("option", ["--profile", "--prices"])
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_fifo_or_device_as_a_cost_input_is_an_error(tmp_path: Path, option: str, kind: str) -> None:
    target = _fifo(tmp_path / "input") if kind == "fifo" else Path("/dev/zero")
    rate = [] if option == "--profile" else ["--rps", "10"]
    outcome = run_process("cost", *rate, option, str(target), timeout=60)
    assert_contract(outcome)
    assert outcome.exit_code == 2 and "not a regular file" in outcome.stderr


# Tree escapes -----------------------------------------------------------------------------------


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    return repo


def test_a_source_outside_the_tree_is_refused_even_when_it_defines_nothing(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text('variable "x" {}\n')
    write_table(repo / "live")
    (repo / "live" / "calls.tf").write_text('module "o" {\n  source = "../../outside"\n}\n')
    _code, document, _ = lint(repo / "live")
    messages = [d["message"] for d in document["diagnostics"]]
    assert any("leaves the scanned repository" in m for m in messages), messages
    assert table_names(document) == ["orders"]


def test_a_modules_json_dir_outside_the_tree_is_not_followed(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    outside = tmp_path / "outside"
    write_table(outside, name='"secret"')
    live = repo / "live"
    (live / ".terraform" / "modules").mkdir(parents=True)
    (live / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules": [{"Key": "m", "Source": "registry.example/x/y", "Dir": "../../outside"}]}'
    )
    (live / "main.tf").write_text('module "m" {\n  source = "registry.example/x/y"\n}\n')
    _code, document, _ = lint(live)
    assert "secret" not in table_names(document)
    messages = [d["message"] for d in document["diagnostics"]]
    assert any("outside the scanned tree" in m for m in messages), messages


def test_a_tf_symlink_to_a_file_outside_the_tree_is_not_read(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    outside = write_table(tmp_path / "outside", name='"secret"')
    write_table(repo / "live")
    (repo / "live" / "linked.tf").symlink_to(outside)
    code, document, stderr = lint(repo / "live")
    assert code == 2 and "linked.tf" in stderr and "outside the scanned tree" in stderr
    assert table_names(document) == ["orders"]


def test_a_root_that_calls_itself_keeps_its_tables_and_reports_the_cycle(tmp_path: Path) -> None:
    write_table(tmp_path)
    (tmp_path / "self.tf").write_text('module "me" {\n  source = "./"\n}\n')
    _code, document, _ = lint(tmp_path)
    assert table_names(document) == ["orders"]
    messages = [d["message"] for d in document["diagnostics"]]
    assert any("module cycle" in m for m in messages), messages


# Found by the fuzz tests ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('locals {\n  x = "%{ if true }abc"\n}\n', "main.tf:2:"),
        ('locals {\n  x = "%{ for a in [] }"\n}\n', "main.tf:2:"),
    ],
)
def test_a_template_directive_left_open_is_a_parse_error(tmp_path: Path, text: str, where: str) -> None:
    write_table(tmp_path, file="table.tf")
    (tmp_path / "main.tf").write_text(text)
    code, _, stderr = lint(tmp_path)
    assert code == 2 and where in stderr and "not valid HCL" in stderr


def test_a_nul_in_a_module_source_is_refused(tmp_path: Path) -> None:
    write_table(tmp_path)
    (tmp_path / "calls.tf").write_text('module "m" {\n  source = "./x\\u0000y"\n}\n')
    _, document, _ = lint(tmp_path)
    assert table_names(document) == ["orders"]
    assert any("NUL" in d["message"] for d in document["diagnostics"])


def test_a_huge_integer_inside_a_template_is_a_parse_error(tmp_path: Path) -> None:
    write_table(tmp_path, name='"t-${local.parts[' + "1" * 4400 + ']}"')
    code, _, stderr = lint(tmp_path)
    assert code == 2 and "main.tf:2:" in stderr and "out of range" in stderr


def test_a_reference_to_a_table_whose_dynamic_block_is_unknown(tmp_path: Path) -> None:
    extra = (
        '  dynamic "attribute" {\n    for_each = length()\n    content {\n      name = attribute.value\n'
        '      type = "S"\n    }\n  }\n'
        "  point_in_time_recovery {\n    enabled = aws_dynamodb_table.t.name\n  }\n"
    )
    write_table(tmp_path, extra=extra)
    _, document, _ = lint(tmp_path)
    assert table_names(document) == ["orders"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_the_config_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    write_table(tmp_path)
    config = _fifo(tmp_path / "dynlint.toml")
    outcome = run_process(LINT_COMMAND, str(tmp_path), "--config", str(config), timeout=60)
    assert_contract(outcome)
    assert outcome.exit_code == 2 and "not a regular file" in outcome.stderr


@pytest.mark.parametrize(
    ("variable_type", "accepted"),
    [("list(string)", False), ("set(string)", True), ("any", False)],
)
def test_for_each_over_a_variable_follows_its_type(
    tmp_path: Path, variable_type: str, accepted: bool
) -> None:
    """As `terraform plan` says: a list (or tuple) is rejected, a set of strings accepted."""
    (tmp_path / "variables.tf").write_text(
        f'variable "names" {{\n  type    = {variable_type}\n  default = ["a", "b"]\n}}\n'
    )
    write_table(tmp_path, extra="  for_each = var.names\n")
    code, document, stderr = lint(tmp_path)
    if accepted:
        assert code != 2 and len(document["tables"]) == 2
    else:
        assert code == 2 and "Invalid for_each argument" in stderr and document["tables"] == []
