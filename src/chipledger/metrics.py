"""Derived measures of chips: roofline ridge points, bytes per FLOP, generation-over-generation ratios.

Inputs are frames like chipledger.specs(): SI units (FLOP/s, bytes, bytes/s, W), one row per chip.
A missing input gives NaN, never 0 or inf.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where either is missing or the denominator is not positive."""
    denominator = denominator.where(denominator > 0)
    return numerator / denominator


def ridge_point_flop_per_byte(specs: pd.DataFrame, flops_column: str = "bf16_dense_flops") -> pd.Series:
    """Arithmetic intensity (FLOP per byte of HBM traffic) at which the roofline turns flat.

    Below it a kernel is bound by memory bandwidth, above it by compute: peak FLOP/s / HBM bytes/s.
    """
    return _ratio(specs[flops_column], specs["hbm_bandwidth_bytes_per_s"]).rename("ridge_flop_per_byte")


def bytes_per_flop(specs: pd.DataFrame, flops_column: str = "bf16_dense_flops") -> pd.Series:
    """HBM bytes per second available for each FLOP per second of peak compute (1 / ridge point)."""
    return _ratio(specs["hbm_bandwidth_bytes_per_s"], specs[flops_column]).rename("bytes_per_flop")


def attainable_flops(peak_flops: float, bandwidth_bytes_per_s: float,
                     intensity_flop_per_byte: np.ndarray) -> np.ndarray:
    """Roofline: attainable FLOP/s at each arithmetic intensity = min(peak, bandwidth x intensity)."""
    intensity = np.asarray(intensity_flop_per_byte, dtype=float)
    return np.minimum(peak_flops, bandwidth_bytes_per_s * intensity)


def generation_gains(specs: pd.DataFrame, predecessors: pd.Series, columns: list[str]) -> pd.DataFrame:
    """Each chip's figures divided by its predecessor's (1.0 = no change; NaN where either is unknown).

    predecessors: chip_id -> the chip_id it succeeds (chips.csv column `predecessor`).
    Returns one row per chip that has a predecessor: vendor, chip, predecessor, then one ratio per column.
    """
    pairs = predecessors.dropna()
    pairs = pairs[pairs.isin(specs.index)]
    rows = []
    for chip, previous in pairs.items():
        row = {"vendor": specs.at[chip, "vendor"], "chip": specs.at[chip, "name"],
               "predecessor": specs.at[previous, "name"]}
        for column in columns:
            new, old = specs.at[chip, column], specs.at[previous, column]
            row[column] = new / old if (pd.notna(new) and pd.notna(old) and old > 0) else np.nan
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(pairs.index, name="chip_id"))


# --- price per unit of capacity (notebook 04) ------------------------------------------------------
# Each takes the hourly price of a whole system and the system's total of the resource, as numbers or
# pandas Series, and gives NaN (never inf) where the total is missing or not positive.

def usd_per_chip_hour(usd_per_hour, chips):
    """US dollars per accelerator-chip-hour."""
    return _per(usd_per_hour, chips, 1.0)


def usd_per_pflop_hour(usd_per_hour, flops):
    """US dollars per hour of one PFLOP/s of peak compute (flops in FLOP/s)."""
    return _per(usd_per_hour, flops, 1e15)


def usd_per_hbm_tb_per_s_hour(usd_per_hour, hbm_bandwidth_bytes_per_s):
    """US dollars per hour of one TB/s of HBM bandwidth (bandwidth in bytes/s)."""
    return _per(usd_per_hour, hbm_bandwidth_bytes_per_s, 1e12)


def usd_per_hbm_gib_hour(usd_per_hour, hbm_bytes):
    """US dollars per hour of one GiB (2^30 bytes, the basis HBM capacity is compared on) of HBM."""
    return _per(usd_per_hour, hbm_bytes, 2.0**30)


def _per(usd_per_hour, amount, unit: float):
    amount = amount / unit
    if isinstance(amount, pd.Series) or isinstance(usd_per_hour, pd.Series):
        return (usd_per_hour / amount.where(amount > 0)).astype(float)
    return float(usd_per_hour) / amount if amount > 0 else float("nan")


def break_even_discount(price: float, rival_price: float) -> float:
    """Fraction off `price` at which it equals `rival_price` (both per the same unit, e.g. USD per
    PFLOP-hour). Negative: already cheaper, by that fraction of the rival's advantage to give up."""
    return 1.0 - rival_price / price
