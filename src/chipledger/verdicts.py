"""The one rule behind every verdict, and the one shape of a verdict table.

Every notebook that checks a claim (claims.csv) computes the evidence from the ledger and hands it to
the functions here, which decide the verdict and its grade. No notebook decides a verdict itself.

How verdicts are decided
------------------------
Verdicts: supported, partly supported, contradicted, not verifiable with public numbers.

1. Numbers. The recomputed value, on the claim's own basis, is rounded to the precision the claim is
   stated in (claims.csv `claimed_precision`: 0.1 for "4.4x", 1 billion for "$50 billion"). Then, by the
   claim's `claimed_bound`:
   - exact ("1.4 million"): supported if the rounded value equals the claim;
   - at_least ("over 1 million") and up_to ("up to 4.4x", a best case): supported if the rounded value
     reaches the claim (more is still supported);
   - range ("30-40%"): supported if the rounded value lies in the range.
   Otherwise, missing the claim by at most PARTLY_WITHIN (10%) of the claimed number (of the nearest end
   of a range) is partly supported, and missing it by more is contradicted.
   Evidence on a narrower basis than the claim (one chip generation where the claim says "all three")
   is at best partly supported. Several values (price snapshots, several sources): supported only if
   every value supports the claim, contradicted only if every value contradicts it, partly supported
   otherwise.
2. Statements (evidence.csv, for claims of kind statement). The strongest statements on record decide
   (the party's own words outrank a reporter's account): supported if one says what the claim says
   and none says otherwise; contradicted if all say otherwise; partly supported if they disagree or
   only say it of less than the claim does; not verifiable with public numbers if there is none. The
   claim's own article is never its evidence.
3. Peak figures are ceilings. A claim about delivered performance, or cost "for comparable
   performance" (claims.csv kind=delivered), is never supported by peak specifications. For an
   absolute claim the peak is a hard ceiling: a claim above it is contradicted. For a comparison of two
   chips the ratio of their peaks is what the claim becomes if both deliver the same fraction of their
   peak; the verdict is not verifiable (grade peak-spec ceiling), `holds_if` states the ratio of
   delivered-to-peak efficiency that would make the claim true, and the claim is contradicted only when
   that ratio would have the chip deliver more than its peak, given its rival's measured efficiency.
4. Grade: the weakest kind of evidence the verdict rests on, strongest first: audited filing, company
   statement, vendor specification, press report, analyst estimate, peak-spec ceiling, model.
5. A claim of several parts ("a dent in Nvidia's near monopoly": a near monopoly, and a dent in it) is
   judged part by part, each by the rules above; like several values of one number, it is supported
   only if every part is, contradicted only if every part is, not verifiable if any part is, and
   partly supported otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from . import data

VERDICTS = ("supported", "partly supported", "contradicted", "not verifiable with public numbers")
SUPPORTED, PARTLY, CONTRADICTED, NOT_VERIFIABLE = VERDICTS
GRADES = ("audited filing", "company statement", "vendor specification", "press report", "analyst estimate",
          "peak-spec ceiling", "model")
"""Kinds of evidence, strongest first."""
PARTLY_WITHIN = 0.10
"""A number that misses the claim by at most this fraction of the claimed number is partly supported."""
BOUNDS = ("exact", "at_least", "up_to", "range")

# sources.csv kind (who published the original) -> the grade of a statement resting on it
_SOURCE_GRADES = {"filing": "audited filing", "official": "company statement", "press": "press report",
                  "third_party": "press report", "analyst": "analyst estimate"}


@dataclass
class Finding:
    """What a notebook found for one claim: the verdict and grade (from the functions below), the
    public figure in words, why, the sources it rests on and, where public numbers cannot settle the
    claim, what would have to be true for it to hold (holds_if)."""

    verdict: str
    grade: str
    public_figure: str
    why: str
    source_ids: list[str] = field(default_factory=list)
    holds_if: str = ""

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"{self.verdict!r} is not one of {VERDICTS}")
        if self.grade not in GRADES:
            raise ValueError(f"grade {self.grade!r} is not one of {GRADES}")


# --- grades --------------------------------------------------------------------------------------

def weakest(grades: Iterable[str]) -> str:
    """The weakest of several grades (the verdict rests on all of them)."""
    grades = list(grades)
    unknown = [g for g in grades if g not in GRADES]
    if unknown or not grades:
        raise ValueError(f"grades must be some of {GRADES}, got {grades}")
    return max(grades, key=GRADES.index)


def source_grade(source_id: str, specification: bool = False) -> str:
    """The grade of evidence read from one source, by the kind of its original publisher. A filing is
    an audited filing (10-K, 10-Q) unless it is an 8-K, whose exhibits (results releases, CFO
    commentary) are the company's unaudited statements; an official figure of a product (a datasheet,
    the Neuron docs) is a vendor specification."""
    source = data.load("sources").set_index("source_id").loc[source_id]
    grade = _SOURCE_GRADES[str(source["kind"])]
    if grade == "audited filing" and "8-K" in str(source["title"]):
        grade = "company statement"
    return "vendor specification" if specification and grade == "company statement" else grade


# --- the rule ------------------------------------------------------------------------------------

def rounded_to(value: float, precision: float) -> float:
    """value rounded to a multiple of `precision`, half away from zero: rounded_to(4.36, 0.1) -> 4.4."""
    if not precision > 0:
        raise ValueError(f"a claim's precision must be more than 0, got {precision!r}")
    steps = abs(value) / precision
    whole = math.floor(steps + 0.5 + 1e-9)  # 1e-9: 4.35 / 0.1 is 43.4999... in binary
    return math.copysign(whole * precision, value)


def number_verdict(value: float, claimed: float, precision: float, bound: str = "exact",
                   claimed_high: float | None = None) -> str:
    """Rule 1 for one recomputed value (see the module docstring)."""
    if bound not in BOUNDS:
        raise ValueError(f"bound {bound!r} is not one of {BOUNDS}")
    if bound == "range" and (claimed_high is None or pd.isna(claimed_high)):
        raise ValueError("a range claim needs its high end")
    shown = rounded_to(value, precision)
    low, high = claimed, claimed_high if bound == "range" else claimed
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=precision * 1e-6)  # noqa: E731
    if bound == "exact" and close(shown, claimed):
        return SUPPORTED
    if bound in ("at_least", "up_to") and (shown > claimed or close(shown, claimed)):
        return SUPPORTED
    if bound == "range" and (low < shown < high or close(shown, low) or close(shown, high)):
        return SUPPORTED
    nearest = low if value < low else high
    return PARTLY if abs(value - nearest) <= PARTLY_WITHIN * abs(nearest) else CONTRADICTED


def numbers_verdict(values: Iterable[float], claim: pd.Series, narrower_basis: bool = False) -> str:
    """Rule 1 for one or more recomputed values of a claim (claims.csv row: claimed_value,
    claimed_high, claimed_bound, claimed_precision)."""
    found = [number_verdict(float(v), float(claim["claimed_value"]), float(claim["claimed_precision"]),
                            str(claim["claimed_bound"]), claim.get("claimed_high"))
             for v in values]
    if not found:
        raise ValueError("no recomputed value to judge the claim by")
    verdict = found[0] if len(set(found)) == 1 else PARTLY
    return PARTLY if narrower_basis and verdict == SUPPORTED else verdict


def parts_verdict(parts: Iterable[str]) -> str:
    """Rule 5: the verdict on a claim of several parts, from each part's verdict."""
    found = list(parts)
    if not found or any(v not in VERDICTS for v in found):
        raise ValueError(f"each part needs one of {VERDICTS}, got {found}")
    if NOT_VERIFIABLE in found:
        return NOT_VERIFIABLE
    return found[0] if len(set(found)) == 1 else PARTLY


