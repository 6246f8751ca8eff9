"""The five seed scenarios, checked as a user would: the findings each seed document implies.

Expected findings come from reading the seed documents (see each fixture's README, "Mistakes kept
on purpose"): what each environment variant gets wrong, and, as importantly, what it gets right.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.rules.conftest import run_check

SEEDS = "fixtures/seeds"


def _findings(seed: str) -> Counter[tuple[str, str | None, str]]:
    code, document, _ = run_check([f"{SEEDS}/{seed}"])
    assert document["errors"] == []
    assert code == 1
    return Counter(
        (f["root"].removeprefix(f"{SEEDS}/{seed}").strip("/"), f["environment"], f["rule_id"])
        for f in document["findings"]
    )


def test_d3_dashboard_seed_000() -> None:
    found = _findings("d3-dashboard")
    production = "environments/production"
    # "Auto-scaling for on-demand capacity": the PAY_PER_REQUEST dashboard table is autoscaled.
    assert found[(production, "production", "DL013")] == 2
    assert found[(production, "production", "DL017")] == 1  # status-index 5 WCU under the table's 10
    assert found[(production, "production", "DL005")] == 2  # no deletion protection
    assert found[(production, "production", "DL002")] == 2  # the AWS-managed key
    assert ("environments/staging", "staging", "DL013") not in found  # autoscaling off in staging
    assert not any(rule in ("DL003", "DL012", "DL020", "DL021") for _, _, rule in found)


def test_infra_tables_map_seed_001() -> None:
    found = _findings("infra-tables-map")
    # kms_key_id is accepted and ignored: the audit-log table asks for a customer key.
    assert found[("20_infra", "prod", "DL062")] == 1
    assert found[("20_infra", "prod", "DL002")] == 4
    # Stage's metrics table is PROVISIONED without capacity options in the module.
    assert found[("20_infra", "stage", "DL011")] == 2
    # Sessions has no PITR in prod; every prod table lacks deletion protection.
    assert found[("20_infra", "prod", "DL003")] == 1
    assert found[("20_infra", "prod", "DL005")] == 4
    # Outside production the production rules stay silent; streams are configured correctly.
    assert not any(rule in ("DL003", "DL005") and env != "prod" for _, env, rule in found)
    assert not any(rule in ("DL020", "DL021", "DL012", "DL030", "DL031") for _, _, rule in found)


def test_lead_capture_seed_002() -> None:
    found = _findings("lead-capture")
    assert found[("", "dev", "DL001")] == 1  # dev turns encryption off
    assert found[("", "prod", "DL017")] == 2  # both GSIs 5 WCU under the table's 10
    assert found[("", "prod", "DL014")] == 2  # autoscaled without ignore_changes
    assert found[("", "prod", "DL005")] == 1
    # prod encrypts with its own rotating key (known only at apply): no DL002, DL006 or DL008.
    assert not any(rule in ("DL002", "DL008", "DL003", "DL013", "DL015") for _, _, rule in found)


def test_quikapp_media_seed_003() -> None:
    found = _findings("quikapp-media")
    # Replicas without their own key fall back to the AWS-managed key of us-west-2.
    assert found[("envs/prod", "prod", "DL006")] == 4
    # The conversations GSI: no projection_type and undeclared key attributes.
    assert found[("envs/prod", "prod", "DL034")] == 1
    assert found[("envs/prod", "prod", "DL030")] == 1
    # dev wires the Lambda mapping to a table whose stream is off.
    assert found[("envs/dev", "dev", "DL023")] == 1
    # dev's key ARN is unknown (no value): never reported as a missing customer key.
    assert ("envs/dev", "dev", "DL002") not in found
    assert not any(rule in ("DL003", "DL005", "DL022", "DL008") for _, _, rule in found)


def test_products_seed_004() -> None:
    found = _findings("products")
    assert found[("Infrastructure", "production", "DL005")] == 2
    # Capacities guarded by conditionals that resolve to null: never DL012.
    assert not any(rule == "DL012" for _, _, rule in found)
    assert not any(rule in ("DL005", "DL003") and env != "production" for _, env, rule in found)


@pytest.mark.parametrize(
    "seed", ["d3-dashboard", "infra-tables-map", "lead-capture", "quikapp-media", "products"]
)
def test_every_seed_finding_points_inside_the_seed(seed: str) -> None:
    _, document, _ = run_check([f"{SEEDS}/{seed}"])
    for finding in document["findings"]:
        assert finding["file"].startswith(f"{SEEDS}/{seed}/")
        assert finding["line"] >= 1
        assert finding["address"]
        assert finding["message"].strip() == finding["message"] and len(finding["message"]) > 20
