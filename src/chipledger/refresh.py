"""`chipledger refresh`: pull AWS prices and SEC EDGAR figures into the ledger.

Both refreshes download into a cache folder, parse, and merge their rows into data/ only after the
whole new ledger has passed validation in a scratch copy; on any failure data/ is left byte for byte
as it was. Rows a refresh wrote are recognised by their source_id (aws-price-list-..., sec-...); rows
entered by hand are never deleted or overwritten. A second run on the same inputs changes nothing.

AWS Price List Bulk API: service index -> AmazonEC2 region index -> one region's offer file (hundreds
of MB), parsed as a stream with ijson. SEC EDGAR: companyfacts JSON of NVIDIA and Amazon.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import io
import json
import os
import re
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from tqdm import tqdm

from . import fiscal
from .files import replace_atomically

# pandas and the ledger (chipledger.data) are imported where rows are merged, not at import: the
# streaming parser of a price-list file runs without them, in a few tens of MB.

AWS_PRICING = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json"
SEC_COMPANYFACTS = "https://data.sec.gov/api/xbrl/companyfacts/"
COMPANIES = {"NVIDIA": "0001045810", "Amazon": "0001018724"}
ACCELERATOR_FAMILIES = ("trn", "inf", "p4", "p5", "p6")
PRICE_SOURCE_PREFIX = "aws-price-list-"
SEC_SOURCE_PREFIX = "sec-"


class RefreshError(RuntimeError):
    """A refresh could not finish; data/ is unchanged. The message says what failed and where."""


# --- HTTP: downloads with retries, backoff and a cache ---------------------------------------------

@dataclass
class Fetcher:
    """Downloads URLs (or copies local files) into a cache folder.

    Retries timeouts, HTTP 429 and 5xx with exponential backoff (Retry-After is honoured); refuses
    403 and 404 at once; detects truncated downloads by Content-Length; keeps requests at most
    `max_per_second` apart. `headers` go with every request (the SEC wants a User-Agent with contact).
    """

    cache: Path
    timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 1.0
    max_per_second: float = 10.0
    headers: dict[str, str] = field(default_factory=dict)
    progress: bool = True
    _last_request: float = 0.0

    def get(self, source: str) -> Path:
        """The local path of `source` (a URL, fetched into the cache, or a local file)."""
        if not urllib.parse.urlsplit(source).scheme in ("http", "https"):
            path = Path(source)
            if not path.is_file():
                raise RefreshError(f"{source}: no such file")
            return path
        target = self.cache / _cache_name(source)
        self.cache.mkdir(parents=True, exist_ok=True)
        for attempt in range(self.retries + 1):
            try:
                self._download(source, target)
                return target
            except _Retryable as error:
                if attempt == self.retries:
                    raise RefreshError(f"{source}: {error} (gave up after {self.retries + 1} attempts)") from None
                time.sleep(error.wait_s if error.wait_s is not None else self.backoff_s * 2**attempt)
        raise AssertionError("unreachable")

    def _download(self, url: str, target: Path) -> None:
        wait = self._last_request + 1.0 / self.max_per_second - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_request = time.monotonic()
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity", **self.headers})
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise _Retryable(f"HTTP {error.code} {error.reason}", _retry_after(error.headers)) from None
            hint = {403: "access refused (for the SEC: is SEC_USER_AGENT a real contact?)",
                    404: "not found (is the URL right?)"}.get(error.code, error.reason)
            raise RefreshError(f"{url}: HTTP {error.code}: {hint}") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Retryable(f"timed out after {self.timeout_s:g} s", None) from None
            if isinstance(reason, socket.gaierror):
                raise RefreshError(f"{url}: cannot resolve host {urllib.parse.urlsplit(url).hostname!r} "
                                   f"(no network or DNS failure: {reason})") from None
            raise RefreshError(f"{url}: cannot connect ({reason})") from None
        except (TimeoutError, socket.timeout):
            raise _Retryable(f"timed out after {self.timeout_s:g} s", None) from None
        except (ConnectionResetError, http.client.RemoteDisconnected):
            raise _Retryable("the server closed the connection without answering", None) from None
        expected = response.headers.get("Content-Length")
        if expected is not None and not expected.isdigit():
            response.close()
            raise RefreshError(f"{url}: the server sent a malformed Content-Length {expected!r}")
        size = 0
        with response, tempfile.NamedTemporaryFile(dir=target.parent, suffix=".part", delete=False) as part:
            try:
                with tqdm(total=int(expected) if expected else None, unit="B", unit_scale=True,
                          desc=target.name[:40], disable=not self.progress, leave=False) as bar:
                    while chunk := response.read(1 << 20):
                        part.write(chunk)
                        size += len(chunk)
                        bar.update(len(chunk))
            except (TimeoutError, socket.timeout):
                os.unlink(part.name)
                raise _Retryable(f"timed out after {self.timeout_s:g} s while downloading", None) from None
            except Exception as error:  # http.client.IncompleteRead and friends
                os.unlink(part.name)
                raise RefreshError(f"{url}: download broke off after {size} bytes ({error})") from None
        if expected is not None and size != int(expected):
            os.unlink(part.name)
            raise RefreshError(f"{url}: truncated download: {size} of {expected} bytes")
        os.replace(part.name, target)


class _Retryable(Exception):
    def __init__(self, message: str, wait_s: float | None):
        super().__init__(message)
        self.wait_s = wait_s


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers else None
    if not value:
        return None
    if value.isdigit():
        return min(float(value), 60.0)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # unreadable: use our own backoff
    return max(0.0, min((parsed - dt.datetime.now(parsed.tzinfo)).total_seconds(), 60.0))


def _cache_name(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", f"{parts.netloc}{parts.path}").strip("_")


def _load_json(path: Path, what: str) -> dict:
    try:
        with path.open("rb") as handle:
            return json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RefreshError(f"{path}: invalid JSON in the {what} ({error})") from None


def _key(document: dict, path: str, where: str):
    """document[a][b]... for path 'a.b'; a clear error naming the missing key."""
    value = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise RefreshError(f"{where}: the expected key {path!r} is missing (has the format changed?)")
        value = value[part]
    return value


# --- AWS prices ----------------------------------------------------------------------------------

@dataclass
class PriceRow:
    instance_type: str
    region: str
    pricing: str
    usd_per_hour: float
    effective: str
    quote: str
    notes: str


def top_level_kind(path: Path) -> str:
    """Which Bulk API file this is, from its first top-level keys: 'service_index', 'region_index',
    'version_index' or 'offer'. Reads only the start of the file."""
    markers = {"offers": "service_index", "regions": "region_index", "versions": "version_index",
               "products": "offer", "terms": "offer"}
    try:
        with path.open("rb") as handle:
            for prefix, event, value in ijson.parse(handle):
                if prefix == "" and event == "map_key" and value in markers:
                    return markers[value]
    except ijson.JSONError as error:
        raise RefreshError(f"{path}: invalid JSON ({error})") from None
    raise RefreshError(f"{path}: not an AWS Price List file (no 'offers', 'regions', 'versions' or 'products' key)")


_TOP_LEVEL_TERMS = re.compile(rb'\n  "terms"\s*:\s*\{')


def _terms_offset(path: Path) -> int | None:
    """Byte offset of the top-level "terms" key where AWS's pretty-printing puts it (two spaces in),
    found by reading the file in chunks; None if the file is laid out otherwise."""
    with path.open("rb") as handle:
        offset, tail = 0, b""
        while chunk := handle.read(8 << 20):
            block = tail + chunk
            match = _TOP_LEVEL_TERMS.search(block)
            if match:
                return offset - len(tail) + match.start()
            tail, offset = block[-64:], offset + len(chunk)
    return None


class _Range(io.RawIOBase):
    """A read-only stream: prefix + file[start:end] + suffix, read in the caller's chunks."""

    def __init__(self, path: Path, start: int, end: int, prefix: bytes = b"", suffix: bytes = b""):
        self.handle = path.open("rb")
        self.handle.seek(start)
        self.left, self.prefix, self.suffix = end - start, prefix, suffix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        for name in ("prefix",):
            pending = getattr(self, name)
            if pending:
                n = min(len(buffer), len(pending))
                buffer[:n] = pending[:n]
                setattr(self, name, pending[n:])
                return n
        if self.left > 0:
            chunk = self.handle.read(min(len(buffer), self.left))
            self.left -= len(chunk)
            buffer[:len(chunk)] = chunk
            return len(chunk)
        n = min(len(buffer), len(self.suffix))
        buffer[:n], self.suffix = self.suffix[:n], self.suffix[n:]
        return n

    def close(self) -> None:
        self.handle.close()
        super().close()


