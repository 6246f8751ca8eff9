"""Request units per request, by the facts file's rounding and factors."""

from __future__ import annotations

import pytest

from dynlint.cost.capacity import (
    Consistency,
    IndexSpec,
    Replica,
    RequestShape,
    TableSpec,
    dimensions,
    index_write_units,
    read_units,
    table_write_units,
    write_units,
)


@pytest.mark.parametrize(("item_kb", "units"), [(0.1, 1), (1, 1), (1.01, 2), (3.5, 4), (4, 4), (400, 400)])
def test_write_units_round_up_to_whole_kilobytes(item_kb: float, units: int) -> None:
    assert write_units(item_kb) == units


@pytest.mark.parametrize(
    ("item_kb", "consistency", "units"),
    [
        (1, Consistency.strong, 1.0),
        (4, Consistency.strong, 1.0),
        (4.1, Consistency.strong, 2.0),
        # Eventually consistent: round up to 4 KB first, then halve: 9 KB -> 3 x 0.5.
        (9, Consistency.eventual, 1.5),
        (1, Consistency.eventual, 0.5),
        (6, Consistency.transactional, 4.0),
    ],
)
def test_read_units_round_then_apply_the_consistency_factor(
    item_kb: float, consistency: Consistency, units: float
) -> None:
    assert read_units(item_kb, consistency) == units


def test_transactional_writes_cost_twice() -> None:
    # 2 KB item: 2 WCU; half of the writes transactional: 2 x (1 + 0.5) = 3 WCU per write.
    shape = RequestShape(write_item_kb=2, transactional_write_ratio=0.5)
    assert table_write_units(shape, ()) == 3.0


def test_index_writes_are_sized_by_the_projected_entry() -> None:
    shape = RequestShape(write_item_kb=3)
    assert index_write_units(shape, IndexSpec("all")) == 3  # ALL projects the 3 KB item
    assert index_write_units(shape, IndexSpec("keys", entry_kb=0.2)) == 1


def test_a_write_that_changes_the_index_key_costs_two_index_writes() -> None:
    shape = RequestShape(write_item_kb=1, index_key_change_ratio=1.0)
    assert index_write_units(shape, IndexSpec("g")) == 2


def test_lsis_use_the_table_capacity_and_gsis_their_own() -> None:
    shape = RequestShape(write_item_kb=1)
    table = TableSpec(name="t", region="us-east-1", gsis=(IndexSpec("g"),), lsis=(IndexSpec("l"),))
    found = {(d.index, d.kind): d.units_per_request for d in dimensions(table, shape)}
    assert found[("table", "write")] == 2  # the item and its LSI entry
    assert found[("g", "write")] == 1
    assert found[("g", "read")] == 0  # reads go to the table


def test_global_tables_replicate_table_writes_but_not_reads() -> None:
    shape = RequestShape()
    table = TableSpec(
        name="t",
        region="us-east-1",
        gsis=(IndexSpec("g"),),
        replicas=(Replica("us-west-1"),),
    )
    dims = dimensions(table, shape)
    replica = [d for d in dims if d.region == "us-west-1"]
    assert {(d.index, d.kind, d.replicated) for d in replica} == {
        ("table", "write", True),
        ("table", "read", False),
        ("g", "write", False),
        ("g", "read", False),
    }
    assert all(d.units_per_request == 0 for d in replica if d.kind == "read")
