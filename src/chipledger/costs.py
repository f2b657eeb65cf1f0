"""Cloud costs for notebooks/04_cloud_costs.ipynb: what each priced instance costs per chip, per dense
PFLOP, per TB/s of HBM bandwidth and per GB of HBM, the June 2025 price cut, break-even discounts and
the price-performance claims.

Prices are US dollars per hour for the whole system (prices.csv); capacity comes from
systems.derived_totals() (chips x the chip's preferred figures).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import data, metrics, systems, verdicts

PRICE_METRICS = {
    "usd_per_chip_hour": ("chips", metrics.usd_per_chip_hour),
    "usd_per_bf16_dense_pflop_hour": ("bf16_dense_flops", metrics.usd_per_pflop_hour),
    "usd_per_fp8_dense_pflop_hour": ("fp8_dense_flops", metrics.usd_per_pflop_hour),
    "usd_per_hbm_tb_per_s_hour": ("hbm_bandwidth_bytes_per_s", metrics.usd_per_hbm_tb_per_s_hour),
    "usd_per_hbm_gb_hour": ("hbm_bytes", metrics.usd_per_hbm_gb_hour),
}


def priced() -> pd.DataFrame:
    """Every price observation with the system's capacity and each price metric (PRICE_METRICS)."""
    prices = data.load("prices")
    totals = systems.derived_totals()
    frame = prices.join(totals, on="system_id")
    for column, (capacity, function) in PRICE_METRICS.items():
        frame[column] = function(frame["usd_per_hour"], frame[capacity].astype(float))
    return frame


def latest(pricing: str, region: str | None = None) -> pd.DataFrame:
    """For each system, its most recent observation of one pricing kind (latest observed date, then
    latest effective date; us-east-1 first when several regions share them), indexed by system_id."""
    frame = priced()
    frame = frame[frame["pricing"] == pricing]
    if region:
        frame = frame[frame["region"] == region]
    frame = frame.assign(not_us_east_1=frame["region"] != "us-east-1")
    frame = frame.sort_values(["system_id", "observed", "effective", "not_us_east_1"],
                              ascending=[True, False, False, True])
    return frame.drop_duplicates("system_id").set_index("system_id").drop(columns="not_us_east_1")


def metric_table(pricing: str) -> pd.DataFrame:
    """The latest price of each system for one pricing kind, with every price metric, cheapest per
    dense BF16 PFLOP first."""
    frame = latest(pricing)
    columns = ["chip_id", "chips", "region", "effective", "usd_per_hour", *PRICE_METRICS, "source_id"]
    table = frame[columns].sort_values("usd_per_bf16_dense_pflop_hour")
    return table.round({column: 3 for column in ["usd_per_hour", *PRICE_METRICS]})


def unpriced_systems() -> pd.DataFrame:
    """Systems with no public price of any kind in the ledger."""
    totals = systems.derived_totals()
    priced_ids = set(data.load("prices")["system_id"])
    missing = totals[~totals.index.isin(priced_ids)]
    return missing[["name", "vendor", "kind", "chip_id", "chips"]]


def june_2025_cut() -> pd.DataFrame:
    """On-demand prices in force before and after AWS's June 2025 cut, for each instance with both.

    Columns: before_usd_per_hour, before_effective, after_usd_per_hour, after_effective, change_percent.
    """
    on_demand = priced()
    on_demand = on_demand[(on_demand["pricing"] == "on_demand") & (on_demand["region"] == "us-east-1")]
    cut = pd.Timestamp("2025-06-01")
    rows = []
    for system_id, group in on_demand.groupby("system_id"):
        before = group[group["effective"] < cut].sort_values("effective")
        after = group[group["effective"] >= cut].sort_values("effective")
        if before.empty or after.empty:
            continue
        old, new = before.iloc[-1], after.iloc[0]
        rows.append({"system_id": system_id, "before_usd_per_hour": old["usd_per_hour"],
                     "before_effective": old["effective"], "after_usd_per_hour": new["usd_per_hour"],
                     "after_effective": new["effective"],
                     "change_percent": round((new["usd_per_hour"] / old["usd_per_hour"] - 1) * 100, 1),
                     "source_id": new["source_id"]})
    return pd.DataFrame(rows).set_index("system_id")


def same_snapshot(system_ids: list[str], pricing: str) -> pd.DataFrame:
    """The latest observation date on which every system has a price of this kind, and those prices
    (one per system, us-east-1 first). Empty if the systems never share a date."""
    frame = priced()
    frame = frame[(frame["pricing"] == pricing) & frame["system_id"].isin(system_ids)]
    shared = [day for day, group in frame.groupby("observed") if set(group["system_id"]) >= set(system_ids)]
    if not shared:
        return frame.iloc[0:0]
    day = max(shared)
    rows = frame[frame["observed"] == day].assign(not_us_east_1=lambda f: f["region"] != "us-east-1")
    rows = rows.sort_values(["system_id", "not_us_east_1"]).drop_duplicates("system_id")
    return rows.set_index("system_id").drop(columns="not_us_east_1")


