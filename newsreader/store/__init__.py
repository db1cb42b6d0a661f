"""SQLite store: feeds, articles, read/star state, validators, errors, full-text search.

Split by job: `schema` (migrations), `db` (connections, transactions, errors), `feeds` (feed
writes and the update decision, retention), `articles` (queries and reading state), `search`
(the FTS5 index). `Store` is all of them on one database. It imports nothing from the
network, compare or UI layers.
"""

from __future__ import annotations

from newsreader.store.db import StoreError
from newsreader.store.feeds import FeedWrites
from newsreader.store.schema import SCHEMA_VERSION
from newsreader.store.search import Search


class Store(FeedWrites, Search):
    """Thread-safe access to the SQLite database at `path` (":memory:" is not supported)."""


__all__ = ["SCHEMA_VERSION", "Store", "StoreError"]
