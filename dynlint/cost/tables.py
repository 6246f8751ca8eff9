"""PATH mode: the tables that Terraform code defines, priced as configured and otherwise.

Each evaluated table instance becomes a :class:`TableSpec` with its billing mode, table class,
indexes, replicas, point-in-time recovery and configured capacity, autoscaling included. A value
that is set but unknown until apply is never priced as absent: the parts it decides are
reported as unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dynlint.cost.autoscaling import ScalingPolicy
from dynlint.cost.capacity import (
    TABLE,
    CapacitySetting,
    IndexSpec,
    Kind,
    Replica,
    RequestShape,
    TableSpec,
)
from dynlint.cost.errors import CostInputError
from dynlint.cost.estimate import Estimate, estimate
from dynlint.cost.modes import Mode, Settings
from dynlint.cost.prices import PriceBook, TableClass
from dynlint.cost.traffic import Profile
from dynlint.model import Inventory, ResourceInstance
from dynlint.ownership import Ownership, ScalingTarget

PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"
TABLE_CLASSES: dict[str, TableClass] = {
    "STANDARD": "standard",
    "STANDARD_INFREQUENT_ACCESS": "standard-ia",
}
KEYS_ONLY_ENTRY_KB = 1.0


@dataclass
class TableResult:
    """One table instance: its estimate, or why it could not be priced."""

    resource: ResourceInstance
    billing_mode: str | None
    estimate: Estimate | None = None
    warnings: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def configured_mode(self) -> Mode | None:
        if self.billing_mode == PAY_PER_REQUEST:
            return "on_demand"
        if self.billing_mode == PROVISIONED:
            return "provisioned"
        return None

    @property
    def configured_monthly_usd(self) -> float | None:
        mode = self.configured_mode
        if mode is None or self.estimate is None:
            return None
        return self.estimate.mode(mode).monthly_usd


@dataclass(frozen=True)
class PathOptions:
    """What PATH mode needs besides the inventory: the traffic, prices and settings."""

    shape: RequestShape
    profile: Profile
    book: PriceBook
    settings: Settings
    region: str
    storage_gb: float


def price_inventory(inventory: Inventory, options: PathOptions) -> list[TableResult]:
    """Every table of ``inventory`` priced under ``options``, in inventory order."""
    ownership = Ownership(inventory)
    return [price_table(table, ownership, options) for table in inventory.tables]


def price_table(table: ResourceInstance, ownership: Ownership, options: PathOptions) -> TableResult:
    reader = _TableReader(table, ownership)
    spec = reader.spec(options)
    result = TableResult(
        resource=table,
        billing_mode=reader.billing_mode,
        warnings=reader.warnings,
        unknown=reader.unknown,
    )
    if spec is None:
        return result
    try:
        result.estimate = estimate(spec, options.shape, options.profile, options.book, options.settings)
    except CostInputError as error:
        result.unknown.append(str(error))
        return result
    result.warnings.extend(shortfalls(result.estimate))
    result.unknown.extend(result.estimate.price_gaps)
    return result


def shortfalls(found: Estimate) -> list[str]:
    """What the configured capacity cannot carry at the profile's peak."""
    messages: list[str] = []
    for plan in found.provisioned.plans:
        dim = plan.dimension
        simulation = plan.simulation
        if not plan.how.startswith("configured") or not dim.origin:
            continue
        limit = simulation.peak_capacity
        if "autoscaling" in plan.how:
            limit = max(limit, _max_of(found, dim.index, dim.kind))
        if plan.peak_demand > limit + 1e-9:
            unit = "RCU" if dim.kind == "read" else "WCU"
            target = found.context.settings.target_utilization
            messages.append(
                f"{dim.label} {dim.kind}s: {plan.how} ({limit:,} {unit} at most) cannot carry "
                f"the load: it needs {_units(plan.peak_demand)} {unit} at 100% utilization, "
                f"{_units(plan.peak_demand / target)} at the {target:.0%} target"
            )
    return messages


def _units(value: float) -> str:
    value = round(value, 3)
    return f"{value:,.0f}" if value.is_integer() or value >= 100 else f"{value:,.1f}"


def _max_of(found: Estimate, index: str, kind: Kind) -> int:
    setting = found.context.table.configured.get((index, kind))
    if setting is None or setting.autoscaling is None:
        return 0
    return setting.autoscaling.max_capacity


