"""The reading app against a real local HTTP server: refresh, add, remove, search, full text."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.query import View
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.dialogs import AddFeedDialog, ConfirmDialog, PromptDialog
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_pane import FeedPane
from newsreader.ui.widgets.status import StatusLine

from support.ui import BASE, clock, demo_session, open_session, screen_text


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 06 May 2024 10:0{i}:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Summary of {t}&lt;/p&gt;</description></item>"
        for i, (guid, t, link) in enumerate(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example.org/</link>{body}</channel></rss>"
    )


async def settle(app, pilot, rounds: int = 3) -> None:
    for _ in range(rounds):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
    await pilot.pause()


async def test_refresh_on_launch_counts_and_error_marks(tmp_path: Path, http_server) -> None:
    good = http_server.add("/good.xml", rss("Good Feed", [("a1", "Alpha", "http://e/1")]))
    bad = http_server.url("/missing.xml")
    session = open_session(
        tmp_path, [(good, None, ["news"]), (bad, "Broken", [])], refresh_on_start=True
    )
    app = NewsReaderApp(session, auto_refresh=True, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        lst = screen.query_one(ArticleList)
        assert [lst.row(i).title for i in range(len(lst.ids))] == ["Alpha"], [
            n.message for n in app._notifications
        ]
        pane = screen.query_one(FeedPane)
        broken = next(e for e in pane.entries if e.label == "Broken")
        assert broken.error and "404" in broken.error
        assert next(e for e in pane.entries if e.label == "All").count == 1
        text = screen_text(app)
        assert "! Broken" in text
        # highlighting the failing feed shows its error in the status line
        await pilot.press("escape")
        for _ in range(pane.entries.index(broken)):
            await pilot.press("j")
        await settle(app, pilot)
        assert "404" in screen.query_one(StatusLine).text
        # new items arrive: `r` refreshes the highlighted feed, the list and counts follow
        http_server.add(
            "/good.xml",
            rss("Good Feed", [("a2", "Beta", "http://e/2"), ("a1", "Alpha", "http://e/1")]),
        )
        await pilot.press("g")
        await settle(app, pilot)
        for _ in range(next(i for i, e in enumerate(pane.entries) if e.label == "Good Feed")):
            await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert sorted(lst.row(i).title for i in range(len(lst.ids))) == ["Alpha", "Beta"]
        assert next(e for e in pane.entries if e.label == "All").count == 2
        assert len(http_server.hits("/good.xml")) == 2


async def test_refresh_all_offline_marks_errors_and_keeps_running(tmp_path: Path) -> None:
    session = demo_session(tmp_path)  # every feed points at a closed port
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("R")
        await settle(app, pilot)
        assert app.is_running
        pane = app.screen.query_one(FeedPane)
        feeds = [e for e in pane.entries if e.view.kind == "feed"]
        assert feeds and all(e.error for e in feeds)
        assert len(app.screen.query_one(ArticleList).ids) == 12  # cached articles stay
        assert "! World News" in screen_text(app)


async def test_add_feed_discovers_and_saves(tmp_path: Path, http_server) -> None:
    feed = http_server.add("/feed.xml", rss("Discovered", [("d1", "Found it", "http://e/d")]))
    page = http_server.add(
        "/blog",
        f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed}">'
        "</head><body>blog</body></html>",
        content_type="text/html; charset=utf-8",
    )
    session = demo_session(tmp_path)
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, AddFeedDialog)
        dialog.query_one("#url").value = "ftp://nope"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AddFeedDialog)  # the error is shown, the dialog stays
        assert "scheme" in str(dialog.query_one("#add-status").content)
        dialog.query_one("#url").value = page
        dialog.query_one("#title").value = "My Blog"
        dialog.query_one("#tags").value = "blogs, friends"
        dialog.query_one("#url").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, AddFeedDialog)
        toml = session.feeds_file.read_text()
        assert feed in toml and 'title = "My Blog"' in toml and '"friends"' in toml
        screen = app.screen
        fid = session.store.feed_id(feed)
        assert screen.view == View("feed", feed_id=fid)
        lst = screen.query_one(ArticleList)
        assert [lst.row(i).title for i in range(len(lst.ids))] == ["Found it"]
        labels = [e.label for e in screen.query_one(FeedPane).entries]
        assert "My Blog" in labels and "blogs" in labels


async def test_remove_feed_with_confirmation(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")  # "All" is not a feed: nothing to remove
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        pane = app.screen.query_one(FeedPane)
        for _ in range([e.label for e in pane.entries].index("Tech Daily")):
            await pilot.press("j")
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert "tech.xml" in session.feeds_file.read_text()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert "tech.xml" not in session.feeds_file.read_text()
        assert "Tech Daily" not in [e.label for e in pane.entries]
        assert app.screen.view == View("all")
        assert len(app.screen.query_one(ArticleList).ids) == 8


async def test_search_shows_a_virtual_entry(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"Story 3")
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        lst = screen.query_one(ArticleList)
        assert screen.view == View("search", query="Story 3")
        assert sorted(lst.row(i).title for i in range(len(lst.ids))) == [
            f"Story 3 from feed {i}" for i in range(3)
        ]
        assert "Search: Story 3" in screen_text(app)
        assert app.focused is lst
        # an empty search removes the entry and goes back to All
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("#prompt").value = ""
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.view == View("all")
        assert "Search:" not in screen_text(app)


@pytest.fixture
def extractor():
    """The real extractor (trafilatura, with the page's paragraphs as fallback)."""
    from newsreader.text.extract import extract

    return extract


async def test_full_text_fetched_and_cached(tmp_path: Path, http_server, extractor) -> None:
    paragraphs = [
        "The full story begins with a long paragraph about the harbour and its many boats, "
        "written so that an extractor recognises it as the main text of the page.",
        "A second paragraph continues the story with more detail about the fishermen, "
        "the weather that morning, and what the mayor said at the opening ceremony.",
        "The third paragraph ends it: the boats came back, the market opened, and the town "
        "celebrated late into the night with music in every street of the old quarter.",
    ]
    page = http_server.add(
        "/story.html",
        "<html><head><title>Story</title></head><body><nav>Menu Home About</nav>"
        "<article><h1>Harbour story</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>Copyright</footer></body></html>",
        content_type="text/html; charset=utf-8",
    )
    from newsreader.models import ParsedArticle, ParsedFeed

    session = open_session(tmp_path, [(f"{BASE}/s.xml", "Summaries", [])])
    session.store.save_feed(
        f"{BASE}/s.xml",
        ParsedFeed("Summaries", None, [ParsedArticle("s1", "Harbour story", link=page)]),
    )
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await settle(app, pilot)
        aid = app.screen.query_one(ArticleList).ids[0]
        full = session.store.get_article(aid).full_text
        assert full and "fishermen" in full
        view = app.screen.query_one(ArticleView)
        assert "fishermen" in view.rendered_text and "Full text" in view.rendered_text
        await pilot.press("f")  # cached: toggles back to the feed text, no new request
        await pilot.pause()
        assert "fishermen" not in view.rendered_text
        assert len(http_server.hits("/story.html")) == 1


async def test_refresh_at_the_configured_interval(tmp_path: Path, http_server) -> None:
    feed = http_server.add("/tick.xml", rss("Tick", [("t1", "Tick", "http://e/t")]))
    session = open_session(tmp_path, [(feed, None, [])], refresh_interval_minutes=0.005)
    app = NewsReaderApp(session, auto_refresh=True, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.8)
        await settle(app, pilot)
        assert len(http_server.hits("/tick.xml")) >= 2  # every 0.3 s, none at launch
        assert len(app.screen.query_one(ArticleList).ids) == 1
