"""Target tracking as AWS documents it: when capacity moves, and how far."""

from __future__ import annotations

from itertools import pairwise

from dynlint.cost.autoscaling import ScalingPolicy, simulate_autoscaling, simulate_fixed


def test_fixed_capacity_spends_burst_then_throttles() -> None:
    # 10 units of capacity hold 300 s of burst = 3,000 unit-seconds. Demand 30/s needs 1,800
    # unit-seconds a minute against 600 of capacity: minute 1 draws 1,200 (1,800 left),
    # minute 2 draws 1,200 (600 left), minute 3 can serve 600 + 600 = 1,200: 600 throttled.
    result = simulate_fixed([30, 30, 30], 10)
    assert result.throttled == [0.0, 0.0, 600.0]


def test_scale_out_waits_two_minutes_and_reaches_consumed_over_target() -> None:
    policy = ScalingPolicy(min_capacity=10, max_capacity=1000, target=0.5)
    demand = [4.0] * 30 + [12.0] * 30
    result = simulate_autoscaling(demand, policy, initial=10)
    # The jump to 12/s is served from capacity 10 plus burst (consumed 12 > 5 = target x 10);
    # after two such minutes capacity becomes ceil(12 / 0.5) = 24.
    assert result.capacity[30:33] == [10, 10, 24]
    assert sum(result.throttled) == 0


def test_scale_in_waits_fifteen_minutes_below_80_percent_of_target() -> None:
    policy = ScalingPolicy(min_capacity=1, max_capacity=1000, target=0.7)
    demand = [70.0] * 60 + [7.0] * 60
    result = simulate_autoscaling(demand, policy, initial=100)
    low_start = 60
    # Capacity 100 at 7/s is 7% utilization, far below 0.8 x 70%; 15 minutes later it drops to
    # ceil(7 / 0.7) = 10.
    assert result.capacity[low_start + 14] == 100
    assert result.capacity[low_start + 15] == 10


def test_decreases_are_limited_per_day() -> None:
    # Pulses every 20 minutes would need 72 decreases a day; AWS allows 4, then one an hour.
    day = [(50.0 if minute % 20 < 2 else 1.0) for minute in range(1440)]
    policy = ScalingPolicy(min_capacity=1, max_capacity=1000, target=0.7)
    result = simulate_autoscaling(day, policy)
    decreases = [minute for minute in range(1, 1440) if result.capacity[minute] < result.capacity[minute - 1]]
    assert 4 < len(decreases) <= 27
    # From the fifth decrease of the day on, each comes at least an hour after the last.
    assert all(b - a >= 60 for a, b in pairwise(decreases[3:]))


def test_capacity_stays_within_min_and_max() -> None:
    policy = ScalingPolicy(min_capacity=5, max_capacity=50, target=0.7)
    result = simulate_autoscaling([0.0] * 30 + [500.0] * 30, policy)
    assert min(result.capacity) == 5
    assert max(result.capacity) == 50
    assert sum(result.throttled) > 0
