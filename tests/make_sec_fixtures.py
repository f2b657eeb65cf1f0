"""Builds SEC EDGAR companyfacts files in the real layout, for the refresh tests.

The layout is EDGAR's (cik, entityName, facts -> us-gaap -> concept -> label, description,
units -> USD -> [{start, end, val, accn, fy, fp, form, filed, frame}]). The VALUES are synthetic but
consistent with the ledger: each quarter is the preferred figure of data/financials.csv in US dollars
(the annual figure too), so a test can tell a refreshed row from a hand-entered one only by the
rules the refresh applies. Quarters appear once in their own 10-Q and again as comparatives in a
later filing (duplicates the refresh must drop); NVIDIA's fourth quarter exists only as the year
minus nine months; Amazon's purchases of property and equipment only as year-to-date figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from chipledger import fiscal, units

CIK = {"NVIDIA": "0001045810", "Amazon": "0001018724"}
CONCEPT = {("NVIDIA", "revenue"): "Revenues",
           ("Amazon", "revenue"): "RevenueFromContractWithCustomerExcludingAssessedTax",
           ("Amazon", "purchases_of_property_and_equipment"): "PaymentsToAcquirePropertyPlantAndEquipment"}


# The ledger has no hand-entered Amazon total revenue: the fixture makes one up from AWS's sales (five
# times them), a synthetic figure that only tests the refresh's arithmetic.
SYNTHETIC = {("Amazon", "revenue"): ("aws_sales", 5.0)}


def _usd(financials: pd.DataFrame, company: str, metric: str, period: str) -> float | None:
    if (company, metric) in SYNTHETIC:
        base, factor = SYNTHETIC[(company, metric)]
        value = _usd(financials, company, base, period)
        return None if value is None else value * factor
    rows = financials[(financials["company"] == company) & (financials["metric"] == metric)
                      & (financials["fiscal_period"] == period) & financials["preferred"]]
    return None if rows.empty else round(units.to_si(rows["value"].iloc[0], rows["unit"].iloc[0]))


def _fact(company: str, start, end, value: float, n: int, form: str, fy: int, fp: str, later: int = 0) -> dict:
    """One XBRL fact; `later` days after the usual filing date (a comparative in next year's filing)."""
    return {"start": start.isoformat(), "end": end.isoformat(), "val": int(value),
            "accn": f"{CIK[company]}-{fy % 100:02d}-{n:06d}", "fy": fy, "fp": fp, "form": form,
            "filed": (end + pd.Timedelta(days=30 + later).to_pytimedelta()).isoformat()}


def companyfacts(company: str, financials: pd.DataFrame, years: list[int]) -> dict:
    facts: dict[str, list[dict]] = {}
    for (who, metric), concept in CONCEPT.items():
        if who != company:
            continue
        entries = facts.setdefault(concept, [])
        n = 0
        for year in years:
            quarters = [_usd(financials, company, metric, f"FY{year}Q{q}") for q in range(1, 5)]
            annual = _usd(financials, company, metric, f"FY{year}")
            if annual is None and all(q is not None for q in quarters):
                annual = sum(quarters)
            if None in quarters[:3] or annual is None:
                continue
            first, last = fiscal.period_dates(company, f"FY{year}")
            for q in (1, 2, 3):
                start, end = fiscal.period_dates(company, f"FY{year}Q{q}")
                n += 1
                if metric == "purchases_of_property_and_equipment":  # cash flow: year to date only
                    entries.append(_fact(company, first, end, sum(quarters[:q]), n, "10-Q", year, f"Q{q}"))
                else:
                    entries.append(_fact(company, start, end, quarters[q - 1], n, "10-Q", year, f"Q{q}"))
                    # the same quarter again, as the comparative of next year's 10-Q
                    entries.append(_fact(company, start, end, quarters[q - 1], n + 500, "10-Q", year + 1, f"Q{q}",
                                         later=365))
            n += 1
            entries.append(_fact(company, first, last, annual, n, "10-K", year, "FY"))
    us_gaap = {concept: {"label": concept, "description": f"{concept} (fixture)", "units": {"USD": entries}}
               for concept, entries in facts.items()}
    return {"cik": int(CIK[company]), "entityName": f"{company.upper()} (fixture)",
            "facts": {"dei": {}, "us-gaap": us_gaap}}


def write(out: Path, financials: pd.DataFrame, comparatives: bool = True) -> dict[str, Path]:
    """The two companyfacts files; without `comparatives`, as they stood before the later filings
    restated each quarter."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for company, years in (("NVIDIA", [2024, 2025, 2026]), ("Amazon", [2024, 2025])):
        facts = companyfacts(company, financials, years)
        if not comparatives:
            for concept in facts["facts"]["us-gaap"].values():
                concept["units"]["USD"] = [f for f in concept["units"]["USD"] if int(f["accn"][-6:]) < 500]
        path = out / f"CIK{CIK[company]}.json"
        path.write_text(json.dumps(facts), encoding="utf-8")
        files[company] = path
    return files
