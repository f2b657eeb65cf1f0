"""chipledger.fmt: numbers in the units people quote, never scientific notation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chipledger import fmt


@pytest.mark.parametrize("value, text", [
    (5e10, "$50.0B"), (1.25e9, "$1.25B"), (7.5e8, "$750.0M"), (35.7608, "$35.76"), (2.235, "$2.235"),
    (-3e9, "-$3.0B"), (math.nan, "n/a"),
])
def test_money(value, text):
    assert fmt.money(value) == text


def test_money_per_hour():
    assert fmt.money(113.93, "h") == "$113.93/h" and fmt.money(9.532, "h") == "$9.532/h"


@pytest.mark.parametrize("value, text", [
    (1234567.0, "1,234,567"), (1978.9, "1,978.9"), (2.12613e7, "21,261,300"), (0.01234, "0.0123"),
    (92.5, "92.5"), (3.0, "3"), (0.0, "0"), (-3.5, "-3.5"), (1e-9, "0.000000001"), (math.nan, ""),
])
def test_number_is_never_scientific(value, text):
    assert fmt.number(value) == text
    assert "e+" not in fmt.number(value) and "e-" not in fmt.number(value)


@pytest.mark.parametrize("function, value, text", [
    (fmt.flops, 2.25e15, "2.25 PFLOPS"), (fmt.flops, 9.895e14, "989.5 TFLOPS"), (fmt.gib, 96 * 2**30, "96 GiB"),
    (fmt.bandwidth, 2.9e12, "2.9 TB/s"), (fmt.bandwidth, 6.4e11, "640 GB/s"), (fmt.watts, 500.0, "500 W"),
    (fmt.watts, 2e9, "2 GW"), (fmt.percent, 80.337, "80.3%"), (fmt.billions, 75.2, "$75.2B"),
])
def test_units_people_quote(function, value, text):
    assert function(value) == text


def test_readable_formats_by_column_name_and_moves_an_id_to_the_index():
    frame = pd.DataFrame({"deal_id": ["openai-amazon-2026"], "usd": [5e10], "usd_per_chip_hour": [2.2348],
                          "share_percent": [77.0], "firmness": ["letter_of_intent"], "source_id": ["amzn_q1_call"],
                          "fp8_dense_flops": [2.517e15], "hbm_bytes": [144 * 2**30], "chips": [1_400_000.0],
                          "year": [2026], "preferred": [True], "date": [pd.Timestamp("2026-02-27")]})
    table = fmt.readable(frame)
    assert table.index.tolist() == ["openai-amazon-2026"] and table.index.name == "deal id"
    row = table.iloc[0].to_dict()
    assert row == {"US dollars": "$50.0B", "$ per chip hour": "$2.235/h", "share": "77%", "firmness": "letter of intent",
                   "source id": "amzn_q1_call", "fp8 dense": "2.517 PFLOPS", "hbm": "144 GiB", "chips": "1,400,000",
                   "year": "2026", "preferred": "yes", "date": "2026-02-27"}


def test_readable_takes_names_and_formats_and_leaves_the_data_alone():
    frame = pd.DataFrame({"revenue": [75.2], "tflops_per_w": [2.6]})
    table = fmt.readable(frame, names={"revenue": "Data Center revenue"}, formats={"revenue": fmt.billions})
    assert table.to_dict("records") == [{"Data Center revenue": "$75.2B", "tflops per w": "2.6"}]
    assert frame["revenue"].tolist() == [75.2]
