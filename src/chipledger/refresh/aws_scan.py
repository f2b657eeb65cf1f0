"""The fast path through an EC2 offer file in AWS's own layout: find the few accelerator products and
their terms by scanning the bytes, and parse only those objects.

An offer file is hundreds of MB of pretty-printed JSON in a fixed layout (two spaces per level,
products at four spaces, a SKU's terms at six):

      "products" : {
        "SKU" : {                    <- a product, closed by "\\n    }"
          ...
            "instanceType" : "p5.48xlarge",
      ...
      "terms" : {
        "OnDemand" : {
          "SKU" : {                  <- that product's on-demand terms, closed by "\\n      }"

`scan()` reads the file once in chunks for `"instanceType" : "<family>` and once more, from the
terms, for the wanted SKUs; each object it finds is parsed with json.loads (bounded in size and
depth). Anything that does not fit the layout returns None, and the caller parses the whole file as
a stream instead (the same results, slower; a test checks they are equal).
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from .errors import RefreshError

CHUNK = 4 << 20
OVERLAP = 256 << 10
MAX_OBJECT_BYTES = 4 << 20
"""A product's or a SKU's terms object in AWS's files is a few KB; more is not the usual layout."""
_PRODUCTS = re.compile(rb'\n  "products"\s*:\s*\{')
_SECTIONS = re.compile(rb'\n    "(OnDemand|Reserved)"\s*:\s*\{')


def _matches(path: Path, pattern: re.Pattern, start: int = 0, end: int | None = None):
    """Offsets and matches of `pattern` in path[start:end], read in overlapping chunks (each match once)."""
    end = path.stat().st_size if end is None else end
    seen = -1
    with path.open("rb") as handle:
        position = start
        while position < end:
            handle.seek(position)
            block = handle.read(min(CHUNK + OVERLAP, end - position))
            for match in pattern.finditer(block):
                offset = position + match.start()
                if offset > seen:
                    seen = offset
                    yield offset, match
            if position + len(block) >= end:
                break
            position += CHUNK


def _object_at(handle, start: int, closer: bytes, where: str, path: str) -> dict | None:
    """The JSON object whose opening line starts at `start` (its '{' is on that line) and whose
    closing brace is the first `closer` after it; None if it is not there or too big."""
    handle.seek(start)
    block = handle.read(MAX_OBJECT_BYTES)
    close = block.find(closer)
    brace = block.find(b"{")
    if close < 0 or brace < 0 or brace > close:
        return None
    text = block[brace:close + len(closer)]
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    except RecursionError:
        raise RefreshError(f"{where}: {path}: nested too deeply to be an offer's object") from None
    return value if isinstance(value, dict) else None


def scan(path: Path, families: tuple[str, ...], terms_at: int | None
         ) -> tuple[dict[str, dict], dict[str, dict[str, dict]]] | None:
    """(products, terms) for the products of an offer file in AWS's layout whose instanceType is of
    `families`: products {sku: product}, terms {"OnDemand"|"Reserved": {sku: terms}}; None if the
    file is not laid out as AWS lays it out (the caller then parses the whole file). terms_at: the
    offset of the top-level "terms" key (refresh.aws._terms_offset), None where there is none."""
    where = str(path)
    first_products = next(_matches(path, _PRODUCTS, 0, min(path.stat().st_size, CHUNK)), None)
    if first_products is None or terms_at is None:
        return None
    products_at = first_products[0]
    family = b"|".join(re.escape(f.encode()) for f in families)
    instance = re.compile(rb'"instanceType"\s*:\s*"(?:' + family + rb')[^"\n]{0,64}"')
    opener = re.compile(rb'\n    "([A-Za-z0-9]{1,64})"\s*:\s*\{[ \t]*\n')
    products: dict[str, dict] = {}
    with path.open("rb") as handle:
        for offset, _ in _matches(path, instance, products_at, terms_at):
            handle.seek(max(products_at, offset - 65536))
            before = handle.read(offset - max(products_at, offset - 65536))
            heads = list(opener.finditer(before))
            if not heads:
                return None
            head = heads[-1]
            start = max(products_at, offset - 65536) + head.start()
            sku = head.group(1).decode("ascii")
            if sku in products:
                continue
            product = _object_at(handle, start, b"\n    }", where, f"products.{sku}")
            if product is None or product.get("sku", sku) != sku or not isinstance(product.get("attributes"), dict):
                return None
            products[sku] = product
        if not products:
            return {}, {"OnDemand": {}, "Reserved": {}}
        sections = [(offset, match.group(1).decode()) for offset, match in
                    itertools.islice(_matches(path, _SECTIONS, terms_at), 2)]
        if [name for _, name in sections][:2] not in (["OnDemand", "Reserved"], ["OnDemand"]):
            return None
        wanted = re.compile(rb'\n      "(' + b"|".join(re.escape(s.encode()) for s in sorted(products)) + rb')"\s*:\s*(.)')
        terms: dict[str, dict[str, dict]] = {"OnDemand": {}, "Reserved": {}}
        for offset, match in _matches(path, wanted, terms_at):
            section = [name for at, name in sections if at < offset]
            if not section:
                return None
            sku = match.group(1).decode("ascii")
            if match.group(2) != b"{":
                return None  # a SKU's terms that are not an object: the stream parser says where
            value = _object_at(handle, offset, b"\n      }", where, f"terms.{section[-1]}.{sku}")
            if value is None:
                return None
            terms[section[-1]][sku] = value
    return products, terms
