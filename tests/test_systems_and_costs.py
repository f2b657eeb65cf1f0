"""Price metrics on hand-worked numbers, system totals, bad prices and systems, and the verdicts."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from test_bad_input import refused, where

import chipledger
from chipledger import costs, metrics, systems

# --- metrics, worked by hand --------------------------------------------------------------------

def test_price_per_chip_hour():
    # $35.7608 an hour for 16 chips
    assert metrics.usd_per_chip_hour(35.7608, 16) == pytest.approx(2.2350500)


def test_price_per_dense_pflop_hour():
    # 16 chips x 667 TFLOPS = 10.672 PFLOPS; $35.7608 / 10.672 = $3.35090...
    assert metrics.usd_per_pflop_hour(35.7608, 16 * 667e12) == pytest.approx(3.350899550)
    # 8 x 989.4 TFLOPS = 7.9152 PFLOPS at $55.04: $6.95371...
    assert metrics.usd_per_pflop_hour(55.04, 8 * 989.4e12) == pytest.approx(6.953709)


def test_price_per_hbm_bandwidth_and_capacity_hour():
    # 8 x 3.35 TB/s = 26.8 TB/s at $55.04: $2.05373 per TB/s-hour; 640 GB: $0.086 per GB-hour
    assert metrics.usd_per_hbm_tb_per_s_hour(55.04, 8 * 3.35e12) == pytest.approx(2.0537313)
    assert metrics.usd_per_hbm_gib_hour(55.04, 640 * 2**30) == pytest.approx(0.086)


def test_missing_capacity_gives_nan_never_inf():
    assert math.isnan(metrics.usd_per_pflop_hour(10.0, float("nan")))
    assert math.isnan(metrics.usd_per_pflop_hour(10.0, 0.0))
    series = metrics.usd_per_hbm_gib_hour(pd.Series([10.0, 10.0, 10.0]), pd.Series([2**30, 0.0, float("nan")]))
    assert series.iloc[0] == 10.0 and series.iloc[1:].isna().all()


def test_break_even_discount():
    # A costs $4 per unit, B $3: A must drop 25% to match; at $2 A could cost 50% more
    assert metrics.break_even_discount(4.0, 3.0) == pytest.approx(0.25)
    assert metrics.break_even_discount(2.0, 3.0) == pytest.approx(-0.5)


# --- systems -------------------------------------------------------------------------------------

def test_derived_totals_are_chips_times_chip_figures():
    totals = systems.derived_totals()
    specs = chipledger.specs()
    for system_id in ("trn2.48xlarge", "p5.48xlarge", "gb200-nvl72"):
        row = totals.loc[system_id]
        assert row["hbm_bytes"] == pytest.approx(row["chips"] * specs.at[row["chip_id"], "hbm_bytes"])


def test_most_stated_totals_equal_chips_times_chip_specs():
    checks = systems.stated_against_derived().dropna(subset=["difference_percent"])
    assert len(checks) >= 40
    assert (checks["difference_percent"].abs() < 1).mean() > 0.9


def test_system_verdicts_follow_the_stated_totals(ledger):
    verdicts = systems.system_claim_verdicts()
    assert verdicts.at["aws-trn3-4.4x-performance", "verdict"] == "supported"
    assert verdicts.at["neuron-switch-all-to-all", "verdict"] == "partly supported"  # one UltraServer, not a mesh
    line = ledger.find_line("system_specs", system_id="trn3-ultraserver-gen2", metric="peak_flops",
                            precision="mxfp8", unit="TFLOPS")
    ledger.set_cell("system_specs", line, "value", "300000")
    assert systems.system_claim_verdicts().at["aws-trn3-4.4x-performance", "verdict"] == "contradicted"
    line = ledger.find_line("systems", system_id="trn3-ultraserver-gen1")
    ledger.set_cell("systems", line, "topology", "torus")
    assert systems.system_claim_verdicts().at["neuron-switch-all-to-all", "verdict"] == "contradicted"


# --- costs ---------------------------------------------------------------------------------------

def test_the_june_2025_cut_is_computed_from_before_and_after_prices():
    cut = costs.june_2025_cut()
    prices = chipledger.load("prices")
    p5 = prices[(prices["system_id"] == "p5.48xlarge") & (prices["pricing"] == "on_demand")
                & (prices["region"] == "us-east-1")].sort_values("effective")
    expected = (p5["usd_per_hour"].iloc[-1] / p5["usd_per_hour"].iloc[0] - 1) * 100
    assert cut.at["p5.48xlarge", "change_percent"] == pytest.approx(expected, abs=0.05)
    assert (cut["change_percent"] < 0).all()


def test_every_trn3_ultraserver_is_listed_as_unpriced():
    unpriced = costs.unpriced_systems()
    assert {"trn3-ultraserver-gen1", "trn3-ultraserver-gen2"} <= set(unpriced.index)
    assert not set(unpriced.index) & set(chipledger.load("prices")["system_id"])


def test_cost_verdicts_follow_the_prices(ledger):
    verdicts = costs.cost_claim_verdicts()
    assert verdicts.at["trn3-half-the-cost", "verdict"] == "not verifiable with public numbers"
    assert verdicts.at["aws-trn2-price-performance", "verdict"] == "not verifiable with public numbers"
    before = costs.trn2_required_efficiency(costs.verdicts.claims_for("04_cloud_costs.ipynb").loc["aws-trn2-price-performance"])
    # at twice its capacity-block price, Trainium2 would have to deliver more of its peak than the GPUs
    for line in [ledger.find_line("prices", system_id="trn2.48xlarge", pricing="capacity_block", observed=day)
                 for day in ("2026-01-31", "2026-10-01")]:
        ledger.set_cell("prices", line, "usd_per_hour", str(float(ledger.cell("prices", line, "usd_per_hour")) * 2))
    after = costs.trn2_required_efficiency(costs.verdicts.claims_for("04_cloud_costs.ipynb").loc["aws-trn2-price-performance"])
    assert (after.loc[before.index, "efficiency_ratio_for_claim_low"] > before["efficiency_ratio_for_claim_low"]).all()
    assert (after["efficiency_ratio_for_claim_low"] > 1).any()


# --- bad input -----------------------------------------------------------------------------------

def a_price_line(ledger) -> int:
    return ledger.find_line("prices", system_id="p5.48xlarge", pricing="on_demand", region="us-east-1")


def test_a_price_for_a_system_not_in_systems(ledger):
    line = a_price_line(ledger)
    ledger.set_cell("prices", line, "system_id", "p7.48xlarge")
    refused(re.escape(f"line {line}, column 'system_id': value 'p7.48xlarge': not found in systems.csv"))


@pytest.mark.parametrize("value, rule", [("0", "is not a price (must be more than 0)"),
                                         ("-55.04", "breaks the constraint")])
def test_a_zero_or_negative_price(ledger, value, rule):
    line = a_price_line(ledger)
    ledger.set_cell("prices", line, "usd_per_hour", value)
    refused(where(ledger, "prices", line, "usd_per_hour", value) + " " + re.escape(rule))


def test_an_unknown_pricing_kind(ledger):
    line = a_price_line(ledger)
    ledger.set_cell("prices", line, "pricing", "spot_2yr")
    refused(where(ledger, "prices", line, "pricing", "spot_2yr") + " is not in the vocabulary")


def test_an_unknown_region_code(ledger):
    line = a_price_line(ledger)
    ledger.set_cell("prices", line, "region", "us-east-9")
    refused(where(ledger, "prices", line, "region", "us-east-9") + " is not in the vocabulary")


def test_a_system_whose_chip_count_disagrees_with_its_scaleup_domain(ledger):
    line = ledger.find_line("systems", system_id="gb200-nvl72")
    ledger.set_cell("systems", line, "scaleup_chips", "36")
    refused(where(ledger, "systems", line, "scaleup_chips", "36")
            + re.escape(" disagrees with chips '72': a rack is one scale-up domain of all its chips"))
    line = ledger.find_line("systems", system_id="p5.48xlarge")
    ledger.set_cell("systems", line, "scaleup_chips", "3")
    refused(where(ledger, "systems", line, "scaleup_chips", "3") + " disagrees with chips '8'")
