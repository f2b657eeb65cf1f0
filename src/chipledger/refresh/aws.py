"""AWS Price List Bulk API: service index -> AmazonEC2 region index -> one region's offer file (hundreds
of MB), parsed as a stream with ijson, into prices.csv."""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson
from tqdm import tqdm

from . import aws_scan
from .errors import RefreshError, Summary
from .guard import Skips, checked_events, expect
from .http import Fetcher, default_cache
from .http import key as _key
from .http import load_json as _load_json
from .merge import merge
from .merge import number as _number

AWS_PRICING = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/index.json"
ACCELERATOR_FAMILIES = ("trn", "inf", "p4", "p5", "p6")
PRICE_SOURCE_PREFIX = "aws-price-list-"


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
    with path.open("rb") as handle:
        for prefix, event, value in checked_events(handle, str(path)):
            if prefix == "" and event == "map_key" and value in markers:
                return markers[value]
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


def _offer_streams(path: Path, cut: int | None):
    """(open products, open terms): functions giving fresh streams over the products part and the
    terms part of an offer file, each a valid JSON document, so each byte is parsed once per use;
    the whole file for both where the layout is not AWS's usual one. cut: _terms_offset(path)."""
    if cut is None:
        return (lambda: path.open("rb")), (lambda: path.open("rb"))
    with path.open("rb") as handle:  # the products object ends just before: drop its trailing comma
        back = max(0, cut - 4096)
        handle.seek(back)
        end = back + len(handle.read(cut - back).rstrip().rstrip(b","))
    size = path.stat().st_size
    return (lambda: io.BufferedReader(_Range(path, 0, end, suffix=b"\n}"), 1 << 16),
            lambda: io.BufferedReader(_Range(path, cut, size, prefix=b"{"), 1 << 16))


def _header(stream, where: str = "offer file") -> dict:
    """The scalar top-level fields before "products" (version, publicationDate, ...)."""
    header = {}
    for prefix, event, value in checked_events(stream, where):
        if prefix == "" and event == "map_key" and value == "products":
            break
        if "." not in prefix and prefix and event in ("string", "number"):
            header[prefix] = value
    return header


def parse_offer(path: Path, families: tuple[str, ...] = ACCELERATOR_FAMILIES,
                skips: Skips | None = None, fast: bool = True) -> tuple[dict, list[PriceRow]]:
    """Streams one EC2 offer file: (header, rows) with the on-demand Linux, shared-tenancy,
    used-capacity, no-pre-installed-software price of each accelerator instance, and its standard
    no-upfront reserved prices. Capacity-block and capacity-reservation rows are skipped. A product
    or term of the wrong shape is a RefreshError naming its JSON path; a price that is missing,
    unreadable or implausible skips its row and is counted in `skips`. In AWS's own layout only the
    accelerator products and their terms are parsed (aws_scan, fast=True); otherwise, or with
    fast=False, the whole file as a stream."""
    cut = _terms_offset(path)
    open_products, open_terms = _offer_streams(path, cut)
    skips = skips if skips is not None else Skips()
    where = str(path)
    with open_products() as stream:
        header = _header(stream, where)
    for required in ("version", "publicationDate"):
        if required not in header:
            raise RefreshError(f"{path}: the expected key {required!r} is missing (has the format changed?)")
    found = aws_scan.scan(path, families, cut) if fast else None
    if found is not None:  # AWS's layout: only the accelerator products and their terms were parsed
        products, sections = found
        wanted = dict(_wanted_products(products.items(), families, where))
        term_items = {kind: sections[kind].items() for kind in ("OnDemand", "Reserved")}
        return header, _rows_from(wanted, term_items, where, skips)
    with open_products() as stream:
        wanted = dict(_wanted_products(ijson.kvitems(checked_events(stream, where), "products"), families, where))
    term_items = {}
    for term_type in ("OnDemand", "Reserved"):
        with open_terms() as stream:
            term_items[term_type] = [(sku, terms) for sku, terms in
                                     ijson.kvitems(checked_events(stream, where), f"terms.{term_type}") if sku in wanted]
    return header, _rows_from(wanted, term_items, where, skips)


