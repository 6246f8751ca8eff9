"""Properties that must hold for any workload."""

from __future__ import annotations

from typing import cast

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dynlint.cost.advice import choose
from dynlint.cost.capacity import (
    TABLE,
    CapacitySetting,
    Consistency,
    IndexSpec,
    RequestShape,
    TableSpec,
)
from dynlint.cost.estimate import estimate
from dynlint.cost.modes import Settings
from dynlint.cost.prices import PriceBook, TableClass, load_prices
from dynlint.cost.traffic import Profile, shaped

BOOK: PriceBook = load_prices()
rates = st.floats(min_value=0, max_value=2_000, allow_nan=False)
sizes = st.floats(min_value=0.1, max_value=40, allow_nan=False)
table_classes = st.sampled_from(["standard", "standard-ia"])


@st.composite
def tables(draw: st.DrawFn) -> TableSpec:
    gsis = tuple(IndexSpec(f"g{n}") for n in range(draw(st.integers(0, 3))))
    return TableSpec(
        name="t",
        region="us-east-1",
        table_class=draw(table_classes),
        gsis=gsis,
        storage_gb=draw(st.floats(min_value=0, max_value=500)),
        pitr=draw(st.booleans()),
    )


@st.composite
def request_shapes(draw: st.DrawFn) -> RequestShape:
    return RequestShape(
        read_item_kb=draw(sizes),
        write_item_kb=draw(sizes),
        consistency=draw(st.sampled_from(list(Consistency))),
        transactional_write_ratio=draw(st.floats(0, 1)),
    )


@st.composite
def short_profiles(draw: st.DrawFn) -> Profile:
    minutes = draw(st.integers(1, 40))
    reads = draw(st.lists(rates, min_size=minutes, max_size=minutes))
    writes = draw(st.lists(rates, min_size=minutes, max_size=minutes))
    return Profile("drawn", tuple(reads), tuple(writes))


@settings(max_examples=60, deadline=None)
@given(
    table=tables(),
    shape=request_shapes(),
    reads=rates,
    writes=rates,
    factor=st.floats(min_value=1, max_value=10),
    free_tier=st.booleans(),
    reserved=st.booleans(),
)
def test_cost_never_falls_as_steady_load_rises(
    table: TableSpec,
    shape: RequestShape,
    reads: float,
    writes: float,
    factor: float,
    free_tier: bool,
    reserved: bool,
) -> None:
    options = Settings(free_tier=free_tier, reserved=reserved and table.table_class == "standard")
    low = estimate(table, shape, shaped("steady", reads, writes), BOOK, options)
    high = estimate(table, shape, shaped("steady", reads * factor, writes * factor), BOOK, options)
    for before, after in zip(low.modes, high.modes, strict=True):
        assert (after.monthly_usd or 0) >= (before.monthly_usd or 0) - 1e-9


@settings(max_examples=40, deadline=None)
@given(profile=short_profiles(), shape=request_shapes(), factor=st.floats(1, 10))
def test_on_demand_and_fixed_cost_never_fall_as_a_profile_scales_up(
    profile: Profile, shape: RequestShape, factor: float
) -> None:
    table = TableSpec(name="t", region="us-east-1")
    low = estimate(table, shape, profile, BOOK, Settings())
    high = estimate(table, shape, profile.scaled(factor), BOOK, Settings())
    assert (high.on_demand.monthly_usd or 0) >= (low.on_demand.monthly_usd or 0) - 1e-9
    assert (high.provisioned.monthly_usd or 0) >= (low.provisioned.monthly_usd or 0) - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    write_units=st.integers(1, 5_000),
    read_units=st.integers(1, 5_000),
    table_class=table_classes,
)
def test_provisioned_at_full_utilization_is_cheaper_than_on_demand(
    write_units: int, read_units: int, table_class: str
) -> None:
    # Strongly consistent 1 KB reads and 1 KB writes: one unit per request, so capacity sized
    # at a 100% target equals the demand exactly.
    table = TableSpec(name="t", region="us-east-1", table_class=cast(TableClass, table_class))
    shape = RequestShape(consistency=Consistency.strong)
    found = estimate(
        table, shape, shaped("steady", read_units, write_units), BOOK, Settings(target_utilization=1.0)
    )
    assert found.utilization(found.provisioned) == 1.0
    assert (found.provisioned.monthly_usd or 0) < (found.on_demand.monthly_usd or 0)


@settings(max_examples=80, deadline=None)
@given(
    write_capacity=st.integers(1, 2_000),
    read_capacity=st.integers(1, 2_000),
    utilization=st.floats(min_value=0.01, max_value=1.0),
)
def test_the_recommendation_flips_at_the_break_even(
    write_capacity: int, read_capacity: int, utilization: float
) -> None:
    # Configured capacity held fixed; steady load at ``utilization`` of it, one unit a request.
    configured = {
        (TABLE, "write"): CapacitySetting(capacity=write_capacity),
        (TABLE, "read"): CapacitySetting(capacity=read_capacity),
    }
    table = TableSpec(name="t", region="us-east-1", configured=configured)
    shape = RequestShape(consistency=Consistency.strong)
    profile = shaped("steady", read_capacity * utilization, write_capacity * utilization)
    found = estimate(table, shape, profile, BOOK, Settings())
    break_even = found.break_even or 0
    assume(abs(utilization - break_even) > 1e-6)
    chosen = choose([found.on_demand, found.provisioned])
    assert chosen is not None
    assert found.utilization(found.provisioned) == pytest.approx(utilization)
    expected = "provisioned" if utilization > break_even else "on_demand"
    assert chosen.mode == expected
