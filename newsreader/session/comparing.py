"""Use cases of compare sources: load a side (file, URL, stored article), find a stored
article's original, compare. Loading and aligning run in threads; pages are fetched with the
session's client (the user's size caps and timeouts)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.session.base import SessionBase
from newsreader.text.urls import is_web

if TYPE_CHECKING:
    from newsreader.compare.follow import FollowResult
    from newsreader.compare.model import Candidate, CompareResult, Document

CONFIDENT = 0.5  # a best candidate this sure is compared at once; below, the user picks


@dataclass(slots=True)
class CompareOutcome:
    """What `compare_article` found. `result` is set when a stored candidate was compared
    (`chosen`; `swapped` when the article turned out to be the original, so its copy is on the
    left) or when a page the copy links to is its original (`followed.best`). `followed` says
    what following the copy's source links gave, when the store had no confident original."""

    left: Document
    candidates: list[Candidate] = field(default_factory=list)
    result: CompareResult | None = None
    chosen: Candidate | None = None
    swapped: bool = False
    followed: FollowResult | None = None

    @property
    def copies(self) -> set[str]:
        """Specs of the candidates that are copies of the article (they go on the left)."""
        from newsreader.compare.find import COPY_REASON

        return {f"article:{c.article_id}" for c in self.candidates if c.reason == COPY_REASON}


def document_spec(raw: str) -> str:
    """What a user typed -> a document spec: `123` (not a file) is a stored article, `~` is
    expanded, URLs and paths stay as they are."""
    raw = raw.strip()
    if raw.isdigit() and not os.path.exists(raw):
        return f"article:{raw}"
    if raw.startswith("~"):
        return os.path.expanduser(raw)
    return raw


def needs_store(raw: str) -> bool:
    return document_spec(raw).startswith("article:")


class Comparing(SessionBase):
    async def load_document(self, raw: str) -> Document:
        """One side: a stored article (`123`, `article:123`), an http(s) URL or a file."""
        from newsreader.compare import document_from_html, load_document
        from newsreader.sources.fetch import fetch_html

        spec = document_spec(raw)
        if is_web(spec):
            html, final = await fetch_html(spec, self.fetcher())
            return await asyncio.to_thread(document_from_html, html, final or spec)
        store = self.store if spec.startswith("article:") else None
        return await asyncio.to_thread(load_document, spec, store=store)

    async def compare_documents(self, left: Document, right: Document) -> CompareResult:
        from newsreader.compare import compare

        return await asyncio.to_thread(compare, left, right)

    async def compare_with(
        self, left: Document, raw: str, copies: set[str] | None = None
    ) -> CompareResult:
        """Compare `left` with the document `raw` names; a known copy of `left` goes left."""
        right = await self.load_document(raw)
        if document_spec(raw) in (copies or set()):
            left, right = right, left
        return await self.compare_documents(left, right)

    async def follow_source(self, copy: Document, *, read_copy_page: bool = True) -> FollowResult:
        """Fetch the pages the copy most likely took its text from (its "Source", "via",
        canonical … links) with the session's client, and compare the copy with each."""
        from newsreader.compare.follow import follow_source
        from newsreader.sources.fetch import fetch_html

        fetcher = self.fetcher()
        return await follow_source(
            copy, lambda url: fetch_html(url, fetcher), read_copy_page=read_copy_page
        )

    async def compare_article(
        self, article_id: int, *, confident: float = CONFIDENT, online: bool = True
    ) -> CompareOutcome:
        """Find the original of a stored article and compare with it.

        First among the stored articles: when the best candidate scores at least `confident`
        it is compared (the article is the copy, on the left, unless the candidate is a copy
        of it: then the sides swap). Otherwise, with `online`, the copy's source links are
        followed (`follow_source`) and a linked page it derives from is compared."""
        from newsreader.compare import find_original

        left = await self.load_document(f"article:{article_id}")
        candidates = await asyncio.to_thread(find_original, left, self.store)
        outcome = CompareOutcome(left, candidates)
        if not candidates or candidates[0].score < confident:
            if online:
                outcome.followed = await self.follow_source(left)
                if outcome.followed.best is not None:
                    outcome.result = outcome.followed.best.result
            return outcome
        best = candidates[0]
        spec = f"article:{best.article_id}"
        outcome.chosen = best
        outcome.swapped = spec in outcome.copies
        outcome.result = await self.compare_with(left, spec, outcome.copies)
        return outcome
