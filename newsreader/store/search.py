"""Full-text search over the FTS5 index (title, author, text)."""

from __future__ import annotations

import sqlite3

from newsreader.models import ArticleRow
from newsreader.query.fts import any_of, fts_query
from newsreader.query.view import View, view_where
from newsreader.store.articles import ALL, ROW_COLS, ArticleQueries, article_row

SEARCH_VIEW_LIMIT = 5000  # a search view lists at most the newest 5,000 matches
RANK_AT_MOST = 20000  # `search` ranks a very common word among its newest 20,000 matches


class Search(ArticleQueries):
    def article_ids(self, view: View = ALL, limit: int | None = None) -> list[int]:
        """The ids of a view, newest first (the first `limit`).

        A search matching more than SEARCH_VIEW_LIMIT articles lists the newest that many, by
        whichever is cheaper: walking the date index until enough matches are found (a word in
        many articles: the walk is short) or sorting every match by date (a word in a few
        thousand of a million: the walk would read most of the index). The two cost the same
        at about sqrt(limit x articles / 20) matches (15,000 of 1,000,000: ~45 ms each)."""
        if view.kind != "search" or view.sort != "date":
            return super().article_ids(view, limit)
        where, params = view_where(view, self.conn)
        table, cap = "articles a", limit
        if params:
            total = max(self.counts()["all"], 1)
            # measured on 1,000,000 articles: a row of the walk ~0.15 us, a match sorted ~3 us
            walk_from = int((SEARCH_VIEW_LIMIT * total / 20) ** 0.5)
            matches = self._matches(str(params[-1]), max(walk_from, SEARCH_VIEW_LIMIT) + 1)
            if matches > SEARCH_VIEW_LIMIT:
                cap = min(limit or SEARCH_VIEW_LIMIT, SEARCH_VIEW_LIMIT)
            if matches > walk_from:
                table = "articles a INDEXED BY articles_cover"
        sql = (
            f"SELECT a.id FROM {table} JOIN feeds f ON f.id = a.feed_id WHERE {where} "
            "ORDER BY a.published DESC, a.id DESC" + (f" LIMIT {int(cap)}" if cap else "")
        )
        try:
            return [r[0] for r in self.conn.execute(sql, params)]
        except sqlite3.OperationalError:
            return []

    def _matches(self, fts: str, upto: int) -> int:
        """How many articles match `fts`, counted up to `upto` (FTS5 doclist order: cheap)."""
        self.fts_ready()
        try:
            row = self.conn.execute(
                "SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "LIMIT ?)",
                (fts, upto),
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0]) if row else 0

    def search(self, query: str, limit: int = 200) -> list[ArticleRow]:
        """Full-text search over title, author and text, best matches first.

        A word found in more than RANK_AT_MOST articles is ranked among its newest that many
        (bm25 over 250,000 matches of a million articles took 300 ms; over 20,000, 25 ms)."""
        q = fts_query(query)
        if q is None:
            return []
        self.fts_ready()
        sql = (
            f"SELECT {ROW_COLS} FROM articles_fts s JOIN articles a ON a.id = s.rowid "
            "JOIN feeds f ON f.id = a.feed_id WHERE articles_fts MATCH ? AND s.rowid >= ? "
            "AND a.hidden = 0 ORDER BY s.rank LIMIT ?"
        )
        try:
            # the RANK_AT_MOST-th newest match, when there are that many: one walk of the
            # doclist (newest first) both tells and bounds
            row = self.conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? "
                "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (q, RANK_AT_MOST - 1),
            ).fetchone()
            floor = row[0] if row else 0
            return [article_row(r) for r in self.conn.execute(sql, (q, floor, limit))]
        except sqlite3.OperationalError:
            return []

    def ids_matching_any(self, words: list[str], limit: int = 50) -> list[int]:
        """Ids of the articles sharing the most of `words`, best first (bm25 rank)."""
        q = any_of(words)
        if q is None:
            return []
        self.fts_ready()
        try:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank "
                    "LIMIT ?",
                    (q, limit),
                )
            ]
        except sqlite3.OperationalError:
            return []
