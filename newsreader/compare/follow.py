"""Follow a copy's source link: rank the copy page's outgoing links, fetch the best few, compare.

Content farms usually credit what they copied: a "Source link" / "Reference" / "Originally
reported by" / "via" line, the original's headline as a link, or a canonical / og:url that
points at another site. `rank_links` scores every link of the copy's page by these cues and
drops what is never a source (the copy's own site, share and social buttons, tag, category,
author and account pages, home pages, images and feeds). `follow_source` fetches the best few
with the fetch function it is given (the session's client: size caps, timeouts, concurrency
limits), extracts each page
(trafilatura, as everywhere), compares the copy with it and returns every candidate with what
was fetched and the verdict, best first; `best` is set only for a page the copy is derived
from. Nothing here blocks an event loop: parsing, extraction and comparison run in threads.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsreader.compare.engine import compare
from newsreader.compare.links import page_outlinks
from newsreader.compare.model import CompareResult, Document, OutLink
from newsreader.errors import UserError
from newsreader.text.safetext import clean

# url -> (html, final url); raises a UserError (a FetchError) when the page cannot be had.
# The session passes its Fetcher's `fetch_html` (the user's caps and timeouts).
FetchPage = Callable[[str], Awaitable[tuple[str, str]]]

TRIES = 3  # links fetched at most
MIN_LINK_SCORE = 1.0  # weaker links are not worth a request

_SOURCE_CUE = re.compile(
    r"\b(?:source(?:\s+(?:link|article|url))?|sources|references?|"
    r"originally\s+(?:published|reported|posted|appeared|written)|"
    r"first\s+(?:published|appeared|reported|posted)|original\s+(?:article|story|report|post|"
    r"source|link)|read\s+(?:the\s+)?(?:full|original|complete|entire)\s+(?:story|article|"
    r"report|post)|full\s+(?:story|article|report)|read\s+more\s+(?:at|on)|continue\s+reading|"
    r"via|h/t|hat\s+tip|courtesy(?:\s+of)?|credits?|reported\s+by|published\s+(?:by|in|on|at)|"
    r"according\s+to|this\s+(?:article|story)\s+(?:was|is)|republished|syndicated)\b",
    re.I,
)
_NOT_SOURCE_TEXT = re.compile(
    r"\b(?:share|shares|tweet|pin\s+it|e-?mail|print|comments?|reply|subscribe|sign\s+(?:up|in)|"
    r"log\s?in|register|follow|like\s+us|tags?|categor(?:y|ies)|topics?|posts?\s+by|"
    r"view\s+all|more\s+from|related|read\s+also|also\s+read|you\s+may\s+also|recommended|"
    r"trending|popular|newsletter|advertis\w*|privacy|cookies?|terms|contact|about\s+us|home)\b",
    re.I,
)
_SOCIAL = re.compile(
    r"(?:^|\.)(?:facebook|fb|twitter|x|t|linkedin|pinterest|reddit|whatsapp|wa|telegram|"
    r"instagram|tumblr|vk|ok|weibo|line|flipboard|mix|getpocket|digg|buffer|addtoany|"
    r"sharethis|youtube|youtu|tiktok|gravatar|snapchat|threads|bsky|mastodon|discord|"
    r"messenger|skype|viber)\.[a-z.]+$"
)
_APP_STORES = ("apps.apple.com", "play.google.com", "itunes.apple.com")
_NOT_ARTICLE_PATH = re.compile(
    r"/(?:tags?|categor(?:y|ies)|topics?|sections?|authors?|users?|profiles?|people|members?|"
    r"search|feeds?|rss|atom|login|log-in|signin|sign-in|signup|sign-up|register|subscribe|"
    r"newsletters?|about(?:-us)?|contact(?:-us)?|privacy(?:-policy)?|terms(?:-of-\w+)?|"
    r"cookies?|advertise|sharer?|intent|share\.php|wp-login\.php|cart|account)(?:/|\.|$)",
    re.I,
)
_NOT_PAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|xml|rss|mp3|mp4|zip)$", re.I)
_SHARE_QUERY = re.compile(r"(?:^|&)(?:u|url|text|share|shareurl|href)=", re.I)
_SECOND_LEVEL = frozenset("co com org net gov ac edu ne or go gob mil nic".split())


def site(url: str) -> str:
    """The site a URL belongs to: its registrable domain ("news.bbc.co.uk" -> "bbc.co.uk"),
    with the port when one is given (two local servers are two sites)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    labels = host.split(".")
    if not re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host) and len(labels) > 2:
        keep = 3 if labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
        host = ".".join(labels[-keep:])
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


