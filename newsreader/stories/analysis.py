"""What a new article is, as the clustering sees it: its terms and body signature (`analyse`,
no I/O, any process) and the feed furniture among its terms (`feed_furniture`: words in so
many of its feed's headlines, or in the feed's name, that they name the feed, not the event).
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from newsreader.stories import minhash
from newsreader.stories.candidates import temp
from newsreader.stories.item import FEED, LABEL, TITLE, Item, decode, encode, flags_of
from newsreader.stories.text import has_byline, terms_of

ArticleRow = tuple[int, int, str | None, str | None, str | None, float]

FEED_TERM = 0  # story_feed_terms row holding the feed's article count
FEED_SHARE = 0.2  # a term in this share of a feed's headlines names the feed
FEED_MIN = 8  # ... once the feed has this many

# One text carried by several feeds (syndication, one feed subscribed twice, a wire story) is
# analysed once per process: (hashes of the headline and the text, its length) -> the result.
_ANALYSED: dict[tuple[int, int, int], tuple[bytes, np.ndarray | None]] = {}
_ANALYSED_MAX = 5_000  # ~3 MB


def analyse(rows: Sequence[ArticleRow]) -> list[Item]:
    """New articles as items: terms, body signature, byline (no I/O: runs in any process)."""
    items = []
    seen = _ANALYSED
    for aid, fid, title, text, author, published in rows:
        body = text or ""
        key = (hash(title), hash(body), len(body))
        done = seen.get(key)
        if done is None:
            flags = flags_of(terms_of(title or "", body))
            sig = minhash.signature(body) if len(body) > 250 else None
            if len(seen) >= _ANALYSED_MAX:
                seen.clear()
            blob = encode(flags)
            seen[key] = (blob, sig)
        else:
            blob, sig = done
            flags = decode(blob)
        it = Item(aid, fid, float(published), flags, sig, has_byline(author, body), blob=blob)
        it.title = title
        items.append(it)
    return items


@lru_cache(maxsize=4096)
def _name_terms(name: str) -> frozenset[int]:
    return frozenset(flags_of(terms_of(name, "")))


def feed_furniture(conn: sqlite3.Connection, items: list[Item]) -> None:
    """Terms in so many of a feed's headlines that they name the feed (and the words of
    its name): marked FEED, they weigh as little as a label."""
    per_feed: dict[int, Counter[int]] = {}
    for it in items:
        c = per_feed.setdefault(it.feed_id, Counter())
        c[FEED_TERM] += 1
        c.update(t for t, f in it.flags.items() if f & TITLE and not f & LABEL)
    conn.executemany(
        "INSERT INTO story_feed_terms(feed_id, term, n) VALUES (?, ?, ?) "
        "ON CONFLICT(feed_id, term) DO UPDATE SET n = n + excluded.n",
        [(fid, t, n) for fid, counts in per_feed.items() for t, n in counts.items()],
    )
    temp(conn, "story_f", "feed_id INTEGER", ((f,) for f in per_feed))
    need: dict[int, int] = {}
    for fid, total in conn.execute(
        "SELECT s.feed_id, s.n FROM story_f f JOIN story_feed_terms s "
        "ON s.feed_id = f.feed_id AND s.term = ?",
        (FEED_TERM,),
    ):
        if total >= FEED_MIN:
            need[fid] = max(3, math.ceil(FEED_SHARE * total))
    frequent: dict[int, set[int]] = {}
    if need:
        temp(conn, "story_need", "feed_id INTEGER, need INTEGER", need.items())
        for fid, t in conn.execute(
            "SELECT s.feed_id, s.term FROM story_need q JOIN story_feed_terms s "
            "ON s.feed_id = q.feed_id WHERE s.n >= q.need AND s.n >= 3 AND s.term != ?",
            (FEED_TERM,),
        ):
            frequent.setdefault(fid, set()).add(t)
    # The feed's own name in its headlines ("BBC News: ...", "... - Reuters") says nothing.
    for fid, title, feed_title in conn.execute(
        "SELECT f.id, coalesce(f.title, f.feed_title), f.feed_title FROM story_f q "
        "JOIN feeds f ON f.id = q.feed_id"
    ):
        names = " ".join(x for x in (title, feed_title) if x)
        if names:
            frequent.setdefault(fid, set()).update(_name_terms(names))
    for it in items:
        freq = frequent.get(it.feed_id)
        if freq:
            hit = it.flags.keys() & freq
            if hit:
                it.mark(hit, FEED)
