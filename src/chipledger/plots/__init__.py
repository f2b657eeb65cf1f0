"""One look for every chart: style, fixed vendor colours, a source note under each chart, export.

Plotting functions build a matplotlib Figure (not through pyplot, so a notebook shows it once, as the
cell's value) and return it. `export` writes it to build/figures/ as PNG and SVG when `make report` runs.

Modules: base (style, colours, source notes, export), chips (02), market (01), systems (03, 04),
power (05, 06).
"""
from .base import (
    COMPANY_COLORS,
    DAGGER,
    DAGGER_NOTE,
    FIGURE_WIDTH_IN,
    NEUTRAL,
    OTHER_VENDORS,
    VENDOR_COLORS,
    add_source_note,
    chip_colors,
    company_color,
    export,
    fit_titles,
    new_figure,
    place_labels,
    short_system_name,
    titles_of,
    use_style,
    vendor_color,
)
from .chips import (
    compute_chart,
    gains_chart,
    memory_chart,
    ridge_chart,
    traps_chart,
)
from .market import (
    aws_chart,
    capex_chart,
    deals_chart,
    deployments_chart,
    field_revenue_chart,
    nvidia_revenue_chart,
    scale_chart,
    shares_chart,
)
from .power import (
    delivered_chart,
    interval_chart,
    matmul_chart,
    megawatt_sweep_chart,
    perf_per_watt_chart,
    roofline_fraction_chart,
    tornado_chart,
)
from .systems import (
    advantage_chart,
    advantage_over_time_chart,
    domains_chart,
    price_cut_chart,
    price_metric_chart,
    ratio_claims_chart,
    stated_vs_derived_chart,
)

__all__ = [
    'COMPANY_COLORS', 'DAGGER', 'DAGGER_NOTE', 'FIGURE_WIDTH_IN', 'NEUTRAL', 'OTHER_VENDORS',
    'VENDOR_COLORS', 'add_source_note', 'advantage_chart', 'advantage_over_time_chart', 'aws_chart',
    'capex_chart', 'chip_colors', 'company_color', 'compute_chart', 'deals_chart',
    'delivered_chart', 'deployments_chart', 'domains_chart', 'export', 'field_revenue_chart',
    'fit_titles', 'gains_chart', 'interval_chart', 'matmul_chart', 'megawatt_sweep_chart',
    'memory_chart', 'new_figure', 'nvidia_revenue_chart', 'perf_per_watt_chart', 'place_labels',
    'price_cut_chart', 'price_metric_chart', 'ratio_claims_chart', 'ridge_chart',
    'roofline_fraction_chart', 'scale_chart', 'shares_chart', 'short_system_name',
    'stated_vs_derived_chart', 'titles_of', 'tornado_chart', 'traps_chart', 'use_style',
    'vendor_color',
]
