"""Running dynlint as a user does, and the contract every run must keep, whatever the input.

The contract: exit code 0, 1 or 2; no Python traceback; with ``--format json``, stdout is one
strict JSON document (no NaN, no Infinity); an input error names the file (and line).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from dynlint.cli import app

# The lint command the fuzz and safety tests drive: "check" (before it existed, "tables").
LINT_COMMAND = "check"
REPO = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_dynlint(*args: str, cwd: Path | None = None) -> Outcome:
    """Run the CLI in this process (fast); an exception that escapes it fails the test."""
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"dynlint {' '.join(args)} raised {result.exception!r}") from result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_process(*args: str, cwd: Path | None = None, timeout: float = 60) -> Outcome:
    """Run the CLI in a fresh process: for inputs that could hang (a regression times out)."""
    done = subprocess.run(
        [sys.executable, "-m", "dynlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def strict_json(text: str) -> Any:
    return json.loads(text, parse_constant=_refuse_constant)


def assert_contract(outcome: Outcome, json_output: bool = False) -> None:
    assert outcome.exit_code in (0, 1, 2), outcome
    assert "Traceback" not in outcome.output, outcome.output
    if (json_output and outcome.exit_code in (0, 1)) or (json_output and outcome.stdout.strip()):
        strict_json(outcome.stdout)


# How many fuzz inputs ran this session (printed by conftest at the end).
COUNTS: dict[str, int] = {"mutants": 0, "generated": 0, "cost inputs": 0}
