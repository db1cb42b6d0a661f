"""`newsreader search --query` and the killfile, run as a user would (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path

import pytest

from support.server import LocalServer

NOW = 1.7e9


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>https://example.org/{g}</link>"
        f"<pubDate>{formatdate(NOW + i * 60, usegmt=True)}</pubDate>"
        f"<description>About {t}</description></item>"
        for i, (g, t) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{body}</channel></rss>'.encode()


@pytest.fixture
def home(tmp_path: Path, http_server: LocalServer) -> dict[str, str]:
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.update(NO_COLOR="1", COLUMNS="120")
    http_server.add(
        "/a.xml",
        rss([("1", "Volcano erupts"), ("2", "Sponsored: cheap flights"), ("3", "Volcano calms")]),
    )
    http_server.add("/b.xml", rss([("1", "Chess final"), ("2", "Volcano documentary")]))
    cfg = tmp_path / "config" / "newsreader"
    cfg.mkdir(parents=True)
    (cfg / "feeds.toml").write_text(
        f'[[feed]]\nurl = "{http_server.url("/a.xml")}"\ntitle = "Geo"\ntags = ["science"]\n'
        f'[[feed]]\nurl = "{http_server.url("/b.xml")}"\ntitle = "Culture"\n',
        encoding="utf-8",
    )
    (cfg / "config.toml").write_text(
        'refresh_on_start = false\nignore = ["title ~ sponsored"]\n', encoding="utf-8"
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_search_query_and_killfile(home) -> None:
    r = run(home, "refresh")
    assert r.returncode == 0, r.stderr
    r = run(home, "search", "--query", "title ~ volcano and tag = science", "--json")
    assert r.returncode == 0, r.stderr
    assert [a["title"] for a in json.loads(r.stdout)] == ["Volcano calms", "Volcano erupts"]
    r = run(home, "search", "--query", "title ~ volcano and not feed = geo")
    assert r.returncode == 0 and "Volcano documentary" in r.stdout and "erupts" not in r.stdout
    # the killfile hid the sponsored item: not found by a query, nor by a word search
    geo = json.loads(run(home, "search", "--query", "feed = geo", "--json").stdout)
    assert [a["title"] for a in geo] == ["Volcano calms", "Volcano erupts"]
    assert json.loads(run(home, "search", "cheap", "--json").stdout) == []
    listed = {f["title"]: f for f in json.loads(run(home, "list", "--json").stdout)}
    assert listed["Geo"]["unread"] == 2 and listed["Geo"]["total"] == 2
    r = run(home, "search", "--query", "unread", "--limit", "1", "--json")
    assert len(json.loads(r.stdout)) == 1


def test_bad_query_is_one_line_with_the_column(home) -> None:
    r = run(home, "search", "--query", "title ~ volcano and")
    assert r.returncode == 1
    assert r.stderr.strip() == "newsreader: bad query: column 20: expected a test after `and`"
    r = run(home, "search")
    assert r.returncode == 1 and "WORDS" in r.stderr and "Traceback" not in r.stderr


def test_bad_killfile_rule_is_one_line(home, tmp_path: Path) -> None:
    cfg = tmp_path / "config" / "newsreader" / "config.toml"
    cfg.write_text('ignore = ["title ~ ok", "age < soon"]\n', encoding="utf-8")
    r = run(home, "list")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    assert f"{cfg}:1:32: ignore rule 'age < soon': expected an age" in r.stderr
