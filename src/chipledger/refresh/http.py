"""HTTP for the refreshes: downloads with retries, backoff and a cache; reading downloaded JSON."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import os
import re
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .errors import RefreshError


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
        if urllib.parse.urlsplit(source).scheme not in ("http", "https"):
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

    def forget(self, url: str) -> None:
        """Removes a downloaded file from the cache (a local file is never touched)."""
        if urllib.parse.urlsplit(url).scheme in ("http", "https"):
            (self.cache / _cache_name(url)).unlink(missing_ok=True)

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


def load_json(path: Path, what: str) -> dict:
    """A small JSON document (an index, a companyfacts file), depth and size bounded (refresh.guard)."""
    from .guard import load_json as guarded

    return guarded(path, what)


def key(document: dict, path: str, where: str):
    """document[a][b]... for path 'a.b'; a clear error naming the missing key."""
    value = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            raise RefreshError(f"{where}: the expected key {path!r} is missing (has the format changed?)")
        value = value[part]
    return value


def default_cache() -> Path:
    """build/cache/ next to the ledger, or $CHIPLEDGER_CACHE."""
    from .. import data

    return Path(os.environ.get("CHIPLEDGER_CACHE") or data.data_dir().parent / "build" / "cache")
