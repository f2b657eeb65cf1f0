"""The rest of the field (notebook 01, "Who else sells AI chips"): the challengers' data-center revenue
beside NVIDIA's, Amazon's own statements on its chips, analysts' share estimates scope by scope, and
the verdict on the article's "a dent in Nvidia's near monopoly".

Each company reports on its own fiscal calendar (chipledger.fiscal). To set them side by side, a fiscal
quarter is placed in the calendar quarter that holds its middle day: NVIDIA's FY2027Q1 (2026-01-26 to
2026-04-26) and Broadcom's FY2026Q2 (2026-02-02 to 2026-05-03) are both 2026Q1.

The four revenue lines are not one market: AMD's Data Center segment includes EPYC server CPUs, Marvell's
data center end market includes non-AI chips, Broadcom's AI revenue includes AI networking and the TPUs
it builds for Google. Counting them in full overstates the challengers, so NVIDIA's share of their sum
is a lower bound on its share of these companies' AI-chip revenue. Google and Amazon do not report
chip revenue; Amazon's statements are annual run rates of its whole custom-silicon business, not
revenue of a quarter, and are kept apart.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import data, market, units, verdicts
from .fmt import money

# (company, metric) -> the line's name for readers
REVENUE_LINES = {
    ("NVIDIA", "data_center_revenue"): "NVIDIA Data Center",
    ("AMD", "data_center_revenue"): "AMD Data Center (with EPYC CPUs)",
    ("Broadcom", "ai_revenue"): "Broadcom AI semiconductors (custom XPUs, AI networking)",
    ("Marvell", "data_center_revenue"): "Marvell data center (all products)",
}
NVIDIA_LINE = REVENUE_LINES[("NVIDIA", "data_center_revenue")]
NEAR_MONOPOLY_PERCENT = 80.0
"""Our reading of "near monopoly": a share of at least four fifths of the market. It is a choice, stated
here and in the verdict; holds_if gives the line at which every estimate would count."""
SCOPE_WORDS = {"gpus": "data-center GPUs only", "all_accelerators": "all AI accelerators (GPUs and ASICs)",
               "asics": "custom AI ASICs only", "ai_servers": "AI servers, by accelerator",
               "gpu_servers": "GPU-equipped AI servers only"}
STATEMENT_WORDS = {"chips_revenue_run_rate": "chips business, annual run rate",
                   "trainium2_revenue_run_rate": "Trainium2, annual run rate",
                   "trainium_revenue_commitments": "Trainium revenue commitments (multi-year)"}
MEASURE_WORDS = {"revenue": "revenue", "units": "units", "wafers": "wafers", "unstated": "measure not stated"}


def calendar_quarter(start: dt.date, end: dt.date) -> str:
    """The calendar quarter holding a period's middle day: '2026Q1'."""
    middle = pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2
    return f"{middle.year}Q{(middle.month - 1) // 3 + 1}"


def revenue() -> pd.DataFrame:
    """Every reported quarter of the four data-center revenue lines, oldest first.

    Columns: line, company, fiscal_period, period_start, period_end, calendar_quarter, usd, source_id.
    """
    pieces = []
    for (company, metric), line in REVENUE_LINES.items():
        rows = market.quarterly(company, metric)
        pieces.append(rows.assign(line=line, company=company))
    frame = pd.concat(pieces, ignore_index=True)
    frame["calendar_quarter"] = [calendar_quarter(s, e) for s, e in zip(frame["period_start"], frame["period_end"])]
    columns = ["line", "company", "fiscal_period", "period_start", "period_end", "calendar_quarter", "usd", "source_id"]
    return frame[columns].sort_values(["period_end", "line"]).reset_index(drop=True)


def revenue_table() -> pd.DataFrame:
    """Calendar quarters as rows, the four lines as columns, billions of US dollars (NaN: not read)."""
    frame = revenue()
    table = frame.pivot_table(index="calendar_quarter", columns="line", values="usd", aggfunc="sum") / 1e9
    return table[[line for line in REVENUE_LINES.values() if line in table.columns]]


def amazon_statements() -> pd.DataFrame:
    """Amazon's own figures on its chips (financials.csv kind=statement), oldest first: run rates are
    annual rates of the business at the time, commitments are multi-year contracts; neither is revenue
    of the quarter.

    Columns: what (in words), metric, fiscal_period, period_end, calendar_quarter, usd, bound, basis, source_id, quote, notes.
    """
    frame = data.load("financials")
    rows = frame[(frame["company"] == "Amazon") & (frame["kind"] == "statement") & frame["preferred"]].copy()
    rows["usd"] = [units.to_si(v, u) for v, u in zip(rows["value"], rows["unit"])]
    rows["calendar_quarter"] = [calendar_quarter(s, e) for s, e in zip(rows["period_start"], rows["period_end"])]
    rows["bound"] = rows["bound"].fillna("exact")
    rows["what"] = rows["metric"].map(STATEMENT_WORDS)
    columns = ["what", "metric", "fiscal_period", "period_end", "calendar_quarter", "usd", "bound", "basis", "source_id",
               "quote", "notes"]
    return rows.sort_values("period_end")[columns].reset_index(drop=True)