def _wanted_products(items, families: tuple[str, ...], where: str):
    """(sku, attributes) of the wanted accelerator instances among (sku, product) pairs, each product
    checked for shape."""
    for sku, product in items:
        product = expect(product, dict, where, f"products.{sku}")
        attributes = expect(product.get("attributes", {}), dict, where, f"products.{sku}.attributes")
        if _wanted(product, attributes, families):
            yield sku, attributes


def _rows_from(wanted: dict[str, dict], term_items: dict, where: str, skips: Skips) -> list[PriceRow]:
    """The price rows of the wanted products' terms (wanted: sku -> attributes)."""
    rows: list[PriceRow] = []
    for term_type in ("OnDemand", "Reserved"):
        for sku, terms in term_items[term_type]:
            if sku in wanted:
                terms = expect(terms, dict, where, f"terms.{term_type}.{sku}")
                rows.extend(_term_rows(wanted[sku], terms, term_type, where, f"terms.{term_type}.{sku}", skips))
    return rows


def _wanted(product: dict, attributes: dict, families: tuple[str, ...]) -> bool:
    text = {k: v if isinstance(v, str) else "" for k, v in attributes.items()}
    return (str(product.get("productFamily") or "").startswith("Compute Instance")
            and text.get("instanceType", "").startswith(families)
            and text.get("tenancy") == "Shared"
            and text.get("operatingSystem") == "Linux"
            and text.get("preInstalledSw") == "NA"
            and text.get("capacitystatus") == "Used"
            and text.get("licenseModel", "No License required") == "No License required"
            and text.get("marketoption", "OnDemand") == "OnDemand")


_DATE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T|$)")
MAX_USD_PER_HOUR = 100_000.0
"""The most an hour of one instance could plausibly cost; a larger price is a bad value."""


def _term_rows(attributes: dict, terms: dict, term_type: str, where: str, at: str, skips: Skips) -> Iterator[PriceRow]:
    for code, term in terms.items():
        term = expect(term, dict, where, f"{at}.{code}")
        dimensions = expect(term.get("priceDimensions", {}), dict, where, f"{at}.{code}.priceDimensions")
        hourly = [(key, expect(d, dict, where, f"{at}.{code}.priceDimensions.{key}")) for key, d in dimensions.items()]
        hourly = [(key, d) for key, d in hourly if d.get("unit") == "Hrs"]
        if not hourly:
            continue
        if term_type == "OnDemand":
            pricing = "on_demand"
        else:
            a = expect(term.get("termAttributes", {}), dict, where, f"{at}.{code}.termAttributes")
            if a.get("OfferingClass") != "standard" or a.get("PurchaseOption") != "No Upfront":
                continue
            pricing = {"1yr": "reserved_1yr", "3yr": "reserved_3yr"}.get(a.get("LeaseContractLength"))
            if pricing is None:
                continue
        key, dimension = hourly[0]
        price_at = f"{at}.{code}.priceDimensions.{key}.pricePerUnit.USD"
        per_unit = dimension.get("pricePerUnit")
        if not isinstance(per_unit, dict) or "USD" not in per_unit:
            skips.add("no US-dollar price", price_at)
            continue
        raw = per_unit["USD"]
        try:
            usd = float(raw) if isinstance(raw, str) else float("nan")
        except ValueError:
            usd = float("nan")
        if not 0 < usd <= MAX_USD_PER_HOUR:  # NaN fails too
            skips.add(f"US-dollar price not a number in (0, {MAX_USD_PER_HOUR:,.0f}]", f"{price_at}: value {raw!r}")
            continue
        effective = term.get("effectiveDate")
        if not isinstance(effective, str) or not _DATE.match(effective):
            skips.add("no effective date (YYYY-MM-DD...)", f"{at}.{code}.effectiveDate: value {effective!r}")
            continue
        yield PriceRow(instance_type=attributes["instanceType"], region=str(attributes.get("regionCode") or ""),
                       pricing=pricing, usd_per_hour=usd, effective=effective[:10],
                       quote=f'{dimension.get("description", "")} | "USD" : "{raw}"'.strip(" |"),
                       notes=f"sku {term.get('sku', '')}, offer term {term.get('offerTermCode', '')}"
                             + ("" if term_type == "OnDemand" else ", standard No Upfront"))


DEFAULT_REGIONS = ("us-east-1",)
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")


