"""Market figures for notebooks/01_market.ipynb: revenue by quarter, growth, capex, deals, deployments,
and the verdicts on the seed article's market claims.

Money comes out in US dollars (column usd) unless a function says otherwise; each frame keeps the
source_id of the rows it uses, so `chipledger.sources_for` can list them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import data, fiscal, units, verdicts
from .fmt import money
from .verdicts import VERDICTS, claims_for, verdict_table


def _preferred_financials() -> pd.DataFrame:
    frame = data.load("financials").assign(stated_value=data.stated_values("financials").to_numpy())
    frame = frame[frame["preferred"]].copy()
    frame["usd"] = [units.to_si(v, u) for v, u in zip(frame["value"], frame["unit"])]
    frame["low_usd"] = [units.to_si(v, u) if pd.notna(v) else np.nan for v, u in zip(frame["low"], frame["unit"])]
    frame["high_usd"] = [units.to_si(v, u) if pd.notna(v) else np.nan for v, u in zip(frame["high"], frame["unit"])]
    frame["is_quarter"] = frame["fiscal_period"].map(lambda p: fiscal.parse_period(p)[1] is not None)
    return frame


def quarterly(company: str, metric: str, definition: str = "") -> pd.DataFrame:
    """One company's reported quarterly figures (preferred rows) on one segment definition ('' = as
    reported; see financials.csv `definition`), oldest first.

    Columns: fiscal_period, period_start, period_end, usd (US dollars), basis, definition, source_id.
    """
    frame = _preferred_financials()
    rows = frame[(frame["company"] == company) & (frame["metric"] == metric) & frame["is_quarter"]
                 & (frame["kind"] == "actual") & (frame["definition"].fillna("") == definition)]
    columns = ["fiscal_period", "period_start", "period_end", "usd", "basis", "definition", "source_id"]
    return rows.sort_values("period_end")[columns].reset_index(drop=True)


def definitions(company: str, metric: str) -> list[str]:
    """The segment definitions one metric is stated on, oldest restatement first ('' = as reported)."""
    frame = _preferred_financials()
    rows = frame[(frame["company"] == company) & (frame["metric"] == metric)]
    return sorted(set(rows["definition"].fillna("")))


def quarterly_table(company: str, metrics: list[str]) -> pd.DataFrame:
    """Quarters as rows, metrics as columns, in billions of US dollars (NaN where not reported). A metric
    stated on several segment definitions gets one column per definition, never one joined series:
    'data_center_acie_revenue (as recast with Q1 FY2027)'."""
    pieces = [quarterly(company, m, d).set_index("fiscal_period")["usd"].rename(f"{m} ({d})" if d else m)
              for m in metrics for d in definitions(company, m)]
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

    Columns: company, metric, fiscal_year, year_usd, quarters_usd, quarters_found, difference_percent,
    rounding_percent (how far apart the two can be from the stated figures' rounding alone: half a unit
    of each figure's last stated digit, summed, as a percent of the year).
    """
    frame = _preferred_financials()
    actual = frame[frame["kind"] == "actual"]
    rows = []
    for year_row in actual[~actual["is_quarter"]].itertuples():
        wanted = fiscal.quarters_of(year_row.fiscal_period)
        quarters = actual[(actual["company"] == year_row.company) & (actual["metric"] == year_row.metric)
                          & actual["fiscal_period"].isin(wanted)]
        total = quarters["usd"].sum() if len(quarters) == 4 else np.nan
        rounding = _half_unit(year_row.stated_value, year_row.unit) + sum(
            _half_unit(v, u) for v, u in zip(quarters["stated_value"], quarters["unit"]))
        rows.append({"company": year_row.company, "metric": year_row.metric,
                     "fiscal_year": year_row.fiscal_period, "year_usd": year_row.usd,
                     "quarters_usd": total, "quarters_found": len(quarters),
                     "difference_percent": (total / year_row.usd - 1) * 100,
                     "rounding_percent": 100 * rounding / year_row.usd})
    return pd.DataFrame(rows)


def _half_unit(stated: str, unit: str) -> float:
    """Half a unit of a figure's last digit as the file states it, in US dollars: '20' billion USD ->
    0.5e9, '26.0' -> 0.05e9, '5767.3' million USD -> 0.05e6."""
    decimals = len(stated.split(".")[1]) if "." in stated else 0
    return units.to_si(0.5 * 10.0 ** -decimals, unit)


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
        ["deal_id", "date", "parties", "gigawatts", "bound", "firmness", "usd_billion", "chip_family", "chip_vendor",
         "source_id"]
    ].reset_index(drop=True)


