"""Paraphrase-aware sentence similarity: character n-gram TF-IDF cosine.

Character n-grams inside word boundaries (3 to 5 characters, like scikit-learn's "char_wb")
survive inflection and spelling variants ("stabilising" / "stabilizing", "establish" /
"established") and weight rare words (names, numbers) far above function words. The cosine of
every left segment with every right segment is one matrix product over the n-grams the two sides
share (numpy, float32); merged segments (2 into 1) are scored from the same pieces.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    out = [padded[i : i + k] for k in (3, 4, 5) for i in range(n - k + 1)]
    return tuple(out) if out else (padded,)


def _grams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for word in _TOKEN.findall(text.lower().replace("’", "'")):
        counts.update(_word_grams(word))
    return counts


class Similarity:
    """Cosine similarities between two lists of texts, with merge scoring."""

    def __init__(self, left: list[str], right: list[str]) -> None:
        lc = [_grams(t) for t in left]
        rc = [_grams(t) for t in right]
        df: Counter[str] = Counter()
        for c in lc:
            df.update(c.keys())
        for c in rc:
            df.update(c.keys())
        total = len(lc) + len(rc)
        ids: dict[str, int] = {}
        idf_list: list[float] = []
        for g, d in df.items():
            ids[g] = len(ids)
            idf_list.append(math.log((1 + total) / (1 + d)) + 1.0)
        idf = np.asarray(idf_list, dtype=np.float32)
        self.lvec = [self._vector(c, ids, idf) for c in lc]
        self.rvec = [self._vector(c, ids, idf) for c in rc]
        self.lnorm = np.asarray([float(np.dot(w, w)) for _, w in self.lvec], dtype=np.float64)
        self.rnorm = np.asarray([float(np.dot(w, w)) for _, w in self.rvec], dtype=np.float64)
        self.dot = self._cross(len(ids))
        denom = np.sqrt(np.outer(self.lnorm, self.rnorm))
        denom[denom == 0] = 1.0
        self.cos = (self.dot / denom).astype(np.float32)

    @staticmethod
    def _vector(
        counts: Counter[str], ids: dict[str, int], idf: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        cols = np.fromiter(map(ids.__getitem__, counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        order = np.argsort(cols)
        cols = cols[order]
        w = (1.0 + np.log(tf[order])) * idf[cols]
        return cols, w.astype(np.float32)

    def _cross(self, vocab: int) -> np.ndarray:
        nl, nr = len(self.lvec), len(self.rvec)
        if not nl or not nr:
            return np.zeros((nl, nr), dtype=np.float64)
        lcols = np.concatenate([c for c, _ in self.lvec]) if nl else np.zeros(0, np.int64)
        rcols = np.concatenate([c for c, _ in self.rvec]) if nr else np.zeros(0, np.int64)
        shared = np.intersect1d(lcols, rcols)
        remap = np.full(vocab, -1, dtype=np.int64)
        remap[shared] = np.arange(len(shared))
        lm = self._dense(self.lvec, remap, len(shared))
        rm = self._dense(self.rvec, remap, len(shared))
        return (lm @ rm.T).astype(np.float64)

    @staticmethod
    def _dense(
        vecs: list[tuple[np.ndarray, np.ndarray]], remap: np.ndarray, width: int
    ) -> np.ndarray:
        m = np.zeros((len(vecs), max(width, 1)), dtype=np.float32)
        for row, (cols, w) in enumerate(vecs):
            local = remap[cols]
            keep = local >= 0
            m[row, local[keep]] = w[keep]
        return m

    # ------------------------------------------------------------------ merged segments
    @staticmethod
    def _self_dot(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
        _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
        return float(np.dot(a[1][ia], b[1][ib]))

    def _norm2(self, vecs: list, norms: np.ndarray, idx: list[int]) -> float:
        total = float(sum(norms[i] for i in idx))
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                total += 2.0 * self._self_dot(vecs[idx[x]], vecs[idx[y]])
        return total

    def merged(self, left: list[int], right: list[int]) -> float:
        """Cosine of the concatenation of `left` segments with that of `right` segments."""
        if not left or not right:
            return 0.0
        if len(left) == 1 and len(right) == 1:
            return float(self.cos[left[0], right[0]])
        dot = float(self.dot[np.ix_(left, right)].sum())
        denom = math.sqrt(
            self._norm2(self.lvec, self.lnorm, left) * self._norm2(self.rvec, self.rnorm, right)
        )
        return dot / denom if denom else 0.0
