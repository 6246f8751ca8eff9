"""Shared helpers for the cost estimator tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from dynlint.cli import app
from dynlint.cost.capacity import RequestShape, TableSpec
from dynlint.cost.estimate import Estimate, estimate
from dynlint.cost.modes import Settings
from dynlint.cost.prices import PriceBook, load_prices
from dynlint.cost.traffic import Profile, shaped


@pytest.fixture(scope="session")
def book() -> PriceBook:
    return load_prices()


@pytest.fixture
def price(book: PriceBook) -> Callable[..., Estimate]:
    """Estimate one table with steady traffic, or with ``profile`` when given."""

    def run(
        reads: float = 400.0,
        writes: float = 100.0,
        *,
        table: TableSpec | None = None,
        shape: RequestShape | None = None,
        settings: Settings | None = None,
        profile: Profile | None = None,
    ) -> Estimate:
        return estimate(
            table or TableSpec(name="t", region="us-east-1"),
            shape or RequestShape(),
            profile or shaped("steady", reads, writes),
            book,
            settings or Settings(),
        )

    return run


class Cli:
    """Runs ``dynlint`` as users do and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Any:
        return self.runner.invoke(app, list(args), catch_exceptions=False)

    def json(self, *args: str) -> dict[str, Any]:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()
