"""Charts of notebook 02: the chips, chip for chip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .base import (
    NEUTRAL,
    VENDOR_COLORS,
    _hbars,
    _legend,
    _vendor_colors,
    _weak,
    _weak_note,
    add_source_note,
    new_figure,
    place_labels,
)


def compute_chart(specs: pd.DataFrame, sources: pd.DataFrame, provenance: pd.DataFrame | None = None) -> Figure:
    """Dense peak compute per chip at BF16, FP8 and FP4 (PFLOPS), one panel each. provenance:
    data.spec_provenance(), to mark figures resting only on a compilation or a summary."""
    panels = [("bf16_dense_flops", "BF16"), ("fp8_dense_flops", "8-bit (FP8, MXFP8)"),
              ("fp4_dense_flops", "4-bit (FP4 formats)")]
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
                            text.set_text(f"{other / 1e15:.2f} (?)")
                            text.xy = (other / 1e15, y)
        ax.set_title(title, fontsize=10)
        ax.margins(x=0.3)
    axes[1].set_xlabel("Dense PFLOPS per chip")
    for ax in axes[1:]:
        ax.set_yticklabels([])
    fig.suptitle("Peak dense compute per chip, by precision", x=0.0, ha="left", fontweight="bold")
    _legend(fig, specs["vendor"])
    note = _weak_note(provenance, specs.index, [c for c, _ in panels])
    return add_source_note(fig, sources, note + "Vendor peak figures without sparsity; 'not published' = "
                                                "the vendor states no figure at that precision; hatched, '(?)': "
                                                "the vendor does not say dense or sparse (Google's TPU).")


def memory_chart(specs: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """HBM capacity (GiB) against HBM bandwidth (TB/s), one point per chip."""
    fig, ax = new_figure(height_in=5.0)
    gigabytes, terabytes_per_s = specs["hbm_bytes"] / 2**30, specs["hbm_bandwidth_bytes_per_s"] / 1e12
    ax.scatter(gigabytes, terabytes_per_s, s=60, c=_vendor_colors(specs), zorder=3)
    ax.set_xlim(0, max(gigabytes.max() * 1.12, 1))
    ax.set_ylim(0, terabytes_per_s.max() * 1.1)
    ax.set_title("Memory per chip: capacity and bandwidth")
    _legend(fig, specs["vendor"])
    ax.set_xlabel("HBM capacity per chip (GiB, 2^30 bytes; a vendor's HBM 'GB' is a GiB)")
    ax.set_ylabel("HBM bandwidth per chip (TB/s)")
    add_source_note(fig, sources, "One basis for every vendor: HBM capacity binary (NVIDIA's '80 GB' = 80 GiB, "
                                  "as nvidia-smi shows), bandwidth decimal.")
    place_labels(ax, gigabytes, terabytes_per_s, specs["name"])  # last: the layout is final
    return fig


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