def refresh_aws_prices(regions: list[str] | None, source: str = AWS_PRICING, history: int = 0,
                       fetcher: Fetcher | None = None, today: dt.date | None = None,
                       keep_cache: bool = False) -> Summary:
    """Refresh prices.csv (and sources.csv) from the AWS Price List; see the module docstring.

    regions: region codes (None: DEFAULT_REGIONS), or ["all"] for every region of the region index;
    each must be in the region index read, and a local offer file named with --region must be of one
    of them. Offer files are fetched and parsed one at a time; a downloaded one is removed from the
    cache once parsed unless keep_cache. All or nothing: a region that fails stops the refresh before
    anything is written, and the error names the region."""
    fetcher = fetcher or Fetcher(cache=default_cache())
    today = today or dt.date.today()
    explicit_regions = regions is not None
    regions = list(regions) if regions is not None else list(DEFAULT_REGIONS)
    if not regions:
        raise RefreshError("no region given (use --region, e.g. --region us-east-1, or --region all)")
    every = regions == ["all"]
    for region in [] if every else regions:
        if not isinstance(region, str) or not _REGION.fullmatch(region):
            raise RefreshError(f"--region: value {region!r} is not an AWS region code (e.g. us-east-1) or 'all'")
    plan = _offer_plan(source, regions, history, fetcher)
    new_prices, new_sources, skips = [], [], Skips()
    many = len(plan) > 1
    progress = tqdm(plan, unit="file", desc="offer files", disable=not (many and fetcher.progress), leave=False)
    quiet, fetcher.progress = fetcher.progress, fetcher.progress and not many  # one bar, not one per file
    read_bytes = 0
    try:
        for url, region in progress:
            try:
                path = fetcher.get(url)
                read_bytes += path.stat().st_size
                progress.set_postfix_str(f"{region or 'file'}, {read_bytes / 1e9:.2f} GB read")
                prices, source_row = _one_offer(url, path, region, regions, explicit_regions and not every, today, skips)
            except RefreshError as error:
                raise RefreshError(f"region {region}: {error}" if region else str(error)) from None
            finally:
                if url.startswith("http") and not keep_cache:
                    fetcher.forget(url)
            new_prices += prices
            new_sources.append(source_row)
    finally:
        fetcher.progress = quiet
        progress.close()
    if not any(r for r in new_prices):
        why = "; ".join(skips.lines("price terms")) if skips else ""
        raise RefreshError(f"no accelerator prices matched in {', '.join(u for u, _ in plan)} "
                           f"(regions {', '.join(regions)}; families {', '.join(ACCELERATOR_FAMILIES)})"
                           + (f": {why}" if why else ""))
    summary = merge("prices", new_prices, new_sources, PRICE_SOURCE_PREFIX,
                    key=["system_id", "provider", "region", "pricing", "effective", "source_id"],
                    compare=_compare_prices)
    summary.notes += skips.lines("price terms")
    if many:
        summary.notes.append(f"read {len(plan)} offer files, {read_bytes / 1e9:.2f} GB")
    return summary


def _one_offer(url: str, path: Path, region: str, regions: list[str], check_region: bool, today: dt.date,
               skips: Skips) -> tuple[list[dict], dict]:
    """The prices.csv rows and the source row of one offer file."""
    header, rows = parse_offer(path, skips=skips)
    version, published = str(header["version"]), str(header["publicationDate"])[:10]
    found = sorted({r.region for r in rows if r.region})
    if not region and check_region and found and not set(found) & set(regions):
        raise RefreshError(f"{url}: an offer file of region {', '.join(found)}, but --region asked for "
                           f"{', '.join(regions)}")
    region = region or next(iter(found), "")
    source_id = f"{PRICE_SOURCE_PREFIX}ec2-{region or 'file'}-{version}"
    canonical = url if url.startswith("http") else (
        f"https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/{version}/{region}/index.json"
        if region else AWS_PRICING)
    source_row = {
        "source_id": source_id, "title": f"AWS Price List, AmazonEC2 offer file {region or ''} version {version}".replace("  ", " "),
        "publisher": "Amazon Web Services", "url": canonical, "published": published,
        "accessed": today.isoformat(), "kind": "official", "copy_kind": "original",
        "notes": "Written by `chipledger refresh aws-prices`" + ("" if url.startswith("http") else f"; read from the local file {url}") + "."}
    prices = [{"system_id": row.instance_type, "provider": "aws", "region": row.region or region,
               "pricing": row.pricing, "usd_per_hour": _number(row.usd_per_hour), "effective": row.effective,
               "observed": published, "source_id": source_id, "quote": row.quote, "notes": row.notes} for row in rows]
    return prices, source_row