@dataclass(slots=True)
class RankedLink:
    url: str
    score: float
    cue: str  # what made it a candidate, for the user ("canonical URL", "link text ...")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def _score_link(link: OutLink, title_words: set[str]) -> tuple[float, str]:
    parts = urlsplit(link.url)
    path = parts.path or "/"
    text = link.text.strip()
    before = link.before[-48:]
    score = 0.0
    cues: list[str] = []
    if _SOURCE_CUE.search(text) or _SOURCE_CUE.search(before):
        label = clean(text if _SOURCE_CUE.search(text) else before, 60)
        score += 3.0
        cues.append(f"source cue “{label}”")
    words = _words(text)
    if title_words and len(words) >= 3:
        overlap = len(words & title_words) / len(words | title_words)
        if overlap >= 0.4:
            score += 2.5
            cues.append("link text is the headline")
    if _NOT_SOURCE_TEXT.search(text) and not cues:
        score -= 2.5
    segments = [s for s in path.split("/") if s]
    slug = segments[-1] if segments else ""
    if len(segments) >= 2 or slug.count("-") >= 2 or re.search(r"\d{4,}", path):
        score += 1.0  # shaped like an article's address
        if not cues:
            cues.append("article link")
    if link.zone == "article":
        score += 0.5
    elif link.zone == "furniture":
        score -= 1.0
    if link.position >= 0.6 and link.zone != "furniture":
        score += 0.3  # source credits close the text
    return score, "; ".join(cues) or "outgoing link"


def _local(host: str) -> bool:
    """A loopback, private or link-local address (or localhost): never reached from a page
    on the internet (a hostile page must not make the app probe the user's network)."""
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved


def _never_source(url: str, own: set[str], local_ok: bool = False) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if site(url) in own or not host:
        return True
    if not local_ok and _local(host):
        return True
    if _SOCIAL.search(host) or host in _APP_STORES:
        return True
    path = parts.path or "/"
    if path in ("/", "") and not parts.query:
        return True  # a home page
    return bool(
        _NOT_ARTICLE_PATH.search(path) or _NOT_PAGE.search(path) or _SHARE_QUERY.search(parts.query)
    )


def rank_links(copy: Document, limit: int = 10) -> list[RankedLink]:
    """The copy page's links that may lead to its source, best first (score >= 1)."""
    pages = [u for u in (copy.url, copy.source) if u and u.startswith(("http:", "https:"))]
    own = {site(u) for u in pages}
    # Local links only from a local copy (a page served on this machine or its network).
    local_ok = any(_local((urlsplit(u).hostname or "").lower()) for u in pages)
    title_words = _words(copy.title or "")
    ranked: dict[str, RankedLink] = {}
    if copy.canonical and not _never_source(copy.canonical, own, local_ok):
        ranked[copy.canonical] = RankedLink(copy.canonical, 5.0, "canonical URL")
    links = copy.outlinks or [OutLink(u, "") for u in copy.links]
    for link in links:
        if link.url in ranked or _never_source(link.url, own, local_ok):
            continue
        score, cue = _score_link(link, title_words)
        if score >= MIN_LINK_SCORE:
            ranked[link.url] = RankedLink(link.url, round(score, 2), cue)
    return sorted(ranked.values(), key=lambda r: -r.score)[:limit]


