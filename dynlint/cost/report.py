"""Cost reports: JSON as the interfaces fix it, and text tables for people."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

from dynlint.cost.advice import LABELS
from dynlint.cost.estimate import Estimate
from dynlint.cost.modes import MODES, DimensionPlan, Mode, ModeCost
from dynlint.cost.tables import TableResult
from dynlint.inputs import dumps_strict

MODE_TITLES: dict[Mode, str] = {
    "on_demand": "on-demand",
    "provisioned": "provisioned",
    "autoscaled": "autoscaled",
}


def _money(amount: float | None) -> float | None:
    return None if amount is None else round(amount + 0.0, 2)


def _number(value: float | None, digits: int = 2) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, digits)
    return int(rounded) if float(rounded).is_integer() else rounded


# JSON ----------------------------------------------------------------------------------------


def _plan_json(plan: DimensionPlan) -> dict[str, Any]:
    dim = plan.dimension
    simulation = plan.simulation
    return {
        "region": dim.region,
        "index": dim.index,
        "kind": dim.kind,
        "how": plan.how,
        "units_per_request": _number(dim.units_per_request, 4),
        "average_demand_units": _number(plan.average_demand),
        "peak_demand_units": _number(plan.peak_demand),
        "average_capacity_units": _number(simulation.average_capacity),
        "peak_capacity_units": simulation.peak_capacity,
    }


def mode_json(found: Estimate, cost: ModeCost) -> dict[str, Any]:
    data: dict[str, Any] = {"monthly_usd": _money(cost.monthly_usd)}
    if cost.mode != "on_demand":
        data["write_capacity_units"] = _number(cost.capacity_units("write"))
        data["read_capacity_units"] = _number(cost.capacity_units("read"))
    data["breakdown"] = [
        {
            "item": item.item,
            "quantity": _number(item.quantity),
            "unit_usd": item.unit_usd,
            "monthly_usd": _money(item.monthly_usd),
        }
        for item in cost.items
    ]
    if cost.mode != "on_demand":
        data["average_utilization"] = _number(found.utilization(cost), 3)
        data["capacity"] = [_plan_json(plan) for plan in cost.plans]
    data["throttled_requests"] = round(cost.throttled_requests)
    data["throttled_reads"] = round(cost.throttled_reads)
    data["throttled_writes"] = round(cost.throttled_writes)
    data["throttled_fraction"] = round(cost.throttled_fraction, 6)
    data["unknown"] = list(cost.unknown)
    if cost.monthly_usd is None:
        data["known_monthly_usd"] = _money(cost.known_monthly_usd)
    data["notes"] = list(cost.notes)
    return data


def estimate_json(found: Estimate) -> dict[str, Any]:
    data: dict[str, Any] = {mode: mode_json(found, found.mode(mode)) for mode in MODES}
    data["break_even_utilization"] = _number(found.break_even, 3)
    data["recommendation"] = found.advice.mode
    data["recommended_billing_mode"] = found.advice.billing_mode
    data["reason"] = found.advice.reason
    data["what_would_flip"] = found.advice.what_would_flip
    return data


def single_json(found: Estimate, assumptions: dict[str, Any]) -> str:
    return dumps_strict({"assumptions": assumptions, **estimate_json(found)}, indent=2)


def table_json(result: TableResult) -> dict[str, Any]:
    table = result.resource
    data: dict[str, Any] = {
        "address": table.address,
        "root": table.root,
        "environment": table.environment,
        "var_file": table.var_file,
        "file": table.file,
        "line": table.line,
        "name": table.values.get("name"),
        "billing_mode": result.billing_mode,
        "configured_mode": result.configured_mode,
        "configured_monthly_usd": _money(result.configured_monthly_usd),
    }
    if result.estimate is not None:
        spec = result.estimate.context.table
        data["table_class"] = spec.table_class
        data["gsi"] = [gsi.name for gsi in spec.gsis]
        data["lsi"] = len(spec.lsis)
        data["pitr"] = spec.pitr
        data["replica_regions"] = [replica.region for replica in spec.replicas]
        data.update(estimate_json(result.estimate))
    data["warnings"] = list(result.warnings)
    data["unknown"] = list(result.unknown)
    return data


def _sum(amounts: list[float | None]) -> float | None:
    if any(amount is None for amount in amounts):
        return None
    return _money(sum(amount for amount in amounts if amount is not None))


def _pick_mode(result: TableResult, pick: str) -> Mode | None:
    if pick == "configured":
        return result.configured_mode
    if pick == "recommended":
        return None if result.estimate is None else result.estimate.advice.mode
    return next((mode for mode in MODES if mode == pick), None)


def _chosen_costs(results: list[TableResult], pick: str) -> list[ModeCost | None]:
    """Each table's cost in one mode, in its configured mode, or in its recommended mode."""
    costs: list[ModeCost | None] = []
    for result in results:
        mode = _pick_mode(result, pick)
        found = result.estimate
        costs.append(None if found is None or mode is None else found.mode(mode))
    return costs


