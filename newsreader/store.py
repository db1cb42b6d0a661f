"""SQLite store: feeds, articles, read/star state, validators, errors, full-text search.

WAL mode, versioned migrations (PRAGMA user_version), one transaction per feed update, so a
crash at any moment leaves the last committed state. Each thread gets its own connection;
SQLite serialises writers (busy timeout), so two processes may use the store at once.
No network, no UI.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsreader.models import (
    Article,
    ArticleRow,
    Enclosure,
    FeedRow,
    ParsedArticle,
    ParsedFeed,
    Subscription,
)
from newsreader.safetext import clean


class StoreError(Exception):
    """The database cannot be opened or written; message says what to do."""


_MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE feeds(
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,              -- title given in feeds.toml
        feed_title TEXT,         -- title the feed itself gives
        site_url TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        position INTEGER NOT NULL DEFAULT 0,
        subscribed INTEGER NOT NULL DEFAULT 1,
        etag TEXT,
        last_modified TEXT,
        last_attempt REAL,
        last_success REAL,
        last_error TEXT,
        error_count INTEGER NOT NULL DEFAULT 0,
        retry_after REAL,
        warning TEXT
    );
    CREATE TABLE articles(
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        link TEXT,
        author TEXT,
        published REAL NOT NULL,
        updated REAL,
        fetched REAL NOT NULL,
        content_html TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        enclosures TEXT,
        full_text TEXT,
        content_hash TEXT,
        read INTEGER NOT NULL DEFAULT 0,
        starred INTEGER NOT NULL DEFAULT 0,
        UNIQUE(feed_id, guid)
    );
    CREATE INDEX articles_by_date ON articles(published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles(feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread ON articles(published DESC, id DESC) WHERE read = 0;
    CREATE INDEX articles_starred ON articles(published DESC, id DESC) WHERE starred = 1;
    CREATE INDEX articles_by_link ON articles(link);
    CREATE TABLE tombstones(
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT NOT NULL,
        dropped REAL NOT NULL,
        PRIMARY KEY(feed_id, guid)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, author, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, author, text)
        VALUES (new.id, new.title, coalesce(new.author, ''), new.text);
    END;
    CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
    END;
    CREATE TRIGGER articles_au AFTER UPDATE OF title, author, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, author, text)
        VALUES ('delete', old.id, old.title, coalesce(old.author, ''), old.text);
        INSERT INTO articles_fts(rowid, title, author, text)
        VALUES (new.id, new.title, coalesce(new.author, ''), new.text);
    END;
    """,
    # 2: new articles are indexed in bulk by save_feeds (one INSERT ... SELECT per feed is
    # about 3x cheaper than the per-row trigger); updates and deletes keep their triggers.
    """
    DROP TRIGGER IF EXISTS articles_ai;
    """,
    # 3: sync with a feed server (newsreader/sync/state.py holds the SQL that uses these).
    # Server ids of feeds and articles with the server state last seen; local read/star
    # changes of synced articles queued by triggers (whatever code makes them) until pushed;
    # subscriptions to push; the cursor (TT-RSS: since_id). `sync_quiet` holds a row while the
    # engine applies server state, so that those updates are not queued back.
    """
    CREATE TABLE sync_feeds(
        feed_id INTEGER PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        title TEXT,
        category TEXT,
        UNIQUE(service, remote_id)
    );
    CREATE TABLE sync_articles(
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        remote_read INTEGER NOT NULL,
        remote_starred INTEGER NOT NULL,
        seen_at REAL NOT NULL,
        UNIQUE(service, remote_id)
    );
    CREATE TABLE sync_changes(
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value INTEGER NOT NULL,
        changed_at REAL NOT NULL,
        PRIMARY KEY(article_id, field)
    ) WITHOUT ROWID;
    CREATE TABLE sync_feed_changes(
        service TEXT NOT NULL,
        url TEXT NOT NULL,
        action TEXT NOT NULL,
        remote_id TEXT,
        title TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        changed_at REAL NOT NULL,
        PRIMARY KEY(service, url)
    );
    CREATE TABLE sync_state(
        service TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        cursor TEXT,
        last_sync REAL
    );
    CREATE TABLE sync_quiet(x INTEGER);
    CREATE TRIGGER sync_read_changed AFTER UPDATE OF read ON articles
    WHEN old.read IS NOT new.read AND NOT EXISTS (SELECT 1 FROM sync_quiet)
        AND EXISTS (SELECT 1 FROM sync_articles WHERE article_id = new.id)
    BEGIN
        INSERT OR REPLACE INTO sync_changes(article_id, field, value, changed_at)
        VALUES (new.id, 'read', new.read, (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER sync_starred_changed AFTER UPDATE OF starred ON articles
    WHEN old.starred IS NOT new.starred AND NOT EXISTS (SELECT 1 FROM sync_quiet)
        AND EXISTS (SELECT 1 FROM sync_articles WHERE article_id = new.id)
    BEGIN
        INSERT OR REPLACE INTO sync_changes(article_id, field, value, changed_at)
        VALUES (new.id, 'starred', new.starred, (julianday('now') - 2440587.5) * 86400.0);
    END;
    CREATE TRIGGER sync_adopt_guid BEFORE INSERT ON articles
    WHEN new.link IS NOT NULL AND new.guid NOT LIKE 'sync:%' AND EXISTS (
        SELECT 1 FROM articles WHERE link = new.link AND feed_id = new.feed_id
        AND guid LIKE 'sync:%')
    BEGIN
        UPDATE articles SET guid = new.guid WHERE id = (
            SELECT id FROM articles WHERE link = new.link AND feed_id = new.feed_id
            AND guid LIKE 'sync:%' LIMIT 1);
        SELECT RAISE(IGNORE);
    END;
    """,
]

