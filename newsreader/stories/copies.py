"""The copies tier: is one article a near-duplicate of another?

Long bodies: the MinHash estimate of their 3-shingle Jaccard similarity; near-identical texts
(>= `copy_jaccard`) are copies outright, a middle band (>= `align_jaccard`) goes to the compare
engine's aligner, which must find that the later text carries at least `copy_coverage` of the
earlier one (a paraphrasing content farm keeps the sentences, not the shingles). Short texts
(headline feeds) are copies when their headline terms and numbers are the same and their leads
nearly so.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from newsreader.stories.decide import Params
from newsreader.stories.item import Item
from newsreader.stories.minhash import jaccard
from newsreader.text.sanitize import stored_text


def short_copy(a: Item, b: Item) -> bool:
    ta, tb = a.title_terms(), b.title_terms()
    if len(ta) < 3 or ta != tb or a.title_numbers() != b.title_numbers():
        return False
    la, lb = a.lead_terms(), b.lead_terms()
    if not la or not lb:
        return not la and not lb
    return len(la & lb) / len(la | lb) >= 0.7


ALIGN_CHARS = 5000  # the aligner judges a copy from its first ~800 words (bounded cost)


def _same_title(a: Item, b: Item) -> bool:
    ta, tb = a.title_terms(), b.title_terms()
    return bool(ta | tb) and len(ta & tb) >= 0.6 * len(ta | tb)


def identical(new: Item, old: Item, params: Params) -> bool:
    """Are the two the same text (syndication, one feed subscribed twice)? Bodies with the
    same signature (an estimated Jaccard of 1), short texts with the same terms and at least
    3 in the headline: `CopyJudge.is_copy` says copy outright for such a pair (and they have a
    cosine of 1), as this does without the other candidates: the text joins its twin's story."""
    if new.feed_id == old.feed_id and not _same_title(new, old):
        return False
    if new.sig is None and old.sig is None:
        return len(new.title_terms()) >= 3 and new.flags == old.flags
    if new.sig is None or old.sig is None or params.copy_jaccard > 1.0:
        return False
    return bool(np.array_equal(new.sig, old.sig))


# The aligner's verdict on one pair of texts: a text carried by several feeds (syndication, a
# wire story, one feed subscribed twice) meets the same other text once per copy. Keyed by the
# hashes and lengths of the aligner's inputs (per process, bounded like the analysis cache).
_ALIGNED: dict[tuple[int, int, int, int], float] = {}
_ALIGNED_MAX = 5_000


def _body(title: str, text: str, author: str | None) -> str:
    body = text if text.startswith(title) else f"{title}\n\n{text}"
    if author:
        body = body.replace("\n\n", f"\n\nBy {author}\n\n", 1)
    return body[:ALIGN_CHARS]


class CopyJudge:
    """Copy decisions for one update run, with a budget of aligner calls (each costs ~10 ms)."""

    def __init__(self, conn: sqlite3.Connection, params: Params, budget: int = 200) -> None:
        self.conn = conn
        self.params = params
        self.budget = budget
        self.aligned = 0

    def is_copy(self, new: Item, old: Item) -> bool:
        if new.feed_id == old.feed_id and not _same_title(new, old):
            return False  # one feed's items share templates; a republished item keeps its title
        if new.sig is None or old.sig is None:
            if new.sig is None and old.sig is None:
                return short_copy(new, old)
            return False
        j = jaccard(new.sig, old.sig)
        if j >= self.params.copy_jaccard:
            return True
        if j < self.params.align_jaccard:
            return False
        if self.aligned >= self.budget:
            return j >= 0.4
        self.aligned += 1
        return self._aligned(new.id, old.id)

    def _aligned(self, copy_id: int, original_id: int) -> bool:
        from newsreader.compare import compare, document_from_text

        rows = {
            i: (title, stored_text(text, html), author)
            for i, title, text, html, author in self.conn.execute(
                "SELECT id, title, text, content_html, author FROM articles WHERE id IN (?, ?)",
                (copy_id, original_id),
            )
        }
        if copy_id not in rows or original_id not in rows:
            return False
        (ct, cb), (ot, ob) = ((rows[a][0], _body(*rows[a])) for a in (copy_id, original_id))
        key = (hash((ct, cb)), len(cb), hash((ot, ob)), len(ob))
        coverage = _ALIGNED.get(key)
        if coverage is None:
            docs = [
                document_from_text(body, f"article:{aid}", title=title)
                for aid, title, body in ((copy_id, ct, cb), (original_id, ot, ob))
            ]
            coverage = compare(docs[0], docs[1]).report.coverage
            if len(_ALIGNED) >= _ALIGNED_MAX:
                _ALIGNED.clear()
            _ALIGNED[key] = coverage
        return coverage >= self.params.copy_coverage
