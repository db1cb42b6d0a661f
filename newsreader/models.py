"""Plain dataclasses shared by the core modules and the UI (no I/O, no UI code)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Subscription:
    """One `[[feed]]` entry of feeds.toml."""

    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)
    refresh_interval: float | None = None  # minutes between automatic refreshes; 0: never
    keep_per_feed: int | None = None  # retention for this feed, over config.toml's
    full_text: bool = False  # fetch the web page's full text when an article is opened


@dataclass(slots=True)
class QueryFeed:
    """One `[[query]]` entry of feeds.toml: a feed of the articles matching `query`."""

    title: str
    query: str
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Enclosure:
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(slots=True)
class ParsedArticle:
    """An entry as parsed from a feed; every string is cleaned of control characters and
    capped, but `content_html` is NOT sanitized: it is the feed's HTML as it came (or safe HTML
    made from plain text), which the store sanitizes with nh3 against `html_base` (the URL its
    relative links resolve against) when the article is read (`Article.content_html` is safe).
    Never render or export a ParsedArticle's HTML directly.

    `guid` is never empty: the parser substitutes a stable fallback id (hash of link/title/date)
    when the feed gives none. `text` is the plain text of `content_html` (without what the
    sanitizer drops: scripts, styles, comments ...) used for search, stories and compare.
    """

    guid: str
    title: str
    link: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware UTC
    updated: datetime | None = None
    summary_html: str = ""
    content_html: str = ""
    text: str = ""
    enclosures: list[Enclosure] = field(default_factory=list)
    html_base: str | None = None


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    link: str | None  # the site's home page
    articles: list[ParsedArticle]
    warning: str | None = None  # e.g. feedparser bozo message; not a failure
    kind: str = "rss"  # rss | atom | rdf | json | text


@dataclass(slots=True)
class FetchResult:
    """Outcome of one conditional GET. Exactly one of body / not_modified / error is meaningful."""

    url: str  # the requested URL
    final_url: str | None = None  # after redirects
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None  # one line, user-facing, says what happened
    retry_after: float | None = None  # seconds, when the server asked us to back off
    elapsed: float = 0.0


@dataclass(slots=True)
class FeedRow:
    """A feed as the store knows it (for the feed pane and `list`)."""

    id: int
    url: str
    title: str | None
    site_url: str | None
    tags: list[str]
    total: int
    unread: int
    starred: int
    error: str | None
    last_success: datetime | None
    last_attempt: datetime | None


@dataclass(slots=True)
class ArticleRow:
    """An article as listed (cheap: no body)."""

    id: int
    feed_id: int
    feed_title: str | None
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    read: bool
    starred: bool


@dataclass(slots=True)
class Article:
    """A full article (with body) as stored; `content_html` is sanitized (nh3) when the row is
    read (store/articles.py), so it is safe to render or export."""

    id: int
    feed_id: int
    feed_title: str | None
    feed_url: str
    guid: str
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    read: bool
    starred: bool
    content_html: str
    text: str
    full_text: str | None  # extracted from the web page by `f`, cached
    enclosures: list[Enclosure] = field(default_factory=list)


@dataclass(slots=True)
class FeedDone:
    url: str
    status: str  # "new" | "unchanged" | "error" | "skipped" | "not_due" (refresh_interval)
    new: int = 0
    message: str | None = None
    elapsed: float = 0.0


@dataclass(slots=True)
class RefreshSummary:
    total: int = 0
    ok: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    not_due: int = 0
    new_articles: int = 0
    failures: list[FeedDone] = field(default_factory=list)
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)  # e.g. a killfile rule that failed
    stories_busy: float = 0.0  # seconds some clustering step ran
    stories_wait: float = 0.0  # seconds clustering took after the articles were stored

    def add(self, ev: FeedDone) -> None:
        if ev.status == "error":
            self.failed += 1
            self.failures.append(ev)
        elif ev.status == "unchanged":
            self.unchanged += 1
        elif ev.status == "skipped":
            self.skipped += 1
        elif ev.status == "not_due":
            self.not_due += 1
        else:
            self.ok += 1
        self.new_articles += ev.new