SCHEMA_VERSION = len(_MIGRATIONS)
SEARCH_VIEW_LIMIT = 5000  # a search view lists at most the newest 5,000 matches

_ROW_COLS = (
    "a.id, a.feed_id, coalesce(f.title, f.feed_title, f.url), a.title, a.link, a.author, "
    "a.published, a.read, a.starred"
)


@dataclass(frozen=True, slots=True)
class View:
    """Which articles a list shows."""

    kind: str = "all"  # all | unread | starred | feed | tag | search
    feed_id: int | None = None
    tag: str | None = None
    query: str | None = None
    unread_only: bool = False


def _ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


def _dt(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def _hash(a: ParsedArticle) -> str:
    h = hashlib.blake2b(digest_size=12)
    for part in (a.title, a.link or "", a.author or "", a.content_html, a.summary_html):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


_FTS_TOKEN = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "the a an and or of to in on for with by at from as is are was were be been that this it "
    "its their they he she his her we our you your not but also has have had will would can "
    "could said says which who whom what when where while after before about into over than "
    "more most some such these those there them then two one new".split()
)


def fts_query(user_query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query (every term required, last one a prefix).

    Double-quoted phrases are kept as phrases. Nothing the user types can reach FTS5 syntax.
    """
    phrases = re.findall(r'"([^"]+)"', user_query)
    rest = re.sub(r'"[^"]*"?', " ", user_query)
    parts = []
    for ph in phrases:
        toks = _FTS_TOKEN.findall(ph)
        if toks:
            parts.append('"' + " ".join(toks) + '"')
    toks = _FTS_TOKEN.findall(rest)
    for i, tok in enumerate(toks):
        last = i == len(toks) - 1 and not user_query.rstrip().endswith('"')
        parts.append(f'"{tok}"' + ("*" if last and len(tok) >= 2 else ""))
    return " AND ".join(parts) if parts else None


class Store:
    """Thread-safe access to the SQLite database at `path` (":memory:" is not supported)."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._write_lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create {self.path.parent}: {exc.strerror or exc}; "
                "check permissions or set XDG_DATA_HOME"
            ) from exc
        self._migrate()

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA cache_size=-32000")
            conn.execute("PRAGMA wal_autocheckpoint=8000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the database {self.path}: {exc}; "
                "if it is damaged, move it aside and run `newsreader refresh`"
            ) from exc
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        conn = self.conn
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"the database is busy or read-only: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:  # SQLite may already have rolled back (disk full)
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
                    raise StoreError(_describe_db_error(exc, self.path)) from exc
                raise

    def _migrate(self) -> None:
        try:
            with self.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} was written by a newer newsreader (schema {version}); "
                        "upgrade newsreader"
                    )
                for i in range(version, SCHEMA_VERSION):
                    for stmt in _split_sql(_MIGRATIONS[i]):
                        conn.execute(stmt)
                    conn.execute(f"PRAGMA user_version={i + 1}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot use the database {self.path}: {exc}; check permissions and free disk space"
            ) from exc

    # ------------------------------------------------------------------ feeds

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
        return row[0] if row else None

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
        counts = {
            r[0]: (r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT feed_id, count(*), count(*) - sum(read), sum(starred) "
                "FROM articles GROUP BY feed_id"
            )
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
                    last_success=_dt(r[6]),
                    last_attempt=_dt(r[7]),
                )
            )
        return out

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

    def save_feeds(
        self,
        items: Sequence[tuple[str, ParsedFeed, str | None, str | None]],
        *,
        now: float | None = None,
    ) -> list[int]:
        """Store several fetched feeds (url, parsed, etag, last_modified) in ONE transaction
        (a refresh groups the feeds that finish together: each commit also flushes the
        full-text index, so fewer commits cost much less); return the new-article counts."""
        fids = [self.ensure_feed(url) for url, _, _, _ in items]
        now = time.time() if now is None else now
        with self.transaction() as conn:
            return [
                self._save_rows(conn, fid, parsed, etag, last_modified, now)
                for fid, (_, parsed, etag, last_modified) in zip(fids, items, strict=True)
            ]

    @staticmethod
    def _save_rows(
        conn: sqlite3.Connection,
        fid: int,
        parsed: ParsedFeed,
        etag: str | None,
        last_modified: str | None,
        now: float,
    ) -> int:
        known = dict(
            conn.execute("SELECT guid, content_hash FROM articles WHERE feed_id = ?", (fid,))
        )
        dead = {g for (g,) in conn.execute("SELECT guid FROM tombstones WHERE feed_id = ?", (fid,))}
        new_rows, changed_rows = [], []
        for i, a in enumerate(parsed.articles):
            if a.guid in dead:
                continue
            h = _hash(a)
            pub = _ts(a.published)
            if pub is None or pub > now + 86400:
                pub = now - i * 1e-3  # first seen; keeps the feed's own order
            enc = (
                json.dumps([[e.url, e.type, e.length] for e in a.enclosures])
                if a.enclosures
                else None
            )
            content = a.content_html or a.summary_html
            if a.guid not in known:
                new_rows.append(
                    (fid, a.guid, a.title, a.link, a.author, pub, _ts(a.updated), now,
                     content, a.text, enc, h)
                )  # fmt: skip
                known[a.guid] = h
            elif known[a.guid] != h:
                changed_rows.append(
                    (a.title, a.link, a.author, _ts(a.updated), content, a.text, enc, h,
                     fid, a.guid)
                )  # fmt: skip
        if new_rows:
            (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
            conn.executemany(
                "INSERT INTO articles(feed_id, guid, title, link, author, published, updated, "
                "fetched, content_html, text, enclosures, content_hash) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                new_rows,
            )
            # Rowids only grow (max + 1), so the new rows are exactly those above `last`.
            conn.execute(
                "INSERT INTO articles_fts(rowid, title, author, text) "
                "SELECT id, title, coalesce(author, ''), text FROM articles WHERE id > ?",
                (last,),
            )
        conn.executemany(
            "UPDATE articles SET title=?, link=?, author=?, updated=?, content_html=?, "
            "text=?, enclosures=?, content_hash=? WHERE feed_id=? AND guid=?",
            changed_rows,
        )
        conn.execute(
            "UPDATE feeds SET feed_title = ?, site_url = ?, etag = ?, last_modified = ?, "
            "last_attempt = ?, last_success = ?, last_error = NULL, error_count = 0, "
            "retry_after = NULL, warning = ? WHERE id = ?",
            (parsed.title, parsed.link, etag, last_modified, now, now, parsed.warning, fid),
        )
        return len(new_rows)

    def delete_feed(self, url: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM feeds WHERE url = ?", (url,))

    # ------------------------------------------------------------------ article lists

    def _view_sql(self, view: View) -> tuple[str, list[object]]:
        where = ["f.subscribed = 1"]
        params: list[object] = []
        if view.kind == "unread" or view.unread_only:
            where.append("a.read = 0")
        if view.kind == "starred":
            # Starred articles stay listed after their feed is removed; `unread_only` holds.
            where = ["a.starred = 1"] + (["a.read = 0"] if view.unread_only else [])
        elif view.kind == "feed":
            where.append("a.feed_id = ?")
            params.append(view.feed_id)
        elif view.kind == "tag":
            where.append("EXISTS (SELECT 1 FROM json_each(f.tags) WHERE json_each.value = ?)")
            params.append(view.tag)
        elif view.kind == "search":
            q = fts_query(view.query or "")
            if q is None:
                where.append("0")
            else:
                where.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
                params.append(q)
        return " AND ".join(where), params

    def article_ids(self, view: View = View()) -> list[int]:
        """All ids of a view, newest first (cheap: the list widget pages rows by id).

        A search matching more than SEARCH_VIEW_LIMIT articles lists the newest that many:
        walking the date index until enough matches are found takes ~10 ms where sorting
        40,000 matches took ~90 ms."""
        where, params = self._view_sql(view)
        table, limit = "articles a", ""
        if view.kind == "search" and params and self._many_matches(str(params[-1])):
            table, limit = "articles a INDEXED BY articles_by_date", f" LIMIT {SEARCH_VIEW_LIMIT}"
        sql = (
            f"SELECT a.id FROM {table} JOIN feeds f ON f.id = a.feed_id WHERE {where} "
            f"ORDER BY a.published DESC, a.id DESC{limit}"
        )
        try:
            return [r[0] for r in self.conn.execute(sql, params)]
        except sqlite3.OperationalError:
            return []

    def _many_matches(self, fts: str) -> bool:
        try:
            row = self.conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "LIMIT ?)",
                (fts, SEARCH_VIEW_LIMIT + 1),
            ).fetchone()
        except sqlite3.OperationalError:
            return False
        return bool(row and row[0] > SEARCH_VIEW_LIMIT)

    def rows_by_ids(self, ids: Sequence[int]) -> list[ArticleRow]:
        """List rows for the given ids, in the order given (missing ids skipped)."""
        if not ids:
            return []
        out: dict[int, ArticleRow] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT {_ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.id IN ({marks})",
                chunk,
            ):
                out[r[0]] = _article_row(r)
        return [out[i] for i in ids if i in out]

    def articles(self, view: View = View(), limit: int = 100, offset: int = 0) -> list[ArticleRow]:
        where, params = self._view_sql(view)
        sql = (
            f"SELECT {_ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE {where} ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?"
        )
        try:
            return [_article_row(r) for r in self.conn.execute(sql, [*params, limit, offset])]
        except sqlite3.OperationalError:
            return []

    def search(self, query: str, limit: int = 200) -> list[ArticleRow]:
        """Full-text search over title, author and text, best matches first."""
        q = fts_query(query)
        if q is None:
            return []
        sql = (
            f"SELECT {_ROW_COLS} FROM articles_fts s JOIN articles a ON a.id = s.rowid "
            "JOIN feeds f ON f.id = a.feed_id WHERE articles_fts MATCH ? "
            "ORDER BY s.rank LIMIT ?"
        )
        try:
            return [_article_row(r) for r in self.conn.execute(sql, (q, limit))]
        except sqlite3.OperationalError:
            return []

    def get_article(self, article_id: int) -> Article | None:
        r = self.conn.execute(
            "SELECT a.id, a.feed_id, coalesce(f.title, f.feed_title, f.url), f.url, a.guid, "
            "a.title, a.link, a.author, a.published, a.read, a.starred, a.content_html, a.text, "
            "a.full_text, a.enclosures FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return _article(r) if r else None

    def find_articles_by_link(self, url: str) -> list[ArticleRow]:
        variants = {url, url.rstrip("/"), url.rstrip("/") + "/"}
        marks = ",".join("?" * len(variants))
        return [
            _article_row(r)
            for r in self.conn.execute(
                f"SELECT {_ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.link IN ({marks}) ORDER BY a.published DESC",
                list(variants),
            )
        ]

    def similar_candidates(
        self, text: str, limit: int = 50, exclude_id: int | None = None
    ) -> list[Article]:
        """Articles sharing the most distinctive words of `text` (an FTS5 prefilter)."""
        words: dict[str, int] = {}
        for tok in _FTS_TOKEN.findall(text):
            low = tok.lower()
            if len(low) < 4 or low in _STOP or low.isdigit():
                continue
            # Capitalised words (names) and long words are the most distinctive.
            weight = len(low) + (4 if tok[0].isupper() else 0)
            words[low] = max(words.get(low, 0), weight)
        if not words:
            return []
        top = sorted(words, key=lambda w: -words[w])[:24]
        q = " OR ".join(f'"{w}"' for w in top)
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (q, limit + 1),
            )
            if r[0] != exclude_id
        ][:limit]
        arts = [self.get_article(i) for i in ids]
        return [a for a in arts if a is not None]

    def iter_articles(self) -> Iterable[Article]:
        for (aid,) in self.conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
            art = self.get_article(aid)
            if art is not None:
                yield art

    # ------------------------------------------------------------------ state

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def mark_view_read(self, view: View) -> int:
        where, params = self._view_sql(view)
        with self.transaction() as conn:
            cur = conn.execute(
                "UPDATE articles SET read = 1 WHERE read = 0 AND id IN (SELECT a.id FROM articles "
                f"a JOIN feeds f ON f.id = a.feed_id WHERE {where})",
                params,
            )
            return cur.rowcount

    def set_full_text(self, article_id: int, text: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET full_text = ? WHERE id = ?", (text, article_id))

    def counts(self) -> dict[str, int]:
        r = self.conn.execute(
            "SELECT count(*), coalesce(sum(read = 0), 0), coalesce(sum(starred), 0) "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.subscribed = 1"
        ).fetchone()
        starred = self.conn.execute("SELECT count(*) FROM articles WHERE starred = 1").fetchone()
        return {"all": r[0], "unread": r[1], "starred": starred[0]}

    # ------------------------------------------------------------------ retention

    def prune(self, *, keep_days: int | None = None, keep_per_feed: int | None = None) -> int:
        """Drop old articles (never starred ones); remember their guids so they stay gone."""
        now = time.time()
        victims: list[tuple[int, int, str]] = []
        if keep_days is not None:
            victims += self.conn.execute(
                "SELECT id, feed_id, guid FROM articles WHERE starred = 0 AND published < ?",
                (now - keep_days * 86400,),
            ).fetchall()
        if keep_per_feed is not None:
            victims += self.conn.execute(
                "SELECT id, feed_id, guid FROM (SELECT id, feed_id, guid, starred, row_number() "
                "OVER (PARTITION BY feed_id ORDER BY published DESC, id DESC) AS n FROM articles) "
                "WHERE n > ? AND starred = 0",
                (keep_per_feed,),
            ).fetchall()
        if not victims:
            return 0
        unique = {v[0]: v for v in victims}
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO tombstones(feed_id, guid, dropped) VALUES (?, ?, ?)",
                [(f, g, now) for _, f, g in unique.values()],
            )
            conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in unique])
            conn.execute("DELETE FROM tombstones WHERE dropped < ?", (now - 365 * 86400,))
        return len(unique)

    def check(self) -> str:
        """PRAGMA integrity_check result ("ok" when sound)."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def _describe_db_error(exc: Exception, path: Path) -> str:
    msg = str(exc)
    low = msg.lower()
    if "full" in low or "disk i/o" in low:
        return f"could not save to {path}: the disk is full ({msg}); free some space and retry"
    if "readonly" in low or "read-only" in low:
        return f"could not save to {path}: the database is read-only ({msg}); check permissions"
    if "locked" in low or "busy" in low:
        return f"could not save to {path}: another newsreader is writing ({msg}); retry"
    return f"could not save to {path}: {msg}"


def _chunks(seq: list[int], n: int) -> Iterator[list[int]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers contain ';' inside BEGIN ... END)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _article_row(r: Sequence) -> ArticleRow:
    return ArticleRow(
        id=r[0],
        feed_id=r[1],
        feed_title=r[2],
        title=r[3],
        link=r[4],
        author=r[5],
        published=_dt(r[6]),
        read=bool(r[7]),
        starred=bool(r[8]),
    )


def _article(r: Sequence) -> Article:
    enclosures = [Enclosure(u, t, n) for u, t, n in json.loads(r[14])] if r[14] else []
    return Article(
        id=r[0],
        feed_id=r[1],
        feed_title=r[2],
        feed_url=r[3],
        guid=r[4],
        title=r[5],
        link=r[6],
        author=r[7],
        published=_dt(r[8]),
        read=bool(r[9]),
        starred=bool(r[10]),
        content_html=r[11],
        text=r[12],
        full_text=r[13],
        enclosures=enclosures,
    )
