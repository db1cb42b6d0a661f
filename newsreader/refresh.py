"""Refresh: fetch many feeds concurrently, parse across cores, store each feed atomically.

The CLI and the TUI both call `refresh_feeds`. Progress is reported through a callback with
`FeedDone` events, so callers can draw a progress bar or update unread counts live. Errors are
recorded per feed and never end the run.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.config import Settings, resolve_location
from newsreader.fetch import Fetcher, FetchSettings
from newsreader.models import ParsedFeed, Subscription
from newsreader.parse import ParseError, parse_feed
from newsreader.store import Store

# Bodies smaller than this are parsed in the event loop's thread pool rather than shipped to a
# process: pickling costs more than it saves for tiny feeds.
_INLINE_PARSE_BYTES = 16 * 1024
# Imported once in the fork server, so every parse worker starts with the parser loaded.
_PRELOAD = ["newsreader.parse"]
# Feeds in flight (fetching, waiting to be parsed or stored) beyond the connection limit, per
# parse worker: enough to keep the workers busy, few enough that fetched bodies never pile up in
# memory while the parsers catch up (1,000 feeds once held ~100 MB of waiting bodies).
_QUEUED_PER_WORKER = 4


@dataclass(slots=True)
class FeedDone:
    url: str
    status: str  # "new" | "unchanged" | "error" | "skipped" | "not_due" (refresh_interval)
    new: int = 0
    message: str | None = None
    elapsed: float = 0.0


@dataclass(slots=True)
class RefreshSummary:
    total: int = 0
    ok: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    not_due: int = 0
    new_articles: int = 0
    failures: list[FeedDone] = field(default_factory=list)
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)  # e.g. a killfile rule that failed

    def add(self, ev: FeedDone) -> None:
        if ev.status == "error":
            self.failed += 1
            self.failures.append(ev)
        elif ev.status == "unchanged":
            self.unchanged += 1
        elif ev.status == "skipped":
            self.skipped += 1
        elif ev.status == "not_due":
            self.not_due += 1
        else:
            self.ok += 1
        self.new_articles += ev.new


def fetch_settings(settings: Settings) -> FetchSettings:
    return FetchSettings(
        max_bytes=settings.max_bytes,
        read_timeout=settings.timeout,
        deadline=settings.deadline,
        max_connections=settings.max_connections,
        per_host=settings.per_host,
    )


def is_due(sub: Subscription, last_attempt: float | None, now: float) -> bool:
    """Whether a feed's own `refresh_interval` (minutes; 0: only when asked) has passed."""
    if sub.refresh_interval is None or last_attempt is None:
        return sub.refresh_interval != 0
    return sub.refresh_interval > 0 and now - last_attempt >= sub.refresh_interval * 60


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def make_executor(workers: int | None = None) -> Executor:
    """A process pool for parsing (forkserver: safe to start from a threaded program).

    Where a process pool cannot be made (no working semaphores, no /dev/shm: some sandboxes
    and containers), a thread pool is returned instead: parsing is then slower but works.
    """
    workers = workers or _default_workers()
    ctx: multiprocessing.context.BaseContext
    try:
        try:
            ctx = multiprocessing.get_context("forkserver")
            # No effect once the fork server runs; a module that fails to import is skipped.
            ctx.set_forkserver_preload(_PRELOAD)
        except ValueError:  # pragma: no cover - platforms without forkserver
            ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    except (OSError, ImportError, NotImplementedError, RuntimeError):
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsreader-parse")


