"""The sync tables (store migration 3) and every SQL statement that uses them.

- sync_feeds: local feed <-> server feed id, with the server's title and category.
- sync_articles: local article <-> server article id, with the server's read/starred state
  as last seen and when (`seen_at`): the conflict rule needs both.
- sync_changes: local read/starred changes of synced articles not yet pushed, the newest per
  article and flag, with the time it was made. Triggers fill it on every UPDATE of
  articles.read/starred, whatever code makes it (store.set_read, mark_view_read, a future
  Session use case), unless `quiet()` is on (the engine applying the server's state).
- sync_feed_changes: subscribe/unsubscribe made here, to push.
- sync_state: per service, the account it belongs to and the article cursor.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from newsreader.models import Subscription
from newsreader.sync.base import Flag


@dataclass(frozen=True, slots=True)
class Change:
    article_id: int
    remote_id: str
    flag: Flag
    value: bool
    changed_at: float


@dataclass(frozen=True, slots=True)
class Seen:
    article_id: int
    remote_id: str
    read: bool
    starred: bool
    seen_at: float


@dataclass(frozen=True, slots=True)
class FeedChange:
    url: str
    action: str  # add | remove
    remote_id: str | None
    title: str | None
    tags: list[str]


@contextmanager
def quiet(conn: sqlite3.Connection) -> Iterator[None]:
    """Inside a transaction: updates of read/starred are the server's, not to be queued."""
    conn.execute("INSERT INTO sync_quiet VALUES (1)")
    try:
        yield
    finally:
        conn.execute("DELETE FROM sync_quiet")


# ---------------------------------------------------------------------- account and cursor


def begin(conn: sqlite3.Connection, service: str, account: str) -> str | None:
    """The cursor of `service`. Another account than last time starts over (its ids differ;
    the articles stay and are linked again by guid): only subscriptions queued here remain."""
    row = conn.execute(
        "SELECT account, cursor FROM sync_state WHERE service = ?", (service,)
    ).fetchone()
    if row is not None and row[0] == account:
        return str(row[1]) if row[1] is not None else None
    if row is not None:
        for table in ("sync_feeds", "sync_articles"):
            conn.execute(f"DELETE FROM {table} WHERE service = ?", (service,))
        conn.execute(
            "DELETE FROM sync_feed_changes WHERE service = ? AND action != 'add'", (service,)
        )
        conn.execute(
            "DELETE FROM sync_changes "
            "WHERE article_id NOT IN (SELECT article_id FROM sync_articles)"
        )
    conn.execute(
        "INSERT OR REPLACE INTO sync_state(service, account, cursor, last_sync) "
        "VALUES (?, ?, NULL, NULL)",
        (service, account),
    )
    return None


def save_cursor(conn: sqlite3.Connection, service: str, cursor: str | None) -> None:
    conn.execute(
        "UPDATE sync_state SET cursor = coalesce(?, cursor), last_sync = ? WHERE service = ?",
        (cursor, time.time(), service),
    )


# ---------------------------------------------------------------------- feeds


def feed_map(conn: sqlite3.Connection, service: str) -> dict[str, int]:
    """Server feed id -> local feed id."""
    return {
        str(r): int(f)
        for r, f in conn.execute(
            "SELECT remote_id, feed_id FROM sync_feeds WHERE service = ?", (service,)
        )
    }


def map_feed(
    conn: sqlite3.Connection,
    service: str,
    feed_id: int,
    remote_id: str,
    title: str | None,
    category: str | None,
) -> None:
    conn.execute(
        "DELETE FROM sync_feeds WHERE service = ? AND remote_id = ? AND feed_id != ?",
        (service, remote_id, feed_id),
    )
    conn.execute(
        "INSERT INTO sync_feeds(feed_id, service, remote_id, title, category) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(feed_id) DO UPDATE SET service = excluded.service, "
        "remote_id = excluded.remote_id, title = excluded.title, category = excluded.category",
        (feed_id, service, remote_id, title, category),
    )


def unmap_feeds(conn: sqlite3.Connection, service: str, remote_ids: Iterable[str]) -> None:
    conn.executemany(
        "DELETE FROM sync_feeds WHERE service = ? AND remote_id = ?",
        [(service, r) for r in remote_ids],
    )


def server_subscriptions(conn: sqlite3.Connection, service: str) -> list[Subscription]:
    """The server's feeds as subscriptions (category as tag), then subscribes not pushed yet."""
    subs = [
        Subscription(url=url, title=title, tags=[cat] if cat else [])
        for url, title, cat in conn.execute(
            "SELECT f.url, s.title, s.category FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id "
            "WHERE s.service = ? ORDER BY s.category IS NULL, s.category, s.title, f.url",
            (service,),
        )
    ]
    subs += [
        Subscription(url=c.url, title=c.title, tags=c.tags)
        for c in feed_changes(conn, service)
        if c.action == "add"
    ]
    return subs


def server_urls(conn: sqlite3.Connection, service: str) -> set[str]:
    """URLs of the feeds the server fetches (newsreader does not fetch them itself)."""
    return {
        u
        for (u,) in conn.execute(
            "SELECT f.url FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id WHERE s.service = ?",
            (service,),
        )
    }


def remote_feed_id(conn: sqlite3.Connection, service: str, url: str) -> str | None:
    row = conn.execute(
        "SELECT s.remote_id FROM sync_feeds s JOIN feeds f ON f.id = s.feed_id "
        "WHERE s.service = ? AND f.url = ?",
        (service, url),
    ).fetchone()
    return str(row[0]) if row else None


