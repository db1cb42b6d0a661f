"""`newsreader compare ARTICLE` follows a copy's source link: an aggregator
site (its feed subscribed, its copy page linking the original among share, tag and related
links) and the original's site (not subscribed), each a real server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from support.cli import feeds_toml_path, run_cli
from support.sites import aggregator_and_original


@pytest.fixture
def sites():
    with aggregator_and_original() as got:
        yield got


def _subscribe(env: dict[str, str], feed_url: str) -> int:
    path = feeds_toml_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[[feed]]\nurl = "{feed_url}"\ntitle = "DailyTrendz"\n')
    assert run_cli(env, "refresh").returncode == 0
    (hit,) = json.loads(run_cli(env, "search", "China", "--json").stdout)
    return int(hit["id"])


def test_cli_compare_article_follows_the_source_link(home, sites) -> None:
    agg, origin, feed_url, original = sites
    aid = _subscribe(home, feed_url)
    out = run_cli(home, "compare", str(aid), "--json", timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Found the original at" in out.stderr and original in out.stderr
    data = json.loads(out.stdout)
    assert data["right"]["source"] == original
    assert data["report"]["derived"] is True and data["report"]["coverage"] > 0.5
    asked = {r.path for r in agg.requests}
    assert not any(p.startswith("/tag/") for p in asked)  # tag links are never followed
    assert "/world/other/" not in asked


def test_cli_compare_article_says_plainly_when_nothing_is_found(home, sites) -> None:
    agg, origin, feed_url, original = sites
    origin.add("/2023/us-china-talks.html", b"gone", "text/html", status=404)
    aid = _subscribe(home, feed_url)
    out = run_cli(home, "compare", str(aid), "--json", timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "None of the 1 linked pages is the original (1 could not be read)" in out.stderr
    assert out.stderr.rstrip().endswith("(a file, URL or article id)")
