"""Two-way sync of the store with one `Service` (any server; no UI, no service specifics).

One run, in order (each step commits on its own, so an interrupted sync keeps what it did and
the next one carries on):
1. subscriptions made or removed here (queued by `Session.add/remove`) are pushed;
2. the server's subscriptions are pulled: a server feed is linked to the local feed with the
   same URL (one feed, never two), else a feed is created; its category is its tag; feeds the
   server dropped are unlinked;
3. new articles from the cursor (TT-RSS: since_id), page by page. A server article is linked
   to the local article of the same feed with the same guid (compared as the server hashes
   it) or the same link, else stored as a new article; the cursor is saved after the last page;
4. read/starred: the server's current flags are compared with those seen at the last sync and
   with the local changes queued since (see `reconcile`), then pushed and applied.

The conflict rule (a flag changed on both sides since the last sync, to different values): the
newer change wins. A local change is dated when it was made. A server change is dated by the
server when its API tells (`RemoteState.changed_at`); TT-RSS's does not, so its change is
dated by the last sync that still saw the old value, the earliest it can have happened.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from newsreader.models import Enclosure, ParsedArticle, ParsedFeed
from newsreader.store import Store
from newsreader.sync import state
from newsreader.sync.base import (
    Flag,
    ProgressCallback,
    RemoteArticle,
    RemoteFeed,
    RemoteState,
    Service,
    SubscribeError,
    SyncProgress,
    SyncResult,
)
from newsreader.text.safetext import clean
from newsreader.text.sanitize import html_to_text, looks_like_html, sanitize_html
from newsreader.text.urls import is_web


def url_key(url: str) -> str:
    """URLs that name the same feed compare equal (scheme/host case, default port, final /)."""
    try:
        p = urlsplit(url.strip())
        host = (p.hostname or "").lower()
        port = p.port
    except ValueError:
        return url.strip()
    scheme = p.scheme.lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, p.path.rstrip("/") or "/", p.query, ""))


def placeholder_guid(service: str, a: RemoteArticle) -> str:
    """The guid of an article first stored from the server (the store's trigger gives it the
    feed's own guid if newsreader ever fetches that feed itself)."""
    return f"sync:{service}:" + (a.guid_key or f"id:{a.id}")


async def run(
    store: Store, service: Service, on_progress: ProgressCallback | None = None
) -> SyncResult:
    t0 = time.monotonic()
    report = on_progress or (lambda p: None)
    result = SyncResult(service.name)
    report(SyncProgress("login", message=f"connecting to {service.name}"))
    await service.open()
    try:
        with store.transaction() as conn:
            cursor = state.begin(conn, service.name, service.account)
        report(SyncProgress("subscriptions"))
        await _push_feeds(store, service, result)
        feeds = await _pull_feeds(store, service, result)
        report(SyncProgress("articles"))
        await _pull_articles(store, service, cursor, feeds, result, report)
        report(SyncProgress("state"))
        await _sync_flags(store, service, result, report, everything=cursor is None)
    finally:
        await service.close()
    result.elapsed = time.monotonic() - t0
    report(SyncProgress("done", result.new_articles))
    return result


# ---------------------------------------------------------------------- subscriptions


async def _push_feeds(store: Store, service: Service, result: SyncResult) -> None:
    name = service.name
    for change in state.feed_changes(store.conn, name):
        if change.action == "remove":
            if change.remote_id:
                await service.unsubscribe(change.remote_id)
            with store.transaction() as conn:
                state.drop_feed_change(conn, name, change.url)
            result.pushed += 1
            continue
        try:
            remote = await service.subscribe(change.url, change.tags)
        except SubscribeError as exc:
            result.errors.append(f"subscribing to {clean(change.url, 200)}: {exc}")
            if exc.permanent:
                with store.transaction() as conn:
                    state.drop_feed_change(conn, name, change.url)
            continue
        feed_id = store.ensure_feed(change.url)
        with store.transaction() as conn:
            state.map_feed(conn, name, feed_id, remote.id, change.title, remote.category)
            state.drop_feed_change(conn, name, change.url)
        result.pushed += 1
        if change.tags and remote.category is None:
            tags = ", ".join(clean(t, 50) for t in change.tags)
            result.errors.append(
                f"{clean(change.url, 200)} is uncategorized on the server: no category named "
                f"{tags} there (its API cannot create one); create it in TT-RSS, move the feed"
            )


async def _pull_feeds(store: Store, service: Service, result: SyncResult) -> dict[str, int]:
    """Link every server feed to a local feed; return server id -> local feed id."""
    name = service.name
    remote = await service.feeds()
    out: dict[str, int] = {}
    with store.transaction() as conn:
        known = state.feed_map(conn, name)
        by_url = {url_key(u): i for i, u in conn.execute("SELECT id, url FROM feeds")}
        for rf in remote:
            feed_id = known.get(rf.id) or by_url.get(url_key(rf.url))
            if feed_id is None:
                feed_id = _new_feed(conn, rf)
                by_url[url_key(rf.url)] = feed_id
            if rf.id not in known:
                result.subscribed += 1
            title = clean(rf.title, 300) or None
            category = clean(rf.category, 100) or None
            state.map_feed(conn, name, feed_id, rf.id, title, category)
            out[rf.id] = feed_id
        gone = set(known) - set(out)
        state.unmap_feeds(conn, name, gone)
    result.unsubscribed += len(gone)
    result.feeds = len(remote)
    return out


def _new_feed(conn: sqlite3.Connection, rf: RemoteFeed) -> int:
    conn.execute(
        "INSERT INTO feeds(url, subscribed) VALUES (?, 0) ON CONFLICT(url) DO NOTHING",
        (clean(rf.url, 2000),),
    )
    (feed_id,) = conn.execute(
        "SELECT id FROM feeds WHERE url = ?", (clean(rf.url, 2000),)
    ).fetchone()
    return int(feed_id)


# ---------------------------------------------------------------------- articles


def _parsed(service: str, a: RemoteArticle) -> ParsedArticle:
    link = a.link if is_web(a.link) else None
    body = sanitize_html(a.content_html, base=link)
    title = html_to_text(a.title) if looks_like_html(a.title) else a.title
    return ParsedArticle(
        guid=placeholder_guid(service, a),
        title=clean(title, 500) or "(untitled)",
        link=clean(link, 2000) if link else None,
        author=clean(a.author, 200) or None,
        published=datetime.fromtimestamp(a.published, UTC) if a.published else None,
        content_html=body,
        text=html_to_text(body),
        enclosures=[
            Enclosure(clean(u, 2000), clean(t, 100) or None) for u, t in a.enclosures if is_web(u)
        ],
    )


@dataclass
class _Candidates:
    """A feed's local articles not linked to the server yet, by guid key and by link."""

    by_key: dict[str, int]
    by_link: dict[str, int]
    flags: dict[int, tuple[bool, bool]]
    taken: set[int] = field(default_factory=set)

    def take(self, key: str | None, placeholder: str, link: str | None) -> int | None:
        """The local article that is this server article (same guid, else same link)."""
        for found in (
            self.by_key.get(key) if key else None,
            self.by_key.get(placeholder),
            self.by_link.get(link) if link else None,
        ):
            if found is not None and found not in self.taken:
                self.taken.add(found)
                return found
        return None


def _candidates(store: Store, service: Service, feed_id: int) -> _Candidates:
    rows = state.unmapped_local(store.conn, feed_id)
    by_key: dict[str, int] = {}
    by_link: dict[str, int] = {}
    for aid, guid, link in rows:
        by_key[guid if guid.startswith("sync:") else service.guid_key(guid)] = aid
        if link:
            by_link.setdefault(link, aid)
    ids = [r[0] for r in rows]
    flags: dict[int, tuple[bool, bool]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for aid, rd, st in store.conn.execute(
            f"SELECT id, read, starred FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            flags[aid] = (bool(rd), bool(st))
    return _Candidates(by_key, by_link, flags)


async def _pull_articles(
    store: Store,
    service: Service,
    cursor: str | None,
    feeds: dict[str, int],
    result: SyncResult,
    report: ProgressCallback,
) -> None:
    cands: dict[int, _Candidates] = {}
    refreshed = False
    async for page in service.articles(cursor):
        if not refreshed and any(
            a.feed_id not in feeds and a.feed_id != "0" for a in page.articles
        ):
            feeds = await _pull_feeds(store, service, SyncResult(service.name))  # a new feed
            refreshed = True
        result.new_articles += _store_page(store, service, page.articles, feeds, cands)
        if page.cursor is not None:
            with store.transaction() as conn:
                state.save_cursor(conn, service.name, page.cursor)
        report(SyncProgress("articles", result.new_articles))


def _store_page(
    store: Store,
    service: Service,
    articles: list[RemoteArticle],
    feeds: dict[str, int],
    cands: dict[int, _Candidates],
) -> int:
    """Store one page; return how many articles are new here. Archived articles (feed 0:
    starred ones kept from a removed feed) have no feed here and are left out."""
    name = service.name
    already = state.mapped_articles(store.conn, name, [a.id for a in articles])
    by_feed: dict[int, list[RemoteArticle]] = defaultdict(list)
    for a in articles:
        if a.id not in already and a.feed_id in feeds:
            by_feed[feeds[a.feed_id]].append(a)
    now = time.time()
    links: list[tuple[state.Seen, tuple[bool, bool]]] = []
    saves: list[tuple[int, list[RemoteArticle]]] = []
    for feed_id, items in by_feed.items():
        c = cands.get(feed_id) or cands.setdefault(feed_id, _candidates(store, service, feed_id))
        fresh = []
        for a in items:
            local = c.take(a.guid_key, placeholder_guid(name, a), a.link)
            if local is None:
                fresh.append(a)
            else:
                links.append((state.Seen(local, a.id, a.read, a.starred, now), c.flags[local]))
        if fresh:
            saves.append((feed_id, fresh))
    new = 0
    if saves:
        new = _save_new(store, name, saves, links, now)
    with store.transaction() as conn:
        for seen, flags in links:
            state.link_article(conn, name, seen, local=flags)
    return new


def _save_new(
    store: Store,
    name: str,
    saves: list[tuple[int, list[RemoteArticle]]],
    links: list[tuple[state.Seen, tuple[bool, bool]]],
    now: float,
) -> int:
    """Store new articles through the store (one transaction, the index included); add
    the links to make for them to `links`."""
    items = []
    conn = store.conn
    for feed_id, fresh in saves:
        url, title, site, etag, modified = conn.execute(
            "SELECT f.url, coalesce(f.feed_title, s.title), f.site_url, f.etag, f.last_modified "
            "FROM feeds f LEFT JOIN sync_feeds s ON s.feed_id = f.id WHERE f.id = ?",
            (feed_id,),
        ).fetchone()
        parsed = ParsedFeed(title, site, [_parsed(name, a) for a in fresh])
        items.append((url, parsed, etag, modified))
    counts = store.save_feeds(items, now=now)
    for (feed_id, fresh), (_, parsed, _, _) in zip(saves, items, strict=True):
        guids = {p.guid: a for p, a in zip(parsed.articles, fresh, strict=True)}
        marks = ",".join("?" * len(guids))
        for aid, guid in conn.execute(
            f"SELECT id, guid FROM articles WHERE feed_id = ? AND guid IN ({marks})",
            [feed_id, *guids],
        ):
            a = guids[guid]
            links.append((state.Seen(aid, a.id, a.read, a.starred, now), (False, False)))
    return sum(counts)


# ---------------------------------------------------------------------- read / starred


@dataclass
class Plan:
    push: list[state.Change]  # local changes to send
    drop: list[state.Change]  # local changes that need no push or lost a conflict
    apply: list[tuple[int, Flag, bool]]  # (article id, flag, value) to set here
    seen: list[state.Seen]  # the server's flags now


def reconcile(
    rows: Iterable[state.Seen],
    local: dict[int, tuple[bool, bool]],
    queued: Iterable[state.Change],
    remote: RemoteState,
    seen_at: float,
) -> Plan:
    """Decide, per synced article and flag, what to push and what to apply (no I/O)."""
    queue = {(c.article_id, c.flag): c for c in queued}
    plan = Plan([], [], [], [])
    for s in rows:
        now_read, now_star = s.remote_id not in remote.unread, s.remote_id in remote.starred
        mine = local.get(s.article_id)
        pairs: tuple[tuple[Flag, bool, bool], ...] = (
            ("read", now_read, s.read),
            ("starred", now_star, s.starred),
        )
        for i, (flag, now, before) in enumerate(pairs):
            c = queue.get((s.article_id, flag))
            if c is None:
                if mine is not None and mine[i] != now:
                    plan.apply.append((s.article_id, flag, now))
            elif c.value == now:
                plan.drop.append(c)  # both sides agree already
            elif now == before:
                plan.push.append(c)  # only this side changed
            else:  # changed on both sides: the newer change wins
                server_time = remote.changed_at.get((s.remote_id, flag), s.seen_at)
                if c.changed_at >= server_time:
                    plan.push.append(c)
                else:
                    plan.drop.append(c)
                    plan.apply.append((s.article_id, flag, now))
        plan.seen.append(state.Seen(s.article_id, s.remote_id, now_read, now_star, seen_at))
    return plan


async def _sync_flags(
    store: Store,
    service: Service,
    result: SyncResult,
    report: ProgressCallback,
    *,
    everything: bool = False,
) -> None:
    """`everything`: this sync has just brought every server article with its flags (a first
    sync), so the server's flags are not asked for again."""
    name = service.name
    conn = store.conn
    rows = state.synced(conn, name)
    seen_at = time.time()  # the server's flags are read from now on
    if everything:
        remote = RemoteState(
            unread={s.remote_id for s in rows if not s.read},
            starred={s.remote_id for s in rows if s.starred},
        )
        seen_at = min((s.seen_at for s in rows), default=seen_at)
    else:
        remote = await service.state()
    plan = reconcile(
        rows, state.local_flags(conn, name), state.changes(conn, name), remote, seen_at
    )
    with store.transaction() as conn:
        state.drop_changes(conn, plan.drop)
        result.pulled += len(state.apply_server(conn, plan.apply))
        state.record_seen(conn, plan.seen)
    groups: dict[tuple[Flag, bool], list[state.Change]] = defaultdict(list)
    for c in plan.push:
        groups[(c.flag, c.value)].append(c)
    seen = {s.article_id: s for s in plan.seen}
    done = 0
    for (flag, value), group in groups.items():
        report(SyncProgress("push", done, f"{len(group)} {flag} flags"))
        await service.set_flag([c.remote_id for c in group], flag, value)
        done += len(group)
        pushed_at = time.time()
        for c in group:  # the server has the pushed value now
            s = seen[c.article_id]
            read, starred = (c.value, s.starred) if flag == "read" else (s.read, c.value)
            seen[c.article_id] = state.Seen(s.article_id, s.remote_id, read, starred, pushed_at)
        with store.transaction() as conn:
            state.drop_changes(conn, group)
            state.record_seen(conn, [seen[c.article_id] for c in group])
    result.pushed += done
