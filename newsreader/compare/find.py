"""Finding the original of a copy among the stored articles.

Links in the copy that point at a stored article come first (aggregators often link their
source); then a near-duplicate search: the store's full-text index picks articles sharing the
copy's most distinctive words, and character n-gram TF-IDF cosine over whole texts ranks them.
The best few are then compared sentence by sentence: a candidate whose alignment says "not
derived" (an independent article on the same event) is never offered, and the verdict's
confidence is the candidate's score.
"""

from __future__ import annotations

import re

from newsreader.compare.lookup import ArticleLookup
from newsreader.compare.model import Candidate, Document
from newsreader.compare.segment import document_from_text
from newsreader.compare.similarity import Similarity
from newsreader.models import Article
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web

MIN_CONFIDENCE = 0.3  # below this cosine two articles are only about the same topic
PREFILTER = 40
VERIFY = 8  # candidates compared sentence by sentence (the best by whole-text cosine)
COPY_REASON = "looks like a copy of this article, not its original"
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    "the a an and or of to in on for with by at from as is are was were be been that this it "
    "its their they he she his her we our you your not but also has have had will would can "
    "could said says which who whom what when where while after before about into over than "
    "more most some such these those there them then two one new".split()
)


def _body(doc: Document) -> str:
    return " ".join(s.text for s in doc.segments if s.kind != "boilerplate")


def _looks_like_copy_of(art: Article, text: str, doc: Document) -> bool:
    """Is the candidate the aggregator's copy of `doc` rather than its source? Copies carry
    more boilerplate and drop the byline."""
    other = document_from_text(text, "candidate", title=art.title)
    mine = sum(s.kind == "boilerplate" for s in doc.segments)
    theirs = sum(s.kind == "boilerplate" for s in other.segments)
    has_byline = any(s.kind == "byline" for s in doc.segments) or bool(doc.byline)
    other_byline = any(s.kind == "byline" for s in other.segments) or bool(art.author)
    return theirs > mine + 1 and (has_byline or not other_byline)


def find_original(doc: Document, store: ArticleLookup | None, limit: int = 5) -> list[Candidate]:
    """Likely originals of `doc`, best first, each with a confidence in [0, 1]; may be empty."""
    if store is None:
        return []
    text = _body(doc)
    if not text.strip():
        return []
    pool: dict[int, Article] = {}
    linked: set[int] = set()
    own = doc.article_id
    for url in doc.links[:100]:
        if not is_web(url):
            continue
        for row in store.find_articles_by_link(url):
            if row.id != own:
                linked.add(row.id)
    for aid in linked:
        art = store.get_article(aid)
        if art is not None:
            pool[aid] = art
    for aid in store.ids_matching_any(distinctive_words(text[:20000]), limit=PREFILTER + 1):
        if aid != own and aid not in pool and (art := store.get_article(aid)) is not None:
            pool[aid] = art
    pool.pop(own or -1, None)
    if not pool:
        return []
    arts = list(pool.values())
    texts = [(a.full_text or a.text or "")[:60000] for a in arts]
    sim = Similarity([text[:60000]], [f"{a.title} {t}" for a, t in zip(arts, texts, strict=True)])
    ranked = sorted(range(len(arts)), key=lambda k: -float(sim.cos[0, k]))
    out: list[Candidate] = []
    for k in ranked:
        art = arts[k]
        score = float(sim.cos[0, k])
        if art.id in linked:
            score = min(1.0, score + 0.3) if score >= 0.15 else score
        if score < MIN_CONFIDENCE or len(out) >= VERIFY:
            continue
        derived = _derived_confidence(doc, art, texts[k])
        if derived < 0.5:
            continue  # the same story told independently: not its original
        reason = "linked from the copy" if art.id in linked else "near-duplicate text"
        if _looks_like_copy_of(art, texts[k], doc):
            derived *= 0.6
            reason = COPY_REASON
        out.append(
            Candidate(
                article_id=art.id,
                title=clean(art.title, 300),
                feed_title=clean(art.feed_title, 200) or None,
                score=round(min(derived, 1.0), 3),
                reason=reason,
                derived_confidence=derived,
            )
        )
    out.sort(key=lambda c: -c.score)
    return out[:limit]


def _derived_confidence(doc: Document, art: Article, text: str) -> float:
    """The sentence-level verdict that `doc` derives from the stored article (or it from
    `doc`: the comparison is symmetric enough to tell a copy either way round)."""
    from newsreader.compare.engine import compare

    other = document_from_text(text, f"article:{art.id}", title=art.title)
    return compare(doc, other).report.derived_confidence


def distinctive_words(text: str, n: int = 24) -> list[str]:
    """The `n` most distinctive words of a text for a full-text prefilter: capitalised words
    (names) and long words first; stop words, short words and numbers left out."""
    words: dict[str, int] = {}
    for tok in _WORD.findall(text):
        low = tok.lower()
        if len(low) < 4 or low in _STOP or low.isdigit():
            continue
        weight = len(low) + (4 if tok[0].isupper() else 0)
        words[low] = max(words.get(low, 0), weight)
    return sorted(words, key=lambda w: -words[w])[:n]
