"""What the `/` search box runs: plain words, or a query.

- Text that starts with `?` is a query (`?unread and starred`).
- Text with a field test (a field name followed by an operator: `title ~ vote`, `age < 2d`)
  is a query too; if it does not parse, the QueryError says where and what was expected.
- Anything else is a plain word search (every word, the last one as a prefix, as before).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.query.lang import FIELDS, QueryError, parse, tokenize
from newsreader.query.view import View

if TYPE_CHECKING:
    from newsreader.models import ArticleRow
    from newsreader.store import Store

QUERY_PREFIX = "?"
_TEST_OPS = {"=", "!=", "~", "!~", "=~", "<", ">", "<=", ">=", "#", "!#"}


@dataclass(frozen=True, slots=True)
class Search:
    text: str  # what the user typed (trimmed)
    kind: str  # "words" | "query"
    expr: str | None = None  # the query (without the `?`) when kind == "query"

    def view(self) -> View:
        if self.kind == "query":
            return View("query", query=self.expr)
        return View("search", query=self.text)


def looks_like_query(text: str) -> bool:
    """True when `text` holds a field name followed by a comparison operator."""
    try:
        toks = tokenize(text)
    except QueryError:
        return False
    return any(
        a.kind == "word" and b.kind == "op" and b.text in _TEST_OPS and a.text.lower() in FIELDS
        for a, b in zip(toks, toks[1:], strict=False)
    ) or any(
        a.kind == "word" and a.text.lower() in FIELDS and b.kind == "word"
        and b.text.lower() in ("contains", "between")
        for a, b in zip(toks, toks[1:], strict=False)
    )  # fmt: skip


def interpret(text: str) -> Search:
    """Decide how to run what was typed; raise QueryError (positions in `text`) for a query
    that does not parse."""
    raw = text.strip()
    lead = len(text) - len(text.lstrip())
    if raw.startswith(QUERY_PREFIX):
        expr = raw[len(QUERY_PREFIX) :]
        _check(expr, lead + len(QUERY_PREFIX))
        return Search(raw, "query", expr)
    if looks_like_query(raw):
        _check(raw, lead)
        return Search(raw, "query", raw)
    return Search(raw, "words")


def _check(expr: str, offset: int) -> None:
    try:
        parse(expr)
    except QueryError as exc:
        raise QueryError(exc.message, exc.position + offset) from exc


def run(store: Store, text: str, *, limit: int = 200) -> list[ArticleRow]:
    """Rows for what was typed: a query's newest matches, or the word search's best."""
    from newsreader.query.run import rows

    s = interpret(text)
    if s.kind == "query":
        assert s.expr is not None
        return rows(store, s.expr, limit=limit)
    return store.search(s.text, limit=limit)
