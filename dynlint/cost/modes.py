"""The monthly bill of one table under each billing mode, for one traffic profile.

Three modes: on-demand (request units), provisioned capacity held fixed (configured, or sized
for the peak at the target utilization) and provisioned capacity under autoscaling (configured
policies, or the default one). Storage and point-in-time recovery are the same in every mode
and are part of every mode's total, so each total is a whole bill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from dynlint.cost.autoscaling import (
    MAX_CAPACITY,
    MIN_CAPACITY,
    ScalingPolicy,
    Simulation,
    capacity_for,
    simulate_autoscaling,
    simulate_fixed,
)
from dynlint.cost.capacity import (
    TABLE,
    CapacitySetting,
    Dimension,
    Kind,
    RequestShape,
    TableSpec,
    dimensions,
)
from dynlint.cost.prices import PriceBook, PriceEntry
from dynlint.cost.traffic import Profile

Mode = Literal["on_demand", "provisioned", "autoscaled"]
MODES: tuple[Mode, ...] = ("on_demand", "provisioned", "autoscaled")
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
RESERVED_BLOCK = 100
RESERVED_MONTHS = 12
UNIT_NAMES = {"read": "RCU", "write": "WCU"}


@dataclass(frozen=True)
class Settings:
    """How provisioned capacity is sized and billed."""

    target_utilization: float = 0.7
    min_capacity: int = MIN_CAPACITY
    max_capacity: int = MAX_CAPACITY
    free_tier: bool = False
    reserved: bool = False

    @property
    def policy(self) -> ScalingPolicy:
        return ScalingPolicy(self.min_capacity, self.max_capacity, self.target_utilization)


@dataclass(frozen=True)
class LineItem:
    """One line of a bill; a ``None`` quantity or price is unknown, and so is its amount."""

    item: str
    quantity: float | None
    unit_usd: float | None

    @property
    def monthly_usd(self) -> float | None:
        if self.quantity is None or self.unit_usd is None:
            return None
        return self.quantity * self.unit_usd


@dataclass(frozen=True)
class DimensionPlan:
    """The capacity of one dimension in one mode and how it was chosen."""

    dimension: Dimension
    how: str
    demand: tuple[float, ...]
    simulation: Simulation

    @property
    def average_demand(self) -> float:
        return sum(self.demand) / len(self.demand)

    @property
    def peak_demand(self) -> float:
        return max(self.demand)


@dataclass
class ModeCost:
    """The bill of one mode, with what it could not price and what it would throttle."""

    mode: Mode
    items: list[LineItem] = field(default_factory=list)
    plans: list[DimensionPlan] = field(default_factory=list)
    requests: float = 0.0
    throttled_reads: float = 0.0
    throttled_writes: float = 0.0
    unknown: list[str] = field(default_factory=list)
    capacity_unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_gaps(self) -> bool:
        """True when some line's amount is unknown (a price, or a value set at apply)."""
        return any(item.monthly_usd is None for item in self.items)

    @property
    def monthly_usd(self) -> float | None:
        if self.unknown:
            return None
        amounts = [item.monthly_usd for item in self.items]
        if any(amount is None for amount in amounts):
            return None
        return sum(amount for amount in amounts if amount is not None)

    @property
    def known_monthly_usd(self) -> float:
        return sum(item.monthly_usd or 0.0 for item in self.items)

    @property
    def throttled_requests(self) -> float:
        return self.throttled_reads + self.throttled_writes

    @property
    def throttled_fraction(self) -> float:
        return self.throttled_requests / self.requests if self.requests else 0.0

    def capacity_units(self, kind: Kind) -> float | None:
        """Average provisioned units of ``kind`` over all regions, table and GSIs."""
        if not self.plans or self.capacity_unknown:
            return None
        return sum(plan.simulation.average_capacity for plan in self.plans if plan.dimension.kind == kind)


@dataclass(frozen=True)
class Context:
    """Everything one table's estimate depends on."""

    table: TableSpec
    shape: RequestShape
    profile: Profile
    settings: Settings
    book: PriceBook

    @property
    def dims(self) -> list[Dimension]:
        return dimensions(self.table, self.shape)

    @property
    def origin_prices(self) -> PriceEntry:
        return self.book.entry(self.table.region, self.table.table_class)

    def prices(self, region: str | None) -> PriceEntry | None:
        return None if region is None else self.book.find(region, self.table.table_class)

    def price(self, region: str | None, name: str) -> float | None:
        entry = self.prices(region)
        return None if entry is None else entry.price(name)

    def demand(self, dim: Dimension) -> tuple[float, ...]:
        rates = self.profile.reads if dim.kind == "read" else self.profile.writes
        return tuple(rate * dim.units_per_request for rate in rates)

    @property
    def requests_per_month(self) -> float:
        average = self.profile.average_reads + self.profile.average_writes
        return average * SECONDS_PER_MONTH


