"""specs(), chip_figures(), load() and sources_for() on the committed ledger.

Expected values are never typed here: they are read back from each row's stored quote, so a test
fails when a value, its unit, its chips_in_figure or the conversion code disagrees with the source.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import chipledger
from chipledger import data, units

CONTRACT_COLUMNS = ["bf16_dense_flops", "fp8_dense_flops", "fp4_dense_flops", "hbm_bytes",
                    "hbm_bandwidth_bytes_per_s", "tdp_w", "scaleup_bandwidth_bytes_per_s"]
ELEVEN = ["trainium1", "trainium2", "trainium3", "a100-sxm-80gb", "h100-sxm", "h200-sxm", "b200",
          "b300", "gb200", "gb300", "rubin"]


def numbers_in(text: str) -> list[float]:
    """Every number written in a text: '1,299' -> 1299.0, '2.9' -> 2.9."""
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def test_specs_has_the_eleven_chips_and_the_contract_columns():
    specs = chipledger.specs()
    assert [chip for chip in specs.index if chip in ELEVEN] == ELEVEN  # in the contract's order
    assert list(specs.index) == list(chipledger.load("chips")["chip_id"])  # and any added since
    for column in CONTRACT_COLUMNS:
        assert specs[column].dtype == "float64", column


def test_specs_never_holds_zero_or_infinity():
    values = chipledger.specs()[list(data.SPEC_COLUMNS)].to_numpy()
    assert not np.isinf(values).any()
    assert not (values == 0).any()
    assert np.isfinite(values).sum() > 60  # most cells are known


def test_every_official_value_is_written_in_its_quote():
    rows = chipledger.load("chip_specs")
    official = rows[rows["basis"] == "official"]
    missing = [(r.chip_id, r.metric, r.value, r.quote) for r in official.itertuples()
               if r.value not in numbers_in(r.quote)]
    assert not missing, missing


def test_specs_values_equal_the_numbers_in_their_quotes():
    """For each chip and contract column: specs() == number in the preferred row's quote, in SI."""
    specs = chipledger.specs()
    figures = chipledger.chip_figures()
    checked = set()
    for column, (metric, precisions, sparsity) in data.SPEC_COLUMNS.items():
        for chip_id in specs.index:
            rows = figures[(figures["chip_id"] == chip_id) & (figures["metric"] == metric)
                           & (figures["sparsity"] == sparsity) & figures["precision"].isin(precisions)
                           & (figures["basis"] == "official")]
            if rows.empty:
                continue
            row = rows.sort_values("precision", key=lambda p: p.map(precisions.index)).iloc[0]
            stated = [n for n in numbers_in(row["quote"]) if n == row["value"]]
            assert stated, (chip_id, column, row["quote"])
            expected = units.to_si_on_basis(stated[0], row["unit"], metric) / row["chips_in_figure"]
            assert specs.at[chip_id, column] == pytest.approx(expected, rel=1e-12), (chip_id, column)
            checked.add(chip_id)
    assert len(checked) >= 5
    assert set(checked) >= set(ELEVEN)


def test_gib_figures_become_bytes_with_powers_of_two():
    figures = chipledger.chip_figures()
    gib = figures[(figures["metric"] == "hbm_capacity") & (figures["unit"] == "GiB")]
    assert len(gib) >= 2
    specs = chipledger.specs()
    for row in gib.itertuples():
        assert specs.at[row.chip_id, "hbm_bytes"] == row.value * 2**30 / row.chips_in_figure


def test_hbm_capacity_is_on_one_binary_basis_for_every_vendor():
    """A vendor's HBM "GB" is read as a GiB: 96 GiB : 80 GB is 1.2, 144 GiB : 180 GB is 0.8."""
    specs = chipledger.specs()
    assert specs.at["trainium2", "hbm_bytes"] / specs.at["h100-sxm", "hbm_bytes"] == pytest.approx(96 / 80)
    assert specs.at["trainium3", "hbm_bytes"] / specs.at["b200", "hbm_bytes"] == pytest.approx(144 / 180)
    assert specs.at["h100-sxm", "hbm_bytes"] == 80 * 2**30
    # the evidence: nvidia-smi's usable totals sit just under the binary reading, far above the decimal one
    every = chipledger.chip_figures(preferred_only=False)
    measured = every[(every["basis"] == "measured") & (every["chip_id"] == "h100-sxm")]
    assert set(measured["value"]) == {81559} and set(measured["unit"]) == {"MiB"}
    usable = measured["si_value"].iloc[0]
    assert 80e9 < usable < 80 * 2**30 and usable / (80 * 2**30) > 0.99


def test_hbm_bandwidth_is_on_one_decimal_basis():
    """Trainium1's "820 GiB/sec" is two HBM2e stacks of 410 GB/s: read as 820 GB/s, like NVIDIA's GB/s."""
    specs = chipledger.specs()
    assert specs.at["trainium1", "hbm_bandwidth_bytes_per_s"] == 820e9
    assert specs.at["trainium1", "hbm_bandwidth_bytes_per_s"] / specs.at["a100-sxm-80gb", "hbm_bandwidth_bytes_per_s"] \
        == pytest.approx(820 / 2039)
    assert units.comparison_unit("hbm_bandwidth", "GiB/s") == "GB/s"
    assert units.to_si_on_basis(820, "GiB/s", "hbm_bandwidth") == 820e9
    assert units.to_si_on_basis(80, "GB", "hbm_capacity") == 80 * 2**30
    assert units.to_si_on_basis(400, "Gbps", "network_bandwidth") == 50e9  # other metrics are read as stated


