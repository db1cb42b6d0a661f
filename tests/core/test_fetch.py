"""The HTTP client against a real local server: validators, caps, compression, redirects,
status codes and Retry-After."""

from __future__ import annotations

import gzip
import zlib

import pytest

from newsreader.sources.discover import discover_feeds, find_feed_links
from newsreader.sources.fetch import Fetcher, FetchSettings, decode_html, retry_after_seconds

from support.server import LocalServer

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


async def test_conditional_get_sends_validators(http_server: LocalServer) -> None:
    url = http_server.add("/f.xml", FEED)
    async with Fetcher() as f:
        first = await f.fetch(url)
        assert first.status == 200 and first.body == FEED and first.etag
        again = await f.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.body is None
    sent = http_server.hits("/f.xml")[1].headers
    assert sent["if-none-match"] == first.etag and "if-modified-since" in sent
    assert "newsreader" in sent["user-agent"].lower()


async def test_size_cap_and_gzip_bomb(http_server: LocalServer) -> None:
    http_server.add("/big.xml", b"<rss>" + b"x" * 300_000)
    bomb = gzip.compress(b"\0" * 20_000_000)
    http_server.add("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    deflated = zlib.compress(FEED)
    http_server.add("/deflate.xml", deflated, headers={"Content-Encoding": "deflate"})
    async with Fetcher(FetchSettings(max_bytes=100_000)) as f:
        big = await f.fetch(http_server.url("/big.xml"))
        boom = await f.fetch(http_server.url("/bomb.xml"))
        ok = await f.fetch(http_server.url("/deflate.xml"))
    assert big.error and "size cap" in big.error
    assert boom.error and "cap" in boom.error
    assert ok.body == FEED


async def test_redirects(http_server: LocalServer) -> None:
    http_server.add("/a", b"", status=302, headers={"Location": "/b"}, conditional=False)
    http_server.add("/b", b"", status=301, headers={"Location": "/a"}, conditional=False)
    http_server.add("/file", b"", status=302, headers={"Location": "file:///etc/passwd"})
    http_server.add("/ok", b"", status=302, headers={"Location": "/f.xml"})
    http_server.add("/f.xml", FEED)
    async with Fetcher() as f:
        loop = await f.fetch(http_server.url("/a"))
        scheme = await f.fetch(http_server.url("/file"))
        ok = await f.fetch(http_server.url("/ok"))
    assert loop.error and "redirect" in loop.error
    assert scheme.error and "file" in scheme.error.lower()
    assert ok.body == FEED and ok.final_url == http_server.url("/f.xml")


@pytest.mark.parametrize(
    ("status", "needle"), [(404, "404"), (410, "gone"), (500, "500"), (403, "403")]
)
async def test_status_errors(http_server: LocalServer, status: int, needle: str) -> None:
    url = http_server.add("/s", b"no", status=status, conditional=False)
    async with Fetcher() as f:
        res = await f.fetch(url)
    assert res.error and needle in res.error.lower()


async def test_retry_after(http_server: LocalServer) -> None:
    url = http_server.add(
        "/busy", b"", status=429, headers={"Retry-After": "120"}, conditional=False
    )
    async with Fetcher() as f:
        res = await f.fetch(url)
    assert res.error and res.retry_after == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after_seconds("garbage") is None


def test_decode_html_charsets() -> None:
    assert decode_html("é".encode("latin-1"), "text/html; charset=iso-8859-1") == "é"
    assert decode_html(b'<meta charset="utf-8">\xc3\xa9', None).endswith("é")


async def test_discovery(http_server: LocalServer) -> None:
    http_server.add(
        "/page",
        b'<html><head><link rel="alternate" type="application/rss+xml" title="Site" '
        b'href="/feed.xml"></head></html>',
        "text/html",
    )
    http_server.add("/feed.xml", FEED)
    http_server.add("/bare", b"<html><body>no links</body></html>", "text/html")
    async with Fetcher() as f:
        linked = await discover_feeds(http_server.url("/page"), f)
        direct = await discover_feeds(http_server.url("/feed.xml"), f)
        guessed = await discover_feeds(http_server.url("/bare"), f)
    assert linked[0].url == http_server.url("/feed.xml") and linked[0].title == "Site"
    assert direct[0].kind == "direct"
    assert [g.url for g in guessed] == [http_server.url("/feed.xml")]
    assert find_feed_links('<link rel="alternate" type="text/html" href="/x">', "http://a/") == []
