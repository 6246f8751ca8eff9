"""Which billing mode to choose, why, and what would change the answer.

Break-even: provisioned capacity costs less than on-demand once its average utilization exceeds
(price of a unit-hour) / (3600 x price of a request unit), about 28.9% at current prices. For a
workload that mixes reads and writes, both sides are weighted by the units the workload uses.

A mode that throttles more than 0.1% of requests is not recommended, however cheap: a spike
that autoscaling cannot follow shows up as throttling, not as a saving.
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
    "provisioned": "provisioned capacity",
    "autoscaled": "autoscaled capacity",
}


def _request_weight(prices: PriceEntry, dim: Dimension) -> float:
    if dim.replicated:
        replicated = prices.price("replicated_write_request_unit")
        if replicated is not None:
            return replicated * 3600
    return (prices.price(f"{dim.kind}_request_unit") or 0.0) * 3600


def break_even_utilization(context: Context) -> float | None:
    """The utilization above which provisioned capacity is cheaper than on-demand."""
    prices = context.origin_prices
    dims = [dim for dim in context.dims if dim.units_per_request > 0]
    averages = [sum(context.demand(dim)) / context.profile.minutes for dim in dims]
    if not any(averages):
        averages = [dim.units_per_request for dim in dims]
    pairs = list(zip(averages, dims, strict=True))
    capacity = sum(average * capacity_weight(prices, dim) for average, dim in pairs)
    requests = sum(average * _request_weight(prices, dim) for average, dim in pairs)
    return capacity / requests if requests else None


@dataclass(frozen=True)
class Advice:
    mode: Mode | None
    reason: str
    what_would_flip: str

    @property
    def billing_mode(self) -> str | None:
        return None if self.mode is None else BILLING_MODES[self.mode]


def acceptable(cost: ModeCost) -> bool:
    return cost.throttled_fraction <= ACCEPTABLE_THROTTLED_FRACTION


def comparable(costs: Sequence[ModeCost]) -> dict[Mode, float]:
    """What each mode costs, for comparison; modes whose capacity is unknown are left out.

    Lines that are unknown (a replica region without prices, a value set at apply) are left
    out of every mode alike, so the comparison stays fair.
    """
    return {cost.mode: cost.known_monthly_usd for cost in costs if not cost.capacity_unknown}


def choose(costs: Sequence[ModeCost]) -> ModeCost | None:
    """The cheapest mode that throttles (almost) nothing; the cheapest at all if none does."""
    amounts = comparable(costs)
    priced = [cost for cost in costs if cost.mode in amounts]
    candidates = [cost for cost in priced if acceptable(cost)] or priced
    if not candidates:
        return None
    cheapest = min(amounts[cost.mode] for cost in candidates)
    tied = [cost for cost in candidates if amounts[cost.mode] <= cheapest + CENT]
    return min(tied, key=lambda cost: TIE_ORDER.index(cost.mode))


def advise(context: Context, costs: Sequence[ModeCost]) -> Advice:
    chosen = choose(costs)
    if chosen is None:
        return Advice(None, "no mode could be priced: " + "; ".join(_unknowns(costs)), "")
    writer = _Writer(context, chosen, costs, break_even_utilization(context))
    return Advice(chosen.mode, writer.reason(), writer.what_would_flip())


def _unknowns(costs: Sequence[ModeCost]) -> list[str]:
    found: list[str] = []
    for cost in costs:
        found.extend(reason for reason in cost.capacity_unknown if reason not in found)
    return found


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def _percent(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0%}"


def _break_even(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1%}"


def _request_cost(cost: ModeCost) -> float:
    """What on-demand charges for the requests themselves (not storage)."""
    return sum(item.monthly_usd or 0.0 for item in cost.items if "request units" in item.item)


class _Writer:
    """Puts the choice into words."""

    def __init__(
        self,
        context: Context,
        chosen: ModeCost,
        costs: Sequence[ModeCost],
        break_even: float | None,
    ) -> None:
        self.context = context
        self.chosen = chosen
        self.by_mode = {cost.mode: cost for cost in costs}
        self.amounts = comparable(costs)
        self.break_even = break_even
        self.partial = any(cost.has_gaps for cost in costs if cost.mode in self.amounts)

    def _amount(self, cost: ModeCost) -> float:
        return self.amounts[cost.mode]

    def _times(self, expensive: ModeCost, cheap: ModeCost) -> str:
        low = self._amount(cheap)
        return f"{self._amount(expensive) / low:.1f}x" if low > 0 else "far"

    def _alternatives(self) -> list[ModeCost]:
        """Priced, non-throttling modes other than the chosen one, cheapest first."""
        others = [
            cost
            for cost in self.by_mode.values()
            if cost is not self.chosen and cost.mode in self.amounts and acceptable(cost)
        ]
        return sorted(others, key=self._amount)

    def reason(self) -> str:
        parts = [self._main_reason()]
        chosen_amount = self._amount(self.chosen)
        for cost in self.by_mode.values():
            cheaper = cost.mode in self.amounts and self._amount(cost) < chosen_amount - CENT
            if cost is not self.chosen and cheaper and not acceptable(cost):
                parts.append(
                    f"{LABELS[cost.mode]} would cost {_money(self._amount(cost))} but throttle "
                    f"{cost.throttled_requests:,.0f} requests a month "
                    f"({cost.throttled_fraction:.1%})"
                )
        if not acceptable(self.chosen):
            parts.append(
                f"even so it throttles {self.chosen.throttled_fraction:.1%} of requests, as "
                "every mode that could be priced does"
            )
        if self.partial:
            parts.append("amounts leave out the lines whose price or size is unknown")
        return "; ".join(parts)

    def _main_reason(self) -> str:
        chosen = self.chosen
        alternatives = self._alternatives()
        if chosen.mode == "on_demand":
            provisioned = [cost for cost in alternatives if cost.mode != "on_demand"]
            if not provisioned:
                return "on-demand is the only mode that carries the load"
            best = provisioned[0]
            return (
                f"average load would be {_percent(utilization(self.context, best))} of the "
                f"{LABELS[best.mode]}, below the {_break_even(self.break_even)} break-even; "
                f"on-demand is {self._times(best, chosen)} cheaper "
                f"({_money(self._amount(chosen))} vs {_money(self._amount(best))} a month)"
            )
        text = (
            f"average load is {_percent(utilization(self.context, chosen))} of the "
            f"{LABELS[chosen.mode]}, above the {_break_even(self.break_even)} break-even"
        )
        on_demand = self.by_mode.get("on_demand")
        if on_demand is not None and on_demand.mode in self.amounts:
            text += (
                f"; it is {self._times(on_demand, chosen)} cheaper than on-demand "
                f"({_money(self._amount(chosen))} vs {_money(self._amount(on_demand))} a month)"
            )
        return text

    def what_would_flip(self) -> str:
        on_demand = self.by_mode.get("on_demand")
        if on_demand is None or on_demand.mode not in self.amounts:
            return ""
        profile = self.context.profile
        average = profile.average_reads + profile.average_writes
        peak = max(r + w for r, w in zip(profile.reads, profile.writes, strict=True))
        requests = _request_cost(on_demand)
        if self.chosen.mode == "on_demand":
            return self._flip_to_provisioned(on_demand, average, peak, requests)
        if self.chosen.mode == "provisioned" and requests > 0:
            rate = average * (self._amount(self.chosen) - self._fixed_part(on_demand)) / requests
            return (
                f"on-demand would be cheaper if the average rate fell below {_rate(rate)} "
                f"requests/s (now {_rate(average)}) with the same capacity, i.e. below the "
                f"{_break_even(self.break_even)} break-even utilization"
            )
        return (
            f"on-demand would be cheaper if the autoscaled capacity were used less than "
            f"{_break_even(self.break_even)} on average (it is "
            f"{_percent(utilization(self.context, self.chosen))}): short spikes, or a minimum "
            f"capacity far above the load; autoscaling throttles when traffic grows faster than "
            f"about {1 / self.context.settings.target_utilization:.2f}x every 2 minutes"
        )

    def _fixed_part(self, on_demand: ModeCost) -> float:
        return self._amount(on_demand) - _request_cost(on_demand)

    def _flip_to_provisioned(self, on_demand: ModeCost, average: float, peak: float, requests: float) -> str:
        fixed = self.by_mode.get("provisioned")
        if requests <= 0 or average <= 0:
            return "with no traffic on-demand costs only storage; any provisioned capacity costs more"
        texts: list[str] = []
        if fixed is not None and fixed.mode in self.amounts and acceptable(fixed):
            rate = average * (self._amount(fixed) - self._fixed_part(on_demand)) / requests
            texts.append(
                f"the provisioned capacity would be cheaper if the average rate rose above "
                f"{_rate(rate)} requests/s with the same peak of {_rate(peak)} "
                f"({rate / peak:.0%} of it; now {_rate(average)}), i.e. above the "
                f"{_break_even(self.break_even)} break-even utilization"
            )
        autoscaled = self.by_mode.get("autoscaled")
        if autoscaled is not None and not acceptable(autoscaled):
            texts.append(
                f"autoscaling would do if traffic grew no faster than about "
                f"{1 / self.context.settings.target_utilization:.2f}x every 2 minutes"
            )
        if fixed is not None and not acceptable(fixed):
            texts.append("the configured capacity cannot carry the load")
        return "; ".join(texts)
