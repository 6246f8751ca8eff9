"""PATH mode on hand-built table models: settings read from values, unknowns kept unknown."""

from __future__ import annotations

from typing import Any

import pytest

from dynlint.cost.capacity import RequestShape
from dynlint.cost.modes import Settings
from dynlint.cost.prices import PriceBook
from dynlint.cost.tables import PathOptions, TableResult, price_inventory
from dynlint.cost.traffic import shaped
from dynlint.model import Inventory, ResourceInstance


def _resource(
    address: str,
    resource_type: str = "aws_dynamodb_table",
    values: dict[str, Any] | None = None,
    unknown: list[str] | None = None,
    references: dict[str, list[str]] | None = None,
) -> ResourceInstance:
    return ResourceInstance(
        address=address,
        type=resource_type,
        root="live",
        environment="prod",
        file="main.tf",
        line=1,
        values=values or {},
        unknown=unknown or [],
        references=references or {},
    )


def _table(address: str = "aws_dynamodb_table.t", **values: Any) -> ResourceInstance:
    unknown = values.pop("unknown", [])
    base = {
        "name": "orders",
        "billing_mode": "PROVISIONED",
        "read_capacity": 300,
        "write_capacity": 150,
        "global_secondary_index": [],
        "local_secondary_index": [],
        "point_in_time_recovery": [],
        "replica": [],
        "table_class": None,
    }
    base.update(values)
    return _resource(address, values=base, unknown=unknown)


def _target(
    address: str,
    resource_id: str | None,
    dimension: str,
    low: int,
    high: int,
    references: list[str] | None = None,
) -> ResourceInstance:
    values = {
        "service_namespace": "dynamodb",
        "resource_id": resource_id,
        "scalable_dimension": dimension,
        "min_capacity": low,
        "max_capacity": high,
    }
    return _resource(
        address, "aws_appautoscaling_target", values, references={"resource_id": references or []}
    )


def _policy(address: str, target: str, value: float | None) -> ResourceInstance:
    values = {
        "policy_type": "TargetTrackingScaling",
        "target_tracking_scaling_policy_configuration": [{"target_value": value}],
    }
    return _resource(address, "aws_appautoscaling_policy", values, references={"resource_id": [target]})


def _price(
    book: PriceBook, *resources: ResourceInstance, reads: float = 400, writes: float = 100
) -> list[TableResult]:
    options = PathOptions(
        shape=RequestShape(),
        profile=shaped("steady", reads, writes),
        book=book,
        settings=Settings(),
        region="us-east-1",
        storage_gb=10,
    )
    return price_inventory(Inventory(resources=list(resources)), options)


def test_configured_capacity_is_priced_as_written(book: PriceBook) -> None:
    [result] = _price(book, _table())
    assert result.configured_mode == "provisioned"
    found = result.estimate
    assert found is not None
    # 150 WCU x 730 x 0.00065 = 71.175; 300 RCU x 730 x 0.00013 = 28.47; 10 GB = 2.50.
    assert found.provisioned.monthly_usd == pytest.approx(71.175 + 28.47 + 2.5)
    assert result.configured_monthly_usd == found.provisioned.monthly_usd
    # 100 writes/s fit in 150 WCU: no shortfall, no throttling.
    assert result.warnings == []
    assert found.provisioned.throttled_requests == 0


def test_capacity_that_cannot_carry_the_load_says_so(book: PriceBook) -> None:
    [result] = _price(book, _table(write_capacity=5))
    assert any("table writes: configured capacity (5 WCU at most) cannot carry" in w for w in result.warnings)
    assert result.estimate is not None
    assert result.estimate.provisioned.throttled_writes > 0
    assert result.estimate.advice.mode != "provisioned"


def test_billing_mode_defaults_to_provisioned_and_on_demand_ignores_capacity(
    book: PriceBook,
) -> None:
    omitted = _table("aws_dynamodb_table.a", billing_mode=None)
    on_demand = _table("aws_dynamodb_table.b", billing_mode="PAY_PER_REQUEST", write_capacity=1)
    first, second = _price(book, omitted, on_demand)
    assert first.billing_mode == "PROVISIONED"
    assert second.configured_mode == "on_demand"
    assert second.estimate is not None
    # The alternative for an on-demand table is capacity sized for the load, not its leftovers.
    assert second.estimate.provisioned.capacity_units("write") == 143


