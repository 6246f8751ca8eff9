"""``dynlint cost PATH --rps 500`` on the seed fixtures: each table as configured and otherwise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
SEED_NAMES = ["lead-capture", "products", "quikapp-media", "infra-tables-map", "d3-dashboard"]


def _tables(data: dict[str, Any], suffix: str, environment: str) -> dict[str, Any]:
    found = [t for t in data["tables"] if t["address"].endswith(suffix) and t["environment"] == environment]
    assert len(found) == 1, [t["address"] for t in data["tables"]]
    return found[0]


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_every_seed_prices_in_json_and_text(cli: Any, seed: str) -> None:
    data = cli.json("cost", str(SEEDS / seed), "--rps", "500")
    assert data["tables"], seed
    for table in data["tables"]:
        assert {"address", "billing_mode", "on_demand", "provisioned", "total"} - set(table) == {"total"}
        assert table["on_demand"]["monthly_usd"] is not None or table["unknown"]
    assert data["total"]["tables"] == len(data["tables"])
    text = cli("cost", str(SEEDS / seed), "--rps", "500")
    assert text.exit_code == 0
    assert "\ntotal " in text.stdout
    assert "Recommendation:" in text.stdout


def test_lead_capture_dev_on_demand_and_prod_autoscaling_that_cannot_carry_500(cli: Any) -> None:
    data = cli.json("cost", str(SEEDS / "lead-capture"), "--rps", "500")
    dev = _tables(data, "aws_dynamodb_table.this", "dev")
    assert dev["billing_mode"] == "PAY_PER_REQUEST"
    # Two GSIs receive every write: 3 x $164.25 writes + $65.70 reads.
    assert dev["configured_monthly_usd"] == 558.45
    assert dev["recommendation"] == "provisioned"
    prod = _tables(data, "aws_dynamodb_table.this", "prod")
    assert prod["billing_mode"] == "PROVISIONED"
    hows = {(c["index"], c["kind"]): c["how"] for c in prod["provisioned"]["capacity"]}
    assert hows[("table", "read")] == "configured autoscaling 5-100 at 70% target"
    assert hows[("email-index", "write")] == "configured capacity"
    # 200 RRU/s against a maximum of 100 RCU, and 100 WRU/s into GSIs of 5 WCU.
    assert any("table reads" in w and "cannot carry" in w for w in prod["warnings"])
    assert any("email-index writes" in w for w in prod["warnings"])
    assert prod["provisioned"]["throttled_requests"] > 0
    assert prod["recommendation"] == "autoscaled"
    assert data["total"]["monthly_usd"] == round(
        dev["configured_monthly_usd"] + prod["configured_monthly_usd"], 2
    )


def test_quikapp_replicas_in_an_unpriced_region_are_unknown_not_free(cli: Any) -> None:
    data = cli.json("cost", str(SEEDS / "quikapp-media"), "--rps", "500")
    replicated = [t for t in data["tables"] if t.get("replica_regions")]
    assert replicated
    for table in replicated:
        assert table["configured_monthly_usd"] is None
        assert table["on_demand"]["monthly_usd"] is None
        assert table["on_demand"]["known_monthly_usd"] > 0
        assert any("us-west-2" in reason for reason in table["unknown"])
    assert data["total"]["monthly_usd"] is None
    assert data["total"]["known_monthly_usd"] > 0
    assert set(data["total"]["unpriced"]) >= {t["address"] for t in replicated}


def test_infra_tables_map_provisioned_table_without_capacity(cli: Any) -> None:
    data = cli.json("cost", str(SEEDS / "infra-tables-map"), "--rps", "500")
    metrics = _tables(data, '["metrics"]', "stage")
    assert metrics["billing_mode"] == "PROVISIONED"
    assert metrics["provisioned"]["monthly_usd"] is None
    assert any("capacity is not set" in r for r in metrics["provisioned"]["unknown"])
    assert metrics["on_demand"]["monthly_usd"] == 229.95
