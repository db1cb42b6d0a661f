"""Candidates of a new article: the articles within the time window that share its rare
headline terms (postings) or one of its body's LSH buckets.

Postings and buckets are keyed by period (`PERIOD` seconds) first, so a run's new rows land
together at the end of the index and a window is a few short range scans. The hits of a whole
run are counted at once in numpy: every (new article, probe term) pair is expanded over that
term's postings, kept when within the window (and, for the run's own articles, decided
earlier), counted per (new article, candidate), and the `limit` best per article are kept
(most shared probes first, then the first met: the rarest probe, the earliest posting).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

import numpy as np

from newsreader.stories.item import Item

PERIOD = 4 * 86400.0  # the first key of postings and buckets (schema 4)


def period(published: float) -> int:
    return max(0, int(published / PERIOD))  # as the migration computes it in SQL


def periods(published: float, window: float) -> range:
    return range(period(published - window), period(published + window) + 1)


def temp(conn: sqlite3.Connection, name: str, cols: str, rows: Iterable[Sequence[object]]) -> None:
    """A temporary table `name(cols)` holding `rows` (emptied first)."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name}({cols})")
    conn.execute(f"DELETE FROM {name}")
    n = cols.count(",") + 1
    conn.executemany(f"INSERT INTO {name} VALUES ({','.join('?' * n)})", rows)


class Hits:
    """Probe terms of the run's new articles, as arrays: term index, article index, date."""

    def __init__(self, items: Sequence[Item], probes: Sequence[list[int]]) -> None:
        self.items = items
        self.index: dict[int, int] = {}  # term id -> term index
        item_of: list[int] = []
        term_of: list[int] = []
        for i, terms in enumerate(probes):
            for t in terms:
                k = self.index.setdefault(t, len(self.index))
                item_of.append(i)
                term_of.append(k)
        self.item = np.array(item_of, dtype=np.int64)
        self.term = np.array(term_of, dtype=np.int64)
        pub = np.fromiter((it.published for it in items), dtype=np.float64, count=len(items))
        self.pub = pub

    def top(
        self,
        post_term: np.ndarray,
        post_pub: np.ndarray,
        post_id: np.ndarray,
        window: float,
        limit: int,
        post_rank: np.ndarray | None = None,
        item_rank: np.ndarray | None = None,
    ) -> list[list[int]]:
        """Per new article, up to `limit` posting ids sharing the most probe terms within the
        window (only postings ranked before the article when ranks are given)."""
        out: list[list[int]] = [[] for _ in self.items]
        if not len(post_term) or not len(self.term):
            return out
        order = np.lexsort((post_id, post_pub, post_term))
        post_term, post_pub, post_id = post_term[order], post_pub[order], post_id[order]
        if post_rank is not None:
            post_rank = post_rank[order]
        # Postings sorted by (term, date): each probe expands over its term's postings within
        # the window only (one composite key: term index, then seconds since the earliest).
        base = min(float(post_pub.min()), float(self.pub.min())) - window - 1.0
        span = max(float(post_pub.max()), float(self.pub.max())) + window + 1.0 - base
        comp = post_term * span + (post_pub - base)
        at = self.term * span + (self.pub[self.item] - base)
        lo = np.searchsorted(comp, at - window, side="left")
        hi = np.searchsorted(comp, at + window, side="right")
        lens = hi - lo
        total = int(lens.sum())
        if not total:
            return out
        pair = np.repeat(np.arange(len(self.term)), lens)
        offset = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
        post = lo[pair] + offset
        item = self.item[pair]
        keep = np.abs(post_pub[post] - self.pub[item]) <= window
        if post_rank is not None and item_rank is not None:
            keep &= post_rank[post] < item_rank[item]
        item, post = item[keep], post[keep]
        if not len(item):
            return out
        ids, dense = np.unique(post_id[post], return_inverse=True)
        key = item * len(ids) + dense
        uniq, first, counts = np.unique(key, return_index=True, return_counts=True)
        owner = uniq // len(ids)
        rank = np.lexsort((first, -counts, owner))
        owner, cand = owner[rank], ids[uniq[rank] % len(ids)]
        group_start = np.searchsorted(owner, owner, side="left")
        best = (np.arange(len(owner)) - group_start) < limit
        for i, c in zip(owner[best].tolist(), cand[best].tolist(), strict=True):
            out[i].append(c)
        return out


def _periods_with_rows(conn: sqlite3.Connection, table: str, wanted: Iterable[int]) -> set[int]:
    """The periods among `wanted` that hold any row of `table` (a first refresh has none)."""
    q = f"SELECT 1 FROM {table} WHERE period = ? LIMIT 1"
    return {p for p in set(wanted) if conn.execute(q, (p,)).fetchone()}