def totals(results: list[TableResult]) -> dict[str, Any]:
    """Sums over every table; a sum with an unknown part is null, its known part beside it."""
    data: dict[str, Any] = {"tables": len(results)}
    picks = {
        "monthly_usd": "configured",
        "on_demand_monthly_usd": "on_demand",
        "provisioned_monthly_usd": "provisioned",
        "autoscaled_monthly_usd": "autoscaled",
        "recommended_monthly_usd": "recommended",
    }
    for key, pick in picks.items():
        costs = _chosen_costs(results, pick)
        data[key] = _sum([None if cost is None else cost.monthly_usd for cost in costs])
        data[f"known_{key}"] = _money(sum(cost.known_monthly_usd for cost in costs if cost))
    configured, best = data["monthly_usd"], data["recommended_monthly_usd"]
    data["savings_usd"] = None if configured is None or best is None else _money(configured - best)
    data["unpriced"] = [r.resource.address for r in results if r.configured_monthly_usd is None]
    return data


def path_json(results: list[TableResult], assumptions: dict[str, Any]) -> str:
    return dumps_strict(
        {
            "assumptions": assumptions,
            "tables": [table_json(result) for result in results],
            "total": totals(results),
        },
        indent=2,
    )


# Text ----------------------------------------------------------------------------------------


def _usd(amount: float | None) -> str:
    return "unknown" if amount is None else f"{amount:,.2f}"


def _mode_usd(cost: ModeCost | None) -> str:
    """The amount, or the known part followed by ``+?`` when only some lines are unknown."""
    if cost is None or cost.capacity_unknown:
        return "unknown"
    if cost.monthly_usd is None:
        return f"{cost.known_monthly_usd:,.2f}+?"
    return _usd(cost.monthly_usd)


