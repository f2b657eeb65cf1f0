"""Fiscal calendars: which days a company's fiscal quarter or year covers.

Periods are written FY2026Q3 (a quarter) or FY2026 (a year); a fiscal year is named after the calendar
year in which it ends (NVIDIA's FY2026 ended 2026-01-25). Amazon's fiscal year is the calendar year.
The others keep 52- or 53-week years of 13-week quarters, the extra week of a 53-week year going to
one quarter:

| company  | the fiscal year ends on                 | 14-week quarter | as read in                          |
|----------|-----------------------------------------|-----------------|-------------------------------------|
| NVIDIA   | the last Sunday of January              | Q4              | its 10-Qs and 10-Ks                 |
| AMD      | the last Saturday of December           | Q1              | AMD 10-Q: "a 52 or 53 week fiscal year ending on the last Saturday in December"; 2011 annual report: "the first quarter of 2011 consisted of 14 weeks" |
| Broadcom | the Sunday closest to October 31        | Q1              | the dates of its filings: FY2024 2023-10-30..2024-11-03, Q1 FY2024 ended 2024-02-04 (14 weeks) |
| Marvell  | the Saturday closest to January 31      | Q4              | the dates of its filings: FY2024 2023-01-29..2024-02-03, Q3 FY2024 ended 2023-10-28 |

The validator checks every period's first and last day in financials.csv against these calendars.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"FY(?P<year>[0-9]{4})(?:Q(?P<quarter>[1-4]))?")
FIRST_YEAR, LAST_YEAR = 1990, 2100
"""The fiscal years the calendars are used for; a period outside them is refused as a typo."""

_WEEKDAYS = {"Saturday": 5, "Sunday": 6}


@dataclass(frozen=True)
class WeekCalendar:
    """A 52/53-week fiscal year ending on `weekday` at `month`'s end: the last such day of the month
    (rule 'last') or the one closest to the month's last day ('closest'); the 14th week of a 53-week
    year goes to `long_quarter`."""

    weekday: str
    month: int
    rule: str
    long_quarter: int

    def year_end(self, year: int) -> dt.date:
        """Last day of fiscal `year`."""
        first_of_next = dt.date(year + (self.month == 12), self.month % 12 + 1, 1)
        month_end = first_of_next - dt.timedelta(days=1)
        back = (month_end.weekday() - _WEEKDAYS[self.weekday]) % 7
        if self.rule == "closest" and back > 3:
            return month_end + dt.timedelta(days=7 - back)
        return month_end - dt.timedelta(days=back)

    def dates(self, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
        start, end = self.year_end(year - 1) + dt.timedelta(days=1), self.year_end(year)
        if quarter is None:
            return start, end
        weeks = [13, 13, 13, 13]
        if (end - start).days + 1 == 53 * 7:
            weeks[self.long_quarter - 1] = 14
        first = start + dt.timedelta(weeks=sum(weeks[: quarter - 1]))
        return first, first + dt.timedelta(weeks=weeks[quarter - 1], days=-1)


CALENDARS: dict[str, WeekCalendar | None] = {
    "NVIDIA": WeekCalendar("Sunday", 1, "last", long_quarter=4),
    "AMD": WeekCalendar("Saturday", 12, "last", long_quarter=1),
    "Broadcom": WeekCalendar("Sunday", 10, "closest", long_quarter=1),
    "Marvell": WeekCalendar("Saturday", 1, "closest", long_quarter=4),
    "Amazon": None,  # the calendar year
}
COMPANIES = tuple(CALENDARS)


def parse_period(text: str) -> tuple[int, int | None]:
    """'FY2026Q3' -> (2026, 3); 'FY2025' -> (2025, None). Raises ValueError on anything else, and on
    a year outside FIRST_YEAR..LAST_YEAR."""
    match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"fiscal period {text!r} is not of the form FY2026Q3 or FY2026")
    year, quarter = int(match.group("year")), match.group("quarter")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"fiscal period {text!r}: year {year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return year, int(quarter) if quarter else None


def period_dates(company: str, period: str) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a company's fiscal period: ('NVIDIA', 'FY2026Q3') ->
    (2025-07-28, 2025-10-26); ('AMD', 'FY2025Q1') -> (2024-12-29, 2025-03-29)."""
    year, quarter = parse_period(period)
    if company not in CALENDARS:
        raise ValueError(f"no fiscal calendar for company {company!r}; known: {', '.join(COMPANIES)}")
    calendar = CALENDARS[company]
    if calendar is not None:
        return calendar.dates(year, quarter)
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month_start = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, end_month_start - dt.timedelta(days=1)


def quarters_of(period: str) -> list[str]:
    """The four quarters of a fiscal year: 'FY2025' -> ['FY2025Q1', ..., 'FY2025Q4']."""
    year, quarter = parse_period(period)
    if quarter is not None:
        raise ValueError(f"{period!r} is a quarter, not a fiscal year")
    return [f"FY{year}Q{q}" for q in range(1, 5)]
