"""What a sync service is, and what a sync returns (no I/O here).

newsreader has sources of subscriptions and articles: the local feeds.toml (fetched by newsreader
itself) and, when `[sync]` is configured, a feed server. A server is one `Service`: a module
that speaks its API (TT-RSS today; Miniflux, FreshRSS or Nextcloud News are one module each)
and knows nothing of the store. The engine (`engine.py`) does the two-way work for every
service: subscriptions, new articles from a cursor, read/starred both ways with the offline
queue and the conflict rule.

Every failure a user must act on is a `SyncError` with a one-line message saying what to do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from newsreader.errors import UserError

Flag = Literal["read", "starred"]


class SyncError(UserError):
    """Sync cannot go on (server down, bad password, API disabled ...): one line, what to do."""


class SubscribeError(Exception):
    """The server refused one subscription; the sync goes on. `permanent`: do not retry it."""

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    id: str
    url: str
    title: str | None = None
    category: str | None = None  # becomes the feed's tag


@dataclass(slots=True)
class RemoteArticle:
    """An article as the server has it. Strings are the server's, still untrusted."""

    id: str
    feed_id: str
    guid_key: str | None  # comparable with Service.guid_key(a local guid)
    title: str
    link: str | None
    author: str | None
    published: float | None  # epoch seconds
    content_html: str
    read: bool
    starred: bool
    enclosures: list[tuple[str, str | None]] = field(default_factory=list)  # (url, type)


@dataclass(slots=True)
class ArticlePage:
    articles: list[RemoteArticle]
    cursor: str | None = None  # set when every article up to it has been given


@dataclass(slots=True)
class RemoteState:
    """Which server articles are unread and starred now.

    `changed_at` maps (remote id, flag) to when the server says that flag last changed, for
    services that tell (TT-RSS does not: the engine then dates a server change by the last
    sync that still saw the old value)."""

    unread: set[str]
    starred: set[str]
    changed_at: dict[tuple[str, Flag], float] = field(default_factory=dict)


class Service(Protocol):
    """One feed server's API. `open` logs in (raising SyncError); the rest may be called after."""

    name: str  # "ttrss": the key in [sync] service and in the sync tables
    account: str  # server + user: another account makes the store start over

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def feeds(self) -> list[RemoteFeed]: ...

    async def subscribe(self, url: str, tags: list[str]) -> RemoteFeed:
        """Subscribe (into a category named by one of `tags` when the server has one);
        raises SubscribeError when the server refuses."""
        ...

    async def unsubscribe(self, feed_id: str) -> None: ...

    def articles(self, cursor: str | None) -> AsyncIterator[ArticlePage]:
        """Articles newer than `cursor` (None: all), a page at a time."""
        ...

    async def state(self) -> RemoteState: ...

    async def set_flag(self, ids: list[str], flag: Flag, value: bool) -> None: ...

    def guid_key(self, guid: str) -> str:
        """The key a local article's guid has on this server (to match the same article)."""
        ...


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Reported while a sync runs: `stage` is login, subscriptions, articles, state, push or
    done; `done` counts the stage's items so far (articles received, changes pushed)."""

    stage: str
    done: int = 0
    message: str = ""


ProgressCallback = Callable[[SyncProgress], None]


@dataclass(slots=True)
class SyncResult:
    service: str
    feeds: int = 0  # subscriptions on the server after the sync
    new_articles: int = 0
    pushed: int = 0  # local changes sent: read/starred flags, subscribe, unsubscribe
    pulled: int = 0  # server changes applied here: read/starred flags
    subscribed: int = 0  # feeds that came from the server (new here)
    unsubscribed: int = 0  # feeds the server no longer has
    errors: list[str] = field(default_factory=list)  # non-fatal, one line each
    elapsed: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "service": self.service,
            "feeds": self.feeds,
            "new_articles": self.new_articles,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "subscribed": self.subscribed,
            "unsubscribed": self.unsubscribed,
            "errors": list(self.errors),
            "elapsed": round(self.elapsed, 3),
        }
