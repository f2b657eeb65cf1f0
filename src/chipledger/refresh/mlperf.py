"""MLPerf Inference results (MLCommons' summary_results.json, at the root of each round's results
repository) into benchmarks.csv.

The file is a JSON list with one record per result; a record's `Performance_Result` is the total of
`a#` accelerators per node x `Nodes` nodes. Kept: closed division, datacenter suite, available systems,
the LLM workloads of MLPERF_WORKLOADS in the Offline, Server and Interactive scenarios, on one kind of
accelerator that the ledger has (ACCELERATORS). Every other record is skipped and counted. The round
becomes one source (mlperf-refresh-<version>), whose notes say how many records were read and how many
name an AWS chip. A result already entered by hand (same benchmark_id) is left as it is; where the two
values differ, the difference is reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import ijson

from .errors import RefreshError, Summary
from .guard import checked_events
from .http import Fetcher, default_cache
from .merge import merge, number

SOURCE_PREFIX = "mlperf-refresh-"
# MLPerf model key -> the workload name of benchmarks.csv
MLPERF_WORKLOADS = {"llama2-70b-99": "llama2-70b", "llama3.1-405b": "llama3.1-405b"}
SCENARIOS = {"Offline": "offline", "Server": "server", "Interactive": "interactive"}
# the accelerator named in a record -> chip_id; the first pattern that matches decides, None = skip
ACCELERATORS: list[tuple[re.Pattern, str | None]] = [
    (re.compile(r"GB300"), "gb300"), (re.compile(r"GB200"), "gb200"), (re.compile(r"\bB300"), "b300"),
    (re.compile(r"\bB200"), "b200"), (re.compile(r"H200.*NVL|H100.*(PCIe|NVL)"), None),
    (re.compile(r"\bH200"), "h200-sxm"), (re.compile(r"\bH100"), "h100-sxm"), (re.compile(r"MI355X"), "mi355x"),
    (re.compile(r"MI325X"), "mi325x"), (re.compile(r"MI300X"), "mi300x"),
]
PRECISIONS = {"fp8": "fp8", "fp4": "fp4", "nvfp4": "nvfp4", "mxfp4": "mxfp4", "fp16": "fp16", "bf16": "bf16"}
AWS_CHIPS = re.compile(r"trainium|inferentia|neuron|\baws\b|amazon|annapurna|\btrn[123]\b|\binf[12]\b", re.IGNORECASE)
QUOTED_KEYS = ["ID", "Submitter", "Availability", "Category", "System", "Platform", "Model", "Scenario", "Nodes",
               "Accelerator", "a#", "weight_data_types", "Power_Result", "Power_Units", "Performance_Result",
               "Performance_Units"]


def chip_of(accelerator: str) -> str | None:
    """The ledger's chip_id for an MLPerf accelerator name, or None (not in the ledger, or a mix)."""
    if not accelerator or "," in accelerator or "(x" in accelerator:
        return None
    for pattern, chip in ACCELERATORS:
        if pattern.search(accelerator):
            return chip
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


SCALAR = (str, int, float, bool, type(None))


def read_records(path: Path):
    """(index, record) for each record of a summary_results.json, parsed as a stream (depth and value
    size bounded, refresh.guard); a record is an object of plain values."""
    with path.open("rb") as handle:
        for index, record in enumerate(ijson.items(checked_events(handle, str(path)), "item", use_float=True)):
            if not isinstance(record, dict):
                raise RefreshError(f"{path}: [{index}] is not a record (an object) but {type(record).__name__}")
            for key, value in record.items():
                if not isinstance(value, SCALAR):
                    raise RefreshError(f"{path}: [{index}].{key}: value {str(value)[:40]!r} is not a plain value "
                                       "(text or a number)")
            yield index, record


def parse_results(path: Path) -> tuple[list[dict], dict]:
    """(benchmarks.csv rows, facts about the file: version, records, skipped, aws_mentions)."""
    rows, facts = [], {"version": None, "records": 0, "skipped": 0, "aws_mentions": 0}
    for index, record in read_records(path):
        facts["records"] += 1
        if any(isinstance(v, str) and AWS_CHIPS.search(v) for v in record.values()):
            facts["aws_mentions"] += 1
        version = record.get("version")
        if isinstance(version, str) and version:
            facts["version"] = facts["version"] or version
        row = _row(index, record, path)
        if row is None:
            facts["skipped"] += 1
        else:
            rows.append(row)
    if facts["records"] == 0:
        raise RefreshError(f"{path}: no records (expected a JSON list of results)")
    if not facts["version"]:
        raise RefreshError(f"{path}: no record states its round ('version', e.g. 'v5.1')")
    return rows, facts


