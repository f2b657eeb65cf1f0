"""Market figures for notebooks/01_market.ipynb: revenue by quarter, growth, capex, deals, deployments,
and the verdicts on the seed article's market claims.

Money comes out in US dollars (column usd) unless a function says otherwise; each frame keeps the
source_id of the rows it uses, so `chipledger.sources_for` can list them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import data, fiscal, units
from .verdicts import NOT_VERIFIABLE, VERDICTS, claims_for, verdict_table


def _preferred_financials() -> pd.DataFrame:
    frame = data.load("financials")
    frame = frame[frame["preferred"]].copy()
    frame["usd"] = [units.to_si(v, u) for v, u in zip(frame["value"], frame["unit"])]
    frame["low_usd"] = [units.to_si(v, u) if pd.notna(v) else np.nan for v, u in zip(frame["low"], frame["unit"])]
    frame["high_usd"] = [units.to_si(v, u) if pd.notna(v) else np.nan for v, u in zip(frame["high"], frame["unit"])]
    frame["is_quarter"] = frame["fiscal_period"].map(lambda p: fiscal.parse_period(p)[1] is not None)
    return frame


def quarterly(company: str, metric: str) -> pd.DataFrame:
    """One company's reported quarterly figures (preferred rows), oldest first.

    Columns: fiscal_period, period_start, period_end, usd (US dollars), source_id.
    """
    frame = _preferred_financials()
    rows = frame[(frame["company"] == company) & (frame["metric"] == metric) & frame["is_quarter"]
                 & (frame["kind"] == "actual")]
    columns = ["fiscal_period", "period_start", "period_end", "usd", "basis", "source_id"]
    return rows.sort_values("period_end")[columns].reset_index(drop=True)


def quarterly_table(company: str, metrics: list[str]) -> pd.DataFrame:
    """Quarters as rows, metrics as columns, in billions of US dollars (NaN where not reported)."""
    pieces = [quarterly(company, m).set_index("fiscal_period")["usd"].rename(m) for m in metrics]
    table = pd.concat(pieces, axis=1) / 1e9
    order = sorted(table.index, key=lambda p: fiscal.period_dates(company, p)[1])
    return table.loc[order].round(3)


def year_over_year_percent(series: pd.Series) -> pd.Series:
    """Growth over the same quarter a year earlier, in percent; series indexed by FY....Qn."""
    values = {}
    for period, value in series.items():
        year, quarter = fiscal.parse_period(period)
        previous = f"FY{year - 1}Q{quarter}"
        values[period] = (value / series[previous] - 1) * 100 if previous in series.index else np.nan
    return pd.Series(values, name=f"{series.name} YoY %")


def quarters_against_years() -> pd.DataFrame:
    """For every published fiscal-year total: the sum of its four quarters and the difference.

    Columns: company, metric, fiscal_year, year_usd, quarters_usd, quarters_found, difference_percent.
    """
    frame = _preferred_financials()
    actual = frame[frame["kind"] == "actual"]
    rows = []
    for year_row in actual[~actual["is_quarter"]].itertuples():
        wanted = fiscal.quarters_of(year_row.fiscal_period)
        quarters = actual[(actual["company"] == year_row.company) & (actual["metric"] == year_row.metric)
                          & actual["fiscal_period"].isin(wanted)]
        total = quarters["usd"].sum() if len(quarters) == 4 else np.nan
        rows.append({"company": year_row.company, "metric": year_row.metric,
                     "fiscal_year": year_row.fiscal_period, "year_usd": year_row.usd,
                     "quarters_usd": total, "quarters_found": len(quarters),
                     "difference_percent": (total / year_row.usd - 1) * 100})
    return pd.DataFrame(rows)


def capex_by_year() -> pd.DataFrame:
    """Amazon's purchases of property and equipment per year (reported) beside its capex guidance.

    Columns: fiscal_year, purchases_usd, guidance_usd, guidance_source_id, purchases_source_id.
    """
    frame = _preferred_financials()
    amazon = frame[frame["company"] == "Amazon"]
    years = amazon[~amazon["is_quarter"] & (amazon["metric"] == "purchases_of_property_and_equipment")]
    guidance = amazon[(amazon["kind"] == "guidance") & (amazon["metric"] == "capex")]
    table = pd.merge(
        years[["fiscal_period", "usd", "source_id"]].rename(
            columns={"usd": "purchases_usd", "source_id": "purchases_source_id"}),
        guidance[["fiscal_period", "usd", "source_id"]].rename(
            columns={"usd": "guidance_usd", "source_id": "guidance_source_id"}),
        on="fiscal_period", how="outer").rename(columns={"fiscal_period": "fiscal_year"})
    return table.sort_values("fiscal_year").reset_index(drop=True)


def capex_guidance_history() -> pd.DataFrame:
    """Every capex guidance row (preferred or superseded), so the revisions show."""
    frame = data.load("financials")
    rows = frame[(frame["company"] == "Amazon") & (frame["kind"] == "guidance")]
    return rows[["fiscal_period", "value", "unit", "preferred", "source_id", "quote"]].reset_index(drop=True)


def deals(preferred_only: bool = True) -> pd.DataFrame:
    """deals.csv with usd in billions and gigawatts; preferred rows are each deal's headline wording."""
    frame = data.load("deals")
    if preferred_only:
        frame = frame[frame["preferred"]]
    return frame.assign(usd_billion=frame["usd"] / 1e9).reset_index(drop=True)


