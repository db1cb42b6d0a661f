"""The feeds.toml source: one subscription fetched (conditional GET); the pool that parses.

`fetch_feed` never touches the store and never raises for a feed's failure: it returns a
`FeedUpdate` saying what happened. The body it fetched is parsed (and, in a refresh, stored)
in a process pool (`WorkerPool`; refresh.py), or in a thread where processes cannot start.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from newsreader.config import resolve_location
from newsreader.models import Subscription
from newsreader.sources.fetch import Fetcher
from newsreader.sources.parse import ParseError
from newsreader.sources.pool import EarlyPool, default_workers

T = TypeVar("T")


@dataclass(slots=True)
class FeedUpdate:
    """What fetching one feed gave: its body (with its validators), or not."""

    status: str  # "fetched" | "unchanged" | "error" | "skipped"
    body: bytes | None = None  # "fetched": the body, to be parsed at `url` (its final URL)
    url: str | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    message: str | None = None
    retry_after: float | None = None


class WorkerPool:
    """The executor a refresh parses (and stores) in, replaced by a thread pool once a process
    pool fails.

    A process pool starts its workers lazily, so it can fail on the first `submit`
    (the forkserver or a worker cannot be started) or later (a worker dies:
    `BrokenProcessPool`). Either way the call runs in a thread and every later call goes to a
    thread pool, so one refresh never pays the failure twice. Without an executor, calls run
    in the event loop's default thread pool.
    """

    def __init__(self, executor: Executor | EarlyPool | None) -> None:
        self.executor: Executor | None = None
        self.early: EarlyPool | None = None
        if isinstance(executor, EarlyPool):  # resolved on first use: fetching need not wait
            self.early = executor
        else:
            self.executor = executor
        self._starting: asyncio.Future[Executor | None] | None = None
        self.fallback: ThreadPoolExecutor | None = None

    @property
    def workers(self) -> int:
        if self.early is not None:
            return self.early.workers
        if self.executor is None:
            return 1
        return int(getattr(self.executor, "_max_workers", 0) or default_workers())

    async def ready(self) -> Executor | None:
        """The executor, once an early pool has started: every call made meanwhile waits for
        the same start (one cancelled waiter does not cancel it for the others)."""
        if self.early is not None:
            if self._starting is None:
                self._starting = asyncio.ensure_future(asyncio.to_thread(self.early.get))
            executor = await asyncio.shield(self._starting)
            if self.early is not None:
                self.executor, self.early = executor, None
        return self.executor

    @property
    def in_threads(self) -> bool:
        """Whether calls run in this process (an executor of unknown kind counts as not);
        asked after `ready()`."""
        return (
            self.executor is None
            or self.fallback is not None
            or isinstance(self.executor, ThreadPoolExecutor)
        )

    def _fall_back(self) -> ThreadPoolExecutor:
        if self.fallback is None:
            self.fallback = ThreadPoolExecutor(
                max_workers=default_workers(), thread_name_prefix="newsreader-parse"
            )
        return self.fallback

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        await self.ready()
        if self.executor is None:
            return await asyncio.to_thread(fn, *args)
        loop = asyncio.get_running_loop()
        if self.fallback is None:
            try:
                fut = loop.run_in_executor(self.executor, fn, *args)
            except (OSError, RuntimeError, BrokenProcessPool, ImportError, NotImplementedError):
                self._fall_back()  # the pool could not start a worker
            else:
                try:
                    return await fut
                except BrokenProcessPool:
                    self._fall_back()
        return await loop.run_in_executor(self._fall_back(), fn, *args)

    def shutdown(self) -> None:
        if self.fallback is not None:
            self.fallback.shutdown(wait=False, cancel_futures=True)


async def fetch_feed(
    sub: Subscription,
    *,
    fetcher: Fetcher,
    validators: tuple[str | None, str | None, float | None] = (None, None, None),
    feeds_file: Path | None = None,
    force: bool = False,
) -> FeedUpdate:
    """Fetch `sub` (conditionally, with the stored etag / last_modified): "fetched" with the
    body, or "unchanged", "skipped", "error"."""
    etag, last_modified, retry_after = validators
    if retry_after and retry_after > time.time() and not force:
        wait = int(retry_after - time.time())
        return FeedUpdate("skipped", message=f"server asked to wait; retrying in {wait}s")
    location = resolve_location(sub.url, feeds_file)
    result = await fetcher.fetch(location, etag=etag, last_modified=last_modified)
    if result.error:
        return FeedUpdate("error", message=result.error, retry_after=result.retry_after)
    if result.not_modified or result.body is None:
        return FeedUpdate("unchanged")
    return FeedUpdate(
        "fetched",
        etag=result.etag,
        last_modified=result.last_modified,
        body=result.body,
        url=result.final_url or location,
        content_type=result.content_type,
    )


def parse_message(exc: Exception) -> str:
    """What a failed parse says: a ParseError's own words, a parser bug by its name."""
    if isinstance(exc, ParseError):
        return str(exc)
    return f"could not parse the feed ({type(exc).__name__}: {exc})"[:300]
