"""Bad input is refused with a DataError naming file, line, column and value; good odd input loads."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import chipledger
from chipledger import DataError


def refused(match: str) -> str:
    """Validates the ledger, expects a DataError matching `match`; returns the message."""
    with pytest.raises(DataError) as info:
        chipledger.validate()
    message = str(info.value)
    assert re.search(match, message), message
    return message


def where(ledger, table: str, line: int, column: str, value: str) -> str:
    """The part of a message that names the file, line, column and value."""
    return re.escape(f"{ledger.path(table)}, line {line}, column {column!r}: value {value!r}")


def a_flops_line(ledger) -> int:
    return ledger.find_line("chip_specs", chip_id="trainium2", metric="peak_flops", precision="bf16",
                            sparsity="dense", source_id="neuron-trainium2-current")


def an_hbm_line(ledger) -> int:
    return ledger.find_line("chip_specs", chip_id="h100-sxm", metric="hbm_capacity", source_id="nvidia-h100-product-page")


def test_the_ledger_as_committed_is_valid(ledger):
    chipledger.validate()


def test_missing_source_id(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "source_id", "")
    refused(where(ledger, "chip_specs", line, "source_id", "") + " is empty but required")


def test_unknown_source_id(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "source_id", "no-such-source")
    refused(re.escape(f"{ledger.path('chip_specs')}, line {line}, column 'source_id': "
                      "value 'no-such-source': not found in sources.csv"))


def test_unknown_chip_id(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "chip_id", "trainium9")
    refused(re.escape(f"line {line}, column 'chip_id': value 'trainium9': not found in chips.csv"))


def test_unknown_metric(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "metric", "peak_flopz")
    refused(where(ledger, "chip_specs", line, "metric", "peak_flopz") + " is not in the vocabulary")


def test_unknown_unit(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "unit", "Tflops")
    refused(where(ledger, "chip_specs", line, "unit", "Tflops") + " is not in the vocabulary")


def test_unit_of_the_wrong_dimension(ledger):
    line = an_hbm_line(ledger)
    ledger.set_cell("chip_specs", line, "unit", "TB/s")
    refused(where(ledger, "chip_specs", line, "unit", "TB/s")
            + " measures bytes_per_s, but metric 'hbm_capacity' needs a unit of bytes")


@pytest.mark.parametrize("value, rule", [
    ("abc", "is not a valid number"),
    ("1,299", "is not a valid number"),
    ("-5", "breaks the constraint"),
    ("inf", "is not a finite number"),
    ("-inf", "is not a finite number"),
    ("Infinity", "is not a finite number"),
    ("nan", "is not a finite number"),
])
def test_bad_values(ledger, value, rule):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "value", value)
    refused(where(ledger, "chip_specs", line, "value", value) + " " + re.escape(rule))


@pytest.mark.parametrize("column", ["precision", "sparsity"])
def test_peak_flops_without_precision_or_sparsity(ledger, column):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, column, "")
    refused(where(ledger, "chip_specs", line, column, "")
            + " is empty, but a peak_flops row must name its precision and sparsity")


def test_duplicate_key(ledger):
    rows = ledger.rows("chip_specs")
    line = a_flops_line(ledger)
    rows.append(list(rows[ledger._index("chip_specs", line)]))
    ledger.write_rows("chip_specs", rows)
    last = ledger._records("chip_specs")[-1][0]
    refused(re.escape(f"{ledger.path('chip_specs')}, line {last}, columns chip_id, metric, "
                      "precision, sparsity, chips_in_figure, source_id: value (chip_id='trainium2'")
            + ".*duplicates the key of an earlier row")


def test_two_preferred_rows_for_one_key(ledger):
    line = ledger.find_line("financials", company="NVIDIA", metric="revenue", fiscal_period="FY2026Q3",
                            preferred="true")
    rows = ledger.rows("financials")
    ledger.write_rows("financials", rows + [[c if h != "source_id" else "nvidia-q2-fy2026-results"
                                             for h, c in zip(rows[0], rows[ledger._index("financials", line)])]])
    refused(r"column 'preferred'.*NVIDIA/revenue/FY2026Q3/actual has 2 preferred rows")


# --- provenance (sources.csv read_via, copy_kind, supersedes) ------------------------------------

def a_copy_line(ledger) -> int:
    return ledger.find_line("sources", source_id="nvidia-blackwell-datasheet-copy")


def test_a_copy_kind_outside_the_vocabulary(ledger):
    line = a_copy_line(ledger)
    ledger.set_cell("sources", line, "copy_kind", "photocopy")
    refused(where(ledger, "sources", line, "copy_kind", "photocopy") + " is not in the vocabulary: original, mirror")


@pytest.mark.parametrize("read_via", ["a GitHub notes file", "github.com/x/y", "index:abc", "owner/repo", "C:\\copy.txt"])
def test_a_read_via_that_is_neither_a_url_nor_a_repository_path(ledger, read_via):
    line = a_copy_line(ledger)
    ledger.set_cell("sources", line, "read_via", read_via)
    refused(where(ledger, "sources", line, "read_via", read_via) + " is neither empty nor a URL, owner/repository:path")


@pytest.mark.parametrize("read_via", ["https://example.org/copy", "stas00/ml-engineering:compute/accelerator/README.md",
                                      "aws-neuron/aws-neuron-sdk:about-neuron/arch/trainium.rst@82ffe529f39d30688ee3ddabdc009706b7f7b828",
                                      "index:43180238867"])
def test_the_three_forms_of_read_via_are_accepted(ledger, read_via):
    ledger.set_cell("sources", a_copy_line(ledger), "read_via", read_via)
    chipledger.validate()


def test_an_original_with_a_read_via(ledger):
    line = ledger.find_line("sources", copy_kind="original")
    ledger.set_cell("sources", line, "read_via", "https://example.org/copy")
    refused(where(ledger, "sources", line, "read_via", "https://example.org/copy") + re.escape(" given, but copy_kind is 'original'"))


def test_a_copy_with_an_empty_read_via(ledger):
    line = a_copy_line(ledger)
    kind = ledger.cell("sources", line, "copy_kind")
    ledger.set_cell("sources", line, "read_via", "")
    refused(where(ledger, "sources", line, "read_via", "") + re.escape(f" is empty, but copy_kind is {kind!r}"))


def test_supersedes_names_another_source(ledger):
    line = ledger.find_line("sources", source_id="neuron-trainium2-current")
    ledger.set_cell("sources", line, "supersedes", "neuron-trainium2-v2.21beta; no-such-source")
    refused(where(ledger, "sources", line, "supersedes", "no-such-source") + " is not another source_id")


def test_malformed_date(ledger):
    ledger.set_cell("sources", 2, "accessed", "2026-13-40")
    refused(where(ledger, "sources", 2, "accessed", "2026-13-40") + re.escape(" is not a valid date (YYYY-MM-DD)"))


@pytest.mark.parametrize("url", ["not a url", "www.nvidia.com/h100", "ftp://example.com/x"])
def test_malformed_url(ledger, url):
    ledger.set_cell("sources", 2, "url", url)
    refused(where(ledger, "sources", 2, "url", url) + " is not a valid URL")


def test_stray_column(ledger):
    rows = ledger.rows("chip_specs")
    rows = [row + (["comment"] if i == 0 else ["x"]) for i, row in enumerate(rows)]
    ledger.write_rows("chip_specs", rows)
    refused(re.escape(f"{ledger.path('chip_specs')}, line 1, column {len(rows[0])} ('comment'): "
                      "stray column not declared in datapackage.json"))


def test_stray_cell_beyond_the_header(ledger):
    line = a_flops_line(ledger)
    rows = ledger.rows("chip_specs")
    rows[line - 1].append("oops")
    ledger.write_rows("chip_specs", rows)
    refused(re.escape(f"line {line}, column ") + ".*" + re.escape("value 'oops' is in a stray column"))


def test_empty_file(ledger):
    ledger.path("chip_specs").write_bytes(b"")
    refused(re.escape(f"{ledger.path('chip_specs')}, line 1: empty file"))


def test_missing_table_file(ledger):
    ledger.path("chips").unlink()
    refused(re.escape(f"{ledger.path('chips')}: missing table file for table 'chips'"))


def test_estimate_needs_its_range(ledger):
    line = ledger.find_line("chip_specs", basis="estimate")
    ledger.set_cell("chip_specs", line, "high", "")
    refused(re.escape(f"line {line}, column 'low'/'high'") + ".*an estimate needs both ends")


def test_a_refused_table_is_never_half_loaded(ledger):
    before = chipledger.load("chip_specs")
    line = a_flops_line(ledger)
    original = ledger.cell("chip_specs", line, "value")
    ledger.set_cell("chip_specs", line, "value", "abc")
    with pytest.raises(DataError):
        chipledger.load("chip_specs")
    with pytest.raises(DataError):  # every table: the ledger is checked as a whole
        chipledger.load("sources")
    ledger.set_cell("chip_specs", line, "value", original)
    assert chipledger.load("chip_specs").equals(before)


# --- accepted -----------------------------------------------------------------------------------

def test_byte_order_mark_and_windows_line_endings_are_accepted(ledger):
    expected = chipledger.load("sources")
    for table in ("sources", "chip_specs"):
        text = ledger.path(table).read_text(encoding="utf-8")
        ledger.path(table).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    chipledger.validate()
    assert chipledger.load("sources").equals(expected)


def test_quoted_fields_with_commas_are_accepted(ledger):
    ledger.set_cell("sources", 2, "title", 'Trainium, Trn2 and "UltraServers", explained')
    assert '"Trainium, Trn2 and ""UltraServers"", explained"' in ledger.path("sources").read_text()
    assert chipledger.load("sources").loc[0, "title"] == 'Trainium, Trn2 and "UltraServers", explained'


# --- the command line ---------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chipledger.cli", *args], capture_output=True,
                          text=True, check=False)


def test_cli_validate_accepts_the_ledger(ledger):
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert f"ledger at {ledger.folder} is valid" in result.stdout


def test_cli_validate_refuses_bad_input_with_a_nonzero_exit(ledger):
    line = a_flops_line(ledger)
    ledger.set_cell("chip_specs", line, "value", "abc")
    result = run_cli("validate")
    assert result.returncode == 1
    assert f"{ledger.path('chip_specs')}, line {line}, column 'value': value 'abc'" in result.stderr