def gigawatt_deals() -> pd.DataFrame:
    """Deals stated in gigawatts (headline rows, not deployment milestones), largest first."""
    frame = deals()
    frame = frame[frame["gigawatts"].notna() & (frame["kind"] != "deployment")]
    return frame.sort_values("gigawatts", ascending=False)[
        ["deal_id", "date", "parties", "gigawatts", "usd_billion", "chip_family", "source_id"]
    ].reset_index(drop=True)


def dollar_deals() -> pd.DataFrame:
    """Deals stated in dollars (headline rows), largest first."""
    frame = deals()
    frame = frame[frame["usd"].notna()]
    return frame.sort_values("usd", ascending=False)[
        ["deal_id", "date", "parties", "kind", "usd_billion", "gigawatts", "chip_family", "source_id"]
    ].reset_index(drop=True)


def deployment_statements() -> pd.DataFrame:
    """Every statement of a Trainium chip count (deployments), oldest first, with each party's words."""
    frame = deals(preferred_only=False)
    rows = frame[(frame["kind"] == "deployment") & frame["chips"].notna()]
    return rows.sort_values(["date", "deal_id"])[
        ["date", "deal_id", "parties", "chips", "chip_family", "source_id", "quote"]
    ].reset_index(drop=True)


claim_rows = claims_for  # the notebook's name for it


def _deal_value(deal_id: str, column: str, source_id: str | None = None) -> tuple[float, str, str]:
    """(value, source_id, quote) of one deal row: the preferred one, or the one from source_id."""
    frame = deals(preferred_only=False)
    rows = frame[frame["deal_id"] == deal_id]
    rows = rows[rows["source_id"] == source_id] if source_id else rows[rows["preferred"]]
    row = rows.iloc[0]
    return float(row[column]), str(row["source_id"]), str(row["quote"])


def market_verdicts() -> pd.DataFrame:
    """A verdict for each market claim of the seed article, computed from the ledger.

    Columns: claim_id, claim, claimed, public_figure, evidence_source_id, verdict, why.
    """
    claims = claims_for("01_market.ipynb")
    checks = {
        "openai-50b-deal": _check_equal("openai-amazon-2026-investment", "usd"),
        "openai-2gw-trainium": _check_equal("openai-amazon-2026", "gigawatts",
                                            chip_word="Trainium"),
        "trainium-chips-deployed": _check_trainium_fleet,
        "claude-on-trainium2": _check_at_least("anthropic-trainium2-usage-2026-04", "chips"),
        "anthropic-adds-microsoft": _check_deal_exists("anthropic-azure-2025"),
    }
    return verdict_table([(claim_id, claim, *checks.get(claim_id, _not_verifiable)(claim))
                          for claim_id, claim in claims.iterrows()])


