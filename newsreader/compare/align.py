"""Monotone sentence alignment with merges, splits and a second pass for moved sentences.

1. Candidate links: each segment's best few partners above a floor (kinds must be compatible:
   a byline never aligns with body text).
2. The heaviest chain of candidates increasing on both sides (a weighted longest increasing
   subsequence, O(n log n)): the backbone of the alignment in reading order.
3. Merges and splits: a neighbour that makes a linked pair more similar when concatenated
   joins it (2 into 1, 1 into 2, up to 3).
4. Gaps between backbone links are aligned by a small exact DP with a lower floor (the
   surrounding links vouch for the position).
5. What is left on both sides and still clearly similar is a moved sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from newsreader.compare.similarity import Similarity
from newsreader.text.safetext import fold

LINK_FLOOR = 0.2  # candidate links for the backbone
GAP_FLOOR = 0.14  # links inside a gap between two backbone links
MOVE_FLOOR = 0.32  # a crossing pair must be this similar to count as moved
MERGE_GAIN = 0.015  # a merge must raise the cosine by this much
TOP_K = 3

_CLASS = {
    "headline": "front",
    "standfirst": "front",
    "kicker": "kicker",
    "subhead": "front",
    "byline": "byline",
    "caption": "caption",
    "body": "body",
}
_COMPATIBLE = {
    ("front", "front"),
    ("front", "body"),
    ("body", "front"),
    ("body", "body"),
    ("kicker", "kicker"),
    ("byline", "byline"),
    ("caption", "caption"),
    ("caption", "body"),
    ("body", "caption"),
}


@dataclass(slots=True)
class Link:
    left: list[int]
    right: list[int]
    score: float
    moved: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _mask(sim: Similarity, lkinds: list[str], rkinds: list[str]) -> np.ndarray:
    cos: np.ndarray = sim.cos.copy()
    lcls = [_CLASS.get(k) for k in lkinds]
    rcls = [_CLASS.get(k) for k in rkinds]
    for a in set(lcls):
        for b in set(rcls):
            if a is None or b is None or (a, b) not in _COMPATIBLE:
                rows = [i for i, c in enumerate(lcls) if c == a]
                cols = [j for j, c in enumerate(rcls) if c == b]
                cos[np.ix_(rows, cols)] = 0.0
    # Headlines go together when they share anything at all: they announce the same story.
    lh = [i for i, k in enumerate(lkinds) if k == "headline"]
    rh = [j for j, k in enumerate(rkinds) if k == "headline"]
    if lh and rh and cos[lh[0], rh[0]] >= 0.04:
        cos[lh[0], rh[0]] = max(float(cos[lh[0], rh[0]]), LINK_FLOOR) + 0.5
    return cos


def _candidates(cos: np.ndarray) -> list[tuple[int, int]]:
    nl, nr = cos.shape
    pairs: set[tuple[int, int]] = set()
    if not nl or not nr:
        return []
    k = min(TOP_K, nr)
    top = np.argpartition(-cos, k - 1, axis=1)[:, :k]
    for i in range(nl):
        for j in top[i]:
            if cos[i, j] >= LINK_FLOOR:
                pairs.add((i, int(j)))
    k = min(TOP_K, nl)
    top = np.argpartition(-cos, k - 1, axis=0)[:k, :]
    for j in range(nr):
        for i in top[:, j]:
            if cos[i, j] >= LINK_FLOOR:
                pairs.add((int(i), j))
    return sorted(pairs)


def _chain(pairs: list[tuple[int, int]], cos: np.ndarray) -> list[tuple[int, int]]:
    """Heaviest chain strictly increasing in both coordinates (Fenwick tree of prefix maxima)."""
    if not pairs:
        return []
    nr = cos.shape[1]
    tree_val = [0.0] * (nr + 1)
    tree_arg = [-1] * (nr + 1)
    best: list[float] = []
    back: list[int] = []

    def query(j: int) -> tuple[float, int]:  # best over right index < j
        v, a = 0.0, -1
        while j > 0:
            if tree_val[j] > v:
                v, a = tree_val[j], tree_arg[j]
            j -= j & -j
        return v, a

    def update(j: int, v: float, a: int) -> None:
        j += 1
        while j <= nr:
            if v > tree_val[j]:
                tree_val[j], tree_arg[j] = v, a
            j += j & -j

    k = 0
    while k < len(pairs):
        i = pairs[k][0]
        group_end = k
        while group_end < len(pairs) and pairs[group_end][0] == i:
            group_end += 1
        results = []
        for p in range(k, group_end):
            v, a = query(pairs[p][1])
            best.append(v + float(cos[pairs[p]]))
            back.append(a)
            results.append(p)
        for p in results:
            update(pairs[p][1], best[p], p)
        k = group_end
    end = int(np.argmax(best))
    chain = []
    while end >= 0:
        chain.append(pairs[end])
        end = back[end]
    return chain[::-1]


def _best_free(cos: np.ndarray, k: int, free: set[int], axis: int) -> float:
    if not free:
        return 0.0
    vec = cos[k, :] if axis == 0 else cos[:, k]
    return float(vec[np.fromiter(free, dtype=np.intp, count=len(free))].max())


_STOP = frozenset(
    """the a an of to in on at by for from with and or but as that this these those it its is
    was were are be been has have had will would can could may might not no he she they we
    you his her their our who which what when where than then also into over after before
    about said says more most some such only other there here""".split()
)
_WORD = re.compile(r"[^\W_]+")
MAX_MEMBERS = 6  # a row joins at most this many segments (1 into 5, 3 into 3 ...)
WINDOW = 6  # a merge may take a sentence this far away (the copy merges non-adjacent ones)
DROP_OK = 0.06  # a merge with its own evidence may lower the cosine by this much


@lru_cache(maxsize=16384)
def _stems(text: str) -> frozenset[str]:
    """Content words by their first five letters (inflection aside), figures whole."""
    return frozenset(
        w[:5] for w in _WORD.findall(fold(text)) if w not in _STOP and (len(w) >= 3 or w.isdigit())
    )


def _new_evidence(cand: str, other: list[str], own: list[str], far: bool = False) -> bool:
    """Does `cand` explain words of the other side that the link's own members do not? (the
    third sentence of a summary's 3-into-1 merge brings its own facts along)."""
    c = _stems(cand)
    if not c:
        return False
    there = frozenset().union(*(_stems(t) for t in other))
    mine = frozenset().union(*(_stems(t) for t in own))
    new = (c & there) - mine
    if far:  # a sentence further away must bring more of its own
        return len(new) >= 3 and len(new) >= 0.25 * len(c)
    return len(new) >= 2 and len(new) >= 0.15 * len(c)


