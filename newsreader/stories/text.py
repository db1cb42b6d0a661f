"""What a story decision looks at in one article: its headline and lead as weighted terms.

Terms are folded, lightly stemmed words; numbers are normalised ("1,200" = "1.2k", "$3bn" =
"3 billion") and kept apart so that two headlines that differ only in their numbers can be told
apart; capitalised words inside a sentence-case line are names. Furniture is marked, not kept:
labels before a colon ("Live:", "BBC News:", "Analysis:"), an outlet after a final dash or bar
("... - Reuters", "... | The Guardian") and words of the small list below (they say what kind
of item it is, never which event). No I/O; the same text always gives the same terms.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from newsreader.text.safetext import fold

# Function words and the generic vocabulary of headlines: they never tell two events apart.
STOP = frozenset(
    """a an the and or nor but if then than so as of to in on at by for from with without into
    onto over under up down out off about above below after before since until while during
    against between among through across around near per via amid amidst despite toward towards
    upon within is are was were be been being am has have had having do does did doing done will
    would shall should can could may might must not no yes it its it's this that these those
    there here they them their theirs he him his she her hers we us our ours you your yours i me
    my mine who whom whose which what when where why how all any both each every few more most
    other others some such only own same too very just also even still yet ever never again
    already now today tonight yesterday tomorrow week weeks weekend month months year years day
    days time times says said say saying tells told new news latest update updated updates live
    breaking watch video videos photo photos pictures picture gallery exclusive analysis opinion
    comment explainer explained podcast review reviews interview report reports reported
    reporting first last next back top big one ones get gets got make makes made take takes took
    go goes going gone come comes came see sees seen know knows need needs want wants look looks
    way ways thing things lot lots people man men woman women amid set sets may june via vs
    read full story stories here's what's who's that's there's it'll we're they're you're
    don't doesn't didn't won't can't isn't aren't wasn't weren't hasn't haven't
    mr mrs ms dr st monday tuesday wednesday thursday friday saturday sunday""".split()
)
# Words that only label the kind of item ("Live:", "Watch:") wherever they stand.
FURNITURE = frozenset(
    """live watch video breaking exclusive update updated analysis opinion comment explainer
    podcast review interview factbox timeline quiz newsletter briefing photos gallery
    pictures listen read editorial letters obituary sponsored advertisement""".split()
)
_WORD = re.compile(
    r"U\.S\.|U\.K\.|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?", re.UNICODE
)
_NUMBER = re.compile(
    r"(?<![\w.])(?:(more than|at least|over|nearly|almost|about|around|some|up to|under|"
    r"fewer than|less than|roughly|approximately|hundreds|thousands)\s+)?([$£€¥]?)"
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s?(%|(?:per ?cent|percent|k|m|mn|bn|"
    r"tn|million|billion|trillion|thousand)\b))?(st|nd|rd|th)?",
    re.I,
)
_SCORE = re.compile(r"(?<![\w.])(\d{1,3})\s?[-–]\s?(\d{1,3})(?![\w.%])")
_SCALE = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "tn": 1e12,
    "trillion": 1e12,
}
_NUMBER_WORDS = {
    w: float(i)
    for i, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve".split()
    )
    if w != "_"
}
_LABEL = re.compile(r"^\s*([^:|]{1,40}?)\s*[:|]\s+(?=\S)")  # "Live: ...", "BBC News | ..."
_TAIL = re.compile(r"\s+[-–—|]\s+([^-–—|]{2,40})$")  # "... - Reuters", "... | CNN Politics"
_BYLINE = re.compile(r"(?:^|\n)\s*(?i:by|par|von|por)\s+[A-Z][\w'’.-]+\s+[A-Z]")
LEAD_WORDS = 40


@dataclass(slots=True)
class Terms:
    """The terms of one article: where each stands and what it is."""

    title: dict[str, float] = field(default_factory=dict)  # term -> position weight
    lead: dict[str, float] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    title_numbers: set[str] = field(default_factory=set)
    approx: set[str] = field(default_factory=set)  # estimates ("at least 18")
    numbers: set[str] = field(default_factory=set)
    kicker: set[str] = field(default_factory=set)  # terms of a topic label ("Libya floods:")
    furniture: set[str] = field(default_factory=set)  # terms found only in labels / tails

    def all(self) -> dict[str, float]:
        out = dict(self.lead)
        for t, w in self.title.items():
            out[t] = max(w, out.get(t, 0.0))
        return out


# A few equivalences every newsroom uses (not synonyms: spellings of one word).
_SAME = {
    "quake": "earthquake",
    "quakes": "earthquake",
    "died": "die",
    "dies": "die",
    "dying": "die",
    "u.s": "usa",
    "u.s.": "usa",
    "america's": "usa",
    "britain": "uk",
    "britain's": "uk",
    "british": "uk",
    "u.k": "uk",
    "u.k.": "uk",
}


def stem(word: str) -> str:
    """A light, deterministic English stem of a folded word (plurals, -ed, -ing)."""
    word = _SAME.get(word, word)
    if word.endswith("'s"):
        word = word[:-2]
    n = len(word)
    if n > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif n > 5 and word.endswith("ing"):
        word = word[:-3]
    elif n > 4 and word.endswith("ed") and not word.endswith("eed"):
        word = word[:-2]
    elif n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def _number_key(cur: str, digits: str, scale: str | None, ordinal: str | None) -> str | None:
    """Key "#<value><kind>": kinds are % (percent), $ (money), th (ordinal), . (a decimal: a
    magnitude, a version) and none (a count)."""
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return None
    unit = "." if "." in digits and not scale else ""
    if scale:
        s = scale.lower().replace(" ", "")
        if s in ("%", "percent"):
            unit = "%"
        else:
            value *= _SCALE.get(s, 1.0)
    if ordinal:
        unit = "th"
    if cur:
        unit += "$"  # any currency: outlets convert symbols
    if not unit and "," not in digits and "." not in digits and 1900 <= value <= 2100:
        return None  # a year reads like a name: it is a term, not a count
    return f"#{value:g}{unit}"


_MODEL = re.compile(r"(?<=\S )([A-Z][\w-]*) (\d+)(?![.,]?\d)")  # "Falcon 9", "Series 9"
_DIGIT = re.compile(r"\d")
_AZ = re.compile(r"[a-z]+")
_COUNT_WORDS = frozenset(_NUMBER_WORDS) | {"dozens", "hundreds", "thousands"}


def numbers_in(text: str, approx: set[str] | None = None) -> set[str]:
    """Number keys of a text; counts written as estimates ("at least 18", "more than 600")
    are also put in `approx`: reports of one event disagree on those as the toll grows.
    A number after a capitalised word inside a sentence-case line is part of a name."""
    out: set[str] = set()
    if _DIGIT.search(text):  # the digit patterns only where there is a digit
        if _MODEL.search(text) and not _is_title_case(text.split()):
            text = _MODEL.sub(r"\1_\2", text)
        scores = list(_SCORE.finditer(text))
        for m in scores:
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            out.add(f"#{a}-{b}")  # a score or a range: "2-2", "Arsenal 0-1 Chelsea" = "1-0"
        if scores:
            text = _SCORE.sub(" ", text)
        for m in _NUMBER.finditer(text):
            key = _number_key(m.group(2), m.group(3), m.group(4), m.group(5))
            if key is not None:
                out.add(key)
                if m.group(1) and approx is not None and key[-1].isdigit():
                    approx.add(key)
    folded = fold(text)
    if not any(w in folded for w in _COUNT_WORDS):  # no count word, not even inside a word
        return out
    for w in _COUNT_WORDS & set(_AZ.findall(folded)):
        if w in _NUMBER_WORDS:
            out.add(f"#{_NUMBER_WORDS[w]:g}")
        elif approx is not None:
            approx.add("#many")
    return out


def split_furniture(title: str) -> tuple[str, str, str]:
    """(headline proper, label, tail): a short label before ':' or '|' ("Live:", "Libya
    floods:") and an outlet name after a final ' - ' or ' | ' ("- Reuters")."""
    label = tail = ""
    m = _LABEL.match(title)
    if m and len(m.group(1).split()) <= 3 and len(title) - m.end() > 12:
        label = m.group(1)
        title = title[m.end() :]
    m = _TAIL.search(title)
    if m and len(m.group(1).split()) <= 4 and m.start() > 12:
        tail = m.group(1)
        title = title[: m.start()]
    return title, label, tail


def _is_title_case(words: list[str]) -> bool:
    """Headline Case Like This (capitals then say nothing about names): every long word but
    one capitalised."""
    long = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return len(long) >= 3 and sum(not w[0].isupper() for w in long) <= 1


# What one token is, cached (a store's vocabulary is small; analysis is per token).
_NUM, _SKIP, _NONE, _TERM = range(4)
_TOKENS: dict[str, tuple[int, str, bool, bool]] = {}  # token -> (kind, key, name, capital)


def _token(tok: str) -> tuple[int, str, bool, bool]:
    """(kind, key, always a name, capitalised) of one token of `_WORD`."""
    folded = "usa" if tok in ("US", "U.S.") else fold(tok)
    if folded[0].isdigit():
        year = len(folded) == 4 and folded.isdigit() and 1900 <= int(folded) <= 2100
        out = (_NUM, folded if year else "", False, False)  # a year reads like a name
    elif folded in STOP or len(folded) < 2 or folded in _SCALE or folded in _NUMBER_WORDS:
        out = (_SKIP, "", tok[-1:] in ".!?", False)
    else:
        key = stem(folded)
        if len(key) < 2:
            out = (_NONE, "", False, False)
        else:
            acronym = len(tok) >= 2 and tok.isupper() and tok.isalpha()
            inner = any(c.isupper() for c in tok[1:]) and not acronym  # OpenAI, iPhone
            out = (_TERM, key, acronym or inner, tok[0].isupper())
    if len(_TOKENS) > 50_000:  # ~15 MB at most
        _TOKENS.clear()
    _TOKENS[tok] = out
    return out


def _words(text: str, weight: float, out: dict[str, float], names: set[str], caps: bool) -> None:
    if not text:
        return
    sentence_start = True
    get = _TOKENS.get
    for tok in _WORD.findall(text):
        kind, key, name, upper = get(tok) or _token(tok)
        if kind == _TERM:
            out[key] = max(out.get(key, 0.0), weight)
            if name or (caps and upper and not sentence_start):
                names.add(key)
            sentence_start = False
        elif kind == _NUM:
            sentence_start = False
            if key:
                out[key] = max(out.get(key, 0.0), weight)
        elif kind == _SKIP:
            sentence_start = name  # the token ends a sentence


def lead_of(text: str, title: str) -> str:
    """The first ~40 words of the article text, the headline and a byline line left out."""
    t = " ".join(text[:1500].split())
    if title and t.startswith(title):
        t = t[len(title) :].lstrip(" .:-")
    m = _BYLINE.match(t)
    if m:
        cut = t.find(". ", m.end())
        t = t[cut + 2 :] if 0 < cut < 120 else t
    words = t.split(" ")
    return " ".join(words[:LEAD_WORDS])


def terms_of(title: str, text: str) -> Terms:
    """The weighted terms of an article (title weight 1, lead 0.5, furniture 0.2)."""
    terms = Terms()
    head, label, tail = split_furniture(" ".join(title.split()))
    words = head.split()
    caps = not _is_title_case(words)
    _words(head, 1.0, terms.title, terms.names, caps)
    if caps:  # "Falcon 9", "Series 9": the number is part of the name
        for m in _MODEL.finditer(head):
            key = stem(fold(m.group(1))) + m.group(2)
            terms.title[key] = 1.0
            terms.names.add(key)
    extra: dict[str, float] = {}
    _words(label, 1.0, extra, terms.names, False)
    for t in extra:
        if t not in FURNITURE and t not in terms.title:
            terms.title[t] = 1.0
            terms.kicker.add(t)
    extra = {}
    _words(tail, 0.2, extra, set(), False)
    for t, w in extra.items():
        if t not in FURNITURE and t not in terms.title:
            terms.title[t] = w
            terms.furniture.add(t)
    for t in list(terms.title):
        if t in FURNITURE and len(terms.title) > 3:
            terms.title[t] = 0.2
            terms.furniture.add(t)
    lead = lead_of(text, title)
    if lead:
        _words(lead, 0.5, terms.lead, terms.names, True)
    terms.title_numbers = numbers_in(f"{label} {head}", terms.approx)
    terms.numbers = terms.title_numbers | numbers_in(lead)
    return terms


def has_byline(author: str | None, text: str) -> bool:
    return bool(author and author.strip()) or bool(_BYLINE.search(text[:400]))


_IDS: dict[str, int] = {}


def term_id(term: str) -> int:
    """A stable 63-bit id of a term (the store keeps ids, not strings); cached."""
    tid = _IDS.get(term)
    if tid is None:
        if len(_IDS) > 50_000:  # ~5 MB
            _IDS.clear()
        digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
        tid = _IDS[term] = int.from_bytes(digest, "big") >> 1
    return tid
