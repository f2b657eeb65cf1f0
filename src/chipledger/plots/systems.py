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
    short_system_name,
)


def domains_chart(totals: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Scale-up domain size (chips) and dense FP8 compute of each system, side by side."""
    fig, (left, right) = new_figure(height_in=5.6, ncols=2)
    labels = [short_system_name(n) for n in totals["name"]]
    colors = _chip_vendor_colors(totals)
    _hbars(left, labels, totals["scaleup_chips"].astype(float), colors, ",.0f")
    left.set_xscale("log")
    left.set_xlim(1, totals["scaleup_chips"].max() * 8)
    left.set_xlabel("Chips per scale-up domain (log scale)")
    left.tick_params(axis="y", labelsize=7.5)
    _hbars(right, labels, totals["fp8_dense_flops"] / 1e15, colors, ",.0f")
    right.set_yticklabels([])
    right.set_xlabel("Dense FP8 PFLOPS per system")
    fig.suptitle("Scale-up domains: how many chips, how much compute", x=0.0, ha="left", fontweight="bold")
    _legend(fig, totals["chip_vendor"])
    return add_source_note(fig, sources, "Colour: whose chip. A100 has no FP8; Google does not state the TPU's "
                                         "sparsity, so its pod has no dense figure.")


def stated_vs_derived_chart(checks: pd.DataFrame, sources: pd.DataFrame, names: pd.Series | None = None,
                            within_percent: float = 1.0) -> Figure:
    """Each vendor-stated total against chips x chip specs: every difference as a dot on one line, and
    the totals off by `within_percent` or more as labelled bars (the rest are counted, not named).
    names: system_id -> name for the labels."""
    checks = checks.dropna(subset=["difference_percent"]).reset_index(drop=True)
    off = checks[checks["difference_percent"].abs() >= within_percent].sort_values("difference_percent")
    fig, (strip, bars) = new_figure(height_in=2.2 + 0.45 * len(off), nrows=2,)
    fig.get_layout_engine().set(h_pad=0.15)
    agree = checks["difference_percent"].abs() < within_percent
    strip.scatter(checks.loc[agree, "difference_percent"], np.zeros(agree.sum()), s=18, color=VENDOR_COLORS["NVIDIA"],
                  alpha=0.6, zorder=3, label=f"{agree.sum()} totals within {within_percent:g}%")
    strip.scatter(off["difference_percent"], np.zeros(len(off)), s=22, color="#C0392B", zorder=3,
                  label=f"{len(off)} off by {within_percent:g}% or more")
    strip.set_yticks([])
    strip.axvline(0, color="#333333", linewidth=0.8)
    strip.set_title(f"{agree.sum()} of {len(checks)} stated totals equal chips x chip figure within {within_percent:g}%",
                    fontsize=10)
    strip.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(0, -0.35), ncols=2, frameon=False)
    names = names if names is not None else pd.Series(dtype=str)
    labels = [f"{short_system_name(names.get(s, s))}: {t} (stated {st})"
              for s, t, st in zip(off["system_id"], off["total"], off["stated"])]
    _hbars(bars, labels, off["difference_percent"], ["#C0392B"] * len(off), "+.1f")
    bars.axvline(0, color="#333333", linewidth=0.8)
    bars.set_xlabel("Stated total / (chips x chip figure) - 1 (%)")
    bars.tick_params(axis="y", labelsize=8)
    for ax in (strip, bars):
        ax.set_xlim(min(-5, off["difference_percent"].min() * 1.4), max(5, off["difference_percent"].max() * 1.4))
    fig.suptitle("Do the vendors' system totals equal chips x chip specs?", x=0.0, ha="left", fontweight="bold")
    return add_source_note(fig, sources, "P5's 3.6 TB/s is NVLink bisection bandwidth, half the aggregate.")


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
    for offset, values in ((-0.27, [claimed.get(m, np.nan) for m in measures]), (0, ratios["ultraserver_ratio"]),
                           (0.27, ratios["per_chip_ratio"])):
        for y, value in zip(positions + offset, values):
            if not pd.isna(value):
                ax.annotate(f"{value:.2f}x", (value, y), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7.5, color="#333333")
    ax.set_yticks(positions, measures)
    ax.invert_yaxis()
    ax.margins(x=0.12)
    ax.set_xlabel("Trn3 UltraServer (Gen2) / Trn2 UltraServer")
    fig.legend(*ax.get_legend_handles_labels(), fontsize=7.5, loc="outside right upper", frameon=False)
    ax.set_title("AWS's 4.4x and 3.9x, recomputed")
    return add_source_note(fig, sources, f"Gen2 holds {ratios['chips'].iloc[0]} chips.")


def price_metric_chart(on_demand: pd.DataFrame, capacity_block: pd.DataFrame, column: str, label: str,
                       sources: pd.DataFrame) -> Figure:
    """One price metric for every priced system: on-demand (left) and capacity-block (right) prices."""
    fig, axes = new_figure(height_in=4.8, ncols=2)
    axes[1].sharex(axes[0])  # one metric: one scale for both panels
    for ax, (title, table) in zip(axes, (("On-demand", on_demand), ("EC2 Capacity Blocks", capacity_block))):
        table = table.sort_values(column)
        colors = [VENDOR_COLORS["AWS"] if str(c).startswith("trainium") else VENDOR_COLORS["NVIDIA"]
                  for c in table["chip_id"]]
        _hbars(ax, list(table.index), table[column], colors, ".2f")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(label)
        ax.tick_params(axis="y", labelsize=7.5)
    fig.suptitle(f"What AWS charges: {label}, latest price of each kind", x=0.0, ha="left", fontweight="bold",
                 fontsize=11)
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
    fig.legend(*ax.get_legend_handles_labels(), fontsize=7.5, loc="outside right upper", frameon=False)
    ax.get_legend().remove()
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
