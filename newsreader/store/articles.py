"""Article queries (lists by view, rows by id, one article) and reading state."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from newsreader.models import Article, ArticleRow, Enclosure
from newsreader.query.view import View, view_order, view_where
from newsreader.store.db import chunks, to_dt
from newsreader.store.index import FullText
from newsreader.text.sanitize import shown_html, stored_text

ALL = View()  # the default view: every subscribed article
ROW_COLS = (
    "a.id, a.feed_id, coalesce(f.title, f.feed_title, f.url), a.title, a.link, a.author, "
    "a.published, a.read, a.starred"
)
_ARTICLE_COLS = (
    "a.id, a.feed_id, coalesce(f.title, f.feed_title, f.url), f.url, a.guid, a.title, a.link, "
    "a.author, a.published, a.read, a.starred, a.content_html, a.text, a.full_text, a.enclosures, "
    "a.html_base"
)


class ArticleQueries(FullText):
    def _view_ids_sql(self, view: View) -> tuple[str, list[object]]:
        if view.kind in ("search", "query"):  # these may read the full-text index
            self.fts_ready()
        where, params = view_where(view, self.conn)
        return (
            f"SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE {where} "
            f"ORDER BY {view_order(view)}",
            params,
        )

    def _view_id_rows(self, view: View, limit: int | None) -> Iterable[tuple[int]]:
        """The (id,) rows of a view in its order, all or the first `limit`; none when the
        query cannot run."""
        sql, params = self._view_ids_sql(view)
        if limit is not None:
            sql, params = sql + " LIMIT ?", [*params, limit]
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError:
            return ()

    def article_ids(self, view: View = ALL, limit: int | None = None) -> list[int]:
        """The ids of a view in its order, all or the first `limit` (cheap: the list widget
        pages rows by id)."""
        try:
            return [r[0] for r in self._view_id_rows(view, limit)]
        except sqlite3.OperationalError:
            return []

    def article_id_array(self, view: View = ALL, limit: int | None = None) -> array[int]:
        """`article_ids` as an array of 8-byte ints, what the list widget holds: a list of a
        million ids takes 36 MB (an int object each) and the garbage collector walks it on
        every full collection; the array takes 8 MB and is never walked."""
        if view.kind == "search":  # a search lists a few thousand at most (store/search.py)
            return array("q", self.article_ids(view, limit))
        try:
            return array("q", chain.from_iterable(self._view_id_rows(view, limit)))
        except sqlite3.OperationalError:
            return array("q")

    def rows_by_ids(self, ids: Sequence[int]) -> list[ArticleRow]:
        """List rows for the given ids, in the order given (missing ids skipped)."""
        if not ids:
            return []
        out: dict[int, ArticleRow] = {}
        for chunk in chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f"SELECT {ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.id IN ({marks})",
                chunk,
            ):
                out[r[0]] = article_row(r)
        return [out[i] for i in ids if i in out]

    def articles(self, view: View = ALL, limit: int = 100, offset: int = 0) -> list[ArticleRow]:
        where, params = view_where(view, self.conn)
        sql = (
            f"SELECT {ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            f"WHERE {where} ORDER BY {view_order(view)} LIMIT ? OFFSET ?"
        )
        try:
            return [article_row(r) for r in self.conn.execute(sql, [*params, limit, offset])]
        except sqlite3.OperationalError:
            return []

    def get_article(self, article_id: int) -> Article | None:
        r = self.conn.execute(
            f"SELECT {_ARTICLE_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
            "WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        return _article(r) if r else None

    def find_articles_by_link(self, url: str) -> list[ArticleRow]:
        variants = {url, url.rstrip("/"), url.rstrip("/") + "/"}
        marks = ",".join("?" * len(variants))
        return [
            article_row(r)
            for r in self.conn.execute(
                f"SELECT {ROW_COLS} FROM articles a JOIN feeds f ON f.id = a.feed_id "
                f"WHERE a.link IN ({marks}) ORDER BY a.published DESC",
                list(variants),
            )
        ]

    def iter_articles(self) -> Iterable[Article]:
        for (aid,) in self.conn.execute("SELECT id FROM articles ORDER BY id").fetchall():
            art = self.get_article(aid)
            if art is not None:
                yield art

    def counts(self) -> dict[str, int]:
        # feed_counts is kept by triggers (schema 7): a row per feed, not a scan of articles
        r = self.conn.execute(
            "SELECT coalesce(sum(c.total), 0), coalesce(sum(c.unread), 0) "
            "FROM feed_counts c JOIN feeds f ON f.id = c.feed_id WHERE f.subscribed = 1"
        ).fetchone()
        (starred,) = self.conn.execute(
            "SELECT coalesce(sum(starred), 0) FROM feed_counts"
        ).fetchone()
        return {"all": r[0], "unread": r[1], "starred": starred}

    # ------------------------------------------------------------------ state

    def set_read(self, ids: Iterable[int], read: bool = True) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE articles SET read = ? WHERE id = ?", [(int(read), i) for i in ids]
            )

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))

    def mark_view_read(self, view: View) -> list[int]:
        """Mark a view's unread articles read; their ids (to undo it)."""
        where, params = view_where(view, self.conn)
        with self.transaction() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id "
                    f"WHERE a.read = 0 AND {where}",
                    params,
                )
            ]
            conn.executemany("UPDATE articles SET read = 1 WHERE id = ?", [(i,) for i in ids])
            return ids

    def set_full_text(self, article_id: int, text: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET full_text = ? WHERE id = ?", (text, article_id))


def article_row(r: Any) -> ArticleRow:
    return ArticleRow(
        id=r[0],
        feed_id=r[1],
        feed_title=r[2],
        title=r[3],
        link=r[4],
        author=r[5],
        published=to_dt(r[6]),
        read=bool(r[7]),
        starred=bool(r[8]),
    )


def _article(r: Any) -> Article:
    """The one place stored article HTML leaves the store: sanitized (nh3) against its base."""
    raw = r[14]
    enclosures = [Enclosure(u, t, n) for u, t, n in json.loads(raw)] if raw else []
    return Article(
        id=r[0],
        feed_id=r[1],
        feed_title=r[2],
        feed_url=r[3],
        guid=r[4],
        title=r[5],
        link=r[6],
        author=r[7],
        published=to_dt(r[8]),
        read=bool(r[9]),
        starred=bool(r[10]),
        content_html=shown_html(r[11], r[15]) if r[11] else "",
        text=stored_text(r[12], r[11]),
        full_text=r[13],
        enclosures=enclosures,
    )
