"""Chip-for-chip comparisons for notebooks/02_chips.ipynb: readable tables, traps, disagreements.

Every function returns a DataFrame (or strings); the notebook prints them.
"""

from __future__ import annotations

import pandas as pd

from . import data, fmt, metrics, units, verdicts

# column of specs() -> (heading shown to readers, unit it is shown in)
READABLE = {
    "bf16_dense_flops": ("BF16 dense (TFLOPS)", "TFLOPS"),
    "fp8_dense_flops": ("FP8 dense (TFLOPS)", "TFLOPS"),
    "fp4_dense_flops": ("FP4 dense (TFLOPS)", "TFLOPS"),
    "hbm_bytes": ("HBM (GiB)", "GiB"),
    "hbm_bandwidth_bytes_per_s": ("HBM bandwidth (TB/s)", "TB/s"),
    "scaleup_bandwidth_bytes_per_s": ("Scale-up (GB/s)", "GB/s"),
    "tdp_w": ("TDP (W)", "W"),
}


def readable_specs(specs: pd.DataFrame) -> pd.DataFrame:
    """specs() in the units people quote (TFLOPS, GiB, TB/s, GB/s, W), named for readers.

    FP8 is the chip's 8-bit float figure (FP8 or MXFP8), FP4 its 4-bit one (FP4, NVFP4 or MXFP4);
    HBM capacity in GiB for every vendor (a vendor's "80 GB" of HBM is 80 GiB: chipledger.units);
    bandwidths decimal; scale-up bandwidth is both directions added.
    """
    out = specs[["name", "vendor"]].rename(columns={"name": "Chip", "vendor": "Vendor"})
    for column, (heading, unit) in READABLE.items():
        out[heading] = (specs[column] / units.UNITS[unit][1]).round(1)
    return out


def gains(specs: pd.DataFrame) -> pd.DataFrame:
    """Generation-over-generation ratios (new / predecessor) for compute and memory."""
    chips = data.load("chips").set_index("chip_id")
    columns = ["bf16_dense_flops", "fp8_dense_flops", "hbm_bytes", "hbm_bandwidth_bytes_per_s"]
    table = metrics.generation_gains(specs, chips["predecessor"], columns)
    return table.rename(columns={c: READABLE[c][0].split(" (")[0] + " x" for c in columns}).round(2)


def roofline_table(specs: pd.DataFrame) -> pd.DataFrame:
    """Ridge point (FLOP per byte) and bytes per FLOP at dense BF16 and dense FP8."""
    out = specs[["name", "vendor"]].rename(columns={"name": "Chip", "vendor": "Vendor"})
    for label, column in (("BF16", "bf16_dense_flops"), ("FP8", "fp8_dense_flops")):
        out[f"{label} ridge (FLOP/byte)"] = metrics.ridge_point_flop_per_byte(specs, column).round(0)
        out[f"{label} bytes per 1000 FLOP"] = (metrics.bytes_per_flop(specs, column) * 1000).round(2)
    return out


def sparse_dense_trap(specs: pd.DataFrame, aws_chip: str, nvidia_chip: str,
                      precision: str = "bf16") -> pd.DataFrame:
    """How far a comparison drifts when one side's sparse figure meets the other's dense one.

    Returns rows 'naive' (NVIDIA sparse vs AWS dense) and 'like for like' (dense vs dense), with
    both figures in TFLOPS and the NVIDIA/AWS ratio.
    """
    dense, sparse = f"{precision}_dense_flops", f"{precision}_sparse_flops"
    tera = units.UNITS["TFLOPS"][1]
    rows = {
        "naive: NVIDIA sparse vs AWS dense": (specs.at[nvidia_chip, sparse], specs.at[aws_chip, dense]),
        "like for like: dense vs dense": (specs.at[nvidia_chip, dense], specs.at[aws_chip, dense]),
    }
    return pd.DataFrame(
        [{"comparison": k, f"{specs.at[nvidia_chip, 'name']} (TFLOPS)": n / tera,
          f"{specs.at[aws_chip, 'name']} (TFLOPS)": a / tera, "NVIDIA / AWS": round(n / a, 2)}
         for k, (n, a) in rows.items()]
    ).set_index("comparison").round(1)


