"""The one preference rule (chipledger.preference) on made-up candidates, test by test, and on real rows."""

from __future__ import annotations

import pandas as pd
import pytest

import chipledger
from chipledger import preference

SOURCES = pd.DataFrame({
    "source_id": ["spec-2024", "spec-2026", "blog", "press", "wiki", "ai-summary", "analyst"],
    "kind": ["official", "official", "official", "press", "third_party", "third_party", "analyst"],
    "copy_kind": ["mirror", "transcription", "original", "original", "compilation", "summary", "original"],
    "supersedes": ["", "spec-2024", "", "", "", "", ""],
}).set_index("source_id")


def candidates(*rows):
    """rows of (source_id, value as written, basis, chips_in_figure); one chip, one metric."""
    frame = pd.DataFrame([{"chip_id": "x", "metric": "peak_flops", "precision": "bf16", "sparsity": "dense",
                           "value": float(v), "unit": "PFLOPS", "per_unit_si": float(v) * 1e15 / n,
                           "unit_precision": preference.stated_precision(v) * 1e15 / n, "chips_in_figure": n,
                           "basis": basis, "source_id": s} for s, v, basis, n in rows])
    return frame


def chosen(frame, reference=None):
    out = preference.choose(frame, ["chip_id", "metric", "precision", "sparsity"], SOURCES,
                            pd.Series({"x": reference}) if reference else None)
    row = out[out["preferred"]]
    assert len(row) == 1
    return row.iloc[0]


def test_an_estimate_only_where_no_source_states_the_figure():
    row = chosen(candidates(("analyst", "3.0", "estimate", 1), ("wiki", "2.5", "official", 1)))
    assert row["source_id"] == "wiki" and row["preferred_because"].startswith("stated over estimated")


def test_a_measurement_is_never_the_figure():
    row = chosen(candidates(("press", "79.6", "measured", 1), ("ai-summary", "80", "official", 1)))
    assert row["source_id"] == "ai-summary"


def test_the_newest_revision_wins_whatever_its_copy():
    row = chosen(candidates(("spec-2024", "2.0", "official", 1), ("spec-2026", "1.9", "official", 1)))
    assert row["source_id"] == "spec-2026" and "newest revision (supersedes spec-2024)" in row["preferred_because"]


def test_the_chips_own_specification_over_the_vendors_blog():
    row = chosen(candidates(("blog", "288", "official", 1), ("spec-2024", "279", "official", 1)), reference="spec-2024")
    assert row["source_id"] == "spec-2024"


def test_an_exact_figure_over_a_rounded_one():
    row = chosen(candidates(("blog", "2.2", "official", 1), ("wiki", "2.25", "official", 1)))
    assert row["value"] == 2.25 and "exact over rounded" in row["preferred_because"]
    # a total divided by its chips is no more exact than a per-chip figure: then the better copy decides
    row = chosen(candidates(("blog", "1.8", "official", 1), ("wiki", "130", "official", 72)))
    assert row["source_id"] == "blog"


def test_the_better_copy():
    row = chosen(candidates(("ai-summary", "4.0", "official", 1), ("wiki", "4.5", "official", 1),
                            ("press", "4.2", "official", 1)))
    # the press report restates a vendor figure: a transcription at best, over a compilation and a summary
    assert row["source_id"] == "press"


def test_stated_over_derived_and_ties():
    row = chosen(candidates(("blog", "2.0", "derived", 1), ("blog", "2.6", "official", 1)))
    assert row["basis"] == "official"
    row = chosen(candidates(("spec-2024", "1.0", "official", 8), ("blog", "1.1", "official", 1)))
    assert row["source_id"] == "blog" and "a tie: a per-chip figure" in row["preferred_because"]


@pytest.mark.parametrize("text, precision", [("2.2", 0.1), ("2.25", 0.01), ("180", 1.0), ("3352", 1.0), ("1e3", 1.0)])
def test_stated_precision(text, precision):
    assert preference.stated_precision(text) == pytest.approx(precision)


def test_every_group_of_real_figures_has_exactly_one_preferred():
    figures = chipledger.chip_figures(preferred_only=False)
    stated = figures[figures["basis"] != "measured"]
    counts = stated.groupby(["chip_id", "metric", "precision", "sparsity"])["preferred"].sum()
    assert (counts == 1).all()
    assert not figures[figures["basis"] == "measured"]["preferred"].any()
    assert (figures[figures["preferred"]]["preferred_because"] != "").all()


def test_real_revisions_are_followed():
    figures = chipledger.chip_figures()
    t2 = figures[(figures["chip_id"] == "trainium2") & (figures["precision"] == "bf16") & (figures["sparsity"] == "dense")]
    assert t2["value"].item() == 667 and t2["source_id"].item() == "neuron-trainium2-current"  # not the launch 655
    rubin = figures[(figures["chip_id"] == "rubin") & (figures["metric"] == "hbm_bandwidth")]
    assert rubin["source_id"].item() == "nvidia-vrnvl72-page-rev2026-09"  # the 2026-09 revision, not 22 TB/s