FIRMNESS_PLURAL = {"agreement": "agreements", "letter_of_intent": "letters of intent", "forecast": "forecasts",
                   "fact": "statements of fact"}
BOUND_WORDS = {"exact": "as stated", "about": "about", "up_to": "up to", "at_least": "at least"}


def gigawatt_sums() -> pd.DataFrame:
    """The gigawatt deals summed only with their like: by how the number binds (exact, about, up to,
    at least) and how firm it is (agreement, letter of intent, forecast), with the deals in each sum.
    Columns: bound, firmness, gigawatts, deals (count), parties."""
    frame = gigawatt_deals()
    return (frame.groupby(["firmness", "bound"], sort=True)
            .agg(gigawatts=("gigawatts", "sum"), deals=("deal_id", "count"), parties=("parties", "; ".join))
            .reset_index()[["bound", "firmness", "gigawatts", "deals", "parties"]])


def gigawatt_sums_text() -> str:
    """gigawatt_sums() in words, firmness first: 'agreements: 8 GW as stated, up to 6 GW, at least
    1 GW; letters of intent: at least 10 GW, 10 GW as stated'."""
    sums = gigawatt_sums()
    parts = []
    for firmness, group in sums.groupby("firmness", sort=False):
        pieces = [(f"{g:g} GW as stated" if b == "exact" else f"{BOUND_WORDS[b]} {g:g} GW")
                  for b, g in zip(group["bound"], group["gigawatts"])]
        parts.append(f"{FIRMNESS_PLURAL[firmness]}: {', '.join(pieces)}")
    return "; ".join(sorted(parts))


def dollar_deals() -> pd.DataFrame:
    """Deals stated in dollars (headline rows), largest first."""
    frame = deals()
    frame = frame[frame["usd"].notna()]
    return frame.sort_values("usd", ascending=False)[
        ["deal_id", "date", "parties", "kind", "usd_billion", "gigawatts", "bound", "firmness", "chip_family",
         "chip_vendor", "source_id"]
    ].reset_index(drop=True)


DEPLOYMENT_SERIES = {"trainium2-fleet-2025-12": "all Trainium2 chips (Amazon)",
                     "trainium2-fleet-2026-02": "all Trainium2 chips (Amazon)",
                     "project-rainier": "Project Rainier (Amazon, AWS)",
                     "anthropic-trainium2-1m-target-2025": "Trainium2 chips running Claude",
                     "anthropic-trainium2-usage-2026-04": "Trainium2 chips running Claude"}
"""What each deployment statement counts, in words: the series a chart draws it in."""


def deployment_statements() -> pd.DataFrame:
    """Every statement of a Trainium chip count (deployments), oldest first, with each party's words,
    what it counts (`series`) and whether it is a fact or a forecast (`firmness`)."""
    frame = deals(preferred_only=False)
    rows = frame[(frame["kind"] == "deployment") & frame["chips"].notna()]
    rows = rows.assign(series=rows["deal_id"].map(DEPLOYMENT_SERIES).fillna(rows["description"]))
    return rows.sort_values(["date", "deal_id"])[
        ["date", "series", "deal_id", "parties", "chips", "bound", "firmness", "chip_family", "source_id", "quote"]
    ].reset_index(drop=True)


claim_rows = claims_for  # the notebook's name for it


def _deal_row(deal_id: str) -> pd.Series:
    """The headline (preferred) row of one deal."""
    frame = deals(preferred_only=False)
    return frame[(frame["deal_id"] == deal_id) & frame["preferred"]].iloc[0]


def market_verdicts() -> pd.DataFrame:
    """A verdict for each market claim of the seed article, decided by chipledger.verdicts from the
    ledger: deal figures against the parties' announcements, statements against evidence.csv.

    Columns: verdicts.COLUMNS (claim, claimed, public_figure, evidence_source_id, verdict, grade, why,
    holds_if), indexed by claim_id.
    """
    from . import field  # field builds on this module

    checks = {
        "openai-50b-deal": lambda c: _deal_figure(c, "openai-amazon-2026-investment", "usd"),
        "openai-2gw-trainium": lambda c: _deal_figure(c, "openai-amazon-2026", "gigawatts", chip_word="Trainium"),
        "trainium-chips-deployed": lambda c: _deal_figure(
            c, "trainium2-fleet-2026-02", "chips", narrower=("Trainium2", "all three generations")),
        "claude-on-trainium2": lambda c: _deal_figure(c, "anthropic-trainium2-usage-2026-04", "chips"),
        "nvidia-near-monopoly": lambda c: field.near_monopoly_finding(c),
    }
    claims = claims_for("01_market.ipynb")
    return verdict_table({claim_id: (claim, checks.get(claim_id, verdicts.default_finding)(claim))
                          for claim_id, claim in claims.iterrows()})


