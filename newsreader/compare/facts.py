"""What changed inside aligned text: quotes, names, numbers, attributions, hedges, word diff.

Every detector is a general rule of news writing (quotation marks, capitalised name
sequences, numerals and number words, reporting verbs, hedging vocabulary), not a list drawn
from any one article.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsreader.compare.numbers import numbers as numbers
from newsreader.compare.numbers import numbers_changed as numbers_changed
from newsreader.compare.sentences import quote_spans
from newsreader.text.safetext import fold

_WORDS = re.compile(r"\w+(?:['’]\w+)*")


def words(text: str) -> list[str]:
    return [w.removesuffix("'s") for w in _WORDS.findall(fold(text))]


def norm(text: str) -> str:
    return " " + " ".join(words(text)) + " "


# ----------------------------------------------------------------------------- quotes


@lru_cache(maxsize=8192)
def quotes(text: str) -> tuple[str, ...]:
    """Quoted passages (without the marks) of at least two characters."""
    out = []
    for a, b in quote_spans(text):
        inner = text[a + 1 : b - 1].strip(" ,.;:")
        if len(inner) >= 2 and any(ch.isalpha() for ch in inner):
            out.append(inner)
    return tuple(out)


def quote_kept(quote: str, other_norm: str) -> bool:
    """Is the quote's wording still there (allowing a trimmed word at either end)?"""
    q = words(quote)
    if not q:
        return True
    if len(q) <= 4:
        return " " + " ".join(q) + " " in other_norm
    grams = [" " + " ".join(q[k : k + 3]) + " " for k in range(len(q) - 2)]
    found = sum(g in other_norm for g in grams)
    return found >= 0.8 * len(grams)


# ----------------------------------------------------------------------------- names

_LOW = r"[^\W\dA-Z_]"  # a lowercase letter, accented ones included ("Ngātiwai")
_CAP = rf"(?:[A-Z]{_LOW}+(?:[A-Z]{_LOW}+)*(?:[-'’][A-Z]?{_LOW}+)*|[A-Z]{{2,6}}s?|[A-Z]\.)"
_NAME_SEQ = re.compile(rf"{_CAP}(?:\s+(?:(?:of|de|van|von|der|da|del|al|bin|la|le)\s+)?{_CAP})*")
_NOT_NAMES = frozenset(
    """The A An In On At By For From With And But Or As If When While After Before This That
    These Those There Here It Its He She His Her They Their We Our You Your I Mr Mrs Ms Dr
    Prof According However Meanwhile Recently Further Also Yet Still So Then Now Today
    Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Sources Some Many Most
    Both Each Every Such What Who Why How Where Which Last Next More Other Another One Two
    Three Four Five Six Seven Eight Nine Ten Although Though Because Since Despite Under Over
    Earlier Later Still Even Just Only Not No Yes Secretary President Minister Chairman Chair
    Senator Governor Mayor Director Officials Official Reporting Editing Additional Copyright
    All Read Sign Photo Image Updated Published Leave Share Follow Subscribe Click""".split()
)
_ADJECTIVAL = re.compile(r"^[A-Z][a-z]{3,}(?:ese|ian|ish|ist)$")
_SHOUT = frozenset("AGO AM PM GMT UTC EST ET BST CET MINUTES MINUTE HOURS HOUR DAYS".split())


_TITLES = frozenset(
    """Secretary President Minister Chairman Chairwoman Chair Senator Sen Governor Gov Mayor
    Director Deputy Prime Chief Editor Correspondent Officer Commissioner Ambassador Judge
    Justice General Gen Spokesman Spokeswoman Spokesperson Professor Prof Dr Mr Mrs Ms Sir
    King Queen Prince Princess Pope Chancellor Speaker Leader Head CEO""".split()
)


def _after_titles(toks: list[str]) -> list[str]:
    """The name after any job title: "UK Home Secretary" -> [], "Secretary of State Antony
    Blinken" -> "Antony Blinken", "Treasury Secretary Janet Yellen" -> "Janet Yellen"."""
    cut = max((k for k, t in enumerate(toks) if t in _TITLES), default=-1)
    if cut < 0:
        return toks
    rest = toks[cut + 1 :]
    if rest and rest[0] in ("of", "for"):
        rest = [t for t in rest[1:] if t[:1].isupper()]
        rest = rest[-2:] if len(rest) >= 3 else rest[1:] if len(rest) == 2 else []
    return rest


@lru_cache(maxsize=8192)
def name_spans(text: str) -> tuple[tuple[str, int, int], ...]:
    """(name, start, end) of every capitalised name sequence (people, organisations, places),
    job titles and leading function words off."""
    out: list[tuple[str, int, int]] = []
    for m in _NAME_SEQ.finditer(text):
        whole = m.group()
        toks = _after_titles(whole.split())
        while toks and (toks[0] in _NOT_NAMES or toks[0].upper() in _SHOUT):
            toks = toks[1:]
        while toks and (toks[-1] in _NOT_NAMES or toks[-1].upper() in _SHOUT or len(toks[-1]) < 2):
            toks = toks[:-1]
        if not toks:
            continue
        name = " ".join(toks)
        single = len(toks) == 1
        acronym = single and name.rstrip("s").isupper() and len(name) >= 2
        if single and not acronym:
            continue  # a lone capitalised word is too often a place or a sentence start
        if all(_ADJECTIVAL.search(t) for t in toks):
            continue  # "Chinese Communist", "South African": adjectives, not a name
        start = m.start() + max(0, whole.find(toks[0]))
        bare = re.sub(r"['’]s$", "", name)
        out.append((bare, start, start + len(bare)))
    return tuple(out)


def names(text: str) -> tuple[str, ...]:
    """Capitalised name sequences (people, organisations, places), leading function words off."""
    return tuple(dict.fromkeys(n for n, _, _ in name_spans(text)))


def name_kept(name: str, other_words: set[str], other_norm: str) -> bool:
    """Is the name in the other text, in full or by surname (`other_words`: its words, accents
    folded, case kept: "Bill" the name is not "bill" the noun)?"""
    if norm(name) in other_norm:
        return True
    toks = name.split()
    surname = toks[-1]
    return len(toks) >= 2 and len(surname) >= 3 and fold(surname, lower=False) in other_words


# ----------------------------------------------------------------------------- numbers
# (in numbers.py; re-exported here, where the engine and the benches have always found them)