def stored_hits(conn: sqlite3.Connection, hits: Hits, window: float, limit: int) -> list[list[int]]:
    """The best stored candidates of each new article by shared probe terms."""
    empty: list[list[int]] = [[] for _ in hits.items]
    if not len(hits.term):
        return empty
    pub = hits.pub[hits.item]
    first = np.maximum(0, ((pub - window) / PERIOD).astype(np.int64))
    last = np.maximum(0, ((pub + window) / PERIOD).astype(np.int64))
    spread = int((last - first).max()) + 1
    wanted = np.unique(np.concatenate([first + off for off in range(spread)]))
    have = _periods_with_rows(conn, "story_postings", wanted.tolist())
    if not have:
        return empty
    # One row per (term, period): the union of the windows of the articles probing it there.
    k_, p_, lo_, hi_ = [], [], [], []
    have_ = np.fromiter(have, dtype=np.int64, count=len(have))
    for off in range(spread):
        per = first + off
        sel = (per <= last) & np.isin(per, have_)
        k_.append(hits.term[sel])
        p_.append(per[sel])
        lo_.append(pub[sel] - window)
        hi_.append(pub[sel] + window)
    k, per, lo, hi = (np.concatenate(x) for x in (k_, p_, lo_, hi_))
    if not len(k):
        return empty
    order = np.lexsort((per, k))
    k, per, lo, hi = k[order], per[order], lo[order], hi[order]
    start = np.flatnonzero(np.r_[True, (k[1:] != k[:-1]) | (per[1:] != per[:-1])])
    terms = np.fromiter(hits.index.keys(), dtype=np.int64, count=len(hits.index))
    temp(
        conn,
        "story_p",
        "k INTEGER, term INTEGER, period INTEGER, lo REAL, hi REAL",
        zip(
            k[start].tolist(),
            terms[k[start]].tolist(),
            per[start].tolist(),
            np.minimum.reduceat(lo, start).tolist(),
            np.maximum.reduceat(hi, start).tolist(),
            strict=True,
        ),
    )
    rows = conn.execute(
        "SELECT q.k, s.published, s.article_id FROM story_p q JOIN story_postings s "
        "ON s.period = q.period AND s.term = q.term AND s.published BETWEEN q.lo AND q.hi"
    ).fetchall()
    if not rows:
        return empty
    kk, pp, aa = zip(*rows, strict=True)
    return hits.top(
        np.array(kk, dtype=np.int64),
        np.array(pp, dtype=np.float64),
        np.array(aa, dtype=np.int64),
        window,
        limit,
    )


def local_hits(
    hits: Hits, chunk: Sequence[Item], order: dict[int, int], window: float, limit: int
) -> list[list[int]]:
    """The best candidates of each new article among the run's articles decided before it."""
    term: list[int] = []
    pub: list[float] = []
    aid: list[int] = []
    for it in chunk:
        for t in it.probe_terms():
            k = hits.index.get(t)
            if k is not None:
                term.append(k)
                pub.append(it.published)
                aid.append(it.id)
    rank_of = np.array([order[a] for a in aid], dtype=np.int64)
    item_rank = np.array([order[it.id] for it in hits.items], dtype=np.int64)
    return hits.top(
        np.array(term, dtype=np.int64),
        np.array(pub, dtype=np.float64),
        np.array(aid, dtype=np.int64),
        window,
        limit,
        rank_of,
        item_rank,
    )


def stored_buckets(
    conn: sqlite3.Connection, bodies: Sequence[Item], keys: np.ndarray, window: float
) -> dict[int, list[int]]:
    """LSH bucket key -> stored article ids, for the bucket keys of the new bodies (`keys`:
    one row per body): one row per key (its periods as a range, joined through the periods
    that hold buckets)."""
    if not bodies:
        return {}
    pub = np.fromiter((it.published for it in bodies), dtype=np.float64, count=len(bodies))
    first = np.maximum(0, ((pub - window) / PERIOD).astype(np.int64))
    last = np.maximum(0, ((pub + window) / PERIOD).astype(np.int64))
    spread = int((last - first).max()) + 1
    wanted = np.unique(np.concatenate([np.minimum(first + off, last) for off in range(spread)]))
    have = _periods_with_rows(conn, "story_buckets", wanted.tolist())
    if not have:
        return {}
    per_key = keys.shape[1]
    flat = keys.ravel()
    order = np.argsort(flat, kind="stable")
    flat = flat[order]
    lo, hi = np.repeat(first, per_key)[order], np.repeat(last, per_key)[order]
    start = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    temp(conn, "story_bp", "p INTEGER PRIMARY KEY", ((p,) for p in sorted(have)))
    temp(
        conn,
        "story_k",
        "key INTEGER, p0 INTEGER, p1 INTEGER",
        zip(
            flat[start].tolist(),
            np.minimum.reduceat(lo, start).tolist(),
            np.maximum.reduceat(hi, start).tolist(),
            strict=True,
        ),
    )
    out: dict[int, list[int]] = {}
    # CROSS JOIN keeps this order (the temporary tables have no statistics: SQLite would
    # otherwise scan every stored bucket); a key's articles come by period, then id, either way.
    for k, aid in conn.execute(
        "SELECT q.key, b.article_id FROM story_k q CROSS JOIN story_bp r "
        "ON r.p BETWEEN q.p0 AND q.p1 CROSS JOIN story_buckets b "
        "ON b.period = r.p AND b.key = q.key"
    ):
        out.setdefault(k, []).append(aid)
    return out