def _offer_streams(path: Path):
    """(open products, open terms): functions giving fresh streams over the products part and the
    terms part of an offer file, each a valid JSON document, so each byte is parsed once per use;
    the whole file for both where the layout is not AWS's usual one."""
    cut = _terms_offset(path)
    if cut is None:
        return (lambda: path.open("rb")), (lambda: path.open("rb"))
    with path.open("rb") as handle:  # the products object ends just before: drop its trailing comma
        back = max(0, cut - 4096)
        handle.seek(back)
        end = back + len(handle.read(cut - back).rstrip().rstrip(b","))
    size = path.stat().st_size
    return (lambda: io.BufferedReader(_Range(path, 0, end, suffix=b"\n}"), 1 << 16),
            lambda: io.BufferedReader(_Range(path, cut, size, prefix=b"{"), 1 << 16))


def _header(stream) -> dict:
    """The scalar top-level fields before "products" (version, publicationDate, ...)."""
    header = {}
    for prefix, event, value in ijson.parse(stream):
        if prefix == "" and event == "map_key" and value == "products":
            break
        if "." not in prefix and prefix and event in ("string", "number"):
            header[prefix] = value
    return header


def parse_offer(path: Path, families: tuple[str, ...] = ACCELERATOR_FAMILIES) -> tuple[dict, list[PriceRow]]:
    """Streams one EC2 offer file: (header, rows) with the on-demand Linux, shared-tenancy,
    used-capacity, no-pre-installed-software price of each accelerator instance, and its standard
    no-upfront reserved prices. Capacity-block and capacity-reservation rows are skipped."""
    open_products, open_terms = _offer_streams(path)
    wanted: dict[str, dict] = {}
    rows: list[PriceRow] = []
    try:
        with open_products() as stream:
            header = _header(stream)
        for required in ("version", "publicationDate"):
            if required not in header:
                raise RefreshError(f"{path}: the expected key {required!r} is missing (has the format changed?)")
        with open_products() as stream:
            for sku, product in ijson.kvitems(stream, "products"):
                attributes = product.get("attributes", {})
                if _wanted(product, attributes, families):
                    wanted[sku] = attributes
        for term_type in ("OnDemand", "Reserved"):
            with open_terms() as stream:
                for sku, terms in ijson.kvitems(stream, f"terms.{term_type}"):
                    if sku in wanted:
                        rows.extend(_term_rows(wanted[sku], terms, term_type))
    except ijson.IncompleteJSONError as error:
        raise RefreshError(f"{path}: the offer file is cut short or not JSON ({error})") from None
    except ijson.JSONError as error:
        raise RefreshError(f"{path}: invalid JSON in the offer file ({error})") from None
    return header, rows


