"""One look for every chart: style, fixed vendor colours, a source note under each chart, export.

Plotting functions build a matplotlib Figure (not through pyplot, so a notebook shows it once, as the
cell's value) and return it. `export` writes it to build/figures/ as PNG and SVG when `make report` runs.
"""

from __future__ import annotations

import io
import os
import textwrap
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .files import replace_atomically
from .fmt import money

VENDOR_COLORS = {"AWS": "#E47911", "NVIDIA": "#5E9A00"}
"""Fixed vendor colours: AWS orange, NVIDIA green (darkened for contrast on white)."""
OTHER_VENDORS = "#6F7FB0"
"""One colour for the rest of the field (Google, AMD, ...), shown as context after AWS and NVIDIA."""


def vendor_color(vendor: object) -> str:
    """AWS orange, NVIDIA green, any other chip maker the 'other vendors' colour."""
    return VENDOR_COLORS.get(str(vendor), OTHER_VENDORS)

NEUTRAL = "#7F7F7F"
FIGURE_WIDTH_IN = 8.0


def use_style() -> None:
    """Applies the project's chart style (seaborn whitegrid, fixed sizes, deterministic SVG)."""
    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    matplotlib.rcParams.update({
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
        "axes.titlesize": 12,
        "axes.titlelocation": "left",
        "svg.hashsalt": "chipledger",  # stable element ids, so SVG files do not change between runs
        "svg.fonttype": "none",
    })
    # seaborn 0.13.2 predates matplotlib 3.11; its box plots emit this deprecation, which would
    # otherwise land in notebook outputs. Filtered here, in one place, for that warning only.
    warnings.filterwarnings("ignore", category=matplotlib.MatplotlibDeprecationWarning,
                            module="seaborn")


def chip_colors(chips: pd.DataFrame) -> dict[str, str]:
    """chip_id -> colour: the vendor's colour, lighter for older generations.

    chips: a frame indexed by chip_id with columns vendor and generation (like chipledger.specs()).
    """
    colors = {}
    for vendor, group in chips.groupby("vendor"):
        base = vendor_color(vendor)
        newest = group["generation"].max()
        for chip_id, generation in group["generation"].items():
            shade = 0.45 + 0.55 * (float(generation) / float(newest))  # 0.45..1.0 of full colour
            colors[str(chip_id)] = _lighten(base, 1.0 - shade)
    return colors


def _lighten(hex_color: str, amount: float) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def new_figure(width_in: float = FIGURE_WIDTH_IN, height_in: float = 4.5, ncols: int = 1, nrows: int = 1):
    """A Figure and its axes, outside pyplot's state machine."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = fig.subplots(nrows, ncols)
    return fig, axes


def add_source_note(fig: Figure, sources: pd.DataFrame, note: str = "") -> Figure:
    """Writes 'Sources (data/sources.csv): id, id, ...' and an optional note under the chart.

    sources: a frame from chipledger.sources_for (column source_id). The ids name rows of
    data/sources.csv, where each has its title, publisher, URL and the date we read it.
    """
    ids = ", ".join(sources["source_id"]) if len(sources) else "none"
    text = f"{note} " if note else ""
    text += f"Sources (chipledger data/sources.csv): {ids}."
    wrapped = "\n".join(textwrap.wrap(text, width=int(FIGURE_WIDTH_IN * 19), break_on_hyphens=False))
    fig.supxlabel(wrapped, x=0.0, ha="left", fontsize=6.5, color="#555555")
    return fig


def export(fig: Figure, name: str) -> Figure:
    """Writes name.png and name.svg to $CHIPLEDGER_FIGURES when set (make report sets it).

    Returns the figure, so a notebook cell can end with `plots.export(fig, "name")` and show it.
    """
    folder = os.environ.get("CHIPLEDGER_FIGURES")
    if folder:
        for fmt, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=metadata)
            replace_atomically(Path(folder) / f"{name}.{fmt}", buffer.getvalue())
    return fig


# --- standard charts -----------------------------------------------------------------------------

DAGGER = "\u2020"
DAGGER_NOTE = f"{DAGGER}: the figure rests only on a third party's compilation or a summary."


def _hbars(ax, labels: list[str], values: pd.Series, colors: list[str], number_format: str,
           weak: list[bool] | None = None) -> None:
    """Horizontal bars, top to bottom in the given order, each labelled with its value ('not published'
    if NaN); a value whose figure rests only on a compilation or a summary (weak) gets a dagger."""
    positions = range(len(labels))
    ax.barh(list(positions), values.fillna(0).to_numpy(), color=colors)
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    weak = weak or [False] * len(labels)
    for y, value, dagger in zip(positions, values, weak):
        text = "not published" if pd.isna(value) else format(value, number_format) + (DAGGER if dagger else "")
        ax.annotate(text, (0 if pd.isna(value) else value, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5, color="#333333")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.18)


def _vendor_colors(frame: pd.DataFrame, vendor_column: str = "vendor") -> list[str]:
    return [vendor_color(v) for v in frame[vendor_column]]


def _legend(fig: Figure, vendors=None) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=v) for v, c in VENDOR_COLORS.items()]
    if vendors is not None and any(str(v) not in VENDOR_COLORS for v in vendors):
        handles.append(Patch(color=OTHER_VENDORS, label="other vendors"))
    fig.legend(handles=handles, loc="outside upper right", ncols=len(handles), frameon=False)


def _weak(provenance: pd.DataFrame | None, chips: pd.Index, column: str) -> list[bool]:
    """Which chips' figure in one specs() column rests only on a compilation or a summary."""
    if provenance is None:
        return [False] * len(chips)
    from .data import WEAK_COPIES

    return [str(provenance.at[c, column]) in WEAK_COPIES if c in provenance.index else False for c in chips]


