"""One table's estimate: every mode's bill, the break-even and the advice."""

from __future__ import annotations

from dataclasses import dataclass

from dynlint.cost.advice import Advice, advise, break_even_utilization
from dynlint.cost.capacity import RequestShape, TableSpec
from dynlint.cost.modes import (
    Context,
    Mode,
    ModeCost,
    Settings,
    price_on_demand,
    price_provisioned,
    utilization,
)
from dynlint.cost.prices import PriceBook, PriceEntry
from dynlint.cost.traffic import Profile


@dataclass(frozen=True)
class Estimate:
    context: Context
    on_demand: ModeCost
    provisioned: ModeCost
    autoscaled: ModeCost
    break_even: float | None
    advice: Advice

    @property
    def modes(self) -> tuple[ModeCost, ModeCost, ModeCost]:
        return (self.on_demand, self.provisioned, self.autoscaled)

    def mode(self, name: Mode) -> ModeCost:
        return {cost.mode: cost for cost in self.modes}[name]

    @property
    def prices(self) -> PriceEntry:
        return self.context.origin_prices

    def utilization(self, cost: ModeCost) -> float | None:
        return utilization(self.context, cost)

    @property
    def unknown_prices(self) -> list[str]:
        """Bill lines whose price is unknown, for the regions' prices at hand."""
        return sorted(
            {
                item.item
                for cost in self.modes
                for item in cost.items
                if item.unit_usd is None and item.quantity is not None
            }
        )

    @property
    def price_gaps(self) -> list[str]:
        """A message naming the lines left out for want of a price, if any."""
        missing = self.unknown_prices
        if not missing:
            return []
        return [
            f"no price in {self.context.book.origin} for: {'; '.join(missing)}; those lines "
            "are left out (pass --prices FILE with them)"
        ]


def estimate(
    table: TableSpec,
    shape: RequestShape,
    profile: Profile,
    book: PriceBook,
    settings: Settings,
) -> Estimate:
    """Price ``table`` under ``profile`` in every mode and say which mode to choose."""
    # Unknown prices for the table's own region are an input error, raised before any work.
    book.entry(table.region, table.table_class)
    context = Context(table=table, shape=shape, profile=profile, settings=settings, book=book)
    on_demand = price_on_demand(context)
    provisioned = price_provisioned(context, autoscaled=False)
    autoscaled = price_provisioned(context, autoscaled=True)
    costs = (on_demand, provisioned, autoscaled)
    return Estimate(
        context=context,
        on_demand=on_demand,
        provisioned=provisioned,
        autoscaled=autoscaled,
        break_even=break_even_utilization(context),
        advice=advise(context, costs),
    )