class _ParsePool:
    """The executor used for parsing, replaced by a thread pool once a process pool fails.

    A process pool starts its workers lazily, so it can fail on the first `submit`
    (the forkserver or a worker cannot be started) or later (a worker dies:
    `BrokenProcessPool`). Either way the feed is parsed in a thread and every later feed
    goes to a thread pool, so one refresh never pays the failure twice.
    """

    def __init__(self, executor: Executor | None) -> None:
        self.executor = executor
        self.fallback: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return int(getattr(self.executor, "_max_workers", 0) or _default_workers())

    def _fall_back(self) -> None:
        if self.fallback is None:
            self.fallback = ThreadPoolExecutor(
                max_workers=_default_workers(), thread_name_prefix="newsreader-parse"
            )

    async def parse(self, body: bytes, url: str, content_type: str | None) -> ParsedFeed:
        if self.executor is None or len(body) < _INLINE_PARSE_BYTES:
            return await asyncio.to_thread(parse_feed, body, url, content_type)
        loop = asyncio.get_running_loop()
        if self.fallback is None:
            try:
                fut = loop.run_in_executor(self.executor, parse_feed, body, url, content_type)
            except (OSError, RuntimeError, BrokenProcessPool, ImportError, NotImplementedError):
                self._fall_back()  # the pool could not start a worker
            else:
                try:
                    return await fut
                except BrokenProcessPool:
                    self._fall_back()
        return await loop.run_in_executor(self.fallback, parse_feed, body, url, content_type)

    def shutdown(self) -> None:
        if self.fallback is not None:
            self.fallback.shutdown(wait=False, cancel_futures=True)


async def _parse(
    executor: Executor | _ParsePool | None, body: bytes, url: str, content_type: str | None
) -> ParsedFeed:
    pool = executor if isinstance(executor, _ParsePool) else _ParsePool(executor)
    try:
        return await pool.parse(body, url, content_type)
    finally:
        if pool is not executor:
            pool.shutdown()


