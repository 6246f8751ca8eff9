"""Price data: the pydantic model of a prices file and the loader of the packaged one.

Every price is per unit in USD: request units per request unit (not per million), capacity per
unit-hour, storage per GB-month, reserved capacity per block of 100 units. ``null`` means the
price is not known for that region and table class; nothing falls back to another region.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dynlint.cost.errors import CostInputError
from dynlint.inputs import InputFileError, MiB, load_json, read_text

MAX_PRICES_BYTES = 4 * MiB
MAX_PRICE = 1e6
# Finite, >= 0, and small enough that every bill stays finite.
Price = Annotated[float, Field(ge=0, le=MAX_PRICE, allow_inf_nan=False)]
Quantity = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]

TableClass = Literal["standard", "standard-ia"]
PACKAGED_PRICES = "prices.json"
REGION_PATTERN = r"^[a-z]{2}(-[a-z]+)+-\d+$"

PRICE_LABELS = {
    "write_request_unit": "on-demand write request unit",
    "read_request_unit": "on-demand read request unit",
    "write_capacity_unit_hour": "provisioned WCU-hour",
    "read_capacity_unit_hour": "provisioned RCU-hour",
    "replicated_write_request_unit": "replicated write request unit",
    "replicated_write_capacity_unit_hour": "replicated WCU-hour",
    "storage_gb_month": "storage GB-month",
    "pitr_gb_month": "point-in-time recovery GB-month",
    "backup_gb_month": "on-demand backup GB-month",
    "restore_gb": "restore GB",
    "stream_read_request_unit": "streams read request unit",
    "reserved_write_100_upfront": "reserved 100 WCU upfront",
    "reserved_write_100_hour": "reserved 100 WCU hour",
    "reserved_read_100_upfront": "reserved 100 RCU upfront",
    "reserved_read_100_hour": "reserved 100 RCU hour",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class UnitPrices(_Strict):
    """The prices of one region and table class; ``None`` is an unknown price."""

    write_request_unit: Price | None
    read_request_unit: Price | None
    write_capacity_unit_hour: Price | None
    read_capacity_unit_hour: Price | None
    replicated_write_request_unit: Price | None
    replicated_write_capacity_unit_hour: Price | None
    storage_gb_month: Price | None
    pitr_gb_month: Price | None
    backup_gb_month: Price | None = None
    restore_gb: Price | None = None
    stream_read_request_unit: Price | None = None
    reserved_write_100_upfront: Price | None = None
    reserved_write_100_hour: Price | None = None
    reserved_read_100_upfront: Price | None = None
    reserved_read_100_hour: Price | None = None


class FreeTier(_Strict):
    """What the always-free tier covers, per account and region."""

    write_capacity_units: Quantity = 0
    read_capacity_units: Quantity = 0
    storage_gb: Quantity = 0
    stream_read_request_units: Quantity = 0


class PriceEntry(_Strict):
    """The prices of one region and table class, with where they come from and since when."""

    region: str = Field(pattern=REGION_PATTERN)
    table_class: TableClass
    as_of: date
    source: str = Field(min_length=1)
    note: str | None = None
    prices: UnitPrices
    free_tier: FreeTier | None = None

    def price(self, name: str) -> float | None:
        return getattr(self.prices, name)

    def missing(self, names: list[str]) -> list[str]:
        """The labels of those prices among ``names`` that this entry does not know."""
        return [PRICE_LABELS[name] for name in names if self.price(name) is None]


class PriceFile(_Strict):
    """A whole prices file."""

    schema_version: Literal[1]
    currency: Literal["USD"]
    hours_per_month: Literal[730]
    entries: list[PriceEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_entry_per_region_and_class(self) -> PriceFile:
        seen: set[tuple[str, str]] = set()
        for entry in self.entries:
            key = (entry.region, entry.table_class)
            if key in seen:
                raise ValueError(f"two entries for {entry.region} {entry.table_class}")
            seen.add(key)
        return self


class PriceBook:
    """Loaded prices, looked up by region and table class."""

    def __init__(self, data: PriceFile, origin: str) -> None:
        self.data = data
        self.origin = origin
        self._entries = {(e.region, e.table_class): e for e in data.entries}

    @property
    def regions(self) -> list[str]:
        return sorted({e.region for e in self.data.entries})

    def find(self, region: str, table_class: TableClass) -> PriceEntry | None:
        return self._entries.get((region, table_class))

    def entry(self, region: str, table_class: TableClass) -> PriceEntry:
        """The entry for ``region`` and ``table_class``, or an error that says it is unknown."""
        found = self.find(region, table_class)
        if found is None:
            known = ", ".join(self.regions)
            raise CostInputError(
                f"prices for {region} ({table_class}) are not known in {self.origin} "
                f"(known regions: {known}); pass --prices FILE with that region's prices"
            )
        return found


def load_prices(path: Path | None = None) -> PriceBook:
    """The packaged prices, or those of ``path``; a bad file raises :class:`CostInputError`."""
    if path is None:
        text = resources.files("dynlint.cost").joinpath(PACKAGED_PRICES).read_text("utf-8")
        return PriceBook(PriceFile.model_validate_json(text), "dynlint's packaged prices")
    return PriceBook(_parse_file(path), str(path))


def _parse_file(path: Path) -> PriceFile:
    try:
        raw = load_json(read_text(path, str(path), MAX_PRICES_BYTES), str(path))
    except InputFileError as error:
        reason = error.reason.replace("invalid JSON", "not valid JSON", 1).replace(
            "cannot read the file", "cannot read prices file", 1
        )
        raise CostInputError(f"{path}:{error.line}: {reason}") from None
    try:
        return PriceFile.model_validate(raw)
    except ValidationError as error:
        raise CostInputError(f"{path}: {_first_problem(error)}") from None


def _first_problem(error: ValidationError) -> str:
    problems = error.errors()
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "top level"
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"
