"""The feeds.toml source: one subscription fetched (conditional GET) and parsed.

`update_feed` never touches the store and never raises for a feed's failure: it returns a
`FeedUpdate` saying what happened. Large bodies are parsed in a process pool (`ParsePool`),
small ones in a thread.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from newsreader.config import resolve_location
from newsreader.models import ParsedFeed, Subscription
from newsreader.sources.fetch import Fetcher
from newsreader.sources.parse import ParseError, parse_feed

# Bodies smaller than this are parsed in the event loop's thread pool rather than shipped to a
# process: pickling costs more than it saves for tiny feeds.
INLINE_PARSE_BYTES = 16 * 1024
# Imported once in the fork server, so every parse worker starts with the parser loaded (and
# the clustering, which a refresh runs in the same pool: stories/alongside.py).
_PRELOAD = ["newsreader.sources.parse", "newsreader.stories.alongside", "newsreader.compare"]


@dataclass(slots=True)
class FeedUpdate:
    """What fetching one feed gave: `parsed` (with its validators), or not."""

    status: str  # "parsed" | "unchanged" | "error" | "skipped"
    parsed: ParsedFeed | None = None
    etag: str | None = None
    last_modified: str | None = None
    message: str | None = None
    retry_after: float | None = None


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def make_executor(workers: int | None = None) -> Executor:
    """A process pool for parsing (forkserver: safe to start from a threaded program).

    Where a process pool cannot be made (no working semaphores, no /dev/shm: some sandboxes
    and containers), a thread pool is returned instead: parsing is then slower but works.
    """
    workers = workers or default_workers()
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


class ParsePool:
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
        return int(getattr(self.executor, "_max_workers", 0) or default_workers())

    def _fall_back(self) -> ThreadPoolExecutor:
        if self.fallback is None:
            self.fallback = ThreadPoolExecutor(
                max_workers=default_workers(), thread_name_prefix="newsreader-parse"
            )
        return self.fallback

    async def parse(self, body: bytes, url: str, content_type: str | None) -> ParsedFeed:
        if self.executor is None or len(body) < INLINE_PARSE_BYTES:
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
        return await loop.run_in_executor(self._fall_back(), parse_feed, body, url, content_type)

    def shutdown(self) -> None:
        if self.fallback is not None:
            self.fallback.shutdown(wait=False, cancel_futures=True)


async def update_feed(
    sub: Subscription,
    *,
    fetcher: Fetcher,
    pool: ParsePool,
    validators: tuple[str | None, str | None, float | None] = (None, None, None),
    feeds_file: Path | None = None,
    force: bool = False,
) -> FeedUpdate:
    """Fetch `sub` (conditionally, with the stored etag / last_modified) and parse it."""
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
    try:
        parsed = await pool.parse(result.body, result.final_url or location, result.content_type)
    except ParseError as exc:
        return FeedUpdate("error", message=str(exc))
    except Exception as exc:  # a parser bug must not end the run
        msg = f"could not parse the feed ({type(exc).__name__}: {exc})"
        return FeedUpdate("error", message=msg[:300])
    return FeedUpdate("parsed", parsed, result.etag, result.last_modified)
