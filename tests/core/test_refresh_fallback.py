"""Refresh without a working process pool, a caller's executor, and starred + unread_only."""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsreader.refresh as refresh_mod
import newsreader.sources.feeds as feeds_mod
from newsreader.config import Settings
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.query import View
from newsreader.session import Session

from support.server import LocalServer

FEEDS = 4
ITEMS = 60  # > 16 KB per feed, so parsing goes to the executor, not the inline thread


def rss(n: int) -> bytes:
    items = "".join(
        f"<item><title>Feed {n} story {i}</title><link>https://example.org/{n}/{i}</link>"
        f"<guid>g-{n}-{i}</guid><pubDate>Mon, 0{1 + i % 9} Jun 2026 10:00:00 GMT</pubDate>"
        f"<description>{'Some words of the story. ' * 12}</description></item>"
        for i in range(ITEMS)
    )
    doc = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"<link>https://example.org/{n}</link>{items}</channel></rss>"
    )
    data = doc.encode()
    assert len(data) > feeds_mod.INLINE_PARSE_BYTES
    return data


@pytest.fixture
def feeds_session(tmp_path: Path):
    server = LocalServer().start()
    try:
        urls = [server.add(f"/f{n}.xml", rss(n), "application/rss+xml") for n in range(FEEDS)]
        feeds_file = tmp_path / "feeds.toml"
        feeds_file.write_text("".join(f'[[feed]]\nurl = "{u}"\n' for u in urls))
        session = Session.open(
            feeds_file=feeds_file, db=tmp_path / "db.sqlite", settings=Settings()
        )
        yield session, server
    finally:
        server.stop()


def _no_processes(*args, **kwargs):
    raise OSError(38, "Function not implemented (no sem_open: /dev/shm is missing)")


def test_make_executor_falls_back_to_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds_mod, "ProcessPoolExecutor", _no_processes)
    ex = feeds_mod.make_executor(2)
    try:
        assert isinstance(ex, ThreadPoolExecutor)
    finally:
        ex.shutdown()


async def test_refresh_without_process_pool(feeds_session, monkeypatch) -> None:
    session, _ = feeds_session
    monkeypatch.setattr(feeds_mod, "ProcessPoolExecutor", _no_processes)
    summary = await session.refresh()
    assert summary.failed == 0, summary.failures
    assert summary.ok == FEEDS
    assert summary.new_articles == FEEDS * ITEMS


class _CannotStart(Executor):
    """A pool whose workers cannot start: every submit fails (as a forkserver would)."""

    def __init__(self) -> None:
        self.submits = 0
        self.shut = False

    def submit(self, fn, /, *args, **kwargs):
        self.submits += 1
        raise PermissionError(13, "cannot start the forkserver")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.shut = True


async def test_refresh_when_workers_cannot_start(feeds_session) -> None:
    session, _ = feeds_session
    broken = _CannotStart()
    summary = await session.refresh(executor=broken)
    assert summary.failed == 0, summary.failures
    assert summary.new_articles == FEEDS * ITEMS
    assert broken.submits >= 1
    assert not broken.shut  # a caller's executor is the caller's to shut down


