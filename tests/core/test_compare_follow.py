"""Following a copy's source link: a real aggregator site and a real original site, each served
on 127.0.0.1 (two servers, two sites), the original not subscribed; the copy is stored from
the aggregator's feed, its page fetched for its links, the best links fetched and compared."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from newsreader.compare import load_document
from newsreader.compare.follow import follow_source, rank_links, site
from newsreader.compare.links import page_outlinks
from newsreader.compare.model import Document, OutLink
from newsreader.models import Subscription
from newsreader.sources.fetch import Fetcher, FetchSettings, fetch_html
from newsreader.sources.parse import parse_feed
from newsreader.store import Store

from support.paths import PAIRS, ROOT, SHARED
from support.server import LocalServer
from support.sites import article_page, feed

COPY = (ROOT / "seeds" / "000_2f754f0fdfd46775.txt").read_text()
ORIGINAL = (ROOT / "seeds" / "001_8e37780b18e596c7.txt").read_text()
PLAIN = SHARED / "corpora" / "articles" / "plain"


def pages(fetcher: Fetcher):
    """What the session passes to follow_source: its client's fetch_html."""
    return lambda url: fetch_html(url, fetcher)


@pytest.fixture
def origin():
    server = LocalServer().start()
    try:
        yield server
    finally:
        server.stop()


def _store_copy(tmp_path: Path, agg: LocalServer, copy_url: str, summary: str) -> Document:
    """Subscribe to the aggregator only, store its feed, load the copy from the store."""
    feed_url = agg.add("/feed.xml", feed([("US and China trade talks", copy_url, summary)]))
    store = Store(tmp_path / "news.db")
    store.sync_subscriptions([Subscription(feed_url)])

    async def fetch():
        async with Fetcher() as fetcher:
            return await fetcher.fetch(feed_url)

    got = asyncio.run(fetch())
    assert got.body is not None, got.error
    store.save_feed(feed_url, parse_feed(got.body, feed_url, got.content_type))
    (art,) = store.articles()
    doc = load_document(f"article:{art.id}", store=store)
    store.close()
    return doc


def test_follow_finds_the_original_among_share_tag_and_related_links(
    tmp_path: Path, http_server: LocalServer, origin: LocalServer
) -> None:
    agg = http_server
    original_url = origin.add(
        "/2023/11/14/us-china-talks-story.html", article_page(ORIGINAL), content_type="text/html"
    )
    other = (PLAIN / "sudan-sanctions.txt").read_text() if PLAIN.is_dir() else ORIGINAL[:1500]
    decoy_url = origin.add(
        "/2023/11/13/background-report.html", article_page(other), content_type="text/html"
    )
    copy_path = "/world/us-china-rivalry-veering-into-conflict/"
    share = (
        "<div class='share-buttons'>"
        f"<a href='https://www.facebook.com/sharer/sharer.php?u={agg.url(copy_path)}'>Share</a>"
        "<a href='https://twitter.com/intent/tweet?text=x'>Tweet</a>"
        "<a href='https://wa.me/?text=x'>WhatsApp</a></div>"
    )
    related = (
        "<aside class='related'><h3>Related</h3>"
        f"<a href='{agg.url('/world/another-copied-story/')}'>Another copied story</a>"
        f"<a href='{decoy_url}'>Sudan sanctions lifted</a></aside>"
    )
    body = (
        f"<p>Tags: <a href='{agg.url('/tag/us-china/')}'>US-China</a></p>{share}"
        f"<p>Source link: <a href='{original_url}' rel='nofollow'>Financial Times</a></p>"
        f"<p><a href='{agg.url('/author/admin/')}'>Posts by admin</a></p>"
    )
    agg.add(copy_path, article_page(COPY, extra_body=body + related), content_type="text/html")
    doc = _store_copy(tmp_path, agg, agg.url(copy_path), "Talks between Washington and Beijing.")
    assert doc.url == agg.url(copy_path)

    async def run():
        async with Fetcher(FetchSettings(deadline=20)) as fetcher:
            return await follow_source(doc, pages(fetcher))

    found = asyncio.run(run())
    assert found.best is not None, found.message
    assert found.best.url == original_url and found.best.derived
    assert found.best.confidence >= 0.9 and found.best.result is not None
    assert found.best.result.report.coverage > 0.5
    assert "original" in found.message and "Found" in found.message
    # The copy page was read for its links (the feed had none); share, tag, author, own-site
    # and furniture links were never requested; the decoy, if tried, is not derived.
    assert agg.hits(copy_path)
    asked = {r.path for r in agg.requests} | {r.path for r in origin.requests}
    assert not any(p.startswith(("/tag/", "/author/", "/category/")) for p in asked)
    assert not agg.hits("/world/another-copied-story/")
    for cand in found.candidates:
        if cand.url == decoy_url:
            assert not cand.derived


