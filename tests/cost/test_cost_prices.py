"""The packaged prices follow the facts file, and bad prices files are refused clearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from dynlint.cost.errors import CostInputError
from dynlint.cost.prices import PriceBook, load_prices


def test_us_east_1_standard_prices_are_the_current_list_prices(book: PriceBook) -> None:
    entry = book.entry("us-east-1", "standard")
    prices = entry.prices
    assert prices.write_request_unit == 0.625e-6  # $0.625 per million since 1 November 2024
    assert prices.read_request_unit == 0.125e-6
    assert prices.write_capacity_unit_hour == 0.00065
    assert prices.read_capacity_unit_hour == 0.00013
    assert prices.replicated_write_request_unit == 0.625e-6
    assert prices.replicated_write_capacity_unit_hour == 0.00065
    assert prices.storage_gb_month == 0.25
    assert prices.pitr_gb_month == 0.20
    assert (prices.reserved_write_100_upfront, prices.reserved_write_100_hour) == (150, 0.0128)
    assert (prices.reserved_read_100_upfront, prices.reserved_read_100_hour) == (30, 0.0025)
    assert entry.free_tier is not None
    assert entry.free_tier.write_capacity_units == 25
    assert entry.free_tier.storage_gb == 25
    assert entry.as_of == date(2024, 11, 1)
    assert entry.source


def test_standard_ia_prices_and_what_it_lacks(book: PriceBook) -> None:
    entry = book.entry("us-east-1", "standard-ia")
    assert entry.prices.write_request_unit == 0.78e-6
    assert entry.prices.read_request_unit == 0.155e-6
    assert entry.prices.write_capacity_unit_hour == 0.00081
    assert entry.prices.read_capacity_unit_hour == 0.00016
    assert entry.prices.storage_gb_month == 0.10
    assert entry.prices.reserved_write_100_upfront is None
    assert entry.free_tier is not None and entry.free_tier.storage_gb == 0


def test_us_east_2_is_priced_like_us_east_1(book: PriceBook) -> None:
    for table_class in ("standard", "standard-ia"):
        east_1 = book.entry("us-east-1", table_class).prices
        assert book.entry("us-east-2", table_class).prices == east_1


def test_partly_known_regions_keep_their_unknowns(book: PriceBook) -> None:
    west = book.entry("us-west-1", "standard")
    assert west.prices.write_capacity_unit_hour == 0.000725
    assert west.prices.replicated_write_request_unit == 0.697e-6
    assert west.prices.read_request_unit is None
    assert "on-demand read request unit" in west.missing(["read_request_unit"])
    assert book.entry("ap-northeast-1", "standard").prices.storage_gb_month == 0.285


def test_an_unknown_region_is_said_to_be_unknown(book: PriceBook) -> None:
    with pytest.raises(CostInputError, match=r"eu-west-3 \(standard\) are not known"):
        book.entry("eu-west-3", "standard")


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def _packaged() -> dict:
    return json.loads(load_prices().data.model_dump_json())


def test_a_valid_prices_file_replaces_the_packaged_one(tmp_path: Path) -> None:
    data = _packaged()
    data["entries"][0]["prices"]["write_request_unit"] = 1e-6
    book = load_prices(_write(tmp_path, data))
    assert book.entry("us-east-1", "standard").prices.write_request_unit == 1e-6
    assert book.origin.endswith("prices.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["entries"][0]["prices"].update(write_request_unit=-1), "greater than or equal"),
        (lambda d: d["entries"][0].pop("source"), "entries.0.source: Field required"),
        (lambda d: d["entries"][0].update(region="Mars"), "entries.0.region"),
        (lambda d: d["entries"][0].update(table_class="glacier"), "entries.0.table_class"),
        (lambda d: d["entries"][0]["prices"].update(wru=1), "entries.0.prices.wru"),
        (lambda d: d.update(hours_per_month=720), "hours_per_month"),
        (lambda d: d["entries"].append(d["entries"][0]), "two entries for us-east-1 standard"),
    ],
)
def test_a_bad_prices_file_names_the_field_and_the_reason(
    tmp_path: Path, change: Callable[[dict], object], message: str
) -> None:
    data = _packaged()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(CostInputError, match=message) as raised:
        load_prices(path)
    assert str(raised.value).startswith(str(path))


def test_prices_that_are_not_json_give_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '{\n  "schema_version": 1,\n  oops\n}')
    with pytest.raises(CostInputError, match=r"prices.json:3: not valid JSON"):
        load_prices(path)


def test_a_missing_prices_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(CostInputError, match="cannot read prices file"):
        load_prices(tmp_path / "absent.json")
