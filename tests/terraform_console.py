"""A differential harness: dynlint's evaluator and parser against the ``terraform`` binary.

Expressions are compared through locals: a synthetic configuration holds the variables (with
defaults) and locals of a module plus one ``dynlint_probe_N`` local per resource or module
argument that only refers to variables and locals. dynlint evaluates every local; one
``terraform console`` process prints all of them as one JSON document (errors reported by
Terraform name the local's line, which is then dropped and the console run again). Nothing needs
a provider, so Terraform runs offline.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint.evaluator import Evaluation, ModuleInstance
from dynlint.functions import call_function
from dynlint.modules import SourceTree, is_override_file
from dynlint.parser import ParseError, parse_file
from dynlint.syntax import Attribute, Block, Body, Call, Expr, Variable, walk
from dynlint.validate import _references, syntax_problems
from dynlint.values import EvaluationError, contains_unknown

TERRAFORM = shutil.which("terraform")
_ENV = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
_ERROR_LINE = re.compile(r"on (\S+) line (\d+)")
# Functions whose results depend on time, randomness or the machine.
_UNSTABLE = frozenset(
    {"timestamp", "plantimestamp", "uuid", "bcrypt", "abspath", "pathexpand", "rsadecrypt", "uuidv5"}
)


@dataclass
class Outcome:
    """One local's result: a JSON-able value, an error, or unknown."""

    kind: str  # value, error, unknown
    value: Any = None

    def same_as(self, other: Outcome) -> bool:
        if self.kind != other.kind:
            return False
        return self.kind != "value" or _normal(self.value) == _normal(other.value)


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


@dataclass
class Difference:
    name: str
    source: str
    terraform: Outcome
    dynlint: Outcome


@dataclass
class Comparison:
    compared: int = 0
    differences: list[Difference] = field(default_factory=list)


# Building the synthetic configuration ----------------------------------------------------


def _source_text(lines: list[str], attribute: Attribute, starts: list[int]) -> str:
    # The parser's end line can run into the next line; no argument goes past the next start.
    later = [line for line in starts if line > attribute.pos.line]
    end = min([attribute.end_line, *(line - 1 for line in later[:1])])
    first = lines[attribute.pos.line - 1][attribute.pos.column - 1 :]
    text = "\n".join([first, *lines[attribute.pos.line : end]])
    return text.rstrip().removesuffix("}").rstrip() if end < attribute.end_line else text


def _expression_text(lines: list[str], attribute: Attribute, starts: list[int]) -> str:
    text = _source_text(lines, attribute, starts)
    return text.split("=", 1)[1].strip() if "=" in text else ""


def _starts(body: Body) -> list[int]:
    found = [a.pos.line for a in body.attributes.values()]
    for block in body.blocks:
        found.append(block.pos.line)
        found.append(block.end_line + 1)
        found.extend(_starts(block.body))
    return sorted(set(found))


def _usable(expr: Expr, variables: set[str], locals_: set[str]) -> bool:
    for node in walk(expr):
        if isinstance(node, Call) and node.name in _UNSTABLE:
            return False
        if isinstance(node, Variable) and node.name in ("self", "each", "count"):
            return False
    for root, name, _, _ in _references(expr, frozenset()):
        if root in ("path", "terraform"):
            continue
        if not ((root == "var" and name in variables) or (root == "local" and name in locals_)):
            return False
    return True


def synthetic_config(directory: Path) -> dict[str, str] | None:
    """``{local name: source text}`` plus variables, as one ``main.tf``; None when nothing to probe."""
    variables: dict[str, str] = {}
    locals_: dict[str, tuple[Attribute, str]] = {}
    probes: list[tuple[Attribute, str]] = []
    for path in sorted(directory.glob("*.tf")):
        if is_override_file(path):
            continue
        try:
            parsed = parse_file(path, path.name)
        except ParseError:
            continue
        if syntax_problems(parsed):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        starts = _starts(parsed.body)
        for block in parsed.body.blocks:
            _collect(block, lines, starts, variables, locals_, probes)
    for index, (attribute, text) in enumerate(probes):
        locals_[f"dynlint_probe_{index}"] = (attribute, text)
    kept = _keep_usable(variables, locals_)
    if not kept:
        return None
    return {"__variables__": "\n".join(variables.values()), **kept}


