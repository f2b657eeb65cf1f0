"""The story on one page (notebooks/00_overview.ipynb): every claim's verdict, gathered from the
notebook that computes it, and the headline numbers."""

from __future__ import annotations

import pandas as pd

from . import chips, costs, data, delivered, market, power, systems
from .fmt import money
from .verdicts import VERDICTS

# notebook -> (title, the section that computes its verdicts)
NOTEBOOKS = {
    "01_market.ipynb": ("Market", "Verdicts on the market claims"),
    "02_chips.ipynb": ("Chips", "Verdict on the chip claim"),
    "03_systems.ipynb": ("Systems", "Verdicts"),
    "04_cloud_costs.ipynb": ("Cloud costs", "The claims"),
    "05_power_and_inference.ipynb": ("Power and inference", "The claims on power and tokens per megawatt"),
    "06_delivered.ipynb": ("Delivered", "Trainium2: what the public runs show, and what the claims need"),
}


def all_verdicts() -> pd.DataFrame:
    """Every claim in claims.csv with the verdict and grade its notebook computes (chipledger.verdicts),
    indexed by claim_id.

    Columns: claim, whose_claim, claimed, verdict, grade, evidence (the public figure and why, in one
    line), notebook, section (the heading that computes it), link (notebook#anchor), would_change_it,
    holds_if (what would have to be true for the claim to hold, where public numbers cannot settle it).
    """
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
    return out[["claim", "whose_claim", "claimed", "verdict", "grade", "evidence", "notebook", "section", "link",
                "would_change_it", "holds_if"]]


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


def bottom_line() -> list[str]:
    """Five lines: where Trainium leads, where it trails, and three unknowns, each with the public
    number that would settle it; every figure computed from the ledger."""
    specs = data.specs()
    blocks = costs.metric_table("capacity_block")
    column = "usd_per_bf16_dense_pflop_hour"
    trainium = blocks[blocks["chip_id"].str.startswith("trainium")]
    nvidia = blocks[~blocks["chip_id"].str.startswith("trainium")]
    more_per_dollar = (nvidia[column].min() / trainium[column].min() - 1) * 100
    totals = systems.derived_totals()
    widest = totals[totals["chip_vendor"] == "AWS"]["scaleup_chips"].max()
    nvidia_widest = totals[(totals["chip_vendor"] == "NVIDIA") & (totals["vendor"] == "AWS")]["scaleup_chips"].max()
    shares = chips.blackwell_shares(specs)
    match = power.trn3_power_to_match()
    estimate = power.chip_power_w().loc["trainium3"]
    half = costs.trn3_half_cost_prices()
    gb200 = half[(half["rival"] == "p6e-gb200-ultraserver") & (half["measure"] == "dense FP8")]
    claims = data.load("claims").set_index("claim_id")
    need = delivered.required_for_claim("trainium2", ["h200-sxm"], float(claims.at["aws-trn2-price-performance", "claimed_value"]) / 100)
    return [
        f"Where Trainium leads: price per peak and size. At EC2 Capacity Block prices Trainium buys {more_per_dollar:.0f}% "
        f"more dense BF16 per dollar than the cheapest NVIDIA instance, and a Trn3 UltraServer joins {widest} chips "
        f"in one scale-up domain, against {nvidia_widest} in the largest NVIDIA system AWS rents.",
        f"Where it trails: the chip. Trainium3 has {shares['fp8_dense_flops'][0]:.0%}-{shares['fp8_dense_flops'][1]:.0%} "
        f"of a Blackwell GPU's dense 8-bit peak and {shares['hbm_bandwidth_bytes_per_s'][0]:.0%}-"
        f"{shares['hbm_bandwidth_bytes_per_s'][1]:.0%} of its HBM bandwidth.",
        f"Unknown: delivered performance. AWS's chips have {len(delivered.trainium_in_mlperf())} results in MLPerf "
        f"Inference v5.1 and no public benchmark pairs them like for like with a GPU; AWS's "
        f"'{claims.at['aws-trn2-price-performance', 'quote'].split(' than')[0]}' and its 5x per megawatt rest on its own "
        f"measurements. Settled by an audited MLPerf result: at least {need.at['h200-sxm', 'tokens_per_s_per_chip_needed']:,.0f} "
        "output tokens/s per Trainium2 on Llama 2 70B Offline would bear out the 30%.",
        f"Unknown: what Trn3 costs. No Trn3 UltraServer has a public price. Settled by one: below "
        f"{money(gb200['trn3_usd_per_hour_for_half_cost'].iloc[0], 'h')} a Trn3 Gen2 UltraServer would cost half as much "
        "as a P6e-GB200 UltraServer per dense FP8 PFLOP, at equal efficiency.",
        f"Unknown: what Trainium draws. AWS publishes no chip power (estimates: {estimate['low']:,.0f}-"
        f"{estimate['high']:,.0f} W for Trainium3). Settled by an official figure: below "
        f"{match['trainium3_w_to_match'].min():,.0f} W Trainium3 would beat the B200's dense 8-bit compute per watt.",
    ]