def test_rack_and_board_figures_are_divided_by_their_chip_count():
    figures = chipledger.chip_figures(preferred_only=False)
    multi = figures[figures["chips_in_figure"] > 1]
    assert len(multi) > 0
    for row in multi.itertuples():
        assert row.si_value * row.chips_in_figure == pytest.approx(units.to_si_on_basis(row.value, row.unit, row.metric))


@pytest.mark.parametrize("chip_id, source_id, pairs_at_least", [
    ("h100-sxm", "nvidia-h100-whitepaper-v104", 3),
    ("b200", "nvidia-blackwell-datasheet-copy", 1),
])
def test_nvidia_dense_is_half_of_sparse_where_a_source_states_both(chip_id, source_id, pairs_at_least):
    """The rule behind DENSE_IS_HALF_SPARSE_FAMILIES, checked on sources that state both figures."""
    rows = chipledger.load("chip_specs")
    stated = rows[(rows["chip_id"] == chip_id) & (rows["source_id"] == source_id)
                  & (rows["metric"] == "peak_flops")]
    pairs = stated.pivot_table(index=["precision", "chips_in_figure"], columns="sparsity", values="value")
    ratios = (pairs["sparse"] / pairs["dense"]).dropna()
    assert len(ratios) >= pairs_at_least
    assert ratios.to_numpy() == pytest.approx(2.0, rel=1e-3)


def test_blackwell_ultra_fp4_breaks_the_half_rule_and_is_published_dense():
    """Why the rule only fills gaps: B300/GB300 FP4 dense is not half of sparse."""
    figures = chipledger.chip_figures()
    for chip_id in ("b300", "gb300"):
        fp4 = figures[(figures["chip_id"] == chip_id) & (figures["precision"] == "fp4")].set_index("sparsity")
        assert fp4.at["dense", "basis"] == "official"
        assert fp4.at["dense", "si_value"] > fp4.at["sparse", "si_value"] / 2 * 1.2


def test_a_derived_dense_figure_is_used_only_where_the_rule_prefers_it():
    figures = chipledger.chip_figures()
    derived = figures[figures["basis"] == "derived"]
    assert "h200-sxm" in set(derived["chip_id"])  # NVIDIA states no dense H200 figure
    h200_sparse = figures[(figures["chip_id"] == "h200-sxm") & (figures["precision"] == "bf16")
                          & (figures["sparsity"] == "sparse")]["si_value"].item()
    assert chipledger.specs().at["h200-sxm", "bf16_dense_flops"] == h200_sparse / 2
    # H100: half the product page's 1,979 sparse TFLOPS (the chip's own specification) over the
    # whitepaper's 989.4 dense (another document); the two differ by rounding only
    h100 = figures[(figures["chip_id"] == "h100-sxm") & (figures["precision"] == "bf16") & (figures["sparsity"] == "dense")]
    assert h100["source_id"].item() == "nvidia-h100-product-page" and h100["value"].item() == 989.5
    assert "the chip's own specification" in h100["preferred_because"].item()
    # B200 and B300: half the datasheet's 4.5 sparse PFLOPS beats a summary's rounded 2.2
    for chip in ("b200", "b300"):
        row = figures[(figures["chip_id"] == chip) & (figures["precision"] == "bf16") & (figures["sparsity"] == "dense")]
        assert row["basis"].item() == "derived" and row["si_value"].item() == 2.25e15, row
    assert chipledger.specs().at["rubin", "bf16_dense_flops"] == 4e15


def test_estimates_carry_their_range_into_specs():
    specs = chipledger.specs()
    figures = chipledger.chip_figures()
    tdp = figures[(figures["metric"] == "tdp") & (figures["basis"] == "estimate")]
    assert len(tdp) >= 1
    for row in tdp.itertuples():
        assert specs.at[row.chip_id, "tdp_w_low"] <= specs.at[row.chip_id, "tdp_w"] <= specs.at[row.chip_id, "tdp_w_high"]
        assert specs.at[row.chip_id, "tdp_w_low"] == row.si_low


def test_load_types_columns_from_the_schema():
    specs = chipledger.load("chip_specs")
    assert specs["value"].dtype == "float64"
    assert specs["chips_in_figure"].dtype == "Int64"
    assert "preferred" not in specs  # the preference rule decides, in code
    sources = chipledger.load("sources")
    assert pd.api.types.is_datetime64_any_dtype(sources["accessed"])
    assert specs["precision"].isna().sum() == (~specs["metric"].isin(["peak_flops", "peak_ops"])).sum()


def test_load_refuses_an_unknown_table():
    with pytest.raises(chipledger.DataError, match="no table named 'chip_spec'"):
        chipledger.load("chip_spec")


def test_chipledger_data_points_loading_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIPLEDGER_DATA", str(tmp_path))
    with pytest.raises(chipledger.DataError, match=re.escape(f"{tmp_path}/datapackage.json: missing")):
        chipledger.load("chips")


def test_sources_for_lists_each_cited_source_once_in_order():
    figures = chipledger.chip_figures()
    sources = chipledger.sources_for(figures)
    assert list(sources["source_id"]) == list(dict.fromkeys(figures["source_id"]))
    assert sources["url"].str.match(r"^https?://").all()
    chips = chipledger.load("chips")
    assert set(chipledger.sources_for(chips)["source_id"]) >= set(chips["process_node_source_id"].dropna())


def test_sources_for_refuses_an_unknown_source():
    with pytest.raises(chipledger.DataError, match="no row for source_id 'nowhere'"):
        chipledger.sources_for(pd.DataFrame({"source_id": ["nowhere"]}))


def test_every_source_is_cited_by_some_row():
    cited = set()
    for table in set(chipledger.data.row_counts()) - {"sources"}:
        frame = chipledger.load(table)
        for column in [c for c in frame.columns if c.endswith("source_id")]:
            cited |= set(frame[column].dropna())
    assert set(chipledger.load("sources")["source_id"]) == cited
