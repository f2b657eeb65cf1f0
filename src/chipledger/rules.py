"""The ledger's rules that a Table Schema cannot say, one function per rule, run by data.validate()
after Frictionless has passed every table (chipledger.boundary checks every cell before that).

Each rule takes a table's path and its rows as (line, row of text cells) and returns messages naming
file, line, column and value. _RULES maps each table to its rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from . import fiscal, units


def _metric_rows(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """peak_flops and peak_ops name precision and sparsity (others name neither); units fit the metric."""
    problems = []
    for line, row in rows:
        metric, unit = row["metric"], row["unit"]
        if metric in _COMPUTE_METRICS:
            for column in ("precision", "sparsity"):
                if not row[column]:
                    problems.append(f"{path}, line {line}, column {column!r}: value '' is empty, "
                                    f"but a {metric} row must name its precision and sparsity")
        else:
            for column in ("precision", "sparsity"):
                if row[column]:
                    problems.append(f"{path}, line {line}, column {column!r}: value {row[column]!r} "
                                    f"given for metric {metric!r}; only peak_flops and peak_ops rows have one")
        wanted = units.METRICS[metric]
        if units.dimension(unit) != wanted:
            problems.append(f"{path}, line {line}, column 'unit': value {unit!r} measures "
                            f"{units.dimension(unit)}, but metric {metric!r} needs a unit of {wanted}")
    return problems


def _estimates(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """An estimate states its range low <= value <= high; other rows state none."""
    problems = []
    for line, row in rows:
        has_range = bool(row["low"] or row["high"])
        if row["basis"] == "estimate":
            if not (row["low"] and row["high"]):
                problems.append(f"{path}, line {line}, column 'low'/'high': value "
                                f"({row['low']!r}, {row['high']!r}): an estimate needs both ends of its range")
            elif not float(row["low"]) <= float(row["value"]) <= float(row["high"]):
                problems.append(f"{path}, line {line}, column 'value': value {row['value']!r} "
                                f"is outside its range {row['low']}..{row['high']}")
        elif has_range:
            problems.append(f"{path}, line {line}, column 'low'/'high': value "
                            f"({row['low']!r}, {row['high']!r}): only basis=estimate rows have a range")
    return problems


def _one_preferred(*key: str):
    """Exactly one row with preferred=true for each value of the key columns."""

    def rule(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
        groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
        for line, row in rows:
            groups[tuple(row[column] for column in key)].append((line, row))
        problems = []
        for key_values, members in groups.items():
            chosen = [line for line, row in members if row["preferred"] == "true"]
            label = "/".join(k for k in key_values if k)
            if len(chosen) != 1:
                lines = [line for line, _ in members]
                problems.append(
                    f"{path}, line {lines[0]}, column 'preferred': value "
                    f"{members[0][1]['preferred']!r}: {label} has {len(chosen)} preferred rows "
                    f"(lines {', '.join(map(str, lines))}); exactly one must be true")
        return problems

    return rule


_COMPUTE_METRICS = ("peak_flops", "peak_ops")

def _fiscal_periods(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """A period starts before it ends and covers exactly the company's fiscal quarter or year."""
    problems = []
    for line, row in rows:
        start, end = row["period_start"], row["period_end"]
        if end < start:
            problems.append(f"{path}, line {line}, column 'period_end': value {end!r} is before "
                            f"period_start {start!r}")
            continue
        try:
            first, last = fiscal.period_dates(row["company"], row["fiscal_period"])
        except ValueError as error:
            problems.append(f"{path}, line {line}, column 'fiscal_period': value {row['fiscal_period']!r}: {error}")
            continue
        if (start, end) != (first.isoformat(), last.isoformat()):
            problems.append(f"{path}, line {line}, column 'period_start'/'period_end': value "
                            f"({start!r}, {end!r}) is not {row['company']}'s {row['fiscal_period']} "
                            f"({first} to {last})")
    return problems