def nvidia_share_of_reported(with_amazon_run_rate: bool = False) -> pd.DataFrame:
    """Per calendar quarter in which all four lines are reported: their sum and NVIDIA's share of it (a
    lower bound on its share of these companies' AI-chip revenue; see the module docstring). With
    with_amazon_run_rate, a quarter with an Amazon chips run rate also counts a quarter of that rate.

    Columns (index calendar_quarter): total_usd, nvidia_usd, nvidia_share_percent, lines.
    """
    table = revenue_table().dropna() * 1e9
    out = pd.DataFrame({"total_usd": table.sum(axis=1), "nvidia_usd": table[NVIDIA_LINE]})
    out["lines"] = len(table.columns)
    if with_amazon_run_rate:
        rates = amazon_statements()
        rates = rates[rates["metric"] == "chips_revenue_run_rate"].set_index("calendar_quarter")["usd"] / 4
        out = out[out.index.isin(rates.index)]
        out["total_usd"] = out["total_usd"] + rates.reindex(out.index)
        out["lines"] += 1
    out["nvidia_share_percent"] = 100 * out["nvidia_usd"] / out["total_usd"]
    return out


def growth_over_year(quarter: str | None = None) -> pd.DataFrame:
    """Each line's revenue in a calendar quarter (default: the latest one all four report) against the
    same quarter a year before, and the challengers together. Columns: now_usd, year_before_usd,
    growth_percent."""
    table = revenue_table().dropna() * 1e9
    quarter = quarter or table.index[-1]
    year_before = f"{int(quarter[:4]) - 1}{quarter[4:]}"
    if year_before not in table.index:
        raise ValueError(f"no quarter a year before {quarter} with all four lines reported")
    rows = pd.DataFrame({"now_usd": table.loc[quarter], "year_before_usd": table.loc[year_before]})
    challengers = rows.drop(index=NVIDIA_LINE).sum()
    rows.loc["the three challengers together"] = challengers
    rows["growth_percent"] = 100 * (rows["now_usd"] / rows["year_before_usd"] - 1)
    rows.attrs.update(quarter=quarter, year_before=year_before)
    return rows


def share_estimates() -> pd.DataFrame:
    """market_shares.csv with the scope and measure in words, newest year first within each scope."""
    frame = data.load("market_shares")
    frame = frame.assign(scope_words=frame["scope"].map(SCOPE_WORDS), measure_words=frame["measure"].map(MEASURE_WORDS))
    return frame.sort_values(["scope", "year", "analyst", "holder"], ascending=[True, False, True, True]).reset_index(drop=True)


def nvidia_shares() -> pd.DataFrame:
    """NVIDIA's share in every estimate that states it, with scope and measure, newest first."""
    frame = share_estimates()
    return frame[frame["holder"] == "NVIDIA"].sort_values(["year", "scope"], ascending=[False, True]).reset_index(drop=True)


_BOUND_PREFIX = {"about": "about ", "at_least": "over ", "up_to": "nearly ", "exact": ""}


def latest_chip_shares() -> pd.DataFrame:
    """NVIDIA's share in every estimate of the latest year of each chip scope (GPUs only, all AI
    accelerators): the estimates the near-monopoly part rests on."""
    shares = nvidia_shares()
    shares = shares[shares["scope"].isin(["gpus", "all_accelerators"])]
    latest = shares.groupby("scope")["year"].transform("max")
    return shares[shares["year"] == latest].reset_index(drop=True)


def _share_text(row: pd.Series) -> str:
    return (f"{row['analyst']} {row['year']} ({SCOPE_WORDS[row['scope']]}, {MEASURE_WORDS[row['measure']]}): "
            f"{_BOUND_PREFIX[row['bound']]}{row['share_percent']:g}%")


