"""The killfile and per-feed settings at refresh, against a real local HTTP server."""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

from newsreader.config import Settings
from newsreader.query import View, count, killfile, matching_ids
from newsreader.session import Session

from support.server import LocalServer


def rss(title: str, items: list[tuple[str, str, str]], start: float = 1.7e9) -> bytes:
    parts = [f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>']
    for i, (guid, item_title, author) in enumerate(items):
        parts.append(
            f"<item><guid>{guid}</guid><title>{item_title}</title>"
            f"<link>https://example.org/{guid}</link><author>{author}</author>"
            f"<pubDate>{formatdate(start + i * 60, usegmt=True)}</pubDate>"
            f"<description>Story {item_title} text</description></item>"
        )
    return ("".join(parts) + "</channel></rss>").encode()


NEWS = [
    ("1", "Vote count delayed", "ann@example.org (Ann)"),
    ("2", "Sponsored: best VPN deal", "ads@example.org (Ads)"),
    ("3", "Storm hits the coast", "ann@example.org (Ann)"),
    ("4", "Live: the keynote", "bot@example.org (Spam Bot)"),
]


def setup(tmp_path: Path, server: LocalServer, extra: str = "") -> Path:
    server.add("/news.xml", rss("News", NEWS), "application/rss+xml")
    server.add("/tech.xml", rss("Tech", [("t1", "Phone released", "x@y (X)")]))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'[[feed]]\nurl = "{server.url("/news.xml")}"\ntitle = "News"\n{extra}\n'
        f'[[feed]]\nurl = "{server.url("/tech.xml")}"\n',
        encoding="utf-8",
    )
    return feeds


def visible_titles(session: Session) -> set[str]:
    store = session.store
    return {r.title for r in store.rows_by_ids(store.article_ids(View("all")))}


async def test_killfile_hides_at_refresh_and_rules_bring_them_back(
    tmp_path: Path, http_server: LocalServer
) -> None:
    feeds = setup(tmp_path, http_server)
    db = tmp_path / "db.sqlite"
    rules = ["title ~ sponsored", 'author ~ "spam bot" or title =~ "^live:"']
    session = Session.open(feeds_file=feeds, db=db, settings=Settings(ignore=rules))
    summary = await session.refresh()
    assert summary.new_articles == 5 and not summary.notes
    assert visible_titles(session) == {
        "Vote count delayed",
        "Storm hits the coast",
        "Phone released",
    }
    store = session.store
    # kept in the store, left out of every list and count
    assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert killfile.hidden_count(store) == 2
    assert store.counts() == {"all": 3, "unread": 3, "starred": 0}
    assert {f.title: f.unread for f in store.feeds()}["News"] == 2
    assert (
        store.search("keynote") == [] and store.article_ids(View("search", query="sponsored")) == []
    )
    assert matching_ids(store, "feed = news") == store.article_ids(
        View("feed", feed_id=store.feeds()[0].id)
    )
    assert count(store, "title ~ keynote") == (0, 0)

    # a new item that matches arrives: hidden in the same save, never listed
    http_server.add("/news.xml", rss("News", [*NEWS, ("5", "Sponsored: more ads", "a@b (Ads)")]))
    seen_during: list[set[str]] = []
    summary = await session.refresh(on_done=lambda ev: seen_during.append(visible_titles(session)))
    assert summary.new_articles == 1
    assert all("Sponsored: more ads" not in s for s in seen_during)
    assert killfile.hidden_count(store) == 3

    # other rules: what they no longer match comes back, what they match goes
    session.store.close()
    session = Session.open(feeds_file=feeds, db=db, settings=Settings(ignore=["title ~ storm"]))
    assert visible_titles(session) == {
        "Vote count delayed", "Sponsored: best VPN deal", "Live: the keynote",
        "Sponsored: more ads", "Phone released",
    }  # fmt: skip
    # no rules: everything back
    kf = killfile.apply(session.store, [])
    assert kf.changed == 1 and killfile.hidden_count(session.store) == 0
    assert len(visible_titles(session)) == 6
    # unchanged rules: no recompute
    assert killfile.apply(session.store, []).changed == 0


async def test_killfile_applies_in_refresh_feeds_itself(
    tmp_path: Path, http_server: LocalServer
) -> None:
    from newsreader.config import load_subscriptions
    from newsreader.refresh import refresh_feeds
    from newsreader.store import Store

    feeds = setup(tmp_path, http_server)
    store = Store(tmp_path / "db.sqlite")
    subs = load_subscriptions(feeds)
    store.sync_subscriptions(subs)
    await refresh_feeds(subs, store=store, settings=Settings(ignore=["feed = tech"]))
    assert {r.title for r in store.articles(View("all"))} == {t for _, t, _ in NEWS}


async def test_refresh_interval_and_keep_per_feed(tmp_path: Path, http_server: LocalServer) -> None:
    feeds = setup(tmp_path, http_server, extra="refresh_interval = 60\nkeep_per_feed = 2")
    session = Session.open(feeds_file=feeds, db=tmp_path / "db.sqlite", settings=Settings())
    news = session.subscriptions[0]
    assert (news.refresh_interval, news.keep_per_feed) == (60.0, 2)
    summary = await session.refresh()
    assert summary.ok == 2 and summary.not_due == 0
    rows = session.store.articles(View("all"))
    # keep_per_feed = 2 for News only: its two newest stay, Tech keeps its one
    assert sorted(r.title for r in rows) == [
        "Live: the keynote",
        "Phone released",
        "Storm hits the coast",
    ]

    hits = len(http_server.hits("/news.xml"))
    summary = await session.refresh()  # everything, on a schedule: News is not due yet
    assert summary.not_due == 1 and len(http_server.hits("/news.xml")) == hits
    assert len(http_server.hits("/tech.xml")) == 2
    await session.refresh([news.url])  # asked for by name: fetched
    assert len(http_server.hits("/news.xml")) == hits + 1
    await session.refresh(force=True)
    assert len(http_server.hits("/news.xml")) == hits + 2


async def test_refresh_interval_zero_means_only_when_asked(
    tmp_path: Path, http_server: LocalServer
) -> None:
    feeds = setup(tmp_path, http_server, extra="refresh_interval = 0")
    session = Session.open(feeds_file=feeds, db=tmp_path / "db.sqlite", settings=Settings())
    summary = await session.refresh()
    assert summary.not_due == 1 and http_server.hits("/news.xml") == []
    await session.refresh([session.subscriptions[0].url])
    assert len(http_server.hits("/news.xml")) == 1