def _units(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _unit_price(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _quantity(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _capacity_how(cost: ModeCost) -> str:
    if cost.mode == "on_demand":
        return "pay per request"
    hows: list[str] = []
    for plan in cost.plans:
        if plan.how not in hows:
            hows.append(plan.how)
    if cost.capacity_unknown:
        hows.append("some unknown")
    return "; ".join(hows)


def modes_table(found: Estimate) -> str:
    rows = []
    for cost in found.modes:
        provisioned = cost.mode != "on_demand"
        rows.append(
            [
                MODE_TITLES[cost.mode],
                _mode_usd(cost),
                _units(cost.capacity_units("write")) if provisioned else "-",
                _units(cost.capacity_units("read")) if provisioned else "-",
                _percent(found.utilization(cost)) if provisioned else "-",
                f"{cost.throttled_requests:,.0f}",
                _capacity_how(cost),
            ]
        )
    headers = ["mode", "USD/month", "WCU", "RCU", "load/capacity", "throttled/month", "capacity"]
    align = ("left", "right", "right", "right", "right", "right", "left")
    return tabulate(rows, headers=headers, colalign=align, disable_numparse=True)


def breakdown_table(cost: ModeCost) -> str:
    rows = [
        [item.item, _quantity(item.quantity), _unit_price(item.unit_usd), _usd(item.monthly_usd)]
        for item in cost.items
    ]
    headers = ["item", "quantity", "USD/unit", "USD/month"]
    return tabulate(
        rows, headers=headers, colalign=("left", "right", "right", "right"), disable_numparse=True
    )


def advice_text(found: Estimate) -> list[str]:
    advice = found.advice
    be = "unknown" if found.break_even is None else f"{found.break_even:.1%}"
    lines = [f"Break-even utilization: {be} (provisioned is cheaper above it)."]
    if advice.mode is None:
        lines.append(f"Recommendation: none ({advice.reason}).")
        return lines
    lines.append(f"Recommendation: {advice.billing_mode} ({LABELS[advice.mode]}): {advice.reason}.")
    if advice.what_would_flip:
        lines.append(f"What would flip it: {advice.what_would_flip}.")
    return lines


def _notes(found: Estimate) -> list[str]:
    seen: list[str] = []
    for cost in found.modes:
        for note in [*cost.notes, *cost.unknown]:
            if note not in seen:
                seen.append(note)
    return seen


def single_text(found: Estimate, headline: list[str]) -> str:
    parts = ["\n".join(headline), modes_table(found), "\n".join(advice_text(found))]
    for cost in found.modes:
        parts.append(f"{MODE_TITLES[cost.mode]}:\n{breakdown_table(cost)}")
    notes = _notes(found)
    if notes:
        parts.append("Notes:\n" + "\n".join(f"- {note}" for note in notes))
    return "\n\n".join(parts)


def _where(result: TableResult) -> str:
    table = result.resource
    label = table.environment or (table.var_file and table.var_file.rsplit("/", 1)[-1])
    return f"{table.root or '.'} ({label})" if label else table.root or "."


def _configured_usd(result: TableResult) -> str:
    mode = result.configured_mode
    if mode is None or result.estimate is None:
        return "unknown"
    return _mode_usd(result.estimate.mode(mode))


def _summary_row(result: TableResult) -> list[str]:
    found = result.estimate
    amounts = [_mode_usd(None if found is None else found.mode(m)) for m in MODES]
    best = "-"
    if found is not None and found.advice.mode is not None:
        best = MODE_TITLES[found.advice.mode]
    configured = "unknown" if result.configured_mode is None else MODE_TITLES[result.configured_mode]
    return [
        result.resource.address,
        _where(result),
        configured,
        _configured_usd(result),
        *amounts,
        best,
    ]


def _total_usd(amount: float | None, known: float) -> str:
    return f"{known:,.2f}+?" if amount is None else _usd(amount)


def path_text(results: list[TableResult], headline: list[str]) -> str:
    rows = [_summary_row(result) for result in results]
    summary = totals(results)
    keys = [
        "monthly_usd",
        "on_demand_monthly_usd",
        "provisioned_monthly_usd",
        "autoscaled_monthly_usd",
        "recommended_monthly_usd",
    ]
    rows.append(["total", "", "", *(_total_usd(summary[key], summary[f"known_{key}"]) for key in keys)])
    headers = ["table", "root (env)", "configured", "as configured", *MODE_TITLES.values(), "best"]
    align = ("left", "left", "left", "right", "right", "right", "right", "left")
    parts = ["\n".join(headline), tabulate(rows, headers=headers, colalign=align, disable_numparse=True)]
    parts.append(
        "USD a month. Provisioned is the capacity the code configures (or, for an on-demand "
        "table, capacity sized for the peak); autoscaled is target tracking on every table and "
        "index. The total's best column sums each table's recommended mode; unknown means some "
        "part could not be priced (see below)."
    )
    for result in results:
        parts.append(_table_details(result))
    return "\n\n".join(parts)


def _table_details(result: TableResult) -> str:
    lines = [f"{result.resource.address} in {_where(result)}:"]
    found = result.estimate
    if found is not None:
        lines.append(modes_table(found))
        lines.extend(advice_text(found))
        lines.extend(f"- {note}" for note in _notes(found))
    lines.extend(f"- warning: {warning}" for warning in result.warnings)
    lines.extend(f"- unknown: {reason}" for reason in result.unknown)
    return "\n".join(lines)
