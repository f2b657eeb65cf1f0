"""Charts of notebook 01: revenue, capital spending, deals, deployments, the rest of the field."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .base import NEUTRAL, VENDOR_COLORS, _hbars, _quarter_axis, add_source_note, new_figure


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
