"""Fuzzing the parse-evaluate-report and cost paths against one invariant.

dynlint reports findings or a clear input error naming the file and line: exit 0, 1 or 2, strict
JSON on stdout with ``--format json``, never a traceback, never a hang, never a value from
outside the scanned tree.

Three sources of input:

- mutants of the shipped fixtures (``fixtures/``): token edits (spans deleted, duplicated,
  swapped; brackets, quotes and operators inserted), literal edits (numbers, strings,
  booleans and ``count``/``for_each`` values replaced by extreme or ill-typed ones), byte edits
  (invalid UTF-8, a BOM, NUL) and structure edits (deep nesting, a source leaving the tree);
- Terraform generated from a grammar of expressions (functions, templates, for expressions,
  conditionals, references, extreme literals), placed in tables with count, for_each and
  dynamic blocks;
- ``dynlint cost`` options, profiles and prices files drawn from numbers that include NaN,
  infinities and huge values.

Sizes are small for CI (about a minute); ``DYNLINT_FUZZ_SCALE=10`` runs ten times as many.
Counts of what ran are printed at the end of the session.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from harness import COUNTS, LINT_COMMAND, REPO, assert_contract, run_dynlint, strict_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCALE = float(os.environ.get("DYNLINT_FUZZ_SCALE", "1"))
HANG_SECONDS = 30
FIXTURES = REPO / "fixtures"
SCENARIOS = sorted(
    {p.parent for p in (FIXTURES / "seeds").glob("*/README.md")}
    | {p for p in (FIXTURES / "constructs").iterdir() if p.is_dir()}
)
OUTSIDE_MARKER = "outside-secret-table"


def _examples(count: int) -> int:
    return max(1, int(count * SCALE))


@contextmanager
def no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail (rather than wait for ever) when one input takes longer than ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise AssertionError(f"dynlint took more than {seconds} s on one input: a hang")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def lint_and_check(directory: Path) -> None:
    with no_hang():
        outcome = run_dynlint(LINT_COMMAND, str(directory), "--format", "json")
    assert_contract(outcome, json_output=True)
    document = strict_json(outcome.stdout)
    assert OUTSIDE_MARKER not in outcome.stdout, "a value from outside the scanned tree"
    for error in document.get("errors", []):
        assert error.get("file"), error
    if outcome.exit_code == 2 and not document.get("errors"):
        assert outcome.stderr.strip(), "exit 2 without saying why"


# Mutation operators ------------------------------------------------------------------------------

NUMBERS = ["1e400", "1" * 4400, "-1", "1.5", "0", "1e308", "100000000", '"abc"', "null", "true", "[1]", "-0"]
STRINGS = [
    '"${"',
    '"%{ if true }x"',
    '"\\u00e9\\u0000"',
    '"${var.nope}"',
    '"' + "x" * 5000 + '"',
    '""',
    '"$${x}"',
]
META_VALUES = [
    "null",
    "5",
    '"abc"',
    '["a", "b"]',
    "toset([1])",
    "{}",
    "-1",
    "1.5",
    '"1e400"',
    "100000000",
    "true",
    "[for s in [] : s]",
]
PUNCTUATION = [*'{}[]()"=,.:?!$%#/*<>\\\n', "${", "%{", "<<EOF\n", "...", "=>"]
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_KEYWORD = re.compile(r"\b(true|false|null)\b")
_META = re.compile(r"^(\s*)(count|for_each)(\s*=\s*).*$", re.M)


def _span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(len(text) + 1)
    return start, min(len(text), start + rng.randint(1, 40))


def _replace_match(rng: random.Random, text: str, pattern: re.Pattern[str], choices: list[str]) -> str:
    matches = list(pattern.finditer(text))
    if not matches:
        return text
    found = rng.choice(matches)
    return text[: found.start()] + rng.choice(choices) + text[found.end() :]


def mutate_text(rng: random.Random, text: str) -> str:
    operator = rng.randrange(11)
    if operator == 0 and text:  # delete a span
        start, end = _span(rng, text)
        return text[:start] + text[end:]
    if operator == 1 and text:  # duplicate a span
        start, end = _span(rng, text)
        return text[:end] + text[start:end] + text[end:]
    if operator == 2:  # insert punctuation
        where = rng.randrange(len(text) + 1)
        return text[:where] + rng.choice(PUNCTUATION) + text[where:]
    if operator == 3:  # swap two lines
        lines = text.split("\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if operator == 4:
        return _replace_match(rng, text, _NUMBER, NUMBERS)
    if operator == 5:
        return _replace_match(rng, text, _STRING, STRINGS + NUMBERS)
    if operator == 6:
        return _replace_match(rng, text, _KEYWORD, ["true", "false", "null", "1", '"yes"', "[]"])
    if operator == 7:
        matches = list(_META.finditer(text))
        if matches:
            found = rng.choice(matches)
            line = f"{found.group(1)}{found.group(2)}{found.group(3)}{rng.choice(META_VALUES)}"
            return text[: found.start()] + line + text[found.end() :]
        return text
    if operator == 8:  # deep nesting inside an expression
        depth = rng.choice([50, 99, 101, 200, 1000])
        opening, closing = rng.choice([("[", "]"), ("(", ")"), ("{a=", "}"), ('"${', '}"')])
        return _replace_match(rng, text, _NUMBER, [opening * depth + "1" + closing * depth])
    if operator == 9:  # truncate
        return text[: rng.randrange(len(text) + 1)]
    return _replace_match(rng, text, _STRING, ['"../../../outside"', '"./"', '"../"', '"/etc"'])


def mutate_bytes(rng: random.Random, raw: bytes) -> bytes:
    choice = rng.randrange(3)
    where = rng.randrange(len(raw) + 1)
    if choice == 0:
        return raw[:where] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80"]) + raw[where:]
    if choice == 1:
        return b"\xef\xbb\xbf" + raw
    return raw[:where] + b"\x00" + raw[where:]


def _mutable_files(directory: Path) -> list[Path]:
    names = (".tf", ".tfvars", ".tf.json", ".tfvars.json")
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name.endswith(names))


def make_mutant(scenario: Path, target: Path, seed: int, edits: int) -> None:
    """Copy ``scenario`` to ``target`` and apply ``edits`` random edits to its files."""
    rng = random.Random(seed)
    shutil.copytree(scenario, target, symlinks=True)
    (target / ".git").mkdir(exist_ok=True)  # the scanned tree: a source above it must be refused
    outside = target.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "main.tf").write_text(
        f'resource "aws_dynamodb_table" "o" {{\n  name = "{OUTSIDE_MARKER}"\n  hash_key = "id"\n}}\n'
    )
    files = _mutable_files(target)
    for _ in range(edits):
        path = rng.choice(files)
        if rng.random() < 0.1:
            path.write_bytes(mutate_bytes(rng, path.read_bytes()))
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
            path.write_text(mutate_text(rng, text), encoding="utf-8", errors="replace")


@settings(
    max_examples=_examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    scenario=st.sampled_from(SCENARIOS),
    seed=st.integers(0, 2**32 - 1),
    edits=st.integers(1, 4),
)
def test_mutated_fixtures_keep_the_contract(
    tmp_path_factory: pytest.TempPathFactory, scenario: Path, seed: int, edits: int
) -> None:
    target = tmp_path_factory.mktemp("mutant") / scenario.name
    make_mutant(scenario, target, seed, edits)
    COUNTS["mutants"] += 1
    lint_and_check(target)


# Generated Terraform -----------------------------------------------------------------------------

FUNCTIONS = [
    "length",
    "lookup",
    "merge",
    "concat",
    "coalesce",
    "try",
    "can",
    "format",
    "join",
    "split",
    "lower",
    "upper",
    "tostring",
    "tonumber",
    "tobool",
    "toset",
    "tolist",
    "tomap",
    "flatten",
    "distinct",
    "compact",
    "min",
    "max",
    "jsonencode",
    "jsondecode",
    "replace",
    "regex",
    "regexall",
    "range",
    "setproduct",
    "element",
    "keys",
    "values",
    "floor",
    "ceil",
    "pow",
    "abs",
    "parseint",
    "substr",
    "formatlist",
    "zipmap",
    "chunklist",
    "strrev",
    "trimspace",
    "base64encode",
    "base64decode",
    "cidrsubnet",
]
EXTREME_NUMBERS = ["0", "-1", "1.5", "1e308", "1e400", "9" * 400, "100000000", "0.1", "1e-400"]


def _literal() -> st.SearchStrategy[str]:
    text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters='"\\$%\n'), max_size=12)
    return st.one_of(
        st.sampled_from(EXTREME_NUMBERS),
        st.integers(-(10**6), 10**6).map(str),
        text.map(lambda t: f'"{t}"'),
        st.sampled_from(["true", "false", "null", '"a+b"', '"(a+)+$"', '"/(a+)+$/"', '"${"']),
    )


def _references() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "var.v",
            "local.l",
            "each.key",
            "each.value",
            "count.index",
            "var.nope",
            "data.x.y.z",
            "aws_dynamodb_table.t.name",
            "module.m.out",
            "path.module",
            "terraform.workspace",
        ]
    )


def _expression(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    call = st.tuples(st.sampled_from(FUNCTIONS), st.lists(children, max_size=3)).map(
        lambda c: f"{c[0]}({', '.join(c[1])})"
    )
    return st.one_of(
        call,
        st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from("abcxyz"), children), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
        ),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "%", "==", "&&", "<"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda c: f'"pre-${{{c}}}-post"'),
        children.map(lambda c: f"[for x in {c} : x]"),
        children.map(lambda c: f"{{ for k, v in {c} : k => v }}"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"{c}[0]"),
        children.map(lambda c: f"{c}[*].name"),
    )


EXPRESSIONS = st.recursive(st.one_of(_literal(), _references()), _expression, max_leaves=12)


@st.composite
def terraform_module(draw: st.DrawFn) -> str:
    meta = draw(st.sampled_from(["", "count", "for_each"]))
    meta_line = f"  {meta} = {draw(EXPRESSIONS)}\n" if meta else ""
    dynamic = ""
    if draw(st.booleans()):
        dynamic = (
            f'  dynamic "attribute" {{\n    for_each = {draw(EXPRESSIONS)}\n'
            '    content {\n      name = attribute.value\n      type = "S"\n    }\n  }\n'
        )
    return (
        f'variable "v" {{\n  default = {draw(EXPRESSIONS)}\n}}\n'
        f"locals {{\n  l = {draw(EXPRESSIONS)}\n}}\n"
        f'resource "aws_dynamodb_table" "t" {{\n{meta_line}'
        f'  name = {draw(EXPRESSIONS)}\n  hash_key = "id"\n'
        f"  read_capacity = {draw(EXPRESSIONS)}\n  billing_mode = {draw(EXPRESSIONS)}\n"
        f"  tags = {{ t = {draw(EXPRESSIONS)} }}\n{dynamic}"
        f"  point_in_time_recovery {{\n    enabled = {draw(EXPRESSIONS)}\n  }}\n}}\n"
    )


@settings(
    max_examples=_examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(module=terraform_module(), tfvars=st.one_of(st.none(), EXPRESSIONS))
def test_generated_terraform_keeps_the_contract(
    tmp_path_factory: pytest.TempPathFactory, module: str, tfvars: str | None
) -> None:
    directory = tmp_path_factory.mktemp("generated")
    (directory / "main.tf").write_text(module)
    if tfvars is not None:
        (directory / "terraform.tfvars").write_text(f"v = {tfvars}\n")
    COUNTS["generated"] += 1
    lint_and_check(directory)


# The cost path -----------------------------------------------------------------------------------

NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["1e306", "1e308", "1e400", "nan", "inf", "-0", "abc", "", "0x10"]),
)
COST_OPTIONS = [
    "--rps",
    "--read-rps",
    "--write-rps",
    "--read-ratio",
    "--item-kb",
    "--storage-gb",
    "--replicas",
    "--gsi",
    "--lsi",
    "--target-utilization",
    "--autoscale-min",
    "--autoscale-max",
    "--transactional-writes",
    "--index-item-kb",
]


@settings(max_examples=_examples(150), deadline=None, database=None)
@given(
    options=st.lists(st.tuples(st.sampled_from(COST_OPTIONS), NUMBER_TEXT), min_size=1, max_size=4),
    shape=st.sampled_from([[], ["--shape", "daily-spike"], ["--shape", "business-hours"]]),
    output=st.sampled_from(["json", "text"]),
)
def test_cost_options_keep_the_contract(
    options: list[tuple[str, str]], shape: list[str], output: str
) -> None:
    arguments = [part for option, value in options for part in (option, value)]
    COUNTS["cost inputs"] += 1
    with no_hang():
        outcome = run_dynlint("cost", *arguments, *shape, "--format", output)
    assert_contract(outcome, json_output=output == "json")
    assert "nan" not in outcome.stdout.lower().replace("nano", "")
    assert "inf requests" not in outcome.stdout


@settings(
    max_examples=_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(
    rows=st.lists(st.tuples(st.integers(-5, 3000), NUMBER_TEXT), max_size=30),
    header=st.sampled_from(["minute,rps", "hour,rps", "minute,read_rps,write_rps", "timestamp,rps", "x,y"]),
)
def test_cost_profiles_keep_the_contract(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[int, str]], header: str
) -> None:
    profile = tmp_path_factory.mktemp("profile") / "profile.csv"
    profile.write_text(header + "\n" + "".join(f"{minute},{rate},{rate}\n" for minute, rate in rows))
    COUNTS["cost inputs"] += 1
    with no_hang():
        outcome = run_dynlint("cost", "--profile", str(profile), "--format", "json")
    assert_contract(outcome, json_output=True)
    if outcome.exit_code == 2:
        assert "profile.csv" in outcome.stderr


PRICES = (REPO / "dynlint" / "cost" / "prices.json").read_text()


@settings(
    max_examples=_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_mutated_prices_keep_the_contract(
    tmp_path_factory: pytest.TempPathFactory, seed: int, edits: int
) -> None:
    rng = random.Random(seed)
    text = PRICES
    for _ in range(edits):
        text = mutate_text(rng, text)
    prices = tmp_path_factory.mktemp("prices") / "prices.json"
    prices.write_text(text, encoding="utf-8", errors="replace")
    COUNTS["mutants"] += 1
    with no_hang():
        outcome = run_dynlint("cost", "--rps", "500", "--prices", str(prices), "--format", "json")
    assert_contract(outcome, json_output=True)
    if outcome.exit_code == 2:
        assert "prices.json" in outcome.stderr


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if "seeds" in s.parts])
def test_mutated_seed_pricing_keeps_the_contract(tmp_path: Path, scenario: Path) -> None:
    for seed in range(_examples(3)):
        target = tmp_path / f"m{seed}" / scenario.name
        make_mutant(scenario, target, seed, edits=2)
        COUNTS["mutants"] += 1
        with no_hang():
            outcome = run_dynlint("cost", str(target), "--rps", "100", "--format", "json")
        assert_contract(outcome, json_output=True)
        assert OUTSIDE_MARKER not in outcome.stdout
