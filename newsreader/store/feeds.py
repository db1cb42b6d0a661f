"""Feed writes: subscriptions, validators and errors, storing a fetched feed (the update
decision: new, changed or known articles), retention. One transaction per write (retention:
one per PRUNE_CHUNK articles)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Mapping, Sequence

from newsreader.models import FeedRow, ParsedArticle, ParsedFeed, Subscription
from newsreader.store.db import chunks, to_dt, to_ts
from newsreader.store.index import FullText, clamp, index_above
from newsreader.text.safetext import clean
from newsreader.text.sanitize import stored_text

SavedFeed = tuple[str, ParsedFeed, str | None, str | None]  # url, parsed, etag, last_modified
PRUNE_CHUNK = 2000  # articles dropped per transaction by `prune`


def content_hash(a: ParsedArticle) -> str:
    """Of what the store keeps: the entry's HTML as it came and the base its links resolve
    against (rows stored before schema 9 hashed the sanitized HTML: they are rewritten, with
    the same text, the first time their feed is refreshed)."""
    h = hashlib.blake2b(digest_size=12)
    parts = [a.title, a.link or "", a.author or "", a.content_html, a.summary_html]
    if a.html_base is not None:
        parts.append(a.html_base)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class FeedWrites(FullText):
    def sync_subscriptions(self, subs: Sequence[Subscription]) -> None:
        """Make the feeds table match feeds.toml (titles, tags, order, subscribed flag)."""
        with self.transaction() as conn:
            conn.execute("UPDATE feeds SET subscribed = 0")
            for pos, sub in enumerate(subs):
                conn.execute(
                    "INSERT INTO feeds(url, title, tags, position, subscribed) "
                    "VALUES (?, ?, ?, ?, 1) ON CONFLICT(url) DO UPDATE SET "
                    "title = excluded.title, tags = excluded.tags, "
                    "position = excluded.position, subscribed = 1",
                    (sub.url, sub.title, json.dumps(sub.tags), pos),
                )

    def feed_id(self, url: str) -> int | None:
        row = self.conn.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        return int(row[0]) if row else None

    def ensure_feed(self, url: str, title: str | None = None) -> int:
        fid = self.feed_id(url)
        if fid is not None:
            return fid
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO feeds(url, title, subscribed) VALUES (?, ?, 0) "
                "ON CONFLICT(url) DO NOTHING",
                (url, title),
            )
            if cur.lastrowid and cur.rowcount:
                return int(cur.lastrowid)
        fid = self.feed_id(url)
        assert fid is not None
        return fid

    def feeds(self, *, subscribed_only: bool = True) -> list[FeedRow]:
        counts = {  # kept by triggers (schema 7): one row per feed, not a scan of articles
            r[0]: (r[1], r[2], r[3])
            for r in self.conn.execute("SELECT feed_id, total, unread, starred FROM feed_counts")
        }
        where = "WHERE subscribed = 1" if subscribed_only else ""
        out = []
        for r in self.conn.execute(
            "SELECT id, url, coalesce(title, feed_title), site_url, tags, last_error, "
            f"last_success, last_attempt FROM feeds {where} ORDER BY position, id"
        ):
            total, unread, starred = counts.get(r[0], (0, 0, 0))
            out.append(
                FeedRow(
                    id=r[0],
                    url=r[1],
                    title=r[2],
                    site_url=r[3],
                    tags=json.loads(r[4] or "[]"),
                    total=total,
                    unread=unread or 0,
                    starred=starred or 0,
                    error=r[5],
                    last_success=to_dt(r[6]),
                    last_attempt=to_dt(r[7]),
                )
            )
        return out

    def last_attempts(self) -> dict[str, float]:
        """Feed URL -> when its last fetch was tried (epoch), for per-feed refresh intervals."""
        return dict(
            self.conn.execute("SELECT url, last_attempt FROM feeds WHERE last_attempt IS NOT NULL")
        )

    def all_validators(self) -> dict[str, tuple[str | None, str | None, float | None]]:
        """Feed URL -> `validators(url)` for every stored feed that has any (one query for a
        whole refresh instead of one per feed)."""
        return {
            url: (etag, modified, retry)
            for url, etag, modified, retry in self.conn.execute(
                "SELECT url, etag, last_modified, retry_after FROM feeds "
                "WHERE etag IS NOT NULL OR last_modified IS NOT NULL OR retry_after IS NOT NULL"
            )
        }

    def validators(self, url: str) -> tuple[str | None, str | None, float | None]:
        """(etag, last_modified, retry_after epoch) for a feed."""
        row = self.conn.execute(
            "SELECT etag, last_modified, retry_after FROM feeds WHERE url = ?", (url,)
        ).fetchone()
        return (row[0], row[1], row[2]) if row else (None, None, None)

    def record_error(self, url: str, message: str, *, retry_after: float | None = None) -> None:
        fid = self.ensure_feed(url)
        now = time.time()
        message = clean(message, 500)  # server-supplied text (reason phrases) is hostile too
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_attempt = ?, last_error = ?, error_count = error_count + 1, "
                "retry_after = ? WHERE id = ?",
                (now, message, now + retry_after if retry_after else None, fid),
            )

    def record_not_modified(self, url: str) -> None:
        fid = self.ensure_feed(url)
        now = time.time()
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_attempt = ?, last_success = ?, last_error = NULL, "
                "error_count = 0, retry_after = NULL WHERE id = ?",
                (now, now, fid),
            )

    def save_feed(
        self,
        url: str,
        parsed: ParsedFeed,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        now: float | None = None,
    ) -> int:
        """Store a fetched feed in one transaction; return how many articles are new."""
        return self.save_feeds([(url, parsed, etag, last_modified)], now=now)[0]

    def save_feeds(self, items: Sequence[SavedFeed], *, now: float | None = None) -> list[int]:
        """Store several fetched feeds (url, parsed, etag, last_modified) in ONE transaction
        (a refresh groups the feeds that finish together: each commit also flushes the
        full-text index, so fewer commits cost much less); return the new-article counts."""
        fids = [self.ensure_feed(url) for url, _, _, _ in items]
        now = time.time() if now is None else now
        with self.transaction() as conn:
            (floor,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
            clamp(conn, floor)
            counts = [
                _save_rows(conn, fid, parsed, etag, last_modified, now)
                for fid, (_, parsed, etag, last_modified) in zip(fids, items, strict=True)
            ]
            if any(counts) and self.index_on_save:
                index_above(conn)
            if self.on_insert is not None and any(counts):
                self.on_insert(conn, floor)
            return counts

    def delete_feed(self, url: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM feeds WHERE url = ?", (url,))

    def _beyond_keep(
        self, keep_per_feed: int | None, per_feed: Mapping[str, int]
    ) -> list[tuple[int, int, str]]:
        """The unstarred articles of each feed after its newest `keep` (starred ones count
        toward the keep). Feeds are counted from the feed index first and only those over
        their limit are read: a day's prune of 1,000,000 articles reads the 5,000 it drops,
        not every row."""
        urls = dict(self.conn.execute("SELECT id, url FROM feeds"))
        out: list[tuple[int, int, str]] = []
        for fid, n in self.conn.execute(
            "SELECT feed_id, count(*) FROM articles INDEXED BY articles_by_feed GROUP BY feed_id"
        ).fetchall():
            keep = per_feed.get(urls.get(fid, ""), keep_per_feed)
            if keep is None or n <= keep:
                continue
            out += [
                (i, fid, g)
                for i, g, starred in self.conn.execute(
                    "SELECT id, guid, starred FROM articles WHERE feed_id = ? "
                    "ORDER BY published DESC, id DESC LIMIT -1 OFFSET ?",
                    (fid, keep),
                )
                if not starred
            ]
        return out

    def prune(
        self,
        *,
        keep_days: int | None = None,
        keep_per_feed: int | None = None,
        per_feed: Mapping[str, int] | None = None,
    ) -> int:
        """Drop old articles (never starred ones); remember their guids so they stay gone.

        `per_feed` maps a feed URL to its own keep_per_feed (feeds.toml), over the default."""
        now = time.time()
        victims: list[tuple[int, int, str]] = []
        if keep_days is not None:
            victims += self.conn.execute(
                "SELECT id, feed_id, guid FROM articles WHERE starred = 0 AND published < ?",
                (now - keep_days * 86400,),
            ).fetchall()
        if keep_per_feed is not None or per_feed:
            victims += self._beyond_keep(keep_per_feed, per_feed or {})
        if not victims:
            return 0
        unique = list({v[0]: v for v in victims}.values())
        # In transactions of PRUNE_CHUNK articles (each with its tombstones): a first prune of
        # a big store (250,000 of 1,000,000 articles: ~30 s, the full-text index dropping
        # each text) never holds the write lock for long, and what was done stays done.
        for start in range(0, len(unique), PRUNE_CHUNK):
            chunk = unique[start : start + PRUNE_CHUNK]
            with self.transaction() as conn:
                conn.executemany(
                    "INSERT OR IGNORE INTO tombstones(feed_id, guid, dropped) VALUES (?, ?, ?)",
                    [(f, g, now) for _, f, g in chunk],
                )
                conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i, _, _ in chunk])
        with self.transaction() as conn:
            conn.execute("DELETE FROM tombstones WHERE dropped < ?", (now - 365 * 86400,))
        return len(unique)


def _save_rows(
    conn: sqlite3.Connection,
    fid: int,
    parsed: ParsedFeed,
    etag: str | None,
    last_modified: str | None,
    now: float,
) -> int:
    """The update decision for one feed: new guids are inserted (and indexed in bulk), known
    guids whose content hash changed are updated, tombstoned guids stay dropped."""
    # Only the guids the feed lists now are looked up (by the (feed_id, guid) index), not
    # every stored article of the feed: a feed with a long history in a big store had all its
    # rows read at each refresh.
    known: dict[str, str | None] = {}
    for part in chunks([a.guid for a in parsed.articles], 500):
        known.update(
            conn.execute(
                "SELECT guid, content_hash FROM articles WHERE feed_id = ? "
                f"AND guid IN ({','.join('?' * len(part))})",
                [fid, *part],
            )
        )
    dead = {g for (g,) in conn.execute("SELECT guid FROM tombstones WHERE feed_id = ?", (fid,))}
    new_rows, changed_rows = [], []
    for i, a in enumerate(parsed.articles):
        if a.guid in dead:
            continue
        h = content_hash(a)
        pub = to_ts(a.published)
        if pub is None or pub > now + 86400:
            pub = now - i * 1e-3  # first seen; keeps the feed's own order
        enc = (
            json.dumps([[e.url, e.type, e.length] for e in a.enclosures]) if a.enclosures else None
        )
        content = a.content_html or a.summary_html
        if a.guid not in known:
            new_rows.append(
                (fid, a.guid, a.title, a.link, a.author, pub, to_ts(a.updated), now,
                 content, a.html_base, a.text, enc, h)
            )  # fmt: skip
            known[a.guid] = h
        elif known[a.guid] != h:
            # An indexed row's text must be whole (its trigger re-indexes it): derived now.
            text = stored_text(a.text, content)
            changed_rows.append(
                (a.title, a.link, a.author, to_ts(a.updated), content, a.html_base, text,
                 enc, h, fid, a.guid)
            )  # fmt: skip
    if new_rows:  # indexed for search later, their text derived then (store/index.py)
        conn.executemany(
            "INSERT INTO articles(feed_id, guid, title, link, author, published, updated, "
            "fetched, content_html, html_base, text, enclosures, content_hash) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            new_rows,
        )
    conn.executemany(
        "UPDATE articles SET title=?, link=?, author=?, updated=?, content_html=?, "
        "html_base=?, text=?, enclosures=?, content_hash=? WHERE feed_id=? AND guid=?",
        changed_rows,
    )
    conn.execute(
        "UPDATE feeds SET feed_title = ?, site_url = ?, etag = ?, last_modified = ?, "
        "last_attempt = ?, last_success = ?, last_error = NULL, error_count = 0, "
        "retry_after = NULL, warning = ? WHERE id = ?",
        (parsed.title, parsed.link, etag, last_modified, now, now, parsed.warning, fid),
    )
    return len(new_rows)
