"""Use cases of reading: lists, articles, read/star state, search, full text.

Store calls block (the UI runs them in thread workers); `fetch_full_text` is a coroutine on the
caller's loop that runs extraction and the write in threads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.errors import UserError
from newsreader.models import Article, ArticleRow, FeedRow, Subscription
from newsreader.query import View
from newsreader.session.base import SessionBase
from newsreader.text.urls import is_web_url

if TYPE_CHECKING:
    from newsreader.export.pipe import PipeResult
    from newsreader.query.feeds import QueryFeedCount


class Reading(SessionBase):
    # ------------------------------------------------------------------ lists
    def feeds(self) -> list[FeedRow]:
        return self.store.feeds()

    def counts(self) -> dict[str, int]:
        """Articles in All, Unread and Starred."""
        return self.store.counts()

    def feed_id(self, url: str) -> int | None:
        return self.store.feed_id(url)

    def article_ids(self, view: View, limit: int | None = None) -> list[int]:
        """The ids a view lists, in its order (the first `limit` of them)."""
        return self.store.article_ids(view, limit)

    def view_ids(self, view: View, limit: int | None = None) -> Sequence[int]:
        """`article_ids` compactly, for a list widget to hold (an array of 8-byte ints)."""
        return self.store.article_id_array(view, limit)

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

    def unread_among(self, ids: Sequence[int]) -> set[int]:
        """Which of `ids` are unread (to find the next unread article of a list)."""
        return {r.id for r in self.store.rows_by_ids(ids) if not r.read}

    def mark_view_read(self, view: View) -> list[int]:
        """Mark every article of a view read; the ids that were unread (to undo it)."""
        return self.store.mark_view_read(view)

    # ------------------------------------------------------------------ queries
    def query_feed_counts(self) -> list[QueryFeedCount]:
        """Each [[query]] feed with its total and unread (an invalid one carries its error)."""
        from newsreader.query import feeds

        return feeds.counts(self.store, self.queries)

    def search_view(self, text: str) -> View:
        """What `/` shows for the typed text: a word search, or a query (`?expr`, or text with
        a field test such as `title ~ vote`); QueryError with the column when it is bad."""
        from newsreader.query.search import interpret

        return interpret(text).view()

    def subscription_for(self, feed_url: str) -> Subscription | None:
        return next((s for s in self.subscriptions if s.url == feed_url), None)

    # ------------------------------------------------------------------ save and pipe
    def save_article(self, article_id: int, path: Path, *, overwrite: bool = False) -> Path:
        """Write the article to `path` as Markdown (.md) or text (.txt), atomically."""
        from newsreader.export import save

        return save(self._article_or_error(article_id), path, overwrite=overwrite)

    def suggested_filename(self, article_id: int) -> str:
        from newsreader.export import suggest_filename

        return suggest_filename(self._article_or_error(article_id), "markdown")

    def pipe_article(
        self, article_id: int, what: str = "text", *, interactive: bool = False
    ) -> PipeResult:
        """Pipe the article (text, markdown or url) to the user's `pipe_command` (an argv
        list, no shell; the article only on its stdin). `interactive` shares the terminal
        (a pager: the app suspends itself first) and has no timeout."""
        from newsreader.export.pipe import pipe_article

        art = self._article_or_error(article_id)
        if interactive:
            return pipe_article(art, self.settings.pipe_command, what=what, capture=False,
                                timeout=None)  # fmt: skip
        return pipe_article(
            art, self.settings.pipe_command, what=what, timeout=self.settings.pipe_timeout
        )

    def _article_or_error(self, article_id: int) -> Article:
        art = self.store.get_article(article_id)
        if art is None:
            raise UserError("that article is gone (its feed was removed)")
        return art

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
