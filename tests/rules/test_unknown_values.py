"""No rule fires on a value that is unknown until apply: one case per rule family.

Each case is a table that a rule family would flag if the unknown value were taken for absent
(or for any particular value); every rule runs, and none of the family's rules may fire.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.conftest import rule_ids, run_check, write_tree

UNKNOWN = "data.aws_ssm_parameter.p.value"
HEADER = """
data "aws_ssm_parameter" "p" {
  name = "/x"
}
"""


def _table(body: str, extra: str = "") -> str:
    return (
        HEADER
        + extra
        + f"""
resource "aws_dynamodb_table" "t" {{
  name = "orders"
{body}
}}
"""
    )


CASES = {
    "data protection": (
        ["DL001", "DL002", "DL003", "DL004", "DL005", "DL006"],
        _table(f"""
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  deletion_protection_enabled = {UNKNOWN}
  attribute {{
    name = "id"
    type = "S"
  }}
  server_side_encryption {{
    enabled     = {UNKNOWN}
    kms_key_arn = {UNKNOWN}
  }}
  point_in_time_recovery {{
    enabled                 = {UNKNOWN}
    recovery_period_in_days = {UNKNOWN}
  }}
  dynamic "replica" {{
    for_each = {UNKNOWN}
    content {{
      region_name = replica.value
    }}
  }}
"""),
    ),
    "capacity": (
        ["DL010", "DL011", "DL012", "DL016", "DL017", "DL018"],
        _table(f"""
  billing_mode   = {UNKNOWN}
  read_capacity  = {UNKNOWN}
  write_capacity = 10
  hash_key       = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
  attribute {{
    name = "c"
    type = "S"
  }}
  global_secondary_index {{
    name            = "by-c"
    hash_key        = "c"
    projection_type = "ALL"
    write_capacity  = 1
  }}
  on_demand_throughput {{
    max_read_request_units = 10
  }}
"""),
    ),
    "autoscaling": (
        ["DL013", "DL014", "DL015"],
        _table(
            f"""
  billing_mode   = {UNKNOWN}
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
""",
            extra=f"""
resource "aws_appautoscaling_target" "r" {{
  service_namespace  = "dynamodb"
  resource_id        = "table/${{aws_dynamodb_table.t.name}}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 1
  max_capacity       = 10
}}

resource "aws_appautoscaling_policy" "r" {{
  name               = "r"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "dynamodb"
  resource_id        = aws_appautoscaling_target.r.resource_id
  scalable_dimension = aws_appautoscaling_target.r.scalable_dimension
  target_tracking_scaling_policy_configuration {{
    target_value = {UNKNOWN}
  }}
}}
""",
        ),
    ),
    "streams": (
        ["DL020", "DL021", "DL022", "DL023"],
        _table(
            f"""
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = {UNKNOWN}
  stream_view_type = {UNKNOWN}
  attribute {{
    name = "id"
    type = "S"
  }}
  replica {{
    region_name = "eu-west-1"
  }}
""",
            extra="""
resource "aws_lambda_event_source_mapping" "m" {
  event_source_arn  = aws_dynamodb_table.t.stream_arn
  function_name     = "f"
  starting_position = "LATEST"
}
""",
        ),
    ),
    "keys and indexes": (
        ["DL030", "DL031", "DL032", "DL033", "DL034", "DL035", "DL036", "DL040"],
        _table(f"""
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = {UNKNOWN}
  range_key    = {UNKNOWN}
  table_class  = {UNKNOWN}
  attribute {{
    name = "id"
    type = {UNKNOWN}
  }}
  attribute {{
    name = {UNKNOWN}
    type = "S"
  }}
  local_secondary_index {{
    name            = {UNKNOWN}
    range_key       = "id"
    projection_type = {UNKNOWN}
  }}
  ttl {{
    enabled        = true
    attribute_name = {UNKNOWN}
  }}
"""),
    ),
    "tags": (
        ["DL050"],
        _table(f"""
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
  tags = merge({UNKNOWN}, {{ Owner = "x" }})
"""),
    ),
}


@pytest.mark.parametrize("family", sorted(CASES))
@pytest.mark.parametrize("env", ["prod", "dev"])
def test_no_rule_fires_on_an_unknown_value(family: str, env: str, tmp_path: Path) -> None:
    rules, text = CASES[family]
    write_tree(tmp_path, {"main.tf": text, ".dynlint.toml": 'required-tags = ["Owner", "CostCenter"]\n'})
    _, document, stderr = run_check([str(tmp_path), "--env", env], cwd=tmp_path)
    assert document["errors"] == [], stderr
    fired = set(rule_ids(document)) & set(rules)
    assert fired == set(), [f["message"] for f in document["findings"] if f["rule_id"] in fired]


def test_a_key_arn_known_only_at_apply_is_a_customer_key(tmp_path: Path) -> None:
    text = _table(f"""
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  attribute {{
    name = "id"
    type = "S"
  }}
  server_side_encryption {{
    enabled     = true
    kms_key_arn = {UNKNOWN}
  }}
  replica {{
    region_name = "eu-west-1"
  }}
""")
    write_tree(tmp_path, {"main.tf": text})
    _, document, _ = run_check([str(tmp_path)], cwd=tmp_path)
    found = rule_ids(document)
    assert "DL002" not in found
    assert "DL006" in found


def test_unknown_environment_keeps_production_rules_silent(tmp_path: Path) -> None:
    text = _table("""
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
""")
    write_tree(tmp_path, {"infra/main.tf": text})
    _, document, _ = run_check([str(tmp_path / "infra")], cwd=tmp_path)
    assert document["findings"] and {"DL003", "DL005"}.isdisjoint(rule_ids(document))
    _, document, _ = run_check([str(tmp_path / "infra"), "--env", "prod"], cwd=tmp_path)
    assert {"DL003", "DL005"} <= set(rule_ids(document))
