"""Weighted term vectors of items and their cosines, over numpy arrays.

An item's vector: TF-IDF over its headline and lead terms (headline 1, lead 0.5, names 1.3x,
labels and feed furniture 0.15), the IDF from the document frequencies of one update run. The
vectors of every item a run looks at are weighted in one pass over their concatenated term
arrays; a new item's cosines with all its candidates are one pass too (its sorted term ids
looked up in the candidates' concatenated ids). Headlines whose exact numbers disagree have a
cosine of 0 (two events: "magnitude 6.1" vs "5.4").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from newsreader.stories.item import FEED, LABEL, NAME, TITLE, TITLE_NUMBER, Item


class Vec:
    """An item's term ids, weights (`w`), norm and exact headline numbers; `strong` (term ->
    IDF of the headline and lead terms) and the sorted arrays are made when first needed."""

    __slots__ = ("item", "ids", "w", "idf", "p", "norm", "numbers", "max_idf", "_strong", "_sorted")

    def __init__(
        self,
        item: Item,
        ids: np.ndarray,
        w: np.ndarray,
        idf: np.ndarray,
        p: np.ndarray,
        norm: float,
        max_idf: float,
        numbers: bool = True,
    ) -> None:
        self.item = item
        self.ids = ids
        self.w = w
        self.idf = idf
        self.p = p
        self.norm = norm or 1.0
        self.max_idf = max_idf
        self.numbers = item.exact_numbers() if numbers else {}
        self._strong: dict[int, float] | None = None
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def strong(self) -> dict[int, float]:
        """Headline and lead terms (not furniture) and their IDF: the evidence two share."""
        if self._strong is None:
            keep = self.p >= 0.5
            self._strong = dict(zip(self.ids[keep].tolist(), self.idf[keep].tolist(), strict=True))
        return self._strong

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        if self._sorted is None:
            order = np.argsort(self.ids, kind="stable")
            self._sorted = (self.ids[order], self.w[order])
        return self._sorted


class Weights:
    """IDF from one run's document frequencies (`df`: term -> count, `n` documents)."""

    def __init__(self, df: Mapping[int, int], n: int, prior: float) -> None:
        self.ids = np.fromiter(df.keys(), dtype=np.int64, count=len(df))
        vals = np.fromiter(df.values(), dtype=np.float64, count=len(df))
        order = np.argsort(self.ids)
        self.ids, self.vals = self.ids[order], vals[order]
        self.top = math.log(n + prior)
        self.max_idf = self.top  # a term no article carries yet (df 0)

    def idf(self, ids: np.ndarray) -> np.ndarray:
        if not len(self.ids):
            return np.full(len(ids), self.top)
        pos = np.searchsorted(self.ids, ids)
        pos[pos >= len(self.ids)] = 0
        df = np.where(self.ids[pos] == ids, self.vals[pos], 0.0)
        out: np.ndarray = self.top - np.log(df + 1.0)
        return out

    def vecs(self, items: Sequence[Item]) -> list[Vec]:
        """The vectors of `items`, weighted in one pass."""
        if not items:
            return []
        arrays = [it.arrays() for it in items]
        lens = np.fromiter((len(a[0]) for a in arrays), dtype=np.int64, count=len(arrays))
        ids = np.concatenate([a[0] for a in arrays]).astype(np.int64, copy=False)
        bits = np.concatenate([a[1] for a in arrays]).astype(np.int64)
        p = np.where(bits & (LABEL | FEED), 0.15, np.where(bits & TITLE, 1.0, 0.5))
        p = p * np.where(bits & NAME, 1.3, 1.0)
        idf = self.idf(ids)
        w = p * idf
        ends = np.cumsum(lens)
        starts = ends - lens
        sq = np.concatenate(([0.0], np.cumsum(w * w)))
        norms = np.sqrt(sq[ends] - sq[starts]).tolist()
        tn = np.concatenate(([0], np.cumsum((bits & TITLE_NUMBER) != 0)))
        numbered = (tn[ends] > tn[starts]).tolist()  # items with headline numbers
        lo, hi = starts.tolist(), ends.tolist()
        top = self.max_idf
        return [
            Vec(it, ids[a:b], w[a:b], idf[a:b], p[a:b], norm, top, num)
            for it, a, b, norm, num in zip(items, lo, hi, norms, numbered, strict=True)
        ]


def conflict(a: Vec, b: Vec) -> bool:
    """Do the headlines give different exact numbers of one kind (magnitude 6.1 vs 5.4, a
    $1.55bn vs a $1.73bn jackpot, 21 vs 13 satellites, 2-2 vs 0-1)?"""
    if a.numbers and b.numbers:
        for kind, nums in a.numbers.items():
            other = b.numbers.get(kind)
            if other and not (nums & other):
                return True
    return False


def cosines(x: Vec, others: Sequence[Vec]) -> list[float]:
    """The cosine of `x` with each of `others` (0 where their headline numbers disagree)."""
    if not others:
        return []
    sids, sw = x.sorted()
    if not len(sids):
        return [0.0] * len(others)
    lens = [len(o.ids) for o in others]
    ids = np.concatenate([o.ids for o in others])
    w = np.concatenate([o.w for o in others])
    seg = np.repeat(np.arange(len(others)), lens)
    pos = np.searchsorted(sids, ids)
    pos[pos >= len(sids)] = 0
    hit = sids[pos] == ids
    dots = np.bincount(seg[hit], weights=w[hit] * sw[pos[hit]], minlength=len(others))
    norms = np.fromiter((o.norm for o in others), dtype=np.float64, count=len(others))
    out: list[float] = (dots / (x.norm * norms)).tolist()
    if x.numbers:
        for k, o in enumerate(others):
            if o.numbers and out[k] and conflict(x, o):
                out[k] = 0.0
    return out


def centroid_cosine(x: Vec, members: Sequence[Vec]) -> float:
    """The cosine of `x` with the sum of the members' unit vectors."""
    ids = np.concatenate([m.ids for m in members])
    w = np.concatenate([m.w / m.norm for m in members])
    uniq, inv = np.unique(ids, return_inverse=True)
    acc = np.bincount(inv, weights=w, minlength=len(uniq))
    norm = math.sqrt(float(acc @ acc)) or 1.0
    pos = np.searchsorted(uniq, x.ids)
    pos[pos >= len(uniq)] = 0
    hit = uniq[pos] == x.ids
    dot = float(x.w[hit] @ acc[pos[hit]])
    return dot / (x.norm * norm)


def similarity(a: Vec, b: Vec) -> float:
    """The cosine of two vectors (0 when their headline numbers disagree)."""
    return cosines(a, [b])[0]