def test_follow_says_so_when_the_linked_page_is_an_independent_article(
    tmp_path: Path, http_server: LocalServer, origin: LocalServer
) -> None:
    if not PLAIN.is_dir():
        pytest.skip("needs ../shared/corpora/articles/plain")
    independent = (PAIRS / "tunisia_independent.txt").read_text()
    report = origin.add(
        "/world/2015/03/18/tunisia-museum-attack.html",
        article_page((PLAIN / "tunisia-museum.txt").read_text()),
        content_type="text/html",
    )
    body = f"<p>Originally reported by <a href='{report}'>a news agency</a>.</p>"
    page = http_server.add(
        "/news/tunisia-siege/", article_page(independent, extra_body=body), content_type="text/html"
    )

    async def run():
        async with Fetcher() as fetcher:
            html_text, final = await fetch_html(page, fetcher)
            from newsreader.compare import document_from_html

            doc = document_from_html(html_text, final)
            return await follow_source(doc, pages(fetcher))

    found = asyncio.run(run())
    assert found.best is None
    assert [c.url for c in found.candidates] == [report]
    assert found.candidates[0].result is not None and not found.candidates[0].derived
    assert found.message.startswith("None of the 1 linked pages is the original")


def test_follow_reports_fetch_failures_and_pages_without_links(
    http_server: LocalServer, origin: LocalServer
) -> None:
    gone = origin.url("/2024/01/02/deleted-story.html")
    body = f"<p>Source: <a href='{gone}'>the original</a></p>"
    page_url = http_server.url("/story/")
    outlinks, canonical = page_outlinks(article_page(COPY, extra_body=body), page_url)
    doc = Document("t", page_url, [], url=page_url, outlinks=outlinks, canonical=canonical)

    async def run(d: Document):
        async with Fetcher() as fetcher:
            return await follow_source(d, pages(fetcher), read_copy_page=False)

    found = asyncio.run(run(doc))
    assert found.best is None and found.candidates[0].error
    assert "404" in (found.candidates[0].error or "") or "not found" in found.message.lower()
    assert "could not be read" in found.message
    lonely = Document("t", page_url, [], url=page_url, outlinks=[OutLink(page_url + "x/", "x")])
    found = asyncio.run(run(lonely))
    assert found.candidates == [] and "no page outside its own site" in found.message


def test_rank_links_cues() -> None:
    copy_url = "https://www.dailytrendz.example/world/story-copied/"
    links = [
        OutLink("https://www.facebook.com/sharer/sharer.php?u=x", "Share", zone="furniture"),
        OutLink("https://news.example.org/tag/china/", "China"),
        OutLink("https://news.example.org/", "Example News"),
        OutLink("https://blog.dailytrendz.example/2024/01/other-post/", "Other post"),
        OutLink("https://cdn.example.net/img/photo.jpg", "photo"),
        OutLink("https://www.example.com/2024/01/02/city-budget-vote", "city council", zone="page"),
        OutLink(
            "https://www.ft.com/content/1c2d3e4f-aaaa",
            "Financial Times",
            before="Reference:",
            zone="article",
            position=0.9,
        ),
    ]
    doc = Document(
        "Story copied",
        copy_url,
        [],
        url=copy_url,
        outlinks=links,
        canonical="https://www.dailytrendz.example/world/story-copied/",
    )
    ranked = rank_links(doc)
    assert [r.url for r in ranked] == [
        "https://www.ft.com/content/1c2d3e4f-aaaa",
        "https://www.example.com/2024/01/02/city-budget-vote",
    ]
    assert "Reference" in ranked[0].cue
    doc.canonical = "https://www.theoriginal.example/2024/story"
    assert rank_links(doc)[0].cue == "canonical URL"
    # A page on the internet never sends the app to the user's own network.
    doc.outlinks.append(OutLink("http://192.168.1.1/admin/settings-page", "Source", zone="article"))
    doc.outlinks.append(OutLink("http://localhost:8080/2024/01/story", "Source", zone="article"))
    assert not any("192.168" in r.url or "localhost" in r.url for r in rank_links(doc, limit=20))
    assert site("https://news.bbc.co.uk/a") == site("https://www.bbc.co.uk/b") == "bbc.co.uk"
    assert site("http://127.0.0.1:8001/a") != site("http://127.0.0.1:8002/a")


def test_outlinks_carry_text_label_zone_and_canonical() -> None:
    page = (
        "<html><head><link rel='canonical' href='https://orig.example/a/b'>"
        "<meta property='og:url' content='https://other.example/x'></head><body>"
        "<nav><a href='/home'>Home</a></nav><article><p>Text. Originally reported by "
        "<a href='https://orig.example/a/b'>The <b>Original</b></a>.</p></article>"
        "<a href='javascript:alert(1)'>x</a><a href='mailto:a@b.c'>mail</a></body></html>"
    )
    links, canonical = page_outlinks(page, "https://copy.example/p/")
    assert canonical == "https://orig.example/a/b"
    assert [(link.url, link.zone) for link in links] == [
        ("https://copy.example/home", "furniture"),
        ("https://orig.example/a/b", "article"),
    ]
    assert links[1].text == "The Original" and links[1].before.endswith("Originally reported by")
