"""The reading screen's state and the helpers its actions share (no key handling here).

`view` (what the list shows) and `article` (what the article pane shows) are reactives; the
panes report up with messages handled by `MainScreen`. Every use case is a `Session` call:
queries that can be big run off the UI thread in exclusive workers (a stale result never
lands), and every write runs on one writer thread, in the order the keys were pressed. A failed
worker is a notification (`ShowsWorkerErrors`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from time import monotonic
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from newsreader.errors import UserError
from newsreader.models import Article, FeedRow
from newsreader.query import View
from newsreader.session import Session
from newsreader.text.urls import is_web_url
from newsreader.ui.errors import ShowsWorkerErrors, report
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_pane import FeedPane, build_entries
from newsreader.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from newsreader.query.feeds import QueryFeedCount

T = TypeVar("T")
FIRST_IDS = 400  # ids of a view shown before the rest is read (a few screens' worth)


class ReaderState(ShowsWorkerErrors, Screen[None]):
    """The state of the reading screen; `ArticleActions` and `FeedActions` build on it."""

    # repaint=False: the screen draws nothing of its own; a repaint would redraw every pane
    # (a full-screen update on each feed switch), the watchers update the widgets that change.
    view: reactive[View] = reactive(View("all"), init=False, repaint=False)
    article: reactive[Article | None] = reactive(None, always_update=True, repaint=False)

    def __init__(
        self,
        session: Session,
        *,
        clock: Callable[[], datetime],
        auto_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.feeds_auto_refresh = auto_refresh
        self.feeds: list[FeedRow] = []
        self.counts: dict[str, int] = {}
        self.search_query: str | None = None  # what was typed in `/`
        self.search_view: View | None = None  # what it shows (a word search or a query)
        self.queries: list[QueryFeedCount] = []  # the [[query]] feeds with their counts
        self.undo_ids: list[int] = []  # the articles the last "mark all read" marked
        self.sort = "date"  # the list's order: date, feed or title (t cycles)
        self.view_label = "All"
        self.view_error: str | None = None
        self._counts_timer: Timer | None = None
        self._view_timer: Timer | None = None
        # Store queries get their own threads: they never wait behind a refresh's parsing.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ui-store")
        # Writes (read, star, subscriptions) run one at a time, in the order of the keys.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ui-write")
        self._opening: int | None = None
        self._due: dict[str, float] = {}  # when each pending one-shot timer fires
        # refresh progress (FeedActions)
        self._active = 0
        self._grouping = 0  # refreshes whose new articles are being grouped into stories
        self._grouping_pending = False  # grouping what was stored outside the app (FeedActions)
        self._all_running = False
        self._done = self._total = self._failed = 0
        if session.settings.compact:
            self.add_class("-compact")

    @property
    def feed_pane(self) -> FeedPane:
        return self.query_one(FeedPane)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    async def off_thread(self, fn: Callable[..., T], *args: object) -> T:
        """Run a session query off the UI thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def write(self, fn: Callable[..., T], *args: object) -> T:
        """Run a session write on the writer thread (writes keep their order)."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    def on_unmount(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._writer.shutdown(wait=True)

    # ------------------------------------------------------------------ state: view
    def show_view(self, view: View) -> None:
        """Select `view` in the feed pane and show it (reloading it if it is already shown)."""
        entry = self.feed_pane.select_view(view)
        self.view_label = entry.label if entry is not None else "All"
        self.view_error = entry.error if entry is not None else None
        if view == self.view:
            self.reload_view()
        self.view = view
        self._say_idle()

    def watch_view(self, old: View, view: View) -> None:
        self.article_list.show_feed = view.kind != "feed"
        self.article_list.empty_text = "Loading…"
        self._load_view(view, None)

    @work(exclusive=True, group="view", exit_on_error=False)
    async def _load_view(self, view: View, keep: int | None) -> None:
        query = replace(view, sort=self.sort)
        if keep is None:  # a view newly shown: its first screens at once, then the rest
            first = await self.off_thread(self.session.view_ids, query, FIRST_IDS)
            if view != self.view:
                return
            self._show_ids(view, first, None, partial=len(first) == FIRST_IDS)
            if len(first) < FIRST_IDS:
                return
        ids = await self.off_thread(self.session.view_ids, query)
        if view != self.view:
            return
        # keep the article under the cursor now (it may have moved meanwhile)
        self._show_ids(view, ids, self.article_list.current_id)

    def _show_ids(
        self, view: View, ids: Sequence[int], keep: int | None, partial: bool = False
    ) -> None:
        lst = self.article_list
        lst.empty_text = _empty_text(view)
        lst.set_ids(ids, keep, partial=partial)  # the title says "400+" until the rest is read
        self._title_list()
        self._say_idle()

    def reload_view(self) -> None:
        """Re-query the current view, keeping the cursor on its article."""
        self._load_view(self.view, self.article_list.current_id)

    def schedule_view_reload(self, delay: float = 0.5) -> None:
        """Reload the view soon; many calls in a burst make one reload."""
        self._view_timer = self._schedule("view", self._view_timer, delay, self._view_timer_fired)

    def _view_timer_fired(self) -> None:
        self._view_timer = None
        self.reload_view()

    def _schedule(
        self, name: str, timer: Timer | None, delay: float, callback: Callable[[], None]
    ) -> Timer:
        """Start a one-shot timer, or keep the pending one unless the new one is sooner."""
        due = monotonic() + delay
        if timer is not None:
            if self._due.get(name, 0.0) <= due:
                return timer
            timer.stop()
        self._due[name] = due
        return self.set_timer(max(delay, 0.01), callback)

    def _title_list(self) -> None:
        n = len(self.article_list.ids)
        more = "+" if self.article_list.partial else ""
        # a Text, so a feed title is never read as markup
        order = "" if self.sort == "date" else f", by {self.sort}"
        self.article_list.border_title = Text(f"{self.view_label} ({n}{more}{order})")

    # ------------------------------------------------------------------ state: counts
    def schedule_counts(self, delay: float = 0.25) -> None:
        self._counts_timer = self._schedule(
            "counts", self._counts_timer, delay, self._counts_timer_fired
        )

    def _counts_timer_fired(self) -> None:
        self._counts_timer = None
        self._reload_counts()

    @work(exclusive=True, group="counts", exit_on_error=False)
    async def _reload_counts(self) -> None:
        def query() -> tuple[list[FeedRow], dict[str, int], list[QueryFeedCount]]:
            return self.session.feeds(), self.all_counts(), self.session.query_feed_counts()

        feeds, counts, self.queries = await self.off_thread(query)
        self._apply_counts(feeds, counts)

    def all_counts(self) -> dict[str, int]:
        """The feed pane's counts: All, Unread, Starred and the week's unread stories."""
        counts = self.session.counts()
        if self.session.settings.stories:
            counts["stories"] = self.session.story_count(now=self.clock().timestamp())
        return counts

    def _apply_counts(self, feeds: list[FeedRow], counts: dict[str, int]) -> None:
        self.feeds = feeds
        self.counts = counts
        entries = build_entries(
            feeds, counts, self.search_view, self.queries, stories=self.session.settings.stories
        )
        self.feed_pane.show_entries(entries, self.view)
        entry = self.feed_pane.current
        if entry is not None and entry.view == self.view and entry.error != self.view_error:
            self.view_error = entry.error
            self._say_idle()

    def feed_row(self, feed_id: int | None) -> FeedRow | None:
        return next((f for f in self.feeds if f.id == feed_id), None)

    # ------------------------------------------------------------------ articles
    def open_article(self, article_id: int, *, focus: bool = False) -> None:
        """Show an article in the article pane (marking it read)."""
        self._opening = article_id
        self._open(article_id, focus)

    @work(group="open", exit_on_error=False)
    async def _open(self, article_id: int, focus: bool) -> None:
        art = await self.write(self.session.open_article, article_id)
        if art is None:
            self.notify("That article is gone (its feed was removed).", severity="warning")
            return
        self.article_list.update_row(art.id, read=True)
        self.schedule_counts()
        if self._opening != article_id:
            return  # another article was opened meanwhile: it is the one to show
        self.article_view.show_full = True
        self.article = art
        if focus:
            self.article_view.focus()
        sub = self.session.subscription_for(art.feed_url)
        if sub is not None and sub.full_text and not art.full_text and is_web_url(art.link):
            self.fetch_full_text(art.id, toggle=False)  # full_text = true in feeds.toml

    @work(exclusive=True, group="fulltext", exit_on_error=False)
    async def fetch_full_text(self, article_id: int, *, toggle: bool = True) -> None:
        """Show the article's full text (fetched from its web page once, then stored);
        `toggle`: when it is already shown, switch back to the feed's text."""
        art = await self.off_thread(self.session.article, article_id)
        if art is None:
            return
        if art.full_text:
            if self.article is None or self.article.id != art.id:
                self.open_article(art.id)
            elif toggle:
                self.article_view.show_full = not self.article_view.show_full
            return
        if not is_web_url(art.link):
            self.notify("This article has no web page to fetch", severity="warning", timeout=3)
            return
        self.notify("Fetching the full text…", timeout=2)
        try:
            await self.session.fetch_full_text(article_id)
        except UserError as exc:  # no web page, a fetch error, no text on the page
            report(self, exc, severity="warning")
            return
        self.open_article(article_id)

    def _changed(self, article_id: int, **changes: Any) -> None:
        self.article_list.update_row(article_id, **changes)
        if self.article is not None and self.article.id == article_id:
            self.article = replace(self.article, **changes)
        self.schedule_counts()

    def current_article_id(self) -> int | None:
        """The article an action applies to: the open one when the article pane has focus."""
        if self.article is not None and isinstance(self.focused, ArticleView):
            return self.article.id
        return self.article_list.current_id or (self.article.id if self.article else None)

    @property
    def refreshing(self) -> bool:
        return self._active > 0

    # ------------------------------------------------------------------ status line
    def _say_idle(self) -> None:
        if self.refreshing:
            return
        if self.view_error:
            self.status.say(f"! {self.view_label}: {self.view_error}", error=True)
            return
        lst = self.article_list
        n = len(lst.ids)
        where = f"{lst.cursor + 1}/{n}" if n else "0"
        busy = " · grouping stories…" if self._grouping else ""
        self.status.say(f"{self.view_label} · {where}{busy} · ? keys · q quit")


def _empty_text(view: View) -> str:
    if view.kind == "search":
        return "Nothing found. Press / to search again."
    if view.kind == "starred":
        return "No starred articles yet: press s on an article to star it."
    if view.kind == "unread":
        return "All read."
    return "No articles here yet. Press R to refresh, a to add a feed."