# Lines every mode shares ---------------------------------------------------------------------


def _where(table: TableSpec, position: int) -> str:
    return "" if position == 0 else f" in {table.place(position)}"


def shared_lines(context: Context) -> tuple[list[LineItem], list[str]]:
    """Storage and point-in-time recovery in every region, and their unknowns."""
    table = context.table
    items: list[LineItem] = []
    unknown: list[str] = []
    if table.storage_gb <= 0:
        return items, unknown
    for position, region in enumerate(table.regions):
        where = _where(table, position)
        items.append(
            LineItem(
                f"storage GB-months{where}",
                table.storage_gb,
                context.price(region, "storage_gb_month"),
            )
        )
        if position == 0 and context.settings.free_tier:
            items.extend(_free_storage(context))
        pitr = table.pitr_in(position)
        if pitr is None:
            unknown.append(f"point-in-time recovery{where} is set but unknown until apply")
            items.append(LineItem(f"point-in-time recovery GB-months{where}", None, None))
        elif pitr:
            items.append(
                LineItem(
                    f"point-in-time recovery GB-months{where}",
                    table.storage_gb,
                    context.price(region, "pitr_gb_month"),
                )
            )
    return items, unknown


def _free_storage(context: Context) -> list[LineItem]:
    free = context.origin_prices.free_tier
    if free is None or free.storage_gb <= 0:
        return []
    covered = min(free.storage_gb, context.table.storage_gb)
    return [
        LineItem(
            f"free tier: first {free.storage_gb:g} GB",
            -covered,
            context.origin_prices.price("storage_gb_month"),
        )
    ]


# On-demand -----------------------------------------------------------------------------------


def _request_item(dim: Dimension) -> tuple[str, str]:
    """The bill line name and the price of ``dim``'s request units."""
    where = "" if dim.index == TABLE else f" (GSI {dim.index})"
    if not dim.origin:
        where = f" ({dim.label})"
    if dim.kind == "read":
        return f"read request units{where}", "read_request_unit"
    if dim.replicated:
        return f"replicated write request units{where}", "replicated_write_request_unit"
    return f"write request units{where}", "write_request_unit"


def price_on_demand(context: Context) -> ModeCost:
    cost = ModeCost(mode="on_demand", requests=context.requests_per_month)
    for dim in context.dims:
        if dim.units_per_request <= 0:
            continue
        average = sum(context.demand(dim)) / context.profile.minutes
        name, price = _request_item(dim)
        cost.items.append(LineItem(name, average * SECONDS_PER_MONTH, context.price(dim.region, price)))
    shared, unknown = shared_lines(context)
    cost.items.extend(shared)
    cost.unknown.extend(unknown)
    cost.notes.extend(free_tier_notes(context))
    jump = sudden_jump(context.profile)
    if jump > 2:
        cost.notes.append(
            f"traffic jumps to {jump:.0f}x its previous peak; on-demand absorbs 2x the previous "
            "peak at once, so the first such jump may throttle until the table has adapted "
            "(within about 30 minutes); later repetitions are within the peak it has seen"
        )
    return cost


def free_tier_notes(context: Context) -> list[str]:
    if not context.settings.free_tier:
        return []
    free = context.origin_prices.free_tier
    if free is None:
        return [f"the free tier of {context.table.region} is not known; nothing deducted"]
    if not (free.write_capacity_units or free.read_capacity_units or free.storage_gb):
        return [f"the free tier does not cover {context.table.table_class} tables; nothing deducted"]
    return []


def sudden_jump(profile: Profile) -> float:
    """The largest ratio of a minute's rate to the highest rate before it."""
    largest = 1.0
    highest = 0.0
    for reads, writes in zip(profile.reads, profile.writes, strict=True):
        rate = reads + writes
        if highest > 0:
            largest = max(largest, rate / highest)
        highest = max(highest, rate)
    return largest


# Provisioned, fixed or autoscaled ------------------------------------------------------------