@dataclass(slots=True)
class SourceCandidate:
    """One followed link: what was fetched and what the comparison says."""

    url: str  # the link followed
    cue: str  # why it was followed
    link_score: float
    final_url: str | None = None  # after redirects
    title: str | None = None  # of the fetched page
    error: str | None = None  # why it could not be fetched or read (one line)
    result: CompareResult | None = None  # copy (left) against this page (right)

    @property
    def derived(self) -> bool:
        return self.result is not None and self.result.report.derived

    @property
    def confidence(self) -> float:
        return self.result.report.derived_confidence if self.result is not None else 0.0


@dataclass(slots=True)
class FollowResult:
    copy: Document  # the copy as compared (its page's text when the store had a summary)
    candidates: list[SourceCandidate] = field(default_factory=list)  # best first
    best: SourceCandidate | None = None  # the page the copy is derived from, if any
    message: str = ""  # one plain sentence for the user


def _words_of(doc: Document) -> int:
    return sum(len(s.text.split()) for s in doc.segments if s.kind != "boilerplate")


async def _read_copy_page(copy: Document, fetch: FetchPage) -> Document:
    """The copy with its page's links and canonical URL; with the page's text too when the
    store had only the feed's summary of it."""
    from newsreader.compare.load import LoadError, document_from_html

    assert copy.url is not None
    try:
        html, final = await fetch(copy.url)
    except UserError:
        return copy
    links, canonical = await asyncio.to_thread(page_outlinks, html, final or copy.url)
    known = {link.url for link in copy.outlinks}
    copy.outlinks = copy.outlinks + [link for link in links if link.url not in known]
    copy.canonical = canonical
    try:
        page = await asyncio.to_thread(document_from_html, html, final or copy.url)
    except LoadError:
        return copy
    if _words_of(page) > 1.2 * _words_of(copy):
        page.source, page.article_id = copy.source, copy.article_id
        page.outlinks, page.canonical = copy.outlinks, copy.canonical
        return page
    return copy


async def _try(copy: Document, link: RankedLink, fetch: FetchPage) -> SourceCandidate:
    from newsreader.compare.load import LoadError, document_from_html

    cand = SourceCandidate(link.url, link.cue, link.score)
    try:
        html, final = await fetch(link.url)
    except UserError as exc:
        cand.error = clean(str(exc), 300)
        return cand
    cand.final_url = final
    try:
        original = await asyncio.to_thread(document_from_html, html, final or link.url)
    except LoadError as exc:
        cand.error = clean(str(exc), 300)
        return cand
    cand.title = original.title
    cand.result = await asyncio.to_thread(compare, copy, original)
    return cand


async def follow_source(
    copy: Document, fetch: FetchPage, *, tries: int = TRIES, read_copy_page: bool = True
) -> FollowResult:
    """Fetch the copy's most likely source links and compare the copy with each.

    `copy` is the loaded copy (a stored article, a fetched page or a file). When it knows the
    page it came from (`copy.url`) but not that page's links (a stored article keeps only the
    feed's HTML), the page is fetched first to read its links and canonical URL (unless
    `read_copy_page` is false). At most `tries` links are fetched, concurrently, with `fetch`
    (the session's client: the user's caps and timeouts). Never raises for a network or page
    failure: each candidate
    says what went wrong.
    """
    if read_copy_page and copy.url and (not _has_cue(copy) or _words_of(copy) < 150):
        copy = await _read_copy_page(copy, fetch)
    ranked = rank_links(copy, limit=max(1, tries))
    if not ranked:
        return FollowResult(copy, message="The copy links to no page outside its own site.")
    found = await asyncio.gather(*(_try(copy, link, fetch) for link in ranked))
    order = sorted(found, key=lambda c: (-c.derived, -c.confidence, -c.link_score))
    best = order[0] if order and order[0].derived else None
    if best is not None:
        where = clean(best.final_url or best.url, 200)
        message = f"Found the original at {where} (confidence {best.confidence:.2f})."
    else:
        failed = sum(c.error is not None for c in order)
        message = (
            f"None of the {len(order)} linked pages is the original"
            + (f" ({failed} could not be read)" if failed else "")
            + "."
        )
    return FollowResult(copy, order, best, message)


def _has_cue(copy: Document) -> bool:
    return any(r.cue != "article link" and r.score >= 3 for r in rank_links(copy, limit=3))
