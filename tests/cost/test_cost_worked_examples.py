"""Worked examples, computed by hand from the pricing facts.

Constants used below (us-east-1, Standard, since 1 November 2024): WRU $0.625/M, RRU $0.125/M,
WCU $0.00065/h, RCU $0.00013/h, storage $0.25/GB-month, PITR $0.20/GB-month; Standard-IA: WRU
$0.78/M, RRU $0.155/M, WCU $0.00081/h, RCU $0.00016/h, storage $0.10/GB-month. A month is 730
hours = 2,628,000 s. Provisioned capacity sized at ceil(units per second / 0.7).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dynlint.cost.capacity import Consistency, IndexSpec, Replica, RequestShape, TableSpec
from dynlint.cost.estimate import Estimate
from dynlint.cost.modes import ModeCost, Settings
from dynlint.cost.traffic import shaped

Price = Callable[..., Estimate]


def _items(cost: ModeCost) -> dict[str, float | None]:
    return {item.item: item.monthly_usd for item in cost.items}


def test_default_500_rps_steady_eventually_consistent(price: Price) -> None:
    # --rps 500 with the default read ratio 0.8: 400 reads/s, 100 writes/s, 1 KB items.
    found = price(400, 100)
    od = found.on_demand
    # Writes: 100 WRU/s x 2,628,000 s = 262,800,000 WRU x $0.000000625 = $164.25.
    assert od.items[0].item == "write request units"
    assert od.items[0].quantity == pytest.approx(262_800_000)
    assert od.items[0].monthly_usd == pytest.approx(164.25)
    # Reads: eventually consistent 1 KB = 0.5 RRU; 200 RRU/s x 2,628,000 = 525,600,000 RRU
    # x $0.000000125 = $65.70.
    assert od.items[1].quantity == pytest.approx(525_600_000)
    assert od.monthly_usd == pytest.approx(164.25 + 65.70)
    # Provisioned: ceil(100 / 0.7) = 143 WCU x 730 h x $0.00065 = $67.8535;
    # ceil(200 / 0.7) = 286 RCU x 730 h x $0.00013 = $27.1414; total $94.9949.
    fixed = found.provisioned
    assert fixed.capacity_units("write") == 143
    assert fixed.capacity_units("read") == 286
    assert fixed.monthly_usd == pytest.approx(67.8535 + 27.1414)
    # Steady traffic: autoscaling settles on the same capacity.
    assert found.autoscaled.monthly_usd == pytest.approx(fixed.monthly_usd)
    # Break-even: 0.00065 / (3600 x 0.000000625) = 0.28889, the same for reads.
    assert found.break_even == pytest.approx(0.00065 / (3600 * 0.625e-6))
    assert found.advice.mode == "provisioned"
    assert "2.4x cheaper than on-demand" in found.advice.reason  # 229.95 / 94.9949 = 2.42


def test_strongly_consistent_reads_cost_twice_eventual(price: Price) -> None:
    found = price(400, 100, shape=RequestShape(consistency=Consistency.strong))
    # 400 RRU/s x 2,628,000 = 1,051,200,000 RRU x $0.000000125 = $131.40.
    assert _items(found.on_demand)["read request units"] == pytest.approx(131.40)
    # ceil(400 / 0.7) = 572 RCU x 730 x $0.00013 = $54.2828.
    assert found.provisioned.capacity_units("read") == 572
    assert _items(found.provisioned)["read capacity unit-hours"] == pytest.approx(54.2828)


def test_large_items(price: Price) -> None:
    # 100 reads/s of 9 KB, eventually consistent: ceil(9 / 4) = 3 x 0.5 = 1.5 RRU -> 150 RRU/s.
    # 10 writes/s of 3.5 KB: ceil(3.5) = 4 WRU -> 40 WRU/s.
    shape = RequestShape(read_item_kb=9, write_item_kb=3.5)
    found = price(100, 10, shape=shape)
    od = _items(found.on_demand)
    assert od["write request units"] == pytest.approx(40 * 2_628_000 * 0.625e-6)  # $65.70
    assert od["read request units"] == pytest.approx(150 * 2_628_000 * 0.125e-6)  # $49.275
    # ceil(40 / 0.7) = 58 WCU -> $27.521; ceil(150 / 0.7) = 215 RCU -> $20.4035.
    assert found.provisioned.capacity_units("write") == 58
    assert found.provisioned.capacity_units("read") == 215
    assert found.provisioned.monthly_usd == pytest.approx(27.521 + 20.4035)


def test_gsis_receive_every_write_and_have_their_own_capacity(price: Price) -> None:
    table = TableSpec(name="t", region="us-east-1", gsis=(IndexSpec("a"), IndexSpec("b")))
    found = price(400, 100, table=table)
    # On-demand: the table's 100 WRU/s and 100 WRU/s into each GSI: 3 x $164.25 = $492.75,
    # plus reads $65.70 = $558.45.
    assert found.on_demand.monthly_usd == pytest.approx(558.45)
    assert _items(found.on_demand)["write request units (GSI a)"] == pytest.approx(164.25)
    # Provisioned: 143 WCU for the table and for each GSI = 429 WCU -> $203.5605; 286 RCU for
    # the table and the 1 RCU minimum for each GSI = 288 RCU -> $27.3312; total $230.8917.
    assert found.provisioned.capacity_units("write") == 429
    assert found.provisioned.capacity_units("read") == 288
    assert found.provisioned.monthly_usd == pytest.approx(203.5605 + 27.3312)


def test_keys_only_gsi_and_index_key_changes(price: Price) -> None:
    # 3 KB items, a GSI with a 0.5 KB entry, and every write changing its key:
    # 1 WRU x 2 (delete + put) = 2 WRU per write into the GSI; 10 writes/s -> 20 WRU/s.
    table = TableSpec(name="t", region="us-east-1", gsis=(IndexSpec("k", entry_kb=0.5),))
    shape = RequestShape(write_item_kb=3, index_key_change_ratio=1.0)
    found = price(0, 10, table=table, shape=shape)
    gsi = _items(found.on_demand)["write request units (GSI k)"]
    assert gsi == pytest.approx(20 * 2_628_000 * 0.625e-6)  # $32.85
    # The table itself pays 3 WRU per write: 30 WRU/s -> $49.275.
    assert _items(found.on_demand)["write request units"] == pytest.approx(49.275)


def test_standard_ia_storage_and_requests(price: Price) -> None:
    table = TableSpec(name="t", region="us-east-1", table_class="standard-ia", storage_gb=1000)
    found = price(400, 100, table=table)
    od = _items(found.on_demand)
    # Storage 1,000 GB x $0.10 = $100 (Standard would be $250).
    assert od["storage GB-months"] == pytest.approx(100.0)
    # 262,800,000 WRU x $0.00000078 = $204.984; 525,600,000 RRU x $0.000000155 = $81.468.
    assert found.on_demand.monthly_usd == pytest.approx(204.984 + 81.468 + 100)
    # 143 WCU x 730 x $0.00081 = $84.5559; 286 RCU x 730 x $0.00016 = $33.4048; + $100.
    assert found.provisioned.monthly_usd == pytest.approx(84.5559 + 33.4048 + 100)
    # Standard-IA's break-even: 0.00081 / (3600 x 0.00000078) = 28.85% for writes.
    assert 0.286 < (found.break_even or 0) < 0.289


def test_free_tier_covers_small_tables(price: Price) -> None:
    # 10 requests/s: 2 writes/s -> 3 WCU, 8 reads/s -> 4 RRU/s -> 6 RCU, all inside the free
    # 25 WCU and 25 RCU; 30 GB stored, 25 GB free: 5 GB x $0.25 = $1.25.
    table = TableSpec(name="t", region="us-east-1", storage_gb=30)
    found = price(8, 2, table=table, settings=Settings(free_tier=True))
    assert found.provisioned.monthly_usd == pytest.approx(1.25)
    # On-demand has no free requests: 5,256,000 WRU = $3.285, 10,512,000 RRU = $1.314.
    assert found.on_demand.monthly_usd == pytest.approx(3.285 + 1.314 + 1.25)


def test_point_in_time_recovery(price: Price) -> None:
    table = TableSpec(name="t", region="us-east-1", storage_gb=100, pitr=True)
    found = price(400, 100, table=table)
    # 100 GB x $0.25 storage + 100 GB x $0.20 PITR = $45 in every mode.
    assert found.on_demand.monthly_usd == pytest.approx(229.95 + 45)
    assert found.provisioned.monthly_usd == pytest.approx(94.9949 + 45)


def test_replicas_pay_replicated_writes_in_every_region(price: Price) -> None:
    replica = Replica(region="us-east-1", label="replica 1")
    table = TableSpec(name="t", region="us-east-1", gsis=(IndexSpec("g"),), replicas=(replica,))
    found = price(400, 100, table=table)
    od = _items(found.on_demand)
    # Table writes are replicated writes in both regions: 2 x 262,800,000 rWRU x $0.625/M.
    assert od["replicated write request units"] == pytest.approx(164.25)
    assert od["replicated write request units (table in replica 1)"] == pytest.approx(164.25)
    # GSI writes are plain WRU in both regions; reads only at the origin.
    assert od["write request units (GSI g in replica 1)"] == pytest.approx(164.25)
    assert found.on_demand.monthly_usd == pytest.approx(4 * 164.25 + 65.70)
    # Provisioned per region: 143 rWCU + 143 GSI WCU; reads 286 RCU at the origin, the
    # 1 RCU minimum elsewhere: (4 x 143) x 730 x 0.00065 + (286 + 3) x 730 x 0.00013.
    expected = 4 * 143 * 730 * 0.00065 + (286 + 3) * 730 * 0.00013
    assert found.provisioned.monthly_usd == pytest.approx(expected)


def test_reserved_capacity_bought_where_a_block_pays(price: Price) -> None:
    # 1,000 writes/s -> 1,429 WCU; 4,000 eventually consistent reads/s -> 2,858 RCU.
    found = price(4000, 1000, settings=Settings(reserved=True))
    items = _items(found.provisioned)
    # A block of 100 WCU costs 150 / 12 + 0.0128 x 730 = $21.844 a month against
    # 100 x 730 x 0.00065 = $47.45 hourly, so 14 full blocks; the last 29 WCU would cost
    # $13.76 hourly, less than a block: not reserved.
    assert items["reserved WCU: upfront per 100, over 12 months"] == pytest.approx(14 * 12.5)
    assert items["reserved WCU: hours per 100"] == pytest.approx(14 * 730 * 0.0128)
    # A block of 100 RCU costs 30 / 12 + 0.0025 x 730 = $4.325; the last 58 RCU would cost
    # 58 x 730 x 0.00013 = $5.50 hourly, so 29 blocks cover all 2,858 RCU.
    assert items["reserved RCU: upfront per 100, over 12 months"] == pytest.approx(29 * 2.5)
    wcu = 1429 * 730 * 0.00065 + 14 * 12.5 + 14 * 730 * 0.0128 - 1400 * 730 * 0.00065
    rcu = 29 * 2.5 + 29 * 730 * 0.0025
    assert found.provisioned.monthly_usd == pytest.approx(wcu + rcu)


def test_a_daily_100x_spike_is_throttled_by_autoscaling(price: Price) -> None:
    # 10 requests/s (8 reads, 2 writes) and 1,000 for 15 minutes from 12:00 every day.
    found = price(profile=shaped("daily-spike", 8, 2))
    # Average: (10 x 1,425 + 1,000 x 15) / 1,440 = 20.3125 requests/s: 4.0625 writes/s
    # -> 10,676,250 WRU = $6.6727; 16.25 reads/s x 0.5 -> 21,352,500 RRU = $2.6691.
    assert found.on_demand.monthly_usd == pytest.approx(6.67265625 + 2.6690625)
    # Fixed for the peak: ceil(200 / 0.7) = 286 WCU, ceil(400 / 0.7) = 572 RCU: $189.9898.
    assert found.provisioned.monthly_usd == pytest.approx(135.707 + 54.2828)
    # Autoscaling writes sit at ceil(2 / 0.7) = 3 WCU with 900 unit-seconds of burst. Minute
    # 12:00 serves 180 + 900 of 12,000 (consumed 18/s), 12:01 serves 180; after 2 minutes
    # above target it scales to ceil(18 / 0.7) = 26, then every 2 minutes to consumed / 0.7:
    # 38, 55, 79, 113, 162, 232. Throttled write units: 10,920 + 11,820 + 2 x (10,440 +
    # 9,720 + 8,700 + 7,260 + 5,220 + 2,280) = 109,980 a day.
    autoscaled = found.autoscaled
    writes_plan = next(p for p in autoscaled.plans if p.dimension.kind == "write")
    spike = writes_plan.simulation.capacity[720:735]
    assert spike == [3, 3, 26, 26, 38, 38, 55, 55, 79, 79, 113, 113, 162, 162, 232]
    month_factor = 43_800 / 1_440
    assert autoscaled.throttled_writes == pytest.approx(109_980 * month_factor)
    # Reads (6 RCU, 1,800 of burst) lose 221,880 RRU a day = 443,760 reads at 0.5 RRU.
    assert autoscaled.throttled_reads == pytest.approx(443_760 * month_factor)
    # Autoscaling is the cheapest bill but throttles 31.6% of requests, so on-demand wins.
    assert (autoscaled.monthly_usd or 0) < (found.on_demand.monthly_usd or 0)
    assert autoscaled.throttled_fraction == pytest.approx(
        (109_980 + 443_760) * month_factor / (20.3125 * 2_628_000)
    )
    assert found.advice.mode == "on_demand"
    assert "throttle" in found.advice.reason
    assert any("100x its previous peak" in note for note in found.on_demand.notes)
