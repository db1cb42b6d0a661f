"""An article as the clustering sees it (`Item`), and its compact stored form.

The terms of an article are kept in `story_articles.terms` as two arrays: 64-bit term ids and
16 flag bits per term (where it stands, what it is). Weights are applied at decision time from
the current document frequencies, so an article is analysed once, when it is first seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


@dataclass(slots=True)
class Item:
    id: int
    feed_id: int
    published: float
    flags: dict[int, int]  # term id -> flag bits
    sig: np.ndarray | None = None
    byline: bool = False
    story: int = 0
    copy_of: int | None = None
    pinned: bool = False

    def title_terms(self) -> set[int]:
        return {t for t, f in self.flags.items() if f & TITLE and not f & (LABEL | FEED)}

    def title_numbers(self) -> set[int]:
        return {t for t, f in self.flags.items() if f & TITLE_NUMBER}

    def exact_numbers(self) -> dict[int, set[int]]:
        """Headline numbers given exactly, by kind (estimates never contradict a report)."""
        out: dict[int, set[int]] = {}
        for t, f in self.flags.items():
            if f & TITLE_NUMBER and not f & APPROX:
                out.setdefault(f & KINDS, set()).add(t)
        return out

    def probe_terms(self) -> list[int]:
        """Terms worth looking up in the postings: the headline's and the lead's names."""
        return [
            t
            for t, f in self.flags.items()
            if not f & (LABEL | FEED) and (f & TITLE or (f & (NAME | NUMBER)))
        ]


def flags_of(terms: Terms) -> dict[int, int]:
    out: dict[int, int] = {}

    def put(term: str, bit: int) -> None:
        tid = term_id(term)
        out[tid] = out.get(tid, 0) | bit

    for t in terms.title:
        put(t, TITLE | (LABEL if t in terms.furniture else 0))
    for t in terms.lead:
        put(t, LEAD)
    for t in terms.names:
        put(t, NAME)
    for n in terms.numbers:
        put(n, NUMBER | (TITLE_NUMBER if n in terms.title_numbers else 0))
        if n in terms.approx:
            put(n, APPROX)
        put(n, number_kind(n))
        if n in terms.title_numbers:
            put(n, TITLE)
        else:
            put(n, LEAD)
    return out


def encode(flags: dict[int, int]) -> bytes:
    ids = np.fromiter(flags.keys(), dtype="<i8", count=len(flags))
    bits = np.fromiter(flags.values(), dtype="<u2", count=len(flags))
    return ids.tobytes() + bits.tobytes()


def decode(blob: bytes | None) -> dict[int, int]:
    if not blob:
        return {}
    n = len(blob) // 10
    ids = np.frombuffer(blob, dtype="<i8", count=n)
    bits = np.frombuffer(blob, dtype="<u2", offset=8 * n, count=n)
    return dict(zip(ids.tolist(), bits.tolist(), strict=True))
