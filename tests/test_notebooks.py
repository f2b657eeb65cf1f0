"""The stored notebooks keep the shape the design asks for (nbval checks their outputs separately)."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import REPO

MIN_CHARTS = {"00_overview.ipynb": 4, "01_market.ipynb": 5, "02_chips.ipynb": 4, "03_systems.ipynb": 3, "04_cloud_costs.ipynb": 4,
              "06_delivered.ipynb": 3,
              "05_power_and_inference.ipynb": 5}
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_notebook_is_listed():
    assert [p.name for p in NOTEBOOKS] == sorted(MIN_CHARTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_shape(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    summary = "".join(o.text for o in cells[1].outputs if o.output_type == "stream")
    if path.name == "00_overview.ipynb":  # the bottom line: leads, trails, three unknowns
        assert summary.count("•") == 5 and summary.startswith("• Where Trainium leads"), summary
    else:  # three findings and what they mean
        assert summary.count("•") == 3, "a three-line summary printed at the top"
        assert summary.rstrip().splitlines()[-1].startswith("What this means: "), summary
    assert cells[-2].cell_type == "markdown" and cells[-2].source.startswith("## Sources")
    assert "sources_for" in cells[-1].source
    outputs = [o for c in cells if c.cell_type == "code" for o in c.outputs]
    charts = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(charts) >= MIN_CHARTS[path.name]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert all(c.execution_count is not None for c in cells if c.cell_type == "code")


SCIENTIFIC = re.compile(r"<td>[^<]*(?<![0-9a-f])\d(?:\.\d+)?e[+-]\d{1,3}(?![0-9a-z])[^<]*</td>")
ID_LIKE = re.compile(r"<th>[a-z0-9]+(?:_[a-z0-9]+)+</th>")
HEADER = re.compile(r"<thead>.*?</thead>", re.DOTALL)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_table_cell_in_scientific_notation_or_a_header_with_underscores(path):
    notebook = nbformat.read(path, as_version=4)
    tables = ["".join(o["data"]["text/html"]) for c in notebook.cells if c.cell_type == "code"
              for o in c.outputs if "text/html" in o.get("data", {})]
    assert tables
    assert not [m.group(0) for t in tables for m in SCIENTIFIC.finditer(t)]
    headers = [h for t in tables for h in HEADER.findall(t)]  # column names; an id may stand in the index
    assert not [m.group(0) for h in headers for m in ID_LIKE.finditer(h)]


def test_the_checks_would_find_scientific_notation_and_raw_column_names():
    assert SCIENTIFIC.search("<td>1.900000e+14</td>") and SCIENTIFIC.search("<td>5e+02 W</td>")
    assert not SCIENTIFIC.search("<td>Trainium2 e2e</td>") and not SCIENTIFIC.search("<td>$50.0B</td>")
    assert not SCIENTIFIC.search("<td>owner/repo:path@5e07801e38cadba3</td>")
    assert ID_LIKE.search("<th>usd_per_chip_hour</th>") and not ID_LIKE.search("<th>US dollars</th>")
