"""Which related resources belong to which table: the one place rules and cost both ask.

A resource belongs to a table by reference first (its ``resource_id`` or ARN is built from that
table's attributes); failing that, by the literal table name among the tables of the same
root-module evaluation, and only when exactly one table has that name. Autoscaling policies
belong to the target they scale; KMS keys belong to every table whose encryption settings name
them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from dynlint.model import Inventory, ResourceInstance

TABLE_TYPE = "aws_dynamodb_table"
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]$")
_ARN_TABLE = re.compile(r":table/([^/]+)")
DIMENSIONS: dict[str, tuple[bool, str]] = {
    "dynamodb:table:ReadCapacityUnits": (False, "read"),
    "dynamodb:table:WriteCapacityUnits": (False, "write"),
    "dynamodb:index:ReadCapacityUnits": (True, "read"),
    "dynamodb:index:WriteCapacityUnits": (True, "write"),
}
# The argument through which each related type points at its table.
POINTER: dict[str, str] = {
    "aws_appautoscaling_target": "resource_id",
    "aws_lambda_event_source_mapping": "event_source_arn",
    "aws_pipes_pipe": "source",
    "aws_dynamodb_table_replica": "global_table_arn",
    "aws_dynamodb_kinesis_streaming_destination": "table_name",
    "aws_dynamodb_contributor_insights": "table_name",
}
CONSUMER_TYPES = ("aws_lambda_event_source_mapping", "aws_pipes_pipe")


def without_key(address: str) -> str:
    return _INSTANCE_KEY.sub("", address)


def evaluation_key(resource: ResourceInstance) -> tuple[str, str | None, str | None]:
    return (resource.root, resource.environment, resource.var_file)


@dataclass
class ScalingTarget:
    """An autoscaling target of a table, what it scales, and its policies."""

    target: ResourceInstance
    index: str | None
    kind: str | None
    on_index: bool
    policies: list[ResourceInstance] = field(default_factory=list)


class Ownership:
    """Related resources of every table of an inventory, computed once."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self._tables: dict[tuple[str, str | None, str | None], list[ResourceInstance]] = defaultdict(list)
        for table in inventory.tables:
            self._tables[evaluation_key(table)].append(table)
        self._keys: dict[tuple[str, str | None, str | None], list[ResourceInstance]] = defaultdict(list)
        for key in inventory.related("aws_kms_key"):
            self._keys[evaluation_key(key)].append(key)
        self._aliases = {(evaluation_key(a), a.address): a for a in inventory.related("aws_kms_alias")}
        self._owner: dict[int, ResourceInstance | None] = {}
        self._belongings: dict[int, list[ResourceInstance]] = defaultdict(list)
        for resource in inventory.resources:
            if resource.type in POINTER:
                owner = self._find_owner(resource, POINTER[resource.type])
                self._owner[id(resource)] = owner
                if owner is not None:
                    self._belongings[id(owner)].append(resource)
        self._policies = self._policies_by_target()
        self._targets = {id(p): t for t in inventory.resources for p in self._policies.get(id(t), [])}

    # Questions ---------------------------------------------------------------------------

    def owner(self, resource: ResourceInstance) -> ResourceInstance | None:
        """The table a related resource belongs to, or None (an autoscaling policy: its target's)."""
        if resource.type == "aws_appautoscaling_policy":
            target = self.target_of(resource)
            return self._owner.get(id(target)) if target is not None else None
        return self._owner.get(id(resource))

    def belongings(self, table: ResourceInstance, resource_type: str) -> list[ResourceInstance]:
        return [r for r in self._belongings.get(id(table), []) if r.type == resource_type]

    def consumers(self, table: ResourceInstance) -> list[ResourceInstance]:
        return [r for kind in CONSUMER_TYPES for r in self.belongings(table, kind)]

    def scaling_targets(self, table: ResourceInstance) -> list[ScalingTarget]:
        gsis = [g.get("name") for g in table.blocks("global_secondary_index")]
        found = []
        for target in self.belongings(table, "aws_appautoscaling_target"):
            if target.values.get("service_namespace") not in ("dynamodb", None):
                continue
            on_index, kind = DIMENSIONS.get(str(target.values.get("scalable_dimension")), (False, None))
            index = _index_of(target, gsis) if on_index else None
            found.append(ScalingTarget(target, index, kind, on_index, self._policies.get(id(target), [])))
        return found

    def kms_keys(self, table: ResourceInstance) -> list[tuple[str, ResourceInstance]]:
        """The ``aws_kms_key`` resources that the table's or its replicas' key ARNs refer to."""
        keys = self._keys.get(evaluation_key(table), [])
        found: list[tuple[str, ResourceInstance]] = []
        for path, refs in sorted(table.references.items()):
            if not path.endswith("kms_key_arn"):
                continue
            refs = self._through_aliases(table, refs)
            for key in keys:
                if key.address in refs or (without_key(key.address) in refs and _only(keys, key, refs)):
                    found.append((path, key))
        for replica in self.belongings(table, "aws_dynamodb_table_replica"):
            for key in keys:
                if key.address in replica.references.get("kms_key_arn", []):
                    found.append((f"{replica.address}.kms_key_arn", key))
        return found

    def _through_aliases(self, table: ResourceInstance, refs: list[str]) -> list[str]:
        """``refs`` plus the keys that referenced ``aws_kms_alias`` resources point at."""
        found = list(refs)
        for ref in refs:
            alias = self._aliases.get((evaluation_key(table), ref))
            if alias is not None:
                found += alias.references.get("target_key_id", [])
        return found

    def target_of(self, policy: ResourceInstance) -> ResourceInstance | None:
        return self._targets.get(id(policy))

    # Finding owners ----------------------------------------------------------------------

    def _find_owner(self, resource: ResourceInstance, pointer: str) -> ResourceInstance | None:
        tables = self._tables.get(evaluation_key(resource), [])
        refs = resource.references.get(pointer, [])
        exact = [t for t in tables if t.address in refs]
        if len(exact) == 1:
            return exact[0]
        candidates = exact or [t for t in tables if without_key(t.address) in refs]
        if len(candidates) == 1:
            return candidates[0]
        name = _table_name(resource.values.get(pointer))
        if name is None:
            return None
        named = [t for t in (candidates or tables) if t.values.get("name") == name]
        return named[0] if len(named) == 1 else None

    def _policies_by_target(self) -> dict[int, list[ResourceInstance]]:
        found: dict[int, list[ResourceInstance]] = defaultdict(list)
        targets = self.inventory.related("aws_appautoscaling_target")
        for policy in self.inventory.related("aws_appautoscaling_policy"):
            target = _policy_target(policy, targets)
            if target is not None:
                found[id(target)].append(policy)
        return found


