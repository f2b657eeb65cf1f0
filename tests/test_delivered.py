"""chipledger.delivered on the committed ledger (real values read back from the CSV) and on edited
copies of it; benchmarks.csv's own rules refuse bad rows with file, line, column and value."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import DATA

import chipledger
from chipledger import DataError, delivered, power


def csv_row(benchmark_id: str) -> dict[str, str]:
    with (DATA / "benchmarks.csv").open(encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r["benchmark_id"] == benchmark_id)


H100_32 = "mlperf-inf-v5.1-llama2-70b-99-offline-cisco-hgx-h100-h100-sxm-80gbx32-trt"
TRN2_BATCH1 = "neuron-tutorial-trn2-llama3.3-70b-2025-02-no-spec-tokens-per-s-per-user"


def test_a_system_total_is_divided_by_the_chips_it_covers():
    row = csv_row(H100_32)
    assert (row["value"], row["chips"]) == ("124879.0", "32")
    rate = delivered.results().set_index("benchmark_id").at[H100_32, "tokens_per_s_per_chip"]
    assert rate == pytest.approx(124879.0 / 32)


def test_a_per_user_rate_counts_the_batch_then_divides_by_the_chips():
    row = csv_row(TRN2_BATCH1)
    assert (row["metric"], row["value"], row["batch"], row["chips"]) == ("tokens_per_s_per_user", "36", "1", "16")
    rate = delivered.results().set_index("benchmark_id").at[TRN2_BATCH1, "tokens_per_s_per_chip"]
    assert rate == pytest.approx(36 * 1 / 16)


def test_the_roofline_fraction_is_output_flops_over_the_dense_peak_at_the_runs_precision():
    fractions = delivered.roofline_fractions().set_index("benchmark_id")
    h100 = fractions.loc[H100_32]
    fp8_dense = chipledger.specs().at["h100-sxm", "fp8_dense_flops"]
    assert fp8_dense == pytest.approx(1978.9e12, rel=1e-3)  # whitepaper: "FP8 Tensor: 1,978.9/3,957.8 TFLOPS"
    assert h100["fraction_of_roofline"] == pytest.approx(124879.0 / 32 * 2 * 70e9 / fp8_dense, rel=0.02)
    # a measured rate never exceeds the compute roofline
    assert (fractions["fraction_of_roofline"] < 1).all() and (fractions["fraction_of_roofline"] > 0).all()


def test_measured_efficiency_summarises_each_chips_mlperf_results():
    efficiency = delivered.measured_efficiency()
    assert {"h100-sxm", "h200-sxm", "b200", "gb200"} <= set(efficiency.index)
    fractions = delivered.roofline_fractions()
    h200 = fractions[(fractions["chip_id"] == "h200-sxm") & (fractions["suite"] == "mlperf_inference_v5.1")
                     & (fractions["workload"] == "llama2-70b") & (fractions["scenario"] == "offline")]
    assert efficiency.at["h200-sxm", "results"] == len(h200) > 0
    assert efficiency.at["h200-sxm", "highest"] == h200["fraction_of_roofline"].max()
    assert efficiency.at["h200-sxm", "lowest"] <= efficiency.at["h200-sxm", "median"] <= efficiency.at["h200-sxm", "highest"]


def test_the_acceptance_rows_are_there():
    rows = chipledger.load("benchmarks")
    mlperf = rows[(rows["suite"] == "mlperf_inference_v5.1") & (rows["workload"] == "llama2-70b")
                  & (rows["scenario"] == "offline") & (rows["division"] == "closed")]
    assert {"h100-sxm", "h200-sxm", "b200", "gb200"} <= set(mlperf["chip_id"])
    neuron = rows[rows["suite"] == "neuron_benchmarks"]
    assert {"trainium1", "inferentia2"} <= set(neuron["chip_id"])
    assert len(rows[rows["suite"] == "ml_engineering_matmul"]) >= 8 and len(rows) >= 20


def test_no_trainium_in_mlperf_and_one_would_be_found(ledger):
    assert delivered.trainium_in_mlperf().empty
    line = ledger.find_line("benchmarks", benchmark_id=H100_32)
    ledger.set_cell("benchmarks", line, "chip_id", "trainium2")
    found = delivered.trainium_in_mlperf()
    assert found["benchmark_id"].tolist() == [H100_32] and found["chip"].tolist() == ["Trainium2"]


def test_no_like_for_like_pair_until_one_is_entered(ledger):
    assert delivered.like_for_like().empty
    gaps = delivered.like_for_like_gaps()
    assert set(gaps["vendor"]) == {"AWS", "NVIDIA"}
    # make an NVIDIA row the twin of the Trainium2 batch-1 run: same family, precision class, batch and lengths
    rows = ledger.rows("benchmarks")
    header = rows[0]
    twin = list(next(r for r in rows if r[0] == TRN2_BATCH1))
    twin[header.index("benchmark_id")] = "twin-h100"
    twin[header.index("chip_id")] = "h100-sxm"
    twin[header.index("chips")] = "8"
    twin[header.index("tp_degree")], twin[header.index("tp_unit")] = "8", "chips"
    ledger.write_rows("benchmarks", rows + [twin])
    pairs = delivered.like_for_like()
    pair = pairs[pairs["benchmark_id_nvidia"] == "twin-h100"]
    assert TRN2_BATCH1 in pair["benchmark_id_aws"].tolist()
    # only the runs without speculative decoding pair with it (two tutorial versions of the same run)
    aws = delivered.results().set_index("benchmark_id").loc[pair["benchmark_id_aws"]]
    assert set(aws["speculative_decoding"]) == {"no"} and set(aws["batch"]) == {1} and len(aws) == 2
    assert pair["tokens_per_s_per_chip_nvidia"].iloc[0] == pytest.approx(36 / 8)


def test_what_a_chip_must_deliver_against_itself_is_its_own_rate():
    same = delivered.required_for_claim("h200-sxm", ["h200-sxm"], 0.0)
    assert same.at["h200-sxm", "tokens_per_s_per_chip_needed"] == pytest.approx(same.at["h200-sxm", "rival_tokens_per_s_per_chip"])
    assert same.at["h200-sxm", "fraction_of_roofline_needed"] == pytest.approx(same.at["h200-sxm", "rival_fraction_of_roofline"])
    better = delivered.required_for_claim("h200-sxm", ["h200-sxm"], 0.3)
    assert better.at["h200-sxm", "tokens_per_s_per_chip_needed"] == pytest.approx(1.3 * same.at["h200-sxm", "rival_tokens_per_s_per_chip"])


def test_trainium2_needs_a_rate_set_by_the_price_ratio():
    need = delivered.required_for_claim("trainium2", ["h200-sxm"], 0.3).loc["h200-sxm"]
    prices = power.chip_hour_prices()
    assert need["tokens_per_s_per_chip_needed"] == pytest.approx(
        1.3 * need["rival_tokens_per_s_per_chip"] * prices["trainium2"] / prices["h200-sxm"])
    assert 0 < need["fraction_of_roofline_needed"] < 1


def test_the_405b_model_does_not_fit_one_chip_and_the_counts_are_whole():
    fit = power.hbm_fit()
    moe = fit[fit["model"].str.startswith("MoE")].set_index("chip_id")
    assert not moe.at["h100-sxm", "fits_on_one_chip"]
    assert moe.at["h100-sxm", "chips_needed"] * moe.at["h100-sxm", "hbm_gib_per_chip"] >= moe.at["h100-sxm", "weights_gib"]
    assert (moe.at["h100-sxm", "chips_needed"] - 1) * moe.at["h100-sxm", "hbm_gib_per_chip"] < moe.at["h100-sxm", "weights_gib"]


# --- bad rows of benchmarks.csv --------------------------------------------------------------------

def refused(ledger, line: int, column: str, value: str, tail: str) -> None:
    with pytest.raises(DataError) as info:
        chipledger.validate()
    expected = re.escape(f"{ledger.path('benchmarks')}, line {line}, column {column!r}: value {value!r}") + tail
    assert re.search(expected, str(info.value)), str(info.value)


def test_a_result_with_no_chip_count_is_refused(ledger):
    line = ledger.find_line("benchmarks", benchmark_id=H100_32)
    ledger.set_cell("benchmarks", line, "chips", "")
    refused(ledger, line, "chips", "", " is empty but required")


def test_a_result_covering_zero_chips_is_refused(ledger):
    line = ledger.find_line("benchmarks", benchmark_id=H100_32)
    ledger.set_cell("benchmarks", line, "chips", "0")
    refused(ledger, line, "chips", "0", ".*minimum")


@pytest.mark.parametrize("column", ["workload", "scenario"])
def test_a_token_rate_without_workload_or_scenario_is_refused(ledger, column):
    line = ledger.find_line("benchmarks", benchmark_id=H100_32)
    ledger.set_cell("benchmarks", line, column, "")
    refused(ledger, line, column, "", " is empty, but a tokens_per_s result must name its workload and scenario")


def test_a_speculative_result_not_marked_is_refused(ledger):
    line = ledger.find_line("benchmarks", benchmark_id=TRN2_BATCH1.replace("no-spec", "fused-spec"))
    ledger.set_cell("benchmarks", line, "speculative_decoding", "not stated")
    refused(ledger, line, "speculative_decoding", "not stated", ", but the result's own words speak of speculative decoding")


def test_a_unit_that_does_not_fit_the_metric_is_refused(ledger):
    line = ledger.find_line("benchmarks", benchmark_id=H100_32)
    ledger.set_cell("benchmarks", line, "unit", "TFLOPS")
    refused(ledger, line, "unit", "TFLOPS", re.escape(" does not fit metric 'tokens_per_s' (needs 'tokens/s')"))