def _wanted(product: dict, attributes: dict, families: tuple[str, ...]) -> bool:
    return (product.get("productFamily", "").startswith("Compute Instance")
            and attributes.get("instanceType", "").startswith(families)
            and attributes.get("tenancy") == "Shared"
            and attributes.get("operatingSystem") == "Linux"
            and attributes.get("preInstalledSw") == "NA"
            and attributes.get("capacitystatus") == "Used"
            and attributes.get("licenseModel", "No License required") == "No License required"
            and attributes.get("marketoption", "OnDemand") == "OnDemand")


def _term_rows(attributes: dict, terms: dict, term_type: str) -> Iterator[PriceRow]:
    for term in terms.values():
        dimensions = list(term.get("priceDimensions", {}).values())
        hourly = [d for d in dimensions if d.get("unit") == "Hrs"]
        if not hourly:
            continue
        if term_type == "OnDemand":
            pricing = "on_demand"
        else:
            a = term.get("termAttributes", {})
            if a.get("OfferingClass") != "standard" or a.get("PurchaseOption") != "No Upfront":
                continue
            pricing = {"1yr": "reserved_1yr", "3yr": "reserved_3yr"}.get(a.get("LeaseContractLength"))
            if pricing is None:
                continue
        raw = hourly[0].get("pricePerUnit", {}).get("USD")
        try:
            usd = float(raw)
        except (TypeError, ValueError):
            continue  # not priced in US dollars (a China-region file) or unreadable: not ours
        if usd <= 0:
            continue
        yield PriceRow(instance_type=attributes["instanceType"], region=attributes.get("regionCode", ""),
                       pricing=pricing, usd_per_hour=usd, effective=str(term.get("effectiveDate", ""))[:10],
                       quote=f'{hourly[0].get("description", "")} | "USD" : "{hourly[0]["pricePerUnit"]["USD"]}"'.strip(" |"),
                       notes=f"sku {term.get('sku', '')}, offer term {term.get('offerTermCode', '')}"
                             + ("" if term_type == "OnDemand" else ", standard No Upfront"))