def statement_verdict(says: str | Iterable[str] | None) -> str:
    """Rule 2 for what the strongest statements say: each 'same' (says what the claim says), 'narrower'
    (says it of less) or 'otherwise' (says something else); None or nothing: no statement."""
    found = {says} if isinstance(says, str) else set(() if says is None else says)
    if not found:
        return NOT_VERIFIABLE
    unknown = found - {"same", "narrower", "otherwise"}
    if unknown:
        raise ValueError(f"a statement says 'same', 'narrower' or 'otherwise', not {sorted(unknown)}")
    if "same" in found and "otherwise" not in found:
        return SUPPORTED
    if found == {"otherwise"}:
        return CONTRADICTED
    return PARTLY


def ceiling_verdict(required_efficiency_ratio: Iterable[float],
                    rival_measured_efficiency: float | None = None) -> str:
    """Rule 3 for a comparison judged on peak figures: not verifiable, unless (at every snapshot) the
    chip would have to deliver more than its peak: required ratio x the rival's measured fraction of
    its peak > 1. required_efficiency_ratio: (chip's delivered/peak) / (rival's delivered/peak) at
    which the claim holds."""
    ratios = [float(r) for r in required_efficiency_ratio]
    if rival_measured_efficiency is not None and all(r * rival_measured_efficiency > 1 for r in ratios):
        return CONTRADICTED
    return NOT_VERIFIABLE