def queue_feed_change(
    conn: sqlite3.Connection,
    service: str,
    url: str,
    action: str,
    *,
    remote_id: str | None = None,
    title: str | None = None,
    tags: Sequence[str] = (),
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_feed_changes(service, url, action, remote_id, title, tags, "
        "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (service, url, action, remote_id, title, json.dumps(list(tags)), time.time()),
    )


def feed_changes(conn: sqlite3.Connection, service: str) -> list[FeedChange]:
    return [
        FeedChange(url, action, remote_id, title, json.loads(tags or "[]"))
        for url, action, remote_id, title, tags in conn.execute(
            "SELECT url, action, remote_id, title, tags FROM sync_feed_changes "
            "WHERE service = ? ORDER BY changed_at",
            (service,),
        )
    ]


def drop_feed_change(conn: sqlite3.Connection, service: str, url: str) -> None:
    conn.execute("DELETE FROM sync_feed_changes WHERE service = ? AND url = ?", (service, url))


# ---------------------------------------------------------------------- articles


def mapped_articles(conn: sqlite3.Connection, service: str, remote_ids: Sequence[str]) -> set[str]:
    """Which of these server article ids are already stored here."""
    out: set[str] = set()
    for i in range(0, len(remote_ids), 500):
        chunk = list(remote_ids[i : i + 500])
        marks = ",".join("?" * len(chunk))
        out.update(
            str(r)
            for (r,) in conn.execute(
                f"SELECT remote_id FROM sync_articles WHERE service = ? AND remote_id IN ({marks})",
                [service, *chunk],
            )
        )
    return out


def unmapped_local(conn: sqlite3.Connection, feed_id: int) -> list[tuple[int, str, str | None]]:
    """(id, guid, link) of a feed's articles that no server article is linked to yet."""
    return conn.execute(
        "SELECT id, guid, link FROM articles WHERE feed_id = ? "
        "AND id NOT IN (SELECT article_id FROM sync_articles)",
        (feed_id,),
    ).fetchall()


def link_article(
    conn: sqlite3.Connection, service: str, seen: Seen, *, local: tuple[bool, bool]
) -> None:
    """Link a local article to a server one. The first time, read or starred on either side
    stays so: the server's flags are applied here, the local ones queued to push."""
    conn.execute(
        "INSERT OR REPLACE INTO sync_articles(article_id, service, remote_id, remote_read, "
        "remote_starred, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        (seen.article_id, service, seen.remote_id, seen.read, seen.starred, seen.seen_at),
    )
    read, starred = local[0] or seen.read, local[1] or seen.starred
    with quiet(conn):
        conn.execute(
            "UPDATE articles SET read = ?, starred = ? WHERE id = ?",
            (read, starred, seen.article_id),
        )
    for flag, value, remote in (("read", read, seen.read), ("starred", starred, seen.starred)):
        if value != remote:
            conn.execute(
                "INSERT OR REPLACE INTO sync_changes(article_id, field, value, changed_at) "
                "VALUES (?, ?, ?, ?)",
                (seen.article_id, flag, value, time.time()),
            )


def synced(conn: sqlite3.Connection, service: str) -> list[Seen]:
    return [
        Seen(a, str(r), bool(rd), bool(st), t)
        for a, r, rd, st, t in conn.execute(
            "SELECT article_id, remote_id, remote_read, remote_starred, seen_at "
            "FROM sync_articles WHERE service = ?",
            (service,),
        )
    ]


def local_flags(conn: sqlite3.Connection, service: str) -> dict[int, tuple[bool, bool]]:
    return {
        a: (bool(rd), bool(st))
        for a, rd, st in conn.execute(
            "SELECT a.id, a.read, a.starred FROM articles a JOIN sync_articles s "
            "ON s.article_id = a.id WHERE s.service = ?",
            (service,),
        )
    }


def changes(conn: sqlite3.Connection, service: str) -> list[Change]:
    return [
        Change(a, str(r), "read" if f == "read" else "starred", bool(v), t)
        for a, r, f, v, t in conn.execute(
            "SELECT c.article_id, s.remote_id, c.field, c.value, c.changed_at FROM sync_changes c "
            "JOIN sync_articles s ON s.article_id = c.article_id WHERE s.service = ?",
            (service,),
        )
    ]


def drop_changes(conn: sqlite3.Connection, done: Iterable[Change]) -> None:
    """Forget pushed (or overruled) changes, unless a newer one was made meanwhile."""
    conn.executemany(
        "DELETE FROM sync_changes WHERE article_id = ? AND field = ? AND changed_at = ?",
        [(c.article_id, c.flag, c.changed_at) for c in done],
    )


def apply_server(
    conn: sqlite3.Connection, updates: Iterable[tuple[int, Flag, bool]]
) -> list[tuple[int, Flag, bool]]:
    """Set flags to the server's value where no local change is waiting; return those set."""
    applied = []
    with quiet(conn):
        for article_id, flag, value in updates:
            waiting = conn.execute(
                "SELECT 1 FROM sync_changes WHERE article_id = ? AND field = ?", (article_id, flag)
            ).fetchone()
            if waiting:
                continue
            column = "read" if flag == "read" else "starred"
            cur = conn.execute(
                f"UPDATE articles SET {column} = ? WHERE id = ? AND {column} != ?",
                (value, article_id, value),
            )
            if cur.rowcount:
                applied.append((article_id, flag, value))
    return applied


def record_seen(conn: sqlite3.Connection, seen: Iterable[Seen]) -> None:
    conn.executemany(
        "UPDATE sync_articles SET remote_read = ?, remote_starred = ?, seen_at = ? "
        "WHERE article_id = ?",
        [(s.read, s.starred, s.seen_at, s.article_id) for s in seen],
    )
