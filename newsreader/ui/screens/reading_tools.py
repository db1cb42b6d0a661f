"""Tools on the article being read: browser, copy link, the links list, pipe, save, sort.

Nothing from a feed reaches a shell: links open through `webbrowser` (http(s) only), the
pipe runs the user's argv list with the article on its standard input only.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from textual import work

from newsreader.errors import UserError
from newsreader.query.view import SORTS
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web_url
from newsreader.ui.errors import report
from newsreader.ui.screens.reader import ReaderState


class ReadingTools(ReaderState):
    # ------------------------------------------------------------------ links
    def _link(self) -> tuple[int, str] | None:
        """The current article and its web link, or None (after saying why)."""
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
            self._copy(got[1])

    @work(group="clipboard", exit_on_error=False)
    async def _copy(self, text: str) -> None:
        """Copy with the system's clipboard tool when there is one, else through the terminal
        (OSC 52), and say which: a terminal may ignore OSC 52, and newsreader cannot tell."""
        from newsreader.clipboard import copy_with_tool

        tool = await asyncio.to_thread(copy_with_tool, text)
        if tool is not None:
            self.notify(f"Link copied to the clipboard (with {tool})", timeout=3)
            return
        self.app.copy_to_clipboard(text)
        where = "Link sent to the terminal's clipboard (OSC 52)"
        if os.environ.get("TMUX"):
            where += ": tmux passes it on only with `set -g set-clipboard on`"
        else:
            where += ": it arrives only if your terminal allows OSC 52"
        self.notify(where, timeout=6)

    # ------------------------------------------------------------------ the article's links
    def action_links(self) -> None:
        from newsreader.ui.screens.links import LinkChoice, LinksScreen

        if self.article is None:
            self.notify("Open an article first (Enter), then l lists its links", timeout=3)
            return
        links = self.article_view.links
        if not links:
            self.notify("This article has no links", timeout=3)
            return

        def chosen(choice: LinkChoice | None) -> None:
            if choice is None:
                return
            what, url = choice
            if not is_web_url(url):
                self.notify(f"Not a web link, not opened: {clean(url, 200)}", severity="warning")
            elif what == "open":
                self._open_url(url)
            else:
                self._copy(url)

        self.app.push_screen(LinksScreen(links), chosen)

    # ------------------------------------------------------------------ pipe and save
    def action_pipe(self) -> None:
        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning", timeout=3)
            return
        if not self.session.settings.pipe_command:
            self.notify(
                'No pipe_command in config.toml: add e.g. pipe_command = ["less"]',
                severity="warning",
                timeout=6,
            )
            return
        self._pipe(aid)

    @work(exclusive=True, group="pipe", exit_on_error=False)
    async def _pipe(self, article_id: int) -> None:
        """The app steps aside for the command (a pager gets the terminal); where it cannot
        (no real terminal), the command runs captured and its first line is shown."""
        name = os.path.basename(self.session.settings.pipe_command[0])
        try:
            with self.app.suspend():
                result = self.session.pipe_article(article_id, interactive=True)
        except UserError as exc:
            report(self, exc)
            return
        except Exception:  # suspending is not supported here (tests, no terminal)
            try:
                result = await asyncio.to_thread(self.session.pipe_article, article_id)
            except UserError as exc:
                report(self, exc)
                return
        line = clean(result.first_line, 200)
        self.notify(f"Piped to {name}" + (f": {line}" if line else ""), timeout=4, markup=False)

    def action_save(self) -> None:
        from newsreader.ui.screens.dialogs import PromptDialog

        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning", timeout=3)
            return
        folder = Path("~/Downloads") if Path("~/Downloads").expanduser().is_dir() else Path("~")
        initial = str(folder / self.session.suggested_filename(aid))

        def done(path: str | None) -> None:
            if path and path.strip():
                self._save(aid, path.strip())

        dialog = PromptDialog(
            "Save the article as", initial, hint=".md saves Markdown, any other name plain text"
        )
        self.app.push_screen(dialog, done)

    @work(group="save", exit_on_error=False)
    async def _save(self, article_id: int, path: str) -> None:
        written = await self.write(self.session.save_article, article_id, Path(path))
        self.notify(f"Saved to {clean(str(written), 300)}", timeout=4, markup=False)

    # ------------------------------------------------------------------ sort
    def action_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload_view()
        self.notify(f"Sorted by {self.sort}", timeout=2)
