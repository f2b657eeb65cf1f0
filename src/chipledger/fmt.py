"""Numbers in the units people quote, for every table and sentence a reader sees.

Never scientific notation: money as "$50.0B" or "$2.235/h", compute as "2.25 PFLOPS", memory as
"96 GiB", bandwidth as "2.9 TB/s".
"""

from __future__ import annotations

import math


def _trimmed(value: float, decimals: int, keep: int = 1) -> str:
    """value with `decimals` decimals, trailing zeros dropped down to `keep` decimals."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        whole, frac = text.split(".")
        frac = frac.rstrip("0").ljust(keep, "0")[: max(keep, len(frac.rstrip("0")))]
        text = f"{whole}.{frac}" if frac else whole
    return text


def money(usd: float, per: str = "") -> str:
    """US dollars for readers: 5e10 -> '$50.0B', 1.25e9 -> '$1.25B', 7.5e8 -> '$750.0M',
    35.7608 -> '$35.76'; per='h' appends '/h'. NaN gives 'n/a'."""
    if usd is None or (isinstance(usd, float) and math.isnan(usd)):
        return "n/a"
    sign = "-" if usd < 0 else ""
    usd = abs(float(usd))
    if usd >= 1e9:
        text = f"${_trimmed(usd / 1e9, 2)}B"
    elif usd >= 1e6:
        text = f"${_trimmed(usd / 1e6, 2)}M"
    elif usd >= 10:
        text = f"${usd:,.2f}"
    else:
        text = f"${_trimmed(usd, 3, keep=2)}"
    return sign + text + (f"/{per}" if per else "")


def number(value: float, decimals: int = 3) -> str:
    """A plain number for readers, never in scientific notation: 1234567.0 -> '1,234,567',
    0.01234 -> '0.0123', 92.5 -> '92.5'; NaN gives ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    significant = max(decimals, 0)
    digits = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    return _trimmed(value, digits, keep=0)


def percent(value: float, decimals: int = 1) -> str:
    """A percentage already in percent: 80.337 -> '80.3%'; NaN gives ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{_trimmed(float(value), decimals, keep=0)}%"


def billions(value: float) -> str:
    """A value in billions of US dollars as money: 75.2 -> '$75.2B'; NaN gives ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return money(float(value) * 1e9)


# column-name suffix -> (how its values read, what the suffix becomes in the column's name)
_SUFFIXES = {"_usd": (money, ""), "_percent": (percent, " (%)"), "_billion": (lambda v: money(v * 1e9), "")}


def readable(frame, names: dict[str, str] | None = None, formats: dict | None = None):
    """A table for people: every number as text in the units people quote (money as '$50.0B',
    percentages as '80.3%', other numbers plain, never scientific notation), column names in words
    ('total_usd' -> 'total', 'nvidia_share_percent' -> 'nvidia share (%)') unless `names` gives
    them; `formats` gives a formatter for a column (fmt.billions, fmt.percent...). Returns a new
    DataFrame of strings; the data are not changed."""
    import pandas as pd

    names, formats = names or {}, formats or {}
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        label = names.get(column)
        how = formats.get(column)
        for suffix, (formatter, tail) in _SUFFIXES.items():
            if how is None and (str(column).endswith(suffix) or str(column) == suffix[1:]):
                how, label = formatter, label or (str(column)[: -len(suffix)] + tail if str(column) != suffix[1:] else "US dollars")
                break
        label = label or str(column)
        label = label.replace("_", " ")
        if how is None and pd.api.types.is_bool_dtype(values):
            how = lambda v: "yes" if v else "no"  # noqa: E731
        elif how is None and pd.api.types.is_numeric_dtype(values):
            how = number
        elif how is None and pd.api.types.is_datetime64_any_dtype(values):
            how = lambda v: "" if pd.isna(v) else f"{v:%Y-%m-%d}"  # noqa: E731
        out[label] = [how(v) if how else ("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
                      for v in values]
    out.index = out.index.rename(None if frame.index.name is None else str(frame.index.name).replace("_", " "))
    return out
