"""What ``dynlint cost`` does with its options: check them, price, and render the report."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dynlint.cost.capacity import Consistency, IndexSpec, Replica, RequestShape, TableSpec
from dynlint.cost.errors import CostInputError
from dynlint.cost.estimate import Estimate, estimate
from dynlint.cost.modes import HOURS_PER_MONTH, Settings
from dynlint.cost.prices import PriceBook, TableClass, load_prices
from dynlint.cost.traffic import (
    DEFAULT_READ_RATIO,
    SHAPES,
    Profile,
    load_profile,
    shaped,
    split_rate,
)

EXIT_OK = 0
EXIT_INPUT_ERROR = 2
PLOT_SUFFIXES = (".png", ".svg")
TABLE_OPTIONS = {
    "gsi": "--gsi",
    "lsi": "--lsi",
    "index_item_kb": "--index-item-kb",
    "table_class": "--table-class",
    "pitr": "--pitr",
    "replicas": "--replicas",
    "replica_regions": "--replica-region",
}
# The largest value of each numeric option: far above any real table, and small enough that
# every figure computed from them stays a finite number.
MAX_RATE = 1e9
MAX_STORAGE_GB = 1e9
MAX_REPLICAS = 50
MAX_CAPACITY_OPTION = 1_000_000_000
NUMBER_LIMITS: dict[str, tuple[str, float]] = {
    "rps": ("--rps", MAX_RATE),
    "read_rps": ("--read-rps", MAX_RATE),
    "write_rps": ("--write-rps", MAX_RATE),
    "read_ratio": ("--read-ratio", 1),
    "item_kb": ("--item-kb", 400),
    "read_item_kb": ("--read-item-kb", 400),
    "write_item_kb": ("--write-item-kb", 400),
    "index_item_kb": ("--index-item-kb", 400),
    "transactional_writes": ("--transactional-writes", 1),
    "index_key_changes": ("--index-key-changes", 1),
    "storage_gb": ("--storage-gb", MAX_STORAGE_GB),
    "target_utilization": ("--target-utilization", 0.9),
    "replicas": ("--replicas", MAX_REPLICAS),
    "autoscale_min": ("--autoscale-min", MAX_CAPACITY_OPTION),
    "autoscale_max": ("--autoscale-max", MAX_CAPACITY_OPTION),
}
CONSISTENCY_WORDS = {
    "eventual": "eventually consistent",
    "strong": "strongly consistent",
    "transactional": "transactional",
}


@dataclass(frozen=True)
class CostRequest:
    """The options of ``dynlint cost`` as given (None: not given)."""

    path: Path | None = None
    rps: float | None = None
    read_ratio: float | None = None
    read_rps: float | None = None
    write_rps: float | None = None
    profile: Path | None = None
    shape: str | None = None
    item_kb: float | None = None
    read_item_kb: float | None = None
    write_item_kb: float | None = None
    consistency: str = "eventual"
    transactional_writes: float = 0.0
    index_key_changes: float = 0.0
    gsi: int | None = None
    lsi: int | None = None
    index_item_kb: float | None = None
    table_class: str | None = None
    pitr: bool | None = None
    replicas: int | None = None
    replica_regions: list[str] = field(default_factory=list)
    storage_gb: float = 0.0
    region: str = "us-east-1"
    target_utilization: float = 0.7
    autoscale_min: int = 1
    autoscale_max: int = 40_000
    free_tier: bool = False
    reserved: bool = False
    prices: Path | None = None
    output_format: str = "text"
    plot: Path | None = None
    var_files: list[Path] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    env: str | None = None


@dataclass
class CostOutput:
    stdout: str
    stderr: list[str] = field(default_factory=list)
    exit_code: int = EXIT_OK


def run(request: CostRequest) -> CostOutput:
    """Price what ``request`` asks for; bad input raises :class:`CostInputError`."""
    _check_options(request)
    book = load_prices(request.prices)
    shape = request_shape(request)
    profile = traffic_profile(request)
    settings = Settings(
        target_utilization=request.target_utilization,
        min_capacity=request.autoscale_min,
        max_capacity=request.autoscale_max,
        free_tier=request.free_tier,
        reserved=request.reserved,
    )
    if request.path is not None:
        from dynlint.cost.path_mode import run_path

        return run_path(request, book, shape, profile, settings)
    return _run_single(request, book, shape, profile, settings)


# Options -------------------------------------------------------------------------------------


def _check_numbers(request: CostRequest) -> None:
    """Every numeric option finite (no inf, no nan) and at most its limit."""
    for name, (option, limit) in NUMBER_LIMITS.items():
        value = getattr(request, name)
        if value is None:
            continue
        if not math.isfinite(value) or value < 0:
            raise CostInputError(f"{option} {value}: a finite number >= 0 is required")
        if value > limit:
            raise CostInputError(f"{option} {value:g}: at most {limit:,g}")


def _check_options(request: CostRequest) -> None:
    _check_numbers(request)
    if request.autoscale_min > request.autoscale_max:
        raise CostInputError("--autoscale-min is larger than --autoscale-max")
    if request.replicas is not None and request.replica_regions:
        raise CostInputError("give --replicas N or --replica-region NAME, not both")
    if request.plot is not None and request.plot.suffix.lower() not in PLOT_SUFFIXES:
        raise CostInputError(f"--plot {request.plot}: the file name must end in .png or .svg")
    if request.path is not None:
        _check_path_options(request)
    elif request.reserved and request.table_class == "standard-ia":
        raise CostInputError("--reserved: reserved capacity is not offered for Standard-IA tables")
    sizes = {
        "--item-kb": request.item_kb,
        "--read-item-kb": request.read_item_kb,
        "--write-item-kb": request.write_item_kb,
        "--index-item-kb": request.index_item_kb,
    }
    for option, size in sizes.items():
        if size is not None and size <= 0:
            raise CostInputError(f"{option} must be more than 0 KB")
    if request.item_kb is not None and (request.read_item_kb or request.write_item_kb):
        raise CostInputError("give --item-kb, or --read-item-kb/--write-item-kb, not both")


def _check_path_options(request: CostRequest) -> None:
    for name, option in TABLE_OPTIONS.items():
        value = getattr(request, name)
        if value is not None and value != []:
            raise CostInputError(
                f"{option} describes a table; with PATH each table is priced with its own configuration"
            )
    if request.free_tier:
        raise CostInputError(
            "--free-tier cannot be combined with PATH: the free tier is per account and region, not per table"
        )
    if request.plot is not None:
        raise CostInputError("--plot charts one table; run it without PATH")


def request_shape(request: CostRequest) -> RequestShape:
    default = 1.0 if request.item_kb is None else request.item_kb
    return RequestShape(
        read_item_kb=request.read_item_kb or default,
        write_item_kb=request.write_item_kb or default,
        consistency=Consistency(request.consistency),
        transactional_write_ratio=request.transactional_writes,
        index_key_change_ratio=request.index_key_changes,
    )


def traffic_profile(request: CostRequest) -> Profile:
    given = [
        option
        for option, value in (
            ("--rps", request.rps),
            ("--read-rps", request.read_rps),
            ("--write-rps", request.write_rps),
        )
        if value is not None
    ]
    if request.profile is not None:
        if given or request.shape is not None:
            others = ", ".join([*given, *(["--shape"] if request.shape else [])])
            raise CostInputError(f"--profile gives the rates; drop {others}")
        return load_profile(request.profile, request.read_ratio)
    reads, writes = _rates(request, given)
    return shaped(request.shape or "steady", reads, writes)


def _rates(request: CostRequest, given: list[str]) -> tuple[float, float]:
    if not given:
        raise CostInputError(
            "give the traffic: --rps N (with --read-ratio), --read-rps/--write-rps, or --profile FILE"
        )
    if request.rps is not None:
        if len(given) > 1:
            raise CostInputError("give --rps, or --read-rps/--write-rps, not both")
        ratio = DEFAULT_READ_RATIO if request.read_ratio is None else request.read_ratio
        return split_rate(request.rps, ratio)
    if request.read_ratio is not None:
        raise CostInputError("--read-ratio splits --rps; with --read-rps/--write-rps drop it")
    return request.read_rps or 0.0, request.write_rps or 0.0


# One table described by options --------------------------------------------------------------


def table_from_options(request: CostRequest) -> TableSpec:
    table_class: TableClass = "standard-ia" if request.table_class == "standard-ia" else "standard"
    pitr = bool(request.pitr)
    replicas: tuple[Replica, ...]
    if request.replica_regions:
        if request.region in request.replica_regions:
            raise CostInputError(f"--replica-region {request.region} is the table's own region")
        replicas = tuple(Replica(region=name, pitr=pitr) for name in request.replica_regions)
    else:
        count = request.replicas or 0
        replicas = tuple(
            Replica(region=request.region, pitr=pitr, label=f"replica {n}") for n in range(1, count + 1)
        )
    return TableSpec(
        name="table",
        region=request.region,
        table_class=table_class,
        gsis=tuple(IndexSpec(f"gsi{n}", request.index_item_kb) for n in range(1, (request.gsi or 0) + 1)),
        lsis=tuple(IndexSpec(f"lsi{n}", request.index_item_kb) for n in range(1, (request.lsi or 0) + 1)),
        replicas=replicas,
        pitr=pitr,
        storage_gb=request.storage_gb,
    )


def _run_single(
    request: CostRequest,
    book: PriceBook,
    shape: RequestShape,
    profile: Profile,
    settings: Settings,
) -> CostOutput:
    from dynlint.cost import report

    table = table_from_options(request)
    found = estimate(table, shape, profile, book, settings)
    if found.unknown_prices:
        missing = "; ".join(found.unknown_prices)
        raise CostInputError(
            f"no price in {book.origin} for: {missing} ({request.region}, {table.table_class}); "
            "pass --prices FILE with those prices"
        )
    if request.plot is not None:
        from dynlint.cost.plot import write_plot

        write_plot(found, request.plot)
    data = assumptions(request, found)
    if request.output_format == "json":
        return CostOutput(report.single_json(found, data))
    return CostOutput(report.single_text(found, headline(request, found)))


# Assumptions and headline --------------------------------------------------------------------


def traffic_summary(profile: Profile) -> dict[str, Any]:
    return {
        "profile": profile.name,
        "minutes": profile.minutes,
        "average_read_rps": round(profile.average_reads, 4),
        "average_write_rps": round(profile.average_writes, 4),
        "peak_read_rps": round(profile.peak_reads, 4),
        "peak_write_rps": round(profile.peak_writes, 4),
    }


def common_assumptions(request: CostRequest, profile: Profile, as_of: str) -> dict[str, Any]:
    shape = request_shape(request)
    return {
        "region": request.region,
        "prices_as_of": as_of,
        "prices_file": str(request.prices) if request.prices else None,
        "hours_per_month": HOURS_PER_MONTH,
        "free_tier": request.free_tier,
        "target_utilization": request.target_utilization,
        "reserved": request.reserved,
        "autoscaling": {
            "min_capacity": request.autoscale_min,
            "max_capacity": request.autoscale_max,
            "target_utilization": request.target_utilization,
        },
        "traffic": traffic_summary(profile),
        "read_item_kb": shape.read_item_kb,
        "write_item_kb": shape.write_item_kb,
        "consistency": shape.consistency.value,
        "transactional_write_ratio": shape.transactional_write_ratio,
        "index_key_change_ratio": shape.index_key_change_ratio,
        "storage_gb": request.storage_gb,
    }


def assumptions(request: CostRequest, found: Estimate) -> dict[str, Any]:
    table = found.context.table
    data = common_assumptions(request, found.context.profile, found.prices.as_of.isoformat())
    data.update(
        {
            "prices_source": found.prices.source,
            "table_class": table.table_class,
            "gsi": len(table.gsis),
            "lsi": len(table.lsis),
            "index_item_kb": request.index_item_kb,
            "pitr": table.pitr,
            "replicas": [replica.place for replica in table.replicas],
        }
    )
    return data


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.3g}"


def traffic_line(profile: Profile, shape: RequestShape) -> str:
    reads, writes = profile.average_reads, profile.average_writes
    read_kind = CONSISTENCY_WORDS[shape.consistency.value]
    rates = (
        f"{_rate(reads + writes)} requests/s on average: {_rate(reads)} reads/s "
        f"({read_kind}, {shape.read_item_kb:g} KB) and {_rate(writes)} writes/s "
        f"({shape.write_item_kb:g} KB)"
    )
    if profile.is_steady:
        return f"Traffic: {rates}, steady."
    described = SHAPES[profile.name][2] if profile.name in SHAPES else f"profile {profile.name}"
    peak = max(r + w for r, w in zip(profile.reads, profile.writes, strict=True))
    return f"Traffic: {rates}; peak {_rate(peak)} requests/s ({described})."


def prices_line(request: CostRequest, book: PriceBook, as_of: str) -> str:
    free = "free tier deducted" if request.free_tier else "free tier not deducted"
    reserved = "; 1-year reserved capacity where it pays" if request.reserved else ""
    return (
        f"Prices: {request.region} list prices as of {as_of} ({book.origin}); a month is "
        f"{HOURS_PER_MONTH} hours; {free}; target utilization "
        f"{request.target_utilization:.0%}{reserved}."
    )


def headline(request: CostRequest, found: Estimate) -> list[str]:
    table = found.context.table
    parts = [
        "Standard-IA class" if table.table_class == "standard-ia" else "Standard class",
        f"{len(table.gsis)} GSI" if len(table.gsis) == 1 else f"{len(table.gsis)} GSIs",
    ]
    if table.lsis:
        parts.append(f"{len(table.lsis)} LSI")
    parts.append(f"{table.storage_gb:g} GB stored")
    parts.append("PITR on" if table.pitr else "PITR off")
    if table.replicas:
        parts.append("replicas in " + ", ".join(replica.place for replica in table.replicas))
    return [
        traffic_line(found.context.profile, found.context.shape),
        "Table: " + ", ".join(parts) + ".",
        prices_line(request, found.context.book, found.prices.as_of.isoformat()),
    ]
