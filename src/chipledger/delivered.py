"""What the chips deliver (notebooks/06_delivered.ipynb): measured results of benchmarks.csv per chip,
their fraction of the compute roofline, their cost at public prices, and what Trainium would have to
deliver for AWS's price-performance claims to hold.

Per-chip figures are computed here from the values as stated (system totals divided by the chips they
cover). Token rates count output tokens (MLPerf, the Neuron tables, TensorRT-LLM).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import data

# workload -> the assumption (assumptions.csv) holding its parameter count
MODEL_PARAMETERS = {"llama2-70b": "llama2_70b_parameters", "llama-2-70b": "llama2_70b_parameters",
                    "llama3.1-405b": "llama31_405b_parameters", "llama3.3-70b": "dense_model_parameters",
                    "llama-3-70b": "dense_model_parameters", "llama3-70b": "dense_model_parameters"}
# the precision a result ran at -> the specs() column of the peak it is measured against
PEAK_FOR_PRECISION = {"fp8": "fp8_dense_flops", "mxfp8": "fp8_dense_flops", "fp4": "fp4_dense_flops",
                      "nvfp4": "fp4_dense_flops", "mxfp4": "fp4_dense_flops", "bf16": "bf16_dense_flops",
                      "fp16": "bf16_dense_flops"}
THROUGHPUT_SCENARIOS = ("offline", "server", "interactive", "throughput")
FLOPS_PER_PARAMETER_PER_TOKEN = 2.0  # a forward pass: one multiply and one add per weight


def results() -> pd.DataFrame:
    """benchmarks.csv with the chip's name and vendor and, for token rates, tokens_per_s_per_chip: the
    stated total over the chips it covers (a one-sequence rate times the batch, over the chips)."""
    frame = data.load("benchmarks")
    chips = data.load("chips").set_index("chip_id")
    frame = frame.assign(chip=frame["chip_id"].map(chips["name"]), vendor=frame["chip_id"].map(chips["vendor"]))
    rate = frame["value"].where(frame["metric"] == "tokens_per_s")
    per_user = frame["value"] * frame["batch"].astype(float).fillna(1.0)
    rate = rate.fillna(per_user.where(frame["metric"] == "tokens_per_s_per_user"))
    return frame.assign(tokens_per_s_per_chip=rate / frame["chips"].astype(float))


def parameters(workload: str) -> float:
    """Parameter count of a benchmark's model (assumptions.csv, central value); NaN if not in the ledger."""
    key = MODEL_PARAMETERS.get(str(workload))
    if key is None:
        return float("nan")
    return float(data.load("assumptions").set_index("assumption_id").at[key, "central"])


def roofline_fractions() -> pd.DataFrame:
    """Every measured token rate at full throughput with its fraction of the compute roofline: output
    tokens/s per chip x 2 FLOPs per parameter / the chip's dense peak at the run's precision. Prefill
    is left out, so the fraction is a lower bound on the compute the chip used.

    Columns: benchmark_id, suite, chip_id, chip, vendor, workload, scenario, precision, chips,
    tokens_per_s_per_chip, peak_flops, fraction_of_roofline, source_id.
    """
    frame = results()
    frame = frame[(frame["metric"] == "tokens_per_s") & frame["scenario"].isin(THROUGHPUT_SCENARIOS)]
    specs = data.specs()
    peak = [specs.at[c, PEAK_FOR_PRECISION[str(p)]] if str(p) in PEAK_FOR_PRECISION else np.nan
            for c, p in zip(frame["chip_id"], frame["precision"])]
    params = frame["workload"].map(parameters)
    out = frame.assign(peak_flops=peak, parameters=params)
    out["fraction_of_roofline"] = (out["tokens_per_s_per_chip"] * FLOPS_PER_PARAMETER_PER_TOKEN * out["parameters"]
                                   / out["peak_flops"])
    columns = ["benchmark_id", "suite", "chip_id", "chip", "vendor", "workload", "scenario", "precision", "chips",
               "tokens_per_s_per_chip", "peak_flops", "fraction_of_roofline", "source_id"]
    return out.dropna(subset=["fraction_of_roofline"])[columns].reset_index(drop=True)


def measured_efficiency(suite: str = "mlperf_inference_v5.1", workload: str = "llama2-70b",
                        scenario: str = "offline") -> pd.DataFrame:
    """Per chip: the lowest, median and highest fraction of the compute roofline its measured results
    reach (one suite, workload and scenario), and how many results there are."""
    fractions = roofline_fractions()
    rows = fractions[(fractions["suite"] == suite) & (fractions["workload"] == workload)
                     & (fractions["scenario"] == scenario)]
    table = rows.groupby(["chip_id", "chip", "vendor"])["fraction_of_roofline"].agg(
        ["min", "median", "max", "count"]).reset_index().set_index("chip_id")
    return table.rename(columns={"min": "lowest", "max": "highest", "count": "results"})


