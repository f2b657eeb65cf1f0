"""`chipledger refresh` against a real HTTP server on loopback serving fixture files in the real
formats (tests/make_price_fixtures.py, tests/make_sec_fixtures.py). No test reaches the internet."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import make_price_fixtures
import make_sec_fixtures
import pytest
from werkzeug.wrappers import Response

import chipledger
from chipledger import costs, refresh, units

INDEX = "/offers/v1.0/aws/index.json"


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def tree(tmp_path) -> dict[str, Path]:
    return make_price_fixtures.write_fixture_tree(tmp_path / "tree")


@pytest.fixture
def server(httpserver, tree):
    for url_path, path in tree.items():
        httpserver.expect_request(url_path).respond_with_data(path.read_bytes(), content_type="application/json")
    return httpserver


def fetcher(tmp_path, **options) -> refresh.Fetcher:
    return refresh.Fetcher(cache=tmp_path / "cache", progress=False, **{"timeout_s": 5, "backoff_s": 0.01, **options})


def on_demand(system_id: str, source_prefix: str = "aws-price-list-"):
    prices = chipledger.load("prices")
    return prices[(prices["system_id"] == system_id) & (prices["pricing"] == "on_demand")
                  & prices["source_id"].str.startswith(source_prefix)]


# --- AWS prices ----------------------------------------------------------------------------------

def test_refresh_follows_the_indexes_and_keeps_only_the_plain_linux_price(ledger, server, tmp_path):
    summary = refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    current = make_price_fixtures.VERSIONS[-1]
    assert summary.added == len(make_price_fixtures.PRICES) + len(make_price_fixtures.RESERVED_3YR_NO_UPFRONT)
    for system_id, prices in make_price_fixtures.PRICES.items():
        rows = on_demand(system_id)
        assert len(rows) == 1  # Windows, RHEL, dedicated, SQL, reservation and capacity-block rows skipped
        assert rows["usd_per_hour"].item() == float(prices[-1])
        assert rows["source_id"].item() == f"aws-price-list-ec2-us-east-1-{current}"
    reserved = chipledger.load("prices").query(
        "pricing == 'reserved_3yr' and system_id == 'p5.48xlarge' and source_id.str.startswith('aws-price-list-')")
    assert reserved["usd_per_hour"].tolist() == [float(make_price_fixtures.RESERVED_3YR_NO_UPFRONT["p5.48xlarge"])]
    source = chipledger.load("sources").set_index("source_id").loc[f"aws-price-list-ec2-us-east-1-{current}"]
    assert source["published"].strftime("%Y%m%d") == current[:8] and source["kind"] == "official"


def test_a_second_run_changes_nothing(ledger, server, tmp_path):
    refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    before = fingerprint(ledger.folder)
    summary = refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    assert (summary.added, summary.changed) == (0, 0) and summary.unchanged > 0
    assert fingerprint(ledger.folder) == before


def test_history_adds_the_earlier_versions(ledger, server, tmp_path):
    refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), history=2, fetcher=fetcher(tmp_path))
    rows = on_demand("p5.48xlarge").sort_values("effective")
    assert rows["usd_per_hour"].tolist() == [float(p) for p in make_price_fixtures.PRICES["p5.48xlarge"]]
    assert len(on_demand("p6-b200.48xlarge")) == 2  # not offered in the oldest version


def test_hand_entered_rows_are_kept_and_disagreements_reported(ledger, server, tmp_path):
    hand = chipledger.load("prices")
    hand = hand[~hand["source_id"].str.startswith("aws-price-list-")]
    refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), history=2, fetcher=fetcher(tmp_path))
    after = chipledger.load("prices")
    kept = after[~after["source_id"].str.startswith("aws-price-list-")].reset_index(drop=True)
    assert kept.equals(hand.reset_index(drop=True))


def test_a_local_offer_file_needs_no_network(ledger, tree, tmp_path):
    offer = next(p for u, p in tree.items() if u.endswith("us-west-2/index.json") and make_price_fixtures.VERSIONS[-1] in u)
    summary = refresh.refresh_aws_prices(["us-west-2"], str(offer), fetcher=fetcher(tmp_path))
    assert summary.added > 0
    assert set(chipledger.load("prices").query("source_id.str.startswith('aws-price-list-')")["region"]) == {"us-west-2"}


def test_the_cost_notebook_sees_the_refreshed_prices(ledger, server, tmp_path):
    refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    latest = costs.latest("on_demand")
    assert latest.at["p5.48xlarge", "source_id"].startswith("aws-price-list-")


def test_the_command_line_refreshes_and_reports(ledger, server, tmp_path, monkeypatch):
    monkeypatch.setenv("CHIPLEDGER_CACHE", str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "chipledger.cli", "refresh", "aws-prices", "--source",
                             server.url_for(INDEX), "--timeout", "5"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "rows added 5, changed 0, unchanged 0" in result.stdout


# --- failures leave data/ untouched ---------------------------------------------------------------

def refused(ledger, tmp_path, source: str, match: str, **options) -> None:
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match=match):
        refresh.refresh_aws_prices(["us-east-1"], source, fetcher=fetcher(tmp_path, **options))
    assert fingerprint(ledger.folder) == before


def test_dns_failure(ledger, tmp_path, monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    refused(ledger, tmp_path, "http://pricing.example.invalid/offers/v1.0/aws/index.json",
            "cannot resolve host 'pricing.example.invalid' .no network or DNS failure")


def test_no_server_listening(ledger, tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused(ledger, tmp_path, f"http://127.0.0.1:{port}{INDEX}", "cannot connect")


def test_timeout(ledger, httpserver, tmp_path):
    def slow(request):
        time.sleep(0.6)
        return Response("{}")
    httpserver.expect_request(INDEX).respond_with_handler(slow)
    refused(ledger, tmp_path, httpserver.url_for(INDEX), r"timed out after 0.3 s .gave up after 2 attempts",
            timeout_s=0.3, retries=1)
    deadline = time.monotonic() + 10  # let the server finish both slow answers before the next test
    while len(httpserver.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize("status, match", [(403, "HTTP 403: access refused"), (404, "HTTP 404: not found")])
def test_refused_and_missing_are_not_retried(ledger, httpserver, tmp_path, status, match):
    httpserver.expect_request(INDEX).respond_with_data("no", status=status)
    refused(ledger, tmp_path, httpserver.url_for(INDEX), match, retries=3)
    assert sum(1 for _, response in httpserver.log if response.status_code == status) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_busy_and_server_errors_are_retried_then_given_up(ledger, httpserver, tmp_path, status):
    httpserver.expect_request(INDEX).respond_with_data("busy", status=status)
    refused(ledger, tmp_path, httpserver.url_for(INDEX), f"HTTP {status}.*gave up after 3 attempts", retries=2)
    assert sum(1 for _, response in httpserver.log if response.status_code == status) == 3


def test_a_retry_after_a_429_can_succeed(ledger, httpserver, tree, tmp_path):
    calls = []

    def flaky(request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "0"})
        return Response(tree[INDEX].read_bytes(), content_type="application/json")
    httpserver.expect_request(INDEX).respond_with_handler(flaky)
    for url_path, path in tree.items():
        if url_path != INDEX:
            httpserver.expect_request(url_path).respond_with_data(path.read_bytes())
    summary = refresh.refresh_aws_prices(["us-east-1"], httpserver.url_for(INDEX), fetcher=fetcher(tmp_path))
    assert summary.added > 0 and len(calls) == 2


def test_truncated_download(ledger, tmp_path):
    """A server on loopback that promises 5,000 bytes and hangs up after 12 (werkzeug would fix the
    length, so this one speaks HTTP over a bare socket)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve_once():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 5000\r\nConnection: close\r\n\r\n" + b'{"offers": {')
        listener.close()

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    refused(ledger, tmp_path, f"http://127.0.0.1:{port}{INDEX}", "(truncated download|broke off)")
    thread.join(timeout=5)


