"""What the AWS provider declares for the resources dynlint models, as far as values need it.

Evaluated configuration is shaped like the plan's ``values``: every argument of the resource
present (``None`` when not set), every nested block a list (``[]`` when absent), numbers and
booleans converted as the provider converts them, and the provider's defaults filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dynlint.functions import to_bool, to_number, to_string
from dynlint.values import EvaluationError, SetValue, Unknown


@dataclass(frozen=True)
class BlockSchema:
    numbers: frozenset[str] = frozenset()
    booleans: frozenset[str] = frozenset()
    strings: frozenset[str] = frozenset()
    string_maps: frozenset[str] = frozenset()
    string_sets: frozenset[str] = frozenset()
    others: frozenset[str] = frozenset()
    blocks: dict[str, BlockSchema] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def attributes(self) -> frozenset[str]:
        return (
            self.numbers | self.booleans | self.strings | self.string_maps | self.string_sets | self.others
        )


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PITR = BlockSchema(numbers=_names("recovery_period_in_days"), booleans=_names("enabled"))
_SSE = BlockSchema(booleans=_names("enabled"), strings=_names("kms_key_arn"))
_ON_DEMAND = BlockSchema(numbers=_names("max_read_request_units max_write_request_units"))
_WARM = BlockSchema(numbers=_names("read_units_per_second write_units_per_second"))

TABLE_SCHEMA = BlockSchema(
    numbers=_names("read_capacity write_capacity"),
    booleans=_names("stream_enabled deletion_protection_enabled restore_to_latest_time"),
    strings=_names(
        "name billing_mode hash_key range_key stream_view_type table_class "
        "restore_source_name restore_source_table_arn restore_date_time"
    ),
    string_maps=_names("tags"),
    blocks={
        "attribute": BlockSchema(strings=_names("name type")),
        "global_secondary_index": BlockSchema(
            numbers=_names("read_capacity write_capacity"),
            strings=_names("name hash_key range_key projection_type"),
            string_sets=_names("non_key_attributes"),
            blocks={"on_demand_throughput": _ON_DEMAND, "warm_throughput": _WARM},
        ),
        "local_secondary_index": BlockSchema(
            strings=_names("name range_key projection_type"), string_sets=_names("non_key_attributes")
        ),
        "ttl": BlockSchema(booleans=_names("enabled"), strings=_names("attribute_name")),
        "point_in_time_recovery": _PITR,
        "server_side_encryption": _SSE,
        "replica": BlockSchema(
            booleans=_names("point_in_time_recovery propagate_tags deletion_protection_enabled"),
            strings=_names("region_name kms_key_arn consistency_mode"),
        ),
        "on_demand_throughput": _ON_DEMAND,
        "warm_throughput": _WARM,
        "import_table": BlockSchema(strings=_names("input_format input_compression_type")),
        "timeouts": BlockSchema(strings=_names("create update delete")),
    },
    defaults={"billing_mode": "PROVISIONED"},
)

SCHEMAS: dict[str, BlockSchema] = {
    "aws_dynamodb_table": TABLE_SCHEMA,
    "aws_appautoscaling_target": BlockSchema(
        numbers=_names("min_capacity max_capacity"),
        strings=_names("resource_id scalable_dimension service_namespace role_arn"),
    ),
    "aws_appautoscaling_policy": BlockSchema(
        strings=_names("name policy_type resource_id scalable_dimension service_namespace"),
        blocks={
            "target_tracking_scaling_policy_configuration": BlockSchema(
                numbers=_names("target_value scale_in_cooldown scale_out_cooldown"),
                booleans=_names("disable_scale_in"),
            )
        },
    ),
    "aws_dax_cluster": BlockSchema(
        numbers=_names("replication_factor"),
        strings=_names("cluster_name node_type cluster_endpoint_encryption_type iam_role_arn"),
        blocks={"server_side_encryption": BlockSchema(booleans=_names("enabled"))},
    ),
    "aws_lambda_event_source_mapping": BlockSchema(
        numbers=_names("batch_size"),
        booleans=_names("enabled"),
        strings=_names("event_source_arn function_name starting_position"),
    ),
    "aws_pipes_pipe": BlockSchema(strings=_names("name source target role_arn")),
    "aws_kms_key": BlockSchema(
        numbers=_names("deletion_window_in_days rotation_period_in_days"),
        booleans=_names("enable_key_rotation is_enabled multi_region"),
        strings=_names("description key_usage customer_master_key_spec policy"),
    ),
    "aws_dynamodb_table_replica": BlockSchema(
        booleans=_names("point_in_time_recovery deletion_protection_enabled"),
        strings=_names("global_table_arn kms_key_arn table_class_override"),
    ),
    "aws_dynamodb_global_table": BlockSchema(
        strings=_names("name"), blocks={"replica": BlockSchema(strings=_names("region_name"))}
    ),
}


def shape_values(values: dict[str, Any], schema: BlockSchema | None) -> dict[str, Any]:
    """Fill absent arguments and blocks, convert types and apply defaults (in place)."""
    if schema is None:
        return convert_values(values, None)
    for name in schema.attributes:
        values.setdefault(name, None)
    for name, default in schema.defaults.items():
        if values.get(name) is None:
            values[name] = default
    for name in schema.blocks:
        values.setdefault(name, [])
    convert_values(values, schema)
    for name, block_schema in schema.blocks.items():
        blocks = values[name]
        if isinstance(blocks, list):
            for block in blocks:
                if isinstance(block, dict):
                    shape_values(block, block_schema)
    return values


def convert_values(
    values: dict[str, Any], schema: BlockSchema | None, nested: bool = False
) -> dict[str, Any]:
    """Convert the arguments that are set into the provider's types (in place), as Terraform does.

    ``tags`` is a map of strings in every AWS resource, so ``{ Days = 30 }`` becomes ``"30"``.
    """
    if "tags" in values and (schema is None or "tags" not in schema.attributes):
        values["tags"] = _string_map(values["tags"])
    if schema is None:
        return values
    for names, converter in (
        (schema.numbers, to_number),
        (schema.booleans, to_bool),
        (schema.strings, to_string),
        (schema.string_maps, _string_map),
        (schema.string_sets, _string_set),
    ):
        for name in names & values.keys():
            values[name] = _convert(values[name], converter)
    if nested:
        for name, block_schema in schema.blocks.items():
            for block in values.get(name) or []:
                if isinstance(block, dict):
                    convert_values(block, block_schema, nested)
    return values


def provider_default(resource_type: str, name: str) -> tuple[bool, Any]:
    """Whether the provider gives argument ``name`` a default when it is omitted, and which."""
    schema = SCHEMAS.get(resource_type)
    if schema is not None and name in schema.defaults:
        return True, schema.defaults[name]
    return False, None


def _string_map(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: _convert(v, to_string) for k, v in value.items()}


def _string_set(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    items = [_convert(v, to_string) for v in value]
    if any(isinstance(v, Unknown) or v is None for v in items):
        return items
    return SetValue(sorted(set(items)))


def _convert(value: Any, converter: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return converter(value)
    except EvaluationError:
        return value