def test_unknown_capacity_is_unknown_not_zero(book: PriceBook) -> None:
    [result] = _price(book, _table(read_capacity=None, unknown=["read_capacity"]))
    assert result.estimate is not None
    provisioned = result.estimate.provisioned
    assert provisioned.monthly_usd is None
    assert any("read_capacity is unknown until apply" in r for r in provisioned.unknown)
    assert result.configured_monthly_usd is None
    # The other modes do not depend on it.
    assert result.estimate.on_demand.monthly_usd is not None


def test_absent_capacity_of_a_provisioned_table_is_not_priced_as_zero(book: PriceBook) -> None:
    [result] = _price(book, _table(write_capacity=None))
    assert result.estimate is not None
    assert result.estimate.provisioned.monthly_usd is None
    assert any("write_capacity is not set" in r for r in result.estimate.provisioned.unknown)


def test_unknown_billing_mode_leaves_the_configured_mode_unknown(book: PriceBook) -> None:
    [result] = _price(book, _table(billing_mode=None, unknown=["billing_mode"]))
    assert result.configured_mode is None
    assert "billing_mode is unknown until apply" in result.unknown
    assert result.estimate is not None and result.estimate.on_demand.monthly_usd is not None


@pytest.mark.parametrize(
    ("pitr", "unknown"),
    [(None, "point_in_time_recovery"), ([{"enabled": None}], "point_in_time_recovery.0.enabled")],
)
def test_unknown_pitr_with_storage_is_unknown(book: PriceBook, pitr: Any, unknown: str) -> None:
    [result] = _price(book, _table(point_in_time_recovery=pitr, unknown=[unknown]))
    assert result.estimate is not None
    assert result.estimate.on_demand.monthly_usd is None
    assert result.estimate.on_demand.known_monthly_usd > 0


def test_gsis_projection_and_class(book: PriceBook) -> None:
    gsis = [
        {"name": "all", "projection_type": "ALL", "read_capacity": 5, "write_capacity": 150},
        {"name": "keys", "projection_type": "KEYS_ONLY", "read_capacity": 5, "write_capacity": 150},
    ]
    table = _table(global_secondary_index=gsis, table_class="STANDARD_INFREQUENT_ACCESS")
    [result] = _price(book, table)
    assert result.estimate is not None
    spec = result.estimate.context.table
    assert spec.table_class == "standard-ia"
    assert [(g.name, g.entry_kb) for g in spec.gsis] == [("all", None), ("keys", 1.0)]
    # Table 150 + 150 + 150 WCU at $0.00081; 300 + 5 + 5 RCU at $0.00016; 10 GB at $0.10.
    expected = 450 * 730 * 0.00081 + 310 * 730 * 0.00016 + 1.0
    assert result.estimate.provisioned.monthly_usd == pytest.approx(expected)


def test_replica_in_a_region_without_prices_is_left_out_and_said(book: PriceBook) -> None:
    table = _table(billing_mode="PAY_PER_REQUEST", replica=[{"region_name": "eu-west-3"}])
    [result] = _price(book, table)
    assert result.estimate is not None
    assert result.estimate.on_demand.monthly_usd is None
    assert any("table in eu-west-3" in reason for reason in result.unknown)
    # Origin: 262.8M rWRU = $164.25 + reads $65.70 + storage $2.50.
    assert result.estimate.on_demand.known_monthly_usd == pytest.approx(232.45)
    assert result.estimate.advice.mode == "provisioned"


