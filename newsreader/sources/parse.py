"""Feed bytes -> `ParsedFeed`: RSS/Atom/RDF (feedparser), JSON Feed, and local text articles.

Safety and speed: feedparser's own sanitizer and relative-URI pass are switched off (they
dominate its run time). An entry's HTML is kept as it came (`keep_html`: capped, control
characters removed) with the base URL its relative links resolve against (`html_base`); the
store sanitizes it with nh3 when the article is read (`shown_html`), so that the many articles
never read are never sanitized. Its plain text is made here (`html_to_text` drops what the
sanitizer drops with its content: scripts, styles, comments ...).

DOCTYPE declarations are cut before XML parsing, so no entity expansion (billion laughs,
quadratic blowup) and no external entity can happen; the body is always handed to feedparser
as a stream, never as a string it could take for a path or URL. Every string is cleaned of
control characters and length-capped here.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsreader.errors import UserError
from newsreader.models import Enclosure, ParsedArticle, ParsedFeed
from newsreader.sources.fastparse import Unsupported, parse_common
from newsreader.text.safetext import clean, clean_block
from newsreader.text.sanitize import (
    article_text,
    html_to_text,
    keep_html,
    looks_like_html,
    text_to_html,
)
from newsreader.text.shape import is_kicker
from newsreader.text.urls import absolute_web_url as _http

MAX_ITEMS = 20_000
MAX_DECOMPRESSED = 32 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
_EPOCH = datetime(1970, 1, 2, tzinfo=UTC)


class ParseError(UserError):
    """The body is not a feed newsreader can read; the message says what it is instead."""


# ----------------------------------------------------------------------------- helpers


def _gunzip(body: bytes) -> bytes:
    d = zlib.decompressobj(wbits=47)
    try:
        out = d.decompress(body, MAX_DECOMPRESSED)
    except zlib.error as exc:
        raise ParseError(f"corrupt gzip data: {exc}") from exc
    if d.unconsumed_tail:
        raise ParseError("compressed feed expands beyond the 32 MB limit")
    return out


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_SUBSET_END = re.compile(rb"\]\s*>")


def strip_doctype(body: bytes) -> bytes:
    """Remove a DOCTYPE and its internal subset (entity declarations live there)."""
    m = _DOCTYPE.search(body, 0, 8192)
    if not m:
        return body
    start = m.start()
    gt = body.find(b">", start)
    br = body.find(b"[", start)
    if br != -1 and (gt == -1 or br < gt):
        end_m = _SUBSET_END.search(body, br)
        if not end_m:
            raise ParseError("malformed XML: a DOCTYPE declaration never ends")
        end = end_m.end()
    elif gt != -1:
        end = gt + 1
    else:
        raise ParseError("malformed XML: a DOCTYPE declaration never ends")
    return body[:start] + body[end:]


def _join(base: str, rel: str | None) -> str:
    if not rel:
        return base
    try:
        return urljoin(base, rel)
    except ValueError:
        return base


def _when(value: Any, now: datetime) -> datetime | None:
    """feedparser's struct_time (UTC) or an ISO string -> aware UTC datetime, clamped."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        else:
            dt = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (ValueError, OverflowError, TypeError, OSError):
        return None
    if dt < _EPOCH:
        return None
    return min(dt, now + timedelta(days=1))  # a date in the future sorts as "now"


