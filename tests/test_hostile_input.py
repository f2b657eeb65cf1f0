"""Hostile input, as a malicious user or a broken download would give it: every case ends in a clean
refusal (a DataError naming the file, line or JSON path, column and value, or a RefreshError naming
the file and the JSON path) or in a counted, reported skip; never a traceback, never a silent loss,
never unbounded memory; data/ is unchanged by a failed refresh. Ends with seeded fuzz tests."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import chipledger
import make_price_fixtures
from chipledger import DataError, refresh, report
from chipledger.refresh import guard, mlperf, sec
from conftest import REPO


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def refused(match: str) -> str:
    with pytest.raises(DataError) as info:
        chipledger.validate()
    assert re.search(match, str(info.value)), str(info.value)
    return str(info.value)


def descriptor(ledger) -> dict:
    return json.loads((ledger.folder / "datapackage.json").read_text(encoding="utf-8"))


def write_descriptor(ledger, value) -> None:
    (ledger.folder / "datapackage.json").write_text(json.dumps(value), encoding="utf-8")


# --- the ledger ------------------------------------------------------------------------------------

@pytest.mark.parametrize("period", ["FY0000", "FY9999Q4"])
def test_a_fiscal_year_out_of_range_is_refused(ledger, period):
    line = ledger.find_line("financials", company="NVIDIA", metric="revenue", fiscal_period="FY2026Q3", preferred="true")
    ledger.set_cell("financials", line, "fiscal_period", period)
    refused(re.escape(f"financials.csv, line {line}, column 'fiscal_period': value {period!r}") + ".*outside 1990-2100")


@pytest.mark.parametrize("damage, message", [
    (lambda d: [], r"\(top level\): value of type list is not an object"),
    (lambda d: {**d, "resources": {"a": 1}}, r"resources: value \{'a': 1\} is not a non-empty list"),
    (lambda d: {**d, "resources": [{k: v for k, v in d["resources"][0].items() if k != "path"}, *d["resources"][1:]]},
     r"resources\[0\]\.path: value None is not the name of a \.csv file"),
    (lambda d: {**d, "resources": [d["resources"][0], {k: v for k, v in d["resources"][1].items() if k != "schema"},
                                   *d["resources"][2:]]}, r"resources\[1\]\.schema: value None is not an object"),
    (lambda d: {**d, "resources": [d["resources"][0], {**d["resources"][1], "path": "/etc/passwd"}, *d["resources"][2:]]},
     r"resources\[1\]\.path: value '/etc/passwd' is outside the ledger folder"),
    (lambda d: {**d, "resources": [d["resources"][0], {**d["resources"][1], "path": "../../etc/hostname"},
                                   *d["resources"][2:]]}, r"resources\[1\]\.path: value '\.\./\.\./etc/hostname' is outside"),
    (lambda d: {**d, "resources": [{**d["resources"][0], "schema": {"fields": [{"name": "x", "type": "blob"}]}},
                                   *d["resources"][1:]]}, r"resources\[0\]\.schema\.fields\[0\]\.type: value 'blob'"),
])
def test_a_descriptor_of_the_wrong_shape_is_refused_with_its_json_path(ledger, damage, message):
    write_descriptor(ledger, damage(descriptor(ledger)))
    refused(re.escape(str(ledger.folder / "datapackage.json")) + ": " + message)


def test_a_descriptor_that_is_not_utf8_names_the_line_of_the_bad_byte(ledger):
    path = ledger.folder / "datapackage.json"
    text = path.read_bytes()
    at = text.index(b"Trainium")
    path.write_bytes(text[:at] + b"Tr\xe4inium" + text[at + len(b"Trainium"):])
    line = text.count(b"\n", 0, at) + 1
    refused(re.escape(f"{path}, line {line}, column ") + r"\d+: byte 0xe4 is not UTF-8")


def test_a_table_that_is_not_utf8_names_the_line(ledger):
    path = ledger.path("claims")
    text = path.read_bytes()
    at = text.index(b"OpenAI")
    path.write_bytes(text[:at] + b"\xff" + text[at + 1:])
    line = text.count(b"\n", 0, at) + 1
    refused(re.escape(f"{path}, line {line}, column ") + r"\d+: byte 0xff is not UTF-8")


@pytest.mark.parametrize("table, match, column, value, rule", [
    ("systems", {"system_id": "trn2.48xlarge"}, "chips", "１６", "is not a plain whole number"),
    ("prices", {"system_id": "p5.48xlarge"}, "usd_per_hour", "٣", "is not a plain number"),
    ("prices", {"system_id": "p5.48xlarge"}, "usd_per_hour", "1_000", "is not a plain number"),
    ("claims", {"claim_id": "openai-50b-deal"}, "claim_id", "openai-50b-deal\n", "does not match the pattern"),
    ("claims", {"claim_id": "openai-50b-deal"}, "notebook", "01_market.ipynb\n", "does not match the pattern"),
    ("prices", {"system_id": "p5.48xlarge"}, "effective", "2024-1-5", "is not a date written YYYY-MM-DD"),
    ("claims", {"claim_id": "openai-50b-deal"}, "quote", "   ", "is blank but required"),
    ("claims", {"claim_id": "openai-50b-deal"}, "quote", "a\x00b", r"holds a control character \(U\+0000\)"),
    ("prices", {"system_id": "p5.48xlarge"}, "usd_per_hour", "1e300", "is outside the plausible range"),
    ("chip_specs", {"chip_id": "h100-sxm", "metric": "peak_flops", "value": "3958"}, "unit", "EFLOPS",
     "is outside the plausible range"),
    ("financials", {"company": "NVIDIA", "fiscal_period": "FY2026Q3", "metric": "revenue"}, "value", "-57.0",
     "is outside the plausible range"),
])
def test_a_hostile_cell_is_refused_and_what_validates_loads(ledger, table, match, column, value, rule):
    line = ledger.find_line(table, **match)
    ledger.set_cell(table, line, column, value)
    column_in_message = "value" if column == "unit" else column
    message = refused(re.escape(f"{ledger.path(table)}, line {line}, column {column_in_message!r}"))
    assert re.search(rule, message), message


def test_a_file_cut_inside_its_last_quoted_field_is_refused(ledger):
    path = ledger.path("chip_specs")
    text = path.read_bytes()
    cut = text.rfind(b'"', 0, len(text) - 5) - 20
    path.write_bytes(text[:cut])
    refused(re.escape(str(path)) + r", line \d+: the file ends inside a quoted field")


def test_an_empty_chipledger_data_is_an_error_not_a_fall_back(monkeypatch):
    monkeypatch.setenv("CHIPLEDGER_DATA", "")
    with pytest.raises(DataError, match="CHIPLEDGER_DATA is set but empty"):
        chipledger.validate()
    done = subprocess.run([sys.executable, "-m", "chipledger.cli", "validate"], capture_output=True, text=True,
                          env={**os.environ, "CHIPLEDGER_DATA": ""})
    assert done.returncode == 1 and "CHIPLEDGER_DATA is set but empty" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("arguments, message", [
    (["refresh", "aws-prices", "--timeout", "-1"], "value '-1' is not in (0, 3600] seconds"),
    (["refresh", "sec", "--timeout", "nan"], "value 'nan' is not in (0, 3600] seconds"),
    (["refresh", "aws-prices", "--history", "-2"], "value '-2' is not a whole number from 0 to 100"),
])
def test_command_line_arguments_are_checked(arguments, message):
    done = subprocess.run([sys.executable, "-m", "chipledger.cli", *arguments], capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_the_readme_claims_table_escapes_what_it_takes_from_data(ledger):
    line = ledger.find_line("claims", claim_id="openai-50b-deal")
    ledger.set_cell("claims", line, "quote", "a | b\nc <script>alert(1)</script> & d")
    table = report.claims_markdown()
    row = next(r for r in table.splitlines() if "alert" in r)
    assert "a \\| b c &lt;script&gt;alert(1)&lt;/script&gt; &amp; d" in row
    assert row.count("|") - row.count("\\|") == 6  # five cells, no extra column


# --- the refreshes ---------------------------------------------------------------------------------

def fetcher(tmp_path) -> refresh.Fetcher:
    return refresh.Fetcher(cache=tmp_path / "cache", progress=False, timeout_s=5, backoff_s=0.01)


def offer_file(tmp_path, change=None) -> Path:
    document = make_price_fixtures.offer(2, filler=2)
    if change:
        change(document)
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def first_wanted(document) -> str:
    return next(sku for sku, p in document["products"].items()
                if p["attributes"]["instanceType"] == "p5.48xlarge" and p["attributes"]["operatingSystem"] == "Linux"
                and p["attributes"]["tenancy"] == "Shared" and p["attributes"]["preInstalledSw"] == "NA"
                and p["attributes"]["capacitystatus"] == "Used" and p["attributes"].get("marketoption") == "OnDemand")


def set_price(document, value) -> None:
    sku = first_wanted(document)
    for term in document["terms"]["OnDemand"][sku].values():
        for dimension in term["priceDimensions"].values():
            dimension["pricePerUnit"]["USD"] = value


def test_a_term_of_the_wrong_shape_names_the_json_path(ledger, tmp_path):
    before = fingerprint(ledger.folder)
    path = offer_file(tmp_path, lambda d: d["terms"]["OnDemand"].__setitem__(first_wanted(d), None))
    with pytest.raises(refresh.RefreshError, match=r"terms\.OnDemand\.[0-9A-F]+: value None is not an object"):
        refresh.refresh_aws_prices(None, str(path), fetcher=fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


@pytest.mark.parametrize("change, message", [
    (lambda d: d["products"].__setitem__(first_wanted(d), {**d["products"][first_wanted(d)], "attributes": None}),
     r"products\.[0-9A-F]+\.attributes: value None is not an object"),
    (lambda d: d["products"].__setitem__("X1", "a string"), r"products\.X1: value 'a string' is not an object"),
])
def test_a_product_of_the_wrong_shape_is_refused_where_it_is_read(ledger, tmp_path, change, message):
    path = offer_file(tmp_path, change)
    with pytest.raises(refresh.RefreshError, match=message):
        refresh.parse_offer(path, fast=False)  # the stream parser reads every product
    # the fast path reads only the products that name an accelerator instance: this one names none
    header, rows = refresh.parse_offer(path)
    assert {r.instance_type for r in rows} <= {r.instance_type for r in refresh.parse_offer(offer_file(tmp_path))[1]}


@pytest.mark.parametrize("value", ["abc", "-5", None, "1e300", "nan"])
def test_a_bad_price_is_a_counted_skip_never_a_silent_one(ledger, tmp_path, value):
    path = offer_file(tmp_path, lambda d: set_price(d, value))
    summary = refresh.refresh_aws_prices(None, str(path), fetcher=fetcher(tmp_path))
    skipped = [line for line in summary.lines() if line.startswith("skipped 1 price terms")]
    assert skipped and repr(value) in skipped[0] and "pricePerUnit.USD" in skipped[0]
    prices = chipledger.load("prices")
    assert prices["usd_per_hour"].max() < 1e5


def test_an_offer_in_which_every_price_is_bad_fails_and_says_why(ledger, tmp_path):
    def all_bad(document):
        for terms in document["terms"]["OnDemand"].values():
            for term in terms.values():
                for dimension in term["priceDimensions"].values():
                    dimension["pricePerUnit"]["USD"] = "abc"
        document["terms"]["Reserved"] = {}
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match=r"no accelerator prices matched.*skipped \d+ price terms"):
        refresh.refresh_aws_prices(None, str(offer_file(tmp_path, all_bad)), fetcher=fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


def test_a_region_asked_for_must_be_the_region_read(ledger, tmp_path):
    path = offer_file(tmp_path)
    with pytest.raises(refresh.RefreshError, match=r"an offer file of region us-east-1, but --region asked for xx-nowhere-9"):
        refresh.refresh_aws_prices(["xx-nowhere-9"], str(path), fetcher=fetcher(tmp_path))


DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 KB


def test_deep_nesting_is_refused_in_every_reader(ledger, tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    for call in (lambda: refresh.refresh_aws_prices(None, str(path), fetcher=fetcher(tmp_path)),
                 lambda: mlperf.refresh_mlperf(str(path), fetcher(tmp_path)),
                 lambda: guard.load_json(path, "region index")):
        with pytest.raises(refresh.RefreshError, match="nested deeper than 64 levels"):
            call()
    region_index = tmp_path / "regions.json"
    region_index.write_bytes(b'{"regions": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001)
    with pytest.raises(refresh.RefreshError, match="nested deeper than 64 levels"):
        refresh.refresh_aws_prices(None, str(region_index), fetcher=fetcher(tmp_path))


def test_a_200_kb_hostile_json_stays_under_200_mb(tmp_path):
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP)
    code = ("import resource, sys\nfrom chipledger import refresh\nfrom chipledger.refresh import guard\n"
            "try:\n    guard.load_json(__import__('pathlib').Path(sys.argv[1]), 'x')\nexcept refresh.RefreshError:\n    pass\n"
            "for kind in ('aws',):\n    try:\n        refresh.refresh_aws_prices(None, sys.argv[1], fetcher=refresh.Fetcher("
            "cache=__import__('pathlib').Path(sys.argv[2]), progress=False))\n    except refresh.RefreshError:\n        pass\n"
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(tmp_path / "cache")], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "CHIPLEDGER_DATA": str(REPO / "data")})
    assert done.returncode == 0, done.stderr
    # VmHWM: the peak resident set of this program (ru_maxrss would carry the forking parent's over exec)
    assert int(done.stdout.strip().splitlines()[-1]) < 200 * 1024  # in kB


def companyfacts() -> dict:
    fact = {"start": "2025-07-28", "end": "2025-10-26", "val": 57006000000, "accn": "0001045810-25-000230",
            "fy": 2026, "fp": "Q3", "form": "10-Q", "filed": "2025-11-19", "frame": "CY2025Q3"}
    return {"cik": 1045810, "entityName": "NVIDIA", "facts": {"us-gaap": {"Revenues": {"label": "Revenues",
            "units": {"USD": [fact]}}}}}


@pytest.mark.parametrize("damage, message", [
    (lambda d: d["facts"].__setitem__("us-gaap", []), r"facts\.us-gaap: value \[\] is not an object"),
    (lambda d: d["facts"]["us-gaap"].__setitem__("Revenues", "x"), r"facts\.us-gaap\.Revenues: value 'x' is not an object"),
    (lambda d: d["facts"]["us-gaap"]["Revenues"].__setitem__("units", []), r"Revenues\.units: value \[\] is not an object"),
    (lambda d: d["facts"]["us-gaap"]["Revenues"]["units"].__setitem__("USD", {}), r"units\.USD: value \{\} is not a list"),
    (lambda d: d["facts"]["us-gaap"]["Revenues"]["units"]["USD"].__setitem__(0, "fact"), r"USD\[0\]: value 'fact'"),
])
def test_companyfacts_of_the_wrong_shape_name_the_json_path(damage, message):
    document = companyfacts()
    damage(document)
    with pytest.raises(refresh.RefreshError, match=message):
        sec.sec_rows("NVIDIA", "revenue", document["facts"]["us-gaap"] if isinstance(document["facts"]["us-gaap"], dict)
                     else guard.expect(document["facts"]["us-gaap"], dict, "CIK0001045810.json", "facts.us-gaap"),
                     "CIK0001045810.json")


@pytest.mark.parametrize("key, value, reason", [
    ("val", "57006000000", "val not a number"), ("val", -1, "val negative"), ("val", None, "val not a number"),
    ("end", None, "end not a date"), ("start", "2025-13-45", "start not a date"), ("accn", None, "accn not an accession"),
    ("filed", "yesterday", "filed not a date"),
])
def test_a_bad_fact_is_a_counted_skip(key, value, reason):
    document = companyfacts()
    fact = document["facts"]["us-gaap"]["Revenues"]["units"]["USD"][0]
    if value is None:
        del fact[key]
    else:
        fact[key] = value
    skips = guard.Skips()
    assert sec.sec_rows("NVIDIA", "revenue", document["facts"]["us-gaap"], "CIK0001045810.json", skips) == []
    assert len(skips) == 1 and any(reason in line for line in skips.lines("facts"))


# --- fuzz ------------------------------------------------------------------------------------------

HOSTILE_CELLS = ["", " ", "\n", "x\n", "１", "٣", "1_0", "1e999", "-0", "NaN", "inf", "2024-13-01", "2024-1-5",
                 "true ", "\x00", "a\x07b", '"', "'", "FY0000", "FY2026Q9", "../../etc/passwd", "é", "0x10",
                 "9" * 40, "<script>", "a,b", "None"]


def test_fuzz_the_ledger_never_ends_in_anything_but_a_data_error(ledger):
    """Seeded random damage across every table: validate either passes and then every table loads,
    or raises a DataError naming the damaged file; never any other exception."""
    rng = random.Random(20260322)
    pristine = {name: ledger.rows(name) for name in chipledger.data.row_counts()}
    for _ in range(10):
        table = rng.choice(sorted(pristine))
        rows = copy.deepcopy(pristine[table])
        for _ in range(rng.randint(1, 3)):
            kind = rng.random()
            if kind < 0.7 and len(rows) > 1:
                row = rng.randrange(1, len(rows))
                rows[row][rng.randrange(len(rows[row]))] = rng.choice(HOSTILE_CELLS)
            elif kind < 0.85:
                rows.insert(rng.randrange(1, len(rows) + 1), rows[rng.randrange(1, len(rows))][:-1])  # a short row
            else:
                rows[0][rng.randrange(len(rows[0]))] = rng.choice(["", "extra", rows[0][0]])
        ledger.write_rows(table, rows)
        try:
            chipledger.validate()
            for name in pristine:
                chipledger.load(name)
        except DataError as error:
            assert str(ledger.path(table)) in str(error) or "datapackage.json" in str(error), str(error)
        ledger.write_rows(table, pristine[table])


def hostile_json(rng: random.Random, depth: int = 0):
    choice = rng.random()
    if depth > 6 or choice < 0.35:
        return rng.choice([None, True, -1, 0, 1e308, "x", "", "abc", "2025-13-45", [], {}, "1e300", -5.5])
    if choice < 0.65:
        return [hostile_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    keys = ["products", "terms", "OnDemand", "attributes", "priceDimensions", "pricePerUnit", "USD", "version",
            "publicationDate", "regions", "item", "Model", "a#", "Nodes", "facts", "us-gaap", "units", "val"]
    return {rng.choice(keys): hostile_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_fuzz_the_refresh_parsers_refuse_cleanly(ledger, tmp_path):
    """Seeded hostile documents through the three parsers: a result or a RefreshError, nothing else;
    data/ is never touched by a parser."""
    rng = random.Random(20260322)
    before = fingerprint(ledger.folder)
    base = make_price_fixtures.offer(2, filler=1)
    for n in range(120):
        path = tmp_path / f"doc{n}.json"
        if n % 3 == 0:  # a real offer with one part replaced by junk
            document = copy.deepcopy(base)
            section = rng.choice(["products", "terms"])
            target = document[section]
            for _ in range(rng.randint(1, 3)):
                if isinstance(target, dict) and target:
                    key = rng.choice(sorted(target))
                    if rng.random() < 0.5:
                        target[key] = hostile_json(rng)
                        break
                    target = target[key]
            text = json.dumps(document)
        else:
            text = json.dumps(hostile_json(rng))
        if n % 7 == 0:
            text = text[: rng.randrange(len(text) + 1)]  # a truncated download
        path.write_text(text, encoding="utf-8")
        for parse in (lambda: refresh.parse_offer(path), lambda: mlperf.parse_results(path),
                      lambda: sec.sec_rows("NVIDIA", "revenue", guard.expect(guard.load_json(path, "facts").get("us-gaap", {}),
                                                                              dict, str(path), "us-gaap"), str(path))):
            try:
                parse()
            except refresh.RefreshError:
                pass
    assert fingerprint(ledger.folder) == before
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
