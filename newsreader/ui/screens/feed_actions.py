"""Actions on feeds: refresh and sync (never blocking), add, remove, search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from newsreader.models import FeedRow, Subscription
from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.ui.screens.reader import ReaderState

if TYPE_CHECKING:
    from newsreader.models import FeedDone, RefreshSummary
    from newsreader.sync.base import SyncProgress


class FeedActions(ReaderState):
    def _start_auto_refresh(self) -> None:
        if not self.feeds_auto_refresh:
            return
        self._index_for_search()  # what a refresh outside the app stored
        settings = self.session.settings
        if settings.refresh_on_start:
            self.call_after_refresh(self.action_refresh_all)  # a sync follows it
        elif self.session.sync_configured:
            self.call_after_refresh(self._sync)
        minutes = settings.refresh_interval_minutes or 0
        if minutes > 0:
            self.set_interval(minutes * 60, self._auto_tick)

    def _auto_tick(self) -> None:
        if not self._all_running:
            self._refresh(None)

    # ------------------------------------------------------------------ refresh
    def action_refresh_all(self) -> None:
        if self._all_running:
            self.notify("Already refreshing all feeds", timeout=2)
            return
        self._refresh(None)

    def action_refresh_feed(self) -> None:
        urls = self._urls_for_view()
        if not urls:
            self.notify("Highlight a feed to refresh it (R refreshes all)", timeout=3)
            return
        self._refresh(urls)
        if self.session.sync_configured:
            self._sync()  # the server fetches its own feeds: a sync brings what they have

    def _urls_for_view(self) -> list[str]:
        view = self.view
        if view.kind == "feed":
            row = self.feed_row(view.feed_id)
            return [row.url] if row else []
        if view.kind == "tag":
            return [f.url for f in self.feeds if view.tag in f.tags]
        aid = self.current_article_id()
        art = self.session.article(aid) if aid is not None else None
        return [art.feed_url] if art else []

    @work(group="refresh", exit_on_error=False)
    async def _refresh(self, urls: list[str] | None) -> None:
        n = len(self.session.subscriptions) if urls is None else len(urls)
        self._active += 1
        self._total += n
        self._all_running = self._all_running or urls is None
        self._show_progress()

        def on_done(ev: FeedDone) -> None:
            self._done += 1
            if ev.status == "error":
                self._failed += 1
            if ev.new or ev.status == "error":
                self.schedule_counts()
            if ev.new:  # at once into an empty list (first run), else in bursts
                self.schedule_view_reload(0.05 if not self.article_list.ids else 0.5)
            self._show_progress()

        stored = grouping = False

        def on_stored(summary: RefreshSummary) -> None:
            """Every feed is stored: the refresh is over for the reader, stories follow."""
            nonlocal stored, grouping
            stored = True
            self._refresh_over(urls)
            self._say_refreshed(summary)
            if urls is None and self.session.sync_configured:
                self._sync()
            if summary.new_articles and self.session.settings.stories:
                grouping = True
                self._grouping += 1
                self._say_idle()

        try:
            # Per-feed failures are in the summary; anything raised is reported by the
            # screen's worker-error backstop.
            await self.session.refresh(urls, on_done=on_done, on_stored=on_stored)
        finally:
            if not stored:  # it failed before every feed was stored
                self._refresh_over(urls)
            elif grouping:
                self._grouping -= 1
                self._say_idle()
                self.schedule_counts(0)
                self.schedule_view_reload(0.05)  # the story marks

    def _refresh_over(self, urls: list[str] | None) -> None:
        self._active -= 1
        if urls is None:
            self._all_running = False
        if self._active == 0:
            self._done = self._total = self._failed = 0
            self.status.idle()
            self._say_idle()
            self._index_for_search()
        self.schedule_counts(0)
        self.schedule_view_reload(0.05)

    def _say_refreshed(self, summary: RefreshSummary) -> None:
        text = f"Refreshed {summary.total} feed{'s' if summary.total != 1 else ''}: "
        text += f"{summary.new_articles} new"
        if summary.failed:
            text += f", {summary.failed} failed (marked ! in the feed pane)"
        if summary.failed:
            self.notify(text, severity="warning", timeout=4, markup=False)
        else:
            self.notify(text, timeout=4, markup=False)

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _index_for_search(self) -> None:
        """The new articles into the search index, in the background: the first search after
        a refresh need not wait for them."""
        self.session.index_for_search()

    # ------------------------------------------------------------------ sync
    @work(exclusive=True, group="sync", exit_on_error=False)
    async def _sync(self) -> None:
        """Two-way sync with the [sync] server; the status line shows each step. A failure is
        one warning: the app goes on with the local store."""
        from newsreader.errors import UserError
        from newsreader.ui.errors import report

        def progress(p: SyncProgress) -> None:
            if not self.refreshing:
                self.status.say(f"Syncing: {p.stage}" + (f" ({p.done})" if p.done else "") + "…")

        progress_start = "Syncing with the server…"
        if not self.refreshing:
            self.status.say(progress_start)
        try:
            result = await self.session.sync(on_progress=progress)
        except UserError as exc:
            report(self, UserError(f"sync: {exc}"), severity="warning")
            return
        finally:
            self._say_idle()
        self.schedule_counts(0)
        self.schedule_view_reload(0.05)
        text = (
            f"Synced: {result.new_articles} new, {result.pushed} changes pushed, "
            f"{result.pulled} pulled"
        )
        if result.errors:
            text += f"; {len(result.errors)} problem(s): {clean(result.errors[0], 200)}"
        self.notify(text, severity="warning" if result.errors else "information", timeout=5,
                    markup=False)  # fmt: skip

    def _show_progress(self) -> None:
        failed = f", {self._failed} failed" if self._failed else ""
        self.status.say(f"Refreshing {self._done}/{self._total}{failed}…")
        self.status.progress(self._done, self._total)

    # ------------------------------------------------------------------ add / remove
    def action_add_feed(self) -> None:
        from newsreader.ui.screens.dialogs import AddFeedDialog

        self.app.push_screen(AddFeedDialog(self.session), self._feed_added)

    def _feed_added(self, sub: Subscription | None) -> None:
        if sub is not None:
            self._add(sub)

    @work(group="subscriptions", exit_on_error=False)
    async def _add(self, sub: Subscription) -> None:
        added = await self.write(self.session.add, sub)
        feeds, counts = await self.off_thread(lambda: (self.session.feeds(), self.all_counts()))
        self._apply_counts(feeds, counts)
        fid = next((f.id for f in feeds if f.url == added.url), None)
        self.show_view(View("feed", feed_id=fid))
        self.notify(f"Subscribed to {clean(added.title or added.url, 200)}", markup=False)
        self._refresh([added.url])

    def _selected_feed(self) -> FeedRow | None:
        entry = self.feed_pane.current
        view = entry.view if entry is not None else self.view
        return self.feed_row(view.feed_id) if view.kind == "feed" else None

    def action_remove_feed(self) -> None:
        from newsreader.ui.screens.dialogs import ConfirmDialog

        feed = self._selected_feed()
        if feed is None:
            self.notify("Highlight a feed in the feed pane, then press d", timeout=3)
            return
        title = clean(feed.title or feed.url, 200)
        question = (
            f"Remove the feed “{title}”?\n{clean(feed.url, 500)}\n"
            f"Its {feed.total} stored article{'s' if feed.total != 1 else ''} will be deleted."
        )

        def done(ok: bool | None) -> None:
            if ok:
                self._remove(feed)

        self.app.push_screen(ConfirmDialog(question), done)

    @work(group="subscriptions", exit_on_error=False)
    async def _remove(self, feed: FeedRow) -> None:
        await self.write(self.session.remove, feed.url)
        if self.article is not None and self.article.feed_id == feed.id:
            self.article = None
        feeds, counts = await self.off_thread(lambda: (self.session.feeds(), self.all_counts()))
        self._apply_counts(feeds, counts)
        self.show_view(View("all"))
        self.notify(f"Removed {clean(feed.title or feed.url, 200)}", markup=False)

    # ------------------------------------------------------------------ search
    def action_search(self) -> None:
        from newsreader.ui.screens.dialogs import search_dialog

        self.app.push_screen(search_dialog(self.search_query or ""), self._searched)

    def _searched(self, query: str | None) -> None:
        from newsreader.query import QueryError

        if query is None:
            return
        query = query.strip()
        if not query:
            self.search_query = self.search_view = None
            self._apply_counts(self.feeds, self.counts)
            self.show_view(View("all"))
            return
        try:
            view = self.session.search_view(query)
        except QueryError as exc:
            self.notify(f"Bad query: {clean(str(exc), 300)}", severity="error", markup=False)
            return
        self.search_query, self.search_view = query, view
        self._apply_counts(self.feeds, self.counts)
        self.show_view(view)
        self.article_list.focus()
