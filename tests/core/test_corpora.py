"""The shared corpora, used in place: real-world feeds through the whole pipeline (CLI refresh
against a local server), feedparser's ill-formed and encoding suites, and real OPML lists."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from newsreader.sources.opml import OpmlError, parse_opml
from newsreader.sources.parse import ParseError, parse_feed

from support.cli import run_cli
from support.paths import corpus
from support.server import LocalServer
from support.stored import stored, unsafe_html

SKIP_NAMES = {"SOURCE.md", "MANIFEST.tsv", "expectations.json"}


def feed_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name not in SKIP_NAMES
        and "licenses" not in p.parts
        and "expected" not in p.parts
    )


def test_real_feeds_refresh_then_conditional_refresh(xdg_home: dict[str, str]) -> None:
    root = corpus("real-feeds")
    files = feed_files(root)
    assert len(files) == 80
    server = LocalServer().start()
    try:
        urls = {}
        for p in files:
            path = "/" + "/".join(p.relative_to(root).parts)
            ctype = "application/feed+json" if p.suffix == ".json" else "application/xml"
            urls[path] = server.add(path, p.read_bytes(), ctype)
        toml = Path(xdg_home["XDG_CONFIG_HOME"]) / "newsreader" / "feeds.toml"
        toml.parent.mkdir(parents=True)
        toml.write_text(
            "# real-world corpus\n"
            + "".join(f'[[feed]]\nurl = "{u}"\ntags = ["corpus"]\n' for u in urls.values())
        )
        first = run_cli(xdg_home, "refresh", timeout=180)
        assert first.returncode == 0, first.stderr
        feeds = json.loads(run_cli(xdg_home, "list", "--json").stdout)
        by_url = {f["url"]: f for f in feeds}
        # Every feed feedparser alone can read (entries > 0) has articles here.
        for path, url in urls.items():
            raw = (root / path.lstrip("/")).read_bytes()
            fp = feedparser.parse(raw)
            if fp.entries:
                assert by_url[url]["total"] > 0, (path, by_url[url]["error"])
        failed = [f for f in feeds if f["error"]]
        assert len(failed) <= 3, [(f["url"], f["error"]) for f in failed]  # truncated/odd JSON
        requests_before = len(server.requests)
        second = run_cli(xdg_home, "refresh", timeout=180)
        assert second.returncode == 0
        new = server.requests[requests_before:]
        conditional = [r for r in new if "if-none-match" in r.headers]
        assert len(conditional) >= len(urls) - len(failed) - 1
        assert "0 new articles" in second.stdout
        assert f"{len(urls) - len(failed)} unchanged" in second.stdout, second.stdout
    finally:
        server.stop()


@pytest.mark.parametrize("folder", ["illformed", "encoding", "entities"])
def test_feedparser_suites_never_crash(folder: str) -> None:
    root = corpus("feedparser-tests") / folder
    n = 0
    for p in feed_files(root):
        n += 1
        try:
            feed = parse_feed(p.read_bytes(), f"http://127.0.0.1:9/{p.name}")
        except ParseError:
            continue
        for a in feed.articles:
            assert a.guid and isinstance(a.title, str)
            assert "\x1b" not in a.title + a.text
    assert n > 5


def test_feedparser_sanitize_suite_leaves_no_active_content() -> None:
    root = corpus("feedparser-tests") / "wellformed" / "sanitize"
    for p in feed_files(root):
        try:
            feed = parse_feed(p.read_bytes(), "http://127.0.0.1:9/feed")
        except ParseError:
            continue
        for a in stored(feed):  # what the UI and exports get: sanitized when read
            low = a.content_html.lower()
            for bad in ("<script", "javascript:", "onload=", "onclick=", "<iframe", "<style"):
                assert bad not in low, (p.name, bad)
            assert not unsafe_html(a.content_html), (p.name, unsafe_html(a.content_html))
        for a in feed.articles:  # summary_html is made from plain text: safe as it is
            assert not unsafe_html(a.summary_html), (p.name, a.summary_html)


REAL_OPML = {
    "netnewswire-Subs.opml": 207,
    "netnewswire-SubsNoTitleAttributes.opml": 207,
    "netnewswire-DefaultFeeds.opml": 10,
    "plenary-countries-Iran.opml": 7,
}


@pytest.mark.parametrize("name", sorted(REAL_OPML))
def test_real_opml_lists(name: str) -> None:
    subs = parse_opml((corpus("opml") / "real" / name).read_bytes())
    assert len(subs) >= REAL_OPML[name] - 3  # duplicates collapse
    assert all(s.title for s in subs)
    if "Subs" in name:
        assert {t for s in subs for t in s.tags} >= {"Programming", "Weblogs"}


def test_malformed_news_opml_imports() -> None:
    subs = parse_opml((corpus("opml") / "real" / "plenary-recommended-News.opml").read_bytes())
    assert len(subs) >= 10
    assert any("&" in (s.title or "") for s in subs)


def test_newsboat_opml_edge_cases() -> None:
    base = corpus("opml") / "edge-cases" / "newsboat"
    example = parse_opml((base / "example.opml").read_bytes())
    assert any("Blogs/friends" in s.tags for s in example)
    cat = parse_opml((base / "category.opml").read_bytes())
    assert cat[0].tags == ["tag one", "tag_two", "tag/three"]
    piped = parse_opml((base / "piped.opml").read_bytes())
    assert all(s.url.startswith("http") for s in piped)
    for bad in ("opml-element-missing.opml", "body-element-missing.opml"):
        with pytest.raises(OpmlError):
            parse_opml((base / bad).read_bytes())


def test_listparser_suite_never_crashes() -> None:
    root = corpus("opml") / "edge-cases" / "listparser"
    n = 0
    for p in sorted(root.rglob("*")):
        if p.is_file():
            n += 1
            try:
                subs = parse_opml(p.read_bytes())
            except OpmlError:
                continue
            assert all(s.url.lower().startswith(("http://", "https://")) for s in subs)
    assert n > 50


def test_fast_path_agrees_with_feedparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lxml fast path and the feedparser path give the same ids, titles, links, dates."""
    import newsreader.sources.parse as parse_mod
    from newsreader.sources.fastparse import Unsupported, parse_common

    root = corpus("real-feeds")
    used = 0
    for p in feed_files(root):
        body, url = p.read_bytes(), f"https://example.com/feeds/{p.name}"
        try:
            parse_common(parse_mod.strip_doctype(body.lstrip()), None)
        except Unsupported:
            continue
        except ParseError:
            continue
        used += 1
        fast = parse_feed(body, url)

        def refuse(*_a: object) -> dict:
            raise Unsupported("forced")

        monkeypatch.setattr(parse_mod, "parse_common", refuse)
        slow = parse_feed(body, url)
        monkeypatch.setattr(parse_mod, "parse_common", parse_common)
        assert (fast.title, fast.link, len(fast.articles)) == (
            slow.title,
            slow.link,
            len(slow.articles),
        ), p.name
        for a, b in zip(fast.articles, slow.articles, strict=True):
            assert (a.guid, a.title, a.link, a.published) == (
                b.guid,
                b.title,
                b.link,
                b.published,
            ), p.name
    assert used >= 40