def _weak_note(provenance: pd.DataFrame | None, chips: pd.Index, columns: list[str]) -> str:
    return DAGGER_NOTE + " " if any(any(_weak(provenance, chips, c)) for c in columns) else ""


def compute_chart(specs: pd.DataFrame, sources: pd.DataFrame, provenance: pd.DataFrame | None = None) -> Figure:
    """Dense peak compute per chip at BF16, FP8 and FP4 (PFLOPS), one panel each. provenance:
    data.spec_provenance(), to mark figures resting only on a compilation or a summary."""
    panels = [("bf16_dense_flops", "BF16, dense"), ("fp8_dense_flops", "FP8 / MXFP8, dense"),
              ("fp4_dense_flops", "FP4 / NVFP4 / MXFP4, dense")]
    fig, axes = new_figure(height_in=5.2, ncols=3)
    for ax, (column, title) in zip(axes, panels):
        _hbars(ax, list(specs["name"]), specs[column] / 1e15, _vendor_colors(specs), ".2f",
               _weak(provenance, specs.index, column))
        unstated = column.replace("_dense_", "_unstated_")
        if unstated in specs:  # a figure whose source says neither dense nor sparse: hatched, labelled so
            for y, (dense, other, color) in enumerate(zip(specs[column], specs[unstated], _vendor_colors(specs))):
                if pd.isna(dense) and pd.notna(other):
                    ax.barh(y, other / 1e15, color="white", edgecolor=color, hatch="///", linewidth=0.8)
                    for text in ax.texts:
                        if text.xy == (0, y) and text.get_text() == "not published":
                            text.set_text(f"{other / 1e15:.2f} (sparsity unstated)")
                            text.xy = (other / 1e15, y)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("PFLOPS per chip (dense)")
    for ax in axes[1:]:
        ax.set_yticklabels([])
    fig.suptitle("Peak dense compute per chip, by precision", x=0.0, ha="left", fontweight="bold")
    _legend(fig, specs["vendor"])
    note = _weak_note(provenance, specs.index, [c for c, _ in panels])
    return add_source_note(fig, sources, note + "Vendor peak figures without sparsity; 'not published' = "
                                                "the vendor states no figure at that precision.")


