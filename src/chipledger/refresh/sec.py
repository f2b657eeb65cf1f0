"""SEC EDGAR XBRL companyfacts of NVIDIA and Amazon into financials.csv."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from pathlib import Path

from .. import fiscal
from .errors import RefreshError, Summary
from .guard import Skips, expect
from .http import Fetcher, default_cache
from .http import key as _key
from .http import load_json as _load_json
from .merge import merge
from .merge import number as _number

SEC_COMPANYFACTS = "https://data.sec.gov/api/xbrl/companyfacts/"
COMPANIES = {"NVIDIA": "0001045810", "Amazon": "0001018724"}
SEC_SOURCE_PREFIX = "sec-"

# metric -> XBRL concepts that may carry it, in order of preference
SEC_CONCEPTS = {
    "revenue": ["Revenues", "RevenueFromContractWithCustomerExcludingAssessedTax"],
    "purchases_of_property_and_equipment": ["PaymentsToAcquirePropertyPlantAndEquipment",
                                            "PaymentsToAcquireProductiveAssets"],
}
SEC_METRICS = {"NVIDIA": ["revenue"], "Amazon": ["revenue", "purchases_of_property_and_equipment"]}


def sec_user_agent() -> str:
    value = os.environ.get("SEC_USER_AGENT", "").strip()
    if not value or "@" not in value:
        raise RefreshError("SEC_USER_AGENT is not set: the SEC asks every client to identify itself with a "
                           "name and contact e-mail, e.g. export SEC_USER_AGENT='Jane Doe jane@example.org'")
    return value


def refresh_sec(source: str = SEC_COMPANYFACTS, fetcher: Fetcher | None = None,
                today: dt.date | None = None) -> Summary:
    """Refresh financials.csv from SEC companyfacts (source: the API base URL or a local folder)."""
    is_url = source.startswith("http")
    if fetcher is None:
        fetcher = Fetcher(cache=default_cache(), max_per_second=10.0,
                          headers={"User-Agent": sec_user_agent()} if is_url else {})
    elif is_url and "User-Agent" not in fetcher.headers:
        fetcher.headers["User-Agent"] = sec_user_agent()
    today = today or dt.date.today()
    new_rows, new_sources, skips = [], {}, Skips()
    for company, cik in COMPANIES.items():
        location = (source.rstrip("/") + f"/CIK{cik}.json") if is_url else str(Path(source) / f"CIK{cik}.json")
        facts = _load_json(fetcher.get(location), f"companyfacts of {company}")
        us_gaap = expect(_key(facts, "facts.us-gaap", location), dict, location, "facts.us-gaap")
        for metric in SEC_METRICS[company]:
            rows = sec_rows(company, metric, us_gaap, location, skips)
            if not rows:
                why = "; ".join(skips.lines("facts"))
                raise RefreshError(f"{location}: no quarterly USD facts for {metric} under "
                                   f"{' or '.join(SEC_CONCEPTS[metric])}" + (f" ({why})" if why else ""))
            for row in rows:
                new_rows.append(row)
                accn = row["source_id"][len(SEC_SOURCE_PREFIX):].split("-", 1)[1]
                new_sources[row["source_id"]] = {
                    "source_id": row["source_id"], "title": f"{company} filing {accn} (SEC EDGAR XBRL companyfacts)",
                    "publisher": "U.S. Securities and Exchange Commission (EDGAR)",
                    "url": f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accn.replace('-', '')}/",
                    "published": row.pop("_filed"), "accessed": today.isoformat(), "kind": "filing",
                    "read_via": f"{SEC_COMPANYFACTS}CIK{cik}.json", "copy_kind": "mirror",
                    "notes": f"Figures read from {SEC_COMPANYFACTS}CIK{cik}.json by `chipledger refresh sec`."}
    # A later filing restates a period under a new accession number: the refreshed row of a period is
    # replaced, whatever filing it came from (key without source_id).
    summary = merge("financials", new_rows, list(new_sources.values()), SEC_SOURCE_PREFIX,
                    key=["company", "metric", "fiscal_period", "unit"], compare=_compare_financials,
                    choose_preferred=_choose_preferred)
    summary.notes += skips.lines("facts")
    return summary


def _fact_problem(fact: dict) -> str | None:
    """Why a USD fact cannot be used, or None: its value, dates, accession number and filing date
    must be there and readable, and the amount not negative (revenue and capital spending)."""
    value = fact.get("val")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "val not a number"
    if value < 0 or value > 1e13:
        return "val negative or above $10 trillion"
    for name in ("start", "end"):
        try:
            dt.date.fromisoformat(str(fact.get(name)))
        except ValueError:
            return f"{name} not a date YYYY-MM-DD"
    if not isinstance(fact.get("accn"), str) or not _ACCESSION.fullmatch(fact["accn"]):
        return "accn not an accession number (0000000000-00-000000)"
    try:
        dt.date.fromisoformat(str(fact.get("filed")))
    except ValueError:
        return "filed not a date YYYY-MM-DD"
    if fact["start"] > fact["end"]:
        return "start after end"
    return None


_ACCESSION = re.compile(r"[0-9]{10}-[0-9]{2}-[0-9]{6}")


def sec_rows(company: str, metric: str, us_gaap: dict, where: str, skips: Skips | None = None) -> list[dict]:
    """financials rows from companyfacts: one per fiscal quarter, duplicates across filings removed
    (the latest filing wins), a quarter missing as a 3-month fact derived from year-to-date facts
    (Q2 = 6 months - Q1, Q3 = 9 - 6, Q4 = fiscal year - 9 months). A container of the wrong type is a
    RefreshError naming its JSON path; a fact with a bad value is skipped and counted in `skips`."""
    skips = skips if skips is not None else Skips()
    facts = {}
    for concept in SEC_CONCEPTS[metric]:
        if concept not in us_gaap:
            continue
        at = f"facts.us-gaap.{concept}"
        entry = expect(us_gaap[concept], dict, where, at)
        units = expect(entry.get("units", {}), dict, where, f"{at}.units")
        listed = expect(units.get("USD", []), list, where, f"{at}.units.USD")
        for i, fact in enumerate(listed):
            fact = expect(fact, dict, where, f"{at}.units.USD[{i}]")
            if "start" not in fact or fact.get("form") not in ("10-Q", "10-K", "10-Q/A", "10-K/A"):
                continue
            problem = _fact_problem(fact)
            if problem:
                skips.add(problem, f"{where} {at}.units.USD[{i}]")
                continue
            period = (fact["start"], fact["end"])
            if period not in facts or str(fact["filed"]) > str(facts[period][0]["filed"]):
                facts[period] = (fact, concept)
    by_period = {}
    for (start, end), (fact, concept) in facts.items():
        label = _fiscal_label(company, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        if label:
            by_period[label] = (fact, concept)
    rows = []
    for year in sorted({label[:6] for label in by_period}):
        for quarter in range(1, 5):
            label = f"{year}Q{quarter}"
            if label in by_period:
                fact, concept = by_period[label]
                rows.append(_sec_row(company, metric, label, fact["val"], [fact], concept, "reported"))
                continue
            to_date = by_period.get(year if quarter == 4 else f"{year}:{quarter}")
            before = _to_date(by_period, year, quarter - 1)
            if to_date and before:
                value = to_date[0]["val"] - sum(f["val"] for f in before)
                rows.append(_sec_row(company, metric, label, value, [to_date[0], *before], to_date[1], "derived"))
    return rows


def _to_date(by_period: dict, year: str, quarter: int) -> list[dict] | None:
    """Facts that add up to the first `quarter` quarters of a year: one year-to-date fact, or the
    quarters themselves; None if neither is there."""
    if quarter == 0:
        return []
    if quarter == 1 and f"{year}Q1" in by_period:
        return [by_period[f"{year}Q1"][0]]
    if f"{year}:{quarter}" in by_period:
        return [by_period[f"{year}:{quarter}"][0]]
    quarters = [by_period.get(f"{year}Q{q}") for q in range(1, quarter + 1)]
    return None if None in quarters else [q[0] for q in quarters]


def _fiscal_label(company: str, start: dt.date, end: dt.date) -> str | None:
    """'FY2026Q3' for a quarter, 'FY2026' for a year, 'FY2026:3' for three quarters to date (':2' six
    months); None if the dates are no period of the company's calendar."""
    year = end.year + (1 if company == "NVIDIA" and end.month > 1 else 0)
    if not fiscal.FIRST_YEAR < year < fiscal.LAST_YEAR:
        return None  # not a period of the calendars we keep
    for candidate in (year, year - 1, year + 1):
        first, last = fiscal.period_dates(company, f"FY{candidate}")
        if (start, end) == (first, last):
            return f"FY{candidate}"
        for quarter in range(1, 5):
            q_start, q_end = fiscal.period_dates(company, f"FY{candidate}Q{quarter}")
            if (start, end) == (q_start, q_end):
                return f"FY{candidate}Q{quarter}"
            if start == first and end == q_end and quarter in (2, 3):
                return f"FY{candidate}:{quarter}"
    return None


