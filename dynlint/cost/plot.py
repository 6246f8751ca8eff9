"""``--plot``: monthly cost against average request rate, per mode, with the break-even marked.

The traffic keeps its shape and is scaled up and down; matplotlib is an optional extra
(``pip install 'dynlint[plot]'``) and is imported only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dynlint.cost.advice import ACCEPTABLE_THROTTLED_FRACTION
from dynlint.cost.errors import CostInputError
from dynlint.cost.estimate import Estimate, estimate
from dynlint.cost.modes import ModeCost

POINTS = 25


@dataclass(frozen=True)
class Curve:
    """Monthly cost per mode at each average request rate."""

    rates: list[float]
    on_demand: list[float]
    provisioned: list[float]
    autoscaled: list[float]
    autoscaled_throttles: list[bool]
    fixed_cost: float
    fixed_carries_up_to: float
    break_even_rate: float | None


def _average_rate(found: Estimate) -> float:
    profile = found.context.profile
    return profile.average_reads + profile.average_writes


def _request_cost(cost: ModeCost) -> float:
    return sum(item.monthly_usd or 0.0 for item in cost.items if "request units" in item.item)


def _carrying_factor(found: Estimate) -> float:
    """How far the traffic can be scaled before today's fixed capacity throttles."""
    factors = [
        plan.simulation.peak_capacity / plan.peak_demand
        for plan in found.provisioned.plans
        if plan.peak_demand > 0
    ]
    return min(factors, default=1.0)


def cost_curve(found: Estimate, points: int = POINTS) -> Curve:
    """The cost of each mode as the traffic is scaled, and where on-demand crosses fixed."""
    average = _average_rate(found)
    if average <= 0:
        raise CostInputError("--plot needs some traffic to scale")
    fixed = found.provisioned.monthly_usd or 0.0
    on_demand = found.on_demand.monthly_usd or 0.0
    requests = _request_cost(found.on_demand)
    break_even = None
    if requests > 0:
        break_even = average * (fixed - (on_demand - requests)) / requests
    carries = average * _carrying_factor(found)
    top = max(2 * average, 1.5 * carries, 1.2 * (break_even or 0.0))
    rates = [top * n / (points - 1) for n in range(points)]
    context = found.context
    estimates = [
        estimate(
            context.table,
            context.shape,
            context.profile.scaled(rate / average),
            context.book,
            context.settings,
        )
        for rate in rates
    ]
    return Curve(
        rates=rates,
        on_demand=[e.on_demand.monthly_usd or 0.0 for e in estimates],
        provisioned=[e.provisioned.monthly_usd or 0.0 for e in estimates],
        autoscaled=[e.autoscaled.monthly_usd or 0.0 for e in estimates],
        autoscaled_throttles=[
            e.autoscaled.throttled_fraction > ACCEPTABLE_THROTTLED_FRACTION for e in estimates
        ],
        fixed_cost=fixed,
        fixed_carries_up_to=carries,
        break_even_rate=break_even,
    )


def write_plot(found: Estimate, path: Path) -> None:
    """Write the chart to ``path`` (.png or .svg)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise CostInputError(
            "--plot needs matplotlib, which is not installed: pip install 'dynlint[plot]'"
        ) from None
    curve = cost_curve(found)
    figure, axes = plt.subplots(figsize=(9, 5.5))
    axes.plot(curve.rates, curve.on_demand, label="on-demand", color="tab:blue")
    axes.plot(curve.rates, curve.provisioned, label="provisioned, sized for each rate", color="tab:green")
    axes.plot(curve.rates, curve.autoscaled, label="provisioned, autoscaled", color="tab:orange")
    throttled = [
        (x, y) for x, y, t in zip(curve.rates, curve.autoscaled, curve.autoscaled_throttles, strict=True) if t
    ]
    if throttled:
        axes.scatter(
            *zip(*throttled, strict=True),
            marker="x",
            color="tab:red",
            label="autoscaled, throttles",
            zorder=3,
        )
    axes.plot(
        [0, curve.fixed_carries_up_to],
        [curve.fixed_cost, curve.fixed_cost],
        linestyle="--",
        color="tab:gray",
        label="provisioned, today's fixed capacity",
    )
    _mark(axes, _average_rate(found), "now", ":")
    if curve.break_even_rate is not None and curve.break_even_rate > 0:
        be = found.break_even or 0.0
        _mark(axes, curve.break_even_rate, f"break-even ({be:.1%} utilization)", "-.")
    axes.set_xlabel("average requests per second (same traffic shape)")
    axes.set_ylabel("USD per month (730 hours)")
    axes.set_title(f"DynamoDB monthly cost, {found.context.table.region}")
    axes.set_xlim(left=0)
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left")
    figure.tight_layout()
    try:
        figure.savefig(path)
    except OSError as error:
        raise CostInputError(f"--plot {path}: cannot write: {error.strerror}") from None
    finally:
        plt.close(figure)


def _mark(axes: Any, rate: float, label: str, style: str) -> None:
    axes.axvline(rate, linestyle=style, color="black", linewidth=0.8)
    axes.annotate(
        f" {label}: {rate:,.0f}/s",
        xy=(rate, 0),
        xycoords=("data", "axes fraction"),
        xytext=(2, 8),
        textcoords="offset points",
        rotation=90,
        fontsize=8,
    )
