"""The one preference rule: which of several published figures for the same thing a comparison uses.

Every figure stays in the ledger as its source states it; for each chip (or system), metric, precision
and sparsity, `choose` keeps the candidates that pass each test in turn and stops when one is left:

1. Stated over estimated: an analyst's estimate is used only where no source states the figure. A
   measurement (an nvidia-smi or neuron-ls reading) is evidence of how a figure is meant, never the figure.
2. The vendor's newest revision: a figure whose source a later revision supersedes (sources.csv
   `supersedes`) is dropped.
3. The chip's own specification: a figure of the chip's (or system's) reference document, its
   source_id in chips.csv or systems.csv (the product page or datasheet), over the vendor's other
   documents (blogs, whitepapers, press releases) and everyone else's.
4. An exact figure over a rounded one: a figure is dropped when another, stated for as many chips,
   gives the same value to a finer precision, i.e. it is a rounding of the other (3,352 GB/s over
   3.35 TB/s; 2,039 GB/s over 2 TB/s). A total divided by its chips is no more exact than a per-chip
   figure, and a dense figure we halve from a sparse one is as exact as the sparse one.
5. The better copy: the original or a faithful mirror over a transcription, a transcription over a
   compilation, a compilation over a summary (sources.csv `copy_kind`). A vendor's figure restated by
   someone else (a press report, a blog) is at best a transcription of it, however faithfully we read
   the report; an analyst's own estimate is an original.
6. Stated over derived (a dense figure stated by its source over one we halve from a sparse figure).
7. Ties: a per-chip figure over a board or rack total, then the figure most of the group's sources
   agree with (within 0.5%), then the vendor's own document over another's, then the first source id
   in alphabetical order (the reason then says it was a tie).

The figures compared are per chip (or per system) in SI units on the comparison basis
(chipledger.units.COMPARISON_UNIT), so "80 GB" and "80 GiB" of HBM are the same figure.
"""

from __future__ import annotations

import math

import pandas as pd

COPY_RANK = {"original": 0, "mirror": 0, "transcription": 1, "compilation": 2, "summary": 3}
BASIS_RANK = {"official": 0, "derived": 0, "estimate": 1}
VENDOR_KINDS = ("official", "filing")


def stated_precision(text: str) -> float:
    """One unit of the last digit a figure is written with: '2.2' -> 0.1, '2.25' -> 0.01, '180' -> 1."""
    text = str(text).strip()
    if "e" in text.lower():
        text = f"{float(text):f}".rstrip("0").rstrip(".")
    return 10.0 ** -len(text.partition(".")[2])


def _superseded(sources: pd.DataFrame) -> dict[str, set[str]]:
    """source_id -> every source it supersedes, directly or through later revisions."""
    direct = {sid: {s.strip() for s in str(text).split(";") if s.strip()}
              for sid, text in sources["supersedes"].fillna("").items()}
    closed = {}
    for sid in direct:
        seen, todo = set(), list(direct[sid])
        while todo:
            other = todo.pop()
            if other not in seen:
                seen.add(other)
                todo.extend(direct.get(other, ()))
        closed[sid] = seen
    return closed


def choose(figures: pd.DataFrame, key: list[str], sources: pd.DataFrame,
           reference: pd.Series | None = None) -> pd.DataFrame:
    """figures with two more columns: `preferred` (exactly one True per value of `key` among rows that
    are not measurements) and `preferred_because` (on the chosen row: the test that decided).

    figures needs the columns of `key` and value (as stated), unit_precision (the stated value's last
    digit, per chip, in SI: stated_precision x unit factor / chips), per_unit_si (the figure per chip or
    system in SI on the comparison basis), chips_in_figure, basis and source_id. sources: sources.csv
    indexed by source_id. reference: key[0] value (chip_id, system_id) -> its reference document.
    """
    figures = figures.copy()
    figures["preferred"] = False
    figures["preferred_because"] = ""
    superseded = _superseded(sources)
    kinds, copies = sources["kind"], sources["copy_kind"]
    for _, group in figures.groupby(key, sort=False, dropna=False):
        candidates = group[group["basis"] != "measured"]
        if candidates.empty:
            continue
        own_document = reference.get(candidates[key[0]].iloc[0]) if reference is not None else None
        chosen, because = _decide(candidates, superseded, kinds, copies, own_document)
        figures.loc[chosen, "preferred"] = True
        figures.loc[chosen, "preferred_because"] = because
    return figures


