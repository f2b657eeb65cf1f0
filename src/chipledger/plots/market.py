"""Charts of notebook 01: revenue, capital spending, deals, deployments, the rest of the field."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .base import (
    NEUTRAL,
    VENDOR_COLORS,
    _hbars,
    _quarter_axis,
    add_source_note,
    company_color,
    new_figure,
)


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


def deals_chart(gigawatts: pd.DataFrame, dollars: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Deals in gigawatts (left) and in dollars (right), coloured by whose chips they buy; a forecast or
    a letter of intent is drawn hollow (a firm agreement or fact filled)."""
    fig, (left, right) = new_figure(height_in=9.0, nrows=2)
    for ax, frame, column, fmt, xlabel in (
            (left, gigawatts, "gigawatts", "g", "Gigawatts of capacity (as announced)"),
            (right, dollars, "usd_billion", ",.0f", "Billion USD (as announced; many are 'up to')")):
        bounds = {"up_to": "up to ", "at_least": "at least ", "about": "about ", "exact": ""}
        labels = [f"{p} ({d:%Y-%m}{', ' + f.replace('_', ' ') if f in ('forecast', 'letter_of_intent') else ''})"
                  for p, d, f in zip(frame["parties"], frame["date"], frame["firmness"])]
        colors = [company_color(v) for v in frame["chip_vendor"]]
        _hbars(ax, labels, frame[column], colors, fmt)
        for bar, color, firmness in zip(ax.patches, colors, frame["firmness"]):
            if firmness in ("forecast", "letter_of_intent"):
                bar.set_facecolor("white")
                bar.set_edgecolor(color)
                bar.set_linewidth(1.5)
        for text, bound in zip(ax.texts, frame["bound"]):
            text.set_text(bounds[bound] + text.get_text())
        ax.set_xlabel(xlabel)
        ax.tick_params(axis="y", labelsize=7)
    vendors = list(dict.fromkeys(v for v in pd.concat([gigawatts["chip_vendor"], dollars["chip_vendor"]]) if v != "none"))
    handles = [Patch(color=company_color(v), label=v) for v in vendors] + [
        Patch(facecolor="white", edgecolor="#333333", label="forecast or letter of intent"),
        Patch(color=NEUTRAL, label="no chips named")]
    left.legend(handles=handles, loc="lower right", fontsize=7, title="Whose chips", title_fontsize=7.5)
    fig.suptitle("The deals: gigawatts and dollars, by whose chips they buy", x=0.0, ha="left", fontweight="bold",
                 fontsize=10.5)
    return add_source_note(fig, sources)


