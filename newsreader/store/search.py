"""Full-text search over the FTS5 index (title, author, text)."""

from __future__ import annotations

import sqlite3

from newsreader.models import ArticleRow
from newsreader.query.fts import any_of, fts_query
from newsreader.query.view import View, view_where
from newsreader.store.articles import ALL, ROW_COLS, ArticleQueries, article_row

SEARCH_VIEW_LIMIT = 5000  # a search view lists at most the newest 5,000 matches


class Search(ArticleQueries):
    def article_ids(self, view: View = ALL) -> list[int]:
        """All ids of a view, newest first.

        A search matching more than SEARCH_VIEW_LIMIT articles lists the newest that many:
        walking the date index until enough matches are found takes ~10 ms where sorting
        40,000 matches took ~90 ms."""
        if view.kind != "search" or view.sort != "date":
            return super().article_ids(view)
        where, params = view_where(view, self.conn)
        table, limit = "articles a", ""
        if params and self._many_matches(str(params[-1])):
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

    def search(self, query: str, limit: int = 200) -> list[ArticleRow]:
        """Full-text search over title, author and text, best matches first."""
        q = fts_query(query)
        if q is None:
            return []
        sql = (
            f"SELECT {ROW_COLS} FROM articles_fts s JOIN articles a ON a.id = s.rowid "
            "JOIN feeds f ON f.id = a.feed_id WHERE articles_fts MATCH ? AND a.hidden = 0 "
            "ORDER BY s.rank LIMIT ?"
        )
        try:
            return [article_row(r) for r in self.conn.execute(sql, (q, limit))]
        except sqlite3.OperationalError:
            return []

    def ids_matching_any(self, words: list[str], limit: int = 50) -> list[int]:
        """Ids of the articles sharing the most of `words`, best first (bm25 rank)."""
        q = any_of(words)
        if q is None:
            return []
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