def _deal_figure(claim: pd.Series, deal_id: str, column: str, chip_word: str | None = None,
                 narrower: tuple[str, str] | None = None) -> verdicts.Finding:
    """A deal's headline figure against the claim's number (rule 1 of chipledger.verdicts).

    chip_word: the chips the claim names, which the party's words must name too (else the party says
    otherwise). narrower: (what the party counts, what the claim counts) when the party's figure
    covers less than the claim.
    """
    row = _deal_row(deal_id)
    value, source_id, quote = float(row[column]), str(row["source_id"]), str(row["quote"])
    grade = verdicts.source_grade(source_id)
    shown = {"usd": money(value), "gigawatts": f"{value:g} GW", "chips": f"{value:,.0f} chips"}[column]
    if chip_word and chip_word.lower() not in quote.lower():
        return verdicts.Finding(verdicts.CONTRADICTED, grade, shown, f"{row['parties']} do not name {chip_word}.",
                                [source_id])
    verdict = verdicts.numbers_verdict([value], claim, narrower_basis=narrower is not None)
    why = f"{row['parties']}, {row['date']:%Y-%m-%d}: \"{quote}\""
    if narrower:
        why += f" The party counts {narrower[0]} alone; the claim says {narrower[1]}."
    return verdicts.Finding(verdict, grade, shown, why, [source_id])


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
        f"NVIDIA's Data Center revenue was {money(latest['usd'])} in {latest['fiscal_period']}, "
        f"{latest['usd'] / year_ago['usd']:.1f}x a year earlier and {latest['usd'] / same_time['usd']:.1f}x "
        f"AWS's net sales in its latest quarter by then ({same_time['fiscal_period']}).",
        f"Amazon plans about {money(capex['guidance_usd'])} of capital spending for {capex['fiscal_year'][2:]}. "
        f"The gigawatt deals of 2025-26, summed only with their like: {gigawatt_sums_text()}; "
        f"{trainium_gigawatts_text()} are on Trainium.",
        f"Of the article's {int(verdicts.sum())} market claims: {counts}.",
    ]


def trainium_gigawatts_text() -> str:
    """The gigawatts of the headline deals whose chips are Trainium, by how each binds: '2 GW as
    stated and up to 5 GW'."""
    frame = gigawatt_deals()
    frame = frame[frame["chip_vendor"] == "AWS"]
    sums = frame.groupby("bound", sort=False)["gigawatts"].sum()
    return " and ".join(f"{g:g} GW as stated" if b == "exact" else f"{BOUND_WORDS[b]} {g:g} GW" for b, g in sums.items())


def what_this_means() -> str:
    """The notebook's bottom line in one sentence, computed from the ledger."""
    from . import field

    nvidia = quarterly("NVIDIA", "data_center_revenue").set_index("fiscal_period")["usd"]
    growth = year_over_year_percent(nvidia.rename("dc")).dropna()
    period, yoy = growth.index[-1], growth.iloc[-1]
    share = field.nvidia_share_of_reported()
    over_year = field.growth_over_year()
    now, before = over_year.attrs["quarter"], over_year.attrs["year_before"]
    change = share.at[now, "nvidia_share_percent"] - share.at[before, "nvidia_share_percent"]
    moved = f"fell from {share.at[before, 'nvidia_share_percent']:.0f}% to {share.at[now, 'nvidia_share_percent']:.0f}%" \
        if round(change) < 0 else f"held at {share.at[now, 'nvidia_share_percent']:.0f}%" if round(change) == 0 else \
        f"rose from {share.at[before, 'nvidia_share_percent']:.0f}% to {share.at[now, 'nvidia_share_percent']:.0f}%"
    return (f"What this means: Trainium has won gigawatt-scale commitments ({trainium_gigawatts_text()}) and "
            f"NVIDIA's Data Center revenue still {'grew' if yoy > 0 else 'shrank'} {abs(yoy):.0f}% over the year to "
            f"{period}; its share of the data-center revenue that chip makers report {moved} ({before} to {now}), "
            "while Trainium's own revenue is not reported at all.")
