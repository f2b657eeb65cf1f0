"""Defensive reading of downloaded JSON: whatever a server or a broken download hands us, memory stays
bounded and every surprise ends in a RefreshError naming the file and the JSON path.

- checked_events(): ijson's event stream with two bounds: nesting depth (MAX_DEPTH) and the length
  of any single string or key (MAX_VALUE_CHARS). ijson builds the path of every event, so 100,000
  nested arrays would cost gigabytes before the first value; stopping at depth 64 costs nothing.
- load_json(): a whole small document (an index, a companyfacts file) after the same checks.
- expect(): a value of the type we need at a JSON path, or a RefreshError naming the path.
- Skips: a record that is skipped for a bad value is counted with the reason and one example path,
  and reported; a refresh in which every candidate was bad fails.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import ijson

from .errors import RefreshError

MAX_DEPTH = 64
MAX_VALUE_CHARS = 1_000_000


def json_path(prefix: str) -> str:
    """ijson's prefix as a readable JSON path: 'regions.us-east-1.item' -> 'regions.us-east-1[]'."""
    path = prefix.replace(".item", "[]")
    if path == "item" or path.startswith(("item.", "item[")):
        path = "[]" + path[4:]
    return path or "(top level)"


def checked_events(stream, where: str, max_depth: int = MAX_DEPTH):
    """The events of ijson.parse(stream), (prefix, event, value), with nesting and value size
    bounded; invalid JSON is a RefreshError. Built on ijson.basic_parse with a small buffer: ijson's
    own parse writes the whole path of every event of a buffer before the first is seen, which for
    100,000 nested arrays is gigabytes; here the path is built as we go and the depth stops it."""
    path: list = []
    try:
        for event, value in ijson.basic_parse(stream, buf_size=4096, use_float=True):
            if event == "map_key":
                if len(value) > MAX_VALUE_CHARS:
                    raise RefreshError(f"{where}: a key under {json_path('.'.join(path[:-1]))} is "
                                       f"{len(value):,} characters long (at most {MAX_VALUE_CHARS:,} expected)")
                yield ".".join(path[:-1]), event, value
                path[-1] = value
            elif event in ("start_map", "start_array"):
                if len(path) >= max_depth:
                    raise RefreshError(f"{where}: nested deeper than {max_depth} levels at "
                                       f"{json_path('.'.join(path))}: not a file of the expected layout")
                yield ".".join(path), event, value
                path.append("" if event == "start_map" else "item")
            elif event in ("end_map", "end_array"):
                path.pop()
                yield ".".join(path), event, value
            else:
                if event == "string" and len(value) > MAX_VALUE_CHARS:
                    raise RefreshError(f"{where}: a value at {json_path('.'.join(path))} is {len(value):,} "
                                       f"characters long (at most {MAX_VALUE_CHARS:,} expected)")
                yield ".".join(path), event, value
    except ijson.IncompleteJSONError as error:
        raise RefreshError(f"{where}: invalid JSON, or cut short ({error})") from None
    except ijson.JSONError as error:
        raise RefreshError(f"{where}: invalid JSON ({error})") from None
    except UnicodeDecodeError as error:
        raise RefreshError(f"{where}: not UTF-8 ({error})") from None


def load_json(path: Path, what: str) -> dict:
    """A whole (small) JSON document whose top level is an object, checked as above first."""
    where = f"{path} ({what})"
    with path.open("rb") as handle:
        for _ in checked_events(handle, where):
            pass
    try:
        with path.open("rb") as handle:
            document = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise RefreshError(f"{where}: invalid JSON ({error})") from None
    return expect(document, dict, where, "(top level)")


_TYPE_WORDS = {dict: "an object", list: "a list", str: "a string", (int, float): "a number"}


def expect(value, kind, where: str, path: str):
    """value if it is of `kind` (dict, list, str or (int, float); bool is not a number), else a
    RefreshError naming where and the JSON path."""
    ok = isinstance(value, kind) and not (kind == (int, float) and isinstance(value, bool))
    if not ok:
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise RefreshError(f"{where}: {path}: value {shown} is not {_TYPE_WORDS.get(kind, kind)}")
    return value


class Skips:
    """Records skipped for a bad value: counted by reason, with the first JSON path of each."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.examples: dict[str, str] = {}

    def add(self, reason: str, path: str) -> None:
        self.counts[reason] += 1
        self.examples.setdefault(reason, path)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def lines(self, what: str) -> list[str]:
        return [f"skipped {n} {what} ({reason}; first at {self.examples[reason]})" for reason, n in sorted(self.counts.items())]
