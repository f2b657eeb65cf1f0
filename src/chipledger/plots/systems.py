"""Charts of notebooks 03 and 04: systems and cloud costs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .base import (
    NEUTRAL,
    VENDOR_COLORS,
    _chip_vendor_colors,
    _hbars,
    _legend,
    add_source_note,
    new_figure,
)


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
