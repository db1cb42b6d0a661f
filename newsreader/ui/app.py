"""The reading app: `newsreader` with no command. Thin: the main screen does the work."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from newsreader.session import Session
from newsreader.ui.bindings import APP
from newsreader.ui.commands import ActionCommands
from newsreader.ui.format import utcnow

THEMES = {"dark": "textual-dark", "light": "textual-light"}


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while sys.stderr is still the real one.

    The refresh parses big feeds in a process pool. Inside a running Textual app sys.stderr is
    replaced by an object whose fileno() is -1, and starting the tracker from there fails with
    "bad value(s) in fds_to_keep"; once started, the pool works.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # not on this platform, or no process support: the core falls back
        pass


class NewsReaderApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    BINDINGS: ClassVar[list[BindingType]] = list(APP)
    COMMANDS = App.COMMANDS | {ActionCommands}

    def __init__(
        self,
        session: Session,
        *,
        auto_refresh: bool = True,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        _start_resource_tracker()
        self.session = session
        self.feeds_auto_refresh = auto_refresh
        self.clock = clock or utcnow
        self.user_keys = dict(session.settings.keys)
        self._theme_warning: str | None = None
        wanted = session.settings.theme
        if wanted:
            name = THEMES.get(wanted.lower(), wanted)
            if name in self.available_themes:
                self.theme = name
            else:
                self._theme_warning = f"unknown theme {wanted!r}: use light, dark or a theme name"

    def get_default_screen(self) -> Screen[None]:
        from newsreader.ui.screens.main import MainScreen

        return MainScreen(
            self.session,
            clock=self.clock,
            auto_refresh=self.feeds_auto_refresh,
        )

    def on_mount(self) -> None:
        # What the app holds once it is up (Textual's DOM, styles, the first screen) stays for
        # its life: full collections need not walk it again (see `run_app`).
        self.call_after_refresh(gc.freeze)
        if self.user_keys:
            self.set_keymap(self.user_keys)
        if self._theme_warning:
            self.notify(self._theme_warning, severity="warning", markup=False)

    async def on_unmount(self) -> None:
        await self.session.aclose()  # the session's HTTP client lives on this app's loop

    def action_help(self) -> None:
        from newsreader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.user_keys))


def run_app(session: Session) -> None:
    # A full garbage collection walks every object the process holds: with a big store open
    # it paused the app 50-60 ms, every few feed switches (tmux, 1,000,000 articles: feed
    # switch p95 89-107 ms). One full collection per 100 of the middle generation instead of
    # 10 (the first two generations as Python sets them): p95 25-30 ms, for ~7-10 MB more
    # garbage held between collections.
    gc.set_threshold(700, 10, 100)
    NewsReaderApp(session).run()