def mlperf_per_chip(workload: str = "llama2-70b", scenario: str = "offline") -> pd.DataFrame:
    """MLPerf Inference results of one workload and scenario, per chip: the best per-chip output
    tokens/s (and the range over submissions), the cheapest public AWS chip-hour of that chip, and what
    a million output tokens cost at that price and rate.

    Columns: chip, vendor, results, best_tokens_per_s_per_chip, lowest_tokens_per_s_per_chip,
    usd_per_chip_hour, usd_per_million_tokens (at the best rate), source_id.
    """
    from .power import chip_hour_prices

    frame = results()
    rows = frame[frame["suite"].str.startswith("mlperf") & (frame["workload"] == workload)
                 & (frame["scenario"] == scenario) & (frame["metric"] == "tokens_per_s")]
    table = rows.groupby(["chip_id", "chip", "vendor"]).agg(
        results=("benchmark_id", "count"), best_tokens_per_s_per_chip=("tokens_per_s_per_chip", "max"),
        lowest_tokens_per_s_per_chip=("tokens_per_s_per_chip", "min"), source_id=("source_id", "first")
    ).reset_index().set_index("chip_id")
    prices = chip_hour_prices()
    table["usd_per_chip_hour"] = table.index.map(prices)
    table["usd_per_million_tokens"] = table["usd_per_chip_hour"] / (table["best_tokens_per_s_per_chip"] * 3600) * 1e6
    return table.sort_values("best_tokens_per_s_per_chip", ascending=False)


def trainium_in_mlperf() -> pd.DataFrame:
    """MLPerf results on AWS's chips in the ledger (none were submitted: the source's notes say how that
    was checked)."""
    frame = results()
    return frame[frame["suite"].str.startswith("mlperf") & (frame["vendor"] == "AWS")]


def _family(workload: str) -> str:
    """Llama 3, 3.1 and 3.3 70B share one architecture; Llama 2 70B is another."""
    text = str(workload).replace("-", "").replace(".", "").replace("_", "")
    if "70b" in text:
        return "llama2-70b" if "llama2" in text else "llama3-70b"
    return str(workload)


def _precision_class(precision: str) -> str:
    return {"fp16": "bf16", "bf16": "bf16", "fp8": "8-bit", "mxfp8": "8-bit", "fp4": "4-bit", "nvfp4": "4-bit",
            "mxfp4": "4-bit"}.get(str(precision), str(precision))


def like_for_like(max_length_ratio: float = 2.0) -> pd.DataFrame:
    """Pairs of an AWS chip's and an NVIDIA chip's measured token rates on the same model family, at
    the same precision class, in the same kind of run (batch 1 against batch 1, full throughput against
    full throughput), both with or both without speculative decoding, with input and output lengths
    within max_length_ratio of each other. Empty if no such pair exists."""
    frame = results()
    frame = frame[frame["metric"].isin(["tokens_per_s", "tokens_per_s_per_user"])].assign(
        family=lambda f: f["workload"].map(_family), precision_class=lambda f: f["precision"].map(_precision_class),
        single=lambda f: (f["batch"].fillna(0) == 1) | (f["scenario"] == "latency"))
    aws, nvidia = frame[frame["vendor"] == "AWS"], frame[frame["vendor"] == "NVIDIA"]
    pairs = aws.merge(nvidia, on=["family", "precision_class", "single", "speculative_decoding"],
                      suffixes=("_aws", "_nvidia"))

    def close(a, b):
        return (a.notna() & b.notna() & (np.maximum(a, b) <= max_length_ratio * np.minimum(a, b)))

    pairs = pairs[close(pairs["input_tokens_aws"].astype(float), pairs["input_tokens_nvidia"].astype(float))
                  & close(pairs["output_tokens_aws"].astype(float), pairs["output_tokens_nvidia"].astype(float))]
    return pairs[["family", "precision_class", "chip_aws", "benchmark_id_aws", "tokens_per_s_per_chip_aws",
                  "chip_nvidia", "benchmark_id_nvidia", "tokens_per_s_per_chip_nvidia"]].reset_index(drop=True)


