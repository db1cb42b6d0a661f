"""Web pages and feeds of a small news site, for the tests that serve one on 127.0.0.1."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager

from support.paths import SEEDS
from support.server import LocalServer


def article_page(text: str, *, extra_body: str = "", head: str = "", chrome: bool = True) -> str:
    """An article page: headline, paragraphs, and the usual furniture around them."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    title = html.escape(paras[0])
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
    nav = (
        "<nav><a href='/'>Home</a> <a href='/category/world/'>World</a> "
        "<a href='/tag/china/'>China</a> <a href='/about-us/'>About us</a></nav>"
        if chrome
        else ""
    )
    return (
        f"<html><head><title>{title}</title>{head}</head><body>{nav}"
        f"<article><h1>{title}</h1>{body}{extra_body}</article>"
        "<footer><a href='/privacy-policy/'>Privacy</a> <a href='/contact/'>Contact</a></footer>"
        "</body></html>"
    )


def feed(items: list[tuple[str, str, str]]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<guid>{html.escape(u)}</guid><description>{html.escape(d)}</description></item>"
        for t, u, d in items
    )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>DailyTrendz</title>"
        f"<link>http://example.invalid/</link>{entries}</channel></rss>"
    )


@contextmanager
def aggregator_and_original() -> Iterator[tuple[LocalServer, LocalServer, str, str]]:
    """Two sites on 127.0.0.1: an aggregator whose feed carries a copy of the seed article
    (its page links the original among tag, share and related links) and the original's site.
    Yields (aggregator, origin, the aggregator's feed URL, the original's URL)."""
    copy_text = (SEEDS / "000_2f754f0fdfd46775.txt").read_text()
    original_text = (SEEDS / "001_8e37780b18e596c7.txt").read_text()
    agg, origin = LocalServer().start(), LocalServer().start()
    try:
        original = origin.add("/2023/us-china-talks.html", article_page(original_text), "text/html")
        copy_path = "/world/us-china-lines/"
        extra = (
            f"<p>Tags: <a href='{agg.url('/tag/china/')}'>China</a></p>"
            "<a href='https://twitter.com/intent/tweet?text=x'>Tweet</a>"
            f"<p>Source link: <a href='{original}'>Financial Times</a></p>"
            f"<aside><h3>Related</h3><a href='{agg.url('/world/other/')}'>Other story</a></aside>"
        )
        agg.add(copy_path, article_page(copy_text, extra_body=extra), "text/html")
        feed_url = agg.add(
            "/feed.xml",
            feed([("US and China lines", agg.url(copy_path), "Talks between Washington.")]),
            "application/rss+xml",
        )
        yield agg, origin, feed_url, original
    finally:
        agg.stop()
        origin.stop()
