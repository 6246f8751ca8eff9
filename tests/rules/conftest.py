"""Helpers for running dynlint check on small Terraform trees written by the tests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dynlint.cli import app

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def run_check(args: list[str], cwd: Path | None = None) -> tuple[int, dict[str, Any], str]:
    """``dynlint check ARGS --format json`` in-process: (exit code, document, stderr)."""
    runner = CliRunner()
    with working_directory(cwd or REPO):
        result = runner.invoke(app, ["check", *args, "--format", "json"], catch_exceptions=False)
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"not JSON (exit {result.exit_code}): {result.stdout[:500]} {result.stderr[:500]}")
    return result.exit_code, document, result.stderr


def rule_ids(document: dict[str, Any]) -> list[str]:
    return [f["rule_id"] for f in document["findings"]]