def test_invalid_json(ledger, httpserver, tmp_path):
    httpserver.expect_request(INDEX).respond_with_data("<html>not json</html>")
    refused(ledger, tmp_path, httpserver.url_for(INDEX), "invalid JSON")


def test_a_missing_key_in_the_format(ledger, httpserver, tree, tmp_path):
    index = json.loads(tree[INDEX].read_text())
    del index["offers"]["AmazonEC2"]["currentRegionIndexUrl"]
    httpserver.expect_request(INDEX).respond_with_json(index)
    refused(ledger, tmp_path, httpserver.url_for(INDEX), "expected key 'currentRegionIndexUrl' is missing")


def test_a_filter_that_matches_nothing(ledger, tmp_path):
    offer = make_price_fixtures.offer(2)
    offer["products"] = {s: p for s, p in offer["products"].items() if p["attributes"]["instanceType"].startswith("m5")}
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer))
    refused(ledger, tmp_path, str(path), "no accelerator prices matched")


def test_an_unknown_region(ledger, server, tmp_path):
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match="region 'xx-nowhere-9' is not in the region index"):
        refresh.refresh_aws_prices(["xx-nowhere-9"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    with pytest.raises(refresh.RefreshError, match="--region: value 'mars-north-1' is not an AWS region code"):
        refresh.refresh_aws_prices(["mars-north-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


# --- every region ----------------------------------------------------------------------------------

def test_every_region_one_file_at_a_time_and_the_cache_emptied(ledger, server, tmp_path):
    summary = refresh.refresh_aws_prices(["all"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    prices = chipledger.load("prices")
    ours = prices[prices["source_id"].str.startswith("aws-price-list-")]
    assert set(ours["region"]) == set(make_price_fixtures.LOCATION)
    assert any(line.startswith("read 2 offer files") for line in summary.lines())
    offers = [p.name for p in (tmp_path / "cache").iterdir() if "region_index" not in p.name and p.name.endswith("index.json")
              and "AmazonEC2_2" in p.name]
    assert offers == []  # each offer file removed once parsed


def test_every_region_can_keep_the_cache(ledger, server, tmp_path):
    refresh.refresh_aws_prices(["all"], server.url_for(INDEX), fetcher=fetcher(tmp_path), keep_cache=True)
    offers = [p.name for p in (tmp_path / "cache").iterdir() if "AmazonEC2_2" in p.name]
    assert len(offers) == len(make_price_fixtures.LOCATION)


def test_a_region_that_fails_midway_leaves_data_unchanged_and_is_named(ledger, httpserver, tree, tmp_path):
    broken = f"/offers/v1.0/aws/AmazonEC2/{make_price_fixtures.VERSIONS[-1]}/us-west-2/index.json"
    for url_path, path in tree.items():
        if url_path == broken:
            httpserver.expect_request(url_path).respond_with_data(path.read_bytes()[:5000], content_type="application/json")
        else:
            httpserver.expect_request(url_path).respond_with_data(path.read_bytes(), content_type="application/json")
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match=r"^region us-west-2: .*(cut short|invalid JSON)"):
        refresh.refresh_aws_prices(["all"], httpserver.url_for(INDEX), fetcher=fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


def test_every_region_needs_an_index(ledger, tree, tmp_path):
    offer = next(p for u, p in tree.items() if u.endswith("us-west-2/index.json"))
    with pytest.raises(refresh.RefreshError, match="--region all needs the service index or a region index"):
        refresh.refresh_aws_prices(["all"], str(offer), fetcher=fetcher(tmp_path))


def test_the_streaming_parser_reads_a_file_in_aws_pretty_layout_and_any_other(tmp_path):
    offer = make_price_fixtures.offer(2)
    aws_layout, compact = tmp_path / "aws.json", tmp_path / "compact.json"
    aws_layout.write_text(json.dumps(offer, indent=2).replace('": ', '" : '))
    compact.write_text(json.dumps(offer, separators=(",", ":")))
    assert refresh.aws._terms_offset(aws_layout) is not None and refresh.aws._terms_offset(compact) is None
    rows_a, rows_b = (sorted((r.instance_type, r.pricing, r.usd_per_hour) for r in refresh.parse_offer(p)[1])
                      for p in (aws_layout, compact))
    assert rows_a == rows_b and len(rows_a) == 5


def test_the_fast_path_finds_exactly_what_the_stream_parser_finds(tmp_path):
    """In AWS's layout the offer is scanned for accelerator products and parsed only there
    (refresh.aws_scan); everywhere else, the whole file is streamed. The two must agree row for row."""
    big = tmp_path / "big.json"
    make_price_fixtures.write_big_offer(big, 3)  # AWS's layout: two spaces a level, '"key" : value'
    cases = [big]
    for version in range(len(make_price_fixtures.VERSIONS)):
        for region in ("us-east-1", "us-west-2"):
            path = tmp_path / f"offer-{version}-{region}.json"
            path.write_text(json.dumps(make_price_fixtures.offer(version, region), indent=2), encoding="utf-8")
            cases.append(path)
    for path in cases:
        assert refresh.aws_scan.scan(path, refresh.aws.ACCELERATOR_FAMILIES, refresh.aws._terms_offset(path)) is not None, path
        fast, stream = refresh.parse_offer(path, fast=True), refresh.parse_offer(path, fast=False)
        assert fast == stream and len(fast[1]) >= 4, path


def test_the_fast_path_steps_aside_for_any_other_layout(tmp_path):
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(make_price_fixtures.offer(2), separators=(",", ":")))
    assert refresh.aws_scan.scan(compact, refresh.aws.ACCELERATOR_FAMILIES, refresh.aws._terms_offset(compact)) is None
    four = tmp_path / "four.json"  # four spaces a level: not AWS's layout
    four.write_text(json.dumps(make_price_fixtures.offer(2), indent=4))
    assert refresh.aws_scan.scan(four, refresh.aws.ACCELERATOR_FAMILIES, refresh.aws._terms_offset(four)) is None
    assert refresh.parse_offer(four) == refresh.parse_offer(four, fast=False)


# --- SEC EDGAR -----------------------------------------------------------------------------------

@pytest.fixture
def sec_server(httpserver, tmp_path):
    files = make_sec_fixtures.write(tmp_path / "sec", chipledger.load("financials"))
    for company, path in files.items():
        httpserver.expect_request(f"/api/xbrl/companyfacts/{path.name}").respond_with_data(path.read_bytes())
    return httpserver


def test_sec_needs_a_user_agent(ledger, sec_server, tmp_path, monkeypatch):
    monkeypatch.delenv("SEC_USER_AGENT", raising=False)
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match="SEC_USER_AGENT is not set"):
        refresh.refresh_sec(sec_server.url_for("/api/xbrl/companyfacts/"))
    assert fingerprint(ledger.folder) == before


def test_sec_refresh_adds_quarters_derives_q4_and_keeps_hand_rows(ledger, sec_server, tmp_path, monkeypatch):
    monkeypatch.setenv("SEC_USER_AGENT", "chipledger tests tests@example.org")
    hand = chipledger.load("financials")
    summary = refresh.refresh_sec(sec_server.url_for("/api/xbrl/companyfacts/"), fetcher=fetcher(tmp_path))
    after = chipledger.load("financials")
    sec = after[after["source_id"].str.startswith("sec-")]
    nvidia = sec[(sec["company"] == "NVIDIA") & (sec["metric"] == "revenue")].set_index("fiscal_period")
    assert nvidia.at["FY2025Q4", "basis"] == "derived"  # the year minus nine months
    year = hand.query("company == 'NVIDIA' and metric == 'revenue' and fiscal_period == 'FY2025' and preferred")
    year_usd = units.to_si(year["value"].item(), year["unit"].item())
    assert nvidia.at["FY2025Q4", "value"] == pytest.approx(
        year_usd - nvidia.loc[["FY2025Q1", "FY2025Q2", "FY2025Q3"], "value"].sum())
    assert nvidia.index.is_unique  # the comparatives of later filings were dropped
    capex = sec[sec["metric"] == "purchases_of_property_and_equipment"].set_index("fiscal_period")
    assert capex.at["FY2025Q2", "basis"] == "derived"  # six months minus the first quarter
    assert not sec[sec["fiscal_period"].isin(hand.query("preferred")["fiscal_period"])
                   & sec["preferred"]].merge(hand.query("preferred"), on=["company", "metric", "fiscal_period"]).shape[0]
    assert summary.added == len(sec) and after.merge(hand, how="inner").shape[0] == len(hand)
    assert sec["source_id"].isin(chipledger.load("sources")["source_id"]).all()


def test_a_second_sec_run_changes_nothing(ledger, sec_server, tmp_path, monkeypatch):
    monkeypatch.setenv("SEC_USER_AGENT", "chipledger tests tests@example.org")
    source = sec_server.url_for("/api/xbrl/companyfacts/")
    refresh.refresh_sec(source, fetcher=fetcher(tmp_path))
    before = fingerprint(ledger.folder)
    summary = refresh.refresh_sec(source, fetcher=fetcher(tmp_path))
    assert (summary.added, summary.changed) == (0, 0) and summary.unchanged > 0
    assert fingerprint(ledger.folder) == before


def test_a_later_filing_replaces_the_refreshed_row_of_a_period(ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("SEC_USER_AGENT", "chipledger tests tests@example.org")
    early = make_sec_fixtures.write(tmp_path / "early", chipledger.load("financials"), comparatives=False)
    refresh.refresh_sec(str(early["NVIDIA"].parent), fetcher=fetcher(tmp_path))
    first = chipledger.load("financials").query("source_id.str.startswith('sec-')")
    late = make_sec_fixtures.write(tmp_path / "late", chipledger.load("financials"))
    summary = refresh.refresh_sec(str(late["NVIDIA"].parent), fetcher=fetcher(tmp_path))
    second = chipledger.load("financials").query("source_id.str.startswith('sec-')")
    assert summary.changed > 0 and summary.added == 0
    assert len(second) == len(first)  # one refreshed row per period, from its latest filing
    assert not second.duplicated(["company", "metric", "fiscal_period", "unit"]).any()


def test_a_write_that_fails_halfway_restores_data(ledger, server, tmp_path, monkeypatch):
    from chipledger import files

    real = files.replace_atomically
    calls = []

    def disk_full_on_the_second_file(path, content):
        calls.append(path.name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, content)
    monkeypatch.setattr(refresh.merge, "replace_atomically", disk_full_on_the_second_file)
    before = fingerprint(ledger.folder)
    with pytest.raises(refresh.RefreshError, match="No space left on device.*restored"):
        refresh.refresh_aws_prices(["us-east-1"], server.url_for(INDEX), fetcher=fetcher(tmp_path))
    assert fingerprint(ledger.folder) == before


def test_a_connection_closed_without_an_answer_is_retried_then_reported(ledger, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]

    def hang_up(times):
        for _ in range(times):
            connection, _ = listener.accept()
            connection.recv(65536)
            connection.close()
        listener.close()

    thread = threading.Thread(target=hang_up, args=(2,), daemon=True)
    thread.start()
    refused(ledger, tmp_path, f"http://127.0.0.1:{port}{INDEX}", "closed the connection.*gave up after 2", retries=1)
    thread.join(timeout=5)


def test_sec_disagreements_are_reported_not_written(ledger, tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("SEC_USER_AGENT", "chipledger tests tests@example.org")
    files = make_sec_fixtures.write(tmp_path / "sec", chipledger.load("financials"))
    facts = json.loads(files["NVIDIA"].read_text())
    first = facts["facts"]["us-gaap"]["Revenues"]["units"]["USD"][0]
    first["val"] = int(first["val"] * 1.1)
    files["NVIDIA"].write_text(json.dumps(facts))
    summary = refresh.refresh_sec(str(tmp_path / "sec"), fetcher=fetcher(tmp_path))
    assert any("NVIDIA revenue" in line for line in summary.disagreements)
    hand = chipledger.load("financials").query("not source_id.str.startswith('sec-')")
    assert len(hand) > 100


def test_requests_are_spaced_at_most_ten_a_second(httpserver, tmp_path):
    httpserver.expect_request("/x").respond_with_data("{}")
    getter = fetcher(tmp_path, max_per_second=10)
    started = time.monotonic()
    for _ in range(4):
        getter.get(httpserver.url_for("/x"))
    assert time.monotonic() - started >= 0.3
