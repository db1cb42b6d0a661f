"""Helpers for the TUI tests (no tests here): sessions on temp paths, fixed data, screen text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsreader.config import Settings
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.session import Session

NOW = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:9"  # nothing listens there: a refresh would fail fast


def clock() -> datetime:
    return NOW


def settings(**kw) -> Settings:
    kw.setdefault("refresh_on_start", False)
    kw.setdefault("refresh_interval_minutes", 0)
    return Settings(**kw)


def write_feeds(path: Path, feeds: list[tuple[str, str | None, list[str]]]) -> Path:
    out = []
    for url, title, tags in feeds:
        out.append(f'[[feed]]\nurl = "{url}"\n')
        if title:
            out.append(f'title = "{title}"\n')
        if tags:
            out.append("tags = [" + ", ".join(f'"{t}"' for t in tags) + "]\n")
        out.append("\n")
    path.write_text("".join(out), encoding="utf-8")
    return path


def open_session(tmp_path: Path, feeds: list[tuple[str, str | None, list[str]]], **kw) -> Session:
    feeds_file = write_feeds(tmp_path / "feeds.toml", feeds)
    return Session.open(feeds_file=feeds_file, db=tmp_path / "db.sqlite", settings=settings(**kw))


def article(feed: int, n: int, **kw) -> ParsedArticle:
    kw.setdefault("title", f"Story {n} from feed {feed}")
    kw.setdefault("link", f"https://example.org/{feed}/{n}")
    kw.setdefault("author", "Ann Author")
    kw.setdefault("published", NOW - timedelta(hours=2 * n + feed))
    kw.setdefault(
        "content_html",
        f"<h2>Heading {n}</h2><p>Paragraph with <em>emphasis</em> and "
        f'<a href="https://example.org/ref/{n}">a reference</a>.</p>'
        "<ul><li>first point</li><li>second point</li></ul>"
        "<blockquote><p>A quoted line.</p></blockquote>"
        '<pre>code = "kept"</pre><img src="/x.png" alt="a chart">',
    )
    kw.setdefault("text", f"Paragraph {n} emphasis reference")
    return ParsedArticle(guid=f"g-{feed}-{n}", **kw)


DEMO_FEEDS = [
    (f"{BASE}/world.xml", "World News", ["world"]),
    (f"{BASE}/tech.xml", "Tech Daily", ["tech"]),
    (f"{BASE}/misc.xml", "Misc Blog", []),
]


def demo_session(tmp_path: Path, per_feed: int = 4, **kw) -> Session:
    """Three feeds (two tagged), `per_feed` articles each, fixed dates."""
    session = open_session(tmp_path, DEMO_FEEDS, **kw)
    for i, (url, title, _) in enumerate(DEMO_FEEDS):
        arts = [article(i, n) for n in range(per_feed)]
        session.store.save_feed(url, ParsedFeed(title, None, arts), now=NOW.timestamp())
    return session


def screen_lines(app) -> list[str]:
    """What the terminal would show: the text of every cell, line by line."""
    strips = app.screen._compositor.render_strips()
    return ["".join(seg.text for seg in strip) for strip in strips]


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def settle(app, pilot) -> None:
    """Wait for workers and the screen to catch up."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