def like_for_like_gaps(max_length_ratio: float = 2.0) -> pd.DataFrame:
    """Why no AWS-NVIDIA pair is like for like: for each AWS model family with results, the precision
    classes, kinds of run and lengths on each side."""
    frame = results()
    frame = frame[frame["metric"].isin(["tokens_per_s", "tokens_per_s_per_user"])].assign(
        family=lambda f: f["workload"].map(_family), precision_class=lambda f: f["precision"].map(_precision_class),
        run=lambda f: np.where((f["batch"].fillna(0) == 1) | (f["scenario"] == "latency"), "batch 1", "full throughput"),
        lengths=lambda f: f["input_tokens"].astype("string").fillna("?") + " in / "
        + f["output_tokens"].astype("string").fillna("?") + " out")
    rows = []
    for family in sorted(set(frame.loc[frame["vendor"] == "AWS", "family"])):
        for vendor in ("AWS", "NVIDIA"):
            part = frame[(frame["family"] == family) & (frame["vendor"] == vendor)]
            rows.append({"model family": family, "vendor": vendor,
                         "chips": ", ".join(sorted(set(part["chip"]))) or "none",
                         "precisions": ", ".join(sorted(set(part["precision_class"]))) or "-",
                         "runs": ", ".join(sorted(set(part["run"]))) or "-",
                         "lengths": ", ".join(sorted(set(part["lengths"]))) or "-"})
    return pd.DataFrame(rows)


def required_for_claim(chip: str, rivals: list[str], better_by: float, workload: str = "llama2-70b",
                       scenario: str = "offline") -> pd.DataFrame:
    """What `chip` would have to deliver for its price performance to be `better_by` (0.3 = 30%) better
    than each rival's measured MLPerf rate, at the cheapest public chip-hour prices: output tokens/s per
    chip, and that rate as a fraction of the chip's compute roofline (8-bit dense peak), beside the
    rival's measured fraction.

    Columns: rival, rival_tokens_per_s_per_chip, rival_usd_per_chip_hour, rival_fraction_of_roofline,
    usd_per_chip_hour, tokens_per_s_per_chip_needed, fraction_of_roofline_needed.
    """
    from .power import chip_hour_prices

    measured = mlperf_per_chip(workload, scenario)
    prices = chip_hour_prices()
    specs = data.specs()
    n = parameters(workload)
    fractions = roofline_fractions()
    rows = []
    for rival in rivals:
        if rival not in measured.index:
            continue
        rival_rate = measured.at[rival, "best_tokens_per_s_per_chip"]
        best = fractions[(fractions["chip_id"] == rival) & (fractions["workload"] == workload)
                         & (fractions["scenario"] == scenario)]["fraction_of_roofline"].max()
        needed = (1 + better_by) * rival_rate * prices[chip] / prices[rival]
        rows.append({"rival": rival, "rival_chip": measured.at[rival, "chip"], "rival_tokens_per_s_per_chip": rival_rate,
                     "rival_usd_per_chip_hour": prices[rival], "rival_fraction_of_roofline": best,
                     "usd_per_chip_hour": prices[chip], "tokens_per_s_per_chip_needed": needed,
                     "fraction_of_roofline_needed": needed * FLOPS_PER_PARAMETER_PER_TOKEN * n
                     / specs.at[chip, "fp8_dense_flops"]})
    return pd.DataFrame(rows).set_index("rival")


def summary_lines() -> list[str]:
    """Three sentences of findings, computed from the ledger (the notebook's summary)."""
    mlperf = mlperf_per_chip()
    best = mlperf.iloc[0]
    efficiency = measured_efficiency()
    aws_rows = trainium_in_mlperf()
    need = required_for_claim("trainium2", ["h200-sxm"], 0.30)
    return [
        f"MLPerf Inference v5.1 (Llama 2 70B, Offline, closed): the {best['chip']} delivers "
        f"{best['best_tokens_per_s_per_chip']:,.0f} output tokens/s per chip, "
        f"{mlperf.at['h100-sxm', 'best_tokens_per_s_per_chip']:,.0f} on H100; AWS's chips have "
        f"{len(aws_rows)} results in the round.",
        f"Measured against their dense peak, the GPUs' output tokens reach "
        f"{efficiency['median'].min():.0%}-{efficiency['median'].max():.0%} of the compute roofline (medians by chip; "
        "prefill not counted): the efficiency notebook 05 had to assume.",
        f"For AWS's '30% better price performance' than P5e, a Trainium2 would have to deliver "
        f"{need.at['h200-sxm', 'tokens_per_s_per_chip_needed']:,.0f} output tokens/s per chip on that test, "
        f"{need.at['h200-sxm', 'fraction_of_roofline_needed']:.0%} of its roofline, against the H200's measured "
        f"{need.at['h200-sxm', 'rival_fraction_of_roofline']:.0%}.",
    ]


def what_this_means() -> str:
    """The notebook's bottom line in one sentence, computed from the ledger."""
    need = required_for_claim("trainium2", ["h200-sxm"], 0.30)
    ratio = need.at["h200-sxm", "fraction_of_roofline_needed"] / need.at["h200-sxm", "rival_fraction_of_roofline"]
    verdict = "less" if ratio < 1 else "more"
    return (f"What this means: Trainium2's price leaves room for AWS's claim, since it needs {ratio:.2f}x the "
            f"H200's measured fraction of peak ({verdict} than the GPU achieves), but no audited result shows "
            "what Trainium delivers; until one does, every Trainium-versus-GPU cost figure is a ceiling.")
