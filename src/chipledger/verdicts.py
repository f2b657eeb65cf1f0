"""The one shape of a claim's verdict, shared by the notebooks that compute them.

Each notebook's module has a *_verdicts() function that checks the claims.csv rows assigned to that
notebook against the ledger and returns verdict_table(...): one row per claim with the claim's words,
what it claims, the public figure, the evidence's source, the verdict and why.
"""

from __future__ import annotations

import pandas as pd

from . import data

VERDICTS = ("supported", "partly supported", "contradicted", "not verifiable with public numbers")
NOT_VERIFIABLE = VERDICTS[3]


def claims_for(notebook: str) -> pd.DataFrame:
    """The claims assigned to one notebook (claims.csv), indexed by claim_id."""
    claims = data.load("claims")
    return claims[claims["notebook"] == notebook].set_index("claim_id")


def claimed_text(claim: pd.Series) -> str:
    """What a claim states, in words: '50,000,000,000 USD', '30-40 percent', '(no number)'."""
    if pd.isna(claim["claimed_value"]):
        return "(no number)"
    value = _number(claim["claimed_value"])
    if pd.notna(claim.get("claimed_high")):
        value += f"-{_number(claim['claimed_high'])}"
    return f"{value} {claim['claimed_unit']}"


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def verdict_table(rows: list[tuple[str, pd.Series, str, str, str, str]]) -> pd.DataFrame:
    """rows of (claim_id, claim, public_figure, evidence_source_id, verdict, why) as the shared table."""
    for claim_id, _, _, _, verdict, _ in rows:
        if verdict not in VERDICTS:
            raise ValueError(f"claim {claim_id!r}: {verdict!r} is not one of {VERDICTS}")
    return pd.DataFrame(
        [{"claim_id": claim_id, "claim": claim["quote"], "claimed": claimed_text(claim), "public_figure": public,
          "evidence_source_id": source_id, "verdict": verdict, "why": why}
         for claim_id, claim, public, source_id, verdict, why in rows],
        columns=["claim_id", "claim", "claimed", "public_figure", "evidence_source_id", "verdict", "why"],
    ).set_index("claim_id")


def unchecked(claim_id: str, claim: pd.Series) -> tuple[str, pd.Series, str, str, str, str]:
    """The row for a claim no check is written for (it is then visibly unverified, never dropped)."""
    return claim_id, claim, "none", "", NOT_VERIFIABLE, "No check is written for this claim yet."
