"""Which articles a list shows, and the SQL condition that selects them.

The condition is over `articles a JOIN feeds f ON f.id = a.feed_id`; every value is a
parameter, never formatted into the SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from newsreader.query.fts import fts_query


@dataclass(frozen=True, slots=True)
class View:
    """Which articles a list shows."""

    kind: str = "all"  # all | unread | starred | feed | tag | search | query (`query`: expr)
    feed_id: int | None = None
    tag: str | None = None
    query: str | None = None
    unread_only: bool = False
    sort: str = "date"  # date (newest first) | feed (then newest) | title (A to Z)


SORTS = ("date", "feed", "title")
_ORDER = {
    "date": "a.published DESC, a.id DESC",
    "feed": "coalesce(f.title, f.feed_title, f.url) COLLATE NOCASE, a.published DESC, a.id DESC",
    "title": "a.title COLLATE NOCASE, a.published DESC, a.id DESC",
}


def view_order(view: View) -> str:
    """The ORDER BY of a view's list (a fixed string per sort: never user text)."""
    return _ORDER.get(view.sort, _ORDER["date"])


def view_where(view: View, conn: sqlite3.Connection | None = None) -> tuple[str, list[object]]:
    """(SQL condition, parameters) selecting the view's articles; hidden (killfiled) articles
    are never listed. A `query` view raises QueryError when its expression is invalid (`conn`
    picks the plan for that store's data)."""
    where = ["f.subscribed = 1", "a.hidden = 0"]
    params: list[object] = []
    if view.kind == "unread" or view.unread_only:
        where.append("a.read = 0")
    if view.kind == "starred":
        # Starred articles stay listed after their feed is removed; `unread_only` holds.
        where = ["a.starred = 1", "a.hidden = 0"] + (["a.read = 0"] if view.unread_only else [])
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
    elif view.kind == "query":
        from newsreader.query.run import where as query_where

        sql, qparams = query_where(view.query or "", conn=conn)
        where.append(sql)
        params += qparams
    return " AND ".join(where), params
