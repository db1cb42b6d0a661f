"""Is the left text derived from the right one at all? A document-level verdict.

Two independent articles on the same event share names, numbers and whole phrases, so single
links between them score like the true links of a heavy paraphrase (0.15-0.4): no score cutoff
tells them apart. What does is the shape of the whole alignment:

- a *confident* link stands out in its row and its column: the copy's sentence resembles this
  sentence of the original clearly more than any other one, and the original's sentence
  resembles this sentence of the copy more than any other one (or the link is near-verbatim);
- a copy carries the original's sentences in the original's order, so its confident links sit
  in runs: a confident link whose neighbour in the alignment is confident too and follows it
  closely on both sides (a few sentences dropped, merged or added in between, no more);
- independently of the alignment, the copy's distinctive tokens (names and figures) come from
  the original; an independent article brings its own witnesses, officials and numbers.

`judge` turns these into a confidence in [0, 1]: the share of the copy's (or the original's)
content words in anchored links, nudged by the name-and-figure containment, through a
logistic curve. It never looks at any particular text; the constants are round numbers read
off the gap between derived and independent pairs, not fitted to them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from newsreader.compare.align import Link
from newsreader.compare.model import Segment
from newsreader.compare.similarity import Similarity

CONTENT = ("headline", "standfirst", "body", "subhead")
VERBATIM = 0.5  # a link this similar is confident whatever its rivals
STAND_OUT = 1.5  # ... else it must beat its best rival by this ratio
MARGIN = 0.05  # ... and by this much
RUN_DL = 4  # neighbours in a run: at most this far apart on the copy's side
RUN_DR = 5  # ... and on the original's side
MIDPOINT = 0.4  # the anchored share where the verdict flips
STEEPNESS = 10.0
STRONG = 0.5  # links kept between texts that are not derived: near-verbatim ones ...
STRONG_DISTINCT = 0.3  # ... or clearly distinct ones at least this similar


@dataclass(slots=True)
class Verdict:
    derived: bool
    confidence: float  # that the copy is derived from the original, in [0, 1]
    strong: list[bool]  # per link: a real match even between unrelated texts


def _rivals(cos: np.ndarray, links: list[Link]) -> list[float]:
    """For each link, the best similarity of its members with anything outside the link
    (from each row's and each column's few best values: a link has at most 4 members)."""
    nl, nr = cos.shape
    k = min(5, nr)
    row_idx = np.argpartition(-cos, k - 1, axis=1)[:, :k] if nr else np.zeros((nl, 0), int)
    row_val = np.take_along_axis(cos, row_idx, axis=1)
    k = min(5, nl)
    col_idx = np.argpartition(-cos, k - 1, axis=0)[:k, :] if nl else np.zeros((0, nr), int)
    col_val = np.take_along_axis(cos, col_idx, axis=0)
    out = []
    for lk in links:
        best = 0.0
        for i in lk.left:
            for j, v in zip(row_idx[i].tolist(), row_val[i].tolist(), strict=True):
                if j not in lk.right and v > best:
                    best = v
        for j in lk.right:
            for i, v in zip(col_idx[:, j].tolist(), col_val[:, j].tolist(), strict=True):
                if i not in lk.left and v > best:
                    best = v
        out.append(float(best))
    return out


_TOKEN = re.compile(r"[\w'’-]+")
# Distinctive tokens: capitalised words inside a sentence, and figures.
_DISTINCT = re.compile(r"(?<=[\w,;] )[A-Z][\w'’-]+|\d[\d,.]*\d|\d")


def _containment(left: list[Segment], right: list[Segment]) -> float | None:
    """Share of the copy's names and figures that the original has too (None: it has none)."""
    ltext = " ".join(s.text for s in left if s.kind in CONTENT)
    rtext = " ".join(s.text for s in right if s.kind in CONTENT)
    rwords = set(_TOKEN.findall(rtext.lower()))
    mine = {w.lower() for w in _DISTINCT.findall(ltext)}
    if not mine:
        return None
    rwords.update(w[:-2] for w in list(rwords) if w.endswith(("'s", "’s")))
    mine = {w[:-2] if w.endswith(("'s", "’s")) else w for w in mine}
    return sum(w in rwords for w in mine) / len(mine)


def _follows(a: Link, b: Link) -> bool:
    """Does `b` follow `a` closely on both sides (a few sentences dropped or added between)?"""
    dl = min(b.left) - max(a.left)
    dr = min(b.right) - max(a.right)
    return 1 <= dl <= RUN_DL and 1 <= dr <= RUN_DR


def judge(sim: Similarity, links: list[Link], left: list[Segment], right: list[Segment]) -> Verdict:
    lc = [i for i, s in enumerate(left) if s.kind in CONTENT]
    rc = [j for j, s in enumerate(right) if s.kind in CONTENT]
    if not lc or not rc or not links:
        return Verdict(False, 0.0, [False] * len(links))
    cos = np.zeros_like(sim.cos)
    cos[np.ix_(lc, rc)] = sim.cos[np.ix_(lc, rc)]
    rivals = _rivals(cos, links)
    confident = [
        lk.score >= VERBATIM or (lk.score >= STAND_OUT * r and lk.score - r >= MARGIN)
        for lk, r in zip(links, rivals, strict=True)
    ]
    strong = [
        lk.score >= STRONG or (c and lk.score >= STRONG_DISTINCT)
        for lk, c in zip(links, confident, strict=True)
    ]
    lw = {i: len(left[i].text.split()) for i in lc}
    rw = {j: len(right[j].text.split()) for j in rc}
    order = sorted(
        (k for k, lk in enumerate(links) if not lk.moved), key=lambda k: min(links[k].left)
    )
    anchored = [0.0] * len(links)
    short = len(lc) <= 3 or len(rc) <= 3  # too few sentences for a run
    for pos, k in enumerate(order):
        if not confident[k]:
            continue
        anchored[k] = 1.0 if short else 0.5  # a lone confident link: a real match, no more
        for other in (pos - 1, pos + 1):
            if 0 <= other < len(order) and confident[order[other]]:
                first, then = sorted((links[k], links[order[other]]), key=lambda x: min(x.left))
                if _follows(first, then):
                    anchored[k] = 1.0
    # A weak link between two anchored ones, in their order, is where the run says it should
    # be: the heavy paraphrase of a sentence the copy kept (order agreement vouches for it).
    for pos in range(1, len(order) - 1):
        before, k, after = order[pos - 1], order[pos], order[pos + 1]
        if confident[k] or anchored[before] < 1.0 or anchored[after] < 1.0:
            continue
        if _follows(links[before], links[k]) and _follows(links[k], links[after]):
            anchored[k] = 0.75
    for k, lk in enumerate(links):  # a confident moved sentence counts as a lone match
        if lk.moved and confident[k]:
            anchored[k] = 0.5
    total_l = sum(lw.values()) or 1
    total_r = sum(rw.values()) or 1
    share_l = sum(a * lw.get(i, 0) for a, lk in zip(anchored, links, strict=True) for i in lk.left)
    share_r = sum(a * rw.get(j, 0) for a, lk in zip(anchored, links, strict=True) for j in lk.right)
    evidence = max(share_l / total_l, 0.9 * share_r / total_r)
    shared = _containment(left, right)
    if shared is not None:
        evidence += 0.15 * (shared - 0.5)
    confidence = 1.0 / (1.0 + math.exp(-STEEPNESS * (evidence - MIDPOINT)))
    return Verdict(confidence >= 0.5, round(confidence, 4), strong)
