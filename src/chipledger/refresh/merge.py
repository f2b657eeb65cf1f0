"""Merging refreshed rows into the ledger, all or nothing: the whole new ledger is validated in a scratch
copy first, then each file is replaced atomically (and put back if a later write fails)."""

from __future__ import annotations

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
    """Writes new rows and their sources into the ledger, all or nothing (see the module docstring)."""
    import pandas as pd

    from .. import data

    folder = data.data_dir()
    data.validate()  # refuse to touch a ledger that is already broken
    table_path, sources_path = folder / f"{table}.csv", folder / "sources.csv"
    current = pd.read_csv(table_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    columns = list(current.columns)
    new = pd.DataFrame([{c: str(row.get(c, "")) for c in columns} for row in new_rows], columns=columns)
    new = new.drop_duplicates(subset=key, keep="last")  # key: what makes two refreshed rows the same figure
    summary = Summary()
    if table == "prices":
        known = set(data.load("systems")["system_id"])
        summary.skipped = sorted(set(new.loc[~new["system_id"].isin(known), "system_id"]))
        new = new[new["system_id"].isin(known)]
    if choose_preferred is not None:
        new = choose_preferred(new, current)
    ours = current["source_id"].str.startswith(prefix)
    hand = current[~ours]
    summary.disagreements = compare(new, hand)
    old = current[ours].set_index(key)
    incoming = new.set_index(key)
    for index, row in incoming.iterrows():
        if index not in old.index:
            summary.added += 1
        elif not row.equals(old.loc[index]):
            summary.changed += 1
        else:
            summary.unchanged += 1
    kept_old = old[~old.index.isin(incoming.index)].reset_index()
    merged = pd.concat([hand, kept_old, new], ignore_index=True)[columns]
    sources = pd.read_csv(sources_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    incoming_sources = pd.DataFrame([{c: str(s.get(c, "")) for c in sources.columns} for s in new_sources],
                                    columns=sources.columns)
    incoming_sources = incoming_sources[incoming_sources["source_id"].isin(set(new["source_id"]))]
    existing = sources[~sources["source_id"].isin(incoming_sources["source_id"])]
    # an unchanged source keeps its first accessed date, so a second run changes nothing
    first_access = sources.set_index("source_id")["accessed"]
    incoming_sources["accessed"] = [first_access.get(s, a) for s, a in
                                    zip(incoming_sources["source_id"], incoming_sources["accessed"])]
    all_sources = pd.concat([existing, incoming_sources], ignore_index=True).sort_values("source_id")
    # sources first: an unused source is valid, a row whose source is missing is not
    _write_checked(folder, {sources_path.name: _csv(all_sources), table_path.name: _csv(merged)})
    return summary


def _csv(frame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


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
