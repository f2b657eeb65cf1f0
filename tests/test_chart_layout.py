"""Charts a person can read, checked on the drawn figure: no legend box covers a bar, a value label
or a title; labels next to points do not overlap; panels that compare one metric share an axis; a
source footer names only the documents behind what is drawn. The charts are built from the real
ledger, as the notebooks build them."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import chipledger
from chipledger import chips, costs, delivered, field, market, metrics, plots, power, scenarios, systems


def rendered(fig):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def boxes_overlap(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


def legend_collisions(fig) -> list[str]:
    """What a legend box of the figure covers: bars, value labels, titles."""
    renderer = rendered(fig)
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    found = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for patch in ax.patches:
                extent = patch.get_window_extent(renderer)
                if extent.width > 1 and extent.height > 1 and boxes_overlap(box, extent):
                    found.append(f"bar at {extent.bounds}")
            for text in [*ax.texts, *plots.titles_of(ax)]:
                if text.get_text() and boxes_overlap(box, text.get_window_extent(renderer)):
                    found.append(f"text {text.get_text()!r}")
        title = getattr(fig, "_suptitle", None)
        if title is not None and boxes_overlap(box, title.get_window_extent(renderer)):
            found.append(f"title {title.get_text()!r}")
    return found


def footer_ids(fig) -> set[str]:
    text = fig._supxlabel.get_text().replace("\n", " ")
    listed = text.split("Sources (chipledger data/sources.csv):", 1)[1].strip().rstrip(".")
    return {s.strip() for s in listed.split(",")}


@pytest.fixture(scope="module")
def specs():
    plots.use_style()
    return chipledger.specs()


def charts(specs):
    """(name, figure) for the charts with legends, built as the notebooks build them."""
    figures = chipledger.chip_figures()
    none = chipledger.sources_for(figures.head(1))
    totals = systems.derived_totals()
    on_demand, blocks = costs.metric_table("on_demand"), costs.metric_table("capacity_block")
    gw, usd = market.gigawatt_deals(), market.dollar_deals()
    model, table = power.gigawatt_model("trainium3", 2.0)
    claims = chipledger.load("claims").set_index("claim_id")
    statements = market.deployment_statements()
    return [
        ("compute", plots.compute_chart(specs, none, chipledger.data.spec_provenance())),
        ("memory", plots.memory_chart(specs, none)),
        ("domains", plots.domains_chart(totals, none)),
        ("ratios", plots.ratio_claims_chart(systems.trn3_against_trn2(), {"dense 8-bit compute": 4.4}, none)),
        ("prices", plots.price_metric_chart(on_demand, blocks, "usd_per_bf16_dense_pflop_hour", "USD", none)),
        ("deals", plots.deals_chart(gw, usd, none)),
        ("tornado", plots.tornado_chart(scenarios.sensitivity(model, table), "chips", "What drives Trainium2 cost per token", none,
                                        scale=1e6, median=1.0)),
        ("deployments", plots.deployments_chart(statements, claims.loc[["trainium-chips-deployed"]], none)),
        ("field", plots.field_revenue_chart(field.revenue_table().loc["2024Q1":], field.amazon_statements(), none)),
        ("shares", plots.shares_chart(field.nvidia_shares(), field.NEAR_MONOPOLY_PERCENT, none)),
    ] + more_charts(specs, none)


def more_charts(specs, none):
    """Every other chart of the notebooks, built as they build them."""
    nvidia = market.quarterly_table("NVIDIA", ["revenue", "data_center_revenue"])
    aws = market.quarterly_table("Amazon", ["aws_sales", "aws_operating_income"]).dropna(how="all")
    aws["operating_margin_percent"] = aws["aws_operating_income"] / aws["aws_sales"] * 100
    results = delivered.results()
    matmul = results[results["metric"] == "achieved_flops"].assign(
        peak_tflops=lambda f: [specs.at[c, delivered.PEAK_FOR_PRECISION[p]] / 1e12 for c, p in zip(f["chip_id"], f["precision"])])
    fractions = delivered.roofline_fractions()
    offline = fractions[(fractions["suite"] == "mlperf_inference_v5.1") & (fractions["workload"] == "llama2-70b")
                        & (fractions["scenario"] == "offline")]
    deals = power.gigawatt_deals()
    sweep = power.trn3_per_megawatt_sweep(5.0)
    return [
        ("ridge", plots.ridge_chart(specs, metrics.ridge_point_flop_per_byte(specs), none)),
        ("gains", plots.gains_chart(chips.gains(specs), none)),
        ("traps", plots.traps_chart(chips.sparse_dense_trap(specs, aws_chip="trainium2", nvidia_chip="h100-sxm"),
                                    chips.basis_ratios(), none)),
        ("nvidia revenue", plots.nvidia_revenue_chart(nvidia, market.year_over_year_percent(nvidia["data_center_revenue"]),
                                                      none)),
        ("aws", plots.aws_chart(aws, none)),
        ("scale", plots.scale_chart(market.quarterly("NVIDIA", "data_center_revenue"),
                                    market.quarterly("Amazon", "aws_sales"), none)),
        ("capex", plots.capex_chart(market.quarterly("Amazon", "purchases_of_property_and_equipment"),
                                    market.capex_by_year(), none)),
        ("price cut", plots.price_cut_chart(costs.june_2025_cut(), none)),
        ("over time", plots.advantage_over_time_chart(
            costs.price_performance_over_time("trn2.48xlarge", costs.TRN2_RIVALS, "capacity_block"), 30, 40, none)),
        ("per watt", plots.perf_per_watt_chart(power.perf_per_watt(), none)),
        ("sweep", plots.megawatt_sweep_chart(sweep, 5.0, none)),
        ("intervals", plots.interval_chart(deals.assign(label=deals["parties"]), "label", "chips_million_median",
                                           "chips_million_p5", "chips_million_p95", "Chips (millions)", "Gigawatt deals",
                                           none)),
        ("delivered", plots.delivered_chart(delivered.mlperf_per_chip(), none,
                                            "Measured: MLPerf Llama 2 70B Offline, output tokens per second per chip")),
        ("roofline", plots.roofline_fraction_chart(offline, none, delivered.required_for_claim("trainium2", ["h200-sxm"], 0.3))),
        ("matmul", plots.matmul_chart(matmul, none)),
    ]


def test_no_legend_covers_a_bar_a_label_or_a_title(specs):
    problems = {name: legend_collisions(fig) for name, fig in charts(specs)}
    assert not {name: found for name, found in problems.items() if found}


def test_labels_next_to_points_do_not_overlap(specs):
    fig = plots.memory_chart(specs, chipledger.sources_for(chipledger.chip_figures().head(1)))
    renderer = rendered(fig)
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(boxes) >= 12
    clashes = [(a.get_text(), b.get_text()) for i, a in enumerate(ax.texts) for b in ax.texts[i + 1:]
               if boxes_overlap(a.get_window_extent(renderer), b.get_window_extent(renderer))]
    assert not clashes
    # chips at the same place share one label
    assert any("," in t.get_text() for t in ax.texts)


def test_a_legend_that_covered_a_bar_would_be_found(specs):
    fig = plots.ratio_claims_chart(systems.trn3_against_trn2(), {"dense 8-bit compute": 4.4},
                                   chipledger.sources_for(chipledger.chip_figures().head(1)))
    fig.legends.clear()
    fig.axes[0].legend(loc="center")  # over the bars
    assert legend_collisions(fig)


def test_the_two_price_panels_share_one_scale():
    on_demand, blocks = costs.metric_table("on_demand"), costs.metric_table("capacity_block")
    fig = plots.price_metric_chart(on_demand, blocks, "usd_per_bf16_dense_pflop_hour", "USD",
                                   chipledger.sources_for(on_demand))
    rendered(fig)
    left, right = fig.axes[:2]
    assert left.get_shared_x_axes().joined(left, right)
    assert left.get_xlim() == right.get_xlim()


def test_a_forecast_is_drawn_hollow():
    statements = market.deployment_statements()
    assert (statements["firmness"] == "forecast").any()
    claims = chipledger.load("claims").set_index("claim_id")
    fig = plots.deployments_chart(statements, claims.loc[["trainium-chips-deployed"]],
                                  chipledger.sources_for(statements))
    hollow = [line for line in fig.axes[0].lines if line.get_markerfacecolor() == "white" and len(line.get_xdata())]
    assert len(hollow) == (statements["firmness"] == "forecast").sum()
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "a forecast or target, not a count" in labels
    assert not any("-" in label and " " not in label for label in labels)  # names, not ids


def test_a_footer_names_only_what_is_drawn():
    columns = ["hbm_bytes", "hbm_bandwidth_bytes_per_s"]
    used = chipledger.data.spec_sources(columns)
    fig = plots.memory_chart(chipledger.specs(), chipledger.sources_for(used))
    ids = footer_ids(fig)
    figures = chipledger.chip_figures()
    drawn = figures[figures["metric"].isin(["hbm_capacity", "hbm_bandwidth"])]
    assert ids == set(used["source_id"]) and ids <= set(drawn["source_id"])
    compute_only = set(figures[figures["metric"] == "peak_flops"]["source_id"]) - set(drawn["source_id"])
    assert compute_only and not ids & compute_only


def test_the_tornado_shows_the_central_case_and_the_median():
    model, table = power.gigawatt_model("trainium3", 2.0)
    swings = scenarios.sensitivity(model, table)
    fig = plots.tornado_chart(swings, "chips", "t", chipledger.sources_for(table), scale=1e6, median=1.02)
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert any(label.startswith("every assumption central: 1.1") for label in labels)
    assert any(label.startswith("median of the simulation: 1.02") for label in labels)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Trainium3 chip power" in ticks and not any(":" in t or "_" in t for t in ticks)
    assert footer_ids(fig) == set(pd.Series(table["source_id"]).dropna())
