"""Shared fixtures: a private copy of the ledger that a test may break."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


class Ledger:
    """A copy of data/ in a temporary folder, with helpers to edit its CSV files."""

    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.csv"

    def rows(self, table: str) -> list[list[str]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    def write_rows(self, table: str, rows: list[list[str]]) -> None:
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)

    def set_cell(self, table: str, line: int, column: str, value: str) -> None:
        """Sets one cell; line counts like an editor (the header is line 1)."""
        rows = self.rows(table)
        rows[line - 1][rows[0].index(column)] = value
        self.write_rows(table, rows)

    def cell(self, table: str, line: int, column: str) -> str:
        rows = self.rows(table)
        return rows[line - 1][rows[0].index(column)]

    def find_line(self, table: str, **match: str) -> int:
        """The line of the first row whose cells equal `match`."""
        rows = self.rows(table)
        for number, row in enumerate(rows[1:], start=2):
            if all(row[rows[0].index(k)] == v for k, v in match.items()):
                return number
        raise LookupError(f"no row of {table} matches {match}")


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    """A fresh copy of data/, which CHIPLEDGER_DATA points to for the test."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("CHIPLEDGER_DATA", str(folder))
    return Ledger(folder)