def _plan(context: Context, dim: Dimension, autoscaled: bool) -> DimensionPlan | str:
    """How much capacity ``dim`` has minute by minute, or why that is unknown.

    Fixed mode ("provisioned") is the capacity the code configures, its autoscaling included,
    and capacity sized for the peak wherever the code configures none. Autoscaled mode is the
    alternative: the default policy (``Settings``) on every table and index.
    """
    setting = context.table.configured.get((dim.index, dim.kind), CapacitySetting())
    demand = context.demand(dim)
    first_minute = context.profile.first_minute_of_day
    what = f"{dim.label} {dim.kind} capacity"
    if autoscaled:
        policy = context.settings.policy
        simulation = simulate_autoscaling(demand, policy, None, first_minute)
        return DimensionPlan(dim, _describe(policy), demand, simulation)
    if setting.autoscaling_unknown:
        return f"{what}: {setting.autoscaling_unknown}"
    if setting.autoscaling is not None:
        policy = setting.autoscaling
        simulation = simulate_autoscaling(demand, policy, setting.capacity, first_minute)
        return DimensionPlan(dim, f"configured {_describe(policy)}", demand, simulation)
    if setting.capacity_unknown:
        return f"{what}: {setting.capacity_unknown}"
    if setting.capacity is not None:
        simulation = simulate_fixed(demand, setting.capacity)
        return DimensionPlan(dim, "configured capacity", demand, simulation)
    target = context.settings.target_utilization
    capacity = capacity_for(max(demand), target)
    how = f"sized for the peak at {target:.0%}"
    return DimensionPlan(dim, how, demand, simulate_fixed(demand, capacity))


def _describe(policy: ScalingPolicy) -> str:
    return f"autoscaling {policy.min_capacity}-{policy.max_capacity} at {policy.target:.0%} target"


def _capacity_item(dim: Dimension) -> tuple[str, str]:
    where = "" if dim.index == TABLE else f" (GSI {dim.index})"
    if not dim.origin:
        where = f" ({dim.label})"
    if dim.kind == "read":
        return f"read capacity unit-hours{where}", "read_capacity_unit_hour"
    if dim.replicated:
        return f"replicated write capacity unit-hours{where}", "replicated_write_capacity_unit_hour"
    return f"write capacity unit-hours{where}", "write_capacity_unit_hour"


def price_provisioned(context: Context, autoscaled: bool) -> ModeCost:
    mode: Mode = "autoscaled" if autoscaled else "provisioned"
    cost = ModeCost(mode=mode, requests=context.requests_per_month)
    for dim in context.dims:
        plan = _plan(context, dim, autoscaled)
        if isinstance(plan, str):
            cost.unknown.append(plan)
            cost.capacity_unknown.append(plan)
            continue
        cost.plans.append(plan)
        name, price = _capacity_item(dim)
        hours = plan.simulation.average_capacity * HOURS_PER_MONTH
        cost.items.append(LineItem(name, hours, context.price(dim.region, price)))
        if plan.simulation.peak_capacity > MAX_CAPACITY:
            cost.notes.append(
                f"{dim.label} needs {plan.simulation.peak_capacity} {UNIT_NAMES[dim.kind]}, above "
                f"the default quota of {MAX_CAPACITY:,} per table; ask AWS for an increase"
            )
    if not cost.unknown:
        cost.items.extend(_discounts(context, cost))
        cost.throttled_reads, cost.throttled_writes = throttled_requests(context, cost.plans)
    shared, unknown = shared_lines(context)
    cost.items.extend(shared)
    cost.unknown.extend(unknown)
    return cost


def throttled_requests(context: Context, plans: Sequence[DimensionPlan]) -> tuple[float, float]:
    """Read and write requests a month that the plans' capacity would throttle.

    A write is throttled when the table or any of its GSIs cannot take it, so each minute
    counts the largest throttled share among the table's write dimensions.
    """
    factor = context.profile.month_factor
    reads = 0.0
    shares = [0.0] * context.profile.minutes
    for plan in plans:
        dim = plan.dimension
        if not dim.origin or dim.units_per_request <= 0:
            continue
        throttled = plan.simulation.throttled
        if dim.kind == "read":
            reads += sum(throttled) / dim.units_per_request
            continue
        for minute, (lost, demand) in enumerate(zip(throttled, plan.demand, strict=True)):
            if demand > 0:
                shares[minute] = max(shares[minute], lost / (demand * 60.0))
    writes = sum(share * rate * 60.0 for share, rate in zip(shares, context.profile.writes, strict=True))
    return reads * factor, writes * factor


# Free tier and reserved capacity -------------------------------------------------------------