def _collect(
    block: Block,
    lines: list[str],
    starts: list[int],
    variables: dict[str, str],
    locals_: dict[str, tuple[Attribute, str]],
    probes: list[tuple[Attribute, str]],
) -> None:
    if block.type == "variable" and block.labels and "default" in block.body.attributes:
        variables[block.labels[0]] = "\n".join(lines[block.pos.line - 1 : block.end_line])
    elif block.type == "locals":
        for name, attribute in block.body.attributes.items():
            if attribute.pos.line != block.pos.line:
                locals_[name] = (attribute, _expression_text(lines, attribute, starts))
    elif block.type in ("resource", "module", "output"):
        _collect_arguments(block, lines, starts, probes)


def _collect_arguments(
    block: Block, lines: list[str], starts: list[int], probes: list[tuple[Attribute, str]]
) -> None:
    if "for_each" in block.body.attributes or "count" in block.body.attributes or block.type == "dynamic":
        return
    for name, attribute in block.body.attributes.items():
        if name not in ("source", "version", "depends_on", "provider", "providers") and (
            attribute.pos.line != block.pos.line
        ):
            probes.append((attribute, _expression_text(lines, attribute, starts)))
    for nested in block.body.blocks:
        _collect_arguments(nested, lines, starts, probes)


def _keep_usable(variables: dict[str, str], locals_: dict[str, tuple[Attribute, str]]) -> dict[str, str]:
    names = set(locals_)
    while True:
        usable = {n for n in names if _usable(locals_[n][0].expr, set(variables), names)}
        if usable == names:
            break
        names = usable
    return {n: locals_[n][1] for n in sorted(names) if locals_[n][1]}