def _deal_has_a_size(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """A deal states at least one of dollars, gigawatts or chips."""
    return [f"{path}, line {line}, column 'usd'/'gigawatts'/'chips': value ('', '', ''): a deal needs "
            "dollars, gigawatts or chips" for line, row in rows
            if not (row["usd"] or row["gigawatts"] or row["chips"])]


ESTIMATE_FIELDS = ("analyst", "year", "scope", "measure", "kind", "source_id")
"""What every row of one share estimate (market_shares.csv) has in common."""


def _one_estimate_one_market(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """The rows of one estimate_id are one analyst's figures for one market (same analyst, year, scope,
    measure, kind and source), and their shares sum to at most 100%."""
    problems, first, total = [], {}, {}
    for line, row in rows:
        estimate = row["estimate_id"]
        if estimate not in first:
            first[estimate] = (line, row)
        else:
            line0, row0 = first[estimate]
            for column in ESTIMATE_FIELDS:
                if row[column] != row0[column]:
                    problems.append(f"{path}, line {line}, column {column!r}: value {row[column]!r} differs from "
                                    f"{row0[column]!r} on line {line0}, the same estimate {estimate!r}: one "
                                    "estimate is one market (give the other its own estimate_id)")
        total[estimate] = total.get(estimate, 0.0) + float(row["share_percent"])
        if total[estimate] > 100 + 1e-9:
            problems.append(f"{path}, line {line}, column 'share_percent': value {row['share_percent']!r} brings "
                            f"the shares of estimate {estimate!r} to {total[estimate]:g}%, more than 100%")
    return problems


def _scaleup_domain_fits(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """An UltraServer or rack is one scale-up domain; an instance holds whole domains or is a slice of one."""
    problems = []
    for line, row in rows:
        chips, domain = int(row["chips"]), int(row["scaleup_chips"])
        if row["kind"] in ("ultraserver", "rack", "pod"):
            fits, rule = chips == domain, f"a {row['kind']} is one scale-up domain of all its chips"
        else:
            fits = chips % domain == 0 or domain % chips == 0
            rule = "an instance holds whole scale-up domains or is a slice of one"
        if not fits:
            problems.append(f"{path}, line {line}, column 'scaleup_chips': value {row['scaleup_chips']!r} "
                            f"disagrees with chips {row['chips']!r}: {rule}")
    return problems


def _positive_price(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """A price is more than zero dollars an hour."""
    return [f"{path}, line {line}, column 'usd_per_hour': value {row['usd_per_hour']!r} is not a price "
            "(must be more than 0)" for line, row in rows if float(row["usd_per_hour"]) <= 0]


def _ordered_range(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """An assumption's range is in order: low <= central <= high."""
    problems = []
    for line, row in rows:
        low, central, high = (float(row[c]) for c in ("low", "central", "high"))
        if low > central:
            problems.append(f"{path}, line {line}, column 'low': value {row['low']!r} is above central "
                            f"{row['central']!r} (need low <= central <= high)")
        if central > high:
            problems.append(f"{path}, line {line}, column 'high': value {row['high']!r} is below central "
                            f"{row['central']!r} (need low <= central <= high)")
    return problems


def _claimed_numbers(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """A claim that states a number states its unit, bound and precision; a range its high end; a claim
    without a number none of them."""
    problems = []
    for line, row in rows:
        has_value = bool(row["claimed_value"])
        for column in ("claimed_unit", "claimed_bound", "claimed_precision"):
            if has_value and not row[column]:
                problems.append(f"{path}, line {line}, column {column!r}: value '' is empty, but the claim "
                                f"states a number ({row['claimed_value']}) and must say its {column[8:]}")
        for column in ("claimed_high", "claimed_bound", "claimed_precision"):
            if not has_value and row[column]:
                problems.append(f"{path}, line {line}, column {column!r}: value {row[column]!r} given, but the "
                                "claim states no number (claimed_value is empty)")
        is_range = row["claimed_bound"] == "range"
        if has_value and is_range != bool(row["claimed_high"]):
            problems.append(f"{path}, line {line}, column 'claimed_high': value {row['claimed_high']!r}: a range "
                            "claim (claimed_bound=range) needs its high end, and only a range has one")
        elif is_range and float(row["claimed_high"]) < float(row["claimed_value"]):
            problems.append(f"{path}, line {line}, column 'claimed_high': value {row['claimed_high']!r} is below "
                            f"claimed_value {row['claimed_value']!r}")
    return problems


# read_via: a URL, owner/repository:path (optionally @commit), or index:<id> of the search tools' copy
_READ_VIA = re.compile(r"https?://\S+|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:[^\s@][^\s]*?(@[0-9a-f]{7,40})?|index:[0-9]+")


def _provenance(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """How a source was read: an original has no read_via, a copy says where it was read, in one of the
    three forms; `supersedes` names other sources."""
    ids = {row["source_id"] for _, row in rows}
    problems = []
    for line, row in rows:
        read_via, copy = row["read_via"], row["copy_kind"]
        if read_via and not _READ_VIA.fullmatch(read_via):
            problems.append(f"{path}, line {line}, column 'read_via': value {read_via!r} is neither empty nor a URL, "
                            "owner/repository:path or index:<id>")
        elif copy == "original" and read_via:
            problems.append(f"{path}, line {line}, column 'read_via': value {read_via!r} given, but copy_kind is "
                            "'original' (the original itself was read: read_via stays empty)")
        elif copy and copy != "original" and not read_via:
            problems.append(f"{path}, line {line}, column 'read_via': value '' is empty, but copy_kind is {copy!r}: "
                            "say where the copy was read")
        for other in filter(None, (part.strip() for part in row["supersedes"].split(";"))):
            if other not in ids or other == row["source_id"]:
                problems.append(f"{path}, line {line}, column 'supersedes': value {other!r} is not another "
                                "source_id of sources.csv")
    return problems


# benchmarks.csv metric -> the unit its value must be in
BENCHMARK_UNITS = {"tokens_per_s": "tokens/s", "tokens_per_s_per_user": "tokens/s", "samples_per_s": "samples/s",
                   "queries_per_s": "queries/s", "achieved_flops": "TFLOPS", "ttft_ms": "ms", "tpot_ms": "ms",
                   "latency_ms": "ms"}
_SPECULATION = re.compile(r"specul", re.IGNORECASE)
_NO_SPECULATION = re.compile(r"\b(no|without|non)[ -]speculat", re.IGNORECASE)


def _benchmark_rows(path: Path, rows: list[tuple[int, dict[str, str]]]) -> list[str]:
    """A token rate names its workload and scenario; a unit fits its metric; a result whose own words
    speak of speculative decoding is marked speculative_decoding=yes."""
    problems = []
    for line, row in rows:
        if row["metric"].startswith("tokens_per_s"):
            for column in ("workload", "scenario"):
                if not row[column]:
                    problems.append(f"{path}, line {line}, column {column!r}: value '' is empty, but a "
                                    f"{row['metric']} result must name its workload and scenario")
        wanted = BENCHMARK_UNITS.get(row["metric"])
        if wanted and row["unit"] != wanted:
            problems.append(f"{path}, line {line}, column 'unit': value {row['unit']!r} does not fit metric "
                            f"{row['metric']!r} (needs {wanted!r})")
        words = f"{row['system']} {row['quote']}"
        if _SPECULATION.search(words) and not _NO_SPECULATION.search(words) and row["speculative_decoding"] != "yes":
            problems.append(f"{path}, line {line}, column 'speculative_decoding': value "
                            f"{row['speculative_decoding']!r}, but the result's own words speak of speculative "
                            "decoding: mark it 'yes'")
    return problems


_RULES = {
    "benchmarks": (_benchmark_rows,),
    "sources": (_provenance,),
    "claims": (_claimed_numbers,),
    "chip_specs": (_metric_rows, _estimates),
    "system_specs": (_metric_rows, _estimates),
    "financials": (_fiscal_periods, _one_preferred("company", "metric", "fiscal_period", "kind", "definition")),
    "deals": (_deal_has_a_size, _one_preferred("deal_id")),
    "market_shares": (_one_estimate_one_market,),
    "systems": (_scaleup_domain_fits,),
    "prices": (_positive_price,),
    "assumptions": (_ordered_range,),
}
