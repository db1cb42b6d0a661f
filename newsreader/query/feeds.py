"""Query feeds (`[[query]]` in feeds.toml): their views, ids and unread counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.models import QueryFeed
from newsreader.query.lang import QueryError
from newsreader.query.run import count, matching_ids
from newsreader.query.view import View

if TYPE_CHECKING:
    from newsreader.store import Store


@dataclass(frozen=True, slots=True)
class QueryFeedCount:
    feed: QueryFeed
    total: int
    unread: int
    error: str | None = None  # e.g. a regular expression that ran out of time


def view(feed: QueryFeed, *, unread_only: bool = False) -> View:
    """The article-list view of a query feed (Store.article_ids / articles / mark_view_read)."""
    return View("query", query=feed.query, unread_only=unread_only)


def ids(store: Store, feed: QueryFeed, *, unread_only: bool = False) -> list[int]:
    """The ids of a query feed's articles, newest first (QueryError when it cannot run)."""
    return matching_ids(store, feed.query, unread_only=unread_only)


def counts(store: Store, feeds: Sequence[QueryFeed]) -> list[QueryFeedCount]:
    """Total and unread of each query feed, for the feed pane; a feed whose query fails gets
    zero counts and the error instead of raising."""
    out = []
    for feed in feeds:
        try:
            total, unread = count(store, feed.query)
        except QueryError as exc:
            out.append(QueryFeedCount(feed, 0, 0, str(exc)))
        else:
            out.append(QueryFeedCount(feed, total, unread))
    return out