def write_config(directory: Path, config: dict[str, str]) -> dict[int, str]:
    """Write ``main.tf``; returns the local defined on each line."""
    lines = [config.get("__variables__", ""), "locals {"]
    owners: dict[int, str] = {}
    for name, text in config.items():
        if name == "__variables__":
            continue
        start = sum(part.count("\n") + 1 for part in lines) + 1
        lines.append(f"  {name} = {text}")
        for line in range(start, start + text.count("\n") + 1):
            owners[line] = name
    lines.append("}")
    (directory / "main.tf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return owners


# Running both sides -----------------------------------------------------------------------


def terraform_locals(directory: Path, config: dict[str, str]) -> dict[str, Outcome]:
    """Every local's value as Terraform computes it: locals Terraform reports errors for are
    dropped and the console run again; an unknown batch is split in halves."""
    outcomes: dict[str, Outcome] = {}
    remaining = dict(config)
    while True:
        owners = write_config(directory, remaining)
        names = [n for n in remaining if n != "__variables__"]
        if not names:
            return outcomes
        result = _console(directory, _batch_expression(names))
        failed = {_owner(owners, int(line)) for file, line in _ERROR_LINE.findall(result.stderr)
                  if file == "main.tf"} - {None}  # fmt: skip
        if not failed:
            break
        for name in failed:
            outcomes[name] = Outcome("error", _first_error(result.stderr))
            del remaining[name]
    pending = [(names, result)]
    while pending:
        batch, result = pending.pop()
        values = _batch_values(result)
        if values is not None:
            outcomes.update({name: Outcome("value", values[name]) for name in batch})
        elif len(batch) == 1:
            outcomes[batch[0]] = Outcome("unknown" if "known after apply" in result.stdout else "error",
                                         (result.stdout + result.stderr).strip()[:200])  # fmt: skip
        else:
            half = len(batch) // 2
            for part in (batch[:half], batch[half:]):
                pending.append((part, _console(directory, _batch_expression(part))))
    return outcomes


def _owner(owners: dict[int, str], line: int) -> str | None:
    """The local written on ``line``, or the nearest one above it."""
    above = [n for n in owners if n <= line]
    return owners[max(above)] if above else None


def _batch_expression(names: list[str]) -> str:
    body = ", ".join(f"{n} = local.{n}" for n in names)
    return f"base64encode(jsonencode({{ {body} }}))"


def _batch_values(result: subprocess.CompletedProcess[str]) -> dict[str, Any] | None:
    text = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not text.startswith('"'):
        return None
    return json.loads(base64.b64decode(json.loads(text)).decode("utf-8"))


def _first_error(stderr: str) -> str:
    for line in stderr.splitlines():
        if line.startswith("Error: "):
            return line[7:]
    return stderr.strip()[:200]


def _console(directory: Path, expression: str) -> subprocess.CompletedProcess[str]:
    assert TERRAFORM is not None
    return subprocess.run(
        [TERRAFORM, "console", "-no-color"],
        input=expression + "\n",
        cwd=directory,
        capture_output=True,
        text=True,
        env=_ENV,
        timeout=120,
        check=False,
    )


def dynlint_locals(directory: Path, names: list[str]) -> dict[str, Outcome]:
    tree = SourceTree(directory)
    source = tree.module(directory)
    evaluation = Evaluation(tree=tree, top=directory, root_dir=directory, root=".", var_file=None, given={})
    module = ModuleInstance(evaluation, source, "", (), {}, None, ())
    if tree.rejected(directory):
        # dynlint rejects the whole configuration, as Terraform would (a call in a default).
        message = tree.diagnostics[0].message
        return {name: Outcome("error", message) for name in names}
    outcomes = {}
    for name in names:
        errors = len([d for d in evaluation.diagnostics if d.severity == "error"])
        try:
            value = module.local(name, None)
        except (EvaluationError, RecursionError) as error:
            outcomes[name] = Outcome("error", str(error))
            continue
        reported = [d for d in evaluation.diagnostics if d.severity == "error"][errors:]
        if reported:
            # dynlint rejects the configuration on the way (an invalid default, say).
            outcomes[name] = Outcome("error", reported[0].message)
            continue
        if contains_unknown(value):
            outcomes[name] = Outcome("unknown")
            continue
        encoded = call_function("jsonencode", [value])
        outcomes[name] = Outcome("value", json.loads(encoded))
    return outcomes


def dynlint_outcomes(directory: Path, config: dict[str, str]) -> dict[str, Outcome]:
    """dynlint's values; a local whose text dynlint cannot parse is an error, the rest retried."""
    outcomes: dict[str, Outcome] = {}
    remaining = dict(config)
    while True:
        owners = write_config(directory, remaining)
        try:
            parsed = parse_file(directory / "main.tf", "main.tf")
            problems = [(p.pos.line, p.message) for p in syntax_problems(parsed)]
        except ParseError as error:
            problems = [(error.line, error.reason)]
        failed = {(_owner(owners, line), message) for line, message in problems}
        if not failed:
            break
        for name, message in failed:
            if name is None or name not in remaining:
                raise AssertionError(f"dynlint cannot parse the probe configuration: {message}")
            outcomes[name] = Outcome("error", f"parse: {message}")
            del remaining[name]
    names = [n for n in remaining if n != "__variables__"]
    outcomes.update(dynlint_locals(directory, names))
    return outcomes


def compare(directory: Path, config: dict[str, str], files_from: Path | None = None) -> Comparison:
    """Evaluate ``config``'s locals with both tools in ``directory`` (an empty folder), beside
    a copy of the other files of ``files_from`` (what file() and templatefile() read)."""
    if files_from is not None:
        for path in files_from.iterdir():
            if path.is_file() and not path.name.endswith((".tf", ".tf.json", ".tfvars", ".tfvars.json")):
                shutil.copy(path, directory / path.name)
    terraform = terraform_locals(directory, config)
    names = [n for n in config if n != "__variables__"]
    ours = dynlint_outcomes(directory, config)
    comparison = Comparison(compared=len(names))
    for name in names:
        if not terraform[name].same_as(ours[name]):
            comparison.differences.append(Difference(name, config[name], terraform[name], ours[name]))
    return comparison


# Parse verdicts ---------------------------------------------------------------------------


def fmt_rejected(files: list[Path], cwd: Path) -> set[str]:
    """The files (relative to ``cwd``) that ``terraform fmt`` cannot parse, in one process."""
    assert TERRAFORM is not None
    relative = [os.path.relpath(f, cwd) for f in files]
    result = subprocess.run(
        [TERRAFORM, "fmt", "-write=false", "-list=false", "-no-color", *relative],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_ENV,
        timeout=120,
        check=False,
    )
    return {file for file, _ in _ERROR_LINE.findall(result.stderr)}


def dynlint_rejects(path: Path) -> bool:
    try:
        parsed = parse_file(path, path.name)
    except ParseError:
        return True
    return bool(syntax_problems(parsed))
