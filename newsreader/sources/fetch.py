"""HTTP and file fetching: one httpx client, polite limits, hard caps.

`Fetcher.fetch()` never raises for a feed's failure: it returns a `FetchResult` whose `error` is
one line a user can act on. Guarantees:

- one `httpx.AsyncClient` for the whole run; a global and a per-host concurrency limit;
- conditional GET (ETag / Last-Modified), a 304 returns `not_modified` without a body;
- connect/read timeouts and a total deadline per request (slow-drip bodies end);
- redirects followed by hand: at most `max_redirects`, http(s) only, loops detected;
- the body is streamed and capped twice: on the wire (compressed) and after gzip/deflate
  decoding (a gzip bomb stops at the cap, it is never inflated in memory);
- 429/503 with `Retry-After` are reported with the wait (the store skips the feed until then);
  a short wait (a few seconds) is honoured at once and the request retried once.
"""

from __future__ import annotations

import asyncio
import re
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx

from newsreader import __version__
from newsreader.config import Settings
from newsreader.errors import UserError
from newsreader.models import FetchResult
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web

USER_AGENT = (
    f"newsreader/{__version__} (terminal feed reader; +https://pypi.org/project/newsreader/)"
)
ACCEPT_FEED = (
    "application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.5"
_REDIRECTS = {301, 302, 303, 307, 308}
_SHORT_RETRY = 3.0  # seconds: a Retry-After this short is honoured within the run
_MAX_RETRY_AFTER = 24 * 3600.0
_DEFAULT_BUSY_WAIT = 300.0  # 429 without Retry-After: back off five minutes


class FetchError(UserError):
    """A page could not be fetched; the message says why (used by `fetch_html_sync`)."""


class _Stop(Exception):
    """Internal: abort a transfer with a user-facing message."""


@dataclass(slots=True)
class FetchSettings:
    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 45.0
    max_connections: int = 48
    per_host: int = 4
    max_redirects: int = 5
    user_agent: str = USER_AGENT


def fetch_settings(settings: Settings) -> FetchSettings:
    """The user's limits (size cap, timeouts, connections) for a Fetcher."""
    return FetchSettings(
        max_bytes=settings.max_bytes,
        read_timeout=settings.timeout,
        deadline=settings.deadline,
        max_connections=settings.max_connections,
        per_host=settings.per_host,
    )


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse a Retry-After header (delta seconds or an HTTP date); capped at one day."""
    if not value:
        return None
    value = value.strip()
    try:
        secs = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        secs = when - (now if now is not None else time.time())
    if secs != secs:  # NaN
        return None
    return max(0.0, min(secs, _MAX_RETRY_AFTER))


class _Decoder:
    """Streaming gzip/deflate decoder with an output cap (never inflates past `limit`)."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.size = 0
        self._raw_deflate_tried = False
        self._first = b""
        if encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(wbits=31)
        elif encoding == "deflate":
            self._z = zlib.decompressobj(wbits=15)
        else:
            raise _Stop(f"the server used an unsupported content encoding {encoding!r}")

    def feed(self, data: bytes) -> bytes:
        if self.encoding == "deflate" and not self._raw_deflate_tried and self.size == 0:
            self._first += data
            try:
                out = self._inflate(data)
            except zlib.error:
                # Many servers send raw deflate without the zlib header.
                self._raw_deflate_tried = True
                self._z = zlib.decompressobj(wbits=-15)
                out = self._inflate(self._first)
            return out
        return self._inflate(data)

    def _inflate(self, data: bytes) -> bytes:
        chunks: list[bytes] = []
        while data:
            room = self.limit - self.size + 1
            out = self._z.decompress(data, room)
            self.size += len(out)
            chunks.append(out)
            if self.size > self.limit:
                raise _Stop(
                    f"the feed decompresses to more than the {_mb(self.limit)} size cap "
                    "(raise max_bytes in config.toml if you trust it)"
                )
            data = self._z.unconsumed_tail
            if not out and data:  # no progress possible
                break
        return b"".join(chunks)

    def flush(self) -> bytes:
        try:
            out = self._z.flush()
        except zlib.error:
            return b""
        self.size += len(out)
        if self.size > self.limit:
            raise _Stop(f"the feed decompresses to more than the {_mb(self.limit)} size cap")
        return out


def _describe(exc: Exception, settings: FetchSettings) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"no connection within {settings.connect_timeout:g}s: the server may be down"
    if isinstance(exc, httpx.ReadTimeout):
        return f"the server stopped sending for {settings.read_timeout:g}s: try again later"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out: try again later"
    if isinstance(exc, httpx.ConnectError):
        msg = str(exc) or "connection refused"
        if "Name or service not known" in msg or "nodename" in msg or "getaddrinfo" in msg:
            return "cannot resolve the host name: check the URL or your network"
        return f"cannot connect ({msg[:120]}): check the URL or your network"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the connection broke mid-transfer ({str(exc)[:120]}): try again later"
    if isinstance(exc, httpx.HTTPError):
        return f"network error ({type(exc).__name__}: {str(exc)[:120]})"
    return f"unexpected error ({type(exc).__name__}: {str(exc)[:160]})"


class Fetcher:
    """Fetch feeds and pages. Create one per run (or per app) and `await aclose()` it."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = s = settings or FetchSettings()
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=None
            ),
            limits=httpx.Limits(
                max_connections=max(1, s.max_connections),
                max_keepalive_connections=8,  # pool scans cost O(idle connections) per request
            ),
            headers={"User-Agent": s.user_agent},
            transport=transport,
            trust_env=False,
        )
        self._global = asyncio.Semaphore(max(1, s.max_connections))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ public

    async def fetch(
        self, location: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch a feed (http(s) URL or local path); conditional when validators are given."""
        if not is_web(location):
            return await asyncio.to_thread(self._read_file, location)
        headers = {"Accept": ACCEPT_FEED}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._get(location, headers)

    async def fetch_page(self, url: str) -> FetchResult:
        """Fetch a web page (for discovery, full text and compare); never conditional."""
        if not is_web(url):
            return await asyncio.to_thread(self._read_file, url)
        return await self._get(url, {"Accept": ACCEPT_PAGE})

    # ------------------------------------------------------------------ internals

    def _read_file(self, location: str) -> FetchResult:
        started = time.monotonic()
        raw = location[7:] if location.lower().startswith("file://") else location
        path = Path(raw).expanduser()
        try:
            size = path.stat().st_size
            if size > self.settings.max_bytes:
                return FetchResult(
                    location,
                    error=f"file larger than the {_mb(self.settings.max_bytes)} size cap",
                )
            with path.open("rb") as fh:
                body = fh.read(self.settings.max_bytes + 1)
        except FileNotFoundError:
            return FetchResult(location, error=f"no such file: {path}")
        except IsADirectoryError:
            return FetchResult(location, error=f"{path} is a folder, not a feed file")
        except OSError as exc:
            return FetchResult(location, error=f"cannot read {path}: {exc.strerror or exc}")
        return FetchResult(
            location,
            final_url=str(path),
            status=200,
            body=body,
            content_type=None,
            elapsed=time.monotonic() - started,
        )

    def _host_sem(self, url: str) -> asyncio.Semaphore:
        host = (urlparse(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host))
        return sem

    async def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        started = time.monotonic()
        result = FetchResult(url)
        for attempt in range(2):
            try:
                # The deadline starts once a connection slot is ours, not while queued.
                async with self._host_sem(url), self._global:
                    async with asyncio.timeout(self.settings.deadline):
                        result = await self._follow(url, headers)
            except TimeoutError:
                result = FetchResult(
                    url,
                    error=f"gave up after {self.settings.deadline:g}s "
                    "(the server is too slow; try again later)",
                )
            except _Stop as exc:
                result = FetchResult(url, error=str(exc))
            except Exception as exc:
                result = FetchResult(url, error=_describe(exc, self.settings))
            wait = result.retry_after
            short = wait is not None and wait <= _SHORT_RETRY
            if attempt == 0 and result.status in (429, 503) and short and wait is not None:
                await asyncio.sleep(wait)
                continue
            break
        result.elapsed = time.monotonic() - started
        return result

    async def _follow(self, url: str, headers: dict[str, str]) -> FetchResult:
        seen: set[str] = set()
        current = url
        for _ in range(self.settings.max_redirects + 1):
            seen.add(current)
            async with self._client.stream("GET", current, headers=headers) as resp:
                if resp.status_code in _REDIRECTS:
                    target = resp.headers.get("location")
                    if not target:
                        return FetchResult(
                            url,
                            status=resp.status_code,
                            error=f"HTTP {resp.status_code} redirect without a Location",
                        )
                    nxt = urljoin(current, target.strip())
                    if not is_web(nxt):
                        scheme = urlparse(nxt).scheme.lower()
                        return FetchResult(
                            url,
                            status=resp.status_code,
                            error=f"refused a redirect to a {scheme or 'non-http'}: URL",
                        )
                    if nxt in seen:
                        return FetchResult(url, status=resp.status_code, error="redirect loop")
                    current = nxt
                    continue
                return await self._finish(url, current, resp)
        return FetchResult(
            url, error=f"more than {self.settings.max_redirects} redirects: check the URL"
        )

    async def _finish(self, url: str, final: str, resp: httpx.Response) -> FetchResult:
        code = resp.status_code
        h = resp.headers
        if code == 304:
            return FetchResult(
                url,
                final_url=final,
                status=304,
                not_modified=True,
                etag=h.get("etag"),
                last_modified=h.get("last-modified"),
            )
        if code in (429, 503):
            wait = retry_after_seconds(h.get("retry-after"))
            if wait is None and code == 429:
                wait = _DEFAULT_BUSY_WAIT
            busy = "too many requests" if code == 429 else "service unavailable"
            when = f"; retrying after {int(wait)}s" if wait else "; try again later"
            return FetchResult(
                url,
                final_url=final,
                status=code,
                error=f"HTTP {code} {busy}{when}",
                retry_after=wait,
            )
        if code >= 400:
            hint = {
                401: "the feed needs a login",
                403: "the server refuses access",
                404: "check the URL: the feed is not there",
                410: "the feed is gone for good: remove it",
            }.get(code, "the server failed; try again later" if code >= 500 else "check the URL")
            reason = clean(resp.reason_phrase or "", 80)
            return FetchResult(
                url, final_url=final, status=code, error=f"HTTP {code} {reason}: {hint}".strip()
            )
        if code >= 300 or code < 200:
            return FetchResult(url, final_url=final, status=code, error=f"unexpected HTTP {code}")
        body = await self._read_body(resp)
        return FetchResult(
            url,
            final_url=final,
            status=code,
            body=body,
            content_type=h.get("content-type"),
            etag=h.get("etag"),
            last_modified=h.get("last-modified"),
        )

    async def _read_body(self, resp: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _Stop(
                f"the server announced {_mb(int(declared))}, over the {_mb(cap)} size cap "
                "(raise max_bytes in config.toml if you trust it)"
            )
        encodings = [
            e.strip().lower()
            for e in resp.headers.get("content-encoding", "").split(",")
            if e.strip() and e.strip().lower() != "identity"
        ]
        decoders = [_Decoder(e, cap) for e in reversed(encodings)]
        out = bytearray()
        wire = 0
        async for chunk in _raw(resp):
            wire += len(chunk)
            if wire > cap:
                raise _Stop(
                    f"the response is larger than the {_mb(cap)} size cap "
                    "(raise max_bytes in config.toml if you trust it)"
                )
            for d in decoders:
                chunk = d.feed(chunk)
            out += chunk
            if len(out) > cap:
                raise _Stop(f"the response is larger than the {_mb(cap)} size cap")
        tail = b""
        for d in decoders:
            tail = d.feed(tail) + d.flush() if tail else d.flush()
        out += tail
        if len(out) > cap:
            raise _Stop(f"the response is larger than the {_mb(cap)} size cap")
        return bytes(out)


async def _raw(resp: httpx.Response) -> AsyncIterator[bytes]:
    async for chunk in resp.aiter_raw():
        yield chunk


# ---------------------------------------------------------------------- pages as text

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a web page: HTTP charset, then <meta charset>, then UTF-8, then a guess."""
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "replace"))
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None:
            return str(best)
    except Exception:  # pragma: no cover - optional helper
        pass
    return body.decode("utf-8", "replace")


async def fetch_html(url: str, fetcher: Fetcher | None = None) -> tuple[str, str]:
    """Fetch a web page as text; returns (html, final_url) or raises FetchError."""
    own = fetcher is None
    f = fetcher or Fetcher()
    try:
        res = await f.fetch_page(url)
    finally:
        if own:
            await f.aclose()
    if res.error or res.body is None:
        raise FetchError(res.error or "empty response")
    return decode_html(res.body, res.content_type), res.final_url or url


def fetch_html_sync(url: str, settings: FetchSettings | None = None) -> tuple[str, str]:
    """Blocking `fetch_html` for the CLI and thread workers (runs its own event loop)."""

    async def run() -> tuple[str, str]:
        async with Fetcher(settings) as f:
            return await fetch_html(url, f)

    return asyncio.run(run())