def _extend(
    links: list[Link],
    sim: Similarity,
    cos: np.ndarray,
    lfree: set[int],
    rfree: set[int],
    kinds: tuple[list[str], list[str]],
    texts: tuple[list[str], list[str]] | None = None,
) -> None:
    """Grow links by segments that belong to them: a neighbour that raises the merged cosine
    (2 into 1, 1 into 2 ...), or a segment up to WINDOW away whose best partner is this link
    and that brings words of the other side the link lacked (3 into 1, non-adjacent merges).
    Only a segment of the same kind joins (a caption never merges into the body)."""
    for link in links:
        grown = True
        while grown and len(link.left) + len(link.right) < MAX_MEMBERS:
            grown = False
            for side in (0, 1):
                idx, other, free = (
                    (link.left, link.right, lfree) if side == 0 else (link.right, link.left, rfree)
                )
                same = kinds[side]
                near = [min(idx) - 1, max(idx) + 1]
                far = (
                    []
                    if texts is None
                    else [c for d in range(2, WINDOW + 1) for c in (min(idx) - d, max(idx) + d)]
                )
                for cand in near + far:
                    if cand not in free or same[cand] != same[idx[0]]:
                        continue
                    own = max(float(cos[cand, o] if side == 0 else cos[o, cand]) for o in other)
                    if own < GAP_FLOOR * (0.7 if cand in near else 1.0):
                        continue
                    if cand in near:
                        rival = _best_free(cos, cand, rfree if side == 0 else lfree, side)
                        if rival > own + 0.05:
                            continue  # it has a better partner of its own
                    elif _best_other(cos, cand, other, side) > own:
                        continue
                    evidence = texts is not None and _new_evidence(
                        texts[side][cand],
                        [texts[1 - side][o] for o in other],
                        [texts[side][i] for i in idx],
                        cand not in near,
                    )
                    if cand not in near and not evidence:
                        continue
                    new = sorted([*idx, cand])
                    m = sim.merged(new, other) if side == 0 else sim.merged(other, new)
                    gain = (cand in near and m >= link.score + MERGE_GAIN) or (
                        evidence and m >= link.score - DROP_OK
                    )
                    if gain:
                        idx[:] = new
                        free.discard(cand)
                        link.score = max(m, link.score) if cand not in near else m
                        grown = True
                        break
                if grown:
                    break


def _best_other(cos: np.ndarray, cand: int, other: list[int], side: int) -> float:
    """The candidate's best similarity with any segment of the other side not in the link."""
    vec = cos[cand, :] if side == 0 else cos[:, cand]
    if len(other) >= len(vec):
        return 0.0
    masked = vec.copy()
    masked[other] = 0.0
    return float(masked.max(initial=0.0))


