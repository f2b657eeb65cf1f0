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

from .errors import RefreshError, Summary
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


def refresh_aws_prices(regions: list[str], source: str = AWS_PRICING, history: int = 0,
                       fetcher: Fetcher | None = None, today: dt.date | None = None) -> Summary:
    """Refresh prices.csv (and sources.csv) from the AWS Price List; see the module docstring."""
    fetcher = fetcher or Fetcher(cache=default_cache())
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
    return merge("prices", new_prices, new_sources, PRICE_SOURCE_PREFIX,
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
