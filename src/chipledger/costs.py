"""Cloud costs for notebooks/04_cloud_costs.ipynb: what each priced instance costs per chip, per dense
PFLOP, per TB/s of HBM bandwidth and per GiB of HBM, the June 2025 price cut, break-even discounts and
the price-performance claims.

Prices are US dollars per hour for the whole system (prices.csv); capacity comes from
systems.derived_totals() (chips x the chip's preferred figures).
"""

from __future__ import annotations

import pandas as pd

from . import data, metrics, systems, verdicts
from .fmt import money

PRICE_METRICS = {
    "usd_per_chip_hour": ("chips", metrics.usd_per_chip_hour),
    "usd_per_bf16_dense_pflop_hour": ("bf16_dense_flops", metrics.usd_per_pflop_hour),
    "usd_per_fp8_dense_pflop_hour": ("fp8_dense_flops", metrics.usd_per_pflop_hour),
    "usd_per_hbm_tb_per_s_hour": ("hbm_bandwidth_bytes_per_s", metrics.usd_per_hbm_tb_per_s_hour),
    "usd_per_hbm_gib_hour": ("hbm_bytes", metrics.usd_per_hbm_gib_hour),
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


SNAPSHOT_WINDOW_DAYS = 7
"""Prices observed up to this many days apart count as one snapshot of the market."""


def snapshots(system_ids: list[str], pricing: str, window_days: int = SNAPSHOT_WINDOW_DAYS) -> pd.DataFrame:
    """Every snapshot at which all the systems have a price of this kind: for each observation date d,
    each system's latest price observed in [d - window_days, d] (us-east-1 first on a tie), kept if
    every system has one and the set of prices differs from the previous snapshot's.

    Returns priced() rows with a column `snapshot` (the date d), oldest snapshot first.
    """
    frame = priced()
    frame = frame[(frame["pricing"] == pricing) & frame["system_id"].isin(system_ids)]
    frame = frame.assign(not_us_east_1=frame["region"] != "us-east-1")
    window = pd.Timedelta(days=window_days)
    taken, previous = [], None
    for day in sorted(frame["observed"].unique()):
        rows = frame[(frame["observed"] <= day) & (frame["observed"] >= day - window)]
        rows = rows.sort_values(["system_id", "observed", "not_us_east_1"], ascending=[True, False, True])
        rows = rows.drop_duplicates("system_id")
        if set(rows["system_id"]) != set(system_ids):
            continue
        key = tuple(sorted(zip(rows["system_id"], rows["usd_per_hour"].round(2))))
        if key != previous:
            taken.append(rows.assign(snapshot=day))
            previous = key
    if not taken:
        return frame.iloc[0:0].assign(snapshot=pd.NaT).drop(columns="not_us_east_1")
    return pd.concat(taken).drop(columns="not_us_east_1").reset_index(drop=True)


def same_snapshot(system_ids: list[str], pricing: str) -> pd.DataFrame:
    """The latest snapshot (see snapshots()) at which every system has a price of this kind, indexed by
    system_id. Empty if the systems never share one."""
    every = snapshots(system_ids, pricing)
    if every.empty:
        return every.set_index("system_id")
    return every[every["snapshot"] == every["snapshot"].max()].set_index("system_id")


def break_even_discounts(trainium: str, rivals: list[str], pricing: str) -> pd.DataFrame:
    """For each rival: the discount off the Trainium system's price, in percent, at which it costs the
    same as the rival per dense BF16 PFLOP, per dense FP8 PFLOP and per TB/s of HBM bandwidth.
    Negative: the Trainium system is already cheaper and could cost that much more. Latest snapshot."""
    snapshot = same_snapshot([trainium, *rivals], pricing)
    columns = ["usd_per_bf16_dense_pflop_hour", "usd_per_fp8_dense_pflop_hour", "usd_per_hbm_tb_per_s_hour"]
    rows = []
    for rival in rivals:
        row = {"rival": rival, "snapshot": snapshot.at[rival, "snapshot"]}
        for column in columns:
            row[column.replace("usd_per_", "discount_percent_for_equal_usd_per_")] = 100 * metrics.break_even_discount(
                snapshot.at[trainium, column], snapshot.at[rival, column])
        rows.append(row)
    table = pd.DataFrame(rows).set_index("rival")
    return table.round({c: 1 for c in table.columns if c != "snapshot"})


ADVANTAGE_MEASURES = {"dense BF16": "usd_per_bf16_dense_pflop_hour", "dense FP8": "usd_per_fp8_dense_pflop_hour",
                      "HBM bandwidth": "usd_per_hbm_tb_per_s_hour"}


def price_performance_over_time(trainium: str, rivals: list[str], pricing: str) -> pd.DataFrame:
    """At every snapshot (snapshots()), how much more PEAK capacity per dollar the Trainium system buys
    than each rival, in percent (rival's price per unit / Trainium's - 1), on dense BF16, dense FP8
    and HBM bandwidth. One row per snapshot and rival, oldest first."""
    every = snapshots([trainium, *rivals], pricing)
    rows = []
    for day, group in every.groupby("snapshot"):
        group = group.set_index("system_id")
        for rival in rivals:
            row = {"snapshot": day, "rival": rival}
            for label, column in ADVANTAGE_MEASURES.items():
                row[label] = (group.at[rival, column] / group.at[trainium, column] - 1) * 100
            rows.append(row)
    return pd.DataFrame(rows).round({label: 1 for label in ADVANTAGE_MEASURES})


def price_performance_advantage(trainium: str, rivals: list[str], pricing: str) -> pd.DataFrame:
    """price_performance_over_time() at the latest snapshot, indexed by rival."""
    table = price_performance_over_time(trainium, rivals, pricing)
    latest_rows = table[table["snapshot"] == table["snapshot"].max()]
    return latest_rows.set_index("rival")[[*ADVANTAGE_MEASURES, "snapshot"]]


def cost_claim_verdicts() -> pd.DataFrame:
    """Verdicts on the claims assigned to 04_cloud_costs.ipynb, decided by chipledger.verdicts."""
    checks = {"aws-trn2-price-performance": _trn2_price_performance, "trn3-half-the-cost": _trn3_half_the_cost}
    claims = verdicts.claims_for("04_cloud_costs.ipynb")
    return verdicts.verdict_table({claim_id: (claim, checks.get(claim_id, verdicts.default_finding)(claim))
                                   for claim_id, claim in claims.iterrows()})


TRN2_RIVALS = ["p5e.48xlarge", "p5en.48xlarge"]


def trn2_required_efficiency(claim: pd.Series) -> pd.DataFrame:
    """At each capacity-block snapshot: the least peak advantage of trn2.48xlarge over P5e/P5en (on
    any measure) and the ratio of delivered-to-peak efficiency (Trainium2's / the GPU's) at which
    its delivered price performance would be claimed_value% to claimed_high% better."""
    table = price_performance_over_time("trn2.48xlarge", TRN2_RIVALS, "capacity_block")
    least = table.groupby("snapshot")[list(ADVANTAGE_MEASURES)].min().min(axis=1).rename("least_peak_advantage_percent")
    most = table.groupby("snapshot")[list(ADVANTAGE_MEASURES)].max().max(axis=1).rename("most_peak_advantage_percent")
    out = pd.concat([least, most], axis=1)
    low, high = float(claim["claimed_value"]), float(claim["claimed_high"])
    out["efficiency_ratio_for_claim_low"] = (1 + low / 100) / (1 + out["least_peak_advantage_percent"] / 100)
    out["efficiency_ratio_for_claim_high"] = (1 + high / 100) / (1 + out["least_peak_advantage_percent"] / 100)
    return out.round(2)


def _trn2_price_performance(claim: pd.Series) -> verdicts.Finding:
    """Trn2 against P5e and P5en at every capacity-block snapshot (Trn2 has no on-demand price), on
    peak specs: a ceiling, never support (chipledger.verdicts rule 3)."""
    from . import delivered

    needed = trn2_required_efficiency(claim)
    every = snapshots(["trn2.48xlarge", *TRN2_RIVALS], "capacity_block")
    days = ", ".join(f"{d:%Y-%m-%d}" for d in needed.index)
    h200 = delivered.measured_efficiency().at["h200-sxm", "highest"]
    verdict = verdicts.ceiling_verdict(needed["efficiency_ratio_for_claim_low"], rival_measured_efficiency=h200)
    rate = delivered.required_for_claim("trainium2", ["h200-sxm"], float(claim["claimed_value"]) / 100)
    low, high = needed["least_peak_advantage_percent"].min(), needed["most_peak_advantage_percent"].max()
    why = (f"At the {len(needed)} capacity-block snapshots ({days}) a trn2.48xlarge buys {low:.0f}% to {high:.0f}% "
           "more PEAK dense compute and HBM bandwidth per dollar than p5e/p5en. Peak per dollar is a ceiling: the "
           "claim is about delivered price performance, which depends on the fraction of its peak each chip "
           "delivers.")
    ratios = needed["efficiency_ratio_for_claim_low"]
    holds = ("Trainium2 delivers at least " + " / ".join(
        f"{r:.2f}x ({d:%Y-%m-%d})" for d, r in ratios.items())
        + f" the fraction of its peak that P5e/P5en deliver (for {claim['claimed_value']:g}% better; "
        f"{needed['efficiency_ratio_for_claim_high'].min():.2f}x-{needed['efficiency_ratio_for_claim_high'].max():.2f}x "
        f"for {claim['claimed_high']:g}%), on the measure least favourable to it. On MLPerf's Llama 2 70B Offline "
        f"that is {rate.at['h200-sxm', 'tokens_per_s_per_chip_needed']:,.0f} output tokens/s per Trainium2 "
        f"({rate.at['h200-sxm', 'fraction_of_roofline_needed']:.0%} of its roofline; the H200 measures "
        f"{h200:.0%}) at today's cheapest chip-hours.")
    return verdicts.Finding(verdict, "peak-spec ceiling", f"peak ceiling {low:.0f}% to {high:.0f}% more per dollar",
                            why, sorted(set(every["source_id"])), holds)


TRN3_SYSTEM = "trn3-ultraserver-gen2"
TRN3_RIVALS = ["p6e-gb200-ultraserver", "p6-b200.48xlarge", "p6-b300.48xlarge"]
HALF_COST_MEASURES = {"dense FP8": ("fp8_dense_flops", "usd_per_fp8_dense_pflop_hour", 1e15),
                      "HBM bandwidth": ("hbm_bandwidth_bytes_per_s", "usd_per_hbm_tb_per_s_hour", 1e12)}


def trn3_half_cost_prices(pricing: str = "capacity_block") -> pd.DataFrame:
    """The hourly price of a Trn3 Gen2 UltraServer (144 chips) at which it would cost half as much as
    each rival per dense FP8 PFLOP and per TB/s of HBM bandwidth, at the rival's latest price of this
    kind, if both delivered the same fraction of their peak; and, if Trn3 were priced per chip-hour
    like Trainium2 (trn2.48xlarge's latest capacity-block chip-hour), the ratio of delivered-to-peak
    efficiency Trn3 would need against the GPU for half the cost."""
    totals = systems.derived_totals()
    trn3 = totals.loc[TRN3_SYSTEM]
    rivals = latest(pricing).loc[[r for r in TRN3_RIVALS if r in latest(pricing).index]]
    trn2_chip_hour = float(latest("capacity_block").at["trn2.48xlarge", "usd_per_chip_hour"])
    reference = trn2_chip_hour * float(trn3["chips"])
    rows = []
    for rival, row in rivals.iterrows():
        for label, (capacity, price_column, unit) in HALF_COST_MEASURES.items():
            half_cost_price = 0.5 * row[price_column] * float(trn3[capacity]) / unit
            rows.append({"rival": rival, "measure": label, "rival_usd_per_hour": row["usd_per_hour"],
                         "rival_observed": row["observed"], "trn3_usd_per_hour_for_half_cost": half_cost_price,
                         "trn3_usd_per_hour_at_trn2_chip_price": reference,
                         "efficiency_ratio_needed_at_trn2_chip_price": reference / half_cost_price,
                         "source_id": row["source_id"]})
    return pd.DataFrame(rows).round({"trn3_usd_per_hour_for_half_cost": 2, "trn3_usd_per_hour_at_trn2_chip_price": 2,
                                     "efficiency_ratio_needed_at_trn2_chip_price": 2})


def _trn3_half_the_cost(claim: pd.Series) -> verdicts.Finding:
    priced_trn3 = set(data.load("prices")["system_id"]) & set(
        systems.derived_totals().query("chip_id == 'trainium3'").index)
    table = trn3_half_cost_prices()
    gb200 = table[table["rival"] == "p6e-gb200-ultraserver"]
    low, high = table["trn3_usd_per_hour_for_half_cost"].min(), table["trn3_usd_per_hour_for_half_cost"].max()
    ratio = table["efficiency_ratio_needed_at_trn2_chip_price"]
    why = ("No Trn3 UltraServer has a public price of any kind in the sources read" if not priced_trn3 else
           f"A Trn3 price is in the ledger ({', '.join(sorted(priced_trn3))}) but this check uses the break-even")
    why += ("; 'comparable performance' is delivered performance, which public numbers do not measure for Trn3. "
            "The break-even below uses peak dense FP8 and HBM bandwidth at the GPUs' latest capacity-block prices.")
    holds = (f"A Trn3 Gen2 UltraServer (144 chips) rents for at most {money(low, 'h')} to {money(high, 'h')} "
             f"(half the cost per dense FP8 PFLOP or per TB/s of HBM of p6e-gb200, p6-b200 and p6-b300; "
             f"{money(gb200['trn3_usd_per_hour_for_half_cost'].min(), 'h')} against p6e-gb200) at equal efficiency; "
             f"or, priced per chip-hour like Trainium2 ({money(table['trn3_usd_per_hour_at_trn2_chip_price'].iloc[0], 'h')}), "
             f"it delivers {ratio.min():.2f}x to {ratio.max():.2f}x the GPU's fraction of peak.")
    return verdicts.Finding(verdicts.ceiling_verdict(ratio), "peak-spec ceiling", "no public Trn3 price", why,
                            [*sorted(set(table["source_id"])), _system_source(TRN3_SYSTEM)], holds)


def _system_source(system_id: str) -> str:
    return str(data.load("systems").set_index("system_id").at[system_id, "source_id"])


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


def what_this_means() -> str:
    """The notebook's bottom line in one sentence, computed from the ledger."""
    blocks = metric_table("capacity_block")
    trainium = blocks[blocks["chip_id"].str.startswith("trainium")]
    nvidia = blocks[~blocks["chip_id"].str.startswith("trainium")]
    column = "usd_per_bf16_dense_pflop_hour"
    cheaper = (1 - trainium[column].min() / nvidia[column].min()) * 100
    claim = verdicts.claims_for("04_cloud_costs.ipynb").loc["aws-trn2-price-performance"]
    needed = trn2_required_efficiency(claim)["efficiency_ratio_for_claim_low"]
    return (f"What this means: on peak capacity per dollar, {trainium[column].idxmin()} is the cheapest "
            f"accelerator AWS rents ({cheaper:.0f}% below the cheapest NVIDIA instance per dense BF16 PFLOP-hour); "
            f"AWS's '30-40%' holds only if Trainium2 delivers at least {needed.min():.2f}x-{needed.max():.2f}x "
            "the GPUs' fraction of peak, which no public benchmark measures.")
