"""feeds.toml [[query]] tables and per-feed settings; config.toml ignore and pipe_command."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import config
from newsreader.config import ConfigError
from newsreader.models import QueryFeed, Subscription

FEEDS = """\
# my feeds
[[feed]]
url = "https://example.com/a.xml"
title = "A"
refresh_interval = 15
keep_per_feed = 50
full_text = true

[[feed]]
url = "https://example.com/b.xml"

# query feeds
[[query]]
title = "Unread world news"
query = "unread and tag = world"
tags = ["views"]

[[query]]
title = 'Long reads'
query = 'text ~ "analysis" and age < 1w'
"""


def write(tmp_path: Path, text: str, name: str = "feeds.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_per_feed_settings_and_query_feeds(tmp_path: Path) -> None:
    p = write(tmp_path, FEEDS)
    subs = config.load_subscriptions(p)
    assert subs[0] == Subscription(
        "https://example.com/a.xml",
        "A",
        [],
        refresh_interval=15.0,
        keep_per_feed=50,
        full_text=True,
    )
    assert subs[1] == Subscription("https://example.com/b.xml")
    assert config.load_query_feeds(p) == [
        QueryFeed("Unread world news", "unread and tag = world", ["views"]),
        QueryFeed("Long reads", 'text ~ "analysis" and age < 1w'),
    ]
    assert config.load_query_feeds(tmp_path / "absent.toml") == []


def test_adding_and_removing_feeds_keeps_query_tables(tmp_path: Path) -> None:
    p = write(tmp_path, FEEDS)
    config.add_subscriptions([Subscription("https://example.com/c.xml", "C")], p)
    assert [q.title for q in config.load_query_feeds(p)] == ["Unread world news", "Long reads"]
    assert [s.url for s in config.load_subscriptions(p)][-1] == "https://example.com/c.xml"
    config.remove_subscription("A", p)
    assert "# query feeds" in p.read_text() and len(config.load_query_feeds(p)) == 2
    assert [s.url for s in config.load_subscriptions(p)] == [
        "https://example.com/b.xml",
        "https://example.com/c.xml",
    ]


@pytest.mark.parametrize(
    ("entry", "where", "fragment"),
    [
        ("refresh_interval = -5", ":3:20", "refresh_interval"),
        ('refresh_interval = "hourly"', ":3:20", "minutes between"),
        ("refresh_interval = true", ":3:20", "minutes between"),
        ("keep_per_feed = 0", ":3:17", "at least 1"),
        ("keep_per_feed = 2.5", ":3:17", "whole number"),
        ('full_text = "yes"', ":3:13", "true or false"),
    ],
)
def test_bad_per_feed_settings(tmp_path: Path, entry: str, where: str, fragment: str) -> None:
    p = write(tmp_path, f'[[feed]]\nurl = "https://example.com/a.xml"\n{entry}\n')
    with pytest.raises(ConfigError) as exc:
        config.load_subscriptions(p)
    assert f"{p}{where}: " in str(exc.value) and fragment in str(exc.value)


@pytest.mark.parametrize(
    ("table", "where", "fragment"),
    [
        ('title = "T"\nquery = "unread and"', ":3:20", "expected a test after `and`"),
        ('title = "T"\nquery = "titel ~ x"', ":3:10", "unknown field 'titel'"),
        ("title = 'T'\nquery = 'age < 2x'", ":3:16", "expected an age"),
        ('title = "T"\nquery = "title = \\"a\\" and"', ":3:27", "expected a test after `and`"),
        ('title = "T"', ":1", "needs a `query`"),
        ('query = "unread"', ":1", "needs a title"),
        ('title = "T"\nquery = "unread"\ntags = [1]', ":4:8", "`tags` must be strings"),
    ],
)
def test_bad_query_feeds_say_file_line_col(
    tmp_path: Path, table: str, where: str, fragment: str
) -> None:
    p = write(tmp_path, f"[[query]]\n{table}\n")
    with pytest.raises(ConfigError) as exc:
        config.load_query_feeds(p)
    assert f"{p}{where}" in str(exc.value), str(exc.value)
    assert fragment in str(exc.value)


def test_settings_killfile_and_pipe(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        'ignore = ["title ~ sponsored", "feed ~ tabloid and not starred"]\n'
        'pipe_command = ["less", "-R"]\npipe_timeout = 10\n',
        "config.toml",
    )
    s = config.load_settings(p)
    assert s.ignore == ["title ~ sponsored", "feed ~ tabloid and not starred"]
    assert s.pipe_command == ["less", "-R"] and s.pipe_timeout == 10.0
    assert config.load_settings(tmp_path / "none.toml").ignore == []


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ('ignore = ["title ~ ok", "title ~"]\n', ":1:33", "expected a value after `title ~`"),
        ('ignore = [\n  "unread",\n  "age < 2q",\n]\n', ":3:10", "expected an age"),
        ("ignore = 'title ~ x'\n", "", "`ignore` must be a list"),
        ("ignore = [1]\n", "", "list of queries"),
        ('pipe_command = "less -R"\n', "", "not a shell string"),
        ('pipe_command = ["", "x"]\n', "", "a program and its arguments"),
        ("pipe_command = [1]\n", "", "a program and its arguments"),
    ],
)
def test_bad_settings(tmp_path: Path, text: str, where: str, fragment: str) -> None:
    p = write(tmp_path, text, "config.toml")
    with pytest.raises(ConfigError) as exc:
        config.load_settings(p)
    assert f"{p}{where}" in str(exc.value) and fragment in str(exc.value), str(exc.value)