@dataclass
class Summary:
    """What a refresh did to the ledger."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"rows added {self.added}, changed {self.changed}, unchanged {self.unchanged}"]
        if self.skipped:
            out.append(f"skipped (not in systems.csv): {', '.join(sorted(set(self.skipped)))}")
        out += [f"disagrees with a hand-entered row: {d}" for d in self.disagreements]
        return out


def refresh_aws_prices(regions: list[str], source: str = AWS_PRICING, history: int = 0,
                       fetcher: Fetcher | None = None, today: dt.date | None = None) -> Summary:
    """Refresh prices.csv (and sources.csv) from the AWS Price List; see the module docstring."""
    fetcher = fetcher or Fetcher(cache=_default_cache())
    today = today or dt.date.today()
    if not regions:
        raise RefreshError("no region given (use --region, e.g. --region us-east-1)")
    offers = list(_offer_files(source, regions, history, fetcher))
    new_prices, new_sources = [], []
    for url, path, region in offers:
        header, rows = parse_offer(path)
        version, published = str(header["version"]), str(header["publicationDate"])[:10]
        region = region or next(iter(sorted({r.region for r in rows if r.region})), "")
        source_id = f"{PRICE_SOURCE_PREFIX}ec2-{region or 'file'}-{version}"
        canonical = url if url.startswith("http") else (
            f"https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/{version}/{region}/index.json"
            if region else AWS_PRICING)
        new_sources.append({
            "source_id": source_id, "title": f"AWS Price List, AmazonEC2 offer file {region or ''} version {version}".replace("  ", " "),
            "publisher": "Amazon Web Services", "url": canonical, "published": published,
            "accessed": today.isoformat(), "kind": "official", "copy_kind": "original",
            "notes": "Written by `chipledger refresh aws-prices`" + ("" if url.startswith("http") else f"; read from the local file {url}") + "."})
        for row in rows:
            new_prices.append({
                "system_id": row.instance_type, "provider": "aws", "region": row.region or region,
                "pricing": row.pricing, "usd_per_hour": _number(row.usd_per_hour), "effective": row.effective,
                "observed": published, "source_id": source_id, "quote": row.quote, "notes": row.notes})
    if not any(r for r in new_prices):
        raise RefreshError(f"no accelerator prices matched in {', '.join(u for u, _, _ in offers)} "
                           f"(regions {', '.join(regions)}; families {', '.join(ACCELERATOR_FAMILIES)})")
    return _merge("prices", new_prices, new_sources, PRICE_SOURCE_PREFIX,
                  key=["system_id", "provider", "region", "pricing", "effective", "source_id"],
                  compare=_compare_prices)


def _offer_files(source: str, regions: list[str], history: int, fetcher: Fetcher) -> Iterator[tuple[str, Path, str]]:
    """(url or path, local file, region) of each offer file to read, following indexes from `source`."""
    path = fetcher.get(source)
    kind = top_level_kind(path)
    if kind == "offer":
        if history:
            raise RefreshError(f"{source}: --history needs the service index, not one offer file")
        yield source, path, ""
        return
    base = source
    if kind == "service_index":
        index = _load_json(path, "service index")
        ec2 = _key(index, "offers.AmazonEC2", source)
        region_url = urllib.parse.urljoin(base, _key(ec2, "currentRegionIndexUrl", f"{source} offers.AmazonEC2"))
        version_url = urllib.parse.urljoin(base, _key(ec2, "versionIndexUrl", f"{source} offers.AmazonEC2"))
        region_index = _load_json(fetcher.get(region_url), "region index")
    elif kind == "region_index":
        if history:
            raise RefreshError(f"{source}: --history needs the service index (it names the version index)")
        region_url, version_url, region_index = source, None, _load_json(path, "region index")
    else:
        raise RefreshError(f"{source}: a version index; give the service index or a region's offer file")
    for region in regions:
        entry = _key(region_index, f"regions.{region}", region_url)
        current = urllib.parse.urljoin(region_url, _key(entry, "currentVersionUrl", f"{region_url} regions.{region}"))
        yield current, fetcher.get(current), region
    if history and version_url:
        versions = _key(_load_json(fetcher.get(version_url), "version index"), "versions", version_url)
        ordered = sorted(versions, key=lambda v: str(versions[v].get("versionEffectiveBeginDate", v)))
        current_ids = {urllib.parse.urlsplit(_key(region_index, f"regions.{r}.currentVersionUrl", region_url)).path.split("/")[-3]
                       for r in regions}
        past = [v for v in ordered if v not in current_ids][-history:]
        for version in past:
            for region in regions:
                url = urllib.parse.urljoin(version_url, f"/offers/v1.0/aws/AmazonEC2/{version}/{region}/index.json")
                yield url, fetcher.get(url), region


def _compare_prices(new, hand) -> list[str]:
    """Refreshed prices against hand-entered ones for the same system, region, pricing and effective date."""
    merged = new.merge(hand, on=["system_id", "region", "pricing", "effective"], suffixes=("", "_hand"))
    out = []
    for row in merged.itertuples():
        if abs(float(row.usd_per_hour) - float(row.usd_per_hour_hand)) > 1e-6 * float(row.usd_per_hour_hand):
            out.append(f"{row.system_id} {row.region} {row.pricing} from {row.effective}: price list "
                       f"{row.usd_per_hour} vs {row.usd_per_hour_hand} ({row.source_id_hand})")
    return out


# --- SEC EDGAR -----------------------------------------------------------------------------------

# metric -> XBRL concepts that may carry it, in order of preference
SEC_CONCEPTS = {
    "revenue": ["Revenues", "RevenueFromContractWithCustomerExcludingAssessedTax"],
    "purchases_of_property_and_equipment": ["PaymentsToAcquirePropertyPlantAndEquipment",
                                            "PaymentsToAcquireProductiveAssets"],
}
SEC_METRICS = {"NVIDIA": ["revenue"], "Amazon": ["revenue", "purchases_of_property_and_equipment"]}


def sec_user_agent() -> str:
    value = os.environ.get("SEC_USER_AGENT", "").strip()
    if not value or "@" not in value:
        raise RefreshError("SEC_USER_AGENT is not set: the SEC asks every client to identify itself with a "
                           "name and contact e-mail, e.g. export SEC_USER_AGENT='Jane Doe jane@example.org'")
    return value


def refresh_sec(source: str = SEC_COMPANYFACTS, fetcher: Fetcher | None = None,
                today: dt.date | None = None) -> Summary:
    """Refresh financials.csv from SEC companyfacts (source: the API base URL or a local folder)."""
    is_url = source.startswith("http")
    if fetcher is None:
        fetcher = Fetcher(cache=_default_cache(), max_per_second=10.0,
                          headers={"User-Agent": sec_user_agent()} if is_url else {})
    elif is_url and "User-Agent" not in fetcher.headers:
        fetcher.headers["User-Agent"] = sec_user_agent()
    today = today or dt.date.today()
    new_rows, new_sources = [], {}
    for company, cik in COMPANIES.items():
        location = (source.rstrip("/") + f"/CIK{cik}.json") if is_url else str(Path(source) / f"CIK{cik}.json")
        facts = _load_json(fetcher.get(location), f"companyfacts of {company}")
        us_gaap = _key(facts, "facts.us-gaap", location)
        for metric in SEC_METRICS[company]:
            rows = sec_rows(company, metric, us_gaap, location)
            if not rows:
                raise RefreshError(f"{location}: no quarterly USD facts for {metric} under "
                                   f"{' or '.join(SEC_CONCEPTS[metric])}")
            for row in rows:
                new_rows.append(row)
                accn = row["source_id"][len(SEC_SOURCE_PREFIX):].split("-", 1)[1]
                new_sources[row["source_id"]] = {
                    "source_id": row["source_id"], "title": f"{company} filing {accn} (SEC EDGAR XBRL companyfacts)",
                    "publisher": "U.S. Securities and Exchange Commission (EDGAR)",
                    "url": f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accn.replace('-', '')}/",
                    "published": row.pop("_filed"), "accessed": today.isoformat(), "kind": "filing",
                    "read_via": f"{SEC_COMPANYFACTS}CIK{cik}.json", "copy_kind": "mirror",
                    "notes": f"Figures read from {SEC_COMPANYFACTS}CIK{cik}.json by `chipledger refresh sec`."}
    # A later filing restates a period under a new accession number: the refreshed row of a period is
    # replaced, whatever filing it came from (key without source_id).
    return _merge("financials", new_rows, list(new_sources.values()), SEC_SOURCE_PREFIX,
                  key=["company", "metric", "fiscal_period", "unit"], compare=_compare_financials)


def sec_rows(company: str, metric: str, us_gaap: dict, where: str) -> list[dict]:
    """financials rows from companyfacts: one per fiscal quarter, duplicates across filings removed
    (the latest filing wins), a quarter missing as a 3-month fact derived from year-to-date facts
    (Q2 = 6 months - Q1, Q3 = 9 - 6, Q4 = fiscal year - 9 months)."""
    facts = {}
    for concept in SEC_CONCEPTS[metric]:
        for fact in us_gaap.get(concept, {}).get("units", {}).get("USD", []):
            if "start" not in fact or fact.get("form") not in ("10-Q", "10-K", "10-Q/A", "10-K/A"):
                continue
            period = (fact["start"], fact["end"])
            if period not in facts or fact.get("filed", "") > facts[period][0].get("filed", ""):
                facts[period] = (fact, concept)
    by_period = {}
    for (start, end), (fact, concept) in facts.items():
        label = _fiscal_label(company, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        if label:
            by_period[label] = (fact, concept)
    rows = []
    for year in sorted({label[:6] for label in by_period}):
        for quarter in range(1, 5):
            label = f"{year}Q{quarter}"
            if label in by_period:
                fact, concept = by_period[label]
                rows.append(_sec_row(company, metric, label, fact["val"], [fact], concept, "reported"))
                continue
            to_date = by_period.get(year if quarter == 4 else f"{year}:{quarter}")
            before = _to_date(by_period, year, quarter - 1)
            if to_date and before:
                value = to_date[0]["val"] - sum(f["val"] for f in before)
                rows.append(_sec_row(company, metric, label, value, [to_date[0], *before], to_date[1], "derived"))
    return rows


def _to_date(by_period: dict, year: str, quarter: int) -> list[dict] | None:
    """Facts that add up to the first `quarter` quarters of a year: one year-to-date fact, or the
    quarters themselves; None if neither is there."""
    if quarter == 0:
        return []
    if quarter == 1 and f"{year}Q1" in by_period:
        return [by_period[f"{year}Q1"][0]]
    if f"{year}:{quarter}" in by_period:
        return [by_period[f"{year}:{quarter}"][0]]
    quarters = [by_period.get(f"{year}Q{q}") for q in range(1, quarter + 1)]
    return None if None in quarters else [q[0] for q in quarters]


def _fiscal_label(company: str, start: dt.date, end: dt.date) -> str | None:
    """'FY2026Q3' for a quarter, 'FY2026' for a year, 'FY2026:3' for three quarters to date (':2' six
    months); None if the dates are no period of the company's calendar."""
    year = end.year + (1 if company == "NVIDIA" and end.month > 1 else 0)
    for candidate in (year, year - 1, year + 1):
        first, last = fiscal.period_dates(company, f"FY{candidate}")
        if (start, end) == (first, last):
            return f"FY{candidate}"
        for quarter in range(1, 5):
            q_start, q_end = fiscal.period_dates(company, f"FY{candidate}Q{quarter}")
            if (start, end) == (q_start, q_end):
                return f"FY{candidate}Q{quarter}"
            if start == first and end == q_end and quarter in (2, 3):
                return f"FY{candidate}:{quarter}"
    return None


