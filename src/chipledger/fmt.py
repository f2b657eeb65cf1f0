"""Numbers in the units people quote, for every table and sentence a reader sees.

Never scientific notation: money as "$50.0B" or "$2.235/h", compute as "2.25 PFLOPS", memory as
"96 GiB", bandwidth as "2.9 TB/s".
"""

from __future__ import annotations

import math
import re


def _missing(value) -> bool:
    """None or NaN: a cell with no number."""
    return value is None or (isinstance(value, float) and math.isnan(value))


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
    1978.9 -> '1,978.9', 0.01234 -> '0.0123', 92.5 -> '92.5'; NaN gives ''."""
    if _missing(value):
        return ""
    value = float(value)
    if value == 0:
        return "0"
    if abs(value) >= 1000:  # whole numbers with commas; a stated tenth is kept (1,978.9 TFLOPS)
        return _trimmed(value, 1, keep=0)
    significant = max(decimals, 0)
    digits = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    return _trimmed(value, digits, keep=0)


def percent(value: float, decimals: int = 1) -> str:
    """A percentage already in percent: 80.337 -> '80.3%'; NaN gives ''."""
    if _missing(value):
        return ""
    return f"{_trimmed(float(value), decimals, keep=0)}%"


def billions(value: float) -> str:
    """A value in billions of US dollars as money: 75.2 -> '$75.2B'; NaN gives ''."""
    if _missing(value):
        return ""
    return money(float(value) * 1e9)


def flops(value: float) -> str:
    """FLOP/s for readers: 2.25e15 -> '2.25 PFLOPS', 9.895e14 -> '989.5 TFLOPS'; NaN gives ''."""
    if _missing(value):
        return ""
    value = float(value)
    return f"{number(value / 1e15, 4)} PFLOPS" if value >= 1e15 else f"{number(value / 1e12, 4)} TFLOPS"


def gib(value: float) -> str:
    """Bytes as binary gigabytes, the basis every vendor's HBM is compared on: 103079215104 -> '96 GiB'."""
    if _missing(value):
        return ""
    return f"{number(float(value) / 2**30)} GiB"


def bandwidth(value: float) -> str:
    """Bytes per second, decimal: 2.9e12 -> '2.9 TB/s', 6.4e11 -> '640 GB/s'."""
    if _missing(value):
        return ""
    value = float(value)
    return f"{number(value / 1e12)} TB/s" if value >= 1e12 else f"{number(value / 1e9)} GB/s"


def watts(value: float) -> str:
    """Watts: 1000.0 -> '1,000 W'; 2.0e9 -> '2 GW'."""
    if _missing(value):
        return ""
    value = float(value)
    for scale, unit in ((1e9, "GW"), (1e6, "MW"), (1e4, "kW")):
        if abs(value) >= scale:
            return f"{number(value / (1e3 if unit == 'kW' else scale))} {unit}"
    return f"{number(value)} W"


def _text(value) -> str:
    """A text cell: empty for missing, a vocabulary word with its underscores as spaces
    ('letter_of_intent' -> 'letter of intent'), anything else as it is."""
    if _missing(value):
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text.replace("_", " ") if _VOCABULARY.fullmatch(text) else text


_VOCABULARY = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
# column-name suffix -> (how its values read, what the suffix becomes in the column's name)
_SUFFIXES = {"_usd_per_hour": (lambda v: money(v, "h"), ""), "_usd": (money, ""), "_percent": (percent, ""),
             "_billion": (billions, ""), "_bytes_per_s": (bandwidth, ""), "_bytes": (gib, ""), "_flops": (flops, ""),
             "_w": (watts, "")}


def use_display() -> None:
    """pandas display options for the notebooks: whole cells (full URLs and quotes), wide tables."""
    import pandas as pd

    pd.set_option("display.max_rows", 300, "display.max_columns", 40, "display.width", 160,
                  "display.max_colwidth", None)


def column_format(column: str):
    """(formatter, label) a column's name asks for, or (None, None): money for *_usd and usd_per_*
    (per hour where the name says hour), percent for *_percent, billions for *_billion, bytes,
    bandwidth, FLOP/s and watts for *_bytes, *_bytes_per_s, *_flops and *_w (not *_per_w)."""
    name = str(column)
    if "usd_per" in name:
        hourly = name.endswith("hour") or "_hour_" in name
        return (lambda v: money(v, "h") if hourly else money(v)), name.replace("usd_per", "$ per")
    if name in ("usd", "usd_billion"):
        return (money if name == "usd" else billions), "US dollars"
    for suffix, (formatter, tail) in _SUFFIXES.items():
        if name.endswith(suffix) and not name.endswith("_per" + suffix):
            return formatter, name[: -len(suffix)] + tail
    return None, None


def readable(frame, names: dict[str, str] | None = None, formats: dict | None = None):
    """A table for people: every number as text in the units people quote (money as '$50.0B',
    '$2.235/h'; percentages as '80.3%'; FLOP/s, GiB, TB/s, W; other numbers plain, never scientific
    notation), column names in words ('total_usd' -> 'total') unless `names` gives them, vocabulary
    words with spaces ('letter_of_intent' -> 'letter of intent'; ids are left as they are); `formats`
    gives a formatter for a column (fmt.billions, fmt.percent...). A table whose first column is an id
    (deal_id, source_id, ...) and whose index is a plain row number gets that id as its index, where a
    reader can look it up. Returns a new DataFrame of strings; the data are not changed."""
    import pandas as pd

    names, formats = names or {}, formats or {}
    if "chip_id" in frame.columns and "chip" not in frame.columns and "chip_id" not in formats:
        from . import data  # a chip is named as people name it; its id stays in the ledger

        names = {"chip_id": "chip", **names}
        chip_names = data.load("chips").set_index("chip_id")["name"].to_dict()
        formats = {**formats, "chip_id": lambda v: _text(chip_names.get(v, v))}
    first = str(frame.columns[0]) if len(frame.columns) else ""
    if first.endswith("_id") and first != "chip_id" and isinstance(frame.index, pd.RangeIndex):
        frame = frame.set_index(first)
    out = pd.DataFrame(index=frame.index.copy())
    for column in frame.columns:
        values = frame[column]
        how, label = formats.get(column), names.get(column)
        if how is None:
            how, suggested = column_format(column)
            label = label or suggested
        label = label or str(column)
        label = label if column in names else label.replace("_", " ")
        is_id = str(column).endswith("_id") or str(column).endswith("_ids")
        if how is None and (str(column) == "year" or str(column).endswith("_year")):
            how = lambda v: "" if pd.isna(v) else str(v)  # noqa: E731
        if how is None and pd.api.types.is_bool_dtype(values):
            how = lambda v: "yes" if v else "no"  # noqa: E731
        elif how is None and pd.api.types.is_numeric_dtype(values):
            how = number
        elif how is None and pd.api.types.is_datetime64_any_dtype(values):
            how = lambda v: "" if pd.isna(v) else f"{v:%Y-%m-%d}"  # noqa: E731
        elif how is None and is_id:
            how = lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)  # noqa: E731
        out[label] = [how(v) if how else _text(v) for v in values]
    if frame.index.name is not None:
        out.index = out.index.rename(str(frame.index.name).replace("_", " "))
    return out
