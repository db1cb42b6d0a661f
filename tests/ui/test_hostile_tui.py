"""The TUI on a store full of hostile articles: markup is shown literally, no escape sequence
reaches the screen, the app keeps running, and dangerous links are never opened.

Two stores: one filled through the real parser (what a refresh would store), one with the raw
hostile strings written straight into the store (defence in depth: a widget must never
interpret what it shows, whatever the parser let through).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest

from newsreader.config import Settings
from newsreader.models import Enclosure, ParsedArticle, ParsedFeed
from newsreader.session import Session
from newsreader.sources.parse import parse_feed

import support.hostile as hf
from support.ui import screen_lines

BASE = "http://127.0.0.1:9"
HEADLINE = "[bold red]MARKUP-STYLE[/bold red] [@click=app.quit]QUIT[/] [link=http://e/]L[/link]"


def _settings() -> Settings:
    return Settings(refresh_on_start=False, refresh_interval_minutes=0)


def _session(tmp_path: Path, urls: list[str]) -> Session:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feed]]\nurl = "{u}"\n\n' for u in urls), encoding="utf-8")
    return Session.open(feeds_file=feeds, db=tmp_path / "db.sqlite", settings=_settings())


def _raw_feed() -> ParsedFeed:
    """Hostile strings as they are, bypassing the parser's cleaning."""
    arts = []
    for i, (name, attack) in enumerate([("headline", ""), *hf.TERMINAL.items()]):
        title = HEADLINE if name == "headline" else f"{name} {attack} {HEADLINE}"
        arts.append(
            ParsedArticle(
                guid=f"raw-{i}",
                title=title,
                link=f"http://example.org/{i}{attack}",
                author=f"{attack}[i]author[/i]",
                published=datetime(2024, 5, 6, 10, i, tzinfo=UTC),
                content_html=f"<p>{HEADLINE}</p><p>{attack}</p><pre>{hf.ALL_ATTACK}</pre>",
                text=f"{HEADLINE} {attack}",
                enclosures=[Enclosure(f"http://example.org/{name}{attack}.mp3", "audio/mpeg", 1)],
            )
        )
    arts.append(
        ParsedArticle(
            guid="raw-js",
            title="javascript link article",
            link="javascript:alert(document.cookie)",
            content_html='<p><a href="javascript:alert(1)">js</a></p>',
            text="js",
        )
    )
    return ParsedFeed(title=f"Raw feed {hf.ALL_ATTACK} {HEADLINE}", link=None, articles=arts)


def _parsed_feeds() -> list[tuple[str, ParsedFeed]]:
    headline_feed = hf.rss(
        [{"title": hf.cdata_safe(HEADLINE), "guid": "h", "description": hf.cdata_safe(HEADLINE)}],
        title=HEADLINE,
    )
    out = []
    for name, body in (
        ("markup-raw.xml", hf.markup_rss("raw")),
        ("markup-refs.xml", hf.markup_rss("refs")),
        ("atom.xml", hf.markup_atom()),
        ("active.xml", hf.active_content()),
        ("links.xml", hf.links()),
        ("headline.xml", headline_feed),
    ):
        url = f"{BASE}/{name}"
        out.append((url, parse_feed(body, url, "application/xml")))
    return out


def svg_text(app) -> str:
    svg = app.export_screenshot()
    return unescape(" ".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")


def assert_screen_clean(app, where: str) -> str:
    lines = screen_lines(app)
    text = "\n".join(lines)
    bad = hf.forbidden_chars(text.replace("\n", " "))
    assert not bad, f"{where}: {bad}"
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "\x07" not in svg, f"{where}: escape in the screenshot"
    assert not hf.forbidden_chars(svg.replace("\n", " ")), where
    return text


async def _walk_articles(app, pilot, where: str, max_steps: int = 25) -> list[str]:
    """Open article after article; check the screen after each step. Returns screens."""
    screens = [assert_screen_clean(app, f"{where}: start")]
    await pilot.press("tab")  # to the article list, whatever the layout
    for step in range(max_steps):
        await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running, f"{where}: the app stopped at step {step}"
        screens.append(assert_screen_clean(app, f"{where}: step {step}"))
        await pilot.press("escape")
        await pilot.pause()
    return screens


@pytest.mark.parametrize("source", ["parsed", "raw"])
async def test_tui_shows_markup_literally_and_no_escapes(tmp_path: Path, source: str) -> None:
    from newsreader.ui.app import NewsReaderApp

    feeds = _parsed_feeds() if source == "parsed" else [(f"{BASE}/raw.xml", _raw_feed())]
    session = _session(tmp_path, [u for u, _ in feeds])
    for url, parsed in feeds:
        session.store.save_feed(url, parsed)
    app = NewsReaderApp(session, auto_refresh=False)
    async with app.run_test(size=(220, 60)) as pilot:
        await pilot.pause()
        screens = await _walk_articles(app, pilot, source)
        seen = "\n".join(screens) + svg_text(app)
        assert "[bold red]MARKUP-STYLE[/bold red]" in seen or "[bold red]MARKUP-STYLE" in seen, (
            f"{source}: the markup is not shown literally:\n{screens[-1][:3000]}"
        )
        assert "[@click=app.quit]" in seen, f"{source}: action markup not shown literally"
        assert app.is_running
    session.store.close()


async def test_tui_never_opens_javascript_or_file_links(tmp_path: Path, monkeypatch) -> None:
    import subprocess
    import webbrowser

    from newsreader.ui.app import NewsReaderApp

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr(webbrowser, "open_new_tab", lambda url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr(webbrowser, "open_new", lambda url, *a, **k: opened.append(url) or True)
    real_popen = subprocess.Popen

    def popen(args, *a, **k):
        opened.append(" ".join(map(str, args)) if isinstance(args, list) else str(args))
        return real_popen(["true"])

    monkeypatch.setattr(subprocess, "Popen", popen)
    feeds = [(f"{BASE}/raw.xml", _raw_feed()), (f"{BASE}/links.xml", None)]
    session = _session(tmp_path, [u for u, _ in feeds])
    session.store.save_feed(feeds[0][0], feeds[0][1])
    session.store.save_feed(feeds[1][0], parse_feed(hf.links(), feeds[1][0], "application/xml"))
    app = NewsReaderApp(session, auto_refresh=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        for _ in range(30):
            await pilot.press("j")
            await pilot.press("o")
            await pilot.pause()
            assert app.is_running
            if app.screen is not app.screen_stack[0]:
                await pilot.press("escape")
    bad = [u for u in opened if not re.match(r"^(true$|.*https?://)", u.strip(), re.I)]
    bad += [u for u in opened if re.search(r"(javascript|vbscript|data|file):", u, re.I)]
    assert not bad, f"opened: {bad}"
    session.store.close()
