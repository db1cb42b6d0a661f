"""Use cases of reading: lists, articles, read/star state, search, full text.

Store calls block (the UI runs them in thread workers); `fetch_full_text` is a coroutine on the
caller's loop that runs extraction and the write in threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from newsreader.errors import UserError
from newsreader.models import Article, ArticleRow, FeedRow
from newsreader.query import View
from newsreader.session.base import SessionBase
from newsreader.text.urls import is_web_url


class Reading(SessionBase):
    # ------------------------------------------------------------------ lists
    def feeds(self) -> list[FeedRow]:
        return self.store.feeds()

    def counts(self) -> dict[str, int]:
        """Articles in All, Unread and Starred."""
        return self.store.counts()

    def feed_id(self, url: str) -> int | None:
        return self.store.feed_id(url)

    def article_ids(self, view: View) -> list[int]:
        """The ids a view lists, newest first."""
        return self.store.article_ids(view)

    def rows(self, ids: Sequence[int]) -> list[ArticleRow]:
        """List rows for `ids`, in that order (a list widget's row source)."""
        return self.store.rows_by_ids(ids)

    def search(self, query: str, limit: int = 200) -> list[ArticleRow]:
        """Full-text search over title, author and text, best matches first."""
        return self.store.search(query, limit=limit)

    def query(self, expr: str, limit: int = 200) -> list[ArticleRow]:
        """The newest articles matching a query (`title ~ x and age < 2d`); QueryError if bad."""
        from newsreader.query import rows

        return rows(self.store, expr, limit=limit)

    # ------------------------------------------------------------------ articles and state
    def article(self, article_id: int) -> Article | None:
        return self.store.get_article(article_id)

    def open_article(self, article_id: int) -> Article | None:
        """The article to show, marked read (None when it is gone)."""
        art = self.store.get_article(article_id)
        if art is not None and not art.read:
            self.store.set_read([art.id], True)
            art = replace(art, read=True)
        return art

    def set_read(self, ids: Sequence[int], read: bool = True) -> None:
        self.store.set_read(ids, read)

    def toggle_read(self, article_id: int) -> bool | None:
        """Flip read/unread; the new state, or None when the article is gone."""
        art = self.store.get_article(article_id)
        if art is None:
            return None
        self.store.set_read([article_id], not art.read)
        return not art.read

    def toggle_star(self, article_id: int) -> bool | None:
        """Flip the star; the new state, or None when the article is gone."""
        art = self.store.get_article(article_id)
        if art is None:
            return None
        self.store.set_starred(article_id, not art.starred)
        return not art.starred

    def mark_view_read(self, view: View) -> int:
        """Mark every article of a view read; how many were unread."""
        return self.store.mark_view_read(view)

    def web_link(self, article_id: int) -> str:
        """The article's web page, or a UserError saying there is none."""
        art = self.store.get_article(article_id)
        if art is None:
            raise UserError("that article is gone (its feed was removed)")
        if not is_web_url(art.link):
            raise UserError("this article has no web link")
        return art.link or ""

    # ------------------------------------------------------------------ full text
    async def fetch_full_text(self, article_id: int) -> Article:
        """Fetch the article's web page, extract its text, store it; the updated article."""
        from newsreader.sources.fetch import fetch_html
        from newsreader.text.extract import extract

        art = await asyncio.to_thread(self.store.get_article, article_id)
        if art is None:
            raise UserError("that article is gone (its feed was removed)")
        if not is_web_url(art.link):
            raise UserError("this article has no web page to fetch")
        try:
            html, final_url = await fetch_html(art.link or "", self.fetcher())
            text = (await asyncio.to_thread(extract, html, final_url)).text or ""
        except UserError as exc:
            raise UserError(f"could not get the full text: {exc}") from exc
        if not text.strip():
            raise UserError("no article text found on the page")
        await asyncio.to_thread(self.store.set_full_text, article_id, text)
        return replace(art, full_text=text)