class _TableReader:
    """Reads one table's values, collecting warnings and unknowns on the way."""

    def __init__(self, table: ResourceInstance, ownership: Ownership) -> None:
        self.table = table
        self.ownership = ownership
        self.warnings: list[str] = []
        self.unknown: list[str] = []
        self.billing_mode = self._billing_mode()

    @property
    def values(self) -> dict[str, Any]:
        return self.table.values

    def _unknown(self, path: str) -> bool:
        return self.table.is_unknown(path)

    def _billing_mode(self) -> str | None:
        if self._unknown("billing_mode"):
            self.unknown.append("billing_mode is unknown until apply")
            return None
        return self.values.get("billing_mode") or PROVISIONED

    def spec(self, options: PathOptions) -> TableSpec | None:
        table_class = self._table_class()
        gsis = self._indexes("global_secondary_index")
        lsis = self._indexes("local_secondary_index")
        if table_class is None or gsis is None or lsis is None:
            return None
        return TableSpec(
            name=self._name(),
            region=options.region,
            table_class=table_class,
            gsis=tuple(spec for spec, _ in gsis),
            lsis=tuple(spec for spec, _ in lsis),
            replicas=self._replicas(),
            pitr=self._pitr(),
            storage_gb=options.storage_gb,
            configured=self._configured(gsis) if self.billing_mode == PROVISIONED else {},
        )

    def _name(self) -> str:
        name = self.values.get("name")
        return name if isinstance(name, str) else self.table.address

    def _table_class(self) -> TableClass | None:
        if self._unknown("table_class"):
            self.unknown.append("table_class is unknown until apply")
            return None
        value = self.values.get("table_class") or "STANDARD"
        found = TABLE_CLASSES.get(str(value).upper())
        if found is None:
            self.unknown.append(f"table_class {value!r} is not a DynamoDB table class")
        return found

    def _pitr(self) -> bool | None:
        if self._unknown("point_in_time_recovery.0.enabled"):
            return None
        blocks = self.table.blocks("point_in_time_recovery")
        return bool(blocks and blocks[0].get("enabled") is True)

    def _indexes(self, block: str) -> list[tuple[IndexSpec, int]] | None:
        """The indexes of ``block`` with their positions, or None when they are unknown."""
        if self._unknown(block):
            self.unknown.append(f"{block} blocks are unknown until apply")
            return None
        found: list[tuple[IndexSpec, int]] = []
        for position, values in enumerate(self.table.blocks(block)):
            name = values.get("name")
            label = name if isinstance(name, str) else f"{block}.{position}"
            found.append((IndexSpec(label, self._entry_kb(block, position, values)), position))
        return found

    def _entry_kb(self, block: str, position: int, values: dict[str, Any]) -> float | None:
        projection = values.get("projection_type")
        if self._unknown(f"{block}.{position}.projection_type"):
            self.warnings.append(
                f"{block} {values.get('name')}: projection_type is unknown until apply; "
                "priced as projecting the whole item"
            )
        elif projection == "KEYS_ONLY":
            return KEYS_ONLY_ENTRY_KB
        elif projection == "INCLUDE":
            self.warnings.append(
                f"{block} {values.get('name')}: INCLUDE projection priced as the whole item (an upper bound)"
            )
        return None

    def _replicas(self) -> tuple[Replica, ...]:
        if self._unknown("replica"):
            self.unknown.append("replica blocks are unknown until apply")
            return (Replica(region=None, pitr=None),)
        replicas: list[Replica] = []
        for position, values in enumerate(self.table.blocks("replica")):
            region = None if self._unknown(f"replica.{position}.region_name") else values.get("region_name")
            pitr_unknown = self._unknown(f"replica.{position}.point_in_time_recovery")
            pitr = None if pitr_unknown else values.get("point_in_time_recovery") is True
            replicas.append(Replica(region=region, pitr=pitr))
        return tuple(replicas)

    # Configured capacity ---------------------------------------------------------------------

    def _configured(self, gsis: Sequence[tuple[IndexSpec, int]]) -> dict[tuple[str, Kind], CapacitySetting]:
        autoscaling = _Autoscaling(self.table, self.ownership, [gsi.name for gsi, _ in gsis])
        self.warnings.extend(autoscaling.warnings)
        configured: dict[tuple[str, Kind], CapacitySetting] = {}
        places = [(TABLE, "")] + [(gsi.name, f"global_secondary_index.{n}.") for gsi, n in gsis]
        for index, prefix in places:
            for kind in ("read", "write"):
                capacity = self._capacity(f"{prefix}{kind}_capacity", index)
                policy = autoscaling.policies.get((index, kind))
                configured[(index, kind)] = _merge(capacity, policy)
        return configured

    def _capacity(self, path: str, index: str) -> CapacitySetting:
        where = "the table" if index == TABLE else f"GSI {index}"
        if self._unknown(path):
            return CapacitySetting(capacity_unknown=f"{path} is unknown until apply")
        value = _lookup(self.values, path)
        if value is None:
            return CapacitySetting(capacity_unknown=f"{path} is not set for {where}")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return CapacitySetting(capacity_unknown=f"{path} {value!r} is not a number")
        if value < 1:
            self.warnings.append(f"{path} is {value:g}; DynamoDB's minimum is 1, priced as 1")
        return CapacitySetting(capacity=max(1, int(value)))