def _offer_plan(source: str, regions: list[str], history: int, fetcher: Fetcher) -> list[tuple[str, str]]:
    """(url or path, region) of each offer file to read, from `source`: the file itself, or the current
    (and, with history, earlier) offer files of the regions named in its indexes. Reads the indexes only."""
    path = fetcher.get(source)
    kind = top_level_kind(path)
    if kind == "offer":
        if history:
            raise RefreshError(f"{source}: --history needs the service index, not one offer file")
        if regions == ["all"]:
            raise RefreshError(f"{source}: --region all needs the service index or a region index, not one offer file")
        return [(source, "")]
    base = source
    if kind == "service_index":
        index = _load_json(path, "service index")
        ec2 = expect(_key(index, "offers.AmazonEC2", source), dict, source, "offers.AmazonEC2")
        region_url = urllib.parse.urljoin(base, expect(_key(ec2, "currentRegionIndexUrl", f"{source} offers.AmazonEC2"),
                                                       str, source, "offers.AmazonEC2.currentRegionIndexUrl"))
        version_url = urllib.parse.urljoin(base, expect(_key(ec2, "versionIndexUrl", f"{source} offers.AmazonEC2"),
                                                        str, source, "offers.AmazonEC2.versionIndexUrl"))
        region_index = _load_json(fetcher.get(region_url), "region index")
    elif kind == "region_index":
        if history:
            raise RefreshError(f"{source}: --history needs the service index (it names the version index)")
        region_url, version_url, region_index = source, None, _load_json(path, "region index")
    else:
        raise RefreshError(f"{source}: a version index; give the service index or a region's offer file")
    known = expect(_key(region_index, "regions", region_url), dict, region_url, "regions")
    if regions == ["all"]:
        regions[:] = sorted(known)
        if not regions:
            raise RefreshError(f"{region_url}: the region index names no region")
    plan = []
    for region in regions:
        if region not in known:
            raise RefreshError(f"{region_url}: region {region!r} is not in the region index ({len(known)} regions, "
                               f"e.g. {', '.join(sorted(known)[:3])})")
        entry = expect(known[region], dict, region_url, f"regions.{region}")
        link = expect(_key(entry, "currentVersionUrl", f"{region_url} regions.{region}"), str, region_url,
                      f"regions.{region}.currentVersionUrl")
        plan.append((urllib.parse.urljoin(region_url, link), region))
    if history and version_url:
        versions = expect(_key(_load_json(fetcher.get(version_url), "version index"), "versions", version_url),
                          dict, version_url, "versions")
        for version, entry in versions.items():
            expect(entry, dict, version_url, f"versions.{version}")
        ordered = sorted(versions, key=lambda v: str(versions[v].get("versionEffectiveBeginDate", v)))
        current_ids = set()
        for url, _ in plan:
            parts = urllib.parse.urlsplit(url).path.split("/")
            current_ids.add(parts[-3] if len(parts) >= 3 else "")
        past = [v for v in ordered if v not in current_ids][-history:]
        for version in past:
            for region in regions:
                plan.append((urllib.parse.urljoin(version_url, f"/offers/v1.0/aws/AmazonEC2/{version}/{region}/index.json"),
                             region))
    return plan


def _compare_prices(new: list[dict], hand: list[dict]) -> list[str]:
    """Refreshed prices against hand-entered ones for the same system, region, pricing and effective date."""
    by_key: dict[tuple, list[dict]] = {}
    for row in hand:
        by_key.setdefault((row["system_id"], row["region"], row["pricing"], row["effective"]), []).append(row)
    out = []
    for row in new:
        for other in by_key.get((row["system_id"], row["region"], row["pricing"], row["effective"]), []):
            if abs(float(row["usd_per_hour"]) - float(other["usd_per_hour"])) > 1e-6 * float(other["usd_per_hour"]):
                out.append(f"{row['system_id']} {row['region']} {row['pricing']} from {row['effective']}: price list "
                           f"{row['usd_per_hour']} vs {other['usd_per_hour']} ({other['source_id']})")
    return out
