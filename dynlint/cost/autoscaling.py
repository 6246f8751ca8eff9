"""Provisioned capacity minute by minute: fixed, or following Application Auto Scaling rules.

The rules (AWS target tracking for DynamoDB):

- scale out once consumption has exceeded the target for 2 consecutive minutes, to
  consumed / target; throttled requests are not consumed, so a step can grow capacity by at most
  about 1 / target (plus what burst capacity served);
- scale in once consumption has stayed 20% or more below the target for 15 consecutive minutes;
- per UTC day, a decrease is allowed while fewer than 4 happened that day, or when none happened
  in the last hour (at most 27 a day); increases are unlimited;
- burst capacity keeps up to 300 seconds of unused capacity and spends it when demand exceeds
  capacity.

Capacity is billed by the minute it was in place (time-weighted), which is what an hourly bill
of an average capacity amounts to.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440
SCALE_OUT_MINUTES = 2
SCALE_IN_MINUTES = 15
SCALE_IN_BELOW_TARGET = 0.8
FREE_DECREASES_PER_DAY = 4
MINUTES_BETWEEN_LATE_DECREASES = 60
BURST_SECONDS = 300
MIN_CAPACITY = 1
MAX_CAPACITY = 40_000
TARGET_RANGE = (0.2, 0.9)


@dataclass(frozen=True)
class ScalingPolicy:
    """A target-tracking policy with its scalable target's bounds."""

    min_capacity: int = MIN_CAPACITY
    max_capacity: int = MAX_CAPACITY
    target: float = 0.7

    def clamp(self, capacity: int) -> int:
        return max(self.min_capacity, min(self.max_capacity, capacity))

    def capacity_for(self, consumed: float) -> int:
        return self.clamp(capacity_for(consumed, self.target))


def capacity_for(units_per_second: float, target: float) -> int:
    """The whole capacity units that carry ``units_per_second`` at ``target`` utilization."""
    # A tolerance keeps exact multiples (100 units at 100%) from rounding up by float noise.
    return max(MIN_CAPACITY, math.ceil(units_per_second / target - 1e-9))


@dataclass
class Simulation:
    """Minute-by-minute capacity and what it could not serve, for one measured pass."""

    capacity: list[int] = field(default_factory=list)
    throttled: list[float] = field(default_factory=list)

    @property
    def average_capacity(self) -> float:
        return sum(self.capacity) / len(self.capacity) if self.capacity else 0.0

    @property
    def peak_capacity(self) -> int:
        return max(self.capacity, default=0)

    @property
    def throttled_units(self) -> float:
        """Request units (unit-seconds) that were throttled over the pass."""
        return sum(self.throttled)


@dataclass
class _Bucket:
    """Burst capacity: unused unit-seconds kept for up to ``BURST_SECONDS`` of capacity."""

    stored: float = 0.0

    def serve(self, demand: float, capacity: int) -> float:
        """Serve one minute of ``demand`` units/s; return the units/s actually served."""
        supply = capacity * 60.0
        need = demand * 60.0
        if need <= supply:
            self.stored = min(self.stored + supply - need, capacity * BURST_SECONDS)
            return demand
        drawn = min(self.stored, need - supply)
        self.stored -= drawn
        return (supply + drawn) / 60.0


@dataclass
class _Scaler:
    policy: ScalingPolicy
    capacity: int
    first_minute_of_day: int
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=SCALE_IN_MINUTES))
    high_streak: int = 0
    low_streak: int = 0
    day: int = -1
    decreases_today: int = 0
    last_decrease: int | None = None

    def observe(self, minute: int, consumed: float) -> None:
        """Record one minute's consumption and change capacity as the alarms would."""
        self._roll_day(minute)
        self.recent.append(consumed)
        utilization = consumed / self.capacity
        self.high_streak = self.high_streak + 1 if utilization > self.policy.target else 0
        low = utilization < self.policy.target * SCALE_IN_BELOW_TARGET
        self.low_streak = self.low_streak + 1 if low else 0
        if self.high_streak >= SCALE_OUT_MINUTES:
            self._scale_out()
        elif self.low_streak >= SCALE_IN_MINUTES and self._may_decrease(minute):
            self._scale_in(minute)

    def _roll_day(self, minute: int) -> None:
        day = (self.first_minute_of_day + minute) // MINUTES_PER_DAY
        if day != self.day:
            self.day = day
            self.decreases_today = 0

    def _may_decrease(self, minute: int) -> bool:
        if self.decreases_today < FREE_DECREASES_PER_DAY:
            return True
        return self.last_decrease is None or minute - self.last_decrease >= (MINUTES_BETWEEN_LATE_DECREASES)

    def _scale_out(self) -> None:
        window = list(self.recent)[-SCALE_OUT_MINUTES:]
        wanted = self.policy.capacity_for(max(window))
        if wanted > self.capacity:
            self.capacity = wanted
        self._reset()

    def _scale_in(self, minute: int) -> None:
        wanted = self.policy.capacity_for(max(self.recent))
        if wanted < self.capacity:
            self.capacity = wanted
            self.decreases_today += 1
            self.last_decrease = minute
        self._reset()

    def _reset(self) -> None:
        self.high_streak = 0
        self.low_streak = 0


def simulate_fixed(demand: Sequence[float], capacity: int) -> Simulation:
    """A fixed capacity against ``demand`` (units/s, one value per minute), with burst."""
    bucket = _Bucket(stored=capacity * float(BURST_SECONDS))
    result = Simulation()
    for units in demand:
        served = bucket.serve(units, capacity)
        result.capacity.append(capacity)
        result.throttled.append((units - served) * 60.0)
    return result


def simulate_autoscaling(
    demand: Sequence[float],
    policy: ScalingPolicy,
    initial: int | None = None,
    first_minute_of_day: int = 0,
) -> Simulation:
    """Target tracking against ``demand`` repeated: one warm-up pass, then the measured one.

    The warm-up lets a repeating profile (a day, a week) start from the capacity the previous
    repetition left, not from a guess.
    """
    start = policy.capacity_for(demand[0]) if initial is None else policy.clamp(initial)
    scaler = _Scaler(policy=policy, capacity=start, first_minute_of_day=first_minute_of_day)
    bucket = _Bucket()
    result = Simulation()
    minutes = len(demand)
    for absolute in range(2 * minutes):
        units = demand[absolute % minutes]
        capacity = scaler.capacity
        served = bucket.serve(units, capacity)
        if absolute >= minutes:
            result.capacity.append(capacity)
            result.throttled.append((units - served) * 60.0)
        scaler.observe(absolute, served)
    return result