def deployments_chart(statements: pd.DataFrame, claims: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """Trainium chip counts as stated over time, one series per thing counted (market.deployment_statements
    `series`), with the seed article's figures as dashed lines. A forecast ("expects ... by the end of
    2025") is a hollow marker joined by a dashed line, a statement of fact a filled one."""
    fig, ax = new_figure(height_in=4.4)
    palette = ["#E47911", "#1B4F72", "#7B3F98", "#117864", "#A04000"]
    for (series, group), color in zip(statements.groupby("series", sort=False), palette):
        facts = group[group["firmness"] != "forecast"]
        ax.plot(facts["date"], facts["chips"] / 1e6, marker="o", linestyle="-", linewidth=1, color=color, label=series,
                zorder=3)
        for _, row in group[group["firmness"] == "forecast"].iterrows():
            ax.plot([row["date"]], [row["chips"] / 1e6], marker="o", markerfacecolor="white",
                    markeredgewidth=1.5, markersize=11, color=color, linestyle="none", zorder=2)
    if (statements["firmness"] == "forecast").any():
        ax.plot([], [], marker="o", markerfacecolor="white", color="#333333", linestyle="--",
                label="a forecast or target, not a count")
    for _, claim in claims.iterrows():
        ax.axhline(claim["claimed_value"] / 1e6, color="#333333", linestyle="--", linewidth=0.8)
        ax.annotate(f"article: {claim['quote'][:48]}…", (statements["date"].min(), claim["claimed_value"] / 1e6),
                    xytext=(0, 3), textcoords="offset points", fontsize=6.5)
    ax.set_ylabel("Trainium chips stated (millions)")
    ax.set_ylim(0, statements["chips"].max() / 1e6 * 1.15)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Trainium deployments as each party stated them")
    return add_source_note(fig, sources)


# --- the rest of the field ----------------------------------------------------------------------------

def field_revenue_chart(table: pd.DataFrame, statements: pd.DataFrame, sources: pd.DataFrame) -> Figure:
    """The four data-center revenue lines by calendar quarter (billion USD, lines), with Amazon's chips
    run-rate statements as a quarter of the stated annual rate (hollow diamonds: not revenue)."""
    fig, ax = new_figure(height_in=4.8)
    quarters = list(table.index)
    positions = {q: i for i, q in enumerate(quarters)}
    for line in table.columns:
        company = line.split()[0]
        series = table[line].dropna()
        ax.plot([positions[q] for q in series.index], series.to_numpy(), marker="o", markersize=3.5,
                linewidth=1.6, color=company_color(company), label=line)
    rates = statements[statements["metric"].isin(["chips_revenue_run_rate", "trainium2_revenue_run_rate"])]
    rates = rates[rates["calendar_quarter"].isin(positions)]
    for _, row in rates.iterrows():
        x, y = positions[row["calendar_quarter"]], row["usd"] / 4 / 1e9
        ax.plot([x], [y], marker="D", markersize=7, markerfacecolor="white", markeredgewidth=1.5,
                color=company_color("AWS"), linestyle="none")
        what = "chips" if row["metric"] == "chips_revenue_run_rate" else "Trainium2"
        ax.annotate(f"{what}: >${row['usd'] / 1e9:,.0f}B/yr", (x, y), xytext=(0, -13), textcoords="offset points",
                    ha="center", va="top", fontsize=6.5, color=company_color("AWS"))
    ax.plot([], [], marker="D", markerfacecolor="white", color=company_color("AWS"), linestyle="none",
            label="Amazon's stated annual run rate ÷ 4 (not revenue)")
    _quarter_axis(ax, quarters)
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.3)
    ax.margins(x=0.06)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.set_ylabel("Billion USD per quarter (log scale)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, fontsize=7, frameon=False)
    ax.set_title("Who else sells AI chips: data-center revenue by calendar quarter")
    return add_source_note(fig, sources, "Each fiscal quarter is placed in the calendar quarter holding its middle day. "
                                         "AMD's and Marvell's lines include non-AI chips.")


def shares_chart(shares: pd.DataFrame, line_percent: float, sources: pd.DataFrame) -> Figure:
    """NVIDIA's share in each analyst estimate, one row per estimate, grouped by scope, with our
    near-monopoly line; hollow markers for forecasts."""
    fig, ax = new_figure(height_in=4.6)
    order = {"gpus": 0, "gpu_servers": 1, "all_accelerators": 2, "ai_servers": 3, "asics": 4}
    shares = shares.assign(_order=shares["scope"].map(order)).sort_values(["_order", "year"], ascending=[True, False])
    shares = shares.reset_index(drop=True)
    scopes = list(dict.fromkeys(shares["scope_words"]))
    palette = dict(zip(scopes, ["#1B4F72", "#6C3483", "#A04000", "#117864", "#7B7D7D"]))
    bound_words = {"about": "about ", "at_least": "over ", "up_to": "nearly ", "exact": ""}
    for y, row in shares.iterrows():
        color = palette[row["scope_words"]]
        filled = row["kind"] == "estimate"
        ax.plot([row["share_percent"]], [y], marker="o", markersize=8, color=color,
                markerfacecolor=color if filled else "white", markeredgewidth=1.5, linestyle="none")
        ax.annotate(f"{bound_words[row['bound']]}{row['share_percent']:g}%", (row["share_percent"], y), xytext=(7, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    labels = [f"{r.analyst}, {r.year} ({r.measure_words})" for r in shares.itertuples()]
    ax.set_yticks(range(len(shares)), labels, fontsize=7.5)
    ax.axvline(line_percent, color="#333333", linestyle="--", linewidth=0.9)
    ax.annotate(f"near-monopoly line: {line_percent:.0f}% (our reading)", (line_percent, -0.55), xytext=(-4, 0),
                textcoords="offset points", ha="right", va="center", fontsize=7, color="#333333")
    ax.set_ylim(len(shares) - 0.5, -0.9)
    ax.set_xlim(40, 105)
    ax.set_xlabel("NVIDIA's share (%)")
    handles = [Line2D([], [], marker="o", color=palette[s], linestyle="none", label=s) for s in scopes]
    handles.append(Line2D([], [], marker="o", color="#333333", markerfacecolor="white", linestyle="none",
                          label="forecast (hollow)"))
    ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2, frameon=False)
    ax.set_title("NVIDIA's share, by analyst and by what is counted")
    return add_source_note(fig, sources)
