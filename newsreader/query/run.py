"""Run queries against the store: matching ids (newest first), counts, rows.

Every list and count here leaves out hidden (killfiled) articles and articles of feeds that
are no longer subscribed, as the store's own lists do.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from newsreader.query.functions import last_timeout
from newsreader.query.lang import QueryError
from newsreader.query.sql import Compiled, compile_query

if TYPE_CHECKING:
    from newsreader.models import ArticleRow
    from newsreader.store import Store

VISIBLE = "f.subscribed = 1 AND a.hidden = 0"
FROM = "FROM articles a JOIN feeds f ON f.id = a.feed_id"
# Above this many full-text matches, walking the covering index beats looking rows up by id
# (100,000 articles: 31,000 matches 57 -> 43 ms, and a date range can then drive the search).
MANY_MATCHES = 4000


def compiled(query: str | Compiled) -> Compiled:
    return query if isinstance(query, Compiled) else compile_query(query)


def choose(conn: sqlite3.Connection, query: Compiled) -> str:
    """The query's SQL for this store: `scan_sql` when a full-text test matches many rows."""
    for expr in query.fts:
        try:
            (n,) = conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? "
                "LIMIT ?)",
                (expr, MANY_MATCHES),
            ).fetchone()
        except sqlite3.OperationalError:
            return query.sql
        if n >= MANY_MATCHES:
            return query.scan_sql
    return query.sql


def where(
    query: str | Compiled, *, conn: sqlite3.Connection | None = None, now: float | None = None
) -> tuple[str, list[object]]:
    """(SQL, parameters) of the query's test, to AND into a WHERE over `articles a`
    (`conn`: pick the plan for that store's data, see `choose`)."""
    c = compiled(query)
    sql = choose(conn, c) if conn is not None else c.sql
    return f"({sql})", c.bind(now=now)


def execute(
    conn: sqlite3.Connection, sql: str, params: list[object], query: Compiled
) -> list[tuple[Any, ...]]:
    """Run `sql`; a regular expression that ran out of time becomes a QueryError."""
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        raise _timeout_error(query, exc) from exc


def _timeout_error(query: Compiled, exc: Exception) -> Exception:
    pattern = last_timeout()
    if pattern is None:
        return exc
    pos = query.text.find(pattern)
    if pos > 0 and query.text[pos - 1] in "\"'":
        pos -= 1  # point at the value's opening quote
    return QueryError(
        "the regular expression took too long (over 2 s over all articles, or 0.25 s on one); "
        "make it simpler or test a shorter field",
        max(pos, 0),
    )


def matching_ids(
    store: Store,
    query: str | Compiled,
    *,
    unread_only: bool = False,
    limit: int | None = None,
    now: float | None = None,
) -> list[int]:
    """Ids of the visible articles matching `query`, newest first."""
    c = compiled(query)
    if c.needs_ready:
        store.fts_ready()
    sql = f"SELECT a.id {FROM} WHERE {VISIBLE} AND ({choose(store.conn, c)})"
    if unread_only:
        sql += " AND a.read = 0"
    sql += " ORDER BY a.published DESC, a.id DESC"
    params = c.bind(now=now)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [r[0] for r in execute(store.conn, sql, params, c)]


def count(store: Store, query: str | Compiled, *, now: float | None = None) -> tuple[int, int]:
    """(total, unread) of the visible articles matching `query`."""
    c = compiled(query)
    if c.needs_ready:
        store.fts_ready()
    test = choose(store.conn, c)
    sql = f"SELECT count(*), coalesce(sum(a.read = 0), 0) {FROM} WHERE {VISIBLE} AND ({test})"
    rows = execute(store.conn, sql, c.bind(now=now), c)
    return int(rows[0][0]), int(rows[0][1])


def rows(store: Store, query: str | Compiled, *, limit: int = 200) -> list[ArticleRow]:
    """The newest `limit` matching articles as list rows."""
    return store.rows_by_ids(matching_ids(store, query, limit=limit))