def test_autoscaling_found_by_reference_with_its_policy(book: PriceBook) -> None:
    table = _table("module.db.aws_dynamodb_table.this", write_capacity=10)
    target = _target(
        "module.db.aws_appautoscaling_target.write",
        None,
        "dynamodb:table:WriteCapacityUnits",
        5,
        400,
        references=["module.db.aws_dynamodb_table.this"],
    )
    policy = _policy(
        "module.db.aws_appautoscaling_policy.write", "module.db.aws_appautoscaling_target.write", 50
    )
    [result] = _price(book, table, target, policy)
    assert result.estimate is not None
    plan = next(
        p
        for p in result.estimate.provisioned.plans
        if p.dimension.kind == "write" and p.dimension.index == "table"
    )
    assert plan.how == "configured autoscaling 5-400 at 50% target"
    # Steady 100 WCU/s at a 50% target: ceil(100 / 0.5) = 200 WCU.
    assert plan.simulation.average_capacity == 200


def test_autoscaling_found_by_literal_name_for_an_index(book: PriceBook) -> None:
    gsis = [{"name": "by-day", "projection_type": "ALL", "read_capacity": 1, "write_capacity": 1}]
    table = _table(global_secondary_index=gsis)
    target = _target(
        "aws_appautoscaling_target.gsi",
        "table/orders/index/by-day",
        "dynamodb:index:WriteCapacityUnits",
        1,
        1000,
    )
    policy = _policy("aws_appautoscaling_policy.gsi", "aws_appautoscaling_target.gsi", 70)
    [result] = _price(book, table, target, policy)
    assert result.estimate is not None
    settings = result.estimate.context.table.configured
    scaling = settings[("by-day", "write")].autoscaling
    assert scaling is not None and scaling.max_capacity == 1000
    assert settings[("table", "write")].autoscaling is None


def test_a_name_shared_by_two_tables_is_not_guessed(book: PriceBook) -> None:
    first = _table("aws_dynamodb_table.a")
    second = _table("aws_dynamodb_table.b")
    target = _target("aws_appautoscaling_target.t", "table/orders", "dynamodb:table:ReadCapacityUnits", 1, 10)
    policy = _policy("aws_appautoscaling_policy.p", "aws_appautoscaling_target.t", 70)
    results = _price(book, first, second, target, policy)
    for result in results:
        assert result.estimate is not None
        assert result.estimate.context.table.configured[("table", "read")].autoscaling is None


def test_a_target_without_policy_does_not_scale(book: PriceBook) -> None:
    table = _table()
    target = _target("aws_appautoscaling_target.t", "table/orders", "dynamodb:table:ReadCapacityUnits", 1, 10)
    [result] = _price(book, table, target)
    assert any("has no target-tracking policy" in w for w in result.warnings)


def test_an_unknown_target_value_makes_the_configured_capacity_unknown(book: PriceBook) -> None:
    table = _table()
    target = _target("aws_appautoscaling_target.t", "table/orders", "dynamodb:table:ReadCapacityUnits", 1, 10)
    policy = _resource(
        "aws_appautoscaling_policy.p",
        "aws_appautoscaling_policy",
        {"target_tracking_scaling_policy_configuration": [{"target_value": None}]},
        unknown=["target_tracking_scaling_policy_configuration.0.target_value"],
        references={"resource_id": ["aws_appautoscaling_target.t"]},
    )
    [result] = _price(book, table, target, policy)
    assert result.estimate is not None
    assert result.estimate.provisioned.monthly_usd is None
    assert result.estimate.autoscaled.monthly_usd is not None


def test_a_table_class_without_prices_in_the_region_is_unknown(book: PriceBook) -> None:
    table = _table(table_class="STANDARD_INFREQUENT_ACCESS")
    options = PathOptions(
        shape=RequestShape(),
        profile=shaped("steady", 1, 1),
        book=book,
        settings=Settings(),
        region="us-west-1",
        storage_gb=0,
    )
    [result] = price_inventory(Inventory(resources=[table]), options)
    assert result.estimate is None
    assert any("us-west-1 (standard-ia) are not known" in reason for reason in result.unknown)


def test_unknown_table_class_is_not_priced(book: PriceBook) -> None:
    [result] = _price(book, _table(table_class=None, unknown=["table_class"]))
    assert result.estimate is None
    assert "table_class is unknown until apply" in result.unknown
