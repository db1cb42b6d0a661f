"""Stories end to end: feeds served by a real local HTTP server, refreshed by the CLI (a
subprocess, as a user runs it), grouped, read back with `newsreader stories --json`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from newsreader.config import Settings
from newsreader.session import Session

from support.cli import feeds_toml_path as feeds_file
from support.cli import run_cli as run
from support.paths import SEEDS

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)

OUTLETS = {
    "Northern Wire": [
        ("Jailed Iranian activist Narges Mohammadi wins Nobel Peace Prize", 0),
        ("Exxon to buy Pioneer Natural Resources in $59.5 billion deal", 1),
    ],
    "Evening Post": [
        ("Nobel Peace Prize: Jailed Iranian activist Narges Mohammadi wins", 1),
        ("Wildfire smoke from Canada blankets New York City", 2),
    ],
    "Daily Ledger": [
        ("Imprisoned Iranian activist Narges Mohammadi wins Nobel Peace Prize", 2),
        ("Arm prices IPO at top of range, valuing chip designer at $54.5 billion", 0),
    ],
    "Metro Times": [
        ("Narges Mohammadi: jailed Iranian activist wins Nobel peace prize", 3),
        ("Meta hit by lawsuit from 33 states over youth mental health", 1),
    ],
}


def _rss(name: str, items: list[tuple[str, int]], base: str) -> str:
    parts = [f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>']
    for i, (title, h) in enumerate(items):
        date = format_datetime(T0 + timedelta(hours=h), usegmt=True)
        parts.append(
            f"<item><title>{title}</title><link>{base}/{i}</link><guid>{base}/{i}</guid>"
            f"<description>One line about it.</description><pubDate>{date}</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


def _subscribe(env: dict[str, str], urls: list[str]) -> None:
    p = feeds_file(env)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("".join(f'[[feed]]\nurl = "{u}"\n\n' for u in urls), encoding="utf-8")


def _serve_outlets(home: dict[str, str], http_server, prefix: str) -> None:
    """Serve each outlet's feed at /{prefix}{k}.xml and subscribe to them all."""
    urls = []
    for k, (name, items) in enumerate(OUTLETS.items()):
        path = f"/{prefix}{k}.xml"
        http_server.add(
            path, _rss(name, items, f"https://outlet{k}.example"), "application/rss+xml"
        )
        urls.append(http_server.url(path))
    _subscribe(home, urls)


def test_refresh_groups_one_story_from_several_feeds(home, http_server, tmp_path: Path) -> None:
    _serve_outlets(home, http_server, "feed")
    out = run(home, "refresh")
    assert out.returncode == 0, out.stderr
    out = run(home, "stories", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 1
    story = data[0]
    assert set(story) == {"id", "title", "articles"}
    assert isinstance(story["id"], int) and "Mohammadi" in story["title"]
    assert len(story["articles"]) == 4
    for a in story["articles"]:
        assert set(a) == {"id", "feed", "url", "title", "role"}
        assert a["role"] in ("original", "copy", "coverage")
        assert a["url"].startswith("https://outlet")
    roles = [a["role"] for a in story["articles"]]
    assert roles.count("original") == 1
    # The earliest report (no byline anywhere) is the likely original.
    original = next(a for a in story["articles"] if a["role"] == "original")
    assert original["feed"] == "Northern Wire"

    # The user takes one article out; a new article and another refresh keep that choice.
    session = Session.open(
        feeds_file=feeds_file(home),
        db=Path(home["XDG_DATA_HOME"]) / "newsreader" / "newsreader.db",
        settings=Settings(),
    )
    moved = next(a["id"] for a in story["articles"] if a["feed"] == "Metro Times")
    assert session.split_from_story(moved) is not None
    OUTLETS["Metro Times"].append(
        ("Iranian activist Narges Mohammadi awarded Nobel Peace Prize", 4)
    )
    http_server.add(
        "/feed3.xml",
        _rss("Metro Times", OUTLETS["Metro Times"], "https://outlet3.example"),
        "application/rss+xml",
    )
    summary = asyncio.run(session.refresh())
    assert summary.new_articles == 1
    data = json.loads(run(home, "stories", "--json").stdout)
    titles = {a["id"] for s in data for a in s["articles"]}
    by_story = {a["id"]: s["id"] for s in data for a in s["articles"]}
    assert by_story.get(moved) != by_story[original["id"]]
    assert len(titles) >= 4
    session.store.close()


def test_demo_copy_and_original_are_one_story(home, tmp_path: Path) -> None:
    """The bundled demo: an aggregator's copy of a Financial Times article."""
    p = feeds_file(home)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(
        f'[[feed]]\nurl = "{SEEDS / "000_2f754f0fdfd46775.txt"}"\ntitle = "Aggregator"\n\n'
        f'[[feed]]\nurl = "{SEEDS / "001_8e37780b18e596c7.txt"}"\ntitle = "Original"\n',
        encoding="utf-8",
    )
    assert run(home, "refresh").returncode == 0
    out = run(home, "stories", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 1
    roles = {a["feed"]: a["role"] for a in data[0]["articles"]}
    assert roles == {"Original": "original", "Aggregator": "copy"}
    text = run(home, "stories")
    assert text.returncode == 0 and "2 sources" in text.stdout


def test_stories_off_leaves_the_refresh_alone_and_the_command_still_groups(
    home, http_server, tmp_path: Path
) -> None:
    """`stories = false` in config.toml: a refresh clusters nothing (as fast as without the
    feature); `newsreader stories` asked by name groups what was stored since."""
    _serve_outlets(home, http_server, "off")
    (feeds_file(home).parent / "config.toml").write_text("stories = false\n", encoding="utf-8")
    out = run(home, "refresh")
    assert out.returncode == 0, out.stderr
    db = Path(home["XDG_DATA_HOME"]) / "newsreader" / "newsreader.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM story_articles").fetchone()[0] == 0
    data = json.loads(run(home, "stories", "--json").stdout)
    assert len(data) == 1 and len(data[0]["articles"]) >= 4  # (an earlier test adds one)


def _grouped(home: dict[str, str]) -> int:
    db = Path(home["XDG_DATA_HOME"]) / "newsreader" / "newsreader.db"
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM story_articles").fetchone()[0])


def test_refresh_leaves_grouping_to_later_unless_asked(home, http_server) -> None:
    """`newsreader refresh` ends once every feed is stored and says who groups the new
    articles; `--stories` groups them before it exits."""
    _serve_outlets(home, http_server, "later")
    n = sum(len(items) for items in OUTLETS.values())  # (an earlier test adds one)
    out = run(home, "refresh")
    assert out.returncode == 0, out.stderr
    assert f"{n} new articles" in out.stdout
    assert "grouped when the app opens or `newsreader stories` runs" in out.stdout
    assert _grouped(home) == 0
    data = json.loads(run(home, "stories", "--json").stdout)  # groups them first
    assert len(data) == 1 and len(data[0]["articles"]) >= 4
    assert _grouped(home) == n

    http_server.add(
        "/later0.xml",
        _rss("Northern Wire", [*OUTLETS["Northern Wire"], ("Mohammadi's family speaks", 5)],
             "https://outlet0.example"),
        "application/rss+xml",
    )  # fmt: skip
    out = run(home, "refresh", "--stories")
    assert out.returncode == 0, out.stderr
    assert "1 new articles" in out.stdout and "stories: the new articles grouped in" in out.stdout
    assert _grouped(home) == n + 1
