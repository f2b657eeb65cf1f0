"""Loading and validating the ledger: the CSV tables in data/ and their datapackage.json.

Validation has three layers. chipledger.boundary checks the bytes and the shape first (the
descriptor's shape and paths, UTF-8, files cut inside a quote, every cell by its declaration: ASCII
numbers, YYYY-MM-DD dates, patterns in full, no blank required text, no control characters,
plausible bounds); Frictionless checks what the Table Schema can say (types, required fields,
vocabularies, primary and foreign keys); chipledger.rules checks what it cannot (a peak_flops row
names its precision and sparsity, a unit has its metric's dimension, one preferred row per key...).
Any breach raises DataError naming the file, line, column, value and rule; nothing is returned from a
table that breaks a rule, and what validates loads.
"""

from __future__ import annotations

import csv
import math
import os
import sys
from pathlib import Path

# jsonschema, which Frictionless uses to check datapackage.json, imports rfc3987_syntax when it is
# installed (Jupyter brings it) and compiles about 40 grammars at import: 0.9 s on every first
# validation, in every process and notebook kernel, for URI formats our descriptor never uses.
# Marking it absent makes jsonschema skip those optional format checks. Done only if nothing has
# imported it yet.
sys.modules.setdefault("rfc3987_syntax", None)

import frictionless  # noqa: E402
from . import boundary, units  # noqa: E402
from .rules import _COMPUTE_METRICS, _RULES, BENCHMARK_UNITS, ESTIMATE_FIELDS  # noqa: E402, F401 (public names)

class _Pandas:
    """pandas, imported on first use: validating the ledger (a refresh, `chipledger validate`) needs
    no DataFrame, and pandas alone is 60 MB of a process's memory."""

    def __getattr__(self, name: str):
        import pandas

        return getattr(pandas, name)


pd = _Pandas()


class _Preference:
    """chipledger.preference (which imports pandas), on first use."""

    def __getattr__(self, name: str):
        from . import preference

        return getattr(preference, name)


preference = _Preference()

ENV_VAR = "CHIPLEDGER_DATA"
PACKAGE_FILE = "datapackage.json"
_REPO_DATA = Path(__file__).resolve().parents[2] / "data"
_MAX_REPORTED = 20


class DataError(ValueError):
    """The ledger breaks a rule. The message names file, line, column, value and the rule."""


def data_dir() -> Path:
    """The folder holding the ledger: $CHIPLEDGER_DATA if set, else data/ of the repository. Set but
    empty (or blank) is an error, not a quiet fall-back to the repository's data."""
    value = os.environ.get(ENV_VAR)
    if value is None:
        return _REPO_DATA
    if not value.strip():
        raise DataError(f"{ENV_VAR} is set but empty; unset it to use {_REPO_DATA}, or name a folder holding a ledger")
    return Path(value)


def validate() -> None:
    """Checks the whole ledger (every table, key and vocabulary). Raises DataError on any breach."""
    _checked_package(data_dir())


def row_counts() -> dict[str, int]:
    """Rows in each table of a valid ledger, in declared order. Raises DataError like validate()."""
    folder = data_dir()
    return {r["name"]: len(_rows(folder / r["path"])) for r in _checked_package(folder)["resources"]}


def load(name: str) -> pd.DataFrame:
    """One table of the ledger, validated, with columns typed from its schema.

    Numbers are floats, integers nullable Int64, dates datetime64, booleans bool, empty text NA.
    Raises DataError if the ledger breaks a rule (the whole ledger is checked: foreign keys span tables).
    """
    folder = data_dir()
    descriptor = _checked_package(folder)
    resources = {r["name"]: r for r in descriptor["resources"]}
    if name not in resources:
        raise DataError(f"{folder / PACKAGE_FILE}: no table named {name!r}; tables: {', '.join(resources)}")
    resource = resources[name]
    path = folder / resource["path"]
    key = (path.resolve(), path.stat().st_mtime_ns, path.stat().st_size)
    if key not in _frames:  # a checked, unchanged file is parsed once per process
        _frames[key] = _typed_frame(path, resource["schema"]["fields"])
    return _frames[key].copy()


