"""Twins: a new article that is the same text as an earlier one (syndication, a wire copy, one
feed subscribed twice) is that one's copy, found without the other candidates.

Bodies with the same signature (an estimated Jaccard of 1) and short texts with the same terms
(at least 3 in the headline) are what the copies tier calls copies outright (`identical`);
twins share every LSH bucket and every term, so a body's are looked up in its first band's
bucket and a short text's in the postings of its rarest headline term.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Container, Iterable, Mapping, Sequence

import numpy as np

from newsreader.stories.candidates import Hits, stored_buckets, stored_hits
from newsreader.stories.copies import identical
from newsreader.stories.decide import Params
from newsreader.stories.item import Item


def twin_keys(items: Sequence[Item], probes: Mapping[int, list[int]]) -> dict[int, int]:
    """What finds an item's twins: its first band's key, or its rarest headline term."""
    out: dict[int, int] = {}
    for it in items:
        if it.sig is not None:
            out[it.id] = it.band_keys()[0]
        elif len(it.title_terms()) >= 3 and probes[it.id]:
            out[it.id] = probes[it.id][0]
    return out


def find_twins(
    conn: sqlite3.Connection,
    items: Sequence[Item],
    probes: Mapping[int, list[int]],
    banned: Container[int],
    params: Params,
    known: Callable[[Iterable[int]], Mapping[int, Item]],
    limit: int,
) -> dict[int, int]:
    """Item id -> its twin's id: the earliest stored article (`known` loads them) or earlier
    item (`items` come in decision order) within the window with the same text, for the items
    the user split from no article."""
    w = params.window
    keys = twin_keys(items, probes)
    bodies = [it for it in items if it.sig is not None]
    first = stored_buckets(conn, bodies, np.array([[keys[it.id]] for it in bodies]), w)
    stored = {it.id: first.get(keys[it.id], []) for it in bodies}
    shorts = [it for it in items if it.sig is None and it.id in keys]
    hits = Hits(shorts, [probes[it.id][:1] for it in shorts])
    for it, ids in zip(shorts, stored_hits(conn, hits, w, limit), strict=True):
        stored[it.id] = ids
    loaded = known(a for ids in stored.values() for a in ids)
    seen: dict[int, list[Item]] = {}  # key -> the run's items so far
    out: dict[int, int] = {}
    for it in items:
        key = keys.get(it.id)
        if key is None:
            continue
        if it.id not in banned:
            near = [loaded[a] for a in stored[it.id] if a in loaded]
            twin = _earliest_twin(it, [*near, *seen.get(key, ())], params)
            if twin is not None:
                out[it.id] = twin.id
        seen.setdefault(key, []).append(it)
    return out


def _earliest_twin(it: Item, near: list[Item], params: Params) -> Item | None:
    best: Item | None = None
    for o in near:
        if abs(o.published - it.published) > params.window:
            continue
        if (best is None or o.published < best.published) and identical(it, o, params):
            best = o
    return best
