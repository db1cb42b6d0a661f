"""compare(copy, original) → rows in reading order, with word diffs, fact chips and a report."""

from __future__ import annotations

import re

from newsreader.compare.align import Link, align
from newsreader.compare.claims import attribution, hedges, word_diff
from newsreader.compare.facts import (
    norm,
    numbers_changed,
    quote_kept,
    quotes,
    words,
)
from newsreader.compare.model import CompareResult, Document, Fact, Report, Row, RowKind
from newsreader.compare.persons import CopyNames, byline_persons, persons_in, title_case
from newsreader.compare.similarity import Similarity
from newsreader.compare.verdict import judge
from newsreader.text.safetext import fold

_CONTENT = ("headline", "standfirst", "body")


def clear_caches() -> None:
    """Drop every memo of the engine (for cold-start benchmarks)."""
    from newsreader.compare import align, facts, numbers, similarity

    similarity.clear_caches()
    for fn in (facts.quotes, facts.name_spans, numbers.number_spans, persons_in, align._stems):
        fn.cache_clear()


def compare(left: Document, right: Document) -> CompareResult:
    """Align the copy (left) with the original (right) and say what changed."""
    lt = [s.text for s in left.segments]
    rt = [s.text for s in right.segments]
    sim = Similarity(lt, rt)
    links = align(sim, [s.kind for s in left.segments], [s.kind for s in right.segments], (lt, rt))
    verdict = judge(sim, links, left.segments, right.segments)
    if not verdict.derived:
        # Not a copy: only the real matches stay linked (a shared quote, a verbatim
        # sentence); the rest of both texts is one-sided, so coverage says the truth.
        links = [lk for lk, keep in zip(links, verdict.strong, strict=True) if keep]
    rows = build_rows(links, len(lt), len(rt))
    left_text = " ".join(lt)
    ctx = _Context(left_text, norm(left_text))
    ctx.lost = _persons_lost(right, CopyNames(left_text))
    _mentions(ctx)
    for row in rows:
        _annotate(row, left, right, ctx)
    report = _report(left, right, rows, ctx)
    report.derived = verdict.derived
    report.derived_confidence = verdict.confidence
    return CompareResult(left, right, rows, report)


class _Context:
    """The copy's whole text, normalised, and its quoted passages (a quote survives as a quote
    only inside quotation marks: the same words unquoted are no longer a direct quote)."""

    def __init__(self, text: str, normed: str) -> None:
        self.text = text
        self.norm = normed
        self.quoted = " | ".join(norm(q) for q in quotes(text))
        # Words with accents folded and case kept; "Blinken’s" counts as "Blinken".
        self.words = set(re.findall(r"[\w-]+", fold(text, lower=False)))
        self.lost: list[str] = []  # people of the original the copy does not name
        self.mentions: re.Pattern[str] | None = None  # finds them (full name or surname)
        self.mentioned: dict[str, str] = {}  # a mention -> its person


def _persons_lost(right: Document, copy: CopyNames) -> list[str]:
    """The original's people (its running text, captions and bylines) the copy drops."""
    texts = tuple(
        s.text
        for s in right.segments
        if s.kind in ("body", "standfirst", "caption")
        or (s.kind in ("headline", "subhead") and not title_case(s.text))
    )
    people = list(persons_in(texts))
    for seg in right.segments:
        if seg.kind == "byline":
            people += byline_persons(seg.text)
    return [p for p in dict.fromkeys(people) if not copy.kept(p)]


def _mentions(ctx: _Context) -> None:
    """One pattern for every mention of a lost person (full name, or surname if that is not
    another lost person's too)."""
    by: dict[str, str] = {}
    for person in ctx.lost:
        by.setdefault(person, person)
        by.setdefault(person.split()[-1], person)
    ctx.mentioned = by
    if by:
        alt = "|".join(re.escape(m) for m in sorted(by, key=len, reverse=True))
        ctx.mentions = re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")


def build_rows(links: list[Link], nl: int, nr: int) -> list[Row]:
    """Every segment of both sides in exactly one row, in reading order (the copy's order for
    moved sentences; one-sided segments where they stood)."""
    owner_l = {i: lk for lk in links for i in lk.left}
    owner_r = {j: lk for lk in links for j in lk.right}
    rows: list[Row] = []
    done: set[int] = set()
    li = ri = 0

    def emit(lk: Link) -> None:
        if id(lk) in done:
            return
        done.add(id(lk))
        kind: RowKind = "moved" if lk.moved else "changed"
        rows.append(Row(list(lk.left), list(lk.right), kind, lk.score))

    def flush(lstop: int, rstop: int) -> None:
        nonlocal li, ri
        while ri < rstop:
            if ri not in owner_r:
                rows.append(Row([], [ri], "right_only", 0.0))
            ri += 1
        while li < lstop:
            lk = owner_l.get(li)
            if lk is None:
                rows.append(Row([li], [], "left_only", 0.0))
            elif lk.moved:
                emit(lk)
            li += 1

    for lk in sorted((lk for lk in links if not lk.moved), key=lambda x: min(x.left)):
        flush(min(lk.left), min(lk.right))
        emit(lk)
        li = max(li, max(lk.left) + 1)
        ri = max(ri, max(lk.right) + 1)
    flush(nl, nr)
    # A pointer for moved rows: the row after which the original had the sentence.
    where = {j: k for k, row in enumerate(rows) for j in row.right if row.kind != "moved"}
    for row in rows:
        if row.kind == "moved":
            j = min(row.right) - 1
            while j >= 0 and j not in where:
                j -= 1
            row.moved_from = where.get(j, 0)
    return rows


