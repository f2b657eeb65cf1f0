"""Builds an MLPerf Inference summary_results.json in the real layout, for the refresh tests.

The layout is MLCommons' (a JSON list of flat records with the keys of KEYS, in that order, as in
inference_results_v5.1's summary_results.json). Records that the ledger already has are rebuilt from
the quote of a hand-entered row of data/benchmarks.csv (the quote keeps the record's own keys and
values), so a test can check that the refresh leaves them alone. The other records are SYNTHETIC:
each one exercises a rule (kept, or skipped for its division, suite, availability, model, unit, a
CPU-only system with an empty `a#`, a mixed cluster, a chip the ledger lacks).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

KEYS = ["ID", "Submitter", "Availability", "Category", "Suite", "System", "Platform", "UsedModel", "Model",
        "Scenario", "Accuracy", "Nodes", "Processor", "host_processors_per_node", "host_processor_core_count",
        "Accelerator", "a#", "Location", "Software", "operating_system", "Notes", "compliance", "errors",
        "version", "inferred", "has_power", "weight_data_types", "p#", "Details", "Code",
        "Unique ID (e.g. for Audit)", "ColorKey", "Performance_Result", "Performance_Units"]

# (ID, Submitter, Platform, Accelerator, a#, Nodes, Model, Scenario, Category, Suite, Availability,
#  weight_data_types, Performance_Result, Performance_Units) -- synthetic values
NEW_KEPT = [
    ("9.9-0001", "Example Corp", "EX-8xH200", "NVIDIA H200-SXM-141GB", 8, 1, "llama2-70b-99", "Offline",
     "closed", "datacenter", "available", "fp8", 30000.5, "Tokens/s"),
    ("9.9-0002", "Example Corp", "EX-2x8xB200", "NVIDIA B200-SXM-180GB", 8, 2, "llama3.1-405b", "Server",
     "closed", "datacenter", "available", "fp4", 4000.0, "Tokens/s"),
]
SKIPPED = [
    ("9.9-0101", "Example Corp", "EX-8xH200", "NVIDIA H200-SXM-141GB", 8, 1, "llama2-70b-99", "Offline",
     "open", "datacenter", "available", "fp8", 50000.0, "Tokens/s"),            # open division
    ("9.9-0102", "Example Corp", "EX-8xH200", "NVIDIA H200-SXM-141GB", 8, 1, "llama2-70b-99", "Offline",
     "closed", "edge", "available", "fp8", 30000.0, "Tokens/s"),                # edge suite
    ("9.9-0103", "Example Corp", "EX-8xB300", "NVIDIA B300", 8, 1, "llama2-70b-99", "Offline",
     "closed", "datacenter", "preview", "fp4", 90000.0, "Tokens/s"),            # not yet available
    ("9.9-0104", "Example Corp", "EX-8xH200", "NVIDIA H200-SXM-141GB", 8, 1, "resnet", "Offline",
     "closed", "datacenter", "available", "int8", 700000.0, "Samples/s"),       # not an LLM of the ledger
    ("9.9-0105", "Example Corp", "EX-CPU", "", "", 1, "llama2-70b-99", "Offline",
     "closed", "datacenter", "available", "fp8", 10.0, "Tokens/s"),              # CPU only: a# is ""
    ("9.9-0106", "Example Corp", "EX-MIX", "AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)",
     "", 6, "llama2-70b-99", "Offline", "closed", "datacenter", "available", "fp8", 100000.0, "Tokens/s"),
    ("9.9-0107", "Example Corp", "EX-L40S", "NVIDIA L40S", 8, 1, "llama2-70b-99", "Offline",
     "closed", "datacenter", "available", "fp8", 5000.0, "Tokens/s"),           # a chip the ledger lacks
    ("9.9-0108", "Example Corp", "EX-8xH200", "NVIDIA H200-SXM-141GB", 8, 1, "llama2-70b-99", "Offline",
     "closed", "datacenter", "available", "fp8", 2500.0, "Latency (ms)"),       # a latency, not a rate
]
FIELDS = ["ID", "Submitter", "Platform", "Accelerator", "a#", "Nodes", "Model", "Scenario", "Category", "Suite",
          "Availability", "weight_data_types", "Performance_Result", "Performance_Units"]


def record(version: str = "v5.1", **values) -> dict:
    """One record with every key of the real layout; `values` override the synthetic defaults."""
    base = {key: "" for key in KEYS}
    base.update({"Processor": "Example CPU", "host_processors_per_node": 2, "host_processor_core_count": "64",
                 "Software": "Example runtime 1.0", "operating_system": "Ubuntu 24.04 LTS", "compliance": 1,
                 "errors": 0, "version": version, "inferred": 0, "has_power": False, "p#": 2})
    base.update(values)
    base["UsedModel"] = base["UsedModel"] or base["Model"]
    base["System"] = base["System"] or f"{base['Submitter']} {base['Platform']}"
    base["Location"] = f"{base['Category']}/{base['Submitter']}/results/{base['Platform']}/{base['Model']}/{base['Scenario']}"
    return {key: base[key] for key in KEYS}


def hand_records(benchmarks: pd.DataFrame, count: int = 3) -> list[dict]:
    """Records rebuilt from the quotes of the first `count` hand-entered MLPerf rows of the ledger."""
    rows = benchmarks[benchmarks["source_id"] == "mlperf-inference-v5.1-summary"].head(count)
    return [record(Suite="datacenter", **json.loads(quote)) for quote in rows["quote"]]


def records(benchmarks: pd.DataFrame) -> list[dict]:
    synthetic = [record(**dict(zip(FIELDS, values))) for values in NEW_KEPT + SKIPPED]
    return hand_records(benchmarks) + synthetic


def write(path: Path, rows: list[dict]) -> Path:
    """Writes the records as MLCommons does (a list, indented by two spaces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return path
