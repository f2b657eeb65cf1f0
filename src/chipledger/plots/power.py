"""Charts of notebooks 05 and 06: power, inference, delivered performance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..fmt import money
from .base import (
    DAGGER,
    DAGGER_NOTE,
    NEUTRAL,
    VENDOR_COLORS,
    _hbars,
    _legend,
    add_source_note,
    new_figure,
    vendor_color,
)


def perf_per_watt_chart(table: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Dense FP8 TFLOPS per watt of chip power, with the range an estimated power gives."""
    fig, ax = new_figure(height_in=4.4)
    positions = np.arange(len(table))
    colors = [VENDOR_COLORS.get(v, NEUTRAL) for v in table["vendor"]]
    ax.barh(positions, table["tflops_per_w"], color=colors)
    errors = [table["tflops_per_w"] - table["tflops_per_w_low"], table["tflops_per_w_high"] - table["tflops_per_w"]]
    ax.errorbar(table["tflops_per_w"], positions, xerr=errors, fmt="none", ecolor="#333333", capsize=3)
    from ..data import WEAK_COPIES

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


def tornado_chart(swings: pd.DataFrame, xlabel: str, title: str, sources: pd.DataFrame, scale: float = 1.0,
                  median: float | None = None) -> Figure:
    """One-at-a-time sensitivity around the central case (every assumption central), the output with
    each assumption at its low and its high end; `median` (of a simulation, in the same units) is
    drawn too where given, since a lopsided range puts it away from the central case. Values are
    divided by `scale` for the axis."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = new_figure(height_in=1.9 + 0.45 * len(swings))
    centre = swings["central_output"].iloc[0] / scale
    positions = np.arange(len(swings))
    for y, (low, high) in enumerate(zip(swings["at_low"] / scale, swings["at_high"] / scale)):
        ax.barh(y, low - centre, left=centre, color="#5B8DB8", height=0.6)
        ax.barh(y, high - centre, left=centre, color="#C0504D", height=0.6)
    ax.axvline(centre, color="#333333", linewidth=1)
    handles = [Patch(color="#5B8DB8", label="this assumption at its low end"),
               Patch(color="#C0504D", label="this assumption at its high end"),
               Line2D([], [], color="#333333", linewidth=1, label=f"every assumption central: {centre:,.3g}")]
    if median is not None:
        ax.axvline(median, color="#333333", linewidth=1, linestyle=":")
        handles.append(Line2D([], [], color="#333333", linewidth=1, linestyle=":",
                              label=f"median of the simulation: {median:,.3g}"))
    labels = swings["description"] if "description" in swings else pd.Series(swings.index, index=swings.index)
    ax.set_yticks(positions, [_short(str(t)) for t in labels], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    fig.legend(handles=handles, fontsize=7.5, loc="outside right upper", frameon=False)
    return add_source_note(fig, sources, "Others at their central values.")


def _short(text: str, width: int = 44) -> str:
    """An assumption's description as a row label: up to its first parenthesis, comma or colon, at
    most `width` characters, cut at a word."""
    import re

    head = re.split(r" \(|, |: ", text, maxsplit=1)[0]
    if len(head) <= width:
        return head[:1].upper() + head[1:]
    return head[:1].upper() + head[1:width].rsplit(" ", 1)[0] + "…"




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
