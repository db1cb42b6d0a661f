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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from newsreader.stories.item import NAME, NUMBER
from newsreader.stories.vectors import Vec, centroid_cosine


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


def linked(a: Vec, b: Vec, params: Params, cos: float) -> bool:
    need = params.same_feed if a.item.feed_id == b.item.feed_id else params.link
    return cos >= need and evidence(a, b, params)


def story_score(
    x: Vec, members: list[Vec], params: Params, cos: Mapping[int, float]
) -> float | None:
    """How well `x` fits a story (its centroid cosine), or None when it does not fit; `cos`
    holds the cosine of `x` with each member (by item id)."""
    t = x.item.published
    active = [m for m in members if abs(m.item.published - t) <= params.window]
    if not active:
        return None
    active = sorted(active, key=lambda m: abs(m.item.published - t))[: params.max_members]
    cs = [cos[m.item.id] for m in active]
    if not any(linked(x, m, params, c) for m, c in zip(active, cs, strict=True)):
        return None
    agree = sum(c >= params.support for c in cs)
    if agree <= params.majority * len(active) and len(active) > 1:
        return None  # more than half of the recent members must agree
    score = centroid_cosine(x, active) if len(active) > 1 else cs[0]
    return score if score >= params.centroid else None


def choose(
    x: Vec,
    stories: dict[int, list[Vec]],
    first_seen: dict[int, float],
    params: Params,
    cos: Mapping[int, float],
    forbidden: Iterable[int] = (),
) -> int | None:
    """The story `x` belongs to among candidate stories, or None for a new story."""
    banned = set(forbidden)
    best, best_score = None, 0.0
    for sid, members in stories.items():
        if sid in banned or x.item.published - first_seen.get(sid, 0.0) > params.span:
            continue
        s = story_score(x, members, params, cos)
        if s is not None and s > best_score:
            best, best_score = sid, s
    return best