def _sec_row(company: str, metric: str, label: str, value: float, used: list[dict], concept: str,
             basis: str) -> dict:
    start, end = fiscal.period_dates(company, label)
    fact = used[0]
    quote = " ; ".join(json.dumps({k: f[k] for k in ("start", "end", "val", "accn", "form") if k in f},
                                  separators=(",", ":")) for f in used)
    notes = f"XBRL us-gaap:{concept}"
    if basis == "derived":
        minus = " - ".join(str(f["val"]) for f in used[1:])
        notes = f"derived: {used[0]['val']} - {minus} (to date minus the quarters before); " + notes
    return {"company": company, "metric": metric, "fiscal_period": label, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "value": _number(value), "unit": "USD", "kind": "actual",
            "basis": basis, "preferred": "", "source_id": f"{SEC_SOURCE_PREFIX}{company.lower()}-{fact['accn']}",
            "quote": quote, "notes": notes, "_filed": fact.get("filed", "")}


def _compare_financials(new: list[dict], hand: list[dict]) -> list[str]:
    """SEC figures against the preferred hand-entered ones (headline figures are rounded: 0.25% tolerance)."""
    scale = {"USD": 1, "million USD": 1e6, "billion USD": 1e9}
    by_key = {}
    for row in hand:
        if row["preferred"] == "true":
            by_key.setdefault((row["company"], row["metric"], row["fiscal_period"], row["kind"]), []).append(row)
    out = []
    for row in new:
        for other in by_key.get((row["company"], row["metric"], row["fiscal_period"], row["kind"]), []):
            usd = float(other["value"]) * scale[other["unit"]]
            if abs(float(row["value"]) / usd - 1) > 0.0025:
                out.append(f"{row['company']} {row['metric']} {row['fiscal_period']}: SEC {float(row['value']):,.0f} USD vs "
                           f"{other['value']} {other['unit']} ({other['source_id']})")
    return out


def _choose_preferred(new: list[dict], current: list[dict]) -> list[dict]:
    """A refreshed figure is preferred only where no row of another source (a hand-entered one) is
    preferred for that company, metric, period and kind (refreshed figures are as reported: definition '')."""
    taken = {(r["company"], r["metric"], r["fiscal_period"], r["kind"]) for r in current
             if r["preferred"] == "true" and not r["source_id"].startswith(SEC_SOURCE_PREFIX) and r.get("definition", "") == ""}
    return [{**row, "preferred": "false" if (row["company"], row["metric"], row["fiscal_period"], row["kind"]) in taken
             else "true"} for row in new]
