"""The story on one page (notebooks/00_overview.ipynb): every claim's verdict, gathered from the
notebook that computes it, and the headline numbers."""

from __future__ import annotations

import pandas as pd

from . import chips, costs, data, market, power, systems
from .verdicts import VERDICTS

# notebook -> (title, the section that computes its verdicts)
NOTEBOOKS = {
    "01_market.ipynb": ("Market", "Verdicts on the market claims"),
    "02_chips.ipynb": ("Chips", "Verdict on the chip claim"),
    "03_systems.ipynb": ("Systems", "Verdicts"),
    "04_cloud_costs.ipynb": ("Cloud costs", "The claims"),
    "05_power_and_inference.ipynb": ("Power and inference", "The claims on power and tokens per megawatt"),
}


def all_verdicts() -> pd.DataFrame:
    """Every claim in claims.csv with the verdict its notebook computes, the evidence in one line,
    where it is computed, whose claim it is, and what new public number would change the verdict."""
    tables = [market.market_verdicts(), chips.chip_claim_verdicts(), systems.system_claim_verdicts(),
              costs.cost_claim_verdicts(), power.power_claim_verdicts()]
    verdicts = pd.concat(tables)
    claims = data.load("claims").set_index("claim_id")
    sources = data.load("sources").set_index("source_id")
    missing = set(claims.index) - set(verdicts.index)
    if missing:
        raise ValueError(f"no notebook computes a verdict for: {', '.join(sorted(missing))}")
    out = verdicts.loc[claims.index].copy()
    out["whose_claim"] = claims["source_id"].map(sources["publisher"])
    out["evidence"] = out["public_figure"].astype(str) + ": " + out["why"].astype(str)
    out["notebook"] = claims["notebook"]
    out["section"] = claims["notebook"].map(lambda n: NOTEBOOKS[n][1])
    # JupyterLab and nbconvert give a heading the id of its text with spaces as hyphens
    out["link"] = out["notebook"] + "#" + out["section"].str.replace(" ", "-")
    out["would_change_it"] = claims["would_change_it"]
    return out[["claim", "whose_claim", "claimed", "verdict", "evidence", "link", "would_change_it"]]


def verdict_counts(verdicts: pd.DataFrame) -> pd.Series:
    """How many claims got each verdict, in the order of VERDICTS."""
    return verdicts["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def summary_lines(verdicts: pd.DataFrame) -> list[str]:
    """Three sentences of findings, computed from the ledger."""
    counts = verdict_counts(verdicts)
    article = verdicts[verdicts["whose_claim"].str.startswith("TechCrunch")]
    specs = data.specs()
    t3 = specs.loc["trainium3"]
    nvidia_best = specs[specs["vendor"] == "NVIDIA"]["fp8_dense_flops"].idxmax()
    return [
        f"Of {len(verdicts)} claims checked ({len(article)} from the article, the rest AWS's own): "
        + ", ".join(f"{n} {v}" for v, n in counts.items()) + ".",
        f"Chip for chip, Trainium3 peaks at {t3['fp8_dense_flops'] / 1e15:.2f} dense 8-bit PFLOPS with "
        f"{t3['hbm_bandwidth_bytes_per_s'] / 1e12:.1f} TB/s of HBM; NVIDIA's {specs.at[nvidia_best, 'name']} "
        f"{specs.at[nvidia_best, 'fp8_dense_flops'] / 1e15:.1f} PFLOPS and "
        f"{specs.at[nvidia_best, 'hbm_bandwidth_bytes_per_s'] / 1e12:.1f} TB/s.",
        _price_line(),
    ]


def _price_line() -> str:
    blocks = costs.metric_table("capacity_block")
    cheapest = blocks.index[0]
    nvidia = blocks[~blocks["chip_id"].str.startswith("trainium")]
    return (f"At EC2 Capacity Block prices the cheapest dense BF16 PFLOP-hour is {cheapest}'s "
            f"(${blocks.iloc[0]['usd_per_bf16_dense_pflop_hour']:.2f}); the cheapest on NVIDIA is "
            f"{nvidia.index[0]}'s (${nvidia.iloc[0]['usd_per_bf16_dense_pflop_hour']:.2f}).")
