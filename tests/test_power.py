"""The power notebook's results: computed from the ledger, with ranges that move with the data."""

from __future__ import annotations

from test_bad_input import refused, where

from chipledger import inference, power


def test_two_gigawatts_at_central_values_match_the_formula():
    a = power.assumptions()
    central = {i: a.at[i, "central"] for i in a.index}
    expected = inference.chips_per_gigawatts(2, central["chip_power_w:trainium3"],
                                             central["host_power_per_accelerator_w"], central["pue_ai_datacenter"])
    deals = power.gigawatt_deals(n=5_000)
    row = deals.loc["openai-amazon-2026"]
    assert row["chips_million_p5"] < expected / 1e6 * 1.05 and expected / 1e6 * 0.95 < row["chips_million_p95"]
    assert row["chips_million_p5"] <= row["chips_million_median"] <= row["chips_million_p95"]


def test_results_are_the_same_on_every_run():
    assert power.gigawatt_deals(n=2_000).equals(power.gigawatt_deals(n=2_000))
    assert power.token_economics(n=500).equals(power.token_economics(n=500))


def test_trainium_power_is_an_estimate_and_nvidia_power_official():
    table = power.chip_power_w()
    assert table.at["trainium2", "basis"].startswith("estimate")
    assert table.at["h100-sxm", "basis"] == "official TDP"
    assert (table["low"] <= table["central"]).all() and (table["central"] <= table["high"]).all()


# --- bad input -----------------------------------------------------------------------------------

def a_line(ledger) -> int:
    return ledger.find_line("assumptions", assumption_id="pue_ai_datacenter")


def test_low_above_central(ledger):
    line = a_line(ledger)
    ledger.set_cell("assumptions", line, "low", "1.2")
    refused(where(ledger, "assumptions", line, "low", "1.2") + " is above central")


def test_central_above_high(ledger):
    line = a_line(ledger)
    ledger.set_cell("assumptions", line, "high", "1.1")
    refused(where(ledger, "assumptions", line, "high", "1.1") + " is below central")


def test_an_assumption_without_a_source(ledger):
    line = a_line(ledger)
    ledger.set_cell("assumptions", line, "source_id", "")
    refused(where(ledger, "assumptions", line, "source_id", "") + " is empty but required")


def test_a_unit_outside_the_vocabulary(ledger):
    line = a_line(ledger)
    ledger.set_cell("assumptions", line, "unit", "percent-ish")
    refused(where(ledger, "assumptions", line, "unit", "percent-ish") + " is not in the vocabulary")
