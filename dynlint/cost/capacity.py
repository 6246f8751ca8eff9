"""Request units: what one read or write costs in units, and what each billed part receives.

From the facts AWS documents: a write unit covers 1 KB and a read unit 4 KB, sizes rounded up;
eventually consistent reads cost half a strongly consistent one (rounded first, then halved),
transactional reads and writes twice. Every write puts an entry in every GSI (and LSI), sized by
what the index projects; a write that changes an index key costs two index writes (delete and
put). LSIs use the table's capacity; each GSI has its own. A global table bills its table writes
as replicated units in every region, origin included; GSI writes in every region are plain
units. Reads are served in the table's own region.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from dynlint.cost.autoscaling import ScalingPolicy
from dynlint.cost.prices import TableClass

Kind = Literal["read", "write"]
TABLE = "table"
WRITE_UNIT_KB = 1
READ_UNIT_KB = 4


class Consistency(str, Enum):
    eventual = "eventual"
    strong = "strong"
    transactional = "transactional"


READ_FACTOR = {
    Consistency.eventual: 0.5,
    Consistency.strong: 1.0,
    Consistency.transactional: 2.0,
}
TRANSACTIONAL_WRITE_FACTOR = 2


def write_units(item_kb: float) -> int:
    """Write units of one write of an item of ``item_kb`` (rounded up to whole KB)."""
    return max(1, math.ceil(item_kb / WRITE_UNIT_KB - 1e-9))


def read_units(item_kb: float, consistency: Consistency) -> float:
    """Read units of one read of an item of ``item_kb`` (rounded up to 4 KB, then factored)."""
    return max(1, math.ceil(item_kb / READ_UNIT_KB - 1e-9)) * READ_FACTOR[consistency]


@dataclass(frozen=True)
class RequestShape:
    """What the requests look like, whatever their rate."""

    read_item_kb: float = 1.0
    write_item_kb: float = 1.0
    consistency: Consistency = Consistency.eventual
    transactional_write_ratio: float = 0.0
    index_key_change_ratio: float = 0.0


@dataclass(frozen=True)
class IndexSpec:
    """A secondary index; ``entry_kb`` None projects the whole item."""

    name: str
    entry_kb: float | None = None


@dataclass(frozen=True)
class CapacitySetting:
    """Configured capacity of one index and kind; ``*_unknown`` say why a part is unknown."""

    capacity: int | None = None
    capacity_unknown: str | None = None
    autoscaling: ScalingPolicy | None = None
    autoscaling_unknown: str | None = None


@dataclass(frozen=True)
class Replica:
    """A global table replica; ``region`` None is a region unknown until apply.

    ``label`` names a replica whose region is not given (priced with ``region``'s prices).
    """

    region: str | None
    pitr: bool | None = False
    label: str | None = None

    @property
    def place(self) -> str:
        return self.label or self.region or "an unknown region"


@dataclass(frozen=True)
class TableSpec:
    """Everything about a table that its bill depends on, apart from the traffic.

    ``configured`` maps ``(index, kind)`` to the capacity the code sets; when empty, provisioned
    capacity is sized for the load. ``pitr`` None means set but unknown until apply.
    """

    name: str
    region: str
    table_class: TableClass = "standard"
    gsis: tuple[IndexSpec, ...] = ()
    lsis: tuple[IndexSpec, ...] = ()
    replicas: tuple[Replica, ...] = ()
    pitr: bool | None = False
    storage_gb: float = 0.0
    configured: Mapping[tuple[str, Kind], CapacitySetting] = field(default_factory=dict)

    @property
    def is_global(self) -> bool:
        return bool(self.replicas)

    @property
    def regions(self) -> list[str | None]:
        return [self.region, *(replica.region for replica in self.replicas)]

    def pitr_in(self, position: int) -> bool | None:
        return self.pitr if position == 0 else self.replicas[position - 1].pitr

    def place(self, position: int) -> str:
        return self.region if position == 0 else self.replicas[position - 1].place


@dataclass(frozen=True)
class Dimension:
    """One billed stream of units: reads or writes of the table or of one GSI, in one region."""

    region: str | None
    place: str
    position: int
    index: str
    kind: Kind
    units_per_request: float
    replicated: bool

    @property
    def origin(self) -> bool:
        return self.position == 0

    @property
    def label(self) -> str:
        where = "table" if self.index == TABLE else f"GSI {self.index}"
        return where if self.origin else f"{where} in {self.place}"


def index_write_units(shape: RequestShape, index: IndexSpec) -> float:
    """Units one table write costs in ``index``: one entry, two when it changes the index key."""
    entry_kb = shape.write_item_kb if index.entry_kb is None else index.entry_kb
    return write_units(entry_kb) * (1.0 + shape.index_key_change_ratio)


def table_write_units(shape: RequestShape, lsis: tuple[IndexSpec, ...]) -> float:
    """Units one write costs the table itself, its LSIs included."""
    own = write_units(shape.write_item_kb) * (
        1.0 + (TRANSACTIONAL_WRITE_FACTOR - 1) * shape.transactional_write_ratio
    )
    return own + sum(index_write_units(shape, lsi) for lsi in lsis)


def table_read_units(shape: RequestShape) -> float:
    return read_units(shape.read_item_kb, shape.consistency)


def dimensions(table: TableSpec, shape: RequestShape) -> list[Dimension]:
    """Every billed part of ``table``: in each region, the table and each GSI, reads and writes.

    Reads reach the table in its own region; GSIs and replicas receive writes only, so their
    read capacity is the minimum unless the code configures more.
    """
    found: list[Dimension] = []
    for position, region in enumerate(table.regions):
        place = table.place(position)
        reads = table_read_units(shape) if position == 0 else 0.0
        writes = table_write_units(shape, table.lsis)
        found.append(Dimension(region, place, position, TABLE, "write", writes, table.is_global))
        found.append(Dimension(region, place, position, TABLE, "read", reads, False))
        for gsi in table.gsis:
            units = index_write_units(shape, gsi)
            found.append(Dimension(region, place, position, gsi.name, "write", units, False))
            found.append(Dimension(region, place, position, gsi.name, "read", 0.0, False))
    return found
