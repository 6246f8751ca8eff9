"""``dynlint cost`` as users run it: exit codes, JSON shape, readable text, clear errors."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from dynlint.cost.prices import load_prices

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cost"


def test_json_follows_the_interfaces_spec(cli: Any) -> None:
    data = cli.json("cost", "--rps", "500")
    assumptions = data["assumptions"]
    assert assumptions["region"] == "us-east-1"
    assert assumptions["prices_as_of"] == "2024-11-01"
    assert assumptions["hours_per_month"] == 730
    assert assumptions["free_tier"] is False
    assert assumptions["target_utilization"] == 0.7
    writes = data["on_demand"]["breakdown"][0]
    assert writes == {
        "item": "write request units",
        "quantity": 262800000,
        "unit_usd": 6.25e-07,
        "monthly_usd": 164.25,
    }
    assert data["on_demand"]["monthly_usd"] == 229.95
    provisioned = data["provisioned"]
    assert provisioned["monthly_usd"] == 94.99
    assert (provisioned["write_capacity_units"], provisioned["read_capacity_units"]) == (143, 286)
    assert {"item", "quantity", "unit_usd", "monthly_usd"} <= set(provisioned["breakdown"][0])
    assert data["break_even_utilization"] == 0.289
    assert data["recommendation"] == "provisioned"
    assert data["recommended_billing_mode"] == "PROVISIONED"
    assert data["reason"] and data["what_would_flip"]
    assert data["autoscaled"]["throttled_requests"] == 0


def test_text_output_is_a_readable_table(cli: Any) -> None:
    result = cli("cost", "--rps", "500")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Traffic: 500 requests/s on average: 400 reads/s")
    assert any(line.startswith("on-demand") and "229.95" in line for line in lines)
    assert any(line.startswith("provisioned") and "94.99" in line for line in lines)
    assert "Break-even utilization: 28.9%" in result.stdout
    assert "Recommendation: PROVISIONED" in result.stdout
    assert "What would flip it:" in result.stdout


def test_read_and_write_rates_and_table_options(cli: Any) -> None:
    data = cli.json(
        "cost", "--read-rps", "100", "--write-rps", "10", "--read-item-kb", "9",
        "--write-item-kb", "3.5", "--gsi", "1", "--storage-gb", "50", "--pitr",
        "--replicas", "1", "--consistency", "strong",
    )  # fmt: skip
    assert data["assumptions"]["replicas"] == ["replica 1"]
    items = {item["item"]: item["monthly_usd"] for item in data["on_demand"]["breakdown"]}
    # 100 strongly consistent reads of 9 KB = 3 RRU each: 788,400,000 RRU = $98.55.
    assert items["read request units"] == 98.55
    # 10 writes of 3.5 KB = 40 WRU/s: replicated writes in both regions, and plain writes
    # into the GSI (which projects the whole item) in both regions: 4 x $65.70.
    assert items["replicated write request units"] == 65.70
    assert items["write request units (GSI gsi1 in replica 1)"] == 65.70
    # 50 GB stored and under PITR in both regions: 2 x ($12.50 + $10).
    assert data["on_demand"]["monthly_usd"] == pytest.approx(98.55 + 4 * 65.70 + 45)


def test_standard_ia_replicas_need_a_price_dynlint_does_not_have(cli: Any) -> None:
    result = cli("cost", "--rps", "10", "--table-class", "standard-ia", "--replicas", "1")
    assert result.exit_code == 2
    assert "no price in dynlint's packaged prices for: replicated write" in result.stderr


def test_a_replica_region_without_read_prices_is_refused(cli: Any) -> None:
    result = cli("cost", "--rps", "500", "--replica-region", "us-west-1")
    assert result.exit_code == 2
    assert "read capacity unit-hours (table in us-west-1)" in result.stderr


def test_profile_file_and_named_shape(cli: Any) -> None:
    data = cli.json("cost", "--profile", str(FIXTURES / "flash-sale.csv"))
    assert data["assumptions"]["traffic"]["profile"] == "flash-sale.csv"
    assert data["autoscaled"]["throttled_requests"] > 0
    assert data["recommendation"] == "on_demand"
    shaped = cli.json("cost", "--rps", "500", "--shape", "business-hours")
    assert shaped["assumptions"]["traffic"]["minutes"] == 7 * 1440
    assert shaped["recommendation"] == "autoscaled"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rps", "5", "--read-rps", "3"], "give --rps, or --read-rps/--write-rps, not both"),
        (["--read-rps", "3", "--read-ratio", "0.5"], "--read-ratio splits --rps"),
        ([], "give the traffic"),
        (["--rps", "5", "--profile", "x.csv"], "--profile gives the rates; drop --rps"),
        (["--rps", "5", "--replicas", "1", "--replica-region", "us-east-2"], "not both"),
        (["--rps", "5", "--replica-region", "us-east-1"], "is the table's own region"),
        (["--rps", "5", "--reserved", "--table-class", "standard-ia"], "not offered"),
        (["--rps", "5", "--autoscale-min", "10", "--autoscale-max", "5"], "larger than"),
        (["--rps", "5", "--item-kb", "0"], "--item-kb must be more than 0 KB"),
        (["--rps", "5", "--item-kb", "2", "--read-item-kb", "1"], "not both"),
        (["--rps", "5", "--region", "eu-west-3"], "eu-west-3 (standard) are not known"),
        (["--rps", "5", "--region", "us-west-1"], "no price in"),
        (["--rps", "5", "--plot", "chart.pdf"], "must end in .png or .svg"),
        (["fixtures", "--rps", "5", "--gsi", "1"], "--gsi describes a table"),
        (["fixtures", "--rps", "5", "--free-tier"], "per account and region"),
    ],
)
def test_conflicting_or_bad_options_exit_2(cli: Any, args: list[str], message: str) -> None:
    result = cli("cost", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["--rps", "-1"], ["--rps", "5", "--target-utilization", "0.95"],
             ["--rps", "5", "--consistency", "sometimes"]],
)  # fmt: skip
def test_out_of_range_values_are_usage_errors(cli: Any, args: list[str]) -> None:
    result = cli("cost", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def _prices_file(tmp_path: Path, change: Any = None) -> Path:
    data = json.loads(load_prices().data.model_dump_json())
    if change is not None:
        change(data)
    path = tmp_path / "my-prices.json"
    path.write_text(json.dumps(data))
    return path


def test_prices_file_overrides_the_packaged_prices(cli: Any, tmp_path: Path) -> None:
    def double_writes(data: dict) -> None:
        data["entries"][0]["prices"]["write_request_unit"] = 1.25e-6

    path = _prices_file(tmp_path, double_writes)
    data = cli.json("cost", "--rps", "500", "--prices", str(path))
    assert data["on_demand"]["breakdown"][0]["monthly_usd"] == 328.5
    assert data["assumptions"]["prices_file"] == str(path)


def test_bad_prices_file_exits_2_with_file_and_reason(cli: Any, tmp_path: Path) -> None:
    def break_it(data: dict) -> None:
        data["entries"][0]["prices"]["read_request_unit"] = "cheap"

    path = _prices_file(tmp_path, break_it)
    result = cli("cost", "--rps", "500", "--prices", str(path))
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "entries.0.prices.read_request_unit" in result.stderr
    missing = cli("cost", "--rps", "500", "--prices", str(tmp_path / "none.json"))
    assert missing.exit_code == 2 and "none.json" in missing.stderr


def test_bad_profile_exits_2_naming_the_line(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "traffic.csv"
    path.write_text("minute,rps\n0,10\n1,ten\n")
    result = cli("cost", "--profile", str(path))
    assert result.exit_code == 2
    assert f"{path}:3: rps 'ten' is not a number" in result.stderr


def test_plot_writes_png_and_svg(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "cost.png"
    assert cli("cost", "--rps", "500", "--plot", str(png)).exit_code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "cost.svg"
    assert cli("cost", "--rps", "500", "--plot", str(svg)).exit_code == 0
    assert "<svg" in svg.read_text()


def test_plot_without_matplotlib_explains_the_extra(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = cli("cost", "--rps", "500", "--plot", str(tmp_path / "cost.png"))
    assert result.exit_code == 2
    assert "pip install 'dynlint[plot]'" in result.stderr
    assert not (tmp_path / "cost.png").exists()