def _pooled(plans: Sequence[DimensionPlan], position: int, kind: Kind) -> list[float]:
    """Plain (not replicated) capacity of ``kind`` in one region, summed minute by minute."""
    series: list[float] = []
    for plan in plans:
        dim = plan.dimension
        if dim.position != position or dim.kind != kind or dim.replicated:
            continue
        capacity = plan.simulation.capacity
        if series:
            series = [a + b for a, b in zip(series, capacity, strict=True)]
        else:
            series = [float(units) for units in capacity]
    return series


def _discounts(context: Context, cost: ModeCost) -> list[LineItem]:
    items: list[LineItem] = []
    for position, region in enumerate(context.table.regions):
        for kind in ("write", "read"):
            series = _pooled(cost.plans, position, kind)
            if not series:
                continue
            if position == 0 and context.settings.free_tier:
                series, free_items = _free_capacity(context, kind, series)
                items.extend(free_items)
            if context.settings.reserved:
                items.extend(_reserved(context, cost, position, region, kind, series))
    return items


def _free_capacity(context: Context, kind: Kind, series: list[float]) -> tuple[list[float], list[LineItem]]:
    free = context.origin_prices.free_tier
    allowance = 0.0
    if free is not None:
        allowance = free.write_capacity_units if kind == "write" else free.read_capacity_units
    if allowance <= 0:
        return series, []
    covered = sum(min(allowance, units) for units in series) / len(series)
    price = context.origin_prices.price(f"{kind}_capacity_unit_hour")
    item = LineItem(f"free tier: {allowance:g} {UNIT_NAMES[kind]}", -covered * HOURS_PER_MONTH, price)
    return [max(0.0, units - allowance) for units in series], [item]


def _reserved(
    context: Context,
    cost: ModeCost,
    position: int,
    region: str | None,
    kind: Kind,
    series: list[float],
) -> list[LineItem]:
    """Reserved capacity bought in blocks of 100 units wherever a block pays for itself."""
    unit = UNIT_NAMES[kind]
    if context.table.table_class == "standard-ia":
        cost.notes.append("reserved capacity is not offered for Standard-IA; priced without it")
        return []
    upfront = context.price(region, f"reserved_{kind}_100_upfront")
    hourly = context.price(region, f"reserved_{kind}_100_hour")
    plain = context.price(region, f"{kind}_capacity_unit_hour")
    if upfront is None or hourly is None or plain is None:
        place = context.table.place(position)
        cost.notes.append(f"reserved {unit} prices are unknown in {place}; priced without it")
        return []
    block_cost = upfront / RESERVED_MONTHS + hourly * HOURS_PER_MONTH
    blocks, covered = _reserved_blocks(series, block_cost, plain)
    if not blocks:
        return []
    where = _where(context.table, position)
    return [
        LineItem(
            f"reserved {unit}{where}: upfront per 100, over 12 months", blocks, upfront / RESERVED_MONTHS
        ),
        LineItem(f"reserved {unit}{where}: hours per 100", blocks * HOURS_PER_MONTH, hourly),
        LineItem(f"reserved {unit}{where}: unit-hours not billed hourly", -covered, plain),
    ]


def _reserved_blocks(series: list[float], block_cost: float, unit_hour: float) -> tuple[int, float]:
    """How many blocks are worth buying, and the unit-hours a month they cover."""
    blocks = 0
    covered = 0.0
    while True:
        floor = blocks * RESERVED_BLOCK
        used = sum(min(RESERVED_BLOCK, max(0.0, units - floor)) for units in series) / len(series)
        if used * HOURS_PER_MONTH * unit_hour <= block_cost:
            return blocks, covered
        blocks += 1
        covered += used * HOURS_PER_MONTH


# Utilization ---------------------------------------------------------------------------------


def capacity_weight(prices: PriceEntry, dim: Dimension) -> float:
    """What an hour of ``dim``'s capacity costs, to weigh reads against writes."""
    name = f"{dim.kind}_capacity_unit_hour"
    if dim.replicated:
        replicated = prices.price("replicated_write_capacity_unit_hour")
        if replicated is not None:
            return replicated
    return prices.price(name) or 0.0


def utilization(context: Context, cost: ModeCost) -> float | None:
    """Average consumed capacity over provisioned capacity, weighted by capacity price."""
    if not cost.plans or cost.unknown:
        return None
    prices = context.origin_prices
    used = provisioned = 0.0
    for plan in cost.plans:
        weight = capacity_weight(prices, plan.dimension)
        used += plan.average_demand * weight
        provisioned += plan.simulation.average_capacity * weight
    return used / provisioned if provisioned else None
