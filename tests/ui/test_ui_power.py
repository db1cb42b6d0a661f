"""The power user's tools in the app: J/K, n wrapping, the links list, copy that tells the
truth, pipe, save, sort, mark-all-read asking first with undo, query feeds, queries in `/`."""

from __future__ import annotations

import sys
from pathlib import Path

from newsreader.models import ParsedFeed
from newsreader.query import View
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.screens.dialogs import PromptDialog
from newsreader.ui.screens.links import LinksScreen
from newsreader.ui.widgets.article_list import ArticleList

from support.ui import DEMO_FEEDS, NOW, article, clock, demo_session, screen_text, settle


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_next_and_previous_article_whatever_their_state(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    ids = session.article_ids(View("all"))
    session.set_read(ids[:3], True)  # J still stops on read articles
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("J", "J")
        await settle(app, pilot)
        assert app.screen.article.id == ids[2] and lst.cursor == 2
        await pilot.press("K")
        await settle(app, pilot)
        assert app.screen.article.id == ids[1]


async def test_n_wraps_to_the_top_and_says_so(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    ids = session.article_ids(View("all"))
    session.set_read(ids[1:], True)  # only the first is unread
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one(ArticleList).move_to(5)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.article.id == ids[0]
        assert any("wrapped to the top" in m for m in messages(app))
        await pilot.press("n")
        await settle(app, pilot)
        assert any("No unread articles in this view" in m for m in messages(app))


async def test_links_list_opens_and_copies(tmp_path: Path, monkeypatch) -> None:
    import webbrowser

    import newsreader.clipboard as clipboard

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr(clipboard, "copy_with_tool", lambda text, timeout=3.0: None)
    monkeypatch.delenv("TMUX", raising=False)
    app = NewsReaderApp(demo_session(tmp_path), auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await settle(app, pilot)
        assert any("Open an article first" in m for m in messages(app))
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LinksScreen)
        assert "[1] https://example.org/ref/0" in screen_text(app)
        await pilot.press("1")
        await settle(app, pilot)
        assert opened == ["https://example.org/ref/0"]
        await pilot.press("l")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard == "https://example.org/ref/0"
        assert any("OSC 52" in m and "terminal allows" in m for m in messages(app))


async def test_copy_link_says_which_clipboard_it_used(tmp_path: Path, monkeypatch) -> None:
    import newsreader.clipboard as clipboard

    got: list[str] = []
    monkeypatch.setattr(
        clipboard, "copy_with_tool", lambda text, timeout=3.0: got.append(text) or "xclip"
    )
    app = NewsReaderApp(demo_session(tmp_path), auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert got == ["https://example.org/0/0"]
        assert any("copied to the clipboard (with xclip)" in m for m in messages(app))


async def test_pipe_runs_the_users_argv_with_the_article_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "piped.txt"
    code = f"import sys; d = sys.stdin.read(); open({str(out)!r}, 'w').write(d); print(len(d))"
    session = demo_session(tmp_path, pipe_command=[sys.executable, "-c", code])
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("vertical_line")
        await settle(app, pilot)
        assert "Story 0 from feed 0" in out.read_text()
        assert any(m.startswith("Piped to python") for m in messages(app)), messages(app)


async def test_pipe_without_a_command_says_what_to_set(tmp_path: Path) -> None:
    app = NewsReaderApp(demo_session(tmp_path), auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("vertical_line")
        await settle(app, pilot)
        assert any("pipe_command" in m for m in messages(app))


async def test_save_writes_markdown_where_asked(tmp_path: Path) -> None:
    app = NewsReaderApp(demo_session(tmp_path), auto_refresh=False, clock=clock)
    target = tmp_path / "saved.md"
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, PromptDialog)
        box = app.screen.query_one("#prompt")
        assert box.value.endswith(".md")
        box.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
        text = target.read_text()
        assert text.startswith("# Story 0 from feed 0") and "https://example.org/0/0" in text
        assert any("Saved to" in m for m in messages(app))


async def test_sort_cycles_date_feed_title(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    session.store.save_feed(
        DEMO_FEEDS[2][0], ParsedFeed("Misc Blog", None, [article(2, 9, title="Aardvark news")]),
        now=NOW.timestamp(),
    )  # fmt: skip
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one(ArticleList)
        await pilot.press("t")
        await settle(app, pilot)
        feeds = [lst.row(i).feed_title for i in range(len(lst.ids))]
        assert feeds == sorted(feeds, key=str.casefold)
        assert "by feed" in screen_text(app)
        await pilot.press("t")
        await settle(app, pilot)
        assert lst.row(0).title == "Aardvark news"
        await pilot.press("t")
        await settle(app, pilot)
        assert "by " not in str(lst.border_title)


async def test_query_feeds_and_queries_in_the_search_box(tmp_path: Path) -> None:
    session = demo_session(tmp_path)
    with session.feeds_file.open("a") as fh:
        fh.write(
            '[[query]]\ntitle = "Early stories"\nquery = "title ~ \\"Story 0\\" or title ~ \\"Story 1\\""\n'
        )
    session.reload()
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await settle(app, pilot)
        pane_text = screen_text(app)
        assert "Queries" in pane_text and "Early stories" in pane_text
        entry = next(e for e in app.screen.feed_pane.entries if e.label == "Early stories")
        assert entry.count == 6
        app.screen.show_view(entry.view)
        await settle(app, pilot)
        lst = app.screen.query_one(ArticleList)
        assert len(lst.ids) == 6
        await pilot.press("slash")
        await settle(app, pilot)
        app.screen.query_one("#prompt").value = "title ~ vote and"
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("Bad query: column 17" in m for m in messages(app)), messages(app)
        await pilot.press("slash")
        await settle(app, pilot)
        app.screen.query_one("#prompt").value = 'feed ~ "Tech" and title ~ "Story 2"'
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.view.kind == "query"
        assert [lst.row(i).title for i in range(len(lst.ids))] == ["Story 2 from feed 1"]


async def test_full_text_on_open_for_a_feed_that_asks_for_it(tmp_path: Path, http_server) -> None:
    from newsreader.session import Session

    from support.ui import settings

    body = "".join(
        f"<p>Paragraph {i} of the whole story, with enough words to count.</p>" for i in range(8)
    )
    page = http_server.add(
        "/story.html",
        f"<html><head><title>Whole</title></head><body><article><h1>Whole</h1>{body}</article></body></html>",
        "text/html",
    )
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        '[[feed]]\nurl = "http://127.0.0.1:9/f.xml"\ntitle = "Short feed"\nfull_text = true\n'
    )
    session = Session.open(feeds_file=feeds, db=tmp_path / "db.sqlite", settings=settings())
    session.store.save_feed(
        "http://127.0.0.1:9/f.xml",
        ParsedFeed("Short feed", None, [article(0, 0, link=page, content_html="<p>Teaser.</p>")]),
    )
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(20):
            await settle(app, pilot)
            if app.screen.article is not None and app.screen.article.full_text:
                break
        art = app.screen.article
        assert art is not None and "Paragraph 7 of the whole story" in (art.full_text or "")
        assert "Paragraph 7" in app.screen.article_view.rendered_text
