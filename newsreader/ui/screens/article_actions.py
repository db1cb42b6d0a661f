"""Actions on articles: read/star state, next unread, browser, copy, full text, compare.

Each action asks the session and shows the result; writes go through `MainScreen.write` (the
writer thread), failures end as notifications (the screen's worker-error backstop).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work

from newsreader.errors import UserError
from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web_url
from newsreader.ui.errors import report
from newsreader.ui.screens.reader import ReaderState


class ArticleActions(ReaderState):
    # ------------------------------------------------------------------ state
    def _changed(self, article_id: int, **changes: Any) -> None:
        self.article_list.update_row(article_id, **changes)
        if self.article is not None and self.article.id == article_id:
            self.article = replace(self.article, **changes)
        self.schedule_counts()

    def action_toggle_read(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self._toggle(aid, "read")

    def action_toggle_star(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self._toggle(aid, "starred")

    @work(group="state", exit_on_error=False)
    async def _toggle(self, article_id: int, what: str) -> None:
        flip = self.session.toggle_read if what == "read" else self.session.toggle_star
        state = await self.write(flip, article_id)
        if state is None:
            return
        self._changed(article_id, **{what: state})
        if what == "starred":
            self.notify("Starred" if state else "Star removed", timeout=2)

    def action_mark_all_read(self) -> None:
        self._mark_view_read(self.view)

    @work(exclusive=True, group="mark", exit_on_error=False)
    async def _mark_view_read(self, view: View) -> None:
        n = len(await self.write(self.session.mark_view_read, view))
        self.article_list.invalidate()
        if self.article is not None and not self.article.read:
            art = await self.off_thread(self.session.article, self.article.id)
            if art is not None:
                self.article = art
        self.schedule_counts(0)
        self.notify(f"Marked {n} article{'s' if n != 1 else ''} read", timeout=3)

    # ------------------------------------------------------------------ next / previous unread
    def action_next_unread(self) -> None:
        self._jump_unread(True)

    def action_previous_unread(self) -> None:
        self._jump_unread(False)

    @work(exclusive=True, group="jump", exit_on_error=False)
    async def _jump_unread(self, forward: bool) -> None:
        lst = self.article_list
        ids = lst.ids
        unread = set(await self.off_thread(self.session.article_ids, View("unread")))
        if lst.ids is not ids:
            return
        start = lst.cursor
        if self.article is not None and lst.current_id != self.article.id:
            start = lst.cursor - 1 if forward else lst.cursor + 1
        indexes = range(start + 1, len(ids)) if forward else range(start - 1, -1, -1)
        for i in indexes:
            if ids[i] in unread:
                lst.move_to(i)
                self.open_article(ids[i])
                return
        where = "below" if forward else "above"
        self.notify(f"No unread articles {where} in this view", timeout=3)

    # ------------------------------------------------------------------ links
    def _link(self) -> tuple[int, str] | None:
        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning", timeout=3)
            return None
        try:
            return aid, self.session.web_link(aid)
        except UserError as exc:
            msg = clean(str(exc), 300)
            self.notify(msg[:1].upper() + msg[1:], severity="warning", timeout=3)
            return None

    def action_open_browser(self) -> None:
        got = self._link()
        if got is None:
            return
        aid, url = got
        self._open_url(url)
        self._mark_read(aid)

    @work(group="state", exit_on_error=False)
    async def _mark_read(self, article_id: int) -> None:
        await self.write(self.session.set_read, [article_id], True)
        self._changed(article_id, read=True)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open_url(self, url: str) -> None:
        import webbrowser

        browser = self.session.settings.browser
        try:
            ok = webbrowser.get(browser).open(url) if browser else webbrowser.open(url)
        except Exception as exc:  # webbrowser.Error, OSError: no browser, bad command
            ok = False
            msg = clean(f"could not start the browser: {exc}", 300)
        else:
            msg = "no browser found: set `browser` in config.toml"
        if not ok:
            self.app.call_from_thread(self.notify, msg, severity="error", markup=False)

    def action_copy_link(self) -> None:
        got = self._link()
        if got is not None:
            self.app.copy_to_clipboard(got[1])
            self.notify("Link copied", timeout=2)

    # ------------------------------------------------------------------ full text
    def action_full_text(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self._full_text(aid)

    @work(exclusive=True, group="fulltext", exit_on_error=False)
    async def _full_text(self, article_id: int) -> None:
        art = await self.off_thread(self.session.article, article_id)
        if art is None:
            return
        if art.full_text:
            if self.article is None or self.article.id != art.id:
                self.open_article(art.id)
            else:
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

    # ------------------------------------------------------------------ compare
    def action_compare(self) -> None:
        from newsreader.ui.compare import CompareOpenScreen

        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning")
            return
        self.app.push_screen(CompareOpenScreen(self.session, aid))