def _sec_row(company: str, metric: str, label: str, value: float, used: list[dict], concept: str,
             basis: str) -> dict:
    start, end = fiscal.period_dates(company, label)
    fact = used[0]
    quote = " ; ".join(json.dumps({k: f[k] for k in ("start", "end", "val", "accn", "form") if k in f},
                                  separators=(",", ":")) for f in used)
    notes = f"XBRL us-gaap:{concept}"
    if basis == "derived":
        minus = " - ".join(str(f["val"]) for f in used[1:])
        notes = f"derived: {used[0]['val']} - {minus} (to date minus the quarters before); " + notes
    return {"company": company, "metric": metric, "fiscal_period": label, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "value": _number(value), "unit": "USD", "kind": "actual",
            "basis": basis, "preferred": "", "source_id": f"{SEC_SOURCE_PREFIX}{company.lower()}-{fact['accn']}",
            "quote": quote, "notes": notes, "_filed": fact.get("filed", "")}


def _compare_financials(new, hand) -> list[str]:
    """SEC figures against the preferred hand-entered ones (headline figures are rounded: 0.25% tolerance)."""
    hand = hand[hand["preferred"] == "true"].copy()
    hand["usd"] = [float(v) * {"USD": 1, "million USD": 1e6, "billion USD": 1e9}[u]
                   for v, u in zip(hand["value"], hand["unit"])]
    merged = new.merge(hand, on=["company", "metric", "fiscal_period", "kind"], suffixes=("", "_hand"))
    out = []
    for row in merged.itertuples():
        if abs(float(row.value) / row.usd - 1) > 0.0025:
            out.append(f"{row.company} {row.metric} {row.fiscal_period}: SEC {float(row.value):,.0f} USD vs "
                       f"{row.value_hand} {row.unit_hand} ({row.source_id_hand})")
    return out


