"""Refresh without a working process pool, a caller's executor, and starred + unread_only."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

import newsreader.refresh as refresh_mod
import newsreader.sources.pool as pool_mod
from newsreader.config import Settings
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.query import View
from newsreader.session import Session

from support.server import LocalServer

FEEDS = 4
ITEMS = 60


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
    return doc.encode()


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
    monkeypatch.setattr(pool_mod, "ProcessPoolExecutor", _no_processes)
    ex = pool_mod.make_executor(2)
    try:
        assert isinstance(ex, ThreadPoolExecutor)
    finally:
        ex.shutdown()


async def test_refresh_without_process_pool(feeds_session, monkeypatch) -> None:
    session, _ = feeds_session
    monkeypatch.setattr(pool_mod, "ProcessPoolExecutor", _no_processes)
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
        # every feed was parsed and stored there, in batches of one or more
        assert 1 <= used.count("ingest") <= FEEDS
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

    real_parse = refresh_mod.parse_feed

    def slow_parse(*args, **kwargs):
        import time

        time.sleep(0.005)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(refresh_mod, "parse_feed", slow_parse)
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


async def test_ingest_batches_and_isolates_a_failing_feed(tmp_path: Path) -> None:
    """Feeds fetched while the worker is busy share one batch and one transaction; if the
    batch fails to store, each feed is stored alone so only the feed at fault reports the
    error; a body that is no feed fails alone and its error is recorded."""
    import asyncio

    from newsreader.sources.feeds import WorkerPool
    from newsreader.store import Store

    class Store2(Store):
        batches: list[list[str]] = []

        def save_feeds(self, items, *, now=None):
            self.batches.append([url for url, *_ in items])
            if any(url.endswith("bad") for url, *_ in items):
                raise RuntimeError("disk trouble")
            return super().save_feeds(items, now=now)

    store = Store2(tmp_path / "db.sqlite")
    with ThreadPoolExecutor(max_workers=1) as ex:
        ingest = refresh_mod._Ingest(store, WorkerPool(ex), None)
        urls = [f"https://example.org/{name}" for name in ("a", "b", "c", "bad", "junk")]
        bodies = [rss(0), rss(1), rss(2), rss(3), b"<html><p>a page</p></html>"]
        outcomes = await asyncio.gather(
            *(
                ingest.submit((u, body, u, None, None, None))
                for u, body in zip(urls, bodies, strict=True)
            )
        )
    assert outcomes[:3] == [("new", ITEMS)] * 3
    assert outcomes[3][0] == "error" and "disk trouble" in str(outcomes[3][1])
    assert outcomes[4][0] == "failed" and "web page" in str(outcomes[4][1])
    # the first feed went alone (the worker was free); the rest waited and went together,
    # then, after that batch failed, one by one
    assert store.batches[0] == [urls[0]]
    assert store.batches[1] == urls[1:4]
    assert [b for b in store.batches[2:]] == [[u] for u in urls[1:4]]
    errors = dict(store.conn.execute("SELECT url, last_error FROM feeds"))
    assert "web page" in (errors[urls[4]] or "")


async def test_ingest_sends_nothing_for_a_cancelled_feed(tmp_path: Path) -> None:
    """A feed whose refresh was cancelled while it waited for a worker is never parsed."""
    import asyncio

    from newsreader.sources.feeds import WorkerPool
    from newsreader.store import Store

    store = Store(tmp_path / "db.sqlite")
    with ThreadPoolExecutor(max_workers=1) as ex:
        ingest = refresh_mod._Ingest(store, WorkerPool(ex), None)
        urls = [f"https://example.org/{n}" for n in range(3)]
        tasks = [
            asyncio.create_task(ingest.submit((u, rss(n), u, None, None, None)))
            for n, u in enumerate(urls)
        ]
        await asyncio.sleep(0)  # the first is with the worker, the others wait
        tasks[1].cancel()
        done = await asyncio.gather(*tasks, return_exceptions=True)
    assert done[0] == ("new", ITEMS) and done[2] == ("new", ITEMS)
    assert isinstance(done[1], asyncio.CancelledError)
    stored = {
        u
        for (u,) in store.conn.execute(
            "SELECT DISTINCT f.url FROM articles a JOIN feeds f ON f.id = a.feed_id"
        )
    }
    assert stored == {urls[0], urls[2]}


@pytest.mark.parametrize("processes", [True, False])
async def test_refresh_with_an_early_pool(feeds_session, monkeypatch, processes: bool) -> None:
    """A pool started before the refresh (the CLI's) is used once it is up, processes or,
    where they cannot start, threads; the refresh leaves shutting it down to its owner."""
    session, _ = feeds_session
    if not processes:
        monkeypatch.setattr(pool_mod, "ProcessPoolExecutor", _no_processes)
    early = pool_mod.EarlyPool(pool_mod.PRELOAD_INGEST)
    try:
        summary = await session.refresh(executor=early)
        assert summary.failed == 0, summary.failures
        assert summary.new_articles == FEEDS * ITEMS
        pool = early.get()
        assert isinstance(pool, ThreadPoolExecutor) != processes
        assert pool.submit(int, "7").result() == 7  # still up
    finally:
        early.shutdown()


async def test_calls_made_while_an_early_pool_starts_all_get_it() -> None:
    """Two batches at once, before the pool is up: both go to the pool, neither to a thread
    of this process."""
    from newsreader.sources.feeds import WorkerPool

    early = pool_mod.EarlyPool(pool_mod.PRELOAD_INGEST)
    try:
        pool = WorkerPool(early)
        first, second = await asyncio.gather(pool.ready(), pool.ready())
        assert first is second is early.get() is not None
        assert not pool.in_threads
        pids = await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid))
        assert os.getpid() not in pids
    finally:
        early.shutdown()
