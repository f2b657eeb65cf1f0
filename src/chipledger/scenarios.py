"""A small vectorised uncertainty engine: draws over each assumption's range, pushed through a plain
numpy function, summarised as the median and the 5-95% interval.

Distribution: triangular on [low, high] with its mode at `central`. We know a range and a most likely
value for each input and nothing about its shape; the triangle puts most weight near the central
value, never leaves the stated range (no negative PUE, no utilisation above 1) and needs no further
parameter. An assumption with low == high is a constant. Draws are independent between assumptions
and reproducible: the same seed gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

DEFAULT_SEED = 20260322  # the seed article's date
Model = Callable[[Mapping[str, np.ndarray]], np.ndarray]


def draw(assumptions: pd.DataFrame, n: int, seed: int = DEFAULT_SEED) -> dict[str, np.ndarray]:
    """n draws of every assumption (rows indexed by id, columns low, central, high)."""
    if n < 1:
        raise ValueError(f"need at least one draw, got n={n}")
    rng = np.random.default_rng(seed)
    draws = {}
    for assumption_id, row in assumptions.iterrows():
        low, central, high = float(row["low"]), float(row["central"]), float(row["high"])
        if not low <= central <= high:
            raise ValueError(f"assumption {assumption_id!r}: need low <= central <= high, got "
                             f"{low}, {central}, {high}")
        if low == high:
            draws[assumption_id] = np.full(n, central)
        else:
            draws[assumption_id] = rng.triangular(low, central, high, size=n)
    return draws


def central(assumptions: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every assumption at its central value (as one-element arrays)."""
    return {a: np.array([float(v)]) for a, v in assumptions["central"].items()}


def run(model: Model, assumptions: pd.DataFrame, n: int, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The model's output for n joint draws of the assumptions."""
    values = np.asarray(model(draw(assumptions, n, seed)), dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("the model produced inf or NaN for some draws")
    return values


def summarise(values: np.ndarray) -> pd.Series:
    """Median and 5-95% interval of a set of draws."""
    p5, median, p95 = np.percentile(values, [5, 50, 95])
    return pd.Series({"p5": p5, "median": median, "p95": p95})


def sensitivity(model: Model, assumptions: pd.DataFrame) -> pd.DataFrame:
    """One-at-a-time swings: the output with each assumption at its low and at its high end, all
    others central, sorted by the size of the swing (a tornado chart's rows). Columns: at_low,
    at_high, swing, description (the assumption in words, where the table has one), central_output
    (the output with every assumption central: the tornado's centre, which is not the median of a
    simulation when an assumption's range is lopsided)."""
    base = central(assumptions)
    centre = float(np.asarray(model(base))[0])
    rows = []
    for assumption_id, row in assumptions.iterrows():
        ends = {}
        for end in ("low", "high"):
            inputs = dict(base)
            inputs[assumption_id] = np.array([float(row[end])])
            ends[end] = float(np.asarray(model(inputs))[0])
        rows.append({"assumption_id": assumption_id, "at_low": ends["low"], "at_high": ends["high"],
                     "swing": abs(ends["high"] - ends["low"]),
                     "description": row.get("description", assumption_id) if hasattr(row, "get") else assumption_id})
    table = pd.DataFrame(rows).set_index("assumption_id")
    table["central_output"] = centre
    return table[table["swing"] > 0].sort_values("swing", ascending=False)
