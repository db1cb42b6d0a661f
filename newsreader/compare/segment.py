"""Article text → a Document of typed segments (headline, standfirst, byline, caption, body ...).

Works on any article text: the kinds come from general features of news pages (position,
length, punctuation, credit and dateline patterns), never from a particular article.
"""

from __future__ import annotations

import re

from newsreader.compare.boilerplate import mark_boilerplate, score
from newsreader.compare.model import Document, Segment, SegmentKind
from newsreader.compare.sentences import blocks, split_sentences, strip_markdown
from newsreader.text.safetext import clean, clean_block
from newsreader.text.shape import ends_sentence, is_kicker

_CREDIT = re.compile(
    r"©|\((?:photo|image|picture)|^(?:media|image|photo|video) caption\b|^caption\s*:|"
    r"\b(?:photo(?:graph)?|image|picture|illustration|video)"
    r"(?:\s+by|\s*:|\s+credit)|\b(?:getty images|reuters|afp|ap photo|shutterstock|epa|"
    r"bloomberg|alamy|pa media|/ap|/afp)\b",
    re.I,
)
_TIME = (
    r"(?:\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?|"
    r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{4})?|"
    r"\d{4}-\d\d-\d\d|\d{1,2}:\d\d|updated|published|yesterday|today)"
)
_TIME_RE = re.compile(_TIME, re.I)
_DATELINE = re.compile(rf"^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?{_TIME}", re.I)
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:[A-Z][\w'’.-]+|de|van|von|der|da|al|bin|le|la))*"
# Names are matched case-sensitively (capitalised words); "By" and the times are not.
_BYLINE = re.compile(
    rf"^(?:(?i:by)\s+{_NAME}(?:\s*(?:,|and|&|\(|\)).{{0,120}})?|"
    rf"{_NAME}(?:\s+(?:and|&)\s+{_NAME})?"
    rf"(?:\s*[,|]?\s*(?:in|at)\s+[A-Z][\w ,.'’-]*)?\s*[,|–—-]?\s*(?i:{_TIME}).*)$"
)
_TAIL_CREDIT = re.compile(
    r"^(?:\(?(?:reporting|additional reporting|writing|editing|compiled)\s+by\b)", re.I
)


MAX_CHARS = 200_000


def document_from_text(
    text: str, source: str, title: str | None = None, links: list[str] | None = None
) -> Document:
    """Split article text into typed segments. `title`, if known, identifies the headline."""
    if len(text) > MAX_CHARS:  # bounded time and memory whatever the input (~30,000 words)
        cut = text.rfind("\n\n", 0, MAX_CHARS)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    plain, md_links = strip_markdown(clean_block(text).replace("\r\n", "\n"))
    units: list[tuple[int, str]] = []  # (block number, line)
    for b, lines in enumerate(blocks(plain)):
        units.extend((b, ln) for ln in lines)
    title = clean(title, 1000) or None if title else None
    kinds = _front_kinds([ln for _, ln in units], title)
    per_block: dict[int, int] = {}
    for b, _ in units:
        per_block[b] = per_block.get(b, 0) + 1
    lines = [ln for _, ln in units]
    for n, (b, line) in enumerate(units):
        if (
            kinds[n] == "body"
            and per_block[b] == 1
            and 0 < n < len(units) - 1
            and _is_subhead(line)
            and not lines[n - 1].rstrip().endswith(":")  # an item of a list, not a heading
            and not (_is_subhead(lines[n + 1]) or line.rstrip().endswith(":"))
        ):
            kinds[n] = "subhead"
    segments: list[Segment] = []
    block_of: list[int] = []
    for (b, line), kind in zip(units, kinds, strict=True):
        if kind != "body":
            segments.append(Segment(clean(line, None), kind))
            block_of.append(b)
            continue
        for sent in split_sentences(line):
            k: SegmentKind = "body"
            if _CREDIT.search(sent) and not ends_sentence(sent) and len(sent.split()) < 40:
                k = "caption"
            elif _TAIL_CREDIT.match(sent):
                k = "byline"
            segments.append(Segment(clean(sent, None), k))
            block_of.append(b)
    mark_boilerplate(segments, block_of)
    headline = next((s.text for s in segments if s.kind == "headline"), None)
    byline = next((s.text for s in segments if s.kind == "byline"), None)
    return Document(
        title=title or headline,
        source=source,
        segments=segments,
        links=list(dict.fromkeys((links or []) + md_links)),
        byline=byline,
    )


def _front_kinds(lines: list[str], title: str | None) -> list[SegmentKind]:
    """Kinds of whole lines: the front matter (before the first body paragraph) gets typed."""
    kinds: list[SegmentKind] = ["body"] * len(lines)
    first_body = next((k for k, ln in enumerate(lines) if _is_body(ln)), len(lines))
    # No paragraph of running text at all (a short note): only the first lines are front matter.
    front = min(first_body, 8) if first_body < len(lines) else min(2, len(lines))
    headline = -1
    if title:
        key = _key(title)
        headline = next((k for k in range(min(front + 1, len(lines))) if _key(lines[k]) == key), -1)
    if headline < 0:
        for k in range(front):
            if (
                not is_kicker(lines[k], lines[k + 1] if k + 1 < len(lines) else None)
                and not _BYLINE.match(lines[k])
                and score(lines[k]) < 1.5
            ):
                headline = k
                break
    for k in range(front):
        line = lines[k]
        if k == headline:
            kinds[k] = "headline"
        elif _BYLINE.match(line) and len(line.split()) <= 16:
            kinds[k] = "byline"
        elif _CREDIT.search(line):
            kinds[k] = "caption"
        elif _DATELINE.match(line) and len(line.split()) <= 12:
            kinds[k] = "kicker"  # "24 July 2015 | From the section US & Canada": page meta
        elif headline < 0 or k < headline:
            kinds[k] = "kicker"
        elif len(line.split()) >= 25 and ends_sentence(line):
            kinds[k] = "caption"  # a long descriptive line above the body: a photo caption
        else:
            kinds[k] = "standfirst"
    for k in range(front, len(lines)):
        line = lines[k]
        if len(line.split()) <= 16 and not ends_sentence(line) and _BYLINE.match(line):
            kinds[k] = "byline"
        elif _CREDIT.search(line) and not ends_sentence(line) and len(line.split()) < 40:
            kinds[k] = "caption"
    return kinds


def _is_subhead(line: str) -> bool:
    """A short line of its own inside the body: a section heading or a question heading."""
    words = len(line.split())
    if line.startswith("•"):
        return False  # a list item
    return 0 < words <= 12 and (not ends_sentence(line) or line.rstrip().endswith("?"))


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _is_body(line: str) -> bool:
    """A paragraph of running text: ends like a sentence and is long, or holds several."""
    words = len(line.split())
    if _CREDIT.search(line) and words < 40:
        return False
    return ends_sentence(line) and (words >= 20 or len(split_sentences(line)) >= 2)