def memory_readings() -> pd.DataFrame:
    """Every chip's preferred HBM capacity and bandwidth read two ways: literally (each label as
    printed: a vendor's "80 GB" as 80 x 10^9 bytes, Neuron's "820 GiB/sec" as 820 x 2^30 bytes/s) and on
    the one basis (chipledger.units.COMPARISON_UNIT: capacity binary, bandwidth decimal).

    Columns: chip, measure (with its unit: GiB for capacity, GB/s for bandwidth), stated, read
    literally, on the one basis, and how far (%) the literal reading is off the basis.
    """
    figures = data.chip_figures()
    names = data.load("chips").set_index("chip_id")["name"]
    rows = figures[figures["metric"].isin(["hbm_capacity", "hbm_bandwidth"])]
    shown = {"hbm_capacity": ("HBM capacity (GiB)", "GiB"), "hbm_bandwidth": ("HBM bandwidth (GB/s)", "GB/s")}
    out = []
    for row in rows.itertuples():
        label, unit = shown[row.metric]
        factor = units.UNITS[unit][1]
        out.append({"chip_id": row.chip_id, "chip": names[row.chip_id], "measure": label,
                    "stated": f"{fmt.number(row.value)} {row.unit}" + (f" per {row.chips_in_figure} chips" if row.chips_in_figure > 1 else ""),
                    "read literally": round(row.as_stated_si / factor, 1),
                    "on the one basis": round(row.si_value / factor, 1),
                    "literal reading off by (%)": round((row.as_stated_si / row.si_value - 1) * 100, 1)})
    return pd.DataFrame(out).set_index("chip_id")


# (chip, rival, metric) pairs whose ratio the GiB/GB trap moves
BASIS_PAIRS = [("trainium2", "h100-sxm", "hbm_capacity"), ("trainium3", "b200", "hbm_capacity"),
               ("trainium1", "a100-sxm-80gb", "hbm_bandwidth")]


def basis_ratios() -> pd.DataFrame:
    """What reading each vendor's label literally does to the ratios people quote: Trainium2 / H100 and
    Trainium3 / B200 HBM capacity, Trainium1 / A100 80GB HBM bandwidth, literally and on one basis, and
    against NVIDIA's usable capacity measured by nvidia-smi (basis=measured rows) where there is one."""
    figures = data.chip_figures()
    every = data.chip_figures(preferred_only=False)
    measured = every[every["basis"] == "measured"].groupby(["chip_id", "metric"])["si_value"].max()
    names = data.load("chips").set_index("chip_id")["name"]
    rows = []
    for chip, rival, metric in BASIS_PAIRS:
        a = figures[(figures["chip_id"] == chip) & (figures["metric"] == metric)].iloc[0]
        b = figures[(figures["chip_id"] == rival) & (figures["metric"] == metric)].iloc[0]
        rival_measured = measured.get((rival, metric), float("nan"))
        rows.append({"comparison": f"{names[chip]} / {names[rival]}",
                     "measure": metric.replace("hbm_", "HBM ").replace("_", " "),
                     "stated": f"{fmt.number(a['value'])} {a['unit']} / {fmt.number(b['value'])} {b['unit']}",
                     "each label read literally": round(a["as_stated_si"] / b["as_stated_si"], 2),
                     "one basis": round(a["si_value"] / b["si_value"], 2),
                     "against the rival's usable capacity (nvidia-smi)": round(a["si_value"] / rival_measured, 2)
                     if pd.notna(rival_measured) else float("nan")})
    return pd.DataFrame(rows).set_index("comparison")


