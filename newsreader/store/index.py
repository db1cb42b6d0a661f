"""The full-text index (FTS5 over title, author, text), kept up to date lazily.

A refresh stores articles without indexing them (tokenising their text was an eighth of a
refresh's CPU); `fts_state.upto` says how far the index goes (schema 8). Every reader of the
index calls `fts_ready()` first, which indexes the rows above it in transactions of
INDEX_CHUNK, so a search sees every stored article; the app calls `index_pending()` in the
background after a refresh. A killfile whose rules search text needs the new rows indexed in
the transaction that stores them: `index_on_save`.
"""

from __future__ import annotations

import sqlite3

from newsreader.store.db import Database

INDEX_CHUNK = 20_000  # articles indexed per transaction


class FullText(Database):
    index_on_save = False  # index new articles as they are stored (killfile.apply sets it)

    def index_pending(self) -> int:
        """Index every article above `fts_state.upto`; return how many were indexed."""
        done = 0
        while True:
            with self.transaction() as conn:
                n = index_above(conn, limit=INDEX_CHUNK)
            done += n
            if n < INDEX_CHUNK:
                return done

    def unindexed(self) -> int:
        """How many stored articles the index does not cover yet."""
        (upto,) = self.conn.execute("SELECT upto FROM fts_state").fetchone()
        (n,) = self.conn.execute("SELECT count(*) FROM articles WHERE id > ?", (upto,)).fetchone()
        return int(n)

    def fts_ready(self) -> None:
        """Bring the index up to date before reading it (cheap when it is: two lookups). A
        database another process holds locked leaves it as it is: a search then misses the
        articles that process is storing, as it would have before."""
        conn = self.conn
        (upto,) = conn.execute("SELECT upto FROM fts_state").fetchone()
        (top,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
        if top > upto:
            try:
                self.index_pending()
            except Exception:  # noqa: S110 - busy or read-only: the index as it is
                pass

    def check(self) -> str:
        """PRAGMA integrity_check result ("ok" when sound); SQLite 3.44+ also checks the
        full-text index against the table, so the index is caught up first."""
        self.fts_ready()
        return super().check()


def index_above(conn: sqlite3.Connection, limit: int | None = None) -> int:
    """Inside a write transaction: index the articles above `fts_state.upto` (the first
    `limit` of them), advance it; return how many. Ids only grow, but the newest rows may have
    been deleted and their ids reused: `upto` never stays above the largest id (see
    `clamp`)."""
    (upto,) = conn.execute("SELECT upto FROM fts_state").fetchone()
    row = conn.execute(
        "SELECT count(*), max(id) FROM (SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?)",
        (upto, -1 if limit is None else limit),
    ).fetchone()
    n, last = int(row[0]), row[1]
    if not n:
        return 0
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, author, text) "
        "SELECT id, title, coalesce(author, ''), text FROM articles WHERE id > ? AND id <= ?",
        (upto, last),
    )
    conn.execute("UPDATE fts_state SET upto = ?", (last,))
    return n


def clamp(conn: sqlite3.Connection, floor: int) -> None:
    """Before rows above `floor` (the largest id) are inserted: ids above it that the index
    once covered were deleted (and unindexed by their trigger), so new rows there are not
    indexed yet."""
    conn.execute("UPDATE fts_state SET upto = ? WHERE upto > ?", (floor, floor))