def absolute_ceiling_verdict(claimed: float, peak_ceiling: float) -> str:
    """Rule 3 for an absolute delivered claim: above its peak-based ceiling it is contradicted; at or
    below it, not verifiable from peak figures."""
    return CONTRADICTED if claimed > peak_ceiling else NOT_VERIFIABLE


def check(claim: pd.Series, finding: Finding) -> Finding:
    """Refuses a finding that breaks rule 3 (a delivered claim supported by peak figures)."""
    if (claim.get("kind") == "delivered" and finding.verdict in (SUPPORTED, PARTLY)
            and finding.grade in ("vendor specification", "peak-spec ceiling")):
        raise ValueError(f"claim {claim.name!r} is about delivered performance: peak figures "
                         f"({finding.grade}) cannot make it {finding.verdict}")
    return finding


# --- statements (evidence.csv) -------------------------------------------------------------------

def statement_grade(row: pd.Series) -> str:
    """The grade of one statement of evidence.csv: audited filing if a filing carries it, company
    statement if it is the party's own words (words=own), else what its source is (a press report)."""
    grade = source_grade(str(row["source_id"]))
    if grade == "audited filing":
        return grade
    return "company statement" if row["words"] == "own" else weakest([grade, "press report"])


def from_statements(claim: pd.Series) -> Finding:
    """Rule 2 for a claim, from its rows in evidence.csv (the claim's own article left out)."""
    rows = data.load("evidence")
    rows = rows[(rows["claim_id"] == claim.name) & (rows["source_id"] != claim["source_id"])]
    if rows.empty:
        return Finding(NOT_VERIFIABLE, "press report", "no statement by the party concerned",
                       "No statement by the party concerned was found; the claim rests on the article alone.")
    rows = rows.assign(grade=[statement_grade(r) for _, r in rows.iterrows()]).sort_values("date")
    strongest = min(rows["grade"], key=GRADES.index)
    best = rows[rows["grade"] == strongest]
    verdict = statement_verdict(best["says"])
    counts = best["says"].value_counts()
    public = ", ".join(f"{n} {_SAYS[k]}" for k, n in counts.items())
    why = " ".join(f"{r['speaker']} ({r['date']:%Y-%m-%d}, {_SAYS[r['says']]}): \"{r['quote']}\""
                   for _, r in best.iterrows())
    others = rows[rows["grade"] != strongest]
    if len(others):
        why += f" Also on record, weaker ({', '.join(sorted(set(others['grade'])))}): {len(others)} statement(s)."
    return Finding(verdict, strongest, public, why, list(best["source_id"]))


_SAYS = {"same": "says what the claim says", "narrower": "says it of less", "otherwise": "says otherwise"}


