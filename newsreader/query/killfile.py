"""The killfile: `ignore = ["expr", ...]` in config.toml hides the articles that match.

Hidden articles stay in the store (`articles.hidden = 1`) and are left out of every list and
count, so changing the rules brings them back: `apply` compares a hash of the rules with the
one stored in `meta` and, when they differ, recomputes `hidden` for every article. New
articles are checked inside the transaction that stores them (`Store.on_insert`), so a
killed article never shows, not even for the length of a refresh.

Rules are tested when an article arrives and when the rules change: a rule on `age` or on
read/starred state sees the article as it was then.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsreader.query.lang import QueryError, parse
from newsreader.query.nodes import Node, Or
from newsreader.query.run import execute
from newsreader.query.sql import Compiled, compile_node

if TYPE_CHECKING:
    from newsreader.store import Store

_META_KEY = "killfile"
_VERSION = "1"  # bump when the meaning of a rule changes, to recompute once


class RuleError(QueryError):
    """A killfile rule that does not parse; `index` is its place in the list (0-based)."""

    def __init__(self, message: str, position: int, index: int) -> None:
        super().__init__(message, position)
        self.index = index


class Killfile:
    """Compiled killfile rules (all in one statement: their index lookups are merged)."""

    def __init__(self, rules: Sequence[str]) -> None:
        self.rules = [r for r in rules if r.strip()]
        nodes: list[Node] = []
        for i, rule in enumerate(self.rules):
            try:
                nodes.append(parse(rule))
            except QueryError as exc:
                raise RuleError(exc.message, exc.position, i) from exc
        self.compiled: Compiled | None = None
        if nodes:
            node = nodes[0] if len(nodes) == 1 else Or(tuple(nodes))
            self.compiled = compile_node(node, " or ".join(f"({r})" for r in self.rules))
        digest = hashlib.blake2b(digest_size=16)
        for part in (_VERSION, *self.rules):
            digest.update(part.encode("utf-8") + b"\0")
        self.digest = digest.hexdigest()
        self.last_error: str | None = None
        self.changed = 0  # rows whose hidden flag the last recompute changed
        # a rule on text reads the full-text index: new rows are indexed as they are stored
        self.needs_index = bool(self.compiled is not None and self.compiled.fts)
        # ... or their text: it is derived as they are stored (a refresh leaves it for later)
        self.needs_text = bool(self.compiled is not None and self.compiled.needs_ready)

    def _matches(self, floor: int = 0) -> tuple[str, list[object]]:
        assert self.compiled is not None
        # New rows (a floor): look the few up by id; every row: walk the covering index.
        test = self.compiled.rows_sql if floor else self.compiled.scan_sql
        sql = f"SELECT a.id FROM articles a WHERE a.id > ? AND ({test})"
        return sql, [floor, *self.compiled.bind(floor=floor)]

    def hide_new(self, conn: sqlite3.Connection, floor: int) -> None:
        """Hide the matching articles with ids above `floor` (called inside a save).

        A rule that fails here (a regular expression out of time) leaves the new articles
        visible and is reported in `last_error`; the save itself goes on."""
        if self.compiled is None:
            return
        sql, params = self._matches(floor)
        try:
            conn.execute(f"UPDATE articles SET hidden = 1 WHERE id IN ({sql})", params)
        except sqlite3.OperationalError as exc:
            self.last_error = f"killfile not applied to new articles: {exc}"

    def recompute(self, conn: sqlite3.Connection) -> int:
        """Set `hidden` on every article from the rules; return how many rows changed."""
        if self.compiled is None:
            return conn.execute("UPDATE articles SET hidden = 0 WHERE hidden = 1").rowcount
        sql, params = self._matches()
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS kill_ids(id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM kill_ids")
        execute(conn, f"INSERT INTO kill_ids {sql}", params, self.compiled)
        shown = conn.execute(
            "UPDATE articles SET hidden = 0 WHERE hidden = 1 AND id NOT IN kill_ids"
        ).rowcount
        hidden = conn.execute(
            "UPDATE articles SET hidden = 1 WHERE hidden = 0 AND id IN kill_ids"
        ).rowcount
        conn.execute("DELETE FROM kill_ids")
        return shown + hidden


def apply(store: Store, rules: Sequence[str]) -> Killfile:
    """Bring `hidden` in line with `rules` (a full recompute only when they changed since the
    last call, on any process) and hide new matches from now on (`Store.on_insert`).

    Raises RuleError for a rule that does not parse, QueryError when a regular expression
    runs out of time over the stored articles (nothing is recomputed then, but new articles
    are still checked)."""
    kf = Killfile(rules)
    store.on_insert = kf.hide_new if kf.compiled is not None else None
    store.index_on_save = kf.needs_index
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (_META_KEY,)).fetchone()
    if (row[0] if row else None) != kf.digest and (kf.rules or row is not None):
        if kf.needs_text:
            store.fts_ready()
        with store.transaction() as conn:
            kf.changed = kf.recompute(conn)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                "value = excluded.value",
                (_META_KEY, kf.digest),
            )
    return kf


def hidden_count(store: Store) -> int:
    """How many stored articles the killfile hides."""
    return int(store.conn.execute("SELECT count(*) FROM articles WHERE hidden = 1").fetchone()[0])