async def test_refresh_uses_callers_executor(feeds_session) -> None:
    session, server = feeds_session
    used: list[str] = []

    class Counting(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            used.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    with Counting(max_workers=2) as ex:
        summary = await session.refresh(executor=ex)
        assert summary.new_articles == FEEDS * ITEMS
        assert used.count("parse_feed") == FEEDS
        # the executor is still usable afterwards (not shut down by the refresh)
        assert ex.submit(lambda: 7).result() == 7
        again = await session.refresh(executor=ex)
    assert again.unchanged == FEEDS and again.new_articles == 0
    conditional = [r for r in server.requests if "if-none-match" in r.headers]
    assert len(conditional) == FEEDS


def test_starred_view_respects_unread_only(tmp_path: Path) -> None:
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text('[[feed]]\nurl = "https://example.org/a.xml"\n')
    session = Session.open(feeds_file=feeds_file, db=tmp_path / "db.sqlite", settings=Settings())
    store = session.store
    when = datetime(2026, 6, 1, tzinfo=UTC)
    parsed = ParsedFeed(
        title="A",
        link=None,
        articles=[ParsedArticle(guid=f"g{i}", title=f"T{i}", published=when) for i in range(4)],
    )
    store.save_feed("https://example.org/a.xml", parsed)
    ids = store.article_ids(View("all"))
    for i in ids[:3]:
        store.set_starred(i, True)
    store.set_read([ids[0]])
    assert set(store.article_ids(View("starred"))) == set(ids[:3])
    unread_starred = store.article_ids(View("starred", unread_only=True))
    assert set(unread_starred) == set(ids[1:3])
    assert len(store.articles(View("starred", unread_only=True))) == 2
    # marking the unread starred view read touches only those
    assert len(store.mark_view_read(View("starred", unread_only=True))) == 2
    assert store.article_ids(View("starred", unread_only=True)) == []
    assert store.article_ids(View("unread")) == [ids[3]]


async def test_fetching_runs_only_a_bounded_way_ahead_of_parsing(tmp_path, monkeypatch) -> None:
    """Bodies waiting for a slow parser never pile up: at most max_connections + a few per
    worker feeds are between 'fetch started' and 'stored' (bounded memory for 1,000 feeds)."""
    from newsreader.models import FetchResult
    from newsreader.store import Store

    body = rss(0)
    active = peak = 0

    class FakeFetcher:
        async def fetch(self, location, *, etag=None, last_modified=None):
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            return FetchResult(location, final_url=location, status=200, body=body)

        async def aclose(self) -> None:
            pass

    real_parse = feeds_mod.parse_feed

    def slow_parse(*args):
        import time

        time.sleep(0.005)
        return real_parse(*args)

    monkeypatch.setattr(feeds_mod, "parse_feed", slow_parse)
    store = Store(tmp_path / "db.sqlite")
    subs = [refresh_mod.Subscription(url=f"https://example.org/{i}.xml") for i in range(40)]

    def done(ev) -> None:
        nonlocal active
        active -= 1

    settings = Settings(max_connections=2)
    with ThreadPoolExecutor(max_workers=1) as ex:
        summary = await refresh_mod.refresh_feeds(
            subs, store=store, fetcher=FakeFetcher(), settings=settings, executor=ex, on_done=done
        )
    assert summary.ok == 40 and summary.failed == 0
    assert peak <= 2 + refresh_mod._QUEUED_PER_WORKER * 1


async def test_group_saver_batches_and_isolates_a_failing_feed() -> None:
    """Feeds finishing together share one transaction; if the batch fails, each feed is saved
    alone so only the feed at fault reports the error."""
    import asyncio

    from newsreader.models import ParsedFeed
    from newsreader.refresh import _GroupSaver

    class FakeStore:
        def __init__(self) -> None:
            self.batches: list[list[str]] = []

        def save_feeds(self, items):
            self.batches.append([url for url, *_ in items])
            if any(url == "bad" for url, *_ in items):
                raise RuntimeError("disk trouble")
            return [1 for _ in items]

        def save_feed(self, url, parsed, *, etag=None, last_modified=None):
            if url == "bad":
                raise RuntimeError("disk trouble")
            return 2

    store = FakeStore()
    saver = _GroupSaver(store, max_batch=3, delay=0.01)  # type: ignore[arg-type]
    feed = ParsedFeed(None, None, [], None, "rss")
    good = await asyncio.gather(*(saver.save(f"u{i}", feed, None, None) for i in range(3)))
    assert good == [1, 1, 1] and store.batches == [["u0", "u1", "u2"]]
    results = await asyncio.gather(
        saver.save("ok", feed, None, None),
        saver.save("bad", feed, None, None),
        return_exceptions=True,
    )
    assert results[0] == 2 and isinstance(results[1], RuntimeError)
