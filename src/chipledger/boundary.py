"""The ledger's boundary: what every read of data/ checks before Frictionless, pandas or a rule sees
the files, so that any malformed input ends in a DataError naming file, line (or JSON path), column
and value, never in a traceback, and what validates also loads.

- datapackage.json: UTF-8, JSON, and the shape this project uses (an object with a list of
  resources, each with a name, a path to a .csv file inside the ledger's folder, and a schema whose
  fields have a name and a known type).
- each table file: UTF-8 (the line of the first bad byte is named), not cut inside a quoted field.
- each cell, by its field's declaration: numbers and integers written in ASCII ('1000', '-3.5',
  '2e12'; not '１６', '٣' or '1_000'), dates exactly YYYY-MM-DD, patterns matched in full (a trailing
  newline does not pass), required text not blank, no control characters in text, and, where the
  descriptor declares `plausible` bounds for a field, a value inside them.

`plausible` (a project key in a field's descriptor): {"min": a, "max": b} in the field's own unit; or
with "unit_column" (the value is converted to SI by chipledger.units first), "per_column" (divided by
that column, e.g. chips_in_figure) and "by_column" with "ranges" (bounds by the value of a column, e.g.
by metric).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from . import units

FIELD_TYPES = ("string", "number", "integer", "date", "boolean")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
INTEGER = re.compile(r"[+-]?[0-9]+")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters text may not hold (tab, newline and carriage return may: quotes span lines)."""
NAME = re.compile(r"[a-z0-9][a-z0-9_]*")


class BoundaryError(ValueError):
    """Raised here; data.py turns it into its DataError."""


# --- bytes ---------------------------------------------------------------------------------------

def decoded(path: Path) -> str:
    """A file's text as UTF-8 (a leading BOM allowed); a bad byte is named by line and column."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise BoundaryError(f"{path}, line {line}, column {column}: byte 0x{data[error.start]:02x} is not UTF-8 "
                            "(save the file as UTF-8)") from None


def cut_in_a_quote(path: Path, text: str) -> str | None:
    """A message if the file ends inside a quoted field (an odd number of quote characters: every
    field that is quoted opens and closes, and a quote inside one is doubled). Quotes pair up in
    order, so with an odd count the last quote is the one that never closes."""
    if text.count('"') % 2 == 0:
        return None
    line = text.count("\n", 0, text.rfind('"')) + 1
    return (f"{path}, line {line}: the file ends inside a quoted field opened on that line (a cut or "
            "truncated file?)")


# --- datapackage.json ----------------------------------------------------------------------------

def descriptor(folder: Path, package_file: str) -> dict:
    """datapackage.json, decoded, parsed and checked for the shape this project uses."""
    path = folder / package_file
    text = decoded(path)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoundaryError(f"{path}, line {error.lineno}, column {error.colno}: invalid JSON ({error.msg})") from None
    problems = shape_problems(value, folder)
    if problems:
        raise BoundaryError(f"{path}: " + f"\n{path}: ".join(problems))
    return value


def shape_problems(value, folder: Path) -> list[str]:
    """What is wrong with a descriptor's shape, each as 'json.path: what'."""
    if not isinstance(value, dict):
        return [f"(top level): value of type {type(value).__name__} is not an object"]
    resources = value.get("resources")
    if not isinstance(resources, list) or not resources:
        return [f"resources: value {_short(resources)} is not a non-empty list of tables"]
    problems, names = [], set()
    root = folder.resolve()
    for i, resource in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(resource, dict):
            problems.append(f"{where}: value {_short(resource)} is not an object")
            continue
        name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
        if not isinstance(name, str) or not NAME.fullmatch(name):
            problems.append(f"{where}.name: value {_short(name)} is not a table name (lower case, digits, _)")
        elif name in names:
            problems.append(f"{where}.name: value {name!r} names a second table")
        names.add(name)
        if not isinstance(path, str) or not path:
            problems.append(f"{where}.path: value {_short(path)} is not the name of a .csv file")
        elif Path(path).is_absolute() or ".." in Path(path).parts or (folder / path).resolve().parent != root:
            problems.append(f"{where}.path: value {path!r} is outside the ledger folder {folder} "
                            "(a table is a file directly in it)")
        elif not path.endswith(".csv"):
            problems.append(f"{where}.path: value {path!r} is not the name of a .csv file")
        if not isinstance(schema, dict):
            problems.append(f"{where}.schema: value {_short(schema)} is not an object with the table's fields")
            continue
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            problems.append(f"{where}.schema.fields: value {_short(fields)} is not a non-empty list")
            continue
        for j, field in enumerate(fields):
            at = f"{where}.schema.fields[{j}]"
            if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field.get("name"):
                problems.append(f"{at}: value {_short(field)} is not a field with a name")
                continue
            if field.get("type", "string") not in FIELD_TYPES:
                problems.append(f"{at}.type: value {_short(field.get('type'))} is not one of {', '.join(FIELD_TYPES)}")
            constraints = field.get("constraints", {})
            if not isinstance(constraints, dict):
                problems.append(f"{at}.constraints: value {_short(constraints)} is not an object")
            elif "pattern" in constraints:
                try:
                    re.compile(str(constraints["pattern"]))
                except re.error as error:
                    problems.append(f"{at}.constraints.pattern: value {_short(constraints['pattern'])} is not a "
                                    f"regular expression ({error})")
            if "plausible" in field and not isinstance(field["plausible"], dict):
                problems.append(f"{at}.plausible: value {_short(field['plausible'])} is not an object")
        for key in ("primaryKey", "foreignKeys", "missingValues"):
            if key in schema and not isinstance(schema[key], (list, str)):
                problems.append(f"{where}.schema.{key}: value {_short(schema[key])} is not a list")
    return problems


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- cells ---------------------------------------------------------------------------------------

