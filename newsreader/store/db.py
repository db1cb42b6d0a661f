"""The connection layer: one SQLite connection per thread, WAL, transactions, migrations.

A crash at any moment leaves the last committed state; SQLite serialises writers (busy
timeout), so two processes may use the database at once. No network, no UI.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from newsreader.errors import UserError
from newsreader.store.schema import MIGRATIONS, SCHEMA_VERSION, split_sql

T = TypeVar("T")


class StoreError(UserError):
    """The database cannot be opened or written; message says what to do."""


class Database:
    """Thread-safe access to the SQLite database at `path` (":memory:" is not supported)."""

    def __init__(self, path: Path | str, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._write_lock = threading.RLock()
        # Called inside save_feeds' transaction with (conn, largest id before the new rows):
        # the killfile hides new matches there (newsreader/query/killfile.py).
        self.on_insert: Callable[[sqlite3.Connection, int], None] | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create {self.path.parent}: {exc.strerror or exc}; "
                "check permissions or set XDG_DATA_HOME"
            ) from exc
        self._migrate()

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute("PRAGMA cache_size=-32000")
            conn.execute("PRAGMA wal_autocheckpoint=8000")
            from newsreader.query.functions import register

            register(conn)  # nr_fold, nr_regexp for compiled queries
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the database {self.path}: {exc}; "
                "if it is damaged, move it aside and run `newsreader refresh`"
            ) from exc
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        conn = self.conn
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"the database is busy or read-only: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:  # SQLite may already have rolled back (disk full)
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
                    raise StoreError(describe_db_error(exc, self.path)) from exc
                raise

    def _migrate(self) -> None:
        try:
            with self.transaction() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path} was written by a newer newsreader (schema {version}); "
                        "upgrade newsreader"
                    )
                for i in range(version, SCHEMA_VERSION):
                    for stmt in split_sql(MIGRATIONS[i]):
                        conn.execute(stmt)
                    conn.execute(f"PRAGMA user_version={i + 1}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot use the database {self.path}: {exc}; check permissions and free disk space"
            ) from exc

    def check(self) -> str:
        """PRAGMA integrity_check result ("ok" when sound)."""
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def describe_db_error(exc: Exception, path: Path) -> str:
    msg = str(exc)
    low = msg.lower()
    if "full" in low or "disk i/o" in low:
        return f"could not save to {path}: the disk is full ({msg}); free some space and retry"
    if "readonly" in low or "read-only" in low:
        return f"could not save to {path}: the database is read-only ({msg}); check permissions"
    if "locked" in low or "busy" in low:
        return f"could not save to {path}: another newsreader is writing ({msg}); retry"
    return f"could not save to {path}: {msg}"


def to_ts(dt: datetime | None) -> float | None:
    return dt.timestamp() if dt is not None else None


def to_dt(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def chunks(seq: list[T], n: int) -> Iterator[list[T]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
