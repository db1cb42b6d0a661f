"""SQLite functions the compiled queries call (registered on every store connection).

- `nr_fold(text)`: lower case, accents off (`safetext.fold`): equality and substring tests
  ignore case and accents, as the full-text index does.
- `nr_regexp(pattern, text, run)`: SQLite has no REGEXP. Patterns are compiled once (LRU
  cache) with the `regex` module, case-insensitively, and every match runs with a timeout: a
  catastrophic pattern (`(a+)+$` on a long line) stops after PER_CALL seconds, and one
  statement spends at most BUDGET seconds in regular expressions in all. `run` is a number
  bound fresh for each execution of a statement, so each one gets its own budget; when it is
  spent the statement fails (sqlite3.OperationalError) and `last_timeout()` names the pattern.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import regex

from newsreader.safetext import fold

PER_CALL = 0.25  # seconds one match may take
BUDGET = 2.0  # seconds one statement may spend matching
_RUNS_KEPT = 256

_lock = threading.Lock()
_runs: OrderedDict[int, float] = OrderedDict()  # run id -> seconds spent so far
_counter = itertools.count(1)
_timeouts = threading.local()


class RegexTimeout(Exception):
    """A regular expression used up its time (the message names it)."""


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern (case-insensitive); raises regex.error when invalid."""
    return regex.compile(pattern, regex.IGNORECASE | regex.V0)


def new_run() -> int:
    """A fresh run id: bind one per execution of a statement that calls nr_regexp."""
    return next(_counter)


def last_timeout() -> str | None:
    """The pattern whose time ran out most recently in this thread (then cleared)."""
    pattern = getattr(_timeouts, "pattern", None)
    _timeouts.pattern = None
    return pattern


def _spent(run: int, add: float = 0.0) -> float:
    with _lock:
        total = _runs.pop(run, 0.0) + add
        _runs[run] = total
        while len(_runs) > _RUNS_KEPT:
            _runs.popitem(last=False)
        return total


def _regexp(pattern: object, value: object, run: object) -> int:
    if pattern is None or value is None:
        return 0
    compiled = compile_pattern(str(pattern))
    run_id = int(run) if isinstance(run, int) else 0
    left = BUDGET - _spent(run_id)
    if left <= 0:
        _timeouts.pattern = str(pattern)
        raise RegexTimeout(str(pattern))
    started = time.perf_counter()
    try:
        found = compiled.search(str(value), timeout=min(PER_CALL, left)) is not None
    except TimeoutError as exc:
        _spent(run_id, BUDGET)  # the rest of this statement fails at once
        _timeouts.pattern = str(pattern)
        raise RegexTimeout(str(pattern)) from exc
    finally:
        _spent(run_id, time.perf_counter() - started)
    return int(found)


def _fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def register(conn: sqlite3.Connection) -> None:
    """Make nr_fold and nr_regexp available on `conn`."""
    conn.create_function("nr_fold", 1, _fold, deterministic=True)
    conn.create_function("nr_regexp", 3, _regexp)
