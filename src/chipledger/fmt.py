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