def _decide(rows: pd.DataFrame, superseded: dict[str, set[str]], kinds: pd.Series, copies: pd.Series,
            own_document: str | None):
    """(index of the chosen row, the reason) for one group of candidates."""
    if len(rows) == 1:
        return rows.index[0], "the only figure"
    group, steps = rows, []

    stated = rows[rows["basis"].map(BASIS_RANK) == 0]
    if len(stated) and len(stated) < len(rows):
        rows = stated
        steps.append("stated over estimated")
    elif not len(stated):
        steps.append("an estimate: no source states it")

    newer = {s for sid in rows["source_id"] for s in superseded.get(sid, ())}
    current = rows[~rows["source_id"].isin(newer)]
    if 0 < len(current) < len(rows):
        dropped = sorted(set(rows["source_id"]) - set(current["source_id"]))
        rows = current
        steps.append(f"newest revision (supersedes {', '.join(dropped)})")

    own_spec = rows[rows["source_id"] == own_document]
    if 0 < len(own_spec) < len(rows):
        rows = own_spec
        steps.append(f"the chip's own specification ({own_document})")

    exact = rows[[not _rounded_by_another(i, rows) for i in rows.index]]
    if 0 < len(exact) < len(rows):
        steps.append(f"exact over rounded ({_shown(exact.iloc[0])} over "
                     f"{', '.join(sorted({_shown(r) for _, r in rows.drop(exact.index).iterrows()}))})")
        rows = exact

    rank = rows["source_id"].map(copies).map(COPY_RANK)
    restated = ~rows["source_id"].map(kinds).isin(VENDOR_KINDS) & (rows["basis"] != "estimate")
    rank = rank.where(~restated, rank.clip(lower=COPY_RANK["transcription"]))
    best = rows[rank == rank.min()]
    if len(best) < len(rows):
        steps.append(f"better copy ({rows.loc[best.index[0], 'source_id']}: "
                     f"{copies[rows.loc[best.index[0], 'source_id']]}, over "
                     f"{', '.join(sorted({copies[s] for s in rows['source_id']} - {copies[best.iloc[0]['source_id']]}))})")
        rows = best

    own = rows[rows["basis"] != "derived"]
    if 0 < len(own) < len(rows):
        rows = own
        steps.append("stated over derived")

    if len(rows) > 1:
        order = rows.assign(
            _per_chip=(rows["chips_in_figure"].fillna(1) != 1).astype(int),
            _disagreeing=[-int((abs(group["per_unit_si"] / v - 1) <= 0.005).sum()) for v in rows["per_unit_si"]],
            _vendor=(~rows["source_id"].map(kinds).isin(VENDOR_KINDS)).astype(int),
        ).sort_values(["_per_chip", "_disagreeing", "_vendor", "source_id"])
        steps.append("a tie: a per-chip figure, then the figure most sources agree with, then the vendor's own "
                     "document, then source id")
        rows = order.iloc[:1]
    return rows.index[0], "; ".join(steps)


def _rounded_by_another(index, rows: pd.DataFrame) -> bool:
    """True if another row states the same figure to a finer precision than this row (this one is a
    rounding of it): |other - this| <= half this row's last digit."""
    this = rows.loc[index]
    for other_index, other in rows.iterrows():
        if other_index == index or not other["unit_precision"] < this["unit_precision"]:
            continue
        if other["chips_in_figure"] != this["chips_in_figure"]:
            continue
        if math.isclose(other["per_unit_si"], this["per_unit_si"], rel_tol=1e-12):
            continue
        if abs(other["per_unit_si"] - this["per_unit_si"]) <= this["unit_precision"] / 2 * (1 + 1e-9):
            return True
    return False


def _shown(row: pd.Series) -> str:
    from .fmt import number

    return f"{number(row['value'])} {row['unit']}"
