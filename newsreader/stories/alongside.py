"""Clustering after a refresh, in its process pool: the articles it stored join their stories.

`finish()` (the refresh calls it once every feed is stored) splits the articles stored since
the last clustering into ranges of PART ids, analysed (terms, signatures) in the pool several
at once; one chain decides the analysed ranges in id order, in the pool too (a worker opens the
database by its path), each step taking every range analysed by then. The chain's steps go
before the analyses still waiting for a worker, and the analyses (a quarter of the work) keep
ahead of it. Without a process pool both steps run in threads. Nothing here fails a refresh:
on any error the rest is left to the next run (`story_state.done_id`), and a store whose
clustering is not where the chain expects (another process clustered meanwhile) gets a plain
`update`."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import sqlite3
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TypeVar

from newsreader.stories.analysis import analyse
from newsreader.stories.incremental import UpdateSummary, decide, done_id, pending_rows, update
from newsreader.stories.item import Item

if TYPE_CHECKING:
    from newsreader.store import Store

T = TypeVar("T")
PART = 500  # article ids analysed by one task
PRELOAD = ("newsreader.stories.alongside",)  # what a pool's workers import for this


def analyse_file(path: str, after: int, upto: int) -> list[Item]:
    """The articles with ids in (after, upto] of the database at `path`, analysed."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10.0)
    try:
        return analyse(pending_rows(conn, after, upto, limit=2**31))
    finally:
        conn.close()


def decide_file(
    path: str, items: Sequence[Item], after: int, preferred: Sequence[str]
) -> UpdateSummary | None:
    """`decide` on the database at `path` (None when its clustering is not at `after`)."""
    from newsreader.store import Store

    store = Store(path)
    try:
        summary = UpdateSummary()
        return summary if decide(store, items, after, summary, preferred=preferred) else None
    finally:
        store.close()


def update_file(path: str, preferred: Sequence[str]) -> UpdateSummary:
    from newsreader.store import Store

    store = Store(path)
    try:
        return update(store, preferred=preferred)
    finally:
        store.close()


class Alongside:
    def __init__(
        self, store: Store, preferred: Sequence[str], executor: Executor | None = None
    ) -> None:
        self.store = store
        self.path = str(store.path)
        self.preferred = list(preferred)
        self.executor = executor if isinstance(executor, ProcessPoolExecutor) else None
        self.ranges: deque[tuple[int, int, asyncio.Future[list[Item]]]] = deque()
        self.summary = UpdateSummary()
        self.busy = 0.0  # seconds some clustering step was running (wall)
        self._since: float | None = None
        self._running = 0
        # At most one step per worker in the pool's queue at once, so that the chain's next
        # step never waits behind every queued analysis.
        workers = int(getattr(executor, "_max_workers", 0) or 2)
        self._slots = _Slots(max(1, workers))

    async def finish(self) -> None:
        """Cluster every article stored since the last clustering (or until a step fails)."""
        conn = self.store.conn
        (upto,) = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
        # Ranges of at most PART ids, analysed in parallel (ids of other tables' rows leave
        # gaps: a range may hold fewer articles).
        for lo in range(done_id(conn), int(upto), PART):
            hi = min(lo + PART, int(upto))
            self.ranges.append((lo, hi, asyncio.ensure_future(self._analyse(lo, hi))))
        await self._decide_all()

    def close(self) -> None:
        """Stop what is still due (a cancelled refresh); the next run clusters the rest."""
        for _, _, fut in self.ranges:
            fut.cancel()
        self.ranges.clear()

    async def _decide_all(self) -> None:
        while self.ranges:
            after, _, fut = self.ranges[0]
            try:
                await asyncio.wait([fut])
                items: list[Item] = []
                while self.ranges and self.ranges[0][2].done():
                    items.extend(self.ranges.popleft()[2].result())
                s = await self._step(decide_file, self.path, items, after, self.preferred)
                if s is None:  # not where we expected: cluster whatever is left, plainly
                    self.close()
                    s = await self._step(update_file, self.path, self.preferred)
            except Exception:  # never fail a refresh for it: the next run clusters these
                self.close()
                return
            for name in ("articles", "joined", "copies", "stories"):
                setattr(self.summary, name, getattr(self.summary, name) + getattr(s, name))

    async def _analyse(self, lo: int, hi: int) -> list[Item]:
        async with self._slots.taken(1):
            return await self._run(analyse_file, self.path, lo, hi)

    async def _step(self, fn: Callable[..., T], *args: object) -> T:
        """Run `fn(*args)` in the process pool (or a thread), timing the busy wall time, before
        the analyses still waiting for a slot (every range's analysis is queued at once; the
        chain's next step behind all of them would leave the deciding until the end)."""
        async with self._slots.taken(0):
            return await self._run(fn, *args)

    async def _run(self, fn: Callable[..., T], *args: object) -> T:
        self._running += 1
        if self._since is None:
            self._since = time.perf_counter()
        try:
            if self.executor is not None:
                try:
                    loop = asyncio.get_running_loop()
                    return await loop.run_in_executor(self.executor, fn, *args)
                except Exception as exc:  # a broken pool: threads from now on
                    if not _pool_failure(exc):
                        raise
                    self.executor = None
            return await asyncio.to_thread(fn, *args)
        finally:
            self._running -= 1
            if not self._running and self._since is not None:
                self.busy += time.perf_counter() - self._since
                self._since = None


class _Slots:
    """A semaphore whose waiters are woken by priority (lower first), then in arrival order."""

    def __init__(self, n: int) -> None:
        self.free = n
        self.waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self.seq = itertools.count()

    async def acquire(self, priority: int) -> None:
        if self.free > 0 and not self.waiters:
            self.free -= 1
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self.waiters, (priority, next(self.seq), fut))
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # handed a slot just as it was cancelled: pass it on
            raise

    @asynccontextmanager
    async def taken(self, priority: int) -> AsyncIterator[None]:
        """Hold a slot for the block, waiting behind the waiters of lower priority."""
        await self.acquire(priority)
        try:
            yield
        finally:
            self.release()

    def release(self) -> None:
        while self.waiters:
            _, _, fut = heapq.heappop(self.waiters)
            if not fut.done():
                fut.set_result(None)
                return
        self.free += 1


def _pool_failure(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, BrokenProcessPool | OSError | RuntimeError)
