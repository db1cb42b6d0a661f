"""Actions on articles: read/star state, next unread, browser, copy, full text, compare."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import work

from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.ui.format import is_web_url

if TYPE_CHECKING:
    from newsreader.ui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class ArticleActions(_Base):
    # ------------------------------------------------------------------ state
    def _row_state(self, article_id: int) -> tuple[bool, bool, str | None] | None:
        art = self.store.get_article(article_id)
        return (art.read, art.starred, art.link) if art else None

    def _changed(self, article_id: int, **changes: Any) -> None:
        self.article_list.update_row(article_id, **changes)
        if self.article is not None and self.article.id == article_id:
            self.article = replace(self.article, **changes)
        self.schedule_counts()

    def action_toggle_read(self) -> None:
        aid = self.current_article_id()
        state = self._row_state(aid) if aid is not None else None
        if aid is None or state is None:
            return
        read = not state[0]
        self.store.set_read([aid], read)
        self._changed(aid, read=read)

    def action_toggle_star(self) -> None:
        aid = self.current_article_id()
        state = self._row_state(aid) if aid is not None else None
        if aid is None or state is None:
            return
        starred = not state[1]
        self.store.set_starred(aid, starred)
        self._changed(aid, starred=starred)
        self.notify("Starred" if starred else "Star removed", timeout=2)

    def action_mark_all_read(self) -> None:
        self._mark_view_read(self.view)

    @work(exclusive=True, group="mark")
    async def _mark_view_read(self, view: View) -> None:
        n = await self.off_thread(self.store.mark_view_read, view)
        self.article_list.invalidate()
        if self.article is not None and not self.article.read:
            art = await self.off_thread(self.store.get_article, self.article.id)
            if art is not None:
                self.article = art
        self.schedule_counts(0)
        self.notify(f"Marked {n} article{'s' if n != 1 else ''} read", timeout=3)

    # ------------------------------------------------------------------ next / previous unread
    def action_next_unread(self) -> None:
        self._jump_unread(True)

    def action_previous_unread(self) -> None:
        self._jump_unread(False)

    @work(exclusive=True, group="jump")
    async def _jump_unread(self, forward: bool) -> None:
        lst = self.article_list
        ids = lst.ids
        unread = set(await self.off_thread(self.store.article_ids, View("unread")))
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
        state = self._row_state(aid) if aid is not None else None
        if aid is None or state is None:
            self.notify("No article selected", severity="warning", timeout=3)
            return None
        link = state[2]
        if not is_web_url(link):
            self.notify("This article has no web link", severity="warning", timeout=3)
            return None
        return aid, link or ""

    def action_open_browser(self) -> None:
        got = self._link()
        if got is None:
            return
        aid, url = got
        self._open_url(url)
        state = self._row_state(aid)
        if state is not None and not state[0]:
            self.store.set_read([aid], True)
            self._changed(aid, read=True)

    @work(thread=True, group="browser")
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
        art = self.store.get_article(aid) if aid is not None else None
        if art is None:
            return
        if art.full_text:
            if self.article is None or self.article.id != art.id:
                self.open_article(art.id)
            else:
                self.article_view.show_full = not self.article_view.show_full
            return
        if not is_web_url(art.link):
            self.notify("This article has no web page to fetch", severity="warning")
            return
        self.notify("Fetching the full text…", timeout=2)
        self._fetch_full_text(art.id, art.link or "")

    @work(exclusive=True, group="fulltext")
    async def _fetch_full_text(self, article_id: int, url: str) -> None:
        try:
            from newsreader.refresh import fetch_settings
            from newsreader.sources.fetch import Fetcher, fetch_html
            from newsreader.text.extract import extract
        except ImportError as exc:
            self.notify(f"full text is not available: {exc}", severity="error", markup=False)
            return
        fetcher = self.fetcher or Fetcher(settings=fetch_settings(self.session.settings))
        try:
            html, final_url = await fetch_html(url, fetcher)
            text = (await asyncio.to_thread(extract, html, final_url)).text or ""
        except Exception as exc:  # FetchError and extraction failures carry a message
            msg = clean(f"could not get the full text: {exc}", 300)
            self.notify(msg, severity="error", markup=False)
            return
        finally:
            if self.fetcher is None:
                await fetcher.aclose()
        if not text.strip():
            self.notify("No article text found on the page", severity="warning")
            return
        await self.off_thread(self.store.set_full_text, article_id, text)
        self.open_article(article_id)

    # ------------------------------------------------------------------ compare
    def action_compare(self) -> None:
        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning")
            return
        try:
            from newsreader.ui.compare import CompareOpenScreen
        except Exception:  # not built yet, or broken: say so, never crash
            self.notify("compare view not available", severity="warning")
            return
        self.app.push_screen(CompareOpenScreen(self.session, aid))
