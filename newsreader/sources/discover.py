"""Find the feed behind a URL a user typed: the feed itself, a page's `<link rel=alternate>`,
or a common feed path on the same site."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newsreader.errors import UserError
from newsreader.models import FetchResult
from newsreader.sources.fetch import Fetcher, decode_html
from newsreader.sources.parse import ParseError, parse_feed, sniff
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web

FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 1,
    "application/json": 2,
    "application/rdf+xml": 1,
    "application/xml": 3,
    "text/xml": 3,
}
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
)


class DiscoveryError(UserError):
    pass


@dataclass(slots=True)
class FoundFeed:
    url: str
    title: str | None
    kind: str = "link"  # "direct" | "link" | "guess"


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str, str | None]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]
        if tag != "link" or not a.get("href"):
            return
        rels = a.get("rel", "").lower().split()
        ctype = a.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and ctype in FEED_TYPES:
            self.links.append((FEED_TYPES[ctype], a["href"], a.get("title") or None))


def find_feed_links(html: str, page_url: str) -> list[FoundFeed]:
    """`<link rel="alternate" type="application/rss+xml" ...>` entries, best first."""
    finder = _LinkFinder()
    try:
        finder.feed(html[:2_000_000])
        finder.close()
    except Exception:  # html.parser is lenient; this only guards pathological input
        pass
    base = urljoin(page_url, finder.base) if finder.base else page_url
    out: list[FoundFeed] = []
    seen: set[str] = set()
    for _, href, title in sorted(finder.links, key=lambda t: t[0]):
        url = urljoin(base, href.strip())
        if not is_web(url) or url in seen:
            continue
        seen.add(url)
        out.append(FoundFeed(url, clean(title, 200) or None, "link"))
    return out


def _as_feed(res: FetchResult, url: str) -> FoundFeed | None:
    if res.error or not res.body:
        return None
    if sniff(res.body, url, res.content_type) == "text":
        return None
    try:
        parsed = parse_feed(res.body, res.final_url or url, res.content_type)
    except (ParseError, ValueError):
        return None
    if not parsed.articles and not parsed.title:
        return None
    return FoundFeed(res.final_url or url, parsed.title, "direct")


async def discover_feeds(url: str, fetcher: Fetcher) -> list[FoundFeed]:
    """Feeds for `url`, best first; raises DiscoveryError when the URL cannot be fetched."""
    res = await fetcher.fetch_page(url)
    if res.error:
        raise DiscoveryError(f"cannot fetch {url}: {res.error}")
    direct = _as_feed(res, url)
    if direct is not None:
        return [direct]
    page_url = res.final_url or url
    html = decode_html(res.body or b"", res.content_type)
    found = find_feed_links(html, page_url)
    if found:
        return found
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}"
    guesses = [root + p for p in COMMON_PATHS]
    if parts.path.strip("/"):
        guesses = [page_url.rstrip("/") + p for p in ("/feed", "/rss")] + guesses
    results = await asyncio.gather(*(fetcher.fetch_page(g) for g in guesses))
    out: list[FoundFeed] = []
    for guess, r in zip(guesses, results, strict=True):
        feed = _as_feed(r, guess)
        if feed is not None and all(f.url != feed.url for f in out):
            feed.kind = "guess"
            out.append(feed)
    return out
