"""Runs a composite action's steps as the Actions runner would, for the action's tests.

Inputs take their defaults unless given; ``${{ ... }}`` expressions over ``inputs``,
``github.action_path`` and ``steps.<id>.outputs`` are substituted; ``run`` steps run with
``bash --noprofile --norc -eo pipefail`` (the runner's bash) and write ``$GITHUB_OUTPUT``;
``uses`` steps are recorded with their ``with`` values, not run.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class StepRun:
    name: str
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    skipped: bool = False


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]

    @property
    def failed(self) -> bool:
        return any(s.returncode != 0 for s in self.steps)

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)


class Context:
    def __init__(self, action_path: Path, inputs: dict[str, str]) -> None:
        self.action_path = action_path
        self.inputs = inputs
        self.step_outputs: dict[str, dict[str, str]] = {}

    def value(self, expression: str) -> Any:
        """A context reference or a small boolean expression of them."""
        python = re.sub(r"\balways\(\)|\bsuccess\(\)", "True", expression)
        python = re.sub(r"\binputs\.([\w-]+)", lambda m: repr(self.inputs[m.group(1)]), python)
        python = re.sub(
            r"\bsteps\.([\w-]+)\.outputs\.([\w-]+)",
            lambda m: repr(self.step_outputs.get(m.group(1), {}).get(m.group(2), "")),
            python,
        )
        python = python.replace("github.action_path", repr(str(self.action_path)))
        python = python.replace("&&", " and ").replace("||", " or ")
        return eval(python, {"__builtins__": {}}, {})

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: str(self.value(m.group(1))), text)

    def condition(self, text: str | None) -> bool:
        if text is None:
            return True
        match = EXPRESSION.fullmatch(text.strip())
        return bool(self.value(match.group(1) if match else text))


def run_action(action_path: Path, inputs: dict[str, str], cwd: Path, temp: Path) -> ActionRun:
    action = yaml.safe_load((action_path / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    given = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"the action has no inputs {unknown}"
    context = Context(action_path, {**given, **inputs})
    steps = [_step(step, context, cwd, temp) for step in action["runs"]["steps"]]
    outputs = {name: context.substitute(spec["value"]) for name, spec in action.get("outputs", {}).items()}
    return ActionRun(steps, outputs)


def _step(step: dict[str, Any], context: Context, cwd: Path, temp: Path) -> StepRun:
    result = StepRun(name=step["name"], uses=step.get("uses"))
    if not context.condition(step.get("if")):
        result.skipped = True
        return result
    if "uses" in step:
        result.with_ = {k: context.substitute(str(v)) for k, v in step.get("with", {}).items()}
        return result
    assert step.get("shell") == "bash"
    output_file = temp / f"output-{step.get('id', 'step')}.txt"
    output_file.write_text("")
    script = temp / f"step-{step.get('id', 'step')}.sh"
    script.write_text(context.substitute(step["run"]))
    environment = {
        **os.environ,
        **{k: context.substitute(str(v)) for k, v in step.get("env", {}).items()},
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_ACTION_PATH": str(context.action_path),
        "RUNNER_TEMP": str(temp),
        "GITHUB_ACTIONS": "true",
    }
    workdir = cwd / context.substitute(step.get("working-directory", "."))
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workdir,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    result.returncode, result.stdout, result.stderr = done.returncode, done.stdout, done.stderr
    if "id" in step:
        context.step_outputs[step["id"]] = _outputs(output_file)
    return result


def _outputs(path: Path) -> dict[str, str]:
    outputs = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep:
            outputs[name] = value
    return outputs
