"""Which billing mode to choose, why, and what would change the answer.

Break-even: provisioned capacity costs less than on-demand once its average utilization exceeds
(price of a unit-hour) / (3600 x price of a request unit), about 28.9% at current prices. For a
workload that mixes reads and writes, both sides are weighted by the units the workload uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dynlint.cost.capacity import Dimension
from dynlint.cost.modes import Context, Mode, ModeCost, capacity_weight, utilization
from dynlint.cost.prices import PriceEntry

ACCEPTABLE_THROTTLED_FRACTION = 0.001
CENT = 0.005
BILLING_MODES: dict[Mode, str] = {
    "on_demand": "PAY_PER_REQUEST",
    "provisioned": "PROVISIONED",
    "autoscaled": "PROVISIONED",
}
TIE_ORDER: tuple[Mode, ...] = ("provisioned", "autoscaled", "on_demand")
LABELS: dict[Mode, str] = {
    "on_demand": "on-demand",
    "provisioned": "fixed provisioned capacity",
    "autoscaled": "autoscaled capacity",
}


def _request_weight(prices: PriceEntry, dim: Dimension) -> float:
    name = f"{dim.kind}_request_unit"
    if dim.replicated:
        replicated = prices.price("replicated_write_request_unit")
        if replicated is not None:
            return replicated * 3600
    return (prices.price(name) or 0.0) * 3600


def break_even_utilization(context: Context) -> float | None:
    """The utilization above which provisioned capacity is cheaper than on-demand."""
    prices = context.origin_prices
    dims = [dim for dim in context.dims if dim.units_per_request > 0]
    averages = [sum(context.demand(dim)) / context.profile.minutes for dim in dims]
    if not any(averages):
        averages = [dim.units_per_request for dim in dims]
    capacity = sum(a * capacity_weight(prices, d) for a, d in zip(averages, dims, strict=True))
    requests = sum(a * _request_weight(prices, d) for a, d in zip(averages, dims, strict=True))
    return capacity / requests if requests else None


@dataclass(frozen=True)
class Advice:
    mode: Mode | None
    reason: str
    what_would_flip: str

    @property
    def billing_mode(self) -> str | None:
        return None if self.mode is None else BILLING_MODES[self.mode]


def _acceptable(cost: ModeCost) -> bool:
    return cost.throttled_fraction <= ACCEPTABLE_THROTTLED_FRACTION


def choose(costs: Sequence[ModeCost]) -> ModeCost | None:
    """The cheapest mode that prices completely and throttles (almost) nothing."""
    priced = [cost for cost in costs if cost.monthly_usd is not None]
    candidates = [cost for cost in priced if _acceptable(cost)] or priced
    if not candidates:
        return None
    cheapest = min(cost.monthly_usd or 0.0 for cost in candidates)
    tied = [cost for cost in candidates if (cost.monthly_usd or 0.0) <= cheapest + CENT]
    return min(tied, key=lambda cost: TIE_ORDER.index(cost.mode))


def advise(context: Context, costs: Sequence[ModeCost]) -> Advice:
    by_mode = {cost.mode: cost for cost in costs}
    chosen = choose(costs)
    if chosen is None:
        return Advice(None, "no mode could be priced completely", "")
    break_even = break_even_utilization(context)
    reason = _reason(context, chosen, by_mode, break_even)
    flip = _what_would_flip(context, chosen, by_mode, break_even)
    return Advice(chosen.mode, reason, flip)


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _money(amount: float | None) -> str:
    return "unknown" if amount is None else f"${amount:,.2f}"


def _times(expensive: float | None, cheap: float | None) -> str:
    if expensive is None or cheap is None or cheap <= 0:
        return ""
    return f"{expensive / cheap:.1f}x"


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def _break_even(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1%}"


def _throttle_text(cost: ModeCost) -> str:
    return (
        f"{LABELS[cost.mode]} would cost {_money(cost.monthly_usd)} but throttle "
        f"{cost.throttled_requests:,.0f} requests a month ({cost.throttled_fraction:.2%})"
    )


def _reason(
    context: Context,
    chosen: ModeCost,
    by_mode: dict[Mode, ModeCost],
    break_even: float | None,
) -> str:
    on_demand = by_mode.get("on_demand")
    fixed = by_mode.get("provisioned")
    parts: list[str] = []
    if chosen.mode == "on_demand":
        reference = fixed if fixed is not None and fixed.monthly_usd is not None else None
        if reference is not None:
            parts.append(
                f"average load is {_percent(utilization(context, reference))} of the provisioned "
                f"capacity, below the {_break_even(break_even)} break-even; on-demand is "
                f"{_times(reference.monthly_usd, chosen.monthly_usd)} cheaper "
                f"({_money(chosen.monthly_usd)} vs {_money(reference.monthly_usd)} a month)"
            )
        else:
            parts.append(f"on-demand costs {_money(chosen.monthly_usd)} a month")
    else:
        parts.append(
            f"average load is {_percent(utilization(context, chosen))} of the "
            f"{LABELS[chosen.mode]}, above the {_break_even(break_even)} break-even"
        )
        if on_demand is not None and on_demand.monthly_usd is not None:
            parts.append(
                f"{LABELS[chosen.mode]} is {_times(on_demand.monthly_usd, chosen.monthly_usd)} "
                f"cheaper than on-demand ({_money(chosen.monthly_usd)} vs "
                f"{_money(on_demand.monthly_usd)} a month)"
            )
    for cost in by_mode.values():
        cheaper = (cost.monthly_usd or 0.0) < (chosen.monthly_usd or 0.0) - CENT
        if cost is not chosen and not _acceptable(cost) and cheaper:
            parts.append(_throttle_text(cost))
    if not _acceptable(chosen):
        parts.append(f"it throttles {chosen.throttled_fraction:.2%} of requests, as does every mode")
    return "; ".join(parts)


def _request_cost(cost: ModeCost) -> float:
    """What on-demand charges for the requests themselves (not for storage)."""
    return sum(item.monthly_usd or 0.0 for item in cost.items if "request units" in item.item)


def _what_would_flip(
    context: Context,
    chosen: ModeCost,
    by_mode: dict[Mode, ModeCost],
    break_even: float | None,
) -> str:
    on_demand = by_mode.get("on_demand")
    fixed = by_mode.get("provisioned")
    if on_demand is None or on_demand.monthly_usd is None:
        return ""
    requests = _request_cost(on_demand)
    average = context.profile.average_reads + context.profile.average_writes
    peak = max(r + w for r, w in zip(context.profile.reads, context.profile.writes, strict=True))
    if chosen.mode == "on_demand":
        if fixed is None or fixed.monthly_usd is None:
            return ""
        if requests <= 0 or average <= 0:
            return "with no traffic on-demand costs only storage; any provisioned capacity costs more"
        rate = average * (fixed.monthly_usd - (on_demand.monthly_usd - requests)) / requests
        return (
            f"fixed capacity for a peak of {_rate(peak)} requests/s would be cheaper if the average "
            f"rate rose above {_rate(rate)} requests/s ({rate / peak:.0%} of that peak; now "
            f"{_rate(average)}), i.e. above the {_break_even(break_even)} break-even utilization"
        )
    if chosen.mode == "provisioned" and requests > 0 and chosen.monthly_usd is not None:
        rate = average * (chosen.monthly_usd - (on_demand.monthly_usd - requests)) / requests
        return (
            f"on-demand would be cheaper if the average rate fell below {_rate(rate)} requests/s "
            f"(now {_rate(average)}) with capacity for the same peak, i.e. below the "
            f"{_break_even(break_even)} break-even utilization"
        )
    target = context.settings.target_utilization
    return (
        f"on-demand would be cheaper if the autoscaled capacity were used less than "
        f"{_break_even(break_even)} on average (it is {_percent(utilization(context, chosen))}): "
        f"traffic with short spikes, or a minimum capacity far above the load; and "
        f"autoscaling throttles when traffic grows faster than about {1 / target:.2f}x "
        "every 2 minutes"
    )
