"""Fiscal calendars: which days a company's fiscal quarter or year covers.

NVIDIA's fiscal year ends on the last Sunday of January (FY2026 ended 2026-01-25); its first three
quarters are 13 weeks each and the fourth takes the rest (14 weeks in a 53-week year). Amazon's
fiscal year is the calendar year. Periods are written FY2026Q3 (a quarter) or FY2026 (a year).
"""

from __future__ import annotations

import datetime as dt
import re

_PERIOD = re.compile(r"^FY(?P<year>\d{4})(?:Q(?P<quarter>[1-4]))?$")
COMPANIES = ("NVIDIA", "Amazon")


def parse_period(text: str) -> tuple[int, int | None]:
    """'FY2026Q3' -> (2026, 3); 'FY2025' -> (2025, None). Raises ValueError on anything else."""
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(f"fiscal period {text!r} is not of the form FY2026Q3 or FY2026")
    quarter = match.group("quarter")
    return int(match.group("year")), int(quarter) if quarter else None


def _last_sunday_of_january(year: int) -> dt.date:
    day = dt.date(year, 1, 31)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def period_dates(company: str, period: str) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a company's fiscal period: ('NVIDIA', 'FY2026Q3') ->
    (2025-07-28, 2025-10-26)."""
    year, quarter = parse_period(period)
    if company == "Amazon":
        if quarter is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        start = dt.date(year, 3 * quarter - 2, 1)
        end_month_start = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        return start, end_month_start - dt.timedelta(days=1)
    if company == "NVIDIA":
        year_start = _last_sunday_of_january(year - 1) + dt.timedelta(days=1)
        year_end = _last_sunday_of_january(year)
        if quarter is None:
            return year_start, year_end
        start = year_start + dt.timedelta(weeks=13 * (quarter - 1))
        end = year_end if quarter == 4 else start + dt.timedelta(weeks=13, days=-1)
        return start, end
    raise ValueError(f"no fiscal calendar for company {company!r}; known: {', '.join(COMPANIES)}")


def quarters_of(period: str) -> list[str]:
    """The four quarters of a fiscal year: 'FY2025' -> ['FY2025Q1', ..., 'FY2025Q4']."""
    year, quarter = parse_period(period)
    if quarter is not None:
        raise ValueError(f"{period!r} is a quarter, not a fiscal year")
    return [f"FY{year}Q{q}" for q in range(1, 5)]