def _annotate(row: Row, left: Document, right: Document, ctx: _Context) -> None:
    ltext = " ".join(left.segments[i].text for i in row.left)
    rtext = " ".join(right.segments[j].text for j in row.right)
    if row.left and row.right:
        if row.kind == "changed" and words(ltext) == words(rtext):
            row.kind = "same"
        row.diff = word_diff(ltext, rtext)
        row.facts = _aligned_facts(ltext, rtext, ctx)
    elif row.right:
        kind = right.segments[row.right[0]].kind
        if kind in _CONTENT:
            for q in quotes(rtext):
                if not quote_kept(q, ctx.quoted):
                    row.facts.append(Fact("quote_dropped", "quote dropped", None, q))
            if hedges(rtext) and kind == "body":
                row.facts.append(Fact("hedge_removed", "caveat dropped", None, rtext))
        if kind in (*_CONTENT, "byline", "caption"):
            row.facts += _names_dropped(rtext, ctx)
    elif row.left and left.segments[row.left[0]].kind == "boilerplate":
        row.facts.append(Fact("boilerplate", "boilerplate", ltext, None))


def _aligned_facts(ltext: str, rtext: str, ctx: _Context) -> list[Fact]:
    facts: list[Fact] = []
    for q in quotes(rtext):
        if not quote_kept(q, ctx.quoted):
            facts.append(Fact("quote_paraphrased", "quote → paraphrase", None, q))
    facts += _names_dropped(rtext, ctx)
    for lval, rval in numbers_changed(ltext, rtext):
        facts.append(Fact("number_changed", f"{rval} → {lval}", lval, rval))
    ra, la = attribution(rtext), attribution(ltext)
    if ra == "strong" and la == "none":
        facts.append(Fact("attribution_dropped", "attribution dropped", None, rtext))
    elif ra == "strong" and la == "vague":
        facts.append(Fact("attribution_dropped", "attribution weakened", ltext, rtext))
    rh, lh = hedges(rtext), hedges(ltext)
    lost = sorted(rh - lh)
    if lost and len(lh) < len(rh):
        facts.append(Fact("hedge_removed", f"hedge removed: {lost[0]}", None, lost[0]))
    return facts


def _names_dropped(rtext: str, ctx: _Context) -> list[Fact]:
    if ctx.mentions is None:
        return []
    found = dict.fromkeys(ctx.mentioned[m] for m in ctx.mentions.findall(rtext))
    return [Fact("name_dropped", f"name dropped: {p}", None, p) for p in found]


def _report(left: Document, right: Document, rows: list[Row], ctx: _Context) -> Report:
    weight = {j: len(s.text.split()) for j, s in enumerate(right.segments) if s.kind in _CONTENT}
    carried = sum(weight.get(j, 0) for row in rows if row.left and row.right for j in row.right)
    total = sum(weight.values())
    kept: list[str] = []
    lost: list[str] = []
    for seg in right.segments:
        if seg.kind == "boilerplate":
            continue
        if seg.kind in _CONTENT:
            for q in quotes(seg.text):
                (kept if quote_kept(q, ctx.quoted) else lost).append(q)
    changed = [
        (f.left or "", f.right or "")
        for row in rows
        for f in row.facts
        if f.kind == "number_changed"
    ]
    # The byline is dropped when the original credits people and the copy names none of
    # them (a copy's own "By Admin" or "Posted by News Desk" credits nobody of the original).
    credited = [p for s in right.segments if s.kind == "byline" for p in byline_persons(s.text)]
    lost_people = set(ctx.lost)
    byline_dropped = bool(credited) and all(p in lost_people for p in credited)
    return Report(
        coverage=round(carried / total, 4) if total else 0.0,
        quotes_lost=list(dict.fromkeys(lost)),
        quotes_kept=list(dict.fromkeys(kept)),
        names_lost=list(ctx.lost),
        numbers_changed=changed,
        boilerplate=[i for i, s in enumerate(left.segments) if s.kind == "boilerplate"],
        byline_dropped=byline_dropped,
    )
