"""Builds AWS Price List Bulk API files in the real layout, for tests and the refresh benchmark.

The layout follows AWS's documentation and real files (AmazonEC2 service index, region index, version
index and one region's offer file): products keyed by SKU with their attributes, then terms.OnDemand
and terms.Reserved keyed by SKU and offer-term code, each price dimension with pricePerUnit.USD as a
string. Besides the instances the refresh keeps, each file holds the rows it must skip: Windows and
RHEL, dedicated tenancy, pre-installed SQL, capacity-reservation rows, capacity-block rows at $0.00,
and filler instance types that are not accelerators.

    python tests/make_price_fixtures.py OUT_DIR            # the small fixture set the tests serve
    python tests/make_price_fixtures.py --big-offer FILE --megabytes 400   # a benchmark offer file
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

VERSIONS = ["20250501000000", "20250601000000", "20261101000000"]  # oldest first; the last is current
# instance type -> on-demand USD per hour in each version (None: not offered in that version)
PRICES = {
    "p5.48xlarge": ["98.3200000000", "55.0400000000", "55.0400000000"],
    "p4d.24xlarge": ["32.7726000000", "21.9576420000", "21.9576420000"],
    "trn1.32xlarge": ["21.5000000000", "21.5000000000", "21.5000000000"],
    "p6-b200.48xlarge": [None, "113.9328000000", "113.9328000000"],
}
RESERVED_3YR_NO_UPFRONT = {"p5.48xlarge": "31.4640000000"}
LOCATION = {"us-east-1": "US East (N. Virginia)", "us-west-2": "US West (Oregon)"}
HEADER = {"formatVersion": "v1.0",
          "disclaimer": "This pricing list is for informational purposes only. Fixture for chipledger tests."}


def _sku(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16].upper()


def _product(sku: str, instance: str, region: str, **overrides: str) -> dict:
    attributes = {
        "servicecode": "AmazonEC2", "location": LOCATION.get(region, region), "locationType": "AWS Region",
        "instanceType": instance, "instanceFamily": "GPU instance", "vcpu": "96", "tenancy": "Shared",
        "operatingSystem": "Linux", "licenseModel": "No License required", "usagetype": f"BoxUsage:{instance}",
        "operation": "RunInstances", "capacitystatus": "Used", "marketoption": "OnDemand",
        "preInstalledSw": "NA", "regionCode": region,
    }
    attributes.update(overrides)
    return {"sku": sku, "productFamily": "Compute Instance", "attributes": attributes}


def _term(sku: str, code: str, effective: str, usd: str, description: str, attributes: dict | None = None,
          upfront: str | None = None) -> dict:
    dimensions = {f"{sku}.{code}.6YS6EN2CT7": {
        "rateCode": f"{sku}.{code}.6YS6EN2CT7", "description": description, "beginRange": "0",
        "endRange": "Inf", "unit": "Hrs", "pricePerUnit": {"USD": usd}, "appliesTo": []}}
    if upfront is not None:
        dimensions[f"{sku}.{code}.2TG2D8R56U"] = {
            "rateCode": f"{sku}.{code}.2TG2D8R56U", "description": "Upfront Fee", "unit": "Quantity",
            "pricePerUnit": {"USD": upfront}, "appliesTo": []}
    return {f"{sku}.{code}": {"offerTermCode": code, "sku": sku, "effectiveDate": effective,
                               "priceDimensions": dimensions, "termAttributes": attributes or {}}}


def offer(version_index: int, region: str = "us-east-1", filler: int = 50) -> dict:
    """One region's EC2 offer file for one of VERSIONS."""
    version = VERSIONS[version_index]
    effective = f"{version[:4]}-{version[4:6]}-01T00:00:00Z"
    products, on_demand, reserved = {}, {}, {}

    def add(instance: str, usd: str, kind: str, **overrides: str) -> str:
        sku = _sku(version, region, instance, kind)
        products[sku] = _product(sku, instance, region, **overrides)
        description = f"${float(usd):.4f} per On Demand {kind} {instance} Instance Hour"
        on_demand[sku] = _term(sku, "JRTCKXETXF", effective, usd, description)
        return sku

    for instance, prices in PRICES.items():
        usd = prices[version_index]
        if usd is None:
            continue
        sku = add(instance, usd, "Linux")
        if instance in RESERVED_3YR_NO_UPFRONT:
            reserved[sku] = _term(sku, "38NPMPTW36", effective, RESERVED_3YR_NO_UPFRONT[instance],
                                  f"USD {RESERVED_3YR_NO_UPFRONT[instance]} per {instance} hour (3yr No Upfront)",
                                  {"LeaseContractLength": "3yr", "OfferingClass": "standard",
                                   "PurchaseOption": "No Upfront"})
            reserved[sku].update(_term(sku, "NQ3QZPMQV9", effective, "0.0000000000", "USD 0.0 per hour",
                                       {"LeaseContractLength": "3yr", "OfferingClass": "standard",
                                        "PurchaseOption": "All Upfront"}, upfront="625000"))
        # rows the refresh must skip, all for the same instance type
        add(instance, str(float(usd) * 1.2), "Windows", operatingSystem="Windows")
        add(instance, str(float(usd) * 1.1), "RHEL", operatingSystem="RHEL", licenseModel="No License required")
        add(instance, str(float(usd) * 1.3), "Dedicated", tenancy="Dedicated")
        add(instance, str(float(usd) * 1.5), "SQL Std", preInstalledSw="SQL Std")
        add(instance, "0.0000000000", "UnusedCR", capacitystatus="UnusedCapacityReservation")
        add(instance, "0.0000000000", "Capacity Block", marketoption="CapacityBlock", operation="RunInstances:CB")
    for number in range(filler):  # ordinary instances the accelerator filter drops
        add(f"m5.{number}xlarge", f"{0.096 * (number + 1):.10f}", "Linux")
    return {**HEADER, "offerCode": "AmazonEC2", "version": version,
            "publicationDate": f"{version[:4]}-{version[4:6]}-{version[6:8]}T00:00:00Z",
            "products": products, "terms": {"OnDemand": on_demand, "Reserved": reserved},
            "attributesList": {}}


