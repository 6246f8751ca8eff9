"""What a condition sees: unknown values left out, so that reading them is an error."""

from __future__ import annotations

import cel

from dynlint.model import ResourceInstance
from dynlint.rule_context import known_values, nearest, new_context, one_of, show


def _table(values: dict, unknown: list[str]) -> ResourceInstance:
    return ResourceInstance(
        address="aws_dynamodb_table.t",
        type="aws_dynamodb_table",
        root=".",
        file="main.tf",
        line=1,
        values=values,
        unknown=unknown,
    )


def _run(expression: str, values: dict, unknown: list[str]) -> object:
    context = new_context({"table": known_values(_table(values, unknown))})
    try:
        return cel.compile(expression).execute(context)
    except Exception:
        return "error"


def test_an_unknown_attribute_is_left_out_and_null_stays_null() -> None:
    values = {"billing_mode": None, "stream_view_type": None}
    assert _run("table.stream_view_type == null", values, ["stream_view_type"]) == "error"
    assert _run("table.billing_mode == null", values, ["stream_view_type"]) is True


def test_known_parts_still_decide() -> None:
    values = {"a": None, "b": 5}
    assert _run("table.a == 'x' || table.b == 5", values, ["a"]) is True
    assert _run("table.a == 'x' && table.b == 4", values, ["a"]) is False
    assert _run("table.a == 'x' && table.b == 5", values, ["a"]) == "error"


def test_an_unknown_attribute_inside_a_block_leaves_the_block_out_alone() -> None:
    values = {"server_side_encryption": [{"enabled": True, "kms_key_arn": None}]}
    unknown = ["server_side_encryption.0.kms_key_arn"]
    assert _run("table.server_side_encryption[0].enabled", values, unknown) is True
    assert _run("table.server_side_encryption[0].kms_key_arn == null", values, unknown) == "error"


def test_a_map_with_an_unknown_value_is_left_out_whole() -> None:
    values = {"tags": {"Owner": None, "Team": "x"}}
    assert _run("'Owner' in table.tags", values, ["tags.Owner"]) == "error"
    assert _run("'Missing' in table.tags", values, ["tags.Owner"]) == "error"


def test_a_list_with_an_unknown_element_is_left_out_whole() -> None:
    values = {"global_secondary_index": [{"name": "a", "non_key_attributes": ["x", None]}]}
    unknown = ["global_secondary_index.0.non_key_attributes.1"]
    assert _run("size(table.global_secondary_index[0].non_key_attributes) == 1", values, unknown) == "error"
    assert _run("table.global_secondary_index[0].name", values, unknown) == "a"


def test_unknown_blocks_make_comprehensions_error_not_pass() -> None:
    values = {"replica": [{"region_name": None}]}
    assert (
        _run("table.replica.exists(r, r.region_name == 'eu-west-1')", values, ["replica.0.region_name"])
        == "error"
    )
    assert _run("size(table.replica) > 0", values, ["replica"]) == "error"


def test_original_values_are_not_changed() -> None:
    values = {"tags": {"Owner": None}}
    known_values(_table(values, ["tags.Owner"]))
    assert values == {"tags": {"Owner": None}}


def test_helpers() -> None:
    assert (
        nearest("NEW_AND_OLD_IMAGE", ["KEYS_ONLY", "NEW_AND_OLD_IMAGES"])
        == " (did you mean `NEW_AND_OLD_IMAGES`?)"
    )
    assert nearest("zzz", ["KEYS_ONLY", "NEW_IMAGE"]) == ""
    assert one_of(["S", "N", "B"]) == "`S`, `N` or `B`"
    assert show(None) == "null" and show("x") == '"x"' and show(5.0) == "5" and show(True) == "true"
