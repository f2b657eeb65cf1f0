"""The look every chart shares: style, fixed vendor colours, a source note under each chart, bars
with value labels, export to build/figures/."""

from __future__ import annotations

import io
import os
import textwrap
import warnings
from pathlib import Path

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..files import replace_atomically

VENDOR_COLORS = {"AWS": "#E47911", "NVIDIA": "#5E9A00"}
"""Fixed vendor colours: AWS orange, NVIDIA green (darkened for contrast on white)."""
OTHER_VENDORS = "#6F7FB0"
"""One colour for the rest of the field (Google, AMD, ...), shown as context after AWS and NVIDIA."""


def vendor_color(vendor: object) -> str:
    """AWS orange, NVIDIA green, any other chip maker the 'other vendors' colour."""
    return VENDOR_COLORS.get(str(vendor), OTHER_VENDORS)


COMPANY_COLORS = {**VENDOR_COLORS, "Google": "#3A6FD8", "AMD": "#B5332E", "Broadcom": "#8E4FA8",
                  "Broadcom custom": "#8E4FA8", "Marvell": "#138D90"}
"""One colour per company where the market charts of notebook 01 tell the challengers apart (AWS and
NVIDIA keep theirs)."""


def company_color(company: object) -> str:
    """The company's colour in the market charts; grey for none or an unknown company."""
    return COMPANY_COLORS.get(str(company), NEUTRAL)


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
    fit_titles(fig)
    return fig


def titles_of(ax) -> list:
    """An axes' three title texts (centre, left, right: the style puts titles on the left)."""
    return [ax.title, ax._left_title, ax._right_title]


def fit_titles(fig: Figure) -> None:
    """Wraps an axes title that runs past its axes (into a neighbour or a legend beside the chart)
    onto as many lines as it needs."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for _ in range(2):  # wrapping changes the layout a little: check again once
        if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
            FigureCanvasAgg(fig)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        changed = False
        for ax, title in ((ax, t) for ax in fig.axes for t in titles_of(ax)):
            text = title.get_text()
            if not text:
                continue
            box, room = title.get_window_extent(renderer), ax.get_window_extent(renderer)
            if box.width > room.width * 1.02:
                per_line = max(12, int(len(text.replace("\n", " ")) * room.width / box.width) - 2)
                title.set_text("\n".join(textwrap.wrap(text.replace("\n", " "), per_line)))
                changed = True
        if not changed:
            return


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


# --- shared pieces -----------------------------------------------------------------------------

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
        negative = not pd.isna(value) and value < 0
        ax.annotate(text, (0 if pd.isna(value) else value, y), xytext=(-3 if negative else 3, 0),
                    textcoords="offset points", va="center", ha="right" if negative else "left",
                    fontsize=7.5, color="#333333")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.18)


def _vendor_colors(frame: pd.DataFrame, vendor_column: str = "vendor") -> list[str]:
    return [vendor_color(v) for v in frame[vendor_column]]


def _legend(fig: Figure, vendors=None) -> None:
    from matplotlib.patches import Patch

    present = None if vendors is None else {str(v) for v in vendors}
    handles = [Patch(color=c, label=v) for v, c in VENDOR_COLORS.items() if present is None or v in present]
    if vendors is not None and any(str(v) not in VENDOR_COLORS for v in vendors):
        handles.append(Patch(color=OTHER_VENDORS, label="other vendors"))
    fig.legend(handles=handles, loc="outside right upper", frameon=False, fontsize=8)


def _weak(provenance: pd.DataFrame | None, chips: pd.Index, column: str) -> list[bool]:
    """Which chips' figure in one specs() column rests only on a compilation or a summary."""
    if provenance is None:
        return [False] * len(chips)
    from ..data import WEAK_COPIES

    return [str(provenance.at[c, column]) in WEAK_COPIES if c in provenance.index else False for c in chips]


def _weak_note(provenance: pd.DataFrame | None, chips: pd.Index, columns: list[str]) -> str:
    return DAGGER_NOTE + " " if any(any(_weak(provenance, chips, c)) for c in columns) else ""



def _quarter_axis(ax, labels: list[str]) -> None:
    ax.set_xticks(range(len(labels)), [label.replace("FY", "FY") for label in labels], rotation=90,
                  fontsize=7.5)
    ax.grid(axis="x", visible=False)



def _chip_vendor_colors(frame: pd.DataFrame) -> list[str]:
    return [vendor_color(v) for v in frame["chip_vendor"]]


def short_system_name(name: str) -> str:
    """A system's name as a chart label: 'Amazon EC2 Trn2 UltraServer (u-trn2x64)' -> 'Trn2 UltraServer',
    'NVIDIA GB200 NVL72' stays; the parenthesis and the 'Amazon EC2 ' prefix go."""
    import re

    text = re.sub(r"\s*\(.*?\)", "", " ".join(str(name).split()))
    return text.removeprefix("Amazon EC2 ").strip()




_CANDIDATE_OFFSETS = [(7, 0), (-7, 0), (8, 11), (-8, 11), (8, -11), (-8, -11)] + [
    (sign_x * dx, sign_y * dy) for dy in (22, 34, 46, 58) for dx in (10, 24) for sign_y in (1, -1) for sign_x in (1, -1)]


def place_labels(ax, xs, ys, texts, fontsize: float = 7.5) -> list:
    """Labels next to scatter points without overlapping one another or the points: each label takes
    the first offset (points) of a fixed list at which its box touches no label placed before it and
    no point; points at the same place share one label ('B200, GB200'). Returns the annotations."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    fig = ax.figure
    if fig.canvas is None or not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.canvas.draw()  # lay the figure out first, so boxes are where they will be drawn
    renderer = fig.canvas.get_renderer()
    points = [(x, y, t) for x, y, t in zip(xs, ys, texts) if pd.notna(x) and pd.notna(y)]
    merged: list[list] = []
    for x, y, text in points:
        px, py = ax.transData.transform((x, y))
        for group in merged:
            gx, gy = ax.transData.transform((group[0], group[1]))
            if abs(gx - px) < 4 and abs(gy - py) < 4:
                group[2].append(text)
                break
        else:
            merged.append([x, y, [text]])
    taken = [Bbox.from_bounds(*(ax.transData.transform((x, y)) - 5), 10, 10) for x, y, _ in merged]
    axes_box = ax.get_window_extent(renderer)
    annotations = []

    def overlap(a, b) -> float:
        width, height = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
        return width * height if width > 0 and height > 0 else 0.0

    for x, y, names in merged:
        best = None
        for rank, (dx, dy) in enumerate(_CANDIDATE_OFFSETS):
            leader = {"arrowprops": {"arrowstyle": "-", "color": "#888888", "linewidth": 0.6,
                                     "shrinkA": 0, "shrinkB": 4}} if rank >= 2 else {}
            note = ax.annotate(", ".join(names), (x, y), xytext=(dx, dy), textcoords="offset points",
                               ha="left" if dx > 0 else "right", va="center", fontsize=fontsize, **leader)
            note.set_in_layout(False)  # placed for this layout: it must not change it
            box = note.get_window_extent(renderer)
            outside = box.width * box.height - overlap(box, axes_box)
            penalty = 1000 * sum(overlap(box, other) for other in taken) + 20 * outside + rank  # near, if clear
            if best is None or penalty < best[0]:
                if best is not None:
                    best[1].remove()
                best = (penalty, note, box)
            else:
                note.remove()
            if penalty <= rank:  # touches nothing: take the nearest such place
                break
        taken.append(best[2])
        annotations.append(best[1])
    return annotations
