"""Data model of a comparison (the copy on the left, the original on the right).

Plain dataclasses, no I/O: the engine fills them, the CLI (`to_json`, `render`) and the UI read
them. All strings that came from an article are already cleaned of control characters, but are
still untrusted: render them as plain text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SegmentKind = Literal[
    "headline", "standfirst", "kicker", "subhead", "byline", "caption", "body", "boilerplate"
]
RowKind = Literal["same", "changed", "moved", "left_only", "right_only"]
FactKind = Literal[
    "quote_paraphrased",  # a direct quote of the original became indirect speech in the copy
    "quote_dropped",  # a direct quote of the original is absent from the copy
    "name_dropped",  # a person or organisation named in the original is absent
    "number_changed",  # a number differs between aligned sentences
    "attribution_dropped",  # "X said" / "according to X" gone or weakened
    "hedge_removed",  # "may", "could", "cautioned" ... gone: the claim got firmer
    "boilerplate",  # aggregator padding (disclaimer, share prompt, copyright ...)
]
DiffTag = Literal["equal", "insert", "delete", "replace"]


@dataclass(slots=True)
class Segment:
    text: str
    kind: SegmentKind = "body"


@dataclass(slots=True)
class OutLink:
    """A link of the page a document came from, with what a reader sees around it."""

    url: str  # absolute http(s)
    text: str  # anchor text (or its title attribute)
    before: str = ""  # the text just before it in its block ("Source:", "Originally by")
    zone: str = "page"  # "article" (inside <article>/<main>), "furniture" (nav, footer ...)
    position: float = 0.0  # its place among the page's links, 0 (first) .. 1 (last)
    rel: str = ""  # the rel attribute ("nofollow", "external" ...)


@dataclass(slots=True)
class Document:
    """One side of a comparison."""

    title: str | None
    source: str  # file path, URL or "article:ID"
    segments: list[Segment]
    links: list[str] = field(default_factory=list)  # outbound links (to find a primary source)
    byline: str | None = None
    article_id: int | None = None  # when loaded from the store
    url: str | None = None  # the page the text came from (a stored article's link)
    outlinks: list[OutLink] = field(default_factory=list)  # the page's links, with their text
    canonical: str | None = None  # the page's canonical URL (rel=canonical, else og:url)


@dataclass(slots=True)
class DiffOp:
    """One run of a word-level diff between the left and the right text of a row."""

    tag: DiffTag
    left: str  # words on the copy side ("" for insert-on-right-only ops)
    right: str  # words on the original side


@dataclass(slots=True)
class Fact:
    kind: FactKind
    label: str  # short chip text, e.g. "quote → paraphrase", "1,200 → 1,500"
    left: str | None = None  # the copy's value, if any
    right: str | None = None  # the original's value, if any


@dataclass(slots=True)
class Row:
    left: list[int]  # indices into left.segments (empty for right_only)
    right: list[int]  # indices into right.segments (empty for left_only)
    kind: RowKind
    score: float  # similarity in [0, 1]; 0 for one-sided rows
    facts: list[Fact] = field(default_factory=list)
    diff: list[DiffOp] = field(default_factory=list)  # word diff for same/changed/moved rows
    moved_from: int | None = None  # for "moved": index of the row where its text sat in the
    # other side's reading order (a pointer for the view), else None


@dataclass(slots=True)
class Report:
    coverage: float  # share of the original's body carried over (0..1)
    quotes_lost: list[str] = field(default_factory=list)  # the original's quoted text
    quotes_kept: list[str] = field(default_factory=list)
    names_lost: list[str] = field(default_factory=list)
    numbers_changed: list[tuple[str, str]] = field(default_factory=list)  # (left, right)
    boilerplate: list[int] = field(default_factory=list)  # left segment indices
    byline_dropped: bool = False
    derived: bool = True  # is the copy derived from the original at all (verdict.py)?
    derived_confidence: float = 1.0  # confidence in that, 0..1 (0.5 is the flip point)


@dataclass(slots=True)
class CompareResult:
    left: Document
    right: Document
    rows: list[Row]
    report: Report


@dataclass(slots=True)
class Candidate:
    """A stored article that may be the original of a copy."""

    article_id: int
    title: str
    feed_title: str | None
    score: float  # confidence in [0, 1]
    reason: str  # e.g. "linked from the copy", "near-duplicate text"
    derived_confidence: float = 0.0  # the sentence-level verdict (compare's report)