def memory_chart(specs: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """HBM capacity (GiB) against HBM bandwidth (TB/s), one point per chip."""
    fig, ax = new_figure(height_in=5.0)
    gigabytes, terabytes_per_s = specs["hbm_bytes"] / 2**30, specs["hbm_bandwidth_bytes_per_s"] / 1e12
    ax.scatter(gigabytes, terabytes_per_s, s=60, c=_vendor_colors(specs), zorder=3)
    for chip_id, x, y in zip(specs.index, gigabytes, terabytes_per_s):
        if pd.notna(x) and pd.notna(y):  # NVIDIA labels left of the point, AWS right: fewer overlaps
            left = specs.at[chip_id, "vendor"] != "AWS"
            ax.annotate(specs.at[chip_id, "name"], (x, y), xytext=(-6 if left else 6, 4),
                        textcoords="offset points", ha="right" if left else "left", fontsize=7.5)
    ax.set_xlabel("HBM capacity per chip (GiB, 2^30 bytes; a vendor's HBM 'GB' is a GiB)")
    ax.set_ylabel("HBM bandwidth per chip (TB/s)")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_title("Memory per chip: capacity and bandwidth")
    _legend(fig, specs["vendor"])
    return add_source_note(fig, sources, "One basis for every vendor: HBM capacity binary (NVIDIA's '80 GB' = 80 GiB, "
                                         "as nvidia-smi shows), bandwidth decimal.")


def ridge_chart(specs: pd.DataFrame, ridge: pd.Series, sources: pd.DataFrame) -> Figure:
    """Roofline ridge point per chip at dense BF16 (FLOP per byte of HBM traffic)."""
    fig, ax = new_figure(height_in=4.6)
    _hbars(ax, list(specs["name"]), ridge, _vendor_colors(specs), ".0f")
    ax.set_xlabel("Ridge point at dense BF16 (FLOP per byte of HBM traffic)")
    ax.set_title("Where the roofline turns: compute per byte of memory bandwidth")
    _legend(fig, specs["vendor"])
    return add_source_note(fig, sources, "Peak dense BF16 FLOP/s divided by HBM bytes/s; kernels below "
                                         "the ridge are memory-bound (LLM decoding sits far below).")


def gains_chart(gains: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Generation-over-generation ratios (new / predecessor) per metric, one group per step."""
    metric_columns = [c for c in gains.columns if c.endswith(" x")]
    tidy = gains.melt(id_vars=["vendor", "chip", "predecessor"], value_vars=metric_columns,
                      var_name="metric", value_name="ratio")
    tidy["step"] = tidy["predecessor"] + " → " + tidy["chip"]
    fig, ax = new_figure(height_in=5.4)
    sns.barplot(data=tidy, y="step", x="ratio", hue="metric", ax=ax, palette="colorblind",
                orient="h")
    ax.axvline(1.0, color="#333333", linewidth=1)
    ax.set_xlabel("New chip / predecessor (1.0 = no change)")
    ax.set_ylabel("")
    ax.set_title("Generation over generation: what each new chip multiplies")
    ax.legend(title="", fontsize=8, loc="lower right")
    return add_source_note(fig, sources, "Dense peak figures; HBM capacity and bandwidth per chip.")


def traps_chart(sparse_trap: pd.DataFrame, basis: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Two traps: NVIDIA sparse vs AWS dense (top); each vendor's memory label read literally vs one
    basis for both (bottom, chips.basis_ratios())."""
    fig, (top, bottom) = new_figure(height_in=5.6, ncols=1, nrows=2)
    labels = [label.replace(": ", ":\n") for label in sparse_trap.index]
    _hbars(top, labels, sparse_trap["NVIDIA / AWS"], [NEUTRAL, VENDOR_COLORS["NVIDIA"]], ".2f")
    top.set_xlabel("NVIDIA / AWS peak BF16 ratio")
    top.set_title(f"Sparse against dense: {sparse_trap.columns[0].split(' (')[0]} / "
                  f"{sparse_trap.columns[1].split(' (')[0]}", fontsize=10)
    positions = np.arange(len(basis))
    literal, one = basis["each label read literally"], basis["one basis"]
    bottom.barh(positions - 0.2, literal, height=0.4, color=NEUTRAL, label="each vendor's label read literally")
    bottom.barh(positions + 0.2, one, height=0.4, color=VENDOR_COLORS["AWS"], label="one basis for both")
    for y, (a, b) in enumerate(zip(literal, one)):
        bottom.annotate(f"{a:.2f}x", (a, y - 0.2), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5)
        bottom.annotate(f"{b:.2f}x", (b, y + 0.2), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7.5)
    bottom.set_yticks(positions, [f"{c}\n{m}" for c, m in zip(basis.index, basis["measure"])], fontsize=8)
    bottom.invert_yaxis()
    bottom.axvline(1.0, color="#333333", linewidth=0.8)
    bottom.set_xlim(0, max(literal.max(), one.max()) * 1.3)
    bottom.set_xlabel("AWS chip / NVIDIA chip")
    bottom.set_title("GiB against GB: the same memory read on two bases", fontsize=10)
    bottom.legend(fontsize=7.5, loc="lower right", frameon=True)
    bottom.grid(axis="y", visible=False)
    fig.suptitle("Two traps in naive chip comparisons", x=0.0, ha="left", fontweight="bold")
    return add_source_note(fig, sources, "One basis: HBM capacity binary (a vendor's HBM 'GB' is a GiB, as nvidia-smi "
                                         "and neuron-ls byte counts show), HBM bandwidth decimal.")


# --- market charts (notebook 01) ------------------------------------------------------------------

def _quarter_axis(ax, labels: list[str]) -> None:
    ax.set_xticks(range(len(labels)), [label.replace("FY", "FY") for label in labels], rotation=90,
                  fontsize=7.5)
    ax.grid(axis="x", visible=False)


def nvidia_revenue_chart(table: pd.DataFrame, growth_percent: pd.Series, sources: pd.DataFrame) -> Figure:
    """NVIDIA quarterly revenue split into Data Center and the rest (bars, billion USD) with Data
    Center's year-over-year growth (line, right axis)."""
    fig, ax = new_figure(height_in=4.8)
    positions = np.arange(len(table))
    data_center = table["data_center_revenue"]
    other = table["revenue"] - data_center
    ax.bar(positions, data_center, color=VENDOR_COLORS["NVIDIA"], label="Data Center")
    ax.bar(positions, other, bottom=data_center, color="#B9D98C", label="Other segments")
    ax.set_ylabel("Revenue per quarter (billion USD)")
    _quarter_axis(ax, list(table.index))
    growth_axis = ax.twinx()
    growth_axis.plot(positions, growth_percent.reindex(table.index), color="#333333", marker="o",
                     markersize=3, linewidth=1.2, label="Data Center growth vs a year earlier (right)")
    growth_axis.set_ylabel("Year-over-year growth (%)")
    growth_axis.grid(False)
    growth_axis.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()[0] + growth_axis.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.set_title("NVIDIA revenue by fiscal quarter (fiscal year ends late January)")
    return add_source_note(fig, sources)


def aws_chart(table: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """AWS segment sales and operating income per quarter (billion USD), with operating margin."""
    fig, ax = new_figure(height_in=4.6)
    positions = np.arange(len(table))
    ax.bar(positions - 0.2, table["aws_sales"], width=0.4, color=VENDOR_COLORS["AWS"], label="AWS net sales")
    ax.bar(positions + 0.2, table["aws_operating_income"], width=0.4, color="#F3B77D",
           label="AWS operating income")
    for x, sales, income in zip(positions, table["aws_sales"], table["aws_operating_income"]):
        if pd.notna(sales) and pd.notna(income):
            ax.annotate(f"{income / sales:.0%}", (x + 0.2, income), xytext=(0, 2), textcoords="offset points",
                        ha="center", fontsize=6.5)
    ax.set_ylabel("Per quarter (billion USD)")
    _quarter_axis(ax, list(table.index))
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("AWS: sales and operating income by quarter (labels: operating margin)")
    return add_source_note(fig, sources, "Amazon's fiscal year is the calendar year.")


def scale_chart(nvidia: pd.DataFrame, aws: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """NVIDIA Data Center revenue and AWS sales per quarter, placed on the quarter's end date."""
    fig, ax = new_figure(height_in=4.2)
    ax.plot(nvidia["period_end"], nvidia["usd"] / 1e9, color=VENDOR_COLORS["NVIDIA"], marker="o",
            markersize=3, label="NVIDIA Data Center revenue")
    ax.plot(aws["period_end"], aws["usd"] / 1e9, color=VENDOR_COLORS["AWS"], marker="o", markersize=3,
            label="AWS net sales")
    ax.set_ylabel("Per quarter (billion USD)")
    ax.set_xlabel("End of the fiscal quarter")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title("NVIDIA Data Center revenue and AWS net sales, per quarter")
    return add_source_note(fig, sources, "Quarters placed at their end dates (NVIDIA's end about a month "
                                         "after the calendar quarter).")


def capex_chart(quarters: pd.DataFrame, years: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Amazon's purchases of property and equipment: by quarter (left) and by year beside guidance."""
    fig, (left, right) = new_figure(height_in=4.4, ncols=2)
    series = quarters.set_index("fiscal_period")["usd"] / 1e9
    first, last = (int(p[2:6]) * 4 + int(p[-1]) - 1 for p in (series.index[0], series.index[-1]))
    every_quarter = [f"FY{n // 4}Q{n % 4 + 1}" for n in range(first, last + 1)]
    series = series.reindex(every_quarter)  # quarters not read stay as gaps, marked below
    positions = np.arange(len(series))
    left.bar(positions, series.fillna(0), color=VENDOR_COLORS["AWS"])
    for x in positions[series.isna().to_numpy()]:
        left.annotate("not read", (x, 0), xytext=(0, 3), textcoords="offset points", rotation=90,
                      ha="center", va="bottom", fontsize=6.5, color=NEUTRAL)
    _quarter_axis(left, every_quarter)
    left.set_ylabel("Billion USD per quarter")
    left.set_title("Purchases of property and equipment, by quarter", fontsize=10)
    positions = np.arange(len(years))
    right.bar(positions - 0.2, years["purchases_usd"] / 1e9, width=0.4, color=VENDOR_COLORS["AWS"],
              label="Reported purchases (cash-flow line)")
    right.bar(positions + 0.2, years["guidance_usd"] / 1e9, width=0.4, color=NEUTRAL,
              label="Amazon's capex outlook")
    right.set_xticks(positions, list(years["fiscal_year"]))
    right.set_ylabel("Per year (billion USD)")
    right.set_title("By year, beside the outlook", fontsize=10)
    right.legend(fontsize=7.5, loc="upper left")
    fig.suptitle("Amazon's capital spending", x=0.0, ha="left", fontweight="bold")
    return add_source_note(fig, sources, "Amazon's outlook is for 'cash capex', its own measure, close to "
                                         "but not the same as the purchases line.")


def _family_color(chip_family: object) -> str:
    text = str(chip_family)
    if "Trainium" in text:
        return VENDOR_COLORS["AWS"]
    if "NVIDIA" in text:
        return VENDOR_COLORS["NVIDIA"]
    return NEUTRAL


def deals_chart(gigawatts: pd.DataFrame, dollars: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Deals in gigawatts (left) and in dollars (right), coloured by whose chips they buy."""
    fig, (left, right) = new_figure(height_in=5.0, ncols=2)
    labels = [f"{p}\n({d:%Y-%m})" for p, d in zip(gigawatts["parties"], gigawatts["date"])]
    _hbars(left, labels, gigawatts["gigawatts"], [_family_color(c) for c in gigawatts["chip_family"]], "g")
    left.set_xlabel("Gigawatts of capacity (as announced)")
    left.tick_params(axis="y", labelsize=7)
    labels = [f"{p}\n({k.replace('_', ' ')}, {d:%Y-%m})"
              for p, k, d in zip(dollars["parties"], dollars["kind"], dollars["date"])]
    _hbars(right, labels, dollars["usd_billion"], [_family_color(c) for c in dollars["chip_family"]], ",.0f")
    right.set_xlabel("Billion USD (as announced; many are 'up to')")
    right.tick_params(axis="y", labelsize=7)
    fig.suptitle("The deals: gigawatts and dollars (orange: Trainium; green: NVIDIA; grey: other or none named)",
                 x=0.0, ha="left", fontweight="bold", fontsize=10.5)
    return add_source_note(fig, sources)


def deployments_chart(statements: pd.DataFrame, claims: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Trainium chip counts as stated over time, with the seed article's figures as dashed lines."""
    fig, ax = new_figure(height_in=4.4)
    for deal_id, group in statements.groupby("deal_id", sort=False):
        ax.plot(group["date"], group["chips"] / 1e6, marker="o", linestyle="-", linewidth=1,
                label=deal_id)
    for _, claim in claims.iterrows():
        ax.axhline(claim["claimed_value"] / 1e6, color="#333333", linestyle="--", linewidth=0.8)
        ax.annotate(f"article: {claim['quote'][:48]}…", (statements["date"].min(), claim["claimed_value"] / 1e6),
                    xytext=(0, 3), textcoords="offset points", fontsize=6.5)
    ax.set_ylabel("Trainium chips stated (millions)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Trainium deployments as each party stated them")
    return add_source_note(fig, sources)


# --- systems and cost charts (notebooks 03 and 04) ------------------------------------------------

def _chip_vendor_colors(frame: pd.DataFrame) -> list[str]:
    return [VENDOR_COLORS.get(v, NEUTRAL) for v in frame["chip_vendor"]]


def domains_chart(totals: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Scale-up domain size (chips) and dense FP8 compute of each system, side by side."""
    fig, (left, right) = new_figure(height_in=5.6, ncols=2)
    labels = list(totals.index)
    colors = _chip_vendor_colors(totals)
    _hbars(left, labels, totals["scaleup_chips"].astype(float), colors, ".0f")
    left.set_xlabel("Chips per scale-up domain")
    left.tick_params(axis="y", labelsize=7.5)
    _hbars(right, labels, totals["fp8_dense_flops"] / 1e15, colors, ",.0f")
    right.set_yticklabels([])
    right.set_xlabel("Dense FP8 PFLOPS per system")
    fig.suptitle("Scale-up domains: how many chips, how much compute", x=0.0, ha="left", fontweight="bold")
    _legend(fig, totals["chip_vendor"])
    return add_source_note(fig, sources, "Colour: whose chip (AWS Trainium or NVIDIA GPU). A100 has no FP8.")


def stated_vs_derived_chart(checks: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Each vendor-stated total against chips x chip specs: difference in percent."""
    fig, ax = new_figure(height_in=6.4)
    checks = checks.dropna(subset=["difference_percent"]).reset_index(drop=True)
    labels = [f"{s}: {t.replace('_bytes_per_s', '').replace('_flops', '').replace('_', ' ')}"
              for s, t in zip(checks["system_id"], checks["total"])]
    colors = [VENDOR_COLORS["NVIDIA"] if abs(d) < 1 else "#C0392B" for d in checks["difference_percent"]]
    ax.scatter(checks["difference_percent"], range(len(checks)), c=colors, s=18, zorder=3)
    ax.set_yticks(range(len(checks)), labels, fontsize=6)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlabel("Stated total / (chips x chip figure) - 1 (%)")
    ax.set_title("Do the vendors' system totals equal chips x chip specs?")
    return add_source_note(fig, sources, "Red: off by 1% or more. P5's 3.6 TB/s is NVLink bisection "
                                         "bandwidth, half the aggregate.")


def ratio_claims_chart(ratios: pd.DataFrame, claimed: dict[str, float], sources: pd.DataFrame) -> Figure:
    """AWS's Trn3-over-Trn2 UltraServer ratios: claimed, recomputed per UltraServer, and per chip."""
    fig, ax = new_figure(height_in=3.6)
    measures = list(ratios.index)
    positions = np.arange(len(measures))
    ax.barh(positions - 0.27, [claimed.get(m, np.nan) for m in measures], height=0.27, color=NEUTRAL,
            label="AWS's claim")
    for y, m in zip(positions, measures):
        if m not in claimed:
            ax.annotate("no claim", (0, y - 0.27), xytext=(3, 0), textcoords="offset points", va="center",
                        fontsize=7, color=NEUTRAL)
    ax.barh(positions, ratios["ultraserver_ratio"], height=0.27, color=VENDOR_COLORS["AWS"],
            label="documented totals, per UltraServer")
    ax.barh(positions + 0.27, ratios["per_chip_ratio"], height=0.27, color="#F3B77D",
            label="documented totals, per chip")
    ax.set_yticks(positions, measures)
    ax.invert_yaxis()
    ax.set_xlabel("Trn3 UltraServer (Gen2) / Trn2 UltraServer")
    ax.legend(fontsize=7.5, loc="lower right")
    ax.set_title("AWS's 4.4x and 3.9x, recomputed")
    return add_source_note(fig, sources, f"Gen2 holds {ratios['chips'].iloc[0]} chips.")


def price_metric_chart(on_demand: pd.DataFrame, capacity_block: pd.DataFrame, column: str, label: str,
                       sources: pd.DataFrame) -> Figure:
    """One price metric for every priced system: on-demand (left) and capacity-block (right) prices."""
    fig, axes = new_figure(height_in=4.8, ncols=2)
    for ax, (title, table) in zip(axes, (("On-demand", on_demand), ("EC2 Capacity Blocks", capacity_block))):
        table = table.sort_values(column)
        colors = [VENDOR_COLORS["AWS"] if str(c).startswith("trainium") else VENDOR_COLORS["NVIDIA"]
                  for c in table["chip_id"]]
        _hbars(ax, list(table.index), table[column], colors, ".2f")
        ax.set_title(f"{title} (latest observation)", fontsize=10)
        ax.set_xlabel(label)
        ax.tick_params(axis="y", labelsize=7.5)
    fig.suptitle(f"What AWS charges: {label}", x=0.0, ha="left", fontweight="bold", fontsize=11)
    _legend(fig)
    return add_source_note(fig, sources, "Systems with no public price of a kind are absent from that panel.")


def price_cut_chart(cut: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """On-demand prices before and after AWS's June 2025 cut."""
    fig, ax = new_figure(height_in=3.2)
    positions = np.arange(len(cut))
    ax.barh(positions - 0.2, cut["before_usd_per_hour"], height=0.4, color=NEUTRAL, label="before")
    ax.barh(positions + 0.2, cut["after_usd_per_hour"], height=0.4, color=VENDOR_COLORS["NVIDIA"], label="after")
    for y, (after, change) in enumerate(zip(cut["after_usd_per_hour"], cut["change_percent"])):
        ax.annotate(f"{change:+.0f}%", (after, y + 0.2), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(positions, list(cut.index))
    ax.invert_yaxis()
    ax.set_xlabel("On-demand price, us-east-1 (USD per instance-hour)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("AWS's June 2025 cut to P4 and P5 on-demand prices")
    return add_source_note(fig, sources)


def advantage_chart(advantage: pd.DataFrame, claimed_low: float, claimed_high: float,
                    sources: pd.DataFrame) -> Figure:
    """How much more peak capacity per dollar a Trainium system buys than each rival, against a claim."""
    fig, ax = new_figure(height_in=3.6)
    measures = [c for c in advantage.columns if c != "observed"]
    tidy = advantage[measures].reset_index().melt(id_vars="rival", var_name="measure", value_name="percent")
    sns.barplot(data=tidy, y="rival", x="percent", hue="measure", ax=ax, palette="colorblind", orient="h")
    ax.axvspan(claimed_low, claimed_high, color=VENDOR_COLORS["AWS"], alpha=0.2, label="AWS's claim")
    ax.set_xlabel("More capacity per dollar than the rival (%), peak specs")
    ax.set_ylabel("")
    ax.legend(fontsize=7.5, loc="lower right")
    ax.set_title(f"trn2.48xlarge against P5e and P5en, capacity blocks of {advantage['observed'].iloc[0]:%Y-%m-%d}")
    return add_source_note(fig, sources, "Shaded: AWS's '30-40% better price performance'.")


def advantage_over_time_chart(over_time: pd.DataFrame, claimed_low: float, claimed_high: float,
                              sources: pd.DataFrame) -> Figure:
    """How much more PEAK capacity per dollar a Trainium system buys than each rival, at every price
    snapshot: per rival a bar from the least to the most favourable measure, labelled at both ends."""
    fig, ax = new_figure(height_in=4.2)
    measures = [c for c in over_time.columns if c not in ("snapshot", "rival")]
    days = sorted(over_time["snapshot"].unique())
    rivals = list(dict.fromkeys(over_time["rival"]))
    palette = sns.color_palette("colorblind", n_colors=max(3, len(rivals)))
    width = 0.8 / len(rivals)
    ax.axhspan(claimed_low, claimed_high, color=VENDOR_COLORS["AWS"], alpha=0.25, zorder=0,
               label=f"AWS's claim: {claimed_low:g}-{claimed_high:g}% better (delivered)")
    for i, (rival, color) in enumerate(zip(rivals, palette)):
        group = over_time[over_time["rival"] == rival].set_index("snapshot").reindex(days)
        low, high = group[measures].min(axis=1), group[measures].max(axis=1)
        x = np.arange(len(days)) + (i - (len(rivals) - 1) / 2) * width
        ax.bar(x, high - low, bottom=low, width=width * 0.8, color=color, alpha=0.85, label=f"vs {rival}")
        for xi, lo, hi in zip(x, low, high):
            ax.annotate(f"{lo:.0f}%", (xi, lo), xytext=(0, -10), textcoords="offset points", ha="center", fontsize=7.5)
            ax.annotate(f"{hi:.0f}%", (xi, hi), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=7.5)
    ax.set_xticks(np.arange(len(days)), [f"{pd.Timestamp(d):%Y-%m-%d}" for d in days])
    ax.set_ylim(0, float(over_time[measures].max().max()) * 1.25)
    ax.set_xlim(-0.6, len(days) - 0.4)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel("More peak capacity per dollar (%)")
    ax.set_xlabel("Capacity-block price snapshot")
    ax.legend(fontsize=7.5, loc="upper left", frameon=True)
    ax.set_title("Trainium2's peak advantage per dollar moves with every price snapshot")
    return add_source_note(fig, sources, "Bars run from the least to the most favourable of dense BF16, dense FP8 and "
                                         "HBM bandwidth per dollar. Peak figures are ceilings, not delivered performance.")


# --- power and inference charts (notebook 05) -----------------------------------------------------

def perf_per_watt_chart(table: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Dense FP8 TFLOPS per watt of chip power, with the range an estimated power gives."""
    fig, ax = new_figure(height_in=4.4)
    positions = np.arange(len(table))
    colors = [VENDOR_COLORS.get(v, NEUTRAL) for v in table["vendor"]]
    ax.barh(positions, table["tflops_per_w"], color=colors)
    errors = [table["tflops_per_w"] - table["tflops_per_w_low"], table["tflops_per_w_high"] - table["tflops_per_w"]]
    ax.errorbar(table["tflops_per_w"], positions, xerr=errors, fmt="none", ecolor="#333333", capsize=3)
    from .data import WEAK_COPIES

    weak = [k in WEAK_COPIES for k in table.get("power_copy_kind", pd.Series([""] * len(table)))]
    labels = [f"{n} ({'estimated' if 'estimate' in b else 'TDP'} {w:,.0f} W){DAGGER if d else ''}"
              for n, b, w, d in zip(table["name"], table["power_basis"], table["power_w"], weak)]
    ax.set_yticks(positions, labels, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel("Dense FP8 TFLOPS per watt of chip power")
    ax.set_title("Peak compute per watt (chip only; bars: power estimate's range)")
    _legend(fig, table["vendor"])
    return add_source_note(fig, sources, (DAGGER_NOTE + " " if any(weak) else "") + "AWS publishes no Trainium "
                                         "power: estimates (see chip_specs.csv notes). Rubin: an analyst's estimate.")


def megawatt_sweep_chart(sweep: pd.DataFrame, claimed: float, sources: pd.DataFrame) -> Figure:
    """Trn3 / Trn2 tokens per megawatt at equal efficiency, against Trainium3's chip power, one line per
    scenario, with the claimed ratio as a dashed line."""
    fig, ax = new_figure(height_in=4.2)
    palette = sns.color_palette("colorblind", n_colors=sweep["scenario"].nunique())
    for color, (scenario, group) in zip(palette, sweep.groupby("scenario", sort=False)):
        ax.plot(group["trainium3_chip_w"], group["ratio_at_equal_efficiency"], color=color, marker="o",
                markersize=4, label=scenario)
    ax.axhline(claimed, color="#333333", linestyle="--", linewidth=1)
    ax.annotate(f"AWS's claim: {claimed:g}x (measured)", (sweep["trainium3_chip_w"].min(), claimed), xytext=(2, -11),
                textcoords="offset points", fontsize=7.5)
    ax.set_ylim(0, claimed * 1.15)
    ax.set_xlabel("Trainium3 chip power (W; AWS publishes none)")
    ax.set_ylabel("Trn3 / Trn2 tokens per megawatt")
    ax.legend(fontsize=7.5, loc="center right", frameon=True)
    ax.set_title("Tokens per megawatt from peak figures: far from 5x at any estimated power")
    return add_source_note(fig, sources, f"Both chips at the same fraction of their peak; Trainium2 at "
                                         f"{sweep['trainium2_chip_w'].iloc[0]:,.0f} W, host power per chip at its "
                                         "central value (the PUE cancels).")


def interval_chart(table: pd.DataFrame, label_column: str, median: str, low: str, high: str, xlabel: str,
                   title: str, sources: pd.DataFrame, colors: list[str] | None = None, note: str = "") -> Figure:
    """Medians with 5-95% intervals, one row each."""
    fig, ax = new_figure(height_in=1.2 + 0.42 * len(table))
    positions = np.arange(len(table))
    colors = colors or [NEUTRAL] * len(table)
    ax.barh(positions, table[median], color=colors)
    ax.errorbar(table[median], positions, xerr=[table[median] - table[low], table[high] - table[median]],
                fmt="none", ecolor="#333333", capsize=3)
    ax.set_yticks(positions, list(table[label_column]), fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return add_source_note(fig, sources, (note + " " if note else "") + "Bars: median; lines: 5-95% interval.")


def tornado_chart(swings: pd.DataFrame, xlabel: str, title: str, sources: pd.DataFrame) -> Figure:
    """One-at-a-time sensitivity: the output with each assumption at its low and high end."""
    fig, ax = new_figure(height_in=1.4 + 0.45 * len(swings))
    centre = swings["central_output"].iloc[0]
    positions = np.arange(len(swings))
    for y, (low, high) in enumerate(zip(swings["at_low"], swings["at_high"])):
        ax.barh(y, low - centre, left=centre, color="#5B8DB8", height=0.6)
        ax.barh(y, high - centre, left=centre, color="#C0504D", height=0.6)
    ax.axvline(centre, color="#333333", linewidth=1)
    ax.set_yticks(positions, [s.replace("_", " ") for s in swings.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color="#5B8DB8", label="assumption at its low end"),
                       Patch(color="#C0504D", label="assumption at its high end")], fontsize=7.5, loc="lower right")
    return add_source_note(fig, sources, "Others at their central values.")


# --- delivered performance (notebook 06) -----------------------------------------------------------

def delivered_chart(per_chip: pd.DataFrame, sources: pd.DataFrame, title: str) -> Figure:
    """Measured output tokens/s per chip (best result; the line spans the lowest), labelled with what a
    million tokens costs at the chip's cheapest public AWS chip-hour."""
    fig, ax = new_figure(height_in=1.4 + 0.45 * len(per_chip))
    table = per_chip.sort_values("best_tokens_per_s_per_chip")
    positions = np.arange(len(table))
    colors = [vendor_color(v) for v in table["vendor"]]
    ax.barh(positions, table["best_tokens_per_s_per_chip"], color=colors)
    ax.hlines(positions, table["lowest_tokens_per_s_per_chip"], table["best_tokens_per_s_per_chip"],
              color="#333333", linewidth=1.2)
    for y, (rate, cost) in enumerate(zip(table["best_tokens_per_s_per_chip"], table["usd_per_million_tokens"])):
        label = f"{rate:,.0f}" + (f"  ({money(cost)} per million tokens)" if pd.notna(cost) else "  (no AWS price)")
        ax.annotate(label, (rate, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks(positions, list(table["chip"]))
    ax.set_xlim(0, table["best_tokens_per_s_per_chip"].max() * 1.55)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Output tokens per second per chip (best result; line: the lowest result)")
    ax.set_title(title)
    _legend(fig, table["vendor"])
    return add_source_note(fig, sources, "MLPerf totals divided by the chips they cover; cost at the chip's cheapest "
                                         "public AWS chip-hour, fully busy.")


def roofline_fraction_chart(fractions: pd.DataFrame, sources: pd.DataFrame, needed: pd.DataFrame | None = None) -> Figure:
    """Each measured result's fraction of the compute roofline (dots), per chip, with what Trainium2 would
    need for AWS's claim (diamonds) where given."""
    fig, ax = new_figure(height_in=1.6 + 0.42 * fractions["chip"].nunique())
    chips = list(fractions.groupby("chip")["fraction_of_roofline"].median().sort_values().index)
    vendors = fractions.drop_duplicates("chip").set_index("chip")["vendor"]
    for y, chip in enumerate(chips):
        values = fractions[fractions["chip"] == chip]["fraction_of_roofline"] * 100
        ax.scatter(values, [y] * len(values), color=vendor_color(vendors[chip]), s=28, zorder=3)
        ax.annotate(f"{values.median():.0f}%", (values.max(), y), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=7.5)
    labels = list(chips)
    if needed is not None:
        for _, row in needed.iterrows():
            y = len(labels)
            ax.scatter([row["fraction_of_roofline_needed"] * 100], [y], marker="D", s=40, color=VENDOR_COLORS["AWS"],
                       facecolors="none", zorder=3)
            ax.annotate(f"{row['fraction_of_roofline_needed']:.0%} needed", (row["fraction_of_roofline_needed"] * 100, y),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=7.5)
            labels.append(f"Trainium2, needed for 30% over {row['rival_chip']}")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlim(0, max(40, fractions["fraction_of_roofline"].max() * 100 * 1.25))
    ax.set_xlabel("Output-token compute / dense peak at the run's precision (%)")
    ax.set_title("How much of their peak the chips deliver: measured, and what Trainium2 would need")
    ax.grid(axis="y", visible=False)
    return add_source_note(fig, sources, "2 FLOPs per parameter per output token; prefill not counted, so each "
                                         "fraction is a lower bound. Hollow diamond: a requirement, not a measurement.")


def matmul_chart(matmul: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """The largest sustained matmul per chip as a fraction of its dense peak, at BF16 and FP8."""
    table = matmul.assign(fraction=matmul["value"] / matmul["peak_tflops"] * 100)
    table = table.sort_values(["precision", "fraction"])
    labels = [f"{c} ({p.upper()})" for c, p in zip(table["chip"], table["precision"])]
    fig, ax = new_figure(height_in=1.4 + 0.32 * len(table))
    _hbars(ax, labels, table["fraction"].reset_index(drop=True), [vendor_color(v) for v in table["vendor"]], ".0f")
    ax.set_xlim(0, 100)
    ax.set_xlabel("Measured best-shape matmul / dense peak (%)")
    ax.set_title("The largest matmul each chip sustains, against its datasheet peak")
    _legend(fig, table["vendor"])
    return add_source_note(fig, sources, "Mean of 100 iterations of the best shape found (ml-engineering).")
