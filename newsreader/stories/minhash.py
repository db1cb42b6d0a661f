"""MinHash signatures of article bodies and their LSH band keys (numpy, ~60 lines).

A body is a set of word 3-shingles (folded words, function words kept: copies keep a text's
phrasing); each shingle is a 64-bit hash built from the words' CRC-32s. Its signature is the
minimum of 64 multiply-shift hashes over the set, so two signatures agree in a position with
probability equal to the sets' Jaccard similarity. 21 bands of 3 positions give each band a
key: two bodies share a key with probability 1 - (1 - J^3)^21 (J = 0.3: 43%, 0.4: 74%,
0.5: 94%, 0.6: 99%; unrelated articles, J < 0.05: < 0.3%). Hashes are seeded constants:
signatures stay valid across runs and machines (they are stored).
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from newsreader.text.safetext import fold

HASHES = 64
BANDS = 21
ROWS = 3
SHINGLE = 3
MIN_WORDS = 50  # shorter bodies (headline feeds) have no signature

_rng = np.random.default_rng(20240612)
_A = (_rng.integers(1, 2**63, size=HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1))[:, None]
_B = _rng.integers(0, 2**63, size=HASHES, dtype=np.uint64)[:, None]
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


MAX_CHARS = 8000  # a copy shows in its first thousand words


class _Crc(dict[str, int]):
    """Word -> CRC-32, cached (lookups of known words stay in C)."""

    def __missing__(self, word: str) -> int:
        if len(self) > 50_000:  # ~5 MB
            self.clear()
        h = self[word] = zlib.crc32(word.encode())
        return h


_CRC = _Crc()


def _word_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(fold(text[:MAX_CHARS]))
    return np.fromiter(map(_CRC.__getitem__, words), dtype=np.uint64, count=len(words))


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (64 uint32) of a body, or None when it is too short."""
    h = _word_hashes(text)
    if len(h) < MIN_WORDS:
        return None
    with np.errstate(over="ignore"):
        sh = h[:-2] * _MIX[0] + h[1:-1] * _MIX[1] + h[2:] * _MIX[2]
        # A repeated shingle changes no minimum, and the shift is monotone: the minimum of
        # the shifted hashes is the shifted minimum (one pass over 64 x shingles, in place).
        vals = np.multiply(_A, sh[None, :])
        vals += _B
    out: np.ndarray = (vals.min(axis=1) >> np.uint64(32)).astype(np.uint32)
    return out


def band_keys(sig: np.ndarray) -> list[int]:
    """One 63-bit key per band (the band's number is part of the key)."""
    out: list[int] = band_matrix(sig[None, :])[0].tolist()
    return out


def band_matrix(sigs: np.ndarray) -> np.ndarray:
    """The band keys of many signatures at once (one row of int64 keys per signature)."""
    rows = sigs[:, : BANDS * ROWS].astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MIX[None, None, :]).sum(axis=2, dtype=np.uint64)
        keys = keys + np.arange(BANDS, dtype=np.uint64)[None, :] * np.uint64(0x9E3779B97F4A7C15)
    out: np.ndarray = (keys >> np.uint64(1)).astype(np.int64)
    return out


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.count_nonzero(a == b)) / HASHES


def to_bytes(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def from_bytes(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype="<u4")