def _check_equal(deal_id: str, column: str, chip_word: str | None = None):
    def check(claim: pd.Series):
        value, source_id, quote = _deal_value(deal_id, column)
        unit = claim["claimed_unit"]
        matches = np.isclose(value, claim["claimed_value"], rtol=1e-9)
        chips_match = chip_word is None or chip_word.lower() in quote.lower()
        verdict = "supported" if matches and chips_match else "contradicted"
        return (f"{value:,.0f} {unit}", source_id, verdict,
                f"The party's own announcement states {value:,.0f} {unit}" + (
                    f" of {chip_word}" if chip_word else "") + ".")
    return check


def _check_at_least(deal_id: str, column: str):
    def check(claim: pd.Series):
        value, source_id, _ = _deal_value(deal_id, column)
        verdict = "supported" if value >= claim["claimed_value"] else "contradicted"
        return (f"over {value:,.0f} chips", source_id, verdict,
                "Anthropic itself says it uses more than this many Trainium2 chips to train and serve Claude.")
    return check


def _check_deal_exists(deal_id: str):
    def check(claim: pd.Series):
        frame = deals()
        row = frame[frame["deal_id"] == deal_id].iloc[0]
        return (f"${row['usd_billion']:,.0f} billion of Azure compute, {row['gigawatts']:g} GW",
                str(row["source_id"]), "supported",
                f"{row['parties']} announced the commitment on {row['date']:%Y-%m-%d}.")
    return check


def _check_trainium_fleet(claim: pd.Series):
    """Same count as Amazon's, but Amazon counts Trainium2 alone, not 'all three generations'."""
    value, source_id, quote = _deal_value("trainium2-fleet-2026-02", "chips")
    count_matches = np.isclose(value, claim["claimed_value"], rtol=1e-9)
    amazon_counts_trainium2_only = "trainium2" in quote.lower()
    if count_matches and amazon_counts_trainium2_only:
        verdict = "partly supported"
        why = ("Amazon gives the same count for Trainium2 alone; the article's 'across all three "
               "generations' is its own framing, so the all-generation total is at least this.")
    elif count_matches:
        verdict, why = "supported", "Amazon gives the same count."
    else:
        verdict, why = "contradicted", "Amazon's count differs."
    return f"{value:,.0f} Trainium2 chips", source_id, verdict, why


def _not_verifiable(claim: pd.Series):
    return ("none", "", NOT_VERIFIABLE,
            "No public figure in the ledger measures this (market shares, Bedrock traffic by chip and "
            "Trainium supply are not published).")


def summary_lines() -> list[str]:
    """Three sentences of findings, computed from the ledger (the notebook's summary)."""
    nvidia = quarterly("NVIDIA", "data_center_revenue")
    aws = quarterly("Amazon", "aws_sales")
    latest, year_ago = nvidia.iloc[-1], nvidia.iloc[-5]
    same_time = aws[aws["period_end"] <= latest["period_end"]].iloc[-1]
    capex = capex_by_year().dropna(subset=["guidance_usd"]).iloc[-1]
    verdicts = market_verdicts()["verdict"].value_counts()
    counts = ", ".join(f"{verdicts.get(v, 0)} {v}" for v in VERDICTS)
    return [
        f"NVIDIA's Data Center revenue was ${latest['usd'] / 1e9:,.1f} billion in {latest['fiscal_period']}, "
        f"{latest['usd'] / year_ago['usd']:.1f}x a year earlier and {latest['usd'] / same_time['usd']:.1f}x "
        f"AWS's net sales in its latest quarter by then ({same_time['fiscal_period']}).",
        f"Amazon plans about ${capex['guidance_usd'] / 1e9:,.0f} billion of capital spending for "
        f"{capex['fiscal_year'][2:]}; the gigawatt deals of 2025-26 add up to "
        f"{gigawatt_deals()['gigawatts'].sum():g} GW, of which {trainium_gigawatts():g} GW are on Trainium.",
        f"Of the article's {int(verdicts.sum())} market claims: {counts}.",
    ]


def trainium_gigawatts() -> float:
    """Gigawatts of the headline deals whose chips are Trainium (deals that may also use others count)."""
    frame = gigawatt_deals()
    return float(frame[frame["chip_family"].str.contains("Trainium", na=False)]["gigawatts"].sum())
