"""Merging refreshed rows into the ledger, all or nothing: the whole new ledger is validated in a scratch
copy first, then each file is replaced atomically (and put back if a later write fails)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from ..files import replace_atomically
from .errors import RefreshError, Summary


def number(value: float) -> str:
    return f"{value:.10f}".rstrip("0").rstrip(".")


def merge(table: str, new_rows: list[dict], new_sources: list[dict], prefix: str, key: list[str],
          compare, choose_preferred=None) -> Summary:
    """Writes new rows and their sources into the ledger, all or nothing (see the module docstring).

    Rows are dicts of text cells (the csv module, no pandas: a refresh stays small in memory).
    compare(new, hand) -> disagreement messages; choose_preferred(new, current) -> new rows with
    their `preferred` cell set. Rows whose source_id starts with `prefix` are the refresh's own.
    """
    from .. import data

    folder = data.data_dir()
    data.validate()  # refuse to touch a ledger that is already broken
    table_path, sources_path = folder / f"{table}.csv", folder / "sources.csv"
    columns, current = _read(table_path)
    new = _last_by_key([{c: str(row.get(c, "")) for c in columns} for row in new_rows], key)
    summary = Summary()
    if table == "prices":
        known = {row["system_id"] for row in _read(folder / "systems.csv")[1]}
        summary.skipped = sorted({row["system_id"] for row in new if row["system_id"] not in known})
        new = [row for row in new if row["system_id"] in known]
    if choose_preferred is not None:
        new = choose_preferred(new, current)
    hand = [row for row in current if not row["source_id"].startswith(prefix)]
    old = {tuple(row[k] for k in key): row for row in current if row["source_id"].startswith(prefix)}
    summary.disagreements = compare(new, hand)
    incoming = {tuple(row[k] for k in key): row for row in new}
    for index, row in incoming.items():
        if index not in old:
            summary.added += 1
        elif row != old[index]:
            summary.changed += 1
        else:
            summary.unchanged += 1
    kept_old = [row for index, row in old.items() if index not in incoming]
    merged = hand + kept_old + list(incoming.values())
    source_columns, sources = _read(sources_path)
    used = {row["source_id"] for row in new}
    arriving = [{c: str(s.get(c, "")) for c in source_columns} for s in new_sources if s.get("source_id") in used]
    arriving_ids = {s["source_id"] for s in arriving}
    first_access = {s["source_id"]: s["accessed"] for s in sources}
    for s in arriving:  # an unchanged source keeps its first accessed date, so a second run changes nothing
        s["accessed"] = first_access.get(s["source_id"], s["accessed"])
    all_sources = sorted([s for s in sources if s["source_id"] not in arriving_ids] + arriving,
                         key=lambda s: s["source_id"])
    # sources first: an unused source is valid, a row whose source is missing is not
    _write_checked(folder, {sources_path.name: _csv(source_columns, all_sources),
                            table_path.name: _csv(columns, merged)})
    return summary


def _read(path: Path) -> tuple[list[str], list[dict]]:
    """(header, rows of text cells) of a table of the ledger."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [dict(row) for row in reader]
        return list(reader.fieldnames or []), rows


def _last_by_key(rows: list[dict], key: list[str]) -> list[dict]:
    """One row per key, the last one given (refreshed rows of the same figure)."""
    out: dict[tuple, dict] = {}
    for row in rows:
        out.pop(tuple(row[k] for k in key), None)
        out[tuple(row[k] for k in key)] = row
    return list(out.values())


def _csv(columns: list[str], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _write_checked(folder: Path, contents: dict[str, bytes]) -> None:
    """Validates the ledger with the new files in a scratch copy, then replaces each file atomically."""
    from .. import data

    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "data"
        shutil.copytree(folder, trial)
        for name, content in contents.items():
            (trial / name).write_bytes(content)
        previous = os.environ.get(data.ENV_VAR)
        os.environ[data.ENV_VAR] = str(trial)
        try:
            data.validate()
        except data.DataError as error:
            message = str(error).replace(str(trial), str(folder))
            raise RefreshError("the refreshed ledger would not validate; nothing was written (the lines are "
                               f"those of the refreshed files):\n{message}") from None
        finally:
            if previous is None:
                os.environ.pop(data.ENV_VAR, None)
            else:
                os.environ[data.ENV_VAR] = previous
    originals = {name: (folder / name).read_bytes() for name in contents}
    written = []
    try:
        for name, content in contents.items():
            replace_atomically(folder / name, content)
            written.append(name)
    except OSError as error:
        for name in written:  # put back what was already replaced
            replace_atomically(folder / name, originals[name])
        raise RefreshError(f"could not write {folder}: {error}; data/ was restored") from None
