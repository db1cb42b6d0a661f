from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader import config
from newsreader.config import ConfigError
from newsreader.models import Subscription

SAMPLE = """\
# my feeds, hand-edited
[[feed]]
url = "https://example.com/a.xml"  # the first one
title = "A"
tags = ["news", "world"]

# a comment between feeds
[[feed]]
url = "https://example.com/b.xml"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "feeds.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_load(tmp_path: Path) -> None:
    subs = config.load_subscriptions(write(tmp_path, SAMPLE))
    assert subs == [
        Subscription("https://example.com/a.xml", "A", ["news", "world"]),
        Subscription("https://example.com/b.xml", None, []),
    ]


def test_add_keeps_comments_and_order(tmp_path: Path) -> None:
    p = write(tmp_path, SAMPLE)
    added = config.add_subscriptions([Subscription("https://example.com/c.xml", "C", ["tech"])], p)
    assert [s.url for s in added] == ["https://example.com/c.xml"]
    text = p.read_text()
    assert text.startswith(SAMPLE)  # nothing above was rewritten
    assert "# the first one" in text and "# a comment between feeds" in text
    assert [s.url for s in config.load_subscriptions(p)][-1] == "https://example.com/c.xml"
    # adding it again is a no-op
    assert config.add_subscriptions([Subscription("https://example.com/c.xml")], p) == []


def test_remove_by_title_and_url(tmp_path: Path) -> None:
    p = write(tmp_path, SAMPLE)
    removed = config.remove_subscription("a", p)
    assert removed.url == "https://example.com/a.xml"
    text = p.read_text()
    assert "# my feeds, hand-edited" in text and "# a comment between feeds" in text
    config.remove_subscription("https://example.com/b.xml", p)
    assert config.load_subscriptions(p) == []
    with pytest.raises(ConfigError, match="no subscription"):
        config.remove_subscription("nope", p)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[[feed]]\nurl = "https://x\n', ":2:"),
        ('[[feed]]\nurl = "https://x"\ntitle = \n', ":3:"),
        ('[[feed]]\nurl = "https://a"\n[[feed]\nurl = "b"\n', ":3:"),
    ],
)
def test_broken_file_is_refused_with_line_and_untouched(tmp_path: Path, text, where) -> None:
    p = write(tmp_path, text)
    before = (p.read_bytes(), os.stat(p).st_mtime_ns)
    with pytest.raises(ConfigError) as exc:
        config.load_subscriptions(p)
    assert str(p) + where in str(exc.value)
    with pytest.raises(ConfigError):
        config.add_subscriptions([Subscription("https://example.com/new")], p)
    assert (p.read_bytes(), os.stat(p).st_mtime_ns) == before


@pytest.mark.parametrize(
    "entry",
    [
        'url = "ftp://example.com/feed"',
        'url = "javascript:alert(1)"',
        "title = 'no url'",
        'url = "https://example.com"\ntags = [1, 2]',
    ],
)
def test_invalid_entries(tmp_path: Path, entry: str) -> None:
    p = write(tmp_path, f"[[feed]]\n{entry}\n")
    with pytest.raises(ConfigError):
        config.load_subscriptions(p)


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    p = tmp_path / "f.toml"
    config.atomic_write(p, "a = 1\n")
    config.atomic_write(p, "a = 2\n")
    assert p.read_text() == "a = 2\n"
    assert [x.name for x in tmp_path.iterdir()] == ["f.toml"]


def test_bundled_default_lists_demo_and_real_feeds() -> None:
    subs = config.load_subscriptions(config.bundled_feeds_toml())
    demo = [s for s in subs if "demo" in s.tags]
    assert len(demo) == 2
    for s in demo:
        assert Path(config.resolve_location(s.url)).is_file()
    real = [s for s in subs if s.url.startswith("https://")]
    assert len(real) >= 8 and all(s.title and s.tags for s in real)


def test_settings(tmp_path: Path) -> None:
    p = tmp_path / "config.toml"
    p.write_text('refresh_interval_minutes = 5\nmax_bytes = 1000\n[keys]\nnext = "j,down"\n')
    s = config.load_settings(p)
    assert s.refresh_interval_minutes == 5.0 and s.max_bytes == 1000
    assert s.keys == {"next": "j,down"}
    p.write_text('max_bytes = "lots"\n')
    with pytest.raises(ConfigError, match="max_bytes"):
        config.load_settings(p)
