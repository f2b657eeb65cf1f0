"""The rest of the field: the challengers' revenue on their own calendars, share estimates and their
rules, and the verdict on "a dent in Nvidia's near monopoly" (chipledger.field)."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from conftest import DATA
from test_bad_input import refused, where

import chipledger
from chipledger import field, verdicts


def ledger_value(company: str, metric: str, period: str) -> float:
    """The preferred figure of data/financials.csv in US dollars, read with the csv module."""
    scale = {"USD": 1, "million USD": 1e6, "billion USD": 1e9}
    with (DATA / "financials.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if (r["company"], r["metric"], r["fiscal_period"], r["kind"],
                                                       r["preferred"]) == (company, metric, period, "actual", "true")]
    assert len(rows) == 1, rows
    return float(rows[0]["value"]) * scale[rows[0]["unit"]]


@pytest.mark.parametrize("start, end, quarter", [
    ("2026-01-26", "2026-04-26", "2026Q1"),   # NVIDIA FY2027Q1
    ("2026-02-02", "2026-05-03", "2026Q1"),   # Broadcom FY2026Q2
    ("2025-11-03", "2026-02-01", "2025Q4"),   # Broadcom FY2026Q1: mostly in the last calendar quarter
    ("2026-03-29", "2026-06-27", "2026Q2"),   # AMD FY2026Q2
])
def test_a_fiscal_quarter_goes_to_the_calendar_quarter_of_its_middle_day(start, end, quarter):
    assert field.calendar_quarter(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == quarter


def test_each_challenger_has_at_least_eight_quarters():
    for company, metric in [("AMD", "data_center_revenue"), ("Broadcom", "ai_revenue"), ("Marvell", "data_center_revenue")]:
        rows = chipledger.load("financials")
        quarters = rows[(rows["company"] == company) & (rows["metric"] == metric) & (rows["kind"] == "actual")
                        & rows["preferred"] & rows["fiscal_period"].str.contains("Q")]
        assert len(quarters) >= 8, (company, len(quarters))


def test_nvidias_share_of_the_reported_lines_is_computed_from_the_ledger():
    share = field.nvidia_share_of_reported()
    nvidia = ledger_value("NVIDIA", "data_center_revenue", "FY2027Q2")
    others = [ledger_value("AMD", "data_center_revenue", "FY2026Q2"), ledger_value("Broadcom", "ai_revenue", "FY2026Q3"),
              ledger_value("Marvell", "data_center_revenue", "FY2027Q2")]
    assert share.at["2026Q2", "nvidia_share_percent"] == pytest.approx(100 * nvidia / (nvidia + sum(others)))
    assert share.at["2026Q2", "lines"] == 4


def test_a_run_rate_is_never_counted_as_revenue_unless_asked():
    plain = field.nvidia_share_of_reported()
    assert set(field.revenue()["company"]) == {"NVIDIA", "AMD", "Broadcom", "Marvell"}
    with_rate = field.nvidia_share_of_reported(with_amazon_run_rate=True)
    rates = field.amazon_statements()
    rate = rates[(rates["metric"] == "chips_revenue_run_rate") & (rates["calendar_quarter"] == "2026Q2")]["usd"].iloc[0]
    assert with_rate.at["2026Q2", "total_usd"] == pytest.approx(plain.at["2026Q2", "total_usd"] + rate / 4)
    assert with_rate.at["2026Q2", "nvidia_share_percent"] < plain.at["2026Q2", "nvidia_share_percent"]


def test_the_near_monopoly_verdict_follows_the_rule_on_real_data():
    parts = field.near_monopoly_parts()
    shares = field.latest_chip_shares()
    # GPU-only estimates clear the line, all-accelerator ones (TrendForce about 70%) do not
    assert (shares[shares["scope"] == "gpus"]["share_percent"] >= field.NEAR_MONOPOLY_PERCENT).all()
    assert (shares[shares["scope"] == "all_accelerators"]["share_percent"] < field.NEAR_MONOPOLY_PERCENT).any()
    assert parts["near monopoly"][0] == verdicts.PARTLY
    share = field.nvidia_share_of_reported()["nvidia_share_percent"]
    fell = round(share.at["2025Q2"] - share.at["2026Q2"]) >= 1
    assert parts["a dent"][0] == (verdicts.SUPPORTED if fell else verdicts.CONTRADICTED)
    claim = chipledger.load("claims").set_index("claim_id").loc["nvidia-near-monopoly"]
    finding = field.near_monopoly_finding(claim)
    assert finding.verdict == verdicts.parts_verdict([parts["near monopoly"][0], parts["a dent"][0]])
    assert finding.verdict != verdicts.NOT_VERIFIABLE and finding.grade == "analyst estimate"
    assert "70%" in finding.holds_if


def test_the_verdict_moves_when_the_estimates_do(ledger):
    # were TrendForce's 2025 estimate 85% and Morgan Stanley's 80% (its shares then sum to 100%)
    ledger.set_cell("market_shares", a_share_line(ledger, estimate_id="trendforce-2025-aichips"), "share_percent", "85")
    ledger.set_cell("market_shares", a_share_line(ledger), "share_percent", "80")
    parts = field.near_monopoly_parts()
    assert parts["near monopoly"][0] == verdicts.SUPPORTED


def test_the_overview_has_a_computed_near_monopoly_verdict():
    from chipledger import overview

    row = overview.all_verdicts().loc["nvidia-near-monopoly"]
    assert row["verdict"] != verdicts.NOT_VERIFIABLE and row["grade"] == "analyst estimate"


# --- bad rows -------------------------------------------------------------------------------------

def a_share_line(ledger, holder="NVIDIA", estimate_id="morganstanley-2025-aiwafers") -> int:
    return ledger.find_line("market_shares", estimate_id=estimate_id, holder=holder)


def test_a_share_above_100_percent_is_refused(ledger):
    line = a_share_line(ledger)
    ledger.set_cell("market_shares", line, "share_percent", "101")
    refused(where(ledger, "market_shares", line, "share_percent", "101"))


def test_shares_of_one_estimate_summing_above_100_percent_are_refused(ledger):
    line = a_share_line(ledger, holder="AMD")
    ledger.set_cell("market_shares", line, "share_percent", "14")   # 77 + 7 + 10 + 14 = 108
    refused(re.escape(f"{ledger.path('market_shares')}, line {line}, column 'share_percent': value '14' brings the "
                      "shares of estimate 'morganstanley-2025-aiwafers' to 108%, more than 100%"))


def test_an_estimate_without_its_scope_is_refused(ledger):
    line = a_share_line(ledger)
    ledger.set_cell("market_shares", line, "scope", "")
    refused(where(ledger, "market_shares", line, "scope", "") + " is empty but required")


def test_one_estimate_with_two_scopes_is_refused(ledger):
    line = a_share_line(ledger, holder="AWS")
    ledger.set_cell("market_shares", line, "scope", "gpus")
    refused(where(ledger, "market_shares", line, "scope", "gpus") + " differs from 'all_accelerators'")


def test_a_challengers_period_off_its_calendar_is_refused(ledger):
    line = ledger.find_line("financials", company="Broadcom", metric="revenue", fiscal_period="FY2024Q1")
    ledger.set_cell("financials", line, "period_end", "2024-01-31")   # Broadcom's Q1 FY2024 ended 2024-02-04
    refused(re.escape(f"line {line}, column 'period_start'/'period_end': value ('2023-10-30', '2024-01-31') is not "
                      "Broadcom's FY2024Q1 (2023-10-30 to 2024-02-04)"))
