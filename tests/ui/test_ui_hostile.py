"""Feed text is shown literally: markup never styles, escape sequences never reach the screen."""

from __future__ import annotations

import re
from pathlib import Path

from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.htmlrender import render_html
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_pane import FeedPane
from newsreader.ui.widgets.status import StatusLine

from support.ui import BASE, NOW, clock, open_session, screen_text, settle

MARKUP = "[bold red]x[/]"
ANSI = "\x1b[31mRED\x1b[0m"
OSC8 = "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"
BIDI = "abc\u202edcba\u2066iso\u2069"
ACTION = "[@click=app.quit]quit[/]"
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hostile_session(tmp_path: Path):
    url = f"{BASE}/evil.xml"
    session = open_session(tmp_path, [(url, None, ["[b]tag[/b]"])])
    titles = [MARKUP, ANSI, OSC8, BIDI, ACTION]
    arts = [
        ParsedArticle(
            guid=f"h{i}",
            title=f"{t} title {i}",
            link=f"http://example.org/{i}\x1b[2J",
            author=f"{MARKUP} author",
            published=NOW,
            content_html=f"<p>{t} body</p><p><a href='http://x.org/{i}'>{MARKUP}</a></p>",
        )
        for i, t in enumerate(titles)
    ]
    session.store.save_feed(url, ParsedFeed(f"{MARKUP} feed {ANSI}", None, arts))
    session.store.record_error(url, f"[red]boom[/] {ANSI} {OSC8}")
    return session


def assert_clean(text: str) -> None:
    bad = FORBIDDEN.findall(text)
    assert not bad, f"control characters on screen: {bad!r}"


async def test_hostile_titles_render_literally(tmp_path: Path) -> None:
    session = hostile_session(tmp_path)
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert_clean(text)
        assert "[bold red]x[/] title 0" in text
        assert "[31mRED[0m title 1" in text  # ESC removed, the rest literal
        assert "[@click=app.quit]quit[/]" in text
        assert "[b]tag[/b]" in text  # the tag group label
        assert "[bold red]x[/] feed" in text
        assert "! [bold red]x[/] feed" in text  # the error mark
        for _ in range(5):
            await pilot.press("enter")
            await pilot.pause()
            shown = app.screen.query_one(ArticleView).rendered_text
            assert_clean(shown)
            assert "[bold red]x[/]" in shown
            assert_clean(screen_text(app))
            await pilot.press("escape", "j")
        assert app.is_running
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\u202e" not in svg
        # the feed's error, shown in the status line when highlighted, is literal too
        await pilot.press("escape")
        pane = app.screen.query_one(FeedPane)
        feed_index = next(i for i, e in enumerate(pane.entries) if e.view.kind == "feed")
        for _ in range(feed_index):
            await pilot.press("j")
        await settle(app, pilot)
        status = app.screen.query_one(StatusLine).text
        assert "[red]boom[/]" in status
        assert "[bold red]x[/] feed" in screen_text(app).splitlines()[0]  # the list's title
        assert_clean(status)
        assert_clean(screen_text(app))


def test_renderer_never_interprets_markup() -> None:
    rendered = render_html(
        f"<h1>{MARKUP}</h1><p>{ANSI} {OSC8} {BIDI}</p><pre>{ACTION}</pre>"
        f"<a href='javascript:alert(1)'>js</a><img alt='{MARKUP}'>"
    )
    plain = rendered.plain
    assert_clean(plain)
    assert MARKUP in plain and ACTION in plain and f"[image: {MARKUP}]" in plain
    for block in rendered.blocks:
        assert not any(span.style and "link" in str(span.style) for span in block.text.spans)
