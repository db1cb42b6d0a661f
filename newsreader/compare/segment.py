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
    r"\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d\d|updated|published|yesterday|today)"
)
_TIME_RE = re.compile(_TIME, re.I)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)"
_DATELINE = re.compile(
    rf"^\s*(?:(?:last\s+|first\s+)?(?:updated|published|posted|modified)\s*(?:on|at)?:?\s*)?"
    rf"{_WEEKDAY}?{_TIME}",
    re.I,
)
# A name word is capitalised and is not a date word ("Last Updated: ..." is no byline).
_NAME_WORD = (
    r"(?!(?:Last|First|Updated|Published|Posted|Modified|Date|Time|Today|Yesterday|Mon|Tue|Wed|"
    r"Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    r"[A-Z][\w'’.-]+"
)
_NAME = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|van|von|der|da|al|bin|le|la))*"
_ORG_PART = r"(?:\s*[|,–—-]\s*[A-Z][\w&'’.]*(?:\s+[A-Z&][\w&'’.]*){0,4})"
# Names are matched case-sensitively (capitalised words); "By" and the times are not.
_BYLINE = re.compile(
    rf"^(?:(?:(?i:written|reported|words|story)\s+)?(?i:by)\s+{_NAME}"
    rf"(?:\s*(?:,|and|&|\(|\)|\|).{{0,160}})?|"
    rf"{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})?"
    rf"(?:\s*[,|]?\s*(?:in|at)\s+[A-Z][\w ,.'’-]*)?{_ORG_PART}{{0,2}}"
    rf"\s*[,|–—-]?\s*{_WEEKDAY}?(?i:{_TIME}).*)$"
)
_BYLINE_START = re.compile(r"^(?i:(?:written|reported)\s+)?(?i:by)\s+[A-Z]")
_CREDIT_KEYS = (
    "©",
    "photo",
    "image",
    "picture",
    "caption",
    "illustration",
    "video",
    "getty",
    "reuters",
    "afp",
    "/ap",
    "shutterstock",
    "epa",
    "bloomberg",
    "alamy",
    "pa media",
)


def _credit(text: str) -> bool:
    """A photo credit or caption cue (a substring test first: the regex is slow on long text)."""
    low = text.lower()
    return any(k in low for k in _CREDIT_KEYS) and bool(_CREDIT.search(text))


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
            if _credit(sent) and not ends_sentence(sent) and len(sent.split()) < 40:
                k = "caption"
            elif sent[:1] in "(RrWwEeCcAa" and _TAIL_CREDIT.match(sent):
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
        elif _is_byline(line):
            kinds[k] = "byline"
        elif _SECTIONS.match(line):
            kinds[k] = "kicker"  # "SPACE | SCIENCE", "News / World": the page's section
        elif _credit(line):
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
        if k <= front + 2 and _is_byline(line):
            kinds[k] = "byline"  # after a standfirst long enough to read as body
            if 0 < k == front + 1 and kinds[k - 1] == "body" and k - 1 == first_body:
                kinds[k - 1] = "standfirst"
        elif len(line.split()) <= 16 and not ends_sentence(line) and _BYLINE.match(line):
            kinds[k] = "byline"
        elif _credit(line) and not ends_sentence(line) and len(line.split()) < 40:
            kinds[k] = "caption"
    return kinds


_SECTIONS = re.compile(r"^[\w&' -]{2,30}(?:\s*[|/»›>]\s*[\w&' -]{2,30}){1,3}$")


def _is_byline(line: str) -> bool:
    """A credit line: "By X and Y | Site | Updated ...", "Name | Friday 25 December 2015",
    "NAME | Agency | date"; a long "By ..." line with a date or a bar is one too."""
    words = len(line.split())
    if _DATELINE.match(line) and not _BYLINE_START.match(line):
        return False  # "Last Updated: 22/02/2019 09:14 AM EST"
    if words <= 16 and _BYLINE.match(line) and not (words > 10 and ends_sentence(line)):
        return True
    return (
        words <= 30
        and bool(_BYLINE_START.match(line))
        and ("|" in line or bool(_TIME_RE.search(line)))
    )


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
    if _credit(line) and words < 40:
        return False
    return ends_sentence(line) and (words >= 20 or len(split_sentences(line)) >= 2)