def service_index() -> dict:
    return {**HEADER, "publicationDate": "2026-07-01T00:00:00Z", "offers": {"AmazonEC2": {
        "offerCode": "AmazonEC2", "versionIndexUrl": "/offers/v1.0/aws/AmazonEC2/index.json",
        "currentVersionUrl": "/offers/v1.0/aws/AmazonEC2/current/index.json",
        "currentRegionIndexUrl": "/offers/v1.0/aws/AmazonEC2/current/region_index.json",
        "savingsPlanVersionIndexUrl": "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/index.json",
        "currentSavingsPlanIndexUrl": "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json"}}}


def region_index() -> dict:
    current = VERSIONS[-1]
    return {**HEADER, "publicationDate": "2026-07-01T00:00:00Z", "regions": {
        region: {"regionCode": region, "currentVersionUrl": f"/offers/v1.0/aws/AmazonEC2/{current}/{region}/index.json"}
        for region in LOCATION}}


def version_index() -> dict:
    versions = {}
    for i, version in enumerate(VERSIONS):
        end = "" if i == len(VERSIONS) - 1 else f"{VERSIONS[i + 1][:4]}-{VERSIONS[i + 1][4:6]}-01T00:00:00Z"
        versions[version] = {"versionEffectiveBeginDate": f"{version[:4]}-{version[4:6]}-01T00:00:00Z",
                             "versionEffectiveEndDate": end,
                             "offerVersionUrl": f"/offers/v1.0/aws/AmazonEC2/{version}/index.json"}
    return {**HEADER, "publicationDate": "2026-07-01T00:00:00Z", "offerCode": "AmazonEC2",
            "currentVersion": VERSIONS[-1], "versions": versions}


