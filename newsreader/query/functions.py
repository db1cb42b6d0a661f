"""SQLite functions the compiled queries call (registered on every store connection).

- `nr_fold(text)`: lower case, accents off (`safetext.fold`): equality and substring tests
  ignore case and accents, as the full-text index does.
- `nr_regexp(pattern, text, run)`: SQLite has no REGEXP. Patterns are compiled once (LRU
  cache) with the `regex` module, case-insensitively, and every match runs with a timeout: a
  catastrophic pattern (`(a+)+$` on a long line) stops after PER_CALL seconds, and one
  statement gets BUDGET seconds from its first match. `run` is a number
  bound fresh for each execution of a statement, so each one gets its own budget; when it is
  spent the statement fails (sqlite3.OperationalError) and `last_timeout()` names the pattern.
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
import time
from functools import lru_cache
from typing import Any

import regex

from newsreader.text.safetext import fold

PER_CALL = 0.25  # seconds one match may take
BUDGET = 2.0  # seconds one statement may spend (from its first match)
_RUNS_KEPT = 256

_runs: dict[int, _Run] = {}  # run id -> its clock; insertion-ordered
_patterns: dict[str, Any] = {}
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


class _Run:
    __slots__ = ("deadline",)

    def __init__(self) -> None:
        self.deadline = time.perf_counter() + BUDGET


def _run(run: object) -> _Run:
    key = run if isinstance(run, int) else 0
    state = _runs.get(key)
    if state is None:
        state = _runs[key] = _Run()
        while len(_runs) > _RUNS_KEPT:
            _runs.pop(next(iter(_runs)), None)
    return state


def _out_of_time(pattern: str) -> RegexTimeout:
    _timeouts.pattern = pattern
    return RegexTimeout(pattern)


def _regexp(pattern: object, value: object, run: object) -> int:
    # Called once per candidate row, so kept lean: no lock (dict operations are atomic under
    # the GIL), one clock read.
    if pattern is None or value is None:
        return 0
    compiled = _patterns.get(pattern) if isinstance(pattern, str) else None
    if compiled is None:
        compiled = compile_pattern(str(pattern))
        if len(_patterns) > 256:
            _patterns.clear()
        _patterns[str(pattern)] = compiled
    state = _run(run)
    if time.perf_counter() > state.deadline:
        raise _out_of_time(str(pattern))
    try:
        text = value if isinstance(value, str) else str(value)
        return compiled.search(text, timeout=PER_CALL) is not None
    except TimeoutError as exc:
        state.deadline = 0.0  # the rest of this statement fails at once
        raise _out_of_time(str(pattern)) from exc


def _fold(value: object) -> str | None:
    return None if value is None else fold(str(value))


def register(conn: sqlite3.Connection) -> None:
    """Make nr_fold and nr_regexp available on `conn`."""
    conn.create_function("nr_fold", 1, _fold, deterministic=True)
    conn.create_function("nr_regexp", 3, _regexp)
