"""Tiny Tiny RSS: its JSON API (`api/`, level 5 or newer) as a sync `Service`.

What the API gives and how it is used (read from tt-rss's classes/api.php):
- `login` returns a session id and the API level; every other call carries the `sid`. A
  session that expired answers NOT_LOGGED_IN: we log in again, once, and repeat the call.
  Sessions are bound to the User-Agent, so one client (one UA) is kept per sync.
- `getFeeds` (cat_id -3: every real feed, with `feed_url`) and `getCategories`: categories
  become tags. The API cannot create a category; `subscribeToFeed` files a feed into an
  existing one (`category_id`), `unsubscribeFeed` removes it (tt-rss keeps its starred
  articles in the "archived" feed 0).
- `getHeadlines` on feed -4 (all articles) with `since_id` (ids greater than it), `limit`
  (at most 200: the server caps it) and `skip` pages. The order is not by id, so pages are
  read until a short one and the cursor becomes the highest id seen; new articles arriving
  meanwhile only shift rows to later pages (seen twice, never missed) and have higher ids.
- The read/starred state of older articles: the ids of feed -4 in `unread` view mode and of
  feed -1 (starred), paged the same way. The API does not say when an article was read or
  starred (the engine's conflict rule copes with that).
- `updateArticle`: field 2 is `unread`, field 0 `marked` (starred); mode 0 false, 1 true.
- `guid` is stored hashed: {"ver":2,"uid":"N","hash":"SHA1:<sha1 of the feed's guid>"},
  which `guid_key` reproduces from a local guid to match an article fetched locally.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from newsreader import __version__
from newsreader.sync.base import (
    ArticlePage,
    Flag,
    RemoteArticle,
    RemoteFeed,
    RemoteState,
    SubscribeError,
    SyncError,
)
from newsreader.text.safetext import clean

MIN_API_LEVEL = 5  # subscribeToFeed / unsubscribeFeed (tt-rss 1.7.6)
PAGE = 200  # getHeadlines returns at most 200 rows per call
WINDOW = 3  # getHeadlines pages in flight at once
MAX_PAGES = 10_000  # 2 million articles: a bound against a server that never ends a list
MAX_REPLY = 64 * 1024 * 1024
USER_AGENT = f"newsreader/{__version__} (+sync)"
_IDS_PER_UPDATE = 500


def api_url(url: str) -> str:
    """The API endpoint for what a user may write: the tt-rss folder, or its api/ itself."""
    base = url.strip().rstrip("/")
    return base + "/" if base.endswith("/api") else base + "/api/"


def _guid_key(raw: object) -> str | None:
    if not isinstance(raw, str) or not raw:
        return None
    if raw.startswith("{"):
        try:
            value = json.loads(raw).get("hash")
        except (ValueError, AttributeError):
            return None
        return value if isinstance(value, str) and value else None
    if raw.startswith("SHA1:"):
        return None  # hashed with the owner's id: cannot be matched with a feed's guid
    _, sep, guid = raw.partition(",")  # very old entries: "<owner uid>,<guid>"
    return "SHA1:" + hashlib.sha1(guid.encode()).hexdigest() if sep else None


def _int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"not an integer: {value!r}")


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _article(h: Any) -> RemoteArticle | None:
    if not isinstance(h, dict):
        return None
    try:
        ident, feed = _int(h.get("id")), _int(h.get("feed_id") or 0)
    except ValueError:
        return None
    updated = h.get("updated")
    published = float(updated) if isinstance(updated, int | float) and updated > 0 else None
    enclosures: list[tuple[str, str | None]] = []
    for a in h.get("attachments") or []:
        if isinstance(a, dict) and _str(a.get("content_url")):
            enclosures.append((a["content_url"], _str(a.get("content_type"))))
    return RemoteArticle(
        id=str(ident),
        feed_id=str(feed),
        guid_key=_guid_key(h.get("guid")),
        title=_str(h.get("title")) or "",
        link=_str(h.get("link")),
        author=_str(h.get("author")),
        published=published,
        content_html=_str(h.get("content")) or "",
        read=not h.get("unread"),
        starred=bool(h.get("marked")),
        enclosures=enclosures,
    )


class TtrssService:
    name = "ttrss"

    def __init__(
        self,
        url: str,
        user: str,
        password: Callable[[], str],
        *,
        timeout: float = 30.0,
        min_api_level: int = MIN_API_LEVEL,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = api_url(url)
        self.user = user
        self.account = f"{self.url} {user}"
        self.api_level: int | None = None
        self._password_source = password
        self._password: str | None = None
        self._timeout = timeout
        self._min_level = min_api_level
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._sid: str | None = None
        self._categories: dict[int, str] | None = None
        self._relogin = asyncio.Lock()

    # ------------------------------------------------------------------ session

    async def open(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._timeout,
                headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
                follow_redirects=False,
                transport=self._transport,
            )
        await self._login()

    async def close(self) -> None:
        if self._client is not None:
            if self._sid is not None:
                try:
                    await self._post({"op": "logout", "sid": self._sid})
                except SyncError:
                    pass
            await self._client.aclose()
            self._client = None
        self._sid = None
        self._password = None

    async def _login(self) -> None:
        if self._password is None:
            self._password = self._password_source()
        reply = await self._post({"op": "login", "user": self.user, "password": self._password})
        content = reply.get("content")
        if reply.get("status") != 0 or not isinstance(content, dict):
            self._raise(reply, "login")
        assert isinstance(content, dict)
        sid = content.get("session_id")
        if not isinstance(sid, str) or not sid:
            raise SyncError(f"{self.url} answered the login without a session id: {self._fix}")
        self._sid = sid
        try:
            self.api_level = _int(content.get("api_level", 0))
        except ValueError:
            self.api_level = 0
        if self.api_level < self._min_level:
            raise SyncError(
                f"TT-RSS at {self.url} has API level {self.api_level}; newsreader needs level "
                f"{self._min_level} or newer: upgrade the server"
            )

    @property
    def _fix(self) -> str:
        return "set [sync] url in config.toml to your tt-rss address, e.g. https://host/tt-rss/"

    async def _post(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._client is not None, "open() the service first"
        op = str(payload.get("op"))
        try:
            async with self._client.stream("POST", self.url, json=payload) as resp:
                if resp.status_code != 200:
                    raise SyncError(self._http_error(resp))
                body = bytearray()
                async for chunk in resp.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_REPLY:
                        raise SyncError(
                            f"TT-RSS at {self.url} sent more than {MAX_REPLY >> 20} MB for {op}"
                        )
        except httpx.TimeoutException as exc:
            raise SyncError(
                f"the TT-RSS server at {self.url} did not answer within {self._timeout:g} s "
                f"({op}): check the server, or raise [sync] timeout"
            ) from exc
        except httpx.HTTPError as exc:
            reason = clean(str(exc) or type(exc).__name__, 200)
            raise SyncError(
                f"cannot reach the TT-RSS server at {self.url} ({reason}): check that it is "
                "running and [sync] url in config.toml; newsreader keeps the local copy"
            ) from exc
        try:
            reply = json.loads(bytes(body))
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or "status" not in reply:
            raise SyncError(
                f"{self.url} does not answer like the TT-RSS API (not JSON): {self._fix}"
            )
        return reply

    def _http_error(self, resp: httpx.Response) -> str:
        code = resp.status_code
        if 300 <= code < 400:
            where = clean(resp.headers.get("location", ""), 200)
            return f"{self.url} redirects (HTTP {code}) to {where}: set [sync] url to that address"
        if code in (401, 403):
            return (
                f"{self.url} refused access (HTTP {code}): the web server in front of TT-RSS "
                "wants its own login, or blocks the API"
            )
        if code >= 500 and code != 501:  # 501: a web server that takes no POST, not TT-RSS
            return f"TT-RSS at {self.url} failed (HTTP {code}): see the server's log, then retry"
        return f"{self.url} answered HTTP {code}: {self._fix}"

    def _raise(self, reply: dict[str, Any], op: str) -> None:
        content = reply.get("content")
        error = content.get("error") if isinstance(content, dict) else None
        error = clean(error, 100) if error else "unknown error"
        if error == "LOGIN_ERROR":
            raise SyncError(
                f"TT-RSS at {self.url} refused user {clean(self.user, 80)!r} (LOGIN_ERROR): check "
                "[sync] user and the password that password_command/password_env gives"
            )
        if error == "API_DISABLED":
            raise SyncError(
                f"the TT-RSS API is disabled for user {clean(self.user, 80)!r}: turn on "
                '"Enable API access" in TT-RSS Preferences, then sync again'
            )
        if error == "NOT_LOGGED_IN":
            raise SyncError(
                f"TT-RSS at {self.url} ended the session again right after a new login ({op}): "
                "check the server's session settings and clock, then sync again"
            )
        if error == "UNKNOWN_METHOD":
            raise SyncError(f"TT-RSS at {self.url} does not know {op} (UNKNOWN_METHOD): upgrade it")
        if error == "INCORRECT_USAGE":
            raise SyncError(
                f"TT-RSS at {self.url} rejected {op} (INCORRECT_USAGE): a newsreader bug, "
                "please report it"
            )
        raise SyncError(f"TT-RSS at {self.url} failed {op}: {error}")

    async def call(self, op: str, **params: Any) -> Any:
        """One API call; re-login once when the session has expired."""
        if self._sid is None:
            await self._login()
        for attempt in (1, 2):
            sid = self._sid
            reply = await self._post({"op": op, "sid": sid, **params})
            content = reply.get("content")
            if reply.get("status") == 0:
                return content
            expired = isinstance(content, dict) and content.get("error") == "NOT_LOGGED_IN"
            if expired and attempt == 1:
                async with self._relogin:  # calls in flight together log in once
                    if self._sid == sid:
                        await self._login()
                continue
            self._raise(reply, op)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ subscriptions

    async def _category_titles(self) -> dict[int, str]:
        rows = await self.call("getCategories", include_empty=True)
        cats: dict[int, str] = {}
        for row in rows if isinstance(rows, list) else []:
            try:
                ident = _int(row.get("id"))
            except (ValueError, AttributeError):
                continue
            title = _str(row.get("title"))
            if ident > 0 and title:
                cats[ident] = title
        self._categories = cats
        return cats

    async def feeds(self) -> list[RemoteFeed]:
        cats = await self._category_titles()
        rows = await self.call("getFeeds", cat_id=-3)
        out = []
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict) or not _str(row.get("feed_url")):
                continue
            try:
                ident, cat = _int(row.get("id")), _int(row.get("cat_id") or 0)
            except ValueError:
                continue
            out.append(
                RemoteFeed(str(ident), row["feed_url"], _str(row.get("title")), cats.get(cat))
            )
        return out

    async def subscribe(self, url: str, tags: list[str]) -> RemoteFeed:
        cats = self._categories if self._categories is not None else await self._category_titles()
        wanted = {t.casefold() for t in tags}
        cat_id, category = next(
            ((i, t) for i, t in cats.items() if t.casefold() in wanted), (0, None)
        )
        content = await self.call("subscribeToFeed", feed_url=url, category_id=cat_id)
        status = content.get("status") if isinstance(content, dict) else None
        code = status.get("code") if isinstance(status, dict) else None
        assert status is None or isinstance(status, dict)
        if code in (0, 1) and status is not None:
            ident = str(_int(status.get("feed_id")))
            if code == 1:  # fetch it now, so that this sync already brings its articles
                try:
                    await self.call("updateFeed", feed_id=int(ident))
                except SyncError:
                    pass
            return RemoteFeed(ident, url, None, category)
        u = clean(url, 200)
        if code == 2:
            raise SubscribeError(f"the server says {u} is not a valid feed address")
        if code == 3:
            raise SubscribeError(f"the server found no feed at {u}: give the feed's own URL")
        if code == 4:
            raise SubscribeError(f"{u} offers several feeds: subscribe to one of them")
        if code == 5:
            why = clean(status.get("message") if status else "", 200)
            raise SubscribeError(
                f"the server could not download {u}" + (f" ({why})" if why else ""),
                permanent=False,
            )
        raise SubscribeError(f"the server refused {u} (code {clean(code, 20)})")

    async def unsubscribe(self, feed_id: str) -> None:
        try:
            await self.call("unsubscribeFeed", feed_id=int(feed_id))
        except SyncError as exc:
            if "FEED_NOT_FOUND" not in str(exc):  # already gone: that is what we wanted
                raise

    # ------------------------------------------------------------------ articles and state

    async def _pages(self, **params: Any) -> AsyncIterator[list[Any]]:
        """getHeadlines pages in order until a short one. After a full first page, WINDOW
        pages are asked for at once (the server takes about half a second a page, mostly
        per-row work in PHP, and serves requests in parallel); at most WINDOW - 1 requests
        past the end are wasted."""

        async def page(skip: int) -> list[Any]:
            rows = await self.call("getHeadlines", limit=PAGE, skip=skip, **params)
            return rows if isinstance(rows, list) else []

        if self._sid is None:
            await self._login()  # once, not in every request of the first window
        pending: list[asyncio.Task[list[Any]]] = []
        try:
            for n in range(MAX_PAGES):
                while len(pending) < (WINDOW if n else 1):
                    pending.append(asyncio.create_task(page((n + len(pending)) * PAGE)))
                rows = await pending.pop(0)
                yield rows
                if len(rows) < PAGE:
                    return
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def articles(self, cursor: str | None) -> AsyncIterator[ArticlePage]:
        since = int(cursor) if cursor and cursor.isdigit() else 0
        top, seen = since, set()
        pages = self._pages(
            feed_id=-4,
            view_mode="all_articles",
            since_id=since,
            show_content=True,
            include_attachments=True,
        )
        async for rows in pages:
            arts = []
            for h in rows:
                a = _article(h)
                if a is not None and int(a.id) > since and a.id not in seen:
                    seen.add(a.id)
                    arts.append(a)
                    top = max(top, int(a.id))
            yield ArticlePage(arts, cursor=str(top) if len(rows) < PAGE else None)

    async def _ids(self, **params: Any) -> set[str]:
        out: set[str] = set()
        async for rows in self._pages(show_content=False, **params):
            for h in rows:
                try:
                    out.add(str(_int(h.get("id"))))
                except (ValueError, AttributeError):
                    continue
        return out

    async def state(self) -> RemoteState:
        unread, starred = await asyncio.gather(
            self._ids(feed_id=-4, view_mode="unread"),
            self._ids(feed_id=-1, view_mode="all_articles"),
        )
        return RemoteState(unread=unread, starred=starred)

    async def set_flag(self, ids: list[str], flag: Flag, value: bool) -> None:
        field, mode = (2, 0 if value else 1) if flag == "read" else (0, 1 if value else 0)
        for i in range(0, len(ids), _IDS_PER_UPDATE):
            chunk = ",".join(ids[i : i + _IDS_PER_UPDATE])
            await self.call("updateArticle", article_ids=chunk, field=field, mode=mode)

    def guid_key(self, guid: str) -> str:
        return "SHA1:" + hashlib.sha1(guid.encode("utf-8", "surrogatepass")).hexdigest()
