"""An article as the clustering sees it (`Item`), and its compact stored form.

The terms of an article are kept in `story_articles.terms` as two arrays: 64-bit term ids and
16 flag bits per term (where it stands, what it is). Weights are applied at decision time from
the current document frequencies, so an article is analysed once, when it is first seen.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from newsreader.stories import minhash
from newsreader.stories.text import Terms, term_id

TITLE = 1
LEAD = 2
NAME = 4
NUMBER = 8
TITLE_NUMBER = 16
LABEL = 32  # in a label or an outlet tail ("BBC News:", "- Reuters")
FEED = 64  # in so many of its feed's headlines that it names the feed, not the event
APPROX = 128  # a number given as an estimate ("at least 18")
# The kind of a number (a count has none): numbers of different kinds never contradict.
PERCENT, MONEY, ORDINAL, DECIMAL, SCORE = 256, 512, 1024, 2048, 4096
KINDS = PERCENT | MONEY | ORDINAL | DECIMAL | SCORE


def number_kind(key: str) -> int:
    if "-" in key[1:]:
        return SCORE
    kind = 0
    if key.endswith("$"):
        kind |= MONEY
        key = key[:-1]
    if key.endswith("%"):
        kind |= PERCENT
    elif key.endswith("th"):
        kind |= ORDINAL
    elif key.endswith("."):
        kind |= DECIMAL
    return kind


class Item:
    """One article: its terms (a dict for a new article, arrays for a stored one, each made
    from the other on demand), body signature, byline, and where the run has put it."""

    __slots__ = (
        "id", "feed_id", "published", "sig", "byline", "story", "copy_of", "pinned",
        "title", "_flags", "_blob", "_ids", "_bits", "_title", "_keys", "_probes", "_lead", "_tnum",
    )  # fmt: skip

    def __init__(
        self,
        id: int,
        feed_id: int,
        published: float,
        flags: dict[int, int] | None = None,
        sig: np.ndarray | None = None,
        byline: bool = False,
        story: int = 0,
        copy_of: int | None = None,
        *,
        blob: bytes | None = None,
    ) -> None:
        self.id = id
        self.feed_id = feed_id
        self.published = published
        self.sig = sig
        self.byline = byline
        self.story = story
        self.copy_of = copy_of
        self.pinned = False
        self.title: str | None = None  # the headline, for a new article
        self._flags = flags
        self._blob = blob  # the encoded flags (`encode`), when known: given or made once
        self._ids: np.ndarray | None = None
        self._bits: np.ndarray | None = None
        self._title: frozenset[int] | None = None
        self._keys: list[int] | None = None
        self._probes: list[int] | None = None
        self._lead: frozenset[int] | None = None
        self._tnum: frozenset[int] | None = None
        if flags is None or blob is not None:
            self._ids, self._bits = decode_arrays(blob)

    def __getstate__(self) -> tuple[Any, ...]:
        """Sent to another process as the encoded terms (bytes pickle much faster than a
        dict), without what is derived from them."""
        blob = self.blob()
        sig = minhash.to_bytes(self.sig)
        return (self.id, self.feed_id, self.published, sig, self.byline, self.story,
                self.copy_of, self.pinned, self.title, blob, self._keys)  # fmt: skip

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.id, self.feed_id, self.published, sig, self.byline, self.story,
         self.copy_of, self.pinned, self.title, blob, self._keys) = state  # fmt: skip
        self.sig = minhash.from_bytes(sig)
        self._flags = None
        self._blob = blob
        self._ids, self._bits = decode_arrays(blob)
        self._title = None
        self._probes = None
        self._lead = self._tnum = None

    def blob(self) -> bytes:
        """The terms as stored (`encode`), made once."""
        if self._blob is None:
            self._blob = encode(self.flags)
        return self._blob

    @property
    def flags(self) -> dict[int, int]:
        """Term id -> flag bits."""
        if self._flags is None:
            assert self._ids is not None and self._bits is not None
            self._flags = dict(zip(self._ids.tolist(), self._bits.tolist(), strict=True))
        return self._flags

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(term ids int64, flag bits uint16), in one order."""
        if self._ids is None or self._bits is None:
            f = self.flags
            self._ids = np.fromiter(f.keys(), dtype=np.int64, count=len(f))
            self._bits = np.fromiter(f.values(), dtype=np.uint16, count=len(f))
        return self._ids, self._bits

    def mark(self, terms: set[int], bit: int) -> None:
        """Add `bit` to the flags of `terms` (a new item, before its arrays are made)."""
        f = self.flags
        for t in terms:
            f[t] |= bit
        self._ids = self._bits = None
        self._blob = None
        self._title = None
        self._probes = None
        self._lead = self._tnum = None

    def band_keys(self) -> list[int]:
        """The LSH band keys of the body's signature (none for a short text)."""
        if self._keys is None:
            self._keys = [] if self.sig is None else minhash.band_keys(self.sig)
        return self._keys

    def set_band_keys(self, keys: list[int]) -> None:
        self._keys = keys

    def title_terms(self) -> frozenset[int]:
        if self._title is None:
            self._title = frozenset(
                t for t, f in self.flags.items() if f & TITLE and not f & (LABEL | FEED)
            )
        return self._title

    def title_numbers(self) -> frozenset[int]:
        if self._tnum is None:
            self._tnum = frozenset(t for t, f in self.flags.items() if f & TITLE_NUMBER)
        return self._tnum

    def lead_terms(self) -> frozenset[int]:
        """The lead's terms that are not in the headline."""
        if self._lead is None:
            self._lead = frozenset(t for t, f in self.flags.items() if f & LEAD and not f & TITLE)
        return self._lead

    def exact_numbers(self) -> dict[int, set[int]]:
        """Headline numbers given exactly, by kind (estimates never contradict a report)."""
        out: dict[int, set[int]] = {}
        for t, f in self.flags.items():
            if f & TITLE_NUMBER and not f & APPROX:
                out.setdefault(f & KINDS, set()).add(t)
        return out

    def probe_terms(self) -> list[int]:
        """Terms worth looking up in the postings: the headline's and the lead's names (a
        new list each call, made once)."""
        if self._probes is None:
            self._probes = [
                t
                for t, f in self.flags.items()
                if not f & (LABEL | FEED) and (f & TITLE or (f & (NAME | NUMBER)))
            ]
        return list(self._probes)