def _gap_links(links: list[Link], cos: np.ndarray, lfree: set[int], rfree: set[int]) -> list[Link]:
    """Align what lies between consecutive links, in order, with a lower floor."""
    links.sort(key=lambda lk: min(lk.left))
    bounds = [(-1, -1)]
    bounds += [(max(lk.left), max(lk.right)) for lk in links]
    starts = [(min(lk.left), min(lk.right)) for lk in links] + [cos.shape]
    found: list[Link] = []
    for (l0, r0), (l1, r1) in zip(bounds, starts, strict=True):
        lg = sorted(i for i in lfree if l0 < i < l1)
        rg = sorted(j for j in rfree if r0 < j < r1)
        if not lg or not rg:
            continue
        sub = cos[np.ix_(lg, rg)]
        pairs = [(a, b) for a, b in zip(*np.nonzero(sub >= GAP_FLOOR), strict=True)]
        for a, b in _chain([(int(a), int(b)) for a, b in pairs], sub):
            i, j = lg[a], rg[b]
            found.append(Link([i], [j], float(cos[i, j])))
            lfree.discard(i)
            rfree.discard(j)
    links.extend(found)
    return found


def _window(links: list[Link], i: int, nr: int) -> tuple[int, int]:
    """The right-side range (exclusive bounds) a left segment between two links may take."""
    r0, r1 = -1, nr
    for lk in links:
        if max(lk.left) < i:
            r0 = max(r0, max(lk.right))
        elif min(lk.left) > i:
            r1 = min(r1, min(lk.right))
    return r0, r1


def _clear_moves(
    links: list[Link], cos: np.ndarray, lfree: set[int], rfree: set[int]
) -> list[Link]:
    """Pairs far more similar across the backbone than anything in their own gap are moves:
    take them before the gaps are aligned (or a weak in-gap partner would steal them), and
    undo a weak backbone link whose left segment clearly belongs elsewhere."""
    out: list[Link] = []
    weak = {lk.left[0]: lk for lk in links if len(lk.left) == 1 and lk.score < 0.4}
    for i in sorted(lfree | set(weak)):
        if not rfree:
            break
        ridx = np.fromiter(rfree, dtype=np.intp, count=len(rfree))
        row = cos[i, ridx]
        pick = int(np.argmax(row))
        j, best = int(ridx[pick]), float(row[pick])
        if best < MOVE_FLOOR:
            continue  # (checked first: most segments have no such partner at all)
        own = weak.get(i)
        others = [lk for lk in links if lk is not own]
        r0, r1 = _window(others, i, cos.shape[1])
        if r0 < j < r1:
            continue
        inside_mask = (ridx > r0) & (ridx < r1)
        inside = float(row[inside_mask].max()) if inside_mask.any() else 0.0
        if own is not None:
            inside = max(inside, own.score)
        rival = max((float(cos[x, j]) for x in lfree if x != i), default=0.0)
        if best >= inside + 0.15 and best > rival:
            if own is not None:
                links.remove(own)
                rfree.update(own.right)
            out.append(Link([i], [j], best, moved=True))
            lfree.discard(i)
            rfree.discard(j)
    return out


def align(
    sim: Similarity,
    lkinds: list[str],
    rkinds: list[str],
    texts: tuple[list[str], list[str]] | None = None,
) -> list[Link]:
    """Links between left and right segments; boilerplate and unmatched segments get none.
    With the segments' `texts`, merges may also take sentences that bring their own words."""
    cos = _mask(sim, lkinds, rkinds)
    lfree = {i for i, k in enumerate(lkinds) if k in _CLASS}
    rfree = {j for j, k in enumerate(rkinds) if k in _CLASS}
    cos[[i for i in range(len(lkinds)) if i not in lfree], :] = 0.0
    cos[:, [j for j in range(len(rkinds)) if j not in rfree]] = 0.0
    links = [Link([i], [j], float(sim.cos[i, j])) for i, j in _chain(_candidates(cos), cos)]
    for lk in links:
        lfree.discard(lk.left[0])
        rfree.discard(lk.right[0])
    early = _clear_moves(links, cos, lfree, rfree)
    _extend(links, sim, cos, lfree, rfree, (lkinds, rkinds), texts)
    new = _gap_links(links, cos, lfree, rfree)
    _extend(new, sim, cos, lfree, rfree, (lkinds, rkinds), texts)
    # Second pass: what crosses the backbone but is clearly the same text has moved.
    pairs = sorted(
        ((float(cos[i, j]), i, j) for i in lfree for j in rfree if cos[i, j] >= MOVE_FLOOR),
        reverse=True,
    )
    moved: list[Link] = early
    for score, i, j in pairs:
        if i in lfree and j in rfree:
            moved.append(Link([i], [j], score, moved=True))
            lfree.discard(i)
            rfree.discard(j)
    _extend(moved, sim, cos, lfree, rfree, (lkinds, rkinds), texts)
    for mv in moved:
        mv.moved = any((min(lk.left) < mv.left[0]) != (min(lk.right) < mv.right[0]) for lk in links)
    links.extend(moved)
    links.sort(key=lambda lk: min(lk.left))
    return links
