"""`chipledger refresh`: pull AWS prices, SEC EDGAR figures and MLPerf results into the ledger.

Every refresh downloads into a cache folder, parses, and merges its rows into data/ only after the
whole new ledger has passed validation in a scratch copy; on any failure data/ is left byte for byte
as it was. Rows a refresh wrote are recognised by their source_id (aws-price-list-..., sec-...); rows
entered by hand are never deleted or overwritten. A second run on the same inputs changes nothing.

Modules: http (downloads, retries, the cache), merge (all or nothing), aws (the AWS Price List), sec
(SEC EDGAR companyfacts), mlperf (MLCommons' summary_results.json).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import aws, aws_scan  # noqa: F401 (modules the tests reach)
from .aws import AWS_PRICING, parse_offer, refresh_aws_prices, top_level_kind
from .errors import RefreshError, Summary
from .http import Fetcher, default_cache
from .mlperf import parse_results, refresh_mlperf
from .sec import SEC_COMPANYFACTS, refresh_sec, sec_rows, sec_user_agent

__all__ = ["AWS_PRICING", "Fetcher", "RefreshError", "SEC_COMPANYFACTS", "Summary", "parse_offer", "parse_results",
           "refresh_aws_prices", "refresh_mlperf", "refresh_sec", "run", "sec_rows", "sec_user_agent", "top_level_kind"]


def run(kind: str, regions: Iterable[str] | None = None, source: str | None = None, history: int = 0,
        timeout_s: float = 60.0, keep_cache: bool = False) -> Summary:
    """Entry point of the CLI. regions: None for the default (us-east-1)."""
    if not (isinstance(timeout_s, (int, float)) and 0 < timeout_s <= 3600):
        raise RefreshError(f"--timeout: value {timeout_s!r} is not a number of seconds in (0, 3600]")
    if not (isinstance(history, int) and 0 <= history <= 100):
        raise RefreshError(f"--history: value {history!r} is not a whole number from 0 to 100")
    if kind == "aws-prices":
        fetcher = Fetcher(cache=default_cache(), timeout_s=timeout_s)
        return refresh_aws_prices(None if regions is None else list(regions), source or AWS_PRICING, history, fetcher,
                                  keep_cache=keep_cache)
    if kind == "sec":
        src = source or SEC_COMPANYFACTS
        headers = {"User-Agent": sec_user_agent()} if src.startswith("http") else {}
        fetcher = Fetcher(cache=default_cache(), timeout_s=timeout_s, headers=headers)
        return refresh_sec(src, fetcher)
    if kind == "mlperf":
        if not source:
            raise RefreshError("refresh mlperf needs --source: a round's summary_results.json, as a URL or a file")
        return refresh_mlperf(source, Fetcher(cache=default_cache(), timeout_s=timeout_s))
    raise RefreshError(f"unknown refresh {kind!r}")
