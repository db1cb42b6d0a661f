"""The full-text index (FTS5 over title, author, text) and the articles' plain text, both
kept up to date lazily.

A refresh stores articles without indexing them (tokenising their text was an eighth of a
refresh's CPU); `fts_state.upto` says how far the index goes (schema 8). Every reader of the
index calls `fts_ready()` first, which indexes the rows above it in transactions of
INDEX_CHUNK, so a search sees every stored article; the app calls `index_pending()` in the
background after a refresh. A killfile whose rules search text needs the new rows indexed in
the transaction that stores them: `index_on_save`.

A refresh also stores new articles without their plain text (`articles.text` empty: the
HTML-to-text conversion was half of the parsing CPU, and most articles are never searched or
read). An article whose `text` is empty and whose `content_html` is not has its text still to
derive, `article_text(content_html)`: the indexing above derives and stores it for the rows it
indexes, before it indexes them (so a row below `fts_state.upto` always has its text), and
whatever reads the text of newer rows derives it as it reads (`stored_text`: an Article, the
stories' analysis). A query that reads `a.text` calls `fts_ready()` first, like one that reads
the index.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from newsreader.store.db import Database
from newsreader.text.sanitize import article_text

INDEX_CHUNK = 5_000  # articles indexed per transaction (their texts are derived before it)
# Texts to store before indexing: (text, id, content_hash).
Texts = Sequence[tuple[str, int, str | None]]


def pending_texts(
    conn: sqlite3.Connection, after: int, upto: int
) -> list[tuple[str, int, str | None]]:
    """The texts still to derive of the articles with ids in (after, upto]: reads only, so it
    runs outside the write transaction."""
    rows = conn.execute(
        "SELECT id, content_html, content_hash FROM articles "
        "WHERE id > ? AND id <= ? AND text = '' AND content_html <> ''",
        (after, upto),
    ).fetchall()
    return [(t, i, h) for i, html, h in rows if (t := article_text(html))]


class FullText(Database):
    index_on_save = False  # index new articles as they are stored (killfile.apply sets it)

    def index_pending(self) -> int:
        """Index every article above `fts_state.upto`; return how many were indexed. The texts
        of each chunk are derived before its write transaction, so the write lock is held only
        to store them and index them."""
        done = 0
        conn = self.conn
        while True:
            (upto,) = conn.execute("SELECT upto FROM fts_state").fetchone()
            (last,) = conn.execute(
                "SELECT max(id) FROM (SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?)",
                (upto, INDEX_CHUNK),
            ).fetchone()
            texts = pending_texts(conn, upto, last) if last is not None else []
            with self.transaction() as conn:
                n = index_above(conn, limit=INDEX_CHUNK, texts=texts)
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


def index_above(conn: sqlite3.Connection, limit: int | None = None, texts: Texts = ()) -> int:
    """Inside a write transaction: index the articles above `fts_state.upto` (the first
    `limit` of them), advance it; return how many. Their texts still to derive are stored
    first: `texts` derived outside the transaction (a row is written only if it still has
    no text and the same content), the rest derived here. Ids only grow, but the newest rows
    may have been deleted and their ids reused: `upto` never stays above the largest id (see
    `clamp`)."""
    (upto,) = conn.execute("SELECT upto FROM fts_state").fetchone()
    row = conn.execute(
        "SELECT count(*), max(id) FROM (SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?)",
        (upto, -1 if limit is None else limit),
    ).fetchone()
    n, last = int(row[0]), row[1]
    if not n:
        return 0
    # The rows are above `upto`: updating their text fires no index trigger (schema 8).
    conn.executemany(
        "UPDATE articles SET text = ? WHERE id = ? AND text = '' AND content_hash IS ?", texts
    )
    conn.executemany(
        "UPDATE articles SET text = ? WHERE id = ? AND text = ''",
        [(t, i) for t, i, _ in pending_texts(conn, upto, last)],
    )
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