def flags_of(terms: Terms) -> dict[int, int]:
    out: dict[int, int] = {}
    get = out.get
    tid = term_id
    furniture = terms.furniture
    for t in terms.title:
        i = tid(t)
        out[i] = get(i, 0) | (TITLE | LABEL if t in furniture else TITLE)
    for t in terms.lead:
        i = tid(t)
        out[i] = get(i, 0) | LEAD
    for t in terms.names:
        i = tid(t)
        out[i] = get(i, 0) | NAME
    for n in terms.numbers:
        in_title = n in terms.title_numbers
        bits = NUMBER | number_kind(n) | (TITLE_NUMBER | TITLE if in_title else LEAD)
        i = tid(n)
        out[i] = get(i, 0) | bits | (APPROX if n in terms.approx else 0)
    return out


def encode(flags: dict[int, int]) -> bytes:
    ids = np.fromiter(flags.keys(), dtype="<i8", count=len(flags))
    bits = np.fromiter(flags.values(), dtype="<u2", count=len(flags))
    return ids.tobytes() + bits.tobytes()


def decode_arrays(blob: bytes | None) -> tuple[np.ndarray, np.ndarray]:
    """(term ids, flag bits) of a stored blob, without copying."""
    if not blob:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint16)
    n = len(blob) // 10
    ids = np.frombuffer(blob, dtype="<i8", count=n)
    bits = np.frombuffer(blob, dtype="<u2", offset=8 * n, count=n)
    return ids, bits


def decode(blob: bytes | None) -> dict[int, int]:
    ids, bits = decode_arrays(blob)
    return dict(zip(ids.tolist(), bits.tolist(), strict=True))
