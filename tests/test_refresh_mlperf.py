"""`chipledger refresh mlperf` against a real HTTP server on loopback serving a summary_results.json in
MLCommons' layout (tests/make_mlperf_fixtures.py). No test reaches the internet."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import make_mlperf_fixtures as fixtures
import pytest

import chipledger
from chipledger import delivered, refresh
from chipledger.refresh import mlperf

URL = "/inference_results_v5.1/summary_results.json"


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def fetcher(tmp_path) -> refresh.Fetcher:
    return refresh.Fetcher(cache=tmp_path / "cache", progress=False, timeout_s=5, backoff_s=0.01)


@pytest.fixture
def results(ledger, tmp_path) -> list[dict]:
    return fixtures.records(chipledger.load("benchmarks"))


def serve(httpserver, tmp_path, rows) -> str:
    path = fixtures.write(tmp_path / "summary_results.json", rows)
    httpserver.expect_request(URL).respond_with_data(path.read_bytes(), content_type="application/json")
    return httpserver.url_for(URL)


def refreshed():
    rows = chipledger.load("benchmarks")
    return rows[rows["source_id"] == "mlperf-refresh-v5.1"]


def test_the_refresh_adds_the_new_results_with_the_chip_count(ledger, httpserver, tmp_path, results):
    before = len(chipledger.load("benchmarks"))
    summary = mlperf.refresh_mlperf(serve(httpserver, tmp_path, results), fetcher(tmp_path))
    assert summary.added == 2 and summary.changed == 0
    assert len(chipledger.load("benchmarks")) == before + 2
    rows = refreshed().set_index("chip_id")
    assert rows.loc["h200-sxm", "chips"] == 8 and rows.loc["h200-sxm", "value"] == 30000.5
    assert rows.loc["b200", "chips"] == 16 and rows.loc["b200", "workload"] == "llama3.1-405b"
    assert rows.loc["b200", "scenario"] == "server" and rows.loc["b200", "precision"] == "fp4"
    # the per-chip rate divides the system total by a# x Nodes
    per_chip = delivered.results().set_index("benchmark_id").loc[rows.loc["b200", "benchmark_id"]]
    assert per_chip["tokens_per_s_per_chip"] == pytest.approx(4000.0 / 16)
    source = chipledger.load("sources").set_index("source_id").loc["mlperf-refresh-v5.1"]
    assert source["url"] == httpserver.url_for(URL)
    assert "13 records read; 5 kept" in source["notes"] and "AWS chip" in source["notes"]
    assert any("records read 13, kept 5 (3 of them already entered by hand), skipped 8" in n for n in summary.lines())


def test_hand_entered_results_are_left_alone(ledger, httpserver, tmp_path, results):
    hand_before = chipledger.load("benchmarks")
    hand_before = hand_before[hand_before["source_id"] == "mlperf-inference-v5.1-summary"]
    mlperf.refresh_mlperf(serve(httpserver, tmp_path, results), fetcher(tmp_path))
    after = chipledger.load("benchmarks")
    assert after[after["source_id"] == "mlperf-inference-v5.1-summary"].equals(hand_before)
    assert not set(refreshed()["benchmark_id"]) & set(hand_before["benchmark_id"])


def test_a_hand_entered_value_that_differs_from_the_file_is_reported(ledger, httpserver, tmp_path, results):
    results[0]["Performance_Result"] = results[0]["Performance_Result"] + 1000.0
    summary = mlperf.refresh_mlperf(serve(httpserver, tmp_path, results), fetcher(tmp_path))
    assert len(summary.disagreements) == 1
    assert "the file says 125,879.0 tokens/s on 32 chips, the hand-entered row 124,879.0 on 32" in summary.disagreements[0]


def test_a_second_run_changes_nothing(ledger, httpserver, tmp_path, results):
    url = serve(httpserver, tmp_path, results)
    mlperf.refresh_mlperf(url, fetcher(tmp_path))
    first = fingerprint(ledger.folder)
    summary = mlperf.refresh_mlperf(url, fetcher(tmp_path / "again"))
    assert (summary.added, summary.changed, summary.unchanged) == (0, 0, 2)
    assert fingerprint(ledger.folder) == first


@pytest.mark.parametrize("key, value, message", [
    ("a#", 0, r"\[3\]\.a#: value 0 is not a positive whole number of accelerators per node"),
    ("a#", "8", r"\[3\]\.a#: value '8' is not a positive whole number"),
    ("Nodes", -1, r"\[3\]\.Nodes: value -1 is not a positive whole number of nodes"),
    ("Performance_Result", "fast", r"\[3\]\.Performance_Result: value 'fast' is not a positive number"),
    ("Performance_Result", 0, r"\[3\]\.Performance_Result: value 0 is not a positive number"),
])
def test_a_bad_value_in_a_kept_record_is_refused_and_nothing_is_written(ledger, httpserver, tmp_path, results,
                                                                         key, value, message):
    before = fingerprint(ledger.folder)
    results[3][key] = value  # the first synthetic record, one the refresh keeps (index 3 after three hand rows)
    with pytest.raises(refresh.RefreshError, match=message):
        mlperf.refresh_mlperf(serve(httpserver, tmp_path, results), fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


def test_the_same_bad_value_in_a_skipped_record_is_only_skipped(ledger, httpserver, tmp_path, results):
    cpu = next(r for r in results if r["ID"] == "9.9-0105")
    assert cpu["a#"] == ""  # the real file's CPU-only systems have an empty a#
    summary = mlperf.refresh_mlperf(serve(httpserver, tmp_path, results), fetcher(tmp_path))
    assert summary.added == 2


@pytest.mark.parametrize("content, message", [
    (b'[{"ID": "5.1-0001", "version": "v5.1"', "invalid JSON, or cut short"),
    (b'[{"ID": "5.1-0001", "version": v5.1}]', "invalid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 64 levels"),
    (json.dumps([{"ID": "x", "version": "v5.1", "Model": {"deep": [1]}}]).encode(), r"\[0\]\.Model: value .* is not"),
    (b"[]", "no records"),
    (b'["5.1-0001"]', r"\[0\] is not a record \(an object\) but str"),
    (json.dumps([fixtures.record(version="")]).encode(), "no record states its round"),
])
def test_a_malformed_file_is_refused_and_nothing_is_written(ledger, httpserver, tmp_path, content, message):
    before = fingerprint(ledger.folder)
    httpserver.expect_request(URL).respond_with_data(content, content_type="application/json")
    with pytest.raises(refresh.RefreshError, match=message):
        mlperf.refresh_mlperf(httpserver.url_for(URL), fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


def test_a_file_with_nothing_the_ledger_keeps_is_refused(ledger, tmp_path):
    path = fixtures.write(tmp_path / "s.json", [fixtures.record(**dict(zip(fixtures.FIELDS, v))) for v in fixtures.SKIPPED])
    with pytest.raises(refresh.RefreshError, match="8 records read, all skipped"):
        mlperf.refresh_mlperf(str(path), fetcher(tmp_path))


@pytest.mark.parametrize("name, chip", [
    ("NVIDIA H200-SXM-141GB", "h200-sxm"), ("Virtualized NVIDIA H200-SXM-141GB", "h200-sxm"),
    ("NVIDIA H200-NVL-141GB", None), ("NVIDIA GH200 Grace Hopper Superchip 144GB", None),
    ("NVIDIA GB200", "gb200"), ("NVIDIA B200-SXM-180GB", "b200"), ("AMD Instinct MI325X 256GB HBM3e", "mi325x"),
    ("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)", None), ("", None),
    ("NVIDIA H100-NVL-94GB", None), ("NVIDIA L40S", None),
])
def test_accelerator_names_map_to_the_ledger_chips(name, chip):
    assert mlperf.chip_of(name) == chip


def test_the_command_line_refreshes_from_a_local_file(ledger, tmp_path, results):
    path = fixtures.write(tmp_path / "summary_results.json", results)
    done = subprocess.run([sys.executable, "-m", "chipledger.cli", "refresh", "mlperf", "--source", str(path)],
                          capture_output=True, text=True, env={**os.environ, "CHIPLEDGER_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert "rows added 2, changed 0, unchanged 0" in done.stdout
    source = chipledger.load("sources").set_index("source_id").loc["mlperf-refresh-v5.1"]
    assert source["url"] == "https://github.com/mlcommons/inference_results_v5.1/blob/main/summary_results.json"
    assert str(tmp_path) not in source["notes"]


def test_the_command_line_needs_a_source(ledger):
    done = subprocess.run([sys.executable, "-m", "chipledger.cli", "refresh", "mlperf"], capture_output=True, text=True)
    assert done.returncode == 2 and "--source" in done.stderr
