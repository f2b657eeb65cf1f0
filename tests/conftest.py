"""Shared fixtures: a private copy of the ledger that a test may break."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


class Ledger:
    """A copy of data/ in a temporary folder, with helpers to edit its CSV files.

    Lines are counted like an editor counts them (the header is line 1); a record whose quoted field
    spans lines starts on the line given.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.csv"

    def rows(self, table: str) -> list[list[str]]:
        return [row for _, row in self._records(table)]

    def _records(self, table: str) -> list[tuple[int, list[str]]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            records, start = [], 1
            for row in reader:
                records.append((start, row))
                start = reader.line_num + 1
            return records

    def write_rows(self, table: str, rows: list[list[str]]) -> None:
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    def _index(self, table: str, line: int) -> int:
        starts = [start for start, _ in self._records(table)]
        return starts.index(line)

    def set_cell(self, table: str, line: int, column: str, value: str) -> None:
        """Sets one cell of the record that starts on `line`."""
        rows = self.rows(table)
        rows[self._index(table, line)][rows[0].index(column)] = value
        self.write_rows(table, rows)

    def cell(self, table: str, line: int, column: str) -> str:
        rows = self.rows(table)
        return rows[self._index(table, line)][rows[0].index(column)]

    def find_line(self, table: str, **match: str) -> int:
        """The line on which the first record whose cells equal `match` starts."""
        records = self._records(table)
        header = records[0][1]
        for start, row in records[1:]:
            if all(row[header.index(k)] == v for k, v in match.items()):
                return start
        raise LookupError(f"no row of {table} matches {match}")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """A fresh copy of data/, which CHIPLEDGER_DATA points to for the test."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("CHIPLEDGER_DATA", str(folder))
    return Ledger(folder)