def disagreements(relative_tolerance: float = 0.005) -> pd.DataFrame:
    """Figures on which sources disagree: every row of a chip/metric/precision/sparsity whose
    per-chip SI values differ by more than `relative_tolerance`, with the preferred one marked.

    Columns: chip_id, metric, precision, sparsity, value, unit, chips_in_figure, per_chip_si,
    preferred, source_id, spread_percent (max/min - 1 of the group).
    """
    figures = data.chip_figures(preferred_only=False)
    figures = figures[figures["basis"] != "measured"]
    key = ["chip_id", "metric", "precision", "sparsity"]
    grouped = figures.groupby(key, sort=False)["si_value"]
    spread = grouped.transform("max") / grouped.transform("min") - 1
    rows = figures[spread > relative_tolerance].assign(spread_percent=(spread * 100).round(1))
    columns = key + ["value", "unit", "chips_in_figure", "basis", "si_value", "preferred", "preferred_because",
                     "source_id", "spread_percent"]
    return rows[columns].rename(columns={"si_value": "per_chip_si"}).reset_index(drop=True)


def disagreement_summary(relative_tolerance: float = 0.005) -> pd.DataFrame:
    """One row per disagreement (a chip figure on which sources differ by more than
    `relative_tolerance` per chip): the lowest and highest value per chip in the figure's usual unit,
    how many sources, the value used, its source and why the rule chose it.

    Columns (index: chip, figure): lowest, highest, spread_percent, sources, used, used_source_id,
    used_because.
    """
    rows = disagreements(relative_tolerance)
    chips_named = data.load("chips").set_index("chip_id")["name"]
    out = []
    for (chip, metric, precision, sparsity), group in rows.groupby(["chip_id", "metric", "precision", "sparsity"],
                                                                   sort=False):
        used = group[group["preferred"]].iloc[0]
        show = _FIGURE_FORMAT.get(metric, fmt.number)
        label = " ".join(w for w in (precision.upper() if precision else "", sparsity if sparsity else "",
                                     _METRIC_WORDS.get(metric, metric.replace("_", " "))) if w)
        out.append({"chip": chips_named[chip], "figure": label, "lowest": show(group["per_chip_si"].min()),
                    "highest": show(group["per_chip_si"].max()), "spread_percent": float(group["spread_percent"].iloc[0]),
                    "sources": int(group["source_id"].nunique()), "used": show(used["per_chip_si"]),
                    "used_source_id": used["source_id"], "used_because": used["preferred_because"]})
    return pd.DataFrame(out).set_index(["chip", "figure"])


def figure_text(metric: str, si_value: float) -> str:
    """A chip figure in SI units as people quote it: ('peak_flops', 2.25e15) -> '2.25 PFLOPS'."""
    return _FIGURE_FORMAT.get(metric, fmt.number)(si_value)


_FIGURE_FORMAT = {"peak_flops": fmt.flops, "peak_ops": lambda v: f"{fmt.number(v / 1e12)} TOPS",
                  "hbm_capacity": fmt.gib, "hbm_bandwidth": fmt.bandwidth, "scaleup_bandwidth": fmt.bandwidth,
                  "tdp": fmt.watts}
_METRIC_WORDS = {"peak_flops": "peak", "peak_ops": "peak", "hbm_capacity": "HBM capacity",
                 "hbm_bandwidth": "HBM bandwidth", "scaleup_bandwidth": "scale-up bandwidth", "tdp": "power (TDP)"}


def unstated_sparsity() -> pd.DataFrame:
    """Preferred compute figures whose source does not say dense or sparse (kept out of comparisons)."""
    figures = data.chip_figures()
    rows = figures[figures["sparsity"] == "unstated"]
    return rows[["chip_id", "metric", "precision", "value", "unit", "chips_in_figure", "source_id",
                 "quote"]].reset_index(drop=True)


def chip_claim_verdicts() -> pd.DataFrame:
    """Verdicts on the claims assigned to 02_chips.ipynb, decided by chipledger.verdicts."""
    findings = {}
    for claim_id, claim in verdicts.claims_for("02_chips.ipynb").iterrows():
        finding = (_release_finding(claim) if claim_id == "trainium3-released-december"
                   else verdicts.default_finding(claim))
        findings[claim_id] = (claim, finding)
    return verdicts.verdict_table(findings)


