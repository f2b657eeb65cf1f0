"""Systems for notebooks/03_systems.ipynb: scale-up domains side by side, totals derived from chips x
chip specs against the totals vendors state, and the claims about Trn3 UltraServers.

Totals are in SI units for the whole system: FLOP/s, bytes, bytes/s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import data, fmt, verdicts

# derived total column -> (specs() column, metric, precisions a stated total may name, sparsity)
TOTALS = {
    "bf16_dense_flops": ("bf16_dense_flops", "peak_flops", ("bf16",), "dense"),
    "fp8_dense_flops": ("fp8_dense_flops", "peak_flops", ("fp8", "mxfp8"), "dense"),
    "fp4_dense_flops": ("fp4_dense_flops", "peak_flops", ("nvfp4", "fp4", "mxfp4"), "dense"),
    "bf16_sparse_flops": ("bf16_sparse_flops", "peak_flops", ("bf16",), "sparse"),
    "fp8_sparse_flops": ("fp8_sparse_flops", "peak_flops", ("fp8", "mxfp8"), "sparse"),
    "fp4_sparse_flops": ("fp4_sparse_flops", "peak_flops", ("nvfp4", "fp4", "mxfp4"), "sparse"),
    "hbm_bytes": ("hbm_bytes", "hbm_capacity", ("",), ""),
    "hbm_bandwidth_bytes_per_s": ("hbm_bandwidth_bytes_per_s", "hbm_bandwidth", ("",), ""),
    "scaleup_bandwidth_bytes_per_s": ("scaleup_bandwidth_bytes_per_s", "scaleup_bandwidth", ("",), ""),
}
TOTAL_WORDS = {"bf16_dense_flops": "dense BF16 compute", "fp8_dense_flops": "dense FP8 compute",
               "fp4_dense_flops": "dense FP4 compute", "bf16_sparse_flops": "sparse BF16 compute",
               "fp8_sparse_flops": "sparse FP8 compute", "fp4_sparse_flops": "sparse FP4 compute",
               "hbm_bytes": "HBM capacity", "hbm_bandwidth_bytes_per_s": "HBM bandwidth",
               "scaleup_bandwidth_bytes_per_s": "scale-up bandwidth"}
"""Each total in the words a reader uses."""


def derived_totals() -> pd.DataFrame:
    """One row per system: its chip and counts, and each total = chips x the chip's preferred figure.

    Columns: name, vendor (who sells it), kind, chip_id, chip_vendor, chips, scaleup_chips, topology,
    then TOTALS (SI units).
    """
    systems = data.load("systems").set_index("system_id")
    specs = data.specs()
    out = systems[["name", "vendor", "kind", "chip_id", "chips", "scaleup_chips", "topology"]].copy()
    out.insert(4, "chip_vendor", out["chip_id"].map(specs["vendor"]))
    chips = out["chips"].astype(float)
    for column, (spec_column, *_rest) in TOTALS.items():
        out[column] = out["chip_id"].map(specs[spec_column]).astype(float) * chips
    return out


def stated_totals() -> pd.DataFrame:
    """The vendors' stated totals (system_specs.csv) chosen by the one preference rule, each in SI units
    on the comparison basis (data.system_figures)."""
    return data.system_figures()


def stated_against_derived() -> pd.DataFrame:
    """Every stated total that a derived total can check, with the difference.

    A total whose source leaves sparsity unstated is checked against the dense derivation and
    marked so. Columns: system_id, total, stated (as written), stated_si, derived_si,
    difference_percent (stated / derived - 1), sparsity_note, source_id.
    """
    derived = derived_totals()
    stated = stated_totals()
    rows = []
    for row in stated.itertuples():
        for column, (_, metric, precisions, sparsity) in TOTALS.items():
            if row.metric != metric or row.precision not in precisions:
                continue
            note = ""
            if row.sparsity == "unstated" and sparsity == "dense":
                note = "sparsity unstated by the source; checked against dense"
            elif row.sparsity != sparsity:
                continue
            derived_value = derived.at[row.system_id, column]
            rows.append({
                "system_id": row.system_id, "total": column, "stated": f"{fmt.number(row.value)} {row.unit}",
                "stated_si": row.si_value, "derived_si": derived_value,
                "difference_percent": (row.si_value / derived_value - 1) * 100 if derived_value > 0 else np.nan,
                "sparsity_note": note, "source_id": row.source_id,
            })
    return pd.DataFrame(rows)


def domains_side_by_side() -> pd.DataFrame:
    """Scale-up domains in readers' units: chips, topology, dense BF16/FP8 PFLOPS, HBM TiB, HBM TB/s.

    For an instance that is a slice of a larger domain (trn2u in an UltraServer) the domain is the
    instance itself here; UltraServers and racks are listed in their own rows.
    """
    totals = derived_totals()
    return pd.DataFrame({
        "system": totals["name"], "vendor": totals["vendor"], "chip": totals["chip_id"],
        "chips": totals["chips"], "scale-up domain (chips)": totals["scaleup_chips"],
        "topology": totals["topology"],
        "BF16 dense (PFLOPS)": (totals["bf16_dense_flops"] / 1e15).round(1),
        "FP8 dense (PFLOPS)": (totals["fp8_dense_flops"] / 1e15).round(1),
        "HBM (TiB)": (totals["hbm_bytes"] / 2**40).round(2),
        "HBM bandwidth (TB/s)": (totals["hbm_bandwidth_bytes_per_s"] / 1e12).round(1),
        "scale-up bandwidth (TB/s)": (totals["scaleup_bandwidth_bytes_per_s"] / 1e12).round(1),
    })


def _stated(system_id: str, metric: str, precisions: tuple[str, ...] = ("",)) -> tuple[float, str]:
    """(SI value, source_id) of one preferred stated total; dense rows before unstated ones."""
    stated = stated_totals()
    rows = stated[(stated["system_id"] == system_id) & (stated["metric"] == metric)
                  & stated["precision"].isin(precisions) & stated["sparsity"].isin(["dense", "unstated", ""])]
    row = rows.sort_values("sparsity").iloc[0]
    return float(row["si_value"]), str(row["source_id"])


def trn3_against_trn2() -> pd.DataFrame:
    """AWS's Trn3-over-Trn2 UltraServer ratios recomputed from the stated totals, whole system and per chip.

    Rows: dense 8-bit compute, dense BF16 compute and HBM bandwidth; columns: trn3 (Gen2, 144 chips) /
    trn2 (64 chips) for the whole UltraServer and per chip, and the sources.
    """
    systems = data.load("systems").set_index("system_id")
    new, old = "trn3-ultraserver-gen2", "trn2-ultraserver"
    chip_ratio = systems.at[new, "chips"] / systems.at[old, "chips"]
    rows = []
    for label, metric, precisions in (("dense 8-bit compute", "peak_flops", ("fp8", "mxfp8")),
                                      ("dense BF16 compute", "peak_flops", ("bf16",)),
                                      ("HBM bandwidth", "hbm_bandwidth", ("",))):
        new_value, new_source = _stated(new, metric, precisions)
        old_value, old_source = _stated(old, metric, precisions)
        ratio = new_value / old_value
        rows.append({"measure": label, "ultraserver_ratio": ratio, "per_chip_ratio": ratio / chip_ratio,
                     "chips": f"{systems.at[new, 'chips']} vs {systems.at[old, 'chips']}",
                     "sources": f"{new_source}; {old_source}"})
    return pd.DataFrame(rows).set_index("measure")


# claim -> the measure of trn3_against_trn2() it speaks of
RATIO_CLAIMS = {"aws-trn3-4.4x-performance": "dense 8-bit compute",
                "aws-trn3-3.9x-memory-bandwidth": "HBM bandwidth"}


def system_claim_verdicts() -> pd.DataFrame:
    """Verdicts on the claims assigned to 03_systems.ipynb, decided by chipledger.verdicts."""
    claims = verdicts.claims_for("03_systems.ipynb")
    findings = {}
    for claim_id, claim in claims.iterrows():
        if claim_id in RATIO_CLAIMS:
            finding = _ratio_finding(claim, RATIO_CLAIMS[claim_id])
        elif claim_id == "neuron-switch-all-to-all":
            finding = _switch_finding()
        else:
            finding = verdicts.default_finding(claim)
        findings[claim_id] = (claim, finding)
    return verdicts.verdict_table(findings)


def _ratio_finding(claim: pd.Series, measure: str) -> verdicts.Finding:
    """A ratio of stated UltraServer totals against the claimed ratio (rule 1)."""
    ratios = trn3_against_trn2()
    computed = float(ratios.at[measure, "ultraserver_ratio"])
    sources = ratios.at[measure, "sources"].split("; ")
    grade = verdicts.weakest(verdicts.source_grade(s, specification=True) for s in sources)
    why = (f"The Neuron docs' totals give {computed:.2f}x for the UltraServers ({ratios.at[measure, 'chips']} "
           f"chips; {ratios.at[measure, 'per_chip_ratio']:.2f}x per chip).")
    if measure == "dense 8-bit compute":
        bf16 = ratios.loc["dense BF16 compute"]
        why += (f" It holds at 8 bits only: at dense BF16 the same UltraServers give {bf16['ultraserver_ratio']:.2f}x "
                f"({bf16['per_chip_ratio']:.2f}x per chip). A ratio of peak specifications, not of delivered performance.")
    return verdicts.Finding(verdicts.numbers_verdict([computed], claim), grade, f"{computed:.2f}x", why, sources)


def _switch_finding() -> verdicts.Finding:
    """'Every Trainium3 chip talks to every other in a mesh': the documented Trn3 topology (rule 2)."""
    systems = data.load("systems").set_index("system_id")
    trn3 = systems[systems["chip_id"] == "trainium3"]
    switched = (trn3["topology"] == "switched").all() and (trn3["chips"] == trn3["scaleup_chips"]).all()
    two_level = trn3[trn3["quote"].str.contains("second-level", case=False)]
    sources = list(dict.fromkeys(trn3["source_id"]))
    grade = verdicts.weakest(verdicts.source_grade(s, specification=True) for s in sources)
    if not switched:
        return verdicts.Finding(verdicts.statement_verdict("otherwise"), grade, "topology: not switched",
                                "The Neuron docs do not describe a switched all-to-all Trn3 domain.", sources)
    sizes = " and ".join(str(n) for n in trn3["chips"])
    why = (f"The Neuron docs describe each Trn3 UltraServer ({sizes} chips) as one switched, all-to-all scale-up "
           "domain: chips reach each other through NeuronSwitch-v1, not through a mesh of direct links (Trn1 and "
           "Trn2 used a 2D torus)")
    if len(two_level):
        why += f", with two switch levels in the {', '.join(str(n) for n in two_level['chips'])}-chip one"
    why += (". Every chip talks to every other inside one UltraServer, not across the fleet: the claim's "
            "'every Trainium3 chip' and 'mesh' say more than the docs.")
    return verdicts.Finding(verdicts.statement_verdict("narrower"), grade,
                            f"switched all-to-all within {sizes}-chip UltraServers", why, sources)


def summary_lines() -> list[str]:
    """Three sentences of findings, computed from the ledger (the notebook's summary)."""
    totals = derived_totals()
    largest = totals.sort_values("fp8_dense_flops", ascending=False).iloc[0]
    widest = totals.sort_values("scaleup_chips", ascending=False).iloc[0]
    checks = stated_against_derived().dropna(subset=["difference_percent"])
    off = checks[checks["difference_percent"].abs() >= 1]
    ratios = trn3_against_trn2()
    counts = system_claim_verdicts()["verdict"]
    return [
        f"The biggest scale-up domain in the ledger is the {widest['name']} at {widest['scaleup_chips']} chips; "
        f"the most dense 8-bit compute in one domain is the {largest['name']} "
        f"({largest['fp8_dense_flops'] / 1e15:,.0f} PFLOPS).",
        f"{len(checks) - len(off)} of {len(checks)} vendor-stated system totals equal chips x chip specs "
        f"within 1%; {len(off)} do not, each explained below.",
        f"AWS's Trn3-over-Trn2 UltraServer ratios recompute to "
        f"{ratios.at['dense 8-bit compute', 'ultraserver_ratio']:.2f}x compute and "
        f"{ratios.at['HBM bandwidth', 'ultraserver_ratio']:.2f}x HBM bandwidth, comparing "
        f"{ratios['chips'].iloc[0]} chips; per chip {ratios.at['dense 8-bit compute', 'per_chip_ratio']:.2f}x "
        f"and {ratios.at['HBM bandwidth', 'per_chip_ratio']:.2f}x. Verdicts: "
        + ", ".join(f"{n} {v}" for v, n in counts.value_counts().items()) + ".",
    ]


def what_this_means() -> str:
    """The notebook's bottom line in one sentence, computed from the ledger."""
    totals = derived_totals()
    trainium = totals[totals["chip_vendor"] == "AWS"].sort_values("scaleup_chips").iloc[-1]
    nvidia = totals[totals["chip_vendor"] == "NVIDIA"].sort_values("scaleup_chips").iloc[-1]
    ratios = trn3_against_trn2()
    return (f"What this means: the Trn3 UltraServer's lead is size, {trainium['scaleup_chips']} chips in one "
            f"switched domain against {nvidia['scaleup_chips']} in NVIDIA's largest; per chip it multiplies "
            f"Trn2's dense 8-bit peak by {ratios.at['dense 8-bit compute', 'per_chip_ratio']:.2f}x and its BF16 by "
            f"{ratios.at['dense BF16 compute', 'per_chip_ratio']:.2f}x.")