def _only(keys: list[ResourceInstance], key: ResourceInstance, refs: list[str]) -> bool:
    return sum(1 for k in keys if without_key(k.address) in refs) == 1 or key.address == without_key(
        key.address
    )


def _table_name(pointer: object) -> str | None:
    """The table name in a ``table/NAME[/index/INDEX]`` resource id, a table ARN or a bare name."""
    if not isinstance(pointer, str) or not pointer:
        return None
    if pointer.startswith("table/"):
        return pointer.split("/")[1]
    found = _ARN_TABLE.search(pointer)
    if found:
        return found.group(1)
    return None if ":" in pointer or "/" in pointer else pointer


def _index_of(target: ResourceInstance, gsis: list[object]) -> str | None:
    resource_id = target.values.get("resource_id")
    if isinstance(resource_id, str) and "/index/" in resource_id:
        return resource_id.split("/index/", 1)[1]
    named = [g for g in gsis if isinstance(g, str)]
    return named[0] if len(named) == 1 and len(gsis) == 1 else None


def _policy_target(policy: ResourceInstance, targets: list[ResourceInstance]) -> ResourceInstance | None:
    same = [t for t in targets if evaluation_key(t) == evaluation_key(policy)]
    refs = policy.references.get("resource_id", [])
    exact = [t for t in same if t.address in refs]
    if len(exact) == 1:
        return exact[0]
    keyless = [t for t in same if without_key(t.address) in refs]
    if len(keyless) == 1:
        return keyless[0]
    resource_id = policy.values.get("resource_id")
    dimension = policy.values.get("scalable_dimension")
    matching = [
        t
        for t in (exact or keyless or same)
        if resource_id
        and t.values.get("resource_id") == resource_id
        and t.values.get("scalable_dimension") == dimension
    ]
    return matching[0] if len(matching) == 1 else None