def near_monopoly_parts() -> dict[str, tuple[str, str]]:
    """The two parts of "a dent in Nvidia's near monopoly", each as (verdict, why):

    - near monopoly: every estimate of NVIDIA's share in the latest year of each scope that counts chips
      (GPUs only, all accelerators) reaches NEAR_MONOPOLY_PERCENT (rule 1, at_least, whole percentage
      points);
    - a dent: NVIDIA's share of the four reported revenue lines fell over the latest year, in whole
      percentage points (rule 1: the claim is a fall of at least one point).
    """
    latest = latest_chip_shares()
    claim = pd.Series({"claimed_value": NEAR_MONOPOLY_PERCENT, "claimed_bound": "at_least", "claimed_precision": 1.0})
    near = verdicts.numbers_verdict(latest["share_percent"], claim)
    near_why = "; ".join(_share_text(r) for _, r in latest.iterrows())
    reported = nvidia_share_of_reported()
    growth = growth_over_year()
    now, before = growth.attrs["quarter"], growth.attrs["year_before"]
    fall = reported.at[before, "nvidia_share_percent"] - reported.at[now, "nvidia_share_percent"]
    dent_claim = pd.Series({"claimed_value": 1.0, "claimed_bound": "at_least", "claimed_precision": 1.0})
    dent = verdicts.numbers_verdict([fall], dent_claim)
    dent_why = (f"NVIDIA's share of the four reported data-center revenue lines went from "
                f"{reported.at[before, 'nvidia_share_percent']:.1f}% in {before} to "
                f"{reported.at[now, 'nvidia_share_percent']:.1f}% in {now}: NVIDIA Data Center grew "
                f"{growth.at[NVIDIA_LINE, 'growth_percent']:.0f}%, the three challengers together "
                f"{growth.at['the three challengers together', 'growth_percent']:.0f}%")
    return {"near monopoly": (near, near_why), "a dent": (dent, dent_why)}


def near_monopoly_finding(claim: pd.Series) -> verdicts.Finding:
    """The verdict on "a dent in Nvidia's near monopoly" (rule 5 over near_monopoly_parts()), graded by
    the weakest evidence it rests on (analysts' estimates, and the revenue sources)."""
    parts = near_monopoly_parts()
    verdict = verdicts.parts_verdict(v for v, _ in parts.values())
    used = latest_chip_shares()
    revenue_sources = sorted(set(revenue()["source_id"]))
    grade = verdicts.weakest([verdicts.source_grade(s) for s in [*used["source_id"], *revenue_sources]])
    lowest = used["share_percent"].min()
    with_amazon = nvidia_share_of_reported(with_amazon_run_rate=True)
    amazon = ""
    if len(with_amazon):
        quarter = with_amazon.index[-1]
        amazon = (f" Counting a quarter of Amazon's stated chips run rate (all its custom silicon) as revenue, "
                  f"NVIDIA's share in {quarter} would be {with_amazon.at[quarter, 'nvidia_share_percent']:.1f}%; "
                  "Amazon gives no figure a year earlier, so no change can be computed.")
    why = " ".join(f"{name.capitalize()}: {v} ({text})." for name, (v, text) in parts.items())
    why += (f" A near monopoly is read as at least {NEAR_MONOPOLY_PERCENT:.0f}% of the market (our line)." + amazon)
    holds_if = (f"Near monopoly on every scope if the line is {lowest:g}% (the lowest recent estimate) rather than "
                f"{NEAR_MONOPOLY_PERCENT:.0f}%; a dent if NVIDIA's share of the reported lines falls by a point or more "
                "over a year.") if verdict != verdicts.SUPPORTED else ""
    public = f"NVIDIA's share: {', '.join(f'{r.share_percent:g}%' for r in used.itertuples())} (by scope)"
    return verdicts.Finding(verdict, grade, public, why, [*used["source_id"]], holds_if)


def field_lines() -> list[str]:
    """Sentences for the notebook's "Who else sells AI chips" section, computed from the ledger."""
    growth = growth_over_year()
    quarter = growth.attrs["quarter"]
    reported = nvidia_share_of_reported()
    statements = amazon_statements()
    rate = statements[statements["metric"] == "chips_revenue_run_rate"].iloc[-1]
    nvidia_annual = revenue_table().at[rate["calendar_quarter"], NVIDIA_LINE] * 1e9 * 4
    return [
        f"In {quarter} NVIDIA's Data Center revenue was {money(growth.at[NVIDIA_LINE, 'now_usd'])}, "
        f"{reported.at[quarter, 'nvidia_share_percent']:.0f}% of the four reported lines together "
        f"({money(reported.at[quarter, 'total_usd'])}).",
        f"Amazon's chips business (Trainium with Graviton and others) stated an annual run rate of over "
        f"{money(rate['usd'])} in {rate['calendar_quarter']}, about {100 * rate['usd'] / nvidia_annual:.0f}% of "
        "NVIDIA's Data Center revenue at that quarter's pace; a run rate is not revenue.",
    ]


def analyst_range(scope: str) -> tuple[float, float]:
    """Lowest and highest NVIDIA share (percent) the estimates give on one scope."""
    shares = nvidia_shares()
    values = shares.loc[shares["scope"] == scope, "share_percent"]
    return (float(values.min()), float(values.max())) if len(values) else (np.nan, np.nan)