def _merge(capacity: CapacitySetting, policy: ScalingPolicy | str | None) -> CapacitySetting:
    if isinstance(policy, str):
        return CapacitySetting(
            capacity=capacity.capacity,
            capacity_unknown=capacity.capacity_unknown,
            autoscaling_unknown=policy,
        )
    if policy is None:
        return capacity
    # Autoscaling decides the capacity; a missing or unknown starting value does not matter.
    return CapacitySetting(capacity=capacity.capacity, autoscaling=policy)


def _lookup(values: dict[str, Any], path: str) -> Any:
    found: Any = values
    for part in path.split("."):
        if isinstance(found, list):
            found = found[int(part)] if part.isdigit() and int(part) < len(found) else None
        elif isinstance(found, dict):
            found = found.get(part)
        else:
            return None
    return found


class _Autoscaling:
    """The autoscaling targets and target-tracking policies that belong to one table."""

    def __init__(self, table: ResourceInstance, ownership: Ownership, gsis: list[str]) -> None:
        self.table = table
        self.gsis = gsis
        self.warnings: list[str] = []
        self.policies: dict[tuple[str, Kind], ScalingPolicy | str] = {}
        for scaling in ownership.scaling_targets(table):
            self._add(scaling)

    def _add(self, scaling: ScalingTarget) -> None:
        found = self._dimension(scaling)
        if found is None:
            return
        policy = self._policy(scaling)
        if policy is not None:
            self.policies[found] = policy

    def _dimension(self, scaling: ScalingTarget) -> tuple[str, Kind] | None:
        target = scaling.target
        if scaling.kind is None:
            if target.is_unknown("scalable_dimension"):
                self.warnings.append(f"{target.address}: scalable_dimension is unknown; ignored")
            return None
        kind: Kind = "read" if scaling.kind == "read" else "write"
        if not scaling.on_index:
            return TABLE, kind
        if scaling.index is not None:
            return scaling.index, kind
        if len(self.gsis) == 1:
            return self.gsis[0], kind
        self.warnings.append(f"{target.address}: cannot tell which index it scales; ignored")
        return None

    def _policy(self, scaling: ScalingTarget) -> ScalingPolicy | str | None:
        target = scaling.target
        bounds: list[int] = []
        for name in ("min_capacity", "max_capacity"):
            value = target.values.get(name)
            if target.is_unknown(name) or not isinstance(value, (int, float)):
                return f"{target.address}: {name} is unknown until apply"
            bounds.append(int(value))
        target_value = self._target_value(scaling)
        if target_value is None:
            self.warnings.append(
                f"{target.address} has no target-tracking policy, so it does not scale; "
                "priced at the configured capacity"
            )
            return None
        if isinstance(target_value, str):
            return target_value
        low, high = bounds
        return ScalingPolicy(min_capacity=max(1, low), max_capacity=high, target=target_value)

    @staticmethod
    def _target_value(scaling: ScalingTarget) -> float | str | None:
        path = "target_tracking_scaling_policy_configuration.0.target_value"
        for policy in scaling.policies:
            if policy.is_unknown(path):
                return f"{policy.address}: target_value is unknown until apply"
            value = _lookup(policy.values, path)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                return value / 100.0
        return None