class _GroupSaver:
    """Group commit: feeds parsed at about the same time are stored in one transaction (each
    commit also flushes the full-text index). A feed waits at most `delay` seconds for
    company; a batch that fails is retried feed by feed, so one bad feed fails alone."""

    def __init__(self, store: Store, max_batch: int = 25, delay: float = 0.05) -> None:
        self.store = store
        self.max_batch = max_batch
        self.delay = delay
        self.pending: list[
            tuple[tuple[str, ParsedFeed, str | None, str | None], asyncio.Future[int]]
        ] = []
        self.timer: asyncio.TimerHandle | None = None
        self.writers: set[asyncio.Task[None]] = set()

    async def save(
        self, url: str, parsed: ParsedFeed, etag: str | None, last_modified: str | None
    ) -> int:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[int] = loop.create_future()
        self.pending.append(((url, parsed, etag, last_modified), fut))
        if len(self.pending) >= self.max_batch:
            self._flush()
        elif self.timer is None:
            self.timer = loop.call_later(self.delay, self._flush)
        return await fut

    def _flush(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if batch:
            task = asyncio.get_running_loop().create_task(self._write(batch))
            self.writers.add(task)
            task.add_done_callback(self.writers.discard)

    async def _write(self, batch: list) -> None:
        items = [item for item, _ in batch]
        try:
            counts = await asyncio.to_thread(self.store.save_feeds, items)
        except Exception:
            for item, fut in batch:  # one at a time: only the feed at fault fails
                try:
                    url, parsed, etag, lm = item
                    n = await asyncio.to_thread(
                        self.store.save_feed, url, parsed, etag=etag, last_modified=lm
                    )
                except Exception as exc:
                    if not fut.done():
                        fut.set_exception(exc)
                else:
                    if not fut.done():
                        fut.set_result(n)
            return
        for (_, fut), n in zip(batch, counts, strict=True):
            if not fut.done():
                fut.set_result(n)


async def refresh_one(
    sub: Subscription,
    *,
    store: Store,
    fetcher: Fetcher,
    executor: Executor | _ParsePool | None,
    feeds_file: Path | None = None,
    force: bool = False,
    saver: _GroupSaver | None = None,
) -> FeedDone:
    started = time.monotonic()
    url = sub.url
    etag, last_modified, retry_after = await asyncio.to_thread(store.validators, url)
    if retry_after and retry_after > time.time() and not force:
        wait = int(retry_after - time.time())
        return FeedDone(url, "skipped", message=f"server asked to wait; retrying in {wait}s")
    location = resolve_location(url, feeds_file)
    result = await fetcher.fetch(location, etag=etag, last_modified=last_modified)
    if result.error:
        await asyncio.to_thread(
            store.record_error, url, result.error, retry_after=result.retry_after
        )
        return FeedDone(url, "error", message=result.error, elapsed=time.monotonic() - started)
    if result.not_modified or result.body is None:
        await asyncio.to_thread(store.record_not_modified, url)
        return FeedDone(url, "unchanged", elapsed=time.monotonic() - started)
    base = result.final_url or location
    try:
        parsed = await _parse(executor, result.body, base, result.content_type)
    except ParseError as exc:
        await asyncio.to_thread(store.record_error, url, str(exc))
        return FeedDone(url, "error", message=str(exc), elapsed=time.monotonic() - started)
    except Exception as exc:  # a parser bug must not end the run
        msg = f"could not parse the feed ({type(exc).__name__}: {exc})"[:300]
        await asyncio.to_thread(store.record_error, url, msg)
        return FeedDone(url, "error", message=msg, elapsed=time.monotonic() - started)
    if saver is not None:
        new = await saver.save(url, parsed, result.etag, result.last_modified)
    else:
        new = await asyncio.to_thread(
            store.save_feed, url, parsed, etag=result.etag, last_modified=result.last_modified
        )
    return FeedDone(url, "new" if new else "unchanged", new=new, elapsed=time.monotonic() - started)


async def refresh_feeds(
    subs: Sequence[Subscription],
    *,
    store: Store,
    fetcher: Fetcher | None = None,
    settings: Settings | None = None,
    executor: Executor | None = None,
    feeds_file: Path | None = None,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[FeedDone], None] | None = None,
    force: bool = False,
    scheduled: bool = True,
) -> RefreshSummary:
    """Refresh `subs` concurrently; never raises for a feed's failure.

    `scheduled` (a refresh of everything, not of feeds the user named) skips the feeds whose
    own refresh_interval has not passed (`force` fetches them all). The killfile
    (settings.ignore) is brought up to date first and hides new matches as they are stored;
    retention honours each feed's keep_per_feed."""
    settings = settings or Settings()
    from newsreader.query import QueryError, killfile

    summary = RefreshSummary(total=len(subs))
    kill: killfile.Killfile | None = None
    try:
        kill = await asyncio.to_thread(killfile.apply, store, settings.ignore)
    except QueryError as exc:
        summary.notes.append(f"killfile: {exc}")
    check_due = scheduled and not force and any(s.refresh_interval is not None for s in subs)
    last = await asyncio.to_thread(store.last_attempts) if check_due else {}
    now = time.time()
    own_fetcher = fetcher is None
    own_executor = executor is None and len(subs) > 1
    fetcher = fetcher or Fetcher(settings=fetch_settings(settings))
    if own_executor:
        executor = make_executor()
    pool = _ParsePool(executor)
    # Backpressure: fetching may run ahead of parsing only this far (bounded memory).
    in_flight = asyncio.Semaphore(
        max(1, settings.max_connections) + _QUEUED_PER_WORKER * pool.workers
    )
    started = time.monotonic()
    saver = _GroupSaver(store)

    async def run(sub: Subscription) -> None:
        async with in_flight:
            await run_one(sub)

    async def run_one(sub: Subscription) -> None:
        if on_start:
            on_start(sub.url)
        if check_due and not is_due(sub, last.get(sub.url), now):
            ev = FeedDone(sub.url, "not_due", message="its refresh_interval has not passed")
            summary.add(ev)
            if on_done:
                on_done(ev)
            return
        try:
            ev = await refresh_one(
                sub,
                store=store,
                fetcher=fetcher,
                executor=pool,
                feeds_file=feeds_file,
                force=force,
                saver=saver,
            )
        except Exception as exc:  # store failure etc.: report it, keep going
            ev = FeedDone(sub.url, "error", message=f"{type(exc).__name__}: {exc}"[:300])
        summary.add(ev)
        if on_done:
            on_done(ev)

    try:
        await asyncio.gather(*(run(s) for s in subs))
        per_feed = {s.url: s.keep_per_feed for s in subs if s.keep_per_feed is not None}
        if settings.keep_days is not None or settings.keep_per_feed is not None or per_feed:
            await asyncio.to_thread(
                store.prune,
                keep_days=settings.keep_days,
                keep_per_feed=settings.keep_per_feed,
                per_feed=per_feed,
            )
        if kill is not None and kill.last_error:
            summary.notes.append(kill.last_error)
    finally:
        if own_fetcher:
            await fetcher.aclose()
        pool.shutdown()
        if own_executor and executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
    summary.elapsed = time.monotonic() - started
    return summary
