"""The app's error backstop: a failing use case is a notification, never a traceback."""

from __future__ import annotations

from pathlib import Path

from newsreader.store import StoreError
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.main import MainScreen

from support.ui import clock, demo_session, settle


async def test_a_store_error_while_marking_read_is_a_notification(tmp_path: Path) -> None:
    session = demo_session(tmp_path)

    def broken(article_id: int) -> bool:
        raise StoreError("could not save to db: the disk is full; free some space and retry")

    session.toggle_read = broken  # type: ignore[method-assign]
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await settle(app, pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)
        messages = [n.message for n in app._notifications]
        assert any("the disk is full" in m for m in messages), messages


async def test_a_bug_in_a_use_case_is_reported_as_one(tmp_path: Path) -> None:
    session = demo_session(tmp_path)

    def buggy(article_id: int) -> bool:
        raise KeyError("oops")

    session.toggle_star = buggy  # type: ignore[method-assign]
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await settle(app, pilot)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("Unexpected error (KeyError" in m and "bug" in m for m in messages), messages
        await pilot.press("j", "m")  # the app still works
        await settle(app, pilot)
        assert session.store.get_article(app.screen.article_list.ids[1]).read