def cell_problems(path: Path, fields: list[dict], rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """Every cell against its field's declaration (see the module docstring)."""
    problems = []
    checks = [(f["name"], f.get("type", "string"), f.get("constraints", {}), f.get("plausible")) for f in fields]
    for line, row in rows:
        for name, kind, constraints, plausible in checks:
            value = row.get(name)
            if value is None:
                continue
            problem = _cell(value, kind, constraints)
            if problem is None and plausible and value != "":
                problem = _implausible(value, row, plausible)
            if problem:
                problems.append(f"{path}, line {line}, column {name!r}: value {value!r} {problem}")
    return problems


def _cell(value: str, kind: str, constraints: dict) -> str | None:
    if CONTROL.search(value):
        return f"holds a control character (U+{ord(CONTROL.search(value).group()):04X}): not allowed in the ledger"
    if value == "":
        return None
    if kind == "number" and not NUMBER.fullmatch(value):
        return "is not a plain number (ASCII digits, an optional sign, point and exponent: '1000', '-3.5', '2e12')"
    if kind == "integer" and not INTEGER.fullmatch(value):
        return "is not a plain whole number (ASCII digits and an optional sign)"
    if kind == "date" and not DATE.fullmatch(value):
        return "is not a date written YYYY-MM-DD"
    if kind == "string":
        if constraints.get("required") and not value.strip():
            return "is blank but required"
        pattern = constraints.get("pattern")
        if pattern and not re.fullmatch(pattern, value):
            return f"does not match the pattern {pattern} in full"
    return None


def _implausible(value: str, row: dict[str, str], plausible: dict) -> str | None:
    """A message if a number lies outside the field's plausible bounds."""
    number = float(value)
    shown = ""
    if "unit_column" in plausible:
        unit = row.get(plausible["unit_column"], "")
        try:
            number = units.to_si(number, unit)
        except (KeyError, ValueError):
            return None  # an unknown unit is the unit rule's to report
        shown = " (in SI units"
    if "per_column" in plausible:
        try:
            per = float(row.get(plausible["per_column"], "1") or "1")
        except ValueError:
            return None
        if per > 0:
            number /= per
            shown += f", per {plausible['per_column']}"
    low, high = plausible.get("min", -math.inf), plausible.get("max", math.inf)
    if "by_column" in plausible:
        bounds = plausible.get("ranges", {}).get(row.get(plausible["by_column"], ""))
        if bounds is None:
            return None
        low, high = bounds
    if low <= number <= high:
        return None
    shown = shown + ")" if shown else ""
    return f"is outside the plausible range {low:g} to {high:g}{shown}: a typo or a wrong unit?"