def break_even_discounts(trainium: str, rivals: list[str], pricing: str) -> pd.DataFrame:
    """For each rival: the discount off the Trainium system's price, in percent, at which it costs the
    same as the rival per dense BF16 PFLOP, per dense FP8 PFLOP and per TB/s of HBM bandwidth.
    Negative: the Trainium system is already cheaper and could cost that much more. One snapshot."""
    snapshot = same_snapshot([trainium, *rivals], pricing)
    columns = ["usd_per_bf16_dense_pflop_hour", "usd_per_fp8_dense_pflop_hour", "usd_per_hbm_tb_per_s_hour"]
    rows = []
    for rival in rivals:
        row = {"rival": rival, "observed": snapshot.at[rival, "observed"]}
        for column in columns:
            row[column.replace("usd_per_", "discount_percent_for_equal_usd_per_")] = 100 * metrics.break_even_discount(
                snapshot.at[trainium, column], snapshot.at[rival, column])
        rows.append(row)
    table = pd.DataFrame(rows).set_index("rival")
    return table.round({c: 1 for c in table.columns if c != "observed"})


def price_performance_advantage(trainium: str, rivals: list[str], pricing: str) -> pd.DataFrame:
    """How much more capacity per dollar the Trainium system buys than each rival, in percent
    (rival's price per unit / Trainium's - 1), on dense BF16, dense FP8 and HBM bandwidth."""
    snapshot = same_snapshot([trainium, *rivals], pricing)
    columns = {"dense BF16": "usd_per_bf16_dense_pflop_hour", "dense FP8": "usd_per_fp8_dense_pflop_hour",
               "HBM bandwidth": "usd_per_hbm_tb_per_s_hour"}
    table = pd.DataFrame({label: [(snapshot.at[r, c] / snapshot.at[trainium, c] - 1) * 100 for r in rivals]
                          for label, c in columns.items()}, index=pd.Index(rivals, name="rival"))
    table = table.round(1)
    table["observed"] = [snapshot.at[r, "observed"] for r in rivals]
    return table


def cost_claim_verdicts() -> pd.DataFrame:
    """Verdicts on the claims assigned to 04_cloud_costs.ipynb, computed from the ledger."""
    claims = verdicts.claims_for("04_cloud_costs.ipynb")
    rows = []
    for claim_id, claim in claims.iterrows():
        if claim_id == "aws-trn2-price-performance":
            rows.append((claim_id, claim, *_trn2_price_performance(claim)))
        elif claim_id == "trn3-half-the-cost":
            unpriced = unpriced_systems()
            trn3 = unpriced[unpriced["chip_id"] == "trainium3"]
            if len(trn3) == len(systems.derived_totals().query("chip_id == 'trainium3'")):
                rows.append((claim_id, claim, "no public Trn3 price", "", verdicts.NOT_VERIFIABLE,
                             f"None of the {len(trn3)} Trn3 UltraServer types has a public price of any kind "
                             "(on-demand, savings plan, reserved or capacity block) in the sources read."))
            else:
                rows.append((claim_id, claim, "a Trn3 price exists", "", verdicts.NOT_VERIFIABLE,
                             "A Trn3 price is now in the ledger: this check needs updating."))
        else:
            rows.append(verdicts.unchecked(claim_id, claim))
    return verdicts.verdict_table(rows)


def _trn2_price_performance(claim: pd.Series) -> tuple[str, str, str, str]:
    """Trn2 against P5e and P5en on peak specs at the same capacity-block snapshot (Trn2 has no
    on-demand price)."""
    rivals = ["p5e.48xlarge", "p5en.48xlarge"]
    table = price_performance_advantage("trn2.48xlarge", rivals, "capacity_block")
    measures = ["dense BF16", "dense FP8", "HBM bandwidth"]
    values = table[measures].to_numpy()
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    claimed = claim["claimed_value"]
    if low >= claimed:
        verdict = "supported"
    elif high >= claimed:
        verdict = "partly supported"
    else:
        verdict = "contradicted"
    day = table["observed"].iloc[0]
    sources = ", ".join(sorted(set(same_snapshot(["trn2.48xlarge", *rivals], "capacity_block")["source_id"])))
    why = (f"At capacity-block prices observed {day:%Y-%m-%d}, a trn2.48xlarge buys {low:.0f}% to {high:.0f}% "
           "more peak dense compute and HBM bandwidth per dollar than p5e/p5en. Peak specs only: the claim is "
           "about delivered performance, which public numbers do not measure.")
    return f"{low:.0f}% to {high:.0f}% more per dollar (peak)", sources, verdict, why


def summary_lines() -> list[str]:
    """Three sentences of findings, computed from the ledger (the notebook's summary)."""
    blocks = metric_table("capacity_block")
    cheapest = blocks.index[0]
    cut = june_2025_cut()
    unpriced = unpriced_systems()
    counts = cost_claim_verdicts()["verdict"]
    return [
        f"At the latest EC2 Capacity Block prices, the cheapest dense BF16 compute is the {cheapest} at "
        f"${blocks.iloc[0]['usd_per_bf16_dense_pflop_hour']:.2f} per PFLOP-hour; an H100 p5.48xlarge costs "
        f"${blocks.at['p5.48xlarge', 'usd_per_bf16_dense_pflop_hour']:.2f}.",
        "AWS's June 2025 cut took on-demand prices down by "
        + ", ".join(f"{-c:.0f}% ({s})" for s, c in cut["change_percent"].items())
        + f"; {len(unpriced)} systems have no public price at all, among them every Trn3 UltraServer.",
        "Verdicts: " + ", ".join(f"{n} {v}" for v, n in counts.value_counts().items()) + ".",
    ]