def _release_finding(claim: pd.Series) -> verdicts.Finding:
    """'Trainium3, released in December' in an article of March 2026: the December before it (rule 2,
    the general-availability date in chips.csv as the party's statement)."""
    sources = data.load("sources").set_index("source_id")
    chip = data.load("chips").set_index("chip_id").loc["trainium3"]
    december = f"{sources.at[claim['source_id'], 'published'].year - 1}-12"
    available, source_id = str(chip["available"]), str(chip["available_source_id"])
    verdict = verdicts.statement_verdict("same" if available.startswith(december) else "otherwise")
    return verdicts.Finding(verdict, verdicts.source_grade(source_id), f"generally available {available}",
                            f"Trn3 UltraServers became generally available on {available} (\"{chip['available_quote']}\"); "
                            f"the claim: {december}.", [source_id])


def summary_lines(specs: pd.DataFrame) -> list[str]:
    """Three sentences of findings, computed from the ledger (the notebook's summary)."""
    tera = units.UNITS["TFLOPS"][1]
    t2, t3 = specs.loc["trainium2"], specs.loc["trainium3"]
    nvidia = specs[specs["vendor"] == "NVIDIA"]
    best_bf16 = nvidia["bf16_dense_flops"].idxmax()
    bf16_gain = t3["bf16_dense_flops"] / t2["bf16_dense_flops"]
    fp8_gain = t3["fp8_dense_flops"] / t2["fp8_dense_flops"]
    h100 = specs.loc["h100-sxm"]
    ridge = metrics.ridge_point_flop_per_byte(specs)
    heaviest = ridge[nvidia.index].idxmax()
    return [
        f"Dense BF16: Trainium3 peaks at {t3['bf16_dense_flops'] / tera:,.0f} TFLOPS per chip, "
        f"{t3['bf16_dense_flops'] / h100['bf16_dense_flops']:.2f}x an H100 SXM and "
        f"{t3['bf16_dense_flops'] / nvidia.at[best_bf16, 'bf16_dense_flops']:.2f}x a "
        f"{nvidia.at[best_bf16, 'name']}, NVIDIA's highest.",
        f"Trainium3 over Trainium2: {fp8_gain:.2f}x in dense 8-bit compute but only {bf16_gain:.3f}x "
        f"in dense BF16; HBM bandwidth {t3['hbm_bandwidth_bytes_per_s'] / t2['hbm_bandwidth_bytes_per_s']:.2f}x.",
        f"Memory per FLOP: at dense BF16 the roofline turns at {ridge['trainium3']:.0f} FLOP/byte on "
        f"Trainium3 against {ridge['h100-sxm']:.0f} on H100 SXM and "
        f"{ridge[heaviest]:.0f} on {specs.at[heaviest, 'name']}, the NVIDIA chip with the least "
        "bandwidth per FLOP.",
    ]


BLACKWELL_FAMILIES = ("Blackwell", "Blackwell Ultra")


def blackwell_shares(specs: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Trainium3's dense 8-bit peak and HBM bandwidth as fractions of the Blackwell-generation chips'
    (lowest, highest), per chip."""
    blackwell = specs[specs["family"].isin(BLACKWELL_FAMILIES)]
    t3 = specs.loc["trainium3"]
    out = {}
    for column in ("fp8_dense_flops", "hbm_bandwidth_bytes_per_s"):
        shares = t3[column] / blackwell[column].dropna()
        out[column] = (float(shares.min()), float(shares.max()))
    return out


def what_this_means(specs: pd.DataFrame) -> str:
    """The notebook's bottom line in one sentence, computed from specs()."""
    shares = blackwell_shares(specs)
    (f_lo, f_hi), (b_lo, b_hi) = shares["fp8_dense_flops"], shares["hbm_bandwidth_bytes_per_s"]
    return (f"What this means: chip for chip, Trainium3 has {f_lo:.0%}-{f_hi:.0%} of a Blackwell GPU's dense "
            f"8-bit peak and {b_lo:.0%}-{b_hi:.0%} of its HBM bandwidth; AWS's case cannot rest on the chip "
            "alone, but on its price and on how many chips one domain joins.")
