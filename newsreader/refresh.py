"""Refresh: fetch many feeds concurrently; parse and store them in worker processes, atomically.

The CLI and the TUI both call `refresh_feeds`. The event loop fetches (httpx, conditional
GETs); each fetched body goes to a worker of the process pool (`ingest`), which parses it and
stores it with its own connection, several feeds per transaction (`_Ingest` batches what is
fetched while the workers are busy), so only bodies go in and counts come out. Progress is
reported through a callback with `FeedDone` events, so callers can draw a progress bar or
update unread counts live; `on_stored` says when every feed is stored, before the new articles
are grouped into stories. Errors are recorded per feed and never end the run.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path

from newsreader.config import Settings
from newsreader.models import FeedDone, RefreshSummary, Subscription
from newsreader.query.killfile import Killfile
from newsreader.sources.feeds import WorkerPool, fetch_feed, parse_message
from newsreader.sources.fetch import Fetcher, fetch_settings
from newsreader.sources.parse import parse_feed
from newsreader.sources.pool import PRELOAD_ALL, PRELOAD_INGEST, EarlyPool, make_executor
from newsreader.store import Store
from newsreader.store.feeds import SavedFeed

# Feeds in flight (fetching, waiting to be parsed or stored) beyond the connection limit, per
# worker: enough to keep the workers busy, few enough that fetched bodies never pile up in
# memory while the workers catch up (1,000 feeds once held ~100 MB of waiting bodies).
_QUEUED_PER_WORKER = 4

# One fetched feed on its way to a worker: (feed URL, body, URL to parse it at (its final
# URL), content type, etag, last_modified).
Fetched = tuple[str, bytes, str, str | None, str | None, str | None]
# What a worker says of one feed: ("new", count) | ("failed", message) for a body that is no
# feed (the error is recorded in the store) | ("error", message) for a store failure.
Outcome = tuple[str, int | str]

_worker_stores: dict[str, Store] = {}
_worker_kills: dict[tuple[str, ...], Killfile] = {}


def _worker_store(path: str, rules: tuple[str, ...]) -> tuple[Store, Killfile | None]:
    """The store (one per worker process and path, opened on first use) with the killfile's
    rules hooked in (`Store.on_insert`: new matches are hidden in the saving transaction)."""
    store = _worker_stores.get(path)
    if store is None:
        store = _worker_stores[path] = Store(path)
    kill = None
    if rules:
        kill = _worker_kills.get(rules)
        if kill is None:
            kill = _worker_kills[rules] = Killfile(rules)
    store.on_insert = kill.hide_new if kill is not None and kill.compiled is not None else None
    store.index_on_save = kill is not None and kill.needs_index
    return store, kill


def ingest(
    target: Store | str, batch: Sequence[Fetched], rules: tuple[str, ...] = ()
) -> tuple[list[Outcome], str | None]:
    """Parse fetched feeds and store them in ONE transaction (fewer commits cost less); runs
    in a worker, so only bodies go in and counts come out. A batch that fails to store is
    stored feed by feed, so one bad feed fails alone. `target` is the store itself (threads)
    or its path (another process, with the killfile's `rules`). Returns the outcomes and a
    killfile error, if any."""
    if isinstance(target, Store):
        store, kill = target, None
        text = store.on_insert is not None
    else:
        store, kill = _worker_store(target, rules)
        text = kill is not None and kill.needs_text
    # The articles' plain text is left for the store's readers to derive (store/index.py),
    # unless the killfile's rules read it as the new rows are stored.
    out: list[Outcome] = [("failed", "")] * len(batch)
    parsed: list[tuple[int, SavedFeed]] = []
    for i, (url, body, at, content_type, etag, last_modified) in enumerate(batch):
        try:
            feed = parse_feed(body, at, content_type, text=text)
        except Exception as exc:  # a parser bug must not end the run
            out[i] = ("failed", parse_message(exc))
            continue
        parsed.append((i, (url, feed, etag, last_modified)))
    try:
        for (i, _), n in zip(parsed, store.save_feeds([s for _, s in parsed]), strict=True):
            out[i] = ("new", n)
    except Exception:
        for i, saved in parsed:
            try:
                out[i] = ("new", store.save_feeds([saved])[0])
            except Exception as exc:  # store failure etc.: this feed fails, the rest goes on
                out[i] = ("error", f"{type(exc).__name__}: {exc}"[:300])
    for i, ((url, *_), (kind, msg)) in enumerate(zip(batch, out, strict=True)):
        if kind == "failed":
            try:
                store.record_error(url, str(msg))
            except Exception as exc:
                out[i] = ("error", f"{type(exc).__name__}: {exc}"[:300])
    error = kill.last_error if kill is not None else None
    if kill is not None:
        kill.last_error = None
    return out, error


class _Ingest:
    """Fetched feeds go to the workers in batches, at most one batch per worker at a time: what
    is fetched while the workers are busy waits and goes in the next batch. So a lone feed is
    parsed at once, and when the network outruns the workers the batches grow (fewer
    transactions) up to `max_batch` feeds or `max_bytes` of bodies."""

    def __init__(
        self,
        store: Store,
        pool: WorkerPool,
        kill: Killfile | None,
        max_batch: int = 25,
        max_bytes: int = 1024 * 1024,
    ) -> None:
        self.store = store
        self.pool = pool
        self.kill = kill
        self.max_batch = max_batch
        self.max_bytes = max_bytes
        self.free = pool.workers
        self.pending: deque[tuple[Fetched, asyncio.Future[Outcome]]] = deque()
        self.tasks: set[asyncio.Task[None]] = set()

    async def submit(self, item: Fetched) -> Outcome:
        fut: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self.pending.append((item, fut))
        self._pump()
        return await fut

    def _pump(self) -> None:
        while self.free > 0 and self.pending:
            batch: list[tuple[Fetched, asyncio.Future[Outcome]]] = []
            size = 0
            while self.pending and len(batch) < self.max_batch:
                item, fut = self.pending[0]
                if fut.done():  # its refresh was cancelled while it waited
                    self.pending.popleft()
                    continue
                if batch and size + len(item[1]) > self.max_bytes:
                    break
                size += len(item[1])
                batch.append(self.pending.popleft())
            if not batch:
                return
            self.free -= 1
            task = asyncio.get_running_loop().create_task(self._run(batch))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def close(self) -> None:
        """Send nothing more (the refresh ended, or was cancelled); batches in a worker finish."""
        self.pending.clear()

    async def _run(self, batch: list[tuple[Fetched, asyncio.Future[Outcome]]]) -> None:
        items = [item for item, _ in batch]
        rules = tuple(self.kill.rules) if self.kill is not None else ()
        try:
            await self.pool.ready()
            if self.pool.in_threads:
                outcomes, error = await self.pool.run(ingest, self.store, items)
            else:
                outcomes, error = await self.pool.run(ingest, str(self.store.path), items, rules)
        except Exception as exc:
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
        else:
            if error and self.kill is not None:
                self.kill.last_error = error
            for (_, fut), outcome in zip(batch, outcomes, strict=True):
                if not fut.done():
                    fut.set_result(outcome)
        finally:
            self.free += 1
            self._pump()


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
    ingest: _Ingest,
    feeds_file: Path | None = None,
    force: bool = False,
    validators: tuple[str | None, str | None, float | None] = (None, None, None),
) -> FeedDone:
    """Update one feed from its source and record the outcome in the store (`validators`:
    its stored etag, last_modified and retry_after, read for every feed at the start)."""
    started = time.monotonic()
    url = sub.url
    up = await fetch_feed(
        sub, fetcher=fetcher, validators=validators, feeds_file=feeds_file, force=force
    )
    if up.status == "skipped":
        return FeedDone(url, "skipped", message=up.message)
    if up.status == "error":
        msg = up.message or "failed"
        await asyncio.to_thread(store.record_error, url, msg, retry_after=up.retry_after)
        return FeedDone(url, "error", message=msg, elapsed=time.monotonic() - started)
    if up.body is None or up.url is None:
        await asyncio.to_thread(store.record_not_modified, url)
        return FeedDone(url, "unchanged", elapsed=time.monotonic() - started)
    kind, value = await ingest.submit(
        (url, up.body, up.url, up.content_type, up.etag, up.last_modified)
    )
    elapsed = time.monotonic() - started
    if kind != "new":
        return FeedDone(url, "error", message=str(value), elapsed=elapsed)
    new = int(value)
    return FeedDone(url, "new" if new else "unchanged", new=new, elapsed=elapsed)


async def refresh_feeds(
    subs: Sequence[Subscription],
    *,
    store: Store,
    fetcher: Fetcher | None = None,
    settings: Settings | None = None,
    executor: Executor | EarlyPool | None = None,
    feeds_file: Path | None = None,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[FeedDone], None] | None = None,
    on_stored: Callable[[RefreshSummary], None] | None = None,
    force: bool = False,
    scheduled: bool = True,
    cluster: bool = True,
) -> RefreshSummary:
    """Refresh `subs` concurrently; never raises for a feed's failure.

    `scheduled` (a refresh of everything, not of feeds the user named) skips the feeds whose
    own refresh_interval has not passed (`force` fetches them all). The killfile
    (settings.ignore) is brought up to date first and hides new matches as they are stored;
    retention honours each feed's keep_per_feed. Then `on_stored` is told (the summary's
    `elapsed` is the refresh's time) and the new articles join their stories (`cluster`;
    stories/alongside.py) in the same process pool: clustering while feeds were still being
    parsed slowed the articles' arrival on two cores and cost more in all (400 feeds: 6.3 s
    against 5.7 s, the articles then stored after 2.9 s); `stories_wait` is its time.
    `executor` is the caller's (kept up) or, when None, one made and shut down here; an
    `EarlyPool` still starting is waited for at the first body to parse, not before fetching."""
    settings = settings or Settings()
    from newsreader.query import QueryError, killfile

    summary = RefreshSummary(total=len(subs))
    own: Executor | None = None
    if executor is None and len(subs) > 1:
        # First: its workers boot while the killfile is applied and feeds fetched.
        own = executor = make_executor(preload=PRELOAD_ALL if cluster else PRELOAD_INGEST)
    kill: killfile.Killfile | None = None
    check_due = scheduled and not force and any(s.refresh_interval is not None for s in subs)
    try:
        try:
            kill = await asyncio.to_thread(killfile.apply, store, settings.ignore)
        except QueryError as exc:
            summary.notes.append(f"killfile: {exc}")
        last = await asyncio.to_thread(store.last_attempts) if check_due else {}
        known = await asyncio.to_thread(store.all_validators)
    except BaseException:  # the store failed: the workers just started go too
        if own is not None:
            own.shutdown(wait=False, cancel_futures=True)
        raise
    now = time.time()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings=fetch_settings(settings))
    pool = WorkerPool(executor)
    # Backpressure: fetching may run ahead of parsing only this far (bounded memory).
    in_flight = asyncio.Semaphore(
        max(1, settings.max_connections) + _QUEUED_PER_WORKER * pool.workers
    )
    started = time.monotonic()
    ingest = _Ingest(store, pool, kill)
    stories = None

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
                ingest=ingest,
                feeds_file=feeds_file,
                force=force,
                validators=known.get(sub.url, (None, None, None)),
            )
        except Exception as exc:  # store failure etc.: report it, keep going
            ev = FeedDone(sub.url, "error", message=f"{type(exc).__name__}: {exc}"[:300])
        summary.add(ev)
        if on_done:
            on_done(ev)

    try:
        await asyncio.gather(*(run(s) for s in subs))
        if own_fetcher:  # its connections are done with
            await fetcher.aclose()
            own_fetcher = False
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
        summary.elapsed = time.monotonic() - started
        if on_stored:
            on_stored(summary)
        if cluster:  # then the new articles join their stories
            from newsreader.stories.alongside import Alongside

            stories = Alongside(store, settings.preferred_sources, await pool.ready())
            await stories.finish()
            summary.stories_wait = time.monotonic() - started - summary.elapsed
            summary.stories_busy = stories.busy
    finally:
        if stories is not None:
            stories.close()
        if own_fetcher:
            await fetcher.aclose()
        ingest.close()
        pool.shutdown()
        if own is not None:
            own.shutdown(wait=False, cancel_futures=True)
    return summary
