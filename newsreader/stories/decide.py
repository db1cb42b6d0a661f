"""The clustering decisions, over `Item`s and document frequencies (no SQL here).

Two articles are *linked* when their headline-and-lead vectors (TF-IDF, headline terms
weighted 1, lead terms 0.5, names 1.3x, labels and feed furniture 0.15) have a cosine of at
least `link`, they share at least `min_shared` informative terms, one of them rare (an anchor:
a name, a number, or a word few articles carry), and their headlines' numbers do not disagree
(two headlines with numbers and none in common are two events: "magnitude 6.1" vs "5.4").

A new article joins a story only when it agrees with the story as a whole, not with one loose
member: it must link to at least one recent member, agree (cosine >= `support`) with at least
`majority` of the story's recent members, and be close to their centroid. Members further
than `window` away in time do not count, and a story whose first member is older than `span`
takes no more articles: a topic a month later is a new story.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsreader.stories.item import FEED, LABEL, NAME, NUMBER, TITLE, Item


@dataclass(frozen=True, slots=True)
class Params:
    window: float = 3 * 86400.0
    span: float = 7 * 86400.0
    link: float = 0.38
    support: float = 0.22
    majority: float = 0.5
    centroid: float = 0.35
    min_shared: int = 2
    anchor_idf: float = 3.0  # a word rarer than this is an anchor on its own
    floor_idf: float = 1.0  # a word commoner than this does not count as shared evidence
    same_feed: float = 0.5  # two items of one feed need this cosine (feeds follow up a story)
    copy_jaccard: float = 0.7
    align_jaccard: float = 0.15
    copy_coverage: float = 0.5
    max_members: int = 30
    idf_prior: float = 50.0  # pseudo-documents: a young store's rare words are not too rare


DEFAULT = Params()


class Vec:
    """An item's weighted terms, their norm, and its headline numbers."""

    __slots__ = ("item", "w", "norm", "numbers", "strong", "max_idf")

    def __init__(self, item: Item, idf: Callable[[int], float], max_idf: float = 99.0) -> None:
        self.item = item
        self.max_idf = max_idf
        w: dict[int, float] = {}
        strong: dict[int, float] = {}
        for t, f in item.flags.items():
            if f & (LABEL | FEED):
                p = 0.15
            elif f & TITLE:
                p = 1.0
            else:
                p = 0.5
            if f & NAME:
                p *= 1.3
            v = idf(t)
            w[t] = p * v
            if p >= 0.5:
                strong[t] = v
        self.w = w
        self.norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
        self.numbers = item.exact_numbers()
        self.strong = strong


def conflict(a: Vec, b: Vec) -> bool:
    """Do the headlines give different exact numbers of one kind (magnitude 6.1 vs 5.4, a
    $1.55bn vs a $1.73bn jackpot, 21 vs 13 satellites, 2-2 vs 0-1)?"""
    if a.numbers and b.numbers:
        for kind, nums in a.numbers.items():
            other = b.numbers.get(kind)
            if other and not (nums & other):
                return True
    return False


def similarity(a: Vec, b: Vec) -> float:
    """Cosine of two items' vectors; 0 when their headline numbers disagree."""
    if conflict(a, b):
        return 0.0
    small, big = (a.w, b.w) if len(a.w) <= len(b.w) else (b.w, a.w)
    dot = 0.0
    for t, x in small.items():
        y = big.get(t)
        if y is not None:
            dot += x * y
    return dot / (a.norm * b.norm)


def evidence(a: Vec, b: Vec, params: Params) -> bool:
    """Do the two share enough informative terms, one of them an anchor (a rare word, a
    name), and one of them saying what happened (not a name: the same people in the news
    two days running are two stories unless the event words agree too)?"""
    shared = 0
    anchor = min(params.anchor_idf, 0.7 * a.max_idf)  # a young store has no word that rare
    has_anchor = event = False
    small, big = (a, b) if len(a.strong) <= len(b.strong) else (b, a)
    fa, fb = a.item.flags, b.item.flags
    for t, v in small.strong.items():
        if t in big.strong and v >= params.floor_idf:
            shared += 1
            name = bool((fa.get(t, 0) | fb.get(t, 0)) & NAME)
            if v >= anchor or name:
                has_anchor = True
            if not name or fa.get(t, 0) & NUMBER:
                event = True
    return has_anchor and event and shared >= params.min_shared


def linked(a: Vec, b: Vec, params: Params, cos: float | None = None) -> bool:
    cos = similarity(a, b) if cos is None else cos
    need = params.same_feed if a.item.feed_id == b.item.feed_id else params.link
    return cos >= need and evidence(a, b, params)


def _centroid_cos(x: Vec, members: list[Vec]) -> float:
    acc: dict[int, float] = {}
    for m in members:
        for t, v in m.w.items():
            acc[t] = acc.get(t, 0.0) + v / m.norm
    norm = math.sqrt(sum(v * v for v in acc.values())) or 1.0
    dot = sum(v * acc[t] for t, v in x.w.items() if t in acc)
    return dot / (x.norm * norm)


def story_score(x: Vec, members: list[Vec], params: Params) -> float | None:
    """How well `x` fits a story (its centroid cosine), or None when it does not fit."""
    t = x.item.published
    active = [m for m in members if abs(m.item.published - t) <= params.window]
    if not active:
        return None
    active = sorted(active, key=lambda m: abs(m.item.published - t))[: params.max_members]
    cos = [similarity(x, m) for m in active]
    if not any(linked(x, m, params, c) for m, c in zip(active, cos, strict=True)):
        return None
    agree = sum(c >= params.support for c in cos)
    if agree <= params.majority * len(active) and len(active) > 1:
        return None  # more than half of the recent members must agree
    score = _centroid_cos(x, active) if len(active) > 1 else cos[0]
    return score if score >= params.centroid else None


def choose(
    x: Vec,
    stories: dict[int, list[Vec]],
    first_seen: dict[int, float],
    params: Params,
    forbidden: Iterable[int] = (),
) -> int | None:
    """The story `x` belongs to among candidate stories, or None for a new story."""
    banned = set(forbidden)
    best, best_score = None, 0.0
    for sid, members in stories.items():
        if sid in banned or x.item.published - first_seen.get(sid, 0.0) > params.span:
            continue
        s = story_score(x, members, params)
        if s is not None and s > best_score:
            best, best_score = sid, s
    return best
