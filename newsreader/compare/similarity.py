"""Paraphrase-aware sentence similarity: character n-gram TF-IDF cosine.

Character n-grams inside word boundaries (3 and 4 characters, like scikit-learn's "char_wb")
survive inflection and spelling variants ("stabilising" / "stabilizing", "establish" /
"established") and weight rare words (names, numbers) far above function words. The cosine of
every left segment with every right segment is one matrix product over the n-grams the two sides
share (numpy, float32); merged segments (2 into 1) are scored from the same pieces.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from newsreader.text.safetext import fold

_TOKEN = re.compile(r"\w+")


_GRAM_ID: dict[str, int] = {}  # every n-gram seen gets a stable id (cleared when it grows big)
_MAX_VOCAB = 2_000_000
_NGRAMS = (3, 4)  # 5-grams added nothing on our pairs and cost 20% of the time


@lru_cache(maxsize=65536)
def _word_ids(word: str) -> tuple[int, ...]:
    padded = f" {word} "
    n = len(padded)
    grams = [padded[i : i + k] for k in _NGRAMS for i in range(n - k + 1)] or [padded]
    ids = _GRAM_ID
    return tuple([ids.setdefault(g, len(ids)) for g in grams])


_EMPTY = np.zeros(0, np.int64)


def _side(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, n-gram id, count) triples of a side, sorted by row then id."""
    flat: list[int] = []
    lengths: list[int] = []
    for text in texts:
        start = len(flat)
        for token in _TOKEN.findall(fold(text)):
            flat.extend(_word_ids(token))
        lengths.append(len(flat) - start)
    if not flat:
        return _EMPTY, _EMPTY, np.zeros(0, np.float32)
    ids = np.array(flat, dtype=np.int64)
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    width = len(_GRAM_ID) + 1
    keys, tf = np.unique(rows * width + ids, return_counts=True)
    return keys // width, keys % width, tf.astype(np.float32)


def clear_caches() -> None:
    """Forget the n-gram vocabulary (benchmarks measure cold runs with this)."""
    _GRAM_ID.clear()
    _word_ids.cache_clear()


class Similarity:
    """Cosine similarities between two lists of texts, with merge scoring."""

    def __init__(self, left: list[str], right: list[str]) -> None:
        if len(_GRAM_ID) > _MAX_VOCAB:
            clear_caches()
        lrow, lcol, ltf = _side(left)
        rrow, rcol, rtf = _side(right)
        # Ids local to this pair: arrays sized by the pair's n-grams, not by every n-gram the
        # process has seen (the global table grows with each comparison in a long session).
        grams, local = np.unique(np.concatenate([lcol, rcol]), return_inverse=True)
        vocab = len(grams)
        lcol, rcol = local[: len(lcol)], local[len(lcol) :]
        df = np.bincount(local, minlength=vocab)
        total = len(left) + len(right)
        idf = (np.log((1.0 + total) / (1.0 + df)) + 1.0).astype(np.float32)
        lw = (1.0 + np.log(ltf)) * idf[lcol]
        rw = (1.0 + np.log(rtf)) * idf[rcol]
        self.lvec = self._split(lrow, lcol, lw, len(left))
        self.rvec = self._split(rrow, rcol, rw, len(right))
        self.lnorm = np.bincount(lrow, weights=lw.astype(np.float64) ** 2, minlength=len(left))
        self.rnorm = np.bincount(rrow, weights=rw.astype(np.float64) ** 2, minlength=len(right))
        shared = np.intersect1d(lcol, rcol)
        remap = np.full(vocab, -1, dtype=np.int64)
        remap[shared] = np.arange(len(shared))
        lm = self._dense(lrow, remap[lcol], lw, len(left), len(shared))
        rm = self._dense(rrow, remap[rcol], rw, len(right), len(shared))
        self.dot = lm @ rm.T  # float32: a 2,500 x 2,500 pair stays within ~100 MB
        denom = np.sqrt(np.outer(self.lnorm, self.rnorm)).astype(np.float32)
        denom[denom == 0] = 1.0
        self.cos = self.dot / denom

    @staticmethod
    def _split(
        rows: np.ndarray, cols: np.ndarray, w: np.ndarray, n: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        bounds = np.searchsorted(rows, np.arange(n + 1))
        return [(cols[a:b], w[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]

    @staticmethod
    def _dense(
        rows: np.ndarray, local: np.ndarray, w: np.ndarray, n: int, width: int
    ) -> np.ndarray:
        m = np.zeros((n, max(width, 1)), dtype=np.float32)
        keep = local >= 0
        m[rows[keep], local[keep]] = w[keep]
        return m

    # ------------------------------------------------------------------ merged segments
    @staticmethod
    def _self_dot(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
        _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
        return float(np.dot(a[1][ia], b[1][ib]))

    def _norm2(
        self, vecs: list[tuple[np.ndarray, np.ndarray]], norms: np.ndarray, idx: list[int]
    ) -> float:
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