# --- reading -------------------------------------------------------------------------------------

def _read_descriptor(folder: Path) -> dict:
    path = folder / PACKAGE_FILE
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder; set {ENV_VAR} to a folder holding the ledger")
    if not path.is_file():
        raise DataError(f"{path}: missing; set {ENV_VAR} to a folder holding the ledger")
    try:
        return boundary.descriptor(folder, PACKAGE_FILE)
    except boundary.BoundaryError as error:
        raise DataError(str(error)) from None


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a CSV file; the line is where the record starts."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows, start = [], 2
        for row in reader:
            rows.append((start, row))
            start = reader.line_num + 1
        return rows


def _typed_frame(path: Path, fields: list[dict]) -> pd.DataFrame:
    """The table with its columns typed; any failure (which the checks should have prevented) is a
    DataError naming the file and column, never a pandas traceback."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for field in fields:
        try:
            _type_column(frame, field)
        except (ValueError, TypeError, OverflowError) as error:
            raise DataError(f"{path}, column {field['name']!r}: cannot be read as {field['type']} ({error})") from None
    return frame


def _type_column(frame: pd.DataFrame, field: dict) -> None:
    column, kind = field["name"], field.get("type", "string")
    text = frame[column].replace("", None)
    if kind == "number":
        frame[column] = pd.to_numeric(text).astype("float64")
    elif kind == "integer":
        frame[column] = pd.to_numeric(text).astype("Int64")
    elif kind == "date":
        frame[column] = pd.to_datetime(text, format="%Y-%m-%d")
    elif kind == "boolean":
        frame[column] = text.map({"true": True, "false": False}).astype("bool")
    else:
        frame[column] = text.astype("string")


# --- checking ------------------------------------------------------------------------------------

_cache: dict[Path, tuple[tuple, dict]] = {}
_frames: dict[tuple, pd.DataFrame] = {}


def _checked_package(folder: Path) -> dict:
    """The descriptor of a ledger that passed every check (cached while no file changes)."""
    folder = folder.resolve()
    descriptor = _read_descriptor(folder)
    paths = [folder / PACKAGE_FILE] + [folder / r["path"] for r in descriptor["resources"]]
    for resource, path in zip(descriptor["resources"], paths[1:]):
        if not path.is_file():
            raise DataError(f"{path}: missing table file for table {resource['name']!r}")
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if folder in _cache and _cache[folder][0] == stamp:
        return _cache[folder][1]
    problems = []
    for path in paths[1:]:
        try:
            text = boundary.decoded(path)
        except boundary.BoundaryError as error:
            problems.append(str(error))
            continue
        if not text.strip():
            problems.append(f"{path}, line 1: empty file; a table needs at least its header line")
        elif (cut := boundary.cut_in_a_quote(path, text)) is not None:
            problems.append(cut)
    if problems:
        raise DataError(f"{len(problems)} problem(s) in the ledger at {folder}:\n" + "\n".join(problems[:_MAX_REPORTED]))
    problems = _schema_problems(folder)
    if not problems:
        problems = _rule_problems(folder, descriptor)
    if problems:
        shown = problems[:_MAX_REPORTED]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise DataError(f"{len(problems)} problem(s) in the ledger at {folder}:\n" + "\n".join(shown) + more)
    _cache[folder] = (stamp, descriptor)
    return descriptor


def _schema_problems(folder: Path) -> list[str]:
    """What Frictionless finds against datapackage.json, one message per error."""
    package = frictionless.Package(str(folder / PACKAGE_FILE))
    report = package.validate()
    problems = []
    for error in report.errors:  # errors of the descriptor itself
        problems.append(f"{folder / PACKAGE_FILE}: {error.message}")
    for task in report.tasks:
        resource = package.get_resource(task.name)
        path = folder / resource.path
        starts = _record_starts(path) if task.errors else []
        for error in task.errors:
            problems.append(_describe(path, resource, error, starts))
    return problems


def _record_starts(path: Path) -> list[int]:
    """Line (1 = header) on which each record starts; differs from the record number when a quoted
    field spans lines."""
    try:
        return [1] + [line for line, _ in _rows(path)]
    except (csv.Error, UnicodeDecodeError):
        return []


def _describe(path: Path, resource: frictionless.Resource, error: frictionless.Error,
              starts: list[int]) -> str:
    """One Frictionless error as 'file, line N, column C: value V rule'. Frictionless counts records
    (row_number, header = 1); `starts` turns that into the line where the record starts."""
    row_number = getattr(error, "row_number", None)
    if row_number is not None and 0 < row_number <= len(starts):
        error.row_number = starts[row_number - 1]
    errors = frictionless.errors
    if isinstance(error, errors.LabelError):
        return (f"{path}, line 1, column {error.field_number} ({error.label!r}): "
                f"{_LABEL_RULES.get(error.type, error.note)}")
    if isinstance(error, errors.CellError):
        rule = _cell_rule(resource, error)
        return f"{path}, line {error.row_number}, column {error.field_name!r}: value {error.cell!r} {rule}"
    if isinstance(error, errors.ForeignKeyError):
        pairs = ", ".join(f"column {n!r}: value {c!r}" for n, c in zip(error.field_names, error.field_cells))
        target = f"{error.reference_name or resource.name}.csv"
        return f"{path}, line {error.row_number}, {pairs}: not found in {target} (unknown key)"
    if isinstance(error, errors.PrimaryKeyError):
        key = resource.schema.primary_key
        cells = dict(zip(resource.schema.field_names, error.cells))
        pairs = ", ".join(f"{k}={cells.get(k)!r}" for k in key)
        return (f"{path}, line {error.row_number}, columns {', '.join(key)}: value ({pairs}) "
                "duplicates the key of an earlier row")
    if isinstance(error, errors.RowError):
        return f"{path}, line {error.row_number}: {error.title.lower()} ({error.note})"
    return f"{path}: {error.title.lower()} ({error.note})"


_LABEL_RULES = {
    "extra-label": "stray column not declared in datapackage.json",
    "missing-label": "a declared column is missing from the header",
    "incorrect-label": "header does not match the declared column at this position",
    "duplicate-label": "column named twice in the header",
    "blank-label": "blank column name in the header",
}


def _cell_rule(resource: frictionless.Resource, error: frictionless.Error) -> str:
    field = resource.schema.get_field(error.field_name) if error.field_name else None
    if error.type == "type-error" and field is not None:
        fmt = {"date": " (YYYY-MM-DD)", "boolean": " (true or false)"}.get(field.type, "")
        if field.format == "uri":
            return "is not a valid URL (http:// or https://)"
        return f"is not a valid {field.type}{fmt}"
    if field is not None and field.type in ("number", "integer") and _not_finite(error.cell):
        return "is not a finite number"
    if error.type == "constraint-error" and field is not None:
        constraints = field.constraints
        if "required" in error.note:
            return "is empty but required"
        if "enum" in error.note:
            return f"is not in the vocabulary: {', '.join(map(str, constraints['enum']))}"
        if "pattern" in error.note:
            if field.name == "url":
                return "is not a valid URL (http:// or https://)"
            return f"does not match the pattern {constraints['pattern']}"
        return f"breaks the constraint {error.note}"
    if error.type == "extra-cell":
        return "is in a stray column beyond the header"
    if error.type == "missing-cell":
        return "is missing: the row has fewer cells than the header"
    return f"({error.type}: {error.note})"


def _not_finite(text: object) -> bool:
    try:
        return not math.isfinite(float(str(text)))
    except ValueError:
        return False


def _rule_problems(folder: Path, descriptor: dict) -> list[str]:
    """The rules a Table Schema cannot say; see _RULES."""
    problems = []
    for resource in descriptor["resources"]:
        path = folder / resource["path"]
        fields = resource["schema"]["fields"]
        rows = _rows(path)
        problems.extend(boundary.cell_problems(path, fields, rows))
        numbers = [f["name"] for f in fields if f["type"] in ("number", "integer")]
        for line, row in rows:
            for column in numbers:
                if row[column] and _not_finite(row[column]):
                    problems.append(f"{path}, line {line}, column {column!r}: value {row[column]!r} "
                                    "is not a finite number")
        for rule in _RULES.get(resource["name"], ()):
            problems.extend(rule(path, rows))
    return problems


# --- derived views -------------------------------------------------------------------------------

# specs() column -> (metric, precisions in order of choice, sparsity). FP8 means the chip's 8-bit
# floating-point figure (FP8, or MXFP8 where that is what the vendor publishes); FP4 likewise.
SPEC_COLUMNS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "bf16_dense_flops": ("peak_flops", ("bf16",), "dense"),
    "fp8_dense_flops": ("peak_flops", ("fp8", "mxfp8"), "dense"),
    "fp4_dense_flops": ("peak_flops", ("nvfp4", "fp4", "mxfp4"), "dense"),
    "bf16_sparse_flops": ("peak_flops", ("bf16",), "sparse"),
    "fp8_sparse_flops": ("peak_flops", ("fp8", "mxfp8"), "sparse"),
    "fp4_sparse_flops": ("peak_flops", ("nvfp4", "fp4", "mxfp4"), "sparse"),
    # a vendor's table that does not say dense or sparse (Google's TPU figures): kept apart, shown as such
    "bf16_unstated_flops": ("peak_flops", ("bf16",), "unstated"),
    "fp8_unstated_flops": ("peak_flops", ("fp8", "mxfp8"), "unstated"),
    "hbm_bytes": ("hbm_capacity", ("",), ""),
    "hbm_bandwidth_bytes_per_s": ("hbm_bandwidth", ("",), ""),
    "scaleup_bandwidth_bytes_per_s": ("scaleup_bandwidth", ("",), ""),
    "tdp_w": ("tdp", ("",), ""),
}


# NVIDIA states most Tensor Core peaks with 2:4 structured sparsity and often gives no dense figure
# (H200; GB200 and GB300 at FP8, BF16 and TF32). Where it states both, dense is half of sparse: the
# H100 whitepaper (989.4 and 1,978.9 BF16 TFLOPS), the Blackwell datasheet (NVFP4 144 | 72 PFLOPS per
# HGX B200) and NVIDIA's own footnote on the HGX page and the Blackwell Ultra datasheet ("Specification
# in Sparse. Dense is 1/2 sparse spec shown."); tests/test_specs.py checks those ratios in the ledger.
# The one known exception, Blackwell Ultra at FP4 (20 | 15 PFLOPS), has its dense figure published.
# For these families every sparse figure also yields a dense candidate, half of it, basis "derived",
# which the preference rule weighs against any dense figure a source states.
DENSE_IS_HALF_SPARSE_FAMILIES = ("Hopper", "Blackwell", "Blackwell Ultra")
FIGURE_KEY = ["chip_id", "metric", "precision", "sparsity"]


def chip_figures(preferred_only: bool = True) -> pd.DataFrame:
    """chip_specs.csv with each figure per chip in SI units, and the dense candidates derived from
    sparse ones (DENSE_IS_HALF_SPARSE_FAMILIES), each marked by the one preference rule
    (chipledger.preference): columns preferred and preferred_because.

    si_value (and si_low, si_high) = value x factor of its unit READ ON THE COMPARISON BASIS
    (units.comparison_factor) / chips_in_figure: FLOP/s, OP/s, bytes, bytes/s or W for ONE chip;
    as_stated_si reads the unit literally (a vendor's "80 GB" as 80 x 10^9 bytes).
    preferred_only: only the chosen figure of each chip, metric, precision and sparsity.
    """
    frame = _once("chip_figures", _all_chip_figures)
    frame = frame[frame["preferred"]] if preferred_only else frame
    return frame.reset_index(drop=True)


def _all_chip_figures() -> pd.DataFrame:
    frame = _figures_in_si(load("chip_specs"), stated_values("chip_specs"), per="chips_in_figure")
    frame = pd.concat([frame, _dense_from_sparse(frame)], ignore_index=True)
    return preference.choose(frame, FIGURE_KEY, load("sources").set_index("source_id"),
                             load("chips").set_index("chip_id")["source_id"])


_views: dict[tuple, pd.DataFrame] = {}


def _once(name: str, build) -> pd.DataFrame:
    """A derived view of the ledger, built once while no file of the ledger changes (a copy each call)."""
    folder = data_dir().resolve()
    _checked_package(folder)
    key = (name, folder, _cache[folder][0])
    if key not in _views:
        _views[key] = build()
    return _views[key].copy()


def system_figures(preferred_only: bool = True) -> pd.DataFrame:
    """system_specs.csv with each total of a whole system in SI units on the comparison basis
    (si_value, as_stated_si), marked by the one preference rule like chip_figures()."""
    frame = _once("system_figures", _all_system_figures)
    frame = frame[frame["preferred"]] if preferred_only else frame
    return frame.drop(columns="chips_in_figure").reset_index(drop=True)


def _all_system_figures() -> pd.DataFrame:
    frame = load("system_specs").assign(chips_in_figure=1)
    frame = _figures_in_si(frame, stated_values("system_specs"), per="chips_in_figure")
    return preference.choose(frame, ["system_id", "metric", "precision", "sparsity"],
                             load("sources").set_index("source_id"), load("systems").set_index("system_id")["source_id"])


def stated_values(name: str) -> pd.Series:
    """The `value` column of a table as written in the file (for the precision it is stated to)."""
    resources = {r["name"]: r for r in _checked_package(data_dir())["resources"]}
    path = data_dir() / resources[name]["path"]
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")["value"]


def _figures_in_si(frame: pd.DataFrame, stated: pd.Series, per: str) -> pd.DataFrame:
    basis_factor = [units.comparison_factor(m, u) for m, u in zip(frame["metric"], frame["unit"])]
    literal_factor = frame["unit"].map(lambda u: units.UNITS[str(u)][1])
    count = frame[per].astype(float)
    factor = pd.Series(basis_factor, index=frame.index) / count
    return frame.assign(
        precision=frame["precision"].fillna(""),
        sparsity=frame["sparsity"].fillna(""),
        si_value=frame["value"] * factor,
        si_low=frame["low"] * factor,
        si_high=frame["high"] * factor,
        as_stated_si=frame["value"] * literal_factor / count,
        si_unit=frame["metric"].map(lambda m: units.SI_UNIT[units.METRICS[m]]),
        per_unit_si=frame["value"] * factor,
        unit_precision=[preference.stated_precision(t) for t in stated] * factor,
    )


def _dense_from_sparse(figures: pd.DataFrame) -> pd.DataFrame:
    families = load("chips").set_index("chip_id")["family"]
    halved = figures["chip_id"].map(families).isin(DENSE_IS_HALF_SPARSE_FAMILIES)
    sparse = figures[figures["metric"].isin(_COMPUTE_METRICS) & halved & (figures["sparsity"] == "sparse")
                     & (figures["basis"] != "measured")]
    halves = {c: sparse[c] / 2 for c in ("value", "low", "high", "si_value", "si_low", "si_high", "as_stated_si",
                                         "per_unit_si")}  # as exact as the sparse figure: precision kept
    return sparse.assign(sparsity="dense", basis="derived", **halves,
                         notes="Dense = half the sparse figure of this row's source (NVIDIA 2:4 structured sparsity).")


def specs() -> pd.DataFrame:
    """One row per chip (chips.csv order): preferred figures for ONE chip in SI base units.

    Columns: name, vendor, family, generation, then SPEC_COLUMNS (FLOP/s, bytes, bytes/s, W) and
    tdp_w_low, tdp_w_high (an estimate's range). NaN where no source gives the figure, never 0 or inf.
    """
    chips = load("chips").set_index("chip_id")
    figures = chip_figures()
    out = chips[["name", "vendor", "family", "generation"]].copy()
    for column, (metric, precisions, sparsity) in SPEC_COLUMNS.items():
        out[column] = float("nan")
        for precision in reversed(precisions):  # the first precision listed wins
            rows = figures[(figures["metric"] == metric) & (figures["precision"] == precision)
                           & (figures["sparsity"] == sparsity)].set_index("chip_id")
            out.loc[rows.index, column] = rows["si_value"]
            if metric == "tdp":
                out.loc[rows.index, "tdp_w_low"] = rows["si_low"]
                out.loc[rows.index, "tdp_w_high"] = rows["si_high"]
    out.index.name = "chip_id"
    return out


def spec_provenance() -> pd.DataFrame:
    """For each chip and column of specs(): how the preferred figure was read, the copy_kind of its
    source (original, mirror, transcription, compilation, summary; '' where there is no figure)."""
    chips = load("chips")["chip_id"]
    figures = chip_figures()
    copies = load("sources").set_index("source_id")["copy_kind"]
    out = pd.DataFrame("", index=pd.Index(chips, name="chip_id"), columns=list(SPEC_COLUMNS))
    for column, (metric, precisions, sparsity) in SPEC_COLUMNS.items():
        for precision in reversed(precisions):  # the first precision listed wins, as in specs()
            rows = figures[(figures["metric"] == metric) & (figures["precision"] == precision)
                           & (figures["sparsity"] == sparsity)].set_index("chip_id")
            out.loc[rows.index, column] = rows["source_id"].map(copies).astype(str)
    return out


def spec_sources(columns: list[str], chip_ids=None) -> pd.DataFrame:
    """The documents behind the preferred figures of some specs() columns (for some chips): what a
    chart drawing those columns rests on, and nothing else. Columns: chip_id, column, source_id."""
    figures = chip_figures()
    rows = []
    for column in columns:
        metric, precisions, sparsity = SPEC_COLUMNS[column]
        taken = set()
        for precision in precisions:  # the first precision listed wins, as in specs()
            part = figures[(figures["metric"] == metric) & (figures["precision"] == precision)
                           & (figures["sparsity"] == sparsity) & ~figures["chip_id"].isin(taken)]
            if chip_ids is not None:
                part = part[part["chip_id"].isin(list(chip_ids))]
            rows += [{"chip_id": c, "column": column, "source_id": s} for c, s in zip(part["chip_id"], part["source_id"])]
            taken |= set(part["chip_id"])
    return pd.DataFrame(rows, columns=["chip_id", "column", "source_id"])


WEAK_COPIES = ("compilation", "summary")
"""Copy kinds a chart marks with a dagger: the figure rests only on a third party's table or a summary."""


def preferred_by_copy_kind() -> pd.Series:
    """How many preferred figures of chip_specs (and derived dense figures) rest on each kind of copy."""
    figures = chip_figures()
    copies = load("sources").set_index("source_id")["copy_kind"]
    counts = figures["source_id"].map(copies).value_counts()
    order = ["original", "mirror", "transcription", "compilation", "summary"]
    return counts.reindex(order, fill_value=0).rename("preferred figures")


def sources_for(frame: pd.DataFrame) -> pd.DataFrame:
    """The sources behind a frame's rows: every source id in its *source_id columns, first seen first.

    Returns the matching rows of sources.csv: source_id, title, publisher, url, published, accessed, kind
    (who published the original), read_via (where we read it; empty: the original) and copy_kind.
    """
    columns = [c for c in frame.columns if c == "source_id" or c.endswith("_source_id")]
    if not columns and frame.index.name == "source_id":
        ids = list(frame.index)
    else:
        ids = [v for c in columns for v in frame[c].dropna()]
    wanted = list(dict.fromkeys(str(v) for v in ids if str(v)))
    sources = load("sources").set_index("source_id")
    missing = [s for s in wanted if s not in sources.index]
    if missing:
        raise DataError(f"{data_dir() / 'sources.csv'}: no row for source_id {', '.join(map(repr, missing))}")
    cols = ["title", "publisher", "url", "published", "accessed", "kind", "read_via", "copy_kind"]
    return sources.loc[wanted, cols].reset_index()
