"""Fiscal calendars, money units, the financials ledger and the market verdicts."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from test_bad_input import refused, where

import chipledger
from chipledger import fiscal, market, units

# --- calendars -----------------------------------------------------------------------------------

@pytest.mark.parametrize("period, start, end", [
    ("FY2026Q3", "2025-07-28", "2025-10-26"),   # the issue's own example
    ("FY2023Q1", "2022-01-31", "2022-05-01"),
    ("FY2026", "2025-01-27", "2026-01-25"),
    ("FY2021Q4", "2020-10-26", "2021-01-31"),   # a 53-week year: the fourth quarter has 14 weeks
])
def test_nvidia_fiscal_periods(period, start, end):
    assert fiscal.period_dates("NVIDIA", period) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def test_nvidia_quarters_end_on_sundays_and_tile_the_year():
    for year in range(2019, 2030):
        quarters = [fiscal.period_dates("NVIDIA", q) for q in fiscal.quarters_of(f"FY{year}")]
        first, last = fiscal.period_dates("NVIDIA", f"FY{year}")
        assert quarters[0][0] == first and quarters[-1][1] == last
        for (_, end), (next_start, _) in zip(quarters, quarters[1:]):
            assert next_start == end + dt.timedelta(days=1)
        assert all(end.weekday() == 6 for _, end in quarters)
        assert (last - first).days + 1 in (364, 371)


# the first and last days the companies' own filings state (read for issue 13; see data/financials.csv)
@pytest.mark.parametrize("company, period, start, end", [
    ("AMD", "FY2024Q2", "2024-03-31", "2024-06-29"), ("AMD", "FY2024Q3", "2024-06-30", "2024-09-28"),
    ("AMD", "FY2024", "2023-12-31", "2024-12-28"), ("AMD", "FY2026Q1", "2025-12-28", "2026-03-28"),
    ("AMD", "FY2011Q1", "2010-12-26", "2011-04-02"),     # "the first quarter of 2011 consisted of 14 weeks"
    ("Broadcom", "FY2024Q1", "2023-10-30", "2024-02-04"),  # 53-week year: the first quarter has 14 weeks
    ("Broadcom", "FY2024Q2", "2024-02-05", "2024-05-05"), ("Broadcom", "FY2024", "2023-10-30", "2024-11-03"),
    ("Broadcom", "FY2025", "2024-11-04", "2025-11-02"), ("Broadcom", "FY2026Q1", "2025-11-03", "2026-02-01"),
    ("Marvell", "FY2024Q1", "2023-01-29", "2023-04-29"), ("Marvell", "FY2024Q2", "2023-04-30", "2023-07-29"),
    ("Marvell", "FY2024Q4", "2023-10-29", "2024-02-03"),   # 53-week year: the fourth quarter has 14 weeks
    ("Marvell", "FY2025Q1", "2024-02-04", "2024-05-04"), ("Marvell", "FY2026Q4", "2025-11-02", "2026-01-31"),
])
def test_the_other_chip_makers_fiscal_periods(company, period, start, end):
    assert fiscal.period_dates(company, period) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("company, weekday", [("AMD", 5), ("Broadcom", 6), ("Marvell", 5)])
def test_every_calendar_tiles_its_years_with_13_or_14_week_quarters(company, weekday):
    for year in range(2010, 2031):
        quarters = [fiscal.period_dates(company, q) for q in fiscal.quarters_of(f"FY{year}")]
        first, last = fiscal.period_dates(company, f"FY{year}")
        assert quarters[0][0] == first and quarters[-1][1] == last
        assert [next_start - end for (_, end), (next_start, _) in zip(quarters, quarters[1:])] == [dt.timedelta(days=1)] * 3
        assert all(end.weekday() == weekday for _, end in quarters)
        assert sorted((e - s).days + 1 for s, e in quarters) in ([91] * 4, [91, 91, 91, 98])


def test_a_fiscal_year_far_outside_the_ledger_is_refused():
    with pytest.raises(ValueError, match="year 2926 is outside 1990-2100"):
        fiscal.parse_period("FY2926Q1")


def test_amazon_quarters_are_calendar_quarters():
    assert fiscal.period_dates("Amazon", "FY2025Q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert fiscal.period_dates("Amazon", "FY2024Q1") == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert fiscal.period_dates("Amazon", "FY2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.mark.parametrize("text", ["FY26Q3", "2026Q3", "FY2026Q5", "FY2026 Q3", "fy2026q3", "FY2026Q3\n", "FY٢٠٢٦"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        fiscal.parse_period(text)


def test_unknown_company_has_no_calendar():
    with pytest.raises(ValueError, match="no fiscal calendar for company 'Intel'"):
        fiscal.period_dates("Intel", "FY2025")


def test_money_units_convert():
    assert units.convert(57.0, "billion USD", "million USD") == pytest.approx(57_000)
    assert units.to_si(35_082, "million USD") == pytest.approx(35.082e9)
    assert units.units_of("usd") == ["USD", "million USD", "billion USD"]


# --- the ledger ----------------------------------------------------------------------------------

def test_quarters_add_up_to_published_fiscal_years():
    checks = market.quarters_against_years()
    complete = checks[checks["quarters_found"] == 4]
    assert len(complete) >= 20
    # figures are stated rounded ($0.1 billion, $1 million...): the sums may differ by their rounding, no more
    assert (complete["difference_percent"].abs() <= complete["rounding_percent"] + 1e-9).all(), complete
    # and the rounding allowance is what the stated digits give: NVIDIA's FY2025 "130.5" and quarters to $0.1B
    nvidia = complete.set_index(["company", "metric", "fiscal_year"]).loc[("NVIDIA", "revenue", "FY2025")]
    assert nvidia["rounding_percent"] == pytest.approx(100 * (0.05e9 + 4 * 0.05e9) / nvidia["year_usd"], rel=0.3)


def test_quarterly_periods_never_overlap():
    rows = chipledger.load("financials")
    quarters = rows[rows["fiscal_period"].str.contains("Q") & rows["preferred"]]
    for _, group in quarters.groupby(["company", "metric", "kind", "definition"], dropna=False):
        ordered = group.sort_values("period_start")
        assert (ordered["period_start"].iloc[1:].to_numpy() > ordered["period_end"].iloc[:-1].to_numpy()).all()


def test_every_nvidia_quarter_since_fy2023_has_revenue_and_data_center():
    for metric in ("revenue", "data_center_revenue"):
        periods = list(market.quarterly("NVIDIA", metric)["fiscal_period"])
        expected = [f"FY{y}Q{q}" for y in range(2023, 2028) for q in range(1, 5)][: len(periods)]
        assert periods == expected and "FY2027Q1" in periods


# --- bad input -----------------------------------------------------------------------------------

def a_financial_line(ledger) -> int:
    return ledger.find_line("financials", company="NVIDIA", metric="revenue", fiscal_period="FY2026Q3",
                            preferred="true")


def test_a_period_that_ends_before_it_starts(ledger):
    line = a_financial_line(ledger)
    ledger.set_cell("financials", line, "period_end", "2025-07-01")
    refused(where(ledger, "financials", line, "period_end", "2025-07-01") + " is before period_start")


def test_a_period_that_is_not_the_companys_quarter(ledger):
    line = a_financial_line(ledger)
    ledger.set_cell("financials", line, "period_end", "2025-10-31")
    refused(re.escape(f"line {line}, column 'period_start'/'period_end': value ('2025-07-28', '2025-10-31') "
                      "is not NVIDIA's FY2026Q3 (2025-07-28 to 2025-10-26)"))


def test_a_fiscal_period_that_does_not_parse(ledger):
    line = a_financial_line(ledger)
    ledger.set_cell("financials", line, "fiscal_period", "Q3 FY26")
    refused(where(ledger, "financials", line, "fiscal_period", "Q3 FY26") + " does not match the pattern")


def test_two_rows_for_one_period_without_a_preferred_one(ledger):
    line = a_financial_line(ledger)
    ledger.set_cell("financials", line, "preferred", "false")
    refused(r"column 'preferred'.*NVIDIA/revenue/FY2026Q3/actual has 0 preferred rows")


def test_a_deal_with_neither_dollars_gigawatts_nor_chips(ledger):
    line = ledger.find_line("deals", deal_id="openai-amd-6gw")
    ledger.set_cell("deals", line, "gigawatts", "")
    refused(re.escape(f"{ledger.path('deals')}, line {line}, column 'usd'/'gigawatts'/'chips': "
                      "value ('', '', ''): a deal needs dollars, gigawatts or chips"))


def test_lines_count_physical_lines_when_a_quote_spans_lines(ledger):
    """A multi-line quote shifts later records: the message names the line in the file."""
    rows = ledger.rows("financials")
    first_multiline = next(i for i, r in enumerate(rows) if "\n" in r[rows[0].index("quote")])
    after = rows[first_multiline + 1]
    line = ledger.find_line("financials", **dict(zip(rows[0], after)))
    ledger.set_cell("financials", line, "value", "lots")
    text = ledger.path("financials").read_text(encoding="utf-8")
    physical = next(n for n, text_line in enumerate(text.splitlines(), start=1) if ",lots," in text_line)
    assert physical == line > first_multiline + 2  # the record number would be first_multiline + 2
    refused(re.escape(f"{ledger.path('financials')}, line {physical}, column 'value': value 'lots'"))


# --- verdicts follow the data --------------------------------------------------------------------

def test_market_verdicts_are_computed_from_the_ledger(ledger):
    verdicts = market.market_verdicts()
    assert verdicts.at["openai-50b-deal", "verdict"] == "supported"
    assert verdicts.at["trainium-chips-deployed", "verdict"] == "partly supported"  # Trainium2 alone
    assert verdicts.at["openai-50b-deal", "grade"] == "company statement"
    assert verdicts.at["nvidia-near-monopoly", "verdict"] == "partly supported"  # near on GPUs, not on all chips
    assert verdicts.at["nvidia-near-monopoly", "grade"] == "analyst estimate"
    line = ledger.find_line("deals", deal_id="openai-amazon-2026-investment", preferred="true")
    ledger.set_cell("deals", line, "usd", "40000000000")
    assert market.market_verdicts().at["openai-50b-deal", "verdict"] == "contradicted"


def test_every_market_claim_gets_one_of_the_four_verdicts():
    verdicts = market.market_verdicts()
    claims = chipledger.load("claims")
    assert set(verdicts.index) == set(claims[claims["notebook"] == "01_market.ipynb"]["claim_id"])
    assert set(verdicts["verdict"]) <= set(market.VERDICTS)
    assert isinstance(verdicts, pd.DataFrame)


def test_the_chip_claim_verdict_follows_the_availability_date(ledger):
    from chipledger import chips

    assert chips.chip_claim_verdicts().at["trainium3-released-december", "verdict"] == "supported"
    line = ledger.find_line("chips", chip_id="trainium3")
    ledger.set_cell("chips", line, "available", "2026-01-15")
    assert chips.chip_claim_verdicts().at["trainium3-released-december", "verdict"] == "contradicted"


# --- every number is in its quote ----------------------------------------------------------------

WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "a": 1,
                "half a": 0.5}
SCALES = {"": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9}
# Chinese copies count in 億/亿 (100 million): '13.4 億美元' is 1.34 billion
HUNDRED_MILLIONS = re.compile(r"(\d+(?:\.\d+)?)\s*[億亿]")


def stated_numbers(quote: str) -> set[float]:
    """Every number a quote states, at every scale it could mean: '$2.75 billion' gives 2.75 and
    2.75e9; 'five gigawatts' gives 5; 'half a million' gives 500,000."""
    text = quote.lower().replace(",", "")
    found = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    found |= {round(float(n) * 1e8 / 1e9, 6) for n in HUNDRED_MILLIONS.findall(quote)}
    for word, value in WORD_NUMBERS.items():
        if re.search(rf"\b{word}\b (gigawatt|million|billion)", text):
            found.add(value)
            found |= {value * scale for scale in SCALES.values()}
    return found | {n * scale for n in found for scale in SCALES.values()}


def test_every_reported_financial_figure_is_in_its_quote():
    rows = chipledger.load("financials")
    missing = []
    for row in rows[rows["basis"] == "reported"].itertuples():
        # some copies run table cells together ("Compute27,64422,60411,908"): then the digits must appear
        run_together = row.value >= 1000 and f"{row.value:.0f}" in re.sub(r"\D", "", row.quote)
        if row.value not in stated_numbers(row.quote) and not run_together:
            missing.append((row.company, row.metric, row.fiscal_period, row.value, row.quote))
    assert not missing, missing


def test_every_deal_figure_is_in_its_quote():
    missing = []
    for row in chipledger.load("deals").itertuples():
        for column in ("usd", "gigawatts", "chips"):
            value = getattr(row, column)
            if pd.notna(value) and not any(abs(n - value) <= 1e-9 * value for n in stated_numbers(row.quote)):
                missing.append((row.deal_id, column, value, row.quote))
    assert not missing, missing
