"""Fixtures of the report tests."""

from __future__ import annotations

import pytest
from report_helpers import Outcome, sample_outcome


@pytest.fixture
def outcome() -> Outcome:
    return sample_outcome()