def _row(index: int, record: dict, path: Path) -> dict | None:
    """One benchmarks.csv row for a record we keep, None for one we skip."""
    if (record.get("Category"), record.get("Suite"), record.get("Availability")) != ("closed", "datacenter", "available"):
        return None
    workload, scenario = MLPERF_WORKLOADS.get(record.get("Model")), SCENARIOS.get(record.get("Scenario"))
    chip = chip_of(str(record.get("Accelerator") or ""))
    if not (workload and scenario and chip) or record.get("Performance_Units") != "Tokens/s":
        return None
    where = f"{path}: [{index}]"
    per_node, nodes, value = record.get("a#"), record.get("Nodes"), record.get("Performance_Result")
    for name, count in (("a#", per_node), ("Nodes", nodes)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise RefreshError(f"{where}.{name}: value {count!r} is not a positive whole number of "
                               f"{'accelerators per node' if name == 'a#' else 'nodes'}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1e12:
        raise RefreshError(f"{where}.Performance_Result: value {value!r} is not a positive number of tokens/s")
    precision = PRECISIONS.get(str(record.get("weight_data_types", "")).lower())
    if precision is None:
        return None
    version = str(record.get("version", ""))
    power = record.get("Power_Result") if record.get("Power_Units") == "Watts" else None
    quote = ", ".join(f"{json.dumps(k)}: {json.dumps(record[k])}" for k in QUOTED_KEYS if k in record)
    chips = per_node * nodes
    return {
        "benchmark_id": f"mlperf-inf-{_slug(version)}-{_slug(str(record.get('Model')))}-{scenario}-"
                        f"{_slug(str(record.get('Submitter', '')))}-{_slug(str(record.get('Platform', '')))}",
        "suite": f"mlperf_inference_{version}", "chip_id": chip, "chips": str(chips),
        "system": str(record.get("System", "")).strip(), "workload": workload, "scenario": scenario,
        "precision": precision, "metric": "tokens_per_s", "value": number(float(value)), "unit": "tokens/s",
        "power_w": number(float(power)) if isinstance(power, (int, float)) and power > 0 else "",
        "software": str(record.get("Software", "")), "division": "closed", "tokens_counted": "output",
        "speculative_decoding": "not stated", "source_id": f"{SOURCE_PREFIX}{version}",
        "quote": "{" + quote + "}",
        "notes": f"Written by `chipledger refresh mlperf`. MLPerf Inference {version} closed division, datacenter suite, "
                 f"available. Value is the SYSTEM TOTAL for {per_node} accelerators/node x {nodes} node(s) = {chips} chips. "
                 "precision = weight_data_types (weights only); Tokens/s counts output tokens.",
    }


def refresh_mlperf(source: str, fetcher: Fetcher | None = None, today=None) -> Summary:
    """Refresh benchmarks.csv from one round's summary_results.json (a URL or a local file)."""
    import datetime as dt

    fetcher = fetcher or Fetcher(cache=default_cache())
    today = today or dt.date.today()
    path = fetcher.get(source)
    rows, facts = parse_results(path)
    if not rows:
        raise RefreshError(f"{source}: no closed datacenter LLM result on a chip of the ledger "
                           f"({facts['records']} records read, all skipped)")
    version = facts["version"]
    url = source if source.startswith("http") else (
        f"https://github.com/mlcommons/inference_results_{version}/blob/main/summary_results.json")
    source_row = {
        "source_id": f"{SOURCE_PREFIX}{version}",
        "title": f"MLPerf Inference {version} results: summary_results.json (inference_results_{version} repository root)",
        "publisher": "MLCommons", "url": url, "published": "", "accessed": today.isoformat(), "kind": "third_party",
        "read_via": "", "copy_kind": "original", "supersedes": "",
        "notes": "Written by `chipledger refresh mlperf`" + ("" if source.startswith("http") else " from a local copy of the file")
                 + f". {facts['records']} records read; {len(rows)} kept (closed, datacenter, available, "
                 f"{', '.join(MLPERF_WORKLOADS)} in {', '.join(SCENARIOS)}, on a chip of the ledger), {facts['skipped']} skipped; "
                 "results already entered by hand are not repeated. "
                 f"Records with a value naming an AWS chip (trainium, inferentia, neuron, aws, amazon, annapurna, "
                 f"trn1-3, inf1-2, any key): {facts['aws_mentions']}.",
    }
    matching = len(rows)
    rows, differences = _set_aside_hand_rows(rows)
    summary = merge("benchmarks", rows, [source_row], SOURCE_PREFIX, key=["benchmark_id"],
                    compare=lambda new, hand: differences)
    summary.notes = [f"records read {facts['records']}, kept {matching} ({matching - len(rows)} of them "
                     f"already entered by hand), skipped {facts['skipped']} (other divisions, suites, models, scenarios "
                     f"or chips); records naming an AWS chip: {facts['aws_mentions']}"]
    return summary


def _set_aside_hand_rows(rows: list[dict]) -> tuple[list[dict], list[str]]:
    """(rows that no hand-entered row has, differences from the hand-entered ones): a result entered by
    hand (same benchmark_id) is not written again; where its value differs from the file, that is reported."""
    from .. import data

    current = data.load("benchmarks")
    hand = current[~current["source_id"].str.startswith(SOURCE_PREFIX)].set_index("benchmark_id")
    kept, differences = [], []
    for row in rows:
        if row["benchmark_id"] not in hand.index:
            kept.append(row)
            continue
        entered = hand.loc[row["benchmark_id"]]
        if abs(float(entered["value"]) - float(row["value"])) > 1e-9 * float(row["value"]) or \
                int(entered["chips"]) != int(row["chips"]):
            differences.append(f"{row['benchmark_id']}: the file says {float(row['value']):,.1f} tokens/s on {row['chips']} "
                               f"chips, the hand-entered row {float(entered['value']):,.1f} on {entered['chips']} "
                               f"({entered['source_id']})")
    return kept, differences