def _guid(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for p in parts:
        h.update(str(p or "").encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return "sha:" + h.hexdigest()


def _cap_guid(guid: str) -> str:
    guid = clean(guid, None)
    return guid if len(guid) <= 512 else _guid(guid)


def _title(raw: str | None, is_html: bool, text: str, content_html: str) -> str:
    """The entry's title; without one, the start of its text (`text`, or derived from
    `content_html` when the caller left it for later)."""
    plain = html_to_text(raw) if raw and (is_html or looks_like_html(raw)) else (raw or "")
    title = clean(plain, 500)
    if not title:
        title = clean(text or article_text(content_html), 80) or "(untitled)"
    return title


def _finish(
    articles: list[ParsedArticle], title: str | None, link: str | None, warn: str | None, kind: str
) -> ParsedFeed:
    seen: set[str] = set()
    unique = []
    for a in articles:
        if a.guid in seen:  # duplicate guids: the first (newest in feed order) wins
            continue
        seen.add(a.guid)
        unique.append(a)
    if len(unique) > MAX_ITEMS:
        warn = f"feed has {len(unique)} items; kept the first {MAX_ITEMS}"
        unique = unique[:MAX_ITEMS]
    return ParsedFeed(clean(title, 300) or None, link, unique, warn, kind)


# ----------------------------------------------------------------------------- XML feeds

RDF = frozenset({"rss090", "rss10"})
_SLASH_DATE = re.compile(
    r"^\s*(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$"
)
_dates_registered = False


def _slash_date(value: str) -> Any:
    """`2020/1/10 14:33:00` (feedparser misreads it as 2020-11-01)."""
    m = _SLASH_DATE.match(value)
    if not m:
        return None
    y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, sec, tzinfo=UTC).utctimetuple()
    except ValueError:
        return None


def _register_dates() -> None:
    global _dates_registered
    if not _dates_registered:
        import feedparser

        feedparser.registerDateHandler(_slash_date)
        _dates_registered = True


def _entry(
    e: Any, base: str, now: datetime, feed_author: str | None, text_now: bool = True
) -> ParsedArticle:
    ebase = base
    contents = [c for c in e.get("content") or [] if (c.get("value") or "").strip()]
    best = None  # the longest non-empty content (atp.rss has 65 empty content:encoded)
    for c in contents:
        if best is None or len(c.get("value") or "") > len(best.get("value") or ""):
            best = c
    summary = e.get("summary") or ""
    sdetail = e.get("summary_detail") or {}
    if best is not None:
        ebase = _join(base, best.get("base"))
        raw, ctype = best.get("value") or "", best.get("type") or "text/html"
    else:
        ebase = _join(base, sdetail.get("base"))
        raw, ctype = summary, sdetail.get("type") or "text/html"
    html_base = None
    if "html" in ctype or looks_like_html(raw):
        content_html = keep_html(raw)  # sanitized when read from the store
        html_base = _http(ebase, None) or _http(base, None)
    else:
        content_html = text_to_html(raw)
    # A summary beside full content is never shown (the store keeps the content).
    summary_html = ""
    text = article_text(content_html) if text_now else ""  # else: the store derives it
    link = _http(e.get("link"), ebase)
    published = _when(dict.get(e, "published_parsed"), now)  # dict.get: no feedparser
    updated = _when(dict.get(e, "updated_parsed"), now)  # fallback mapping and warning
    tdetail = e.get("title_detail") or {}
    title = _title(e.get("title"), "html" in (tdetail.get("type") or ""), text, content_html)
    # An id made only of characters clean() removes (a BOM, controls) counts as no id.
    guid = (
        clean(e.get("id"), None)
        or clean(e.get("guid"), None)
        or link
        or _guid(title, published, (text or article_text(content_html))[:500])
    )
    author = clean(e.get("author"), 200) or feed_author
    enclosures: list[Enclosure] = []
    hrefs: set[str] = set()
    media = [m for m in e.get("media_content") or [] if m.get("medium") != "image"]
    for enc in [*(e.get("enclosures") or []), *media]:  # merged, de-duplicated by URL
        href = _http(enc.get("href") or enc.get("url"), ebase)
        if not href or href in hrefs:
            continue
        hrefs.add(href)
        try:
            length = int(enc.get("length") or enc.get("filesize") or 0) or None
        except (TypeError, ValueError):
            length = None
        enclosures.append(Enclosure(href, clean(enc.get("type"), 100) or None, length))
    return ParsedArticle(
        guid=_cap_guid(str(guid)),
        title=title,
        link=link,
        author=author,
        published=published or updated,
        updated=updated,
        summary_html=summary_html,
        content_html=content_html,
        html_base=html_base,
        text=text,
        enclosures=enclosures,
    )


# Character references to surrogates or beyond U+10FFFF crash feedparser's sgmllib path
# (chr(0xD800).encode("utf-8")): they stand for no character, so they become U+FFFD first.
_HEX_BAD = (
    rb"0*(?:[dD][89a-fA-F][0-9a-fA-F]{2}|1[1-9a-fA-F][0-9a-fA-F]{4}|[2-9a-fA-F][0-9a-fA-F]{5}"
    rb"|[1-9a-fA-F][0-9a-fA-F]{6,})"
)
_DEC_BAD = (
    rb"0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3]"
    rb"|111411[2-9]|11141[2-9][0-9]|1114[2-9][0-9]{2}|111[5-9][0-9]{3}|11[2-9][0-9]{4}"
    rb"|1[2-9][0-9]{5}|[2-9][0-9]{6}|[1-9][0-9]{7,})"
)
_BAD_CHARREF = re.compile(rb"&#(?:[xX]" + _HEX_BAD + rb"|" + _DEC_BAD + rb");")


def _feedparser(body: bytes, content_type: str | None) -> Any:
    import feedparser

    _register_dates()
    body = _BAD_CHARREF.sub(b"&#xFFFD;", body)
    # No content-location: feedparser would resolve guids as URIs; links are resolved here.
    headers = {"content-type": content_type or "application/xml"}
    try:
        return feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser's fallback parsers have crashed on hostile input
        raise ParseError(
            clean(f"the feed could not be parsed ({type(exc).__name__})", 200)
        ) from exc


def _parse_xml(body: bytes, url: str, content_type: str | None, text: bool) -> ParsedFeed:
    if body[:1] in b" \t\r\n":  # whitespace before <?xml makes XML parsers give up
        body = body.lstrip(b" \t\r\n")
    body = strip_doctype(body)
    try:
        d: Any = parse_common(body, content_type)  # lxml fast path for RSS 2.0 / Atom 1.0
    except Unsupported:
        d = _feedparser(body, content_type)
    feed = d.get("feed") or {}
    entries = d.get("entries") or []
    warn = None
    if d.get("bozo"):
        warn = clean(f"feed is not well-formed: {d.get('bozo_exception')}", 300)
    if not entries and not feed.get("title") and not d.get("version"):
        head = body[:2048].lower()
        if b"<html" in head or b"<!doctype html" in head:
            raise ParseError(
                "this is a web page, not a feed: "
                "add the page with `newsreader add` to find its feed"
            )
        raise ParseError(warn or "not a feed: no RSS, Atom or JSON Feed content found")
    now = datetime.now(UTC)
    link = _http(feed.get("link"), url)
    # Without an http(s) document URL (a local file), relative links resolve against the site.
    base = url if _http(url, None) else (link or url)
    feed_author = clean(feed.get("author"), 200) or None
    articles = [_entry(e, base, now, feed_author, text) for e in entries[: MAX_ITEMS + 100]]
    version = str(d.get("version") or "")
    kind = "atom" if version.startswith("atom") else "rdf" if version in RDF else "rss"
    return _finish(articles, feed.get("title"), link, warn, kind)


# ----------------------------------------------------------------------------- JSON Feed


def _parse_json(body: bytes, url: str, text_now: bool) -> ParsedFeed:
    import json

    try:
        doc = json.loads(body.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items", []), list):
        raise ParseError("JSON but not a JSON Feed (no `items` list)")
    if "version" not in doc and "items" not in doc:
        raise ParseError("JSON but not a JSON Feed (no `version`)")
    base = _http(doc.get("feed_url"), url) or url
    now = datetime.now(UTC)
    feed_author = _json_author(doc)
    articles = []
    for item in doc.get("items", [])[: MAX_ITEMS + 100]:
        if not isinstance(item, dict):
            continue
        raw_html = _s(item.get("content_html"))
        raw_text = _s(item.get("content_text"))
        if raw_html:
            content_html = keep_html(raw_html)  # sanitized when read from the store
        else:
            content_html = text_to_html(raw_text) if raw_text else ""
        summary = _s(item.get("summary"))
        if not content_html and summary:
            content_html = text_to_html(summary)
        text = article_text(content_html) if text_now else ""  # else: the store derives it
        link = _http(_s(item.get("url")) or _s(item.get("external_url")), base)
        published = _when(_s(item.get("date_published")) or None, now)
        updated = _when(_s(item.get("date_modified")) or None, now)
        title = _title(_s(item.get("title")), False, text, content_html)
        guid = (
            clean(_s(item.get("id")), None)
            or link
            or _guid(title, published, (text or article_text(content_html))[:500])
        )
        enclosures: list[Enclosure] = []
        for att in item.get("attachments") or []:
            href = _http(_s(att.get("url")), base) if isinstance(att, dict) else None
            if href and all(e.url != href for e in enclosures):
                size = att.get("size_in_bytes")
                enclosures.append(
                    Enclosure(
                        href,
                        clean(_s(att.get("mime_type")), 100) or None,
                        size if isinstance(size, int) and size > 0 else None,
                    )
                )
        articles.append(
            ParsedArticle(
                guid=_cap_guid(guid),
                title=title,
                link=link,
                author=_json_author(item) or feed_author,
                published=published or updated,
                updated=updated,
                summary_html=text_to_html(summary) if summary and raw_html else "",
                content_html=content_html,
                html_base=base if raw_html else None,
                text=text,
                enclosures=enclosures,
            )
        )
    link = _http(_s(doc.get("home_page_url")), base)
    return _finish(articles, _s(doc.get("title")), link, None, "json")


def _s(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [clean(_s(a.get("name")), 100) for a in authors if isinstance(a, dict)]
        names = [n for n in names if n]
        if names:
            return ", ".join(names)[:200]
    author = obj.get("author")
    if isinstance(author, dict):
        return clean(_s(author.get("name")), 200) or None
    return None


# ----------------------------------------------------------------------------- text articles


def parse_text_article(body: bytes, url: str) -> ParsedFeed:
    """A local .txt/.md file is a feed with one article (the offline demo uses this)."""
    text = clean_block(body.decode("utf-8-sig", "replace")).replace("\r\n", "\n")
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        raise ParseError("the file is empty")
    title_line = lines[0]
    if is_kicker(lines[0], lines[1] if len(lines) > 1 else None):
        title_line = lines[1]
    title = clean(title_line.lstrip("# "), 500)
    name = PurePosixPath(urlsplit(url).path or url).name
    stem = PurePosixPath(name).stem
    article = ParsedArticle(
        guid=_cap_guid("file:" + name + ":" + _guid(text)[4:20]),
        title=title,
        link=None,
        published=None,
        content_html=text_to_html(text),
        text=text.strip(),
    )
    return ParsedFeed(clean(stem, 200) or None, None, [article], None, "text")


# ----------------------------------------------------------------------------- entry point


def sniff(body: bytes, url: str, content_type: str | None) -> str:
    """'json', 'text', 'xml' or 'html' by content, URL suffix and content type."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = PurePosixPath(urlsplit(url).path if "://" in url else url).suffix.lower()
    if head.startswith((b"{", b"[")) or ctype in ("application/feed+json", "application/json"):
        return "json"
    if suffix in TEXT_SUFFIXES or (ctype in ("text/plain", "text/markdown") and head[:1] != b"<"):
        return "text"
    return "xml"


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, *, text: bool = True
) -> ParsedFeed:
    """Parse a fetched body; raises ParseError when it is no feed at all.

    With `text=False` the articles' plain text is left empty for the store to derive from
    their HTML when something reads it (a refresh: most stored articles are never searched,
    grouped or read, and the conversion was half of the parsing CPU; `store/index.py`)."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    if not body.strip():
        raise ParseError("the server sent an empty document")
    kind = sniff(body, url, content_type)
    if kind == "json":
        try:
            return _parse_json(body, url, text)
        except ParseError:
            if body.lstrip()[:1] != b"<":
                raise
    if kind == "text":
        return parse_text_article(body, url)
    return _parse_xml(body, url, content_type, text)
