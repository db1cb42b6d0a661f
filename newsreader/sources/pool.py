"""The process pool a refresh parses and stores in (and groups stories in), made cheaply:
this module imports nothing of newsreader's, so the CLI can start the pool's workers first,
letting them boot while it imports the rest and opens the session."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

# Imported once in the fork server, so every worker starts with the parser and the store loaded
# (a refresh parses and stores in the pool: refresh.py), and, unless the caller says otherwise,
# the clustering, which a refresh runs in the same pool (stories/alongside.py).
PRELOAD_INGEST = ("newsreader.refresh",)
PRELOAD_ALL = (*PRELOAD_INGEST, "newsreader.stories.alongside", "newsreader.compare")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _worker_start() -> None:
    """Ctrl-C is the main process's to handle: it stops the run and shuts the pool down, and
    the workers finish the batch in hand (a worker interrupted mid-batch would send its
    KeyboardInterrupt back as a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_executor(workers: int | None = None, preload: Sequence[str] = PRELOAD_ALL) -> Executor:
    """A process pool that parses and stores (forkserver: safe to start from a threaded
    program), its workers started at once (they boot while the first feeds are fetched).

    Where a process pool cannot be made (no working semaphores, no /dev/shm: some sandboxes
    and containers), a thread pool is returned instead: parsing is then slower but works.
    """
    workers = workers or default_workers()
    ctx: multiprocessing.context.BaseContext
    try:
        try:
            ctx = multiprocessing.get_context("forkserver")
            # No effect once the fork server runs; a module that fails to import is skipped.
            ctx.set_forkserver_preload(list(preload))
        except ValueError:  # pragma: no cover - platforms without forkserver
            ctx = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_start)
    except (OSError, ImportError, NotImplementedError, RuntimeError):
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsreader-parse")
    try:
        pool.submit(os.getpid)  # starts the fork server and the workers now
    except Exception:  # noqa: S110 - a pool that cannot start is found out (and replaced) later
        pass
    return pool


def _start_fork_server(preload: Sequence[str]) -> None:
    """Start the fork server with Ctrl-C ignored, which it inherits through exec: until it has
    imported its preload modules, it would die of a KeyboardInterrupt with a traceback (it
    ignores SIGINT only after them). Only the main thread can change a signal's handler.
    SIGINT is blocked here meanwhile, so that a Ctrl-C pressed in that moment is kept pending
    and reaches this process once its handler is back: that narrows the window in which it is
    lost, it does not close it (a test sending SIGINT as the fork server appears, with both
    cores busy, still saw 1-3 of 30 lost; 1 in 8 before)."""
    try:
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            forkserver.ensure_running()  # fork and exec; it does not wait for the imports
        finally:
            signal.signal(signal.SIGINT, old)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    except (ValueError, OSError, ImportError):  # no fork server here: make_executor falls back
        pass


class EarlyPool:
    """`make_executor` in a thread of its own: starting the workers waits for the fork server
    to import its preload modules (~0.3 s), and only that thread waits, so the caller goes on
    importing and opening its store meanwhile. `get()` waits for the pool; `shutdown()` waits
    for it and for its workers (a pool shut down while still starting can make Python's exit
    hook write to its closed pipe)."""

    def __init__(self, preload: Sequence[str] = PRELOAD_ALL) -> None:
        self.workers = default_workers()  # what the pool will have
        self._pool: Executor | None = None
        self._ready = threading.Event()
        if threading.current_thread() is threading.main_thread():
            _start_fork_server(preload)
        threading.Thread(
            target=self._start, args=(preload,), name="newsreader-pool-start", daemon=True
        ).start()

    def _start(self, preload: Sequence[str]) -> None:
        try:
            self._pool = make_executor(self.workers, preload=preload)
        finally:
            self._ready.set()

    def get(self) -> Executor | None:
        """The pool (None if it could not be made: the caller makes its own)."""
        self._ready.wait()
        return self._pool

    def shutdown(self) -> None:
        pool = self.get()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