# --- merging into the ledger ---------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _merge(table: str, new_rows: list[dict], new_sources: list[dict], prefix: str, key: list[str],
           compare) -> Summary:
    """Writes new rows and their sources into the ledger, all or nothing (see the module docstring)."""
    import pandas as pd

    from . import data

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
    if table == "financials":
        new = _choose_preferred(new, current)
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


def _choose_preferred(new, current):
    """A refreshed figure is preferred only where no row of another source (a hand-entered one) is
    preferred for that company, metric, period and kind (refreshed figures are as reported: definition '')."""
    others = current[(current["preferred"] == "true") & ~current["source_id"].str.startswith(SEC_SOURCE_PREFIX)
                     & (current["definition"] == "")]
    taken = set(zip(others["company"], others["metric"], others["fiscal_period"], others["kind"]))
    new = new.copy()
    new["preferred"] = ["false" if (c, m, p, k) in taken else "true"
                        for c, m, p, k in zip(new["company"], new["metric"], new["fiscal_period"], new["kind"])]
    return new


def _csv(frame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _write_checked(folder: Path, contents: dict[str, bytes]) -> None:
    """Validates the ledger with the new files in a scratch copy, then replaces each file atomically."""
    from . import data

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


def _default_cache() -> Path:
    from . import data

    return Path(os.environ.get("CHIPLEDGER_CACHE") or data.data_dir().parent / "build" / "cache")


def run(kind: str, regions: Iterable[str] = ("us-east-1",), source: str | None = None, history: int = 0,
        timeout_s: float = 60.0) -> Summary:
    """Entry point of the CLI."""
    if kind == "aws-prices":
        fetcher = Fetcher(cache=_default_cache(), timeout_s=timeout_s)
        return refresh_aws_prices(list(regions), source or AWS_PRICING, history, fetcher)
    if kind == "sec":
        src = source or SEC_COMPANYFACTS
        headers = {"User-Agent": sec_user_agent()} if src.startswith("http") else {}
        fetcher = Fetcher(cache=_default_cache(), timeout_s=timeout_s, headers=headers)
        return refresh_sec(src, fetcher)
    raise RefreshError(f"unknown refresh {kind!r}")