def write_fixture_tree(out: Path) -> dict[str, Path]:
    """Writes the files under the paths the Bulk API uses; returns URL path -> file."""
    files = {
        "/offers/v1.0/aws/index.json": service_index(),
        "/offers/v1.0/aws/AmazonEC2/index.json": version_index(),
        "/offers/v1.0/aws/AmazonEC2/current/region_index.json": region_index(),
    }
    for i, version in enumerate(VERSIONS):
        for region in LOCATION:
            files[f"/offers/v1.0/aws/AmazonEC2/{version}/{region}/index.json"] = offer(i, region)
    written = {}
    for url_path, content in files.items():
        path = out / url_path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")  # AWS pretty-prints too
        written[url_path] = path
    return written


def aws_dumps(value, indent: int) -> str:
    """JSON as AWS pretty-prints its offer files: two spaces per level, ' : ' between key and value,
    for a value that starts `indent` spaces in."""
    return json.dumps(value, indent=2, separators=(",", " : ")).replace("\n", "\n" + " " * indent)


def write_big_offer(path: Path, megabytes: int) -> int:
    """An offer file of at least `megabytes` MB in the real layout (filler instances), written as a
    stream so that building it does not need the memory the benchmark measures. Returns its size."""
    base = offer(len(VERSIONS) - 1, filler=0)
    target = megabytes * 1_000_000
    with path.open("w", encoding="utf-8") as handle:
        def entries(items, indent: int) -> None:
            """Writes '"key" : value' entries of one JSON object, comma-separated."""
            first = True
            for key, value in items:
                handle.write(("" if first else ",\n") + " " * indent + f'"{key}" : '
                             + aws_dumps(value, indent))
                first = False

        def filler_products():
            yield from base["products"].items()
            number = 0
            while handle.tell() < target * 0.45:  # products are about 45% of a real file
                sku = _sku("big", str(number))
                filler.append((sku, f"m{number % 9}.{number}xlarge"))
                yield sku, _product(sku, filler[-1][1], "us-east-1")
                number += 1

        def filler_terms():
            yield from base["terms"]["OnDemand"].items()
            for sku, instance in filler:
                yield sku, _term(sku, "JRTCKXETXF", "2026-07-01T00:00:00Z", "0.0960000000",
                                 f"$0.096 per On Demand Linux {instance} Instance Hour")

        def reserved_padding():
            yield from base["terms"]["Reserved"].items()
            number = 0
            while handle.tell() < target:
                sku = _sku("reserved", str(number))
                yield sku, _term(sku, "38NPMPTW36", "2026-07-01T00:00:00Z", "0.0600000000", "reserved filler",
                                 {"LeaseContractLength": "3yr", "OfferingClass": "standard",
                                  "PurchaseOption": "No Upfront"})
                number += 1

        filler: list[tuple[str, str]] = []
        handle.write('{\n  "formatVersion" : "v1.0",\n  "disclaimer" : "benchmark fixture",\n'
                     '  "offerCode" : "AmazonEC2",\n  "version" : "20260701000000",\n'
                     '  "publicationDate" : "2026-07-01T00:00:00Z",\n  "products" : {\n')
        entries(filler_products(), 4)
        handle.write('\n  },\n  "terms" : {\n    "OnDemand" : {\n')
        entries(filler_terms(), 6)
        handle.write('\n    },\n    "Reserved" : {\n')
        entries(reserved_padding(), 6)
        handle.write('\n    }\n  },\n  "attributesList" : { }\n}\n')
        return handle.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", type=Path, help="folder for the fixture tree")
    parser.add_argument("--big-offer", type=Path, help="write one large offer file here instead")
    parser.add_argument("--megabytes", type=int, default=400)
    args = parser.parse_args()
    if args.big_offer:
        size = write_big_offer(args.big_offer, args.megabytes)
        print(f"{args.big_offer}: {size / 1e6:.0f} MB")
    else:
        for url_path, path in write_fixture_tree(args.out).items():
            print(url_path, "->", path)


if __name__ == "__main__":
    main()
