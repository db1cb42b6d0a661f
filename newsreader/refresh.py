"""Refresh: fetch many feeds concurrently, parse across cores, store each feed atomically.

The CLI and the TUI both call `refresh_feeds`. Progress is reported through a callback with
`FeedDone` events, so callers can draw a progress bar or update unread counts live. Errors are
recorded per feed and never end the run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path

from newsreader.config import Settings
from newsreader.models import FeedDone, ParsedFeed, RefreshSummary, Subscription
from newsreader.sources.feeds import ParsePool, make_executor, update_feed
from newsreader.sources.fetch import Fetcher, fetch_settings
from newsreader.store import Store
from newsreader.store.feeds import SavedFeed

# Feeds in flight (fetching, waiting to be parsed or stored) beyond the connection limit, per
# parse worker: enough to keep the workers busy, few enough that fetched bodies never pile up in
# memory while the parsers catch up (1,000 feeds once held ~100 MB of waiting bodies).
_QUEUED_PER_WORKER = 4


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

    async def _write(self, batch: list[tuple[SavedFeed, asyncio.Future[int]]]) -> None:
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


def is_due(sub: Subscription, last_attempt: float | None, now: float) -> bool:
    """Whether a feed's own `refresh_interval` (minutes; 0: only when asked) has passed."""
    if sub.refresh_interval is None or last_attempt is None:
        return sub.refresh_interval != 0
    return sub.refresh_interval > 0 and now - last_attempt >= sub.refresh_interval * 60


async def refresh_one(
    sub: Subscription,
    *,
    store: Store,
    fetcher: Fetcher,
    pool: ParsePool,
    feeds_file: Path | None = None,
    force: bool = False,
    saver: _GroupSaver | None = None,
) -> FeedDone:
    """Update one feed from its source and record the outcome in the store."""
    started = time.monotonic()
    url = sub.url
    validators = await asyncio.to_thread(store.validators, url)
    up = await update_feed(
        sub, fetcher=fetcher, pool=pool, validators=validators, feeds_file=feeds_file, force=force
    )
    if up.status == "skipped":
        return FeedDone(url, "skipped", message=up.message)
    if up.status == "error":
        msg = up.message or "failed"
        await asyncio.to_thread(store.record_error, url, msg, retry_after=up.retry_after)
        return FeedDone(url, "error", message=msg, elapsed=time.monotonic() - started)
    if up.parsed is None:
        await asyncio.to_thread(store.record_not_modified, url)
        return FeedDone(url, "unchanged", elapsed=time.monotonic() - started)
    if saver is not None:
        new = await saver.save(url, up.parsed, up.etag, up.last_modified)
    else:
        new = await asyncio.to_thread(
            store.save_feed, url, up.parsed, etag=up.etag, last_modified=up.last_modified
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
    cluster: bool = True,
) -> RefreshSummary:
    """Refresh `subs` concurrently; never raises for a feed's failure.

    `scheduled` (a refresh of everything, not of feeds the user named) skips the feeds whose
    own refresh_interval has not passed (`force` fetches them all). The killfile
    (settings.ignore) is brought up to date first and hides new matches as they are stored;
    new articles join their stories as they are stored (`cluster`; stories/alongside.py);
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
    pool = ParsePool(executor)
    # Backpressure: fetching may run ahead of parsing only this far (bounded memory).
    in_flight = asyncio.Semaphore(
        max(1, settings.max_connections) + _QUEUED_PER_WORKER * pool.workers
    )
    started = time.monotonic()
    saver = _GroupSaver(store)
    from newsreader.stories.alongside import Alongside

    stories = Alongside(store, settings.preferred_sources, executor) if cluster else None

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
                pool=pool,
                feeds_file=feeds_file,
                force=force,
                saver=saver,
            )
        except Exception as exc:  # store failure etc.: report it, keep going
            ev = FeedDone(sub.url, "error", message=f"{type(exc).__name__}: {exc}"[:300])
        summary.add(ev)
        if ev.new and stories is not None:
            stories.kick()
        if on_done:
            on_done(ev)

    try:
        await asyncio.gather(*(run(s) for s in subs))
        if stories is not None:  # the last stored articles join their stories
            fetched = time.monotonic()
            await stories.finish()
            summary.stories_wait = time.monotonic() - fetched
            summary.stories_busy = stories.busy
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
        if stories is not None:
            stories.close()
        if own_fetcher:
            await fetcher.aclose()
        pool.shutdown()
        if own_executor and executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
    summary.elapsed = time.monotonic() - started
    return summary