def statements_for(notebook: str) -> pd.DataFrame:
    """The statements of evidence.csv on the claims of one notebook, with each one's grade, oldest
    first within each claim (the claim's own article left out)."""
    claims = claims_for(notebook)
    rows = data.load("evidence")
    rows = rows[rows["claim_id"].isin(claims.index)]
    rows = rows[rows["source_id"] != rows["claim_id"].map(claims["source_id"])]
    rows = rows.assign(grade=[statement_grade(r) for _, r in rows.iterrows()])
    return rows.sort_values(["claim_id", "date"])[
        ["claim_id", "date", "speaker", "words", "says", "grade", "quote", "source_id"]].reset_index(drop=True)


def on_record(claim: pd.Series) -> str:
    """For a claim not decided by statements: what its claimant and others said of it (evidence.csv),
    in one sentence, or ''."""
    rows = data.load("evidence")
    rows = rows[rows["claim_id"] == claim.name].sort_values("date")  # the claimant's own words included
    if rows.empty:
        return ""
    same = rows[rows["says"] == "same"]
    if len(same):
        first = same.iloc[0]
        return (f"On record: {len(rows)} statement(s), e.g. {first['speaker']} ({first['date']:%Y-%m-%d}): "
                f"\"{first['quote']}\"")
    first = rows.iloc[0]
    return (f"On record: {len(rows)} statement(s), none saying what the claim says, e.g. {first['speaker']} "
            f"({first['date']:%Y-%m-%d}): \"{first['quote']}\"")


def default_finding(claim: pd.Series) -> Finding:
    """A claim no notebook-specific check is written for: from its statements if it is one (rule 2),
    else visibly unchecked."""
    return from_statements(claim) if claim.get("kind") == "statement" else unchecked(claim)


# --- claims and the shared table -----------------------------------------------------------------

def claims_for(notebook: str) -> pd.DataFrame:
    """The claims assigned to one notebook (claims.csv), indexed by claim_id."""
    claims = data.load("claims")
    return claims[claims["notebook"] == notebook].set_index("claim_id")


def claimed_text(claim: pd.Series) -> str:
    """What a claim states, in words: '$50.0B', 'up to 4.4x', '30-40%', 'over 1,000,000 chips'."""
    if pd.isna(claim["claimed_value"]):
        return "(no number)"
    unit = str(claim["claimed_unit"])
    value = _number(claim["claimed_value"], unit)
    if pd.notna(claim.get("claimed_high")):
        low = _number(claim["claimed_value"], "")
        value = f"{low}-{_number(claim['claimed_high'], unit)}"
    prefix = {"at_least": "at least ", "up_to": "up to "}.get(str(claim.get("claimed_bound", "")), "")
    return prefix + value


def _number(value: float, unit: str) -> str:
    from .fmt import money, number

    value = float(value)
    plain = f"{value:,.0f}" if value.is_integer() else number(value)
    if unit == "USD":
        return money(value)
    if not unit:
        return plain
    if unit == "percent":
        return f"{plain}%"
    if unit == "times":
        return f"{plain}x"
    return f"{plain} {unit}"


COLUMNS = ["claim", "claimed", "public_figure", "evidence_source_id", "verdict", "grade", "why", "holds_if"]


def verdict_table(findings: dict[str, tuple[pd.Series, Finding]]) -> pd.DataFrame:
    """claim_id -> (claim row, Finding) as the shared verdict table, indexed by claim_id."""
    rows = []
    for claim_id, (claim, finding) in findings.items():
        check(claim, finding)
        why = finding.why
        if claim.get("kind") != "statement" and (note := on_record(claim)):
            why = f"{why} {note}"
        rows.append({"claim_id": claim_id, "claim": claim["quote"], "claimed": claimed_text(claim),
                     "public_figure": finding.public_figure,
                     "evidence_source_id": ", ".join(dict.fromkeys(finding.source_ids)),
                     "verdict": finding.verdict, "grade": finding.grade, "why": why,
                     "holds_if": finding.holds_if})
    return pd.DataFrame(rows, columns=["claim_id", *COLUMNS]).set_index("claim_id")


def unchecked(claim: pd.Series) -> Finding:
    """The finding for a claim no check is written for (it is then visibly unverified, never dropped)."""
    return Finding(NOT_VERIFIABLE, "model", "none", "No check is written for this claim yet.")
