"""Power and inference economics for notebooks/05_power_and_inference.ipynb, with uncertainty.

Every uncertain input is a row of assumptions.csv (low, central, high) or a chip power from
chip_specs.csv: NVIDIA's official TDP (no range), or for Trainium, whose power AWS does not publish, an
estimate with its range. The scenarios engine draws them jointly (seeded) and the
models of chipledger.inference turn the draws into chips, FLOP/s, tokens and dollars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import costs, data, inference, scenarios, verdicts
from .fmt import money

DRAWS = 10_000  # per result in the notebook: medians and 5-95% bounds stable to about 1%
# the chip each gigawatt deal buys, where the ledger has it (deal_id -> chip_id)
DEAL_CHIPS = {"openai-amazon-2026": "trainium3", "anthropic-aws-2026-compute": "trainium3",
              "openai-nvidia-10gw": "rubin"}
MODELS = {  # reference model -> (active-parameter assumption, bytes-per-parameter assumption)
    "dense ~70B (Llama 3.3 70B), FP8": ("dense_model_parameters", "bytes_per_parameter_fp8"),
    "MoE 671B / 37B active (DeepSeek-V3), FP8": ("moe_model_active_parameters", "bytes_per_parameter_fp8"),
}


DELIVERED_FRACTION = "delivered_fraction_of_roofline"


def assumptions() -> pd.DataFrame:
    """assumptions.csv indexed by id, plus one chip-power row per chip (chip_power_w:<chip_id>) and the
    fraction of the compute roofline the measured GPUs deliver (DELIVERED_FRACTION: the lowest, median
    and highest of the chips' median fractions in MLPerf Llama 2 70B Offline, chipledger.delivered),
    the efficiency a chip with no measurement is assumed to reach."""
    from . import delivered

    table = data.load("assumptions").set_index("assumption_id")
    rows = chip_power_w()
    extra = rows.rename(index=lambda c: f"chip_power_w:{c}")[["low", "central", "high", "source_id"]]
    names = data.load("chips").set_index("chip_id")["name"]
    extra = extra.assign(unit="W", description=[f"{names.get(c, c)} chip power" for c in rows.index],
                         rationale="see chip_power_w()")
    measured = delivered.measured_efficiency()
    medians = measured[measured["vendor"] == "NVIDIA"]["median"]
    fraction = pd.DataFrame({"low": [medians.min()], "central": [medians.median()], "high": [medians.max()],
                             "unit": ["fraction"], "source_id": ["mlperf-inference-v5.1-summary"],
                             "description": ["fraction of the compute roofline delivered (measured GPUs)"],
                             "rationale": ["see delivered.measured_efficiency()"]}, index=[DELIVERED_FRACTION])
    return pd.concat([table, extra[~extra.index.isin(table.index)], fraction])


def chip_power_w() -> pd.DataFrame:
    """Power of each chip in watts (low, central, high), its basis and source, from the preferred tdp
    figure of chip_specs.csv: NVIDIA's official TDP (no range), or an estimate with its range where the
    vendor publishes none (AWS publishes no Trainium power). Chips with neither are left out."""
    figures = data.chip_figures()
    tdp = figures[figures["metric"] == "tdp"].set_index("chip_id")
    copies = data.load("sources").set_index("source_id")["copy_kind"]
    rows = {}
    for chip_id, row in tdp.iterrows():
        estimate = row["basis"] == "estimate"
        rows[chip_id] = {"low": row["si_low"] if estimate else row["si_value"], "central": row["si_value"],
                         "high": row["si_high"] if estimate else row["si_value"],
                         "basis": "estimate (chip_specs.csv)" if estimate else "official TDP",
                         "source_id": row["source_id"], "copy_kind": copies[row["source_id"]]}
    order = [c for c in data.load("chips")["chip_id"] if c in rows]
    return pd.DataFrame(rows).T.loc[order].astype({"low": float, "central": float, "high": float})


def _table(ids: list[str], table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The low/central/high rows of `ids` (floats) with each one's description and source_id, from
    `table` (assumptions()) or a fresh assumptions()."""
    table = assumptions() if table is None else table
    rows = table.loc[ids]
    return rows[["low", "central", "high"]].astype(float).assign(description=rows["description"],
                                                                  source_id=rows["source_id"])


def perf_per_watt() -> pd.DataFrame:
    """Dense FP8 TFLOPS per watt of chip power (chip only), central and the range the power's range gives."""
    specs = data.specs()
    power = chip_power_w()
    flops = specs.loc[power.index, "fp8_dense_flops"]
    table = pd.DataFrame({
        "name": specs.loc[power.index, "name"], "vendor": specs.loc[power.index, "vendor"],
        "fp8_dense_tflops": flops / 1e12, "power_w": power["central"], "power_basis": power["basis"],
        "power_copy_kind": power["copy_kind"],
        "tflops_per_w": flops / 1e12 / power["central"],
        "tflops_per_w_low": flops / 1e12 / power["high"],
        "tflops_per_w_high": flops / 1e12 / power["low"],
    })
    return table.dropna(subset=["tflops_per_w"]).round(3)


def gigawatt_deals(n: int = DRAWS, seed: int = scenarios.DEFAULT_SEED) -> pd.DataFrame:
    """For each gigawatt deal whose chips the ledger has: how many chips the gigawatts power and how
    many dense FP8 exaFLOPS that is (median and 5-95% interval over PUE, host power and chip power)."""
    from . import market

    deals = market.gigawatt_deals().set_index("deal_id")
    specs = data.specs()
    table = assumptions()  # built once: it loads the chips' power from the ledger
    rows = []
    for deal_id, chip_id in DEAL_CHIPS.items():
        if deal_id not in deals.index:
            continue
        gw = float(deals.at[deal_id, "gigawatts"])
        ids = ["pue_ai_datacenter", "host_power_per_accelerator_w", f"chip_power_w:{chip_id}"]

        def chips(d, gw=gw, chip_id=chip_id):
            return inference.chips_per_gigawatts(gw, d[f"chip_power_w:{chip_id}"],
                                                 d["host_power_per_accelerator_w"], d["pue_ai_datacenter"])

        chip_draws = scenarios.run(chips, _table(ids, table), n, seed)
        flops = chip_draws * specs.at[chip_id, "fp8_dense_flops"] / 1e18
        c, f = scenarios.summarise(chip_draws / 1e6), scenarios.summarise(flops)
        rows.append({"deal_id": deal_id, "parties": deals.at[deal_id, "parties"], "gigawatts": gw,
                     "chip": specs.at[chip_id, "name"],
                     "chips_million_median": c["median"], "chips_million_p5": c["p5"], "chips_million_p95": c["p95"],
                     "fp8_dense_eflops_median": f["median"], "fp8_dense_eflops_p5": f["p5"],
                     "fp8_dense_eflops_p95": f["p95"], "source_id": deals.at[deal_id, "source_id"]})
    return pd.DataFrame(rows).set_index("deal_id").round(2)


def gigawatt_model(chip_id: str, gigawatts: float):
    """The chips-per-gigawatts model for one chip, for sensitivity(); returns (model, assumption table)."""
    ids = ["pue_ai_datacenter", "host_power_per_accelerator_w", f"chip_power_w:{chip_id}"]

    def chips(d):
        return inference.chips_per_gigawatts(gigawatts, d[f"chip_power_w:{chip_id}"],
                                             d["host_power_per_accelerator_w"], d["pue_ai_datacenter"])
    return chips, _table(ids)


def chip_hour_prices() -> pd.Series:
    """Cheapest public price per chip-hour of each chip (USD), from the latest capacity-block
    observation, or on-demand where a chip has no capacity-block price."""
    prices = pd.concat([costs.latest("capacity_block"), costs.latest("on_demand")])
    return prices.groupby("chip_id")["usd_per_chip_hour"].min()


def chip_hour_price_sources(chip_ids=None) -> pd.DataFrame:
    """The price rows behind chip_hour_prices() (the cheapest chip-hour of each chip), with their
    sources: what a chart drawing those prices rests on. Columns: chip_id, system_id, usd_per_chip_hour,
    source_id."""
    prices = pd.concat([costs.latest("capacity_block"), costs.latest("on_demand")]).reset_index()
    prices = prices.rename(columns={"index": "system_id"}) if "system_id" not in prices else prices
    cheapest = prices.loc[prices.groupby("chip_id")["usd_per_chip_hour"].idxmin()]
    if chip_ids is not None:
        cheapest = cheapest[cheapest["chip_id"].isin(list(chip_ids))]
    return cheapest[["chip_id", "system_id", "usd_per_chip_hour", "source_id"]].reset_index(drop=True)


def token_model(chip_id: str, model: str):
    """Model of dollars per million tokens (compute-bound serving) for one chip and reference model;
    returns (function, assumption table) for scenarios.run and scenarios.sensitivity."""
    specs = data.specs()
    price = float(chip_hour_prices()[chip_id])
    active, _ = MODELS[model]
    ids = [DELIVERED_FRACTION, "utilisation", active]

    def usd_per_million(d):
        rate = inference.prefill_tokens_per_s(specs.at[chip_id, "fp8_dense_flops"], d[DELIVERED_FRACTION], d[active])
        return inference.usd_per_million_tokens(price, rate, d["utilisation"])
    return usd_per_million, _table(ids)


def measured_rates(workload: str = "llama2-70b", scenario: str = "offline") -> pd.DataFrame:
    """Per chip with MLPerf results of the dense 70B-class model: the lowest, median and highest
    measured output tokens/s per chip (chipledger.delivered), as an assumption-like table."""
    from . import delivered

    rows = delivered.results()
    rows = rows[rows["suite"].str.startswith("mlperf") & (rows["workload"] == workload)
                & (rows["scenario"] == scenario) & (rows["metric"] == "tokens_per_s")]
    table = rows.groupby("chip_id")["tokens_per_s_per_chip"].agg(["min", "median", "max"])
    return table.rename(columns={"min": "low", "median": "central", "max": "high"})


def token_economics(n: int = DRAWS, seed: int = scenarios.DEFAULT_SEED) -> pd.DataFrame:
    """Per priced chip and reference model: decode tokens/s per chip at batch 1 (memory-bound),
    tokens/s per chip at full throughput, US dollars per million tokens at that rate and the fleet
    utilisation at the chip's cheapest public chip-hour price, and the electricity alone in that million
    tokens (chips with a power figure). Medians and 5-95%.

    Full throughput is MEASURED where MLPerf has the chip on a dense 70B model (Llama 2 70B Offline:
    the range of per-chip rates over submissions; `throughput` says "measured"); for any other chip and
    the MoE model it is the 8-bit roofline times the fraction of it the measured GPUs deliver
    (DELIVERED_FRACTION; "assumed")."""
    specs = data.specs()
    prices = chip_hour_prices()
    table = assumptions()  # built once: it loads the chips' power from the ledger
    powered = {i.split(":", 1)[1] for i in table.index if i.startswith("chip_power_w:")}
    measured = measured_rates()
    rows = []
    for chip_id in prices.index:
        if pd.isna(specs.at[chip_id, "fp8_dense_flops"]):
            continue  # no 8-bit compute figure (A100)
        for model, (active, bytes_id) in MODELS.items():
            ids = ["mbu_decode", DELIVERED_FRACTION, "utilisation", active, bytes_id, "pue_ai_datacenter",
                   "host_power_per_accelerator_w", "electricity_price_usd_per_kwh"]
            ids += [f"chip_power_w:{chip_id}"] if chip_id in powered else []
            draws = scenarios.draw(_table(ids, table), n, seed)
            decode = inference.decode_tokens_per_s(specs.at[chip_id, "hbm_bandwidth_bytes_per_s"],
                                                   draws["mbu_decode"], draws[active], draws[bytes_id])
            prefill = inference.prefill_tokens_per_s(specs.at[chip_id, "fp8_dense_flops"],
                                                     draws[DELIVERED_FRACTION], draws[active])
            basis = "assumed: the measured GPUs' fraction of roofline"
            if model.startswith("dense") and chip_id in measured.index:
                prefill = scenarios.draw(measured.loc[[chip_id]].rename(index=lambda c: "rate"), n, seed)["rate"]
                basis = "measured (MLPerf Llama 2 70B Offline)"
            dollars = inference.usd_per_million_tokens(prices[chip_id], prefill, draws["utilisation"])
            d, p, u = scenarios.summarise(decode), scenarios.summarise(prefill), scenarios.summarise(dollars)
            energy = np.nan
            if chip_id in powered:
                watts = inference.all_in_watts_per_chip(draws[f"chip_power_w:{chip_id}"],
                                                        draws["host_power_per_accelerator_w"], draws["pue_ai_datacenter"])
                energy = scenarios.summarise(inference.electricity_usd_per_million_tokens(
                    watts, draws["electricity_price_usd_per_kwh"], prefill, draws["utilisation"]))["median"]
            rows.append({"chip_id": chip_id, "chip": specs.at[chip_id, "name"], "model": model,
                         "usd_per_chip_hour": prices[chip_id],
                         "decode_tokens_per_s_median": d["median"], "decode_p5": d["p5"], "decode_p95": d["p95"],
                         "full_throughput_tokens_per_s_median": p["median"], "throughput": basis,
                         "usd_per_million_tokens_median": u["median"], "usd_per_million_p5": u["p5"],
                         "usd_per_million_p95": u["p95"], "electricity_usd_per_million_tokens_median": energy})
    return pd.DataFrame(rows).round(3)


def trn3_over_trn2_tokens_per_megawatt(n: int = DRAWS, seed: int = scenarios.DEFAULT_SEED) -> pd.DataFrame:
    """Trn3 / Trn2 tokens per megawatt from peak specs and estimated power: memory-bound decode
    (HBM bandwidth per all-in watt) and compute-bound (dense 8-bit FLOP/s per all-in watt)."""
    specs = data.specs()
    ids = ["pue_ai_datacenter", "host_power_per_accelerator_w", "chip_power_w:trainium2", "chip_power_w:trainium3"]
    draws = scenarios.draw(_table(ids), n, seed)
    rows = {}
    for label, column in (("decode (HBM bandwidth bound)", "hbm_bandwidth_bytes_per_s"),
                          ("compute bound (dense 8-bit)", "fp8_dense_flops")):
        per_mw = {chip: inference.tokens_per_s_per_megawatt(specs.at[chip, column], draws[f"chip_power_w:{chip}"],
                                                            draws["host_power_per_accelerator_w"],
                                                            draws["pue_ai_datacenter"])
                  for chip in ("trainium2", "trainium3")}
        rows[label] = scenarios.summarise(per_mw["trainium3"] / per_mw["trainium2"])
    return pd.DataFrame(rows).T.round(2)


# Scenarios for Trn3 against Trn2 per megawatt: (what bounds the token rate, the Trainium3 figure, its
# bytes per parameter, the Trainium2 figure, its bytes per parameter). Memory-bound decode reads every
# weight once per token, so 4-bit weights (MXFP4) halve the bytes and double the rate; Trainium2
# publishes no 4-bit compute, so it runs 8-bit in every scenario.
MEGAWATT_SCENARIOS = {
    "8-bit, compute-bound": ("fp8_dense_flops", None, "fp8_dense_flops", None),
    "8-bit, decode (HBM-bound)": ("hbm_bandwidth_bytes_per_s", 1.0, "hbm_bandwidth_bytes_per_s", 1.0),
    "4-bit on Trn3 (MXFP4), compute-bound": ("fp4_dense_flops", None, "fp8_dense_flops", None),
    "4-bit on Trn3 (MXFP4), decode (HBM-bound)": ("hbm_bandwidth_bytes_per_s", 0.5, "hbm_bandwidth_bytes_per_s", 1.0),
}


def trainium3_power_sweep_w(step_w: float = 100.0) -> np.ndarray:
    """Trainium3 chip powers to sweep, in watts, in steps of step_w: from Trainium2's estimated power
    (Trainium3 no hungrier than its predecessor) to the high end of Trainium3's estimate."""
    power = chip_power_w()
    ends = [power.at["trainium2", "central"], power.at["trainium3", "low"], power.at["trainium3", "high"]]
    return np.arange(min(ends), max(ends) + step_w / 2, step_w)


def trn3_per_megawatt_sweep(claimed_ratio: float, powers_w: np.ndarray | None = None) -> pd.DataFrame:
    """Trn3 / Trn2 tokens per megawatt from peak figures, for each Trainium3 chip power and scenario
    (MEGAWATT_SCENARIOS), with Trainium2's power and the host power per chip at their central values
    (the PUE is the same for both and cancels): the ratio if both chips deliver the same fraction of
    their peak, and the ratio of delivered-to-peak efficiency (Trn3's / Trn2's) that `claimed_ratio`
    would need."""
    specs = data.specs()
    table = assumptions()
    host = float(table.at["host_power_per_accelerator_w", "central"])
    trn2_w = float(table.at["chip_power_w:trainium2", "central"])
    powers_w = trainium3_power_sweep_w() if powers_w is None else np.asarray(powers_w, dtype=float)
    rows = []
    for scenario, (new, new_bytes, old, old_bytes) in MEGAWATT_SCENARIOS.items():
        rate_ratio = (specs.at["trainium3", new] / (new_bytes or 1.0)) / (specs.at["trainium2", old] / (old_bytes or 1.0))
        for watts in powers_w:
            ratio = rate_ratio * (trn2_w + host) / (watts + host)
            rows.append({"scenario": scenario, "trainium3_chip_w": watts, "trainium2_chip_w": trn2_w,
                         "ratio_at_equal_efficiency": ratio,
                         "efficiency_ratio_needed": claimed_ratio / ratio})
    return pd.DataFrame(rows).round({"ratio_at_equal_efficiency": 2, "efficiency_ratio_needed": 2})


def trn3_power_to_match(chips: tuple[str, ...] = ("b200", "b300", "gb200", "gb300")) -> pd.DataFrame:
    """The Trainium3 chip power at which its dense 8-bit FLOP/s per watt equals each NVIDIA chip's at
    its official TDP: Trainium3's peak / (the GPU's peak / its TDP), in watts."""
    specs = data.specs()
    rows = [{"chip_id": c, "chip": specs.at[c, "name"], "gpu_tflops_per_w": specs.at[c, "fp8_dense_flops"] / 1e12 / specs.at[c, "tdp_w"],
             "trainium3_w_to_match": specs.at["trainium3", "fp8_dense_flops"] / (specs.at[c, "fp8_dense_flops"] / specs.at[c, "tdp_w"])}
            for c in chips if pd.notna(specs.at[c, "tdp_w"])]
    return pd.DataFrame(rows).set_index("chip_id").round({"gpu_tflops_per_w": 2, "trainium3_w_to_match": 0})


def power_claim_verdicts() -> pd.DataFrame:
    """Verdicts on the claims assigned to 05_power_and_inference.ipynb, decided by chipledger.verdicts."""
    checks = {"aws-trn3-5x-tokens-per-megawatt": _five_x_finding, "trainium3-price-per-power": _price_per_power_finding}
    claims = verdicts.claims_for("05_power_and_inference.ipynb")
    return verdicts.verdict_table({claim_id: (claim, checks.get(claim_id, verdicts.default_finding)(claim))
                                   for claim_id, claim in claims.iterrows()})


def _power_sources() -> list[str]:
    power = chip_power_w()
    return [str(power.at[c, "source_id"]) for c in ("trainium2", "trainium3")]


def _five_x_finding(claim: pd.Series) -> verdicts.Finding:
    """'5x more tokens per megawatt' (Trn3 over Trn2): a comparison on peak figures (rule 3)."""
    claimed = float(claim["claimed_value"])
    sweep = trn3_per_megawatt_sweep(claimed)
    best = sweep.loc[sweep["ratio_at_equal_efficiency"].idxmax()]
    lowest_w, highest_w = sweep["trainium3_chip_w"].min(), sweep["trainium3_chip_w"].max()
    eight = sweep[sweep["scenario"].str.startswith("8-bit")]
    why = (f"From peak figures, Trn3 gives {sweep['ratio_at_equal_efficiency'].min():.2f}x to "
           f"{sweep['ratio_at_equal_efficiency'].max():.2f}x Trn2's tokens per megawatt at Trainium3 chip powers of "
           f"{lowest_w:,.0f} to {highest_w:,.0f} W (Trainium2 at {sweep['trainium2_chip_w'].iloc[0]:,.0f} W), if both "
           f"deliver the same fraction of their peak; at 8 bits {eight['ratio_at_equal_efficiency'].min():.2f}x to "
           f"{eight['ratio_at_equal_efficiency'].max():.2f}x. AWS measured {claimed:g}x on one model at equal latency: "
           "the rest would come from delivered efficiency, which public numbers do not measure for Trainium.")
    holds = (f"Trn3 delivers at least {best['efficiency_ratio_needed']:.2f}x Trn2's fraction of peak in the most "
             f"favourable case ({best['scenario']}, Trainium3 at {best['trainium3_chip_w']:,.0f} W), and "
             f"{eight['efficiency_ratio_needed'].min():.2f}x-{eight['efficiency_ratio_needed'].max():.2f}x at 8 bits; "
             f"no Trainium3 power in {lowest_w:,.0f}-{highest_w:,.0f} W gives {claimed:g}x at equal efficiency.")
    return verdicts.Finding(verdicts.ceiling_verdict(sweep["efficiency_ratio_needed"]), "peak-spec ceiling",
                            f"{sweep['ratio_at_equal_efficiency'].min():.2f}x to {sweep['ratio_at_equal_efficiency'].max():.2f}x at equal efficiency",
                            why, [claim["source_id"], *_power_sources()], holds)


def _price_per_power_finding(claim: pd.Series) -> verdicts.Finding:
    """'Records in price per power': Trainium3's compute per watt against Blackwell's, and its price."""
    match = trn3_power_to_match()
    power = chip_power_w().loc["trainium3"]
    prices = data.load("prices")
    systems = data.load("systems").set_index("system_id")
    trn3_priced = prices["system_id"].map(systems["chip_id"]).eq("trainium3").any()
    lo, hi = match["trainium3_w_to_match"].min(), match["trainium3_w_to_match"].max()
    why = ("'Price per power' needs a Trainium3 price and power; AWS publishes neither"
           + (" (a Trn3 price is now in the ledger: this check uses only power)" if trn3_priced else "")
           + f". At peak, Trainium3's dense 8-bit compute per watt equals Blackwell's ({', '.join(match['chip'])} at their "
           f"official TDPs) only if it draws {lo:,.0f} to {hi:,.0f} W; the estimates of its power are "
           f"{power['low']:,.0f}-{power['high']:,.0f} W.")
    blocks = costs.latest("capacity_block")
    nvidia = blocks[blocks["chip_id"].map(data.specs()["vendor"]) == "NVIDIA"].dropna(subset=["usd_per_fp8_dense_pflop_hour"])
    cheapest = nvidia["usd_per_fp8_dense_pflop_hour"].idxmin()
    chip_hour = nvidia.at[cheapest, "usd_per_fp8_dense_pflop_hour"] * data.specs().at["trainium3", "fp8_dense_flops"] / 1e15
    holds = (f"Read as compute per watt: Trainium3 draws at most {lo:,.0f} W to {hi:,.0f} W at peak. Read as price "
             f"per unit of compute: a Trainium3 chip-hour costs less than {money(chip_hour)} (the cheapest NVIDIA "
             f"dense FP8 PFLOP-hour, {cheapest} at {money(nvidia.at[cheapest, 'usd_per_fp8_dense_pflop_hour'], 'h')} per "
             "PFLOP, times Trainium3's peak) at equal efficiency. Neither a Trainium3 power nor a price is public.")
    sources = [*match.index.map(lambda c: _tdp_source(c)), *_power_sources(), str(nvidia.at[cheapest, 'source_id'])]
    return verdicts.Finding(verdicts.NOT_VERIFIABLE, "peak-spec ceiling", "no Trn3 price; no official Trn3 power",
                            why, sources, holds)


def _tdp_source(chip_id: str) -> str:
    figures = data.chip_figures()
    return str(figures[(figures["chip_id"] == chip_id) & (figures["metric"] == "tdp")]["source_id"].iloc[0])


def hbm_fit() -> pd.DataFrame:
    """Do the reference models fit? Per chip and model: weights (all parameters at the model's bytes
    per parameter) plus, for the dense model, the KV cache of one sequence at the full
    context window, against the chip's HBM; and the chips needed to hold them. DeepSeek-V3's latent-
    attention cache is not modelled (its weights alone set the count)."""
    specs = data.specs()
    table = data.load("assumptions").set_index("assumption_id")["central"]
    kv_per_token = inference.kv_cache_bytes_per_token(table["dense_model_layers"], table["dense_model_kv_heads"],
                                                      table["dense_model_head_dim"], table["bytes_per_parameter_fp8"])
    models = {  # model -> (weights in bytes, KV cache in bytes at the context)
        "dense ~70B (Llama 3.3 70B), FP8": (table["dense_model_parameters"] * table["bytes_per_parameter_fp8"],
                                           kv_per_token * table["dense_model_context_tokens"]),
        "MoE 671B / 37B active (DeepSeek-V3), FP8": (table["moe_model_total_parameters"] * table["bytes_per_parameter_fp8"],
                                                    0.0),
    }
    rows = []
    for chip_id, chip in specs.dropna(subset=["hbm_bytes"]).iterrows():
        for model, (weights, cache) in models.items():
            need = weights + cache
            rows.append({"chip_id": chip_id, "chip": chip["name"], "model": model, "weights_gib": weights / 2**30,
                         "kv_cache_gib": cache / 2**30, "hbm_gib_per_chip": chip["hbm_bytes"] / 2**30,
                         "chips_needed": int(inference.chips_to_hold(need, chip["hbm_bytes"])),
                         "fits_on_one_chip": bool(need <= chip["hbm_bytes"])})
    return pd.DataFrame(rows).round(1)


def summary_lines(deals: pd.DataFrame, tokens: pd.DataFrame, ratios: pd.DataFrame) -> list[str]:
    """Three sentences of findings from gigawatt_deals(), token_economics() and
    trn3_over_trn2_tokens_per_megawatt() (the notebook's summary)."""
    openai = deals.loc["openai-amazon-2026"]
    dense = tokens[tokens["model"].str.startswith("dense")].set_index("chip_id")
    cheapest = dense["usd_per_million_tokens_median"].idxmin()
    trn2 = dense.loc["trainium2"]
    return [
        f"OpenAI's {openai['gigawatts']:g} GW of Trainium powers about {openai['chips_million_median']:.1f} million "
        f"Trainium3 chips (5-95%: {openai['chips_million_p5']:.1f} to {openai['chips_million_p95']:.1f} million), "
        f"{openai['fp8_dense_eflops_median']:,.0f} dense FP8 exaFLOPS.",
        f"Serving a dense 70B model, the cheapest million tokens at a public chip-hour price is "
        f"{money(dense.at[cheapest, 'usd_per_million_tokens_median'])} on {dense.at[cheapest, 'chip']} "
        f"({dense.at[cheapest, 'throughput']}); Trainium2's {money(trn2['usd_per_million_tokens_median'])} rests on an "
        "assumed efficiency, since no benchmark measures it.",
        f"Peak specs and estimated power give Trn3 {ratios['median'].min():.1f}x to {ratios['median'].max():.1f}x "
        "the tokens per megawatt of Trn2, not the 5x AWS measured.",
    ]


def what_this_means() -> str:
    """The notebook's bottom line in one sentence, computed from the ledger."""
    match = trn3_power_to_match()
    power = chip_power_w().loc["trainium3"]
    claim = verdicts.claims_for("05_power_and_inference.ipynb").loc["aws-trn3-5x-tokens-per-megawatt"]
    sweep = trn3_per_megawatt_sweep(float(claim["claimed_value"]))
    verdict = "is no more efficient" if power["low"] >= match["trainium3_w_to_match"].max() else "may be as efficient"
    return (f"What this means: on peak figures and estimated power ({power['low']:,.0f}-{power['high']:,.0f} W), "
            f"Trainium3 {verdict} per watt than Blackwell, which it matches only at "
            f"{match['trainium3_w_to_match'].min():,.0f}-{match['trainium3_w_to_match'].max():,.0f} W; AWS's "
            f"{claim['claimed_value']:g}x per megawatt needs Trn3 to deliver at least "
            f"{sweep['efficiency_ratio_needed'].min():.2f}x Trn2's fraction of peak.")
