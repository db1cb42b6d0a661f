"""Pilot tests of the reading app on a local store: navigate, open, mark, star, n/p, help."""

from __future__ import annotations

from pathlib import Path

from newsreader.query import View
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.dialogs import ConfirmDialog
from newsreader.ui.screens.help import HelpScreen
from newsreader.ui.screens.main import MainScreen
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_pane import FeedPane

from support.ui import clock, demo_session, screen_text, settle


def make_app(tmp_path: Path, **kw) -> tuple[NewsReaderApp, object]:
    session = demo_session(tmp_path, **kw)
    return NewsReaderApp(session, auto_refresh=False, clock=clock), session


async def test_startup_shows_all_newest_first(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.view == View("all")
        lst = screen.query_one(ArticleList)
        assert list(lst.ids) == session.store.article_ids(View("all"))
        assert len(lst.ids) == 12
        assert app.focused is lst
        assert screen.query_one(FeedPane).current.label == "All"
        text = screen_text(app)
        assert "Story 0 from feed 0" in text  # newest
        assert "All" in text and "Unread" in text and "Starred" in text
        assert "World News" in text and "world" in text and "tech" in text
        # the first row is the newest article
        first = lst.row(0)
        assert first is not None and first.title == "Story 0 from feed 0"


async def test_navigate_and_open(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(ArticleList)
        await pilot.press("j", "j", "k")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == 11
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("down", "enter")
        await settle(app, pilot)
        aid = lst.ids[1]
        assert screen.article is not None and screen.article.id == aid
        view = screen.query_one(ArticleView)
        assert app.focused is view
        shown = view.rendered_text
        assert session.store.get_article(aid).title in shown
        assert "Ann Author" in shown and "https://example.org/" in shown
        assert "[1] https://example.org/ref/" in shown
        assert "• first point" in shown and "[image: a chart]" in shown
        assert session.store.get_article(aid).read  # opening marks read
        await pilot.press("escape")
        assert app.focused is lst
        await pilot.press("escape")
        assert isinstance(app.focused, FeedPane)
        await pilot.press("tab")
        assert app.focused is lst
        await pilot.press("shift+tab")
        assert isinstance(app.focused, FeedPane)


async def test_feed_pane_selects_views(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(ArticleList)
        await pilot.press("escape")  # to the feed pane
        pane = screen.query_one(FeedPane)
        labels = [e.label for e in pane.entries]
        assert labels[:3] == ["All", "Unread", "Starred"]
        assert labels.index("world") < labels.index("World News")
        world = next(f for f in session.store.feeds() if f.title == "World News")
        target = labels.index("World News")
        for _ in range(target):
            await pilot.press("j")
        await settle(app, pilot)
        assert screen.view == View("feed", feed_id=world.id)
        assert len(lst.ids) == 4
        assert all(lst.row(i).feed_id == world.id for i in range(4))
        await pilot.press("enter")
        assert app.focused is lst
        await pilot.press("escape", "k")  # up to the "world" tag entry
        await settle(app, pilot)
        assert screen.view == View("tag", tag="world")


async def test_mark_star_and_counts(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    store = session.store
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(ArticleList)
        aid = lst.ids[0]
        await pilot.press("m")
        await settle(app, pilot)
        assert store.get_article(aid).read
        assert lst.row(0).read
        await pilot.press("m")
        await settle(app, pilot)
        assert not store.get_article(aid).read
        await pilot.press("s")
        await settle(app, pilot)
        assert store.get_article(aid).starred
        assert lst.row(0).starred
        await pilot.pause(0.4)
        await settle(app, pilot)
        pane = screen.query_one(FeedPane)
        starred = next(e for e in pane.entries if e.label == "Starred")
        assert starred.count == 1
        # A marks the whole view read: on All it asks first, and u undoes it
        await pilot.press("A")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert store.counts()["unread"] == 12
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert store.counts()["unread"] == 0
        await pilot.press("u")
        await settle(app, pilot)
        assert store.counts()["unread"] == 12
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert store.counts()["unread"] == 0
        await pilot.pause(0.4)
        await settle(app, pilot)
        assert next(e for e in pane.entries if e.label == "All").count == 0
        assert lst.row(0).read  # the cache was refreshed
        # the Starred view lists the starred article
        await pilot.press("escape")
        await pilot.press("j", "j")
        await settle(app, pilot)
        assert screen.view == View("starred")
        assert list(lst.ids) == [aid]


async def test_next_and_previous_unread(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    store = session.store
    ids = store.article_ids(View("all"))
    store.set_read(ids[:3], True)
    store.set_read([ids[4]], True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        lst = screen.query_one(ArticleList)
        await pilot.press("n")
        await settle(app, pilot)
        assert lst.cursor == 3 and screen.article.id == ids[3]
        await pilot.press("n")
        await settle(app, pilot)
        assert lst.cursor == 5 and screen.article.id == ids[5]
        assert store.get_article(ids[5]).read
        store.set_read([ids[3]], False)
        await pilot.press("p")
        await settle(app, pilot)
        assert lst.cursor == 3 and screen.article.id == ids[3]


async def test_help_screen_lists_the_keys(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in ("Next unread", "Full text", "Add feed", "Search", "Compare", "Quit"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_user_keymap_remaps_by_id(tmp_path: Path) -> None:
    session = demo_session(tmp_path, keys={"star": "S", "down": "ctrl+n"})
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        await pilot.press("ctrl+n")
        assert lst.cursor == 1
        await pilot.press("S")
        await settle(app, pilot)
        assert session.store.get_article(lst.ids[1]).starred
        await pilot.press("s")  # no longer bound
        await settle(app, pilot)
        assert session.store.get_article(lst.ids[1]).starred
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "^n" in text and "S " in text, text


async def test_command_palette_runs_actions(tmp_path: Path) -> None:
    app, session = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        aid = lst.ids[0]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"star")
        await pilot.pause(0.3)
        assert "Star" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert session.store.get_article(aid).starred


async def test_quit(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_open_in_browser_and_copy_link(tmp_path: Path, monkeypatch) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    app, session = make_app(tmp_path)
    bad = session.store.article_ids(View("all"))[1]
    session.store.conn.execute(
        "UPDATE articles SET link = 'javascript:alert(1)' WHERE id = ?", (bad,)
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == [session.store.get_article(lst.ids[0]).link]
        assert session.store.get_article(lst.ids[0]).read
        await pilot.press("y")
        assert app.clipboard == opened[0]
        await pilot.press("j", "o", "y")  # a javascript: link is never opened nor copied
        await settle(app, pilot)
        assert len(opened) == 1 and app.clipboard == opened[0]


async def test_compare_opens_the_compare_screen(tmp_path: Path, monkeypatch) -> None:
    import sys
    import types

    from textual.screen import Screen

    app, _ = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()

        class FakeCompare(Screen):
            def __init__(self, session, article_id):
                super().__init__()
                self.article_id = article_id

        fake = types.ModuleType("newsreader.ui.compare")
        fake.CompareOpenScreen = FakeCompare
        monkeypatch.setitem(sys.modules, "newsreader.ui.compare", fake)
        aid = app.screen.query_one(ArticleList).ids[0]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, FakeCompare) and app.screen.article_id == aid


async def test_reload_keeps_the_cursor_on_its_article(tmp_path: Path) -> None:
    from newsreader.models import ParsedFeed

    from support.ui import DEMO_FEEDS, NOW, article

    app, session = make_app(tmp_path, per_feed=30)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        lst.move_to(40)
        await pilot.pause()
        aid, row_on_screen = lst.current_id, lst.cursor - int(lst.scroll_y)
        fresh = [article(0, 100 + n, published=NOW) for n in range(3)]
        session.store.save_feed(DEMO_FEEDS[0][0], ParsedFeed("World News", None, fresh))
        app.screen.reload_view()
        await settle(app, pilot)
        assert len(lst.ids) == 93
        assert lst.current_id == aid and lst.cursor == 43
        assert lst.cursor - int(lst.scroll_y) == row_on_screen
