"""Atomic writes, and charts that export the same bytes on every run."""

from __future__ import annotations

import os

import pytest

import chipledger
from chipledger import plots
from chipledger.files import replace_atomically


def test_replace_atomically_writes_and_skips_identical_content(tmp_path):
    target = tmp_path / "table.csv"
    assert replace_atomically(target, b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert not replace_atomically(target, b"a,b\n1,2\n")


def test_a_failed_replace_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "table.csv"
    target.write_bytes(b"old\n")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        replace_atomically(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_export_writes_identical_png_and_svg_on_every_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIPLEDGER_FIGURES", str(tmp_path))
    plots.use_style()
    specs = chipledger.specs()
    sources = chipledger.sources_for(chipledger.chip_figures())
    first = plots.export(plots.memory_chart(specs, sources), "memory")
    png, svg = (tmp_path / "memory.png").read_bytes(), (tmp_path / "memory.svg").read_bytes()
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    plots.export(plots.memory_chart(specs, sources), "memory")
    assert (tmp_path / "memory.png").read_bytes() == png
    assert (tmp_path / "memory.svg").read_bytes() == svg
    assert "Sources (chipledger data/sources.csv): " in first.get_supxlabel().replace("\n", " ")


def test_export_writes_nothing_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("CHIPLEDGER_FIGURES", raising=False)
    monkeypatch.chdir(tmp_path)
    fig, _ = plots.new_figure()
    assert plots.export(fig, "nothing") is fig
    assert list(tmp_path.iterdir()) == []


def test_every_chart_names_its_sources_under_it():
    specs = chipledger.specs()
    sources = chipledger.sources_for(chipledger.chip_figures())
    note = plots.compute_chart(specs, sources).get_supxlabel()
    named = {word.strip(",.") for word in note.split()}
    assert set(sources["source_id"]) <= named


def test_the_readme_claims_table_is_the_overview_table(tmp_path):
    from chipledger import overview, report

    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{report.CLAIMS_START}\nstale\n{report.CLAIMS_END}\noutro\n")
    assert report.update_readme_claims(readme)
    text = readme.read_text()
    assert "stale" not in text and text.startswith("intro\n") and text.endswith("outro\n")
    verdicts = overview.all_verdicts()
    assert text.count("\n| ") == len(verdicts) + 1
    assert not report.update_readme_claims(readme)  # unchanged data: nothing rewritten
