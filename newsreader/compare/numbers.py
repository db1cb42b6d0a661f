"""Numbers in news text: digits, scales, percentages and spelled-out numbers read whole.

"sixty-three" is 63, "a hundred" 100, "one hundred and ninety-two" 192, "two million" 2e6,
"13,000" and "thirteen thousand" the same value. Codes are not quantities: "MS-04", "F-35",
"COVID-19", "MH17", ordinals ("19th"). A changed number is a pair of numbers, one found on each
side only, that stand in the same context (a word they share around them: "1,200 homes" /
"1,500 homes"), so the figures of a sentence merged from elsewhere are not reported changed.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

_UNITS = {
    w: k
    for k, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    w: 10 * k
    for k, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_BIG = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_BIG) | {"hundred", "dozen"}
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9}
_SCALE.update({"bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12})
_DIGITS = re.compile(
    r"(?<![\w.])([$£€¥]?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(\s?%|\s?per\s?cent|\s?percent)?"
    r"(?:\s?(thousand|million|billion|trillion|bn|mn|tn|m|k|b)\b)?"
)
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b")
_ALPHA = re.compile(r"[a-z]+")
_ANY_DIGIT = re.compile(r"\d")
# "one" is a pronoun after these words and before "of"/"another": not a count.
_ONE_PRONOUN_BEFORE = frozenset("no any every some the this that which each anyone someone".split())
_ONE_PRONOUN_AFTER = frozenset("of another".split())
PERCENT_MARK = 0.000123  # a percentage differs from the bare number


def _digit_numbers(low: str, src: str) -> list[tuple[int, int, str, float]]:
    out = []
    for m in _DIGITS.finditer(low):
        start = m.start(1)
        if start >= 2 and low[start - 1] == "-" and low[start - 2].isalpha():
            continue  # "MS-04", "F-35", "COVID-19": a code
        if not m.group(2) and not m.group(3) and _ORDINAL.match(low, m.end(1)):
            continue  # "19th": an ordinal
        try:
            value = float(re.sub(r"[^\d.]", "", m.group(1)))
        except ValueError:
            continue
        value *= _SCALE.get(m.group(3) or "", 1.0)
        if m.group(2):
            value += PERCENT_MARK
        out.append((m.start(), m.end(), src[m.start() : m.end()].strip(), value))
    return out


def _read_run(words: list[str]) -> tuple[float, int]:
    """The value of the number words at the start of `words` and how many it used (0: none)."""
    total = current = 0.0
    last = ""  # the kind of the previous word
    used = 0
    k = 0
    while k < len(words):
        w = words[k]
        if w == "a" and k == 0:
            last = "a"
        elif w in _UNITS:
            if last in ("unit", "teen") or (last == "ten" and not 0 < _UNITS[w] < 10):
                break
            current += _UNITS[w]
            last = "teen" if _UNITS[w] >= 10 else "unit"
        elif w in _TENS:
            if last in ("unit", "teen", "ten"):
                break
            current += _TENS[w]
            last = "ten"
        elif w == "hundred":
            if last in ("hundred", "ten") or current % 100 != current:
                break
            current = (current or 1.0) * 100
            last = "hundred"
        elif w == "dozen":
            current = (current or 1.0) * 12
            last = "dozen"
        elif w in _BIG:
            if last == "big":
                break
            total += (current or 1.0) * _BIG[w]
            current = 0.0
            last = "big"
        elif w == "and" and last in ("hundred", "big") and k + 1 < len(words):
            if words[k + 1] not in _UNITS and words[k + 1] not in _TENS:
                break
            k += 1
            continue
        else:
            break
        k += 1
        used = k
    if last == "a" and used == 1:
        return 0.0, 0
    return total + current, used


_START = re.compile(
    r"\b(?:a(?=[ -](?:hundred|thousand|million|billion|trillion|dozen)\b)|"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")\b"
)
_PRONOUN_ONE = re.compile(
    rf"\b(?:{'|'.join(sorted(_ONE_PRONOUN_BEFORE))})[ ]one\b|\bone[ ](?:of|another)\b"
)


def _word_numbers(low: str, src: str) -> list[tuple[int, int, str, float]]:
    """Spelled-out numbers, each run of number words read as one value."""
    out: list[tuple[int, int, str, float]] = []
    pos = 0
    while True:
        m = _START.search(low, pos)
        if m is None:
            return out
        toks: list[re.Match[str]] = []
        for t in _ALPHA.finditer(low, m.start()):
            if toks and low[toks[-1].end() : t.start()] not in (" ", "-"):
                break
            toks.append(t)
            if len(toks) >= 12:
                break
        value, used = _read_run([t.group() for t in toks])
        if used == 0:
            pos = m.end()
            continue
        start, end = toks[0].start(), toks[used - 1].end()
        pronoun = used == 1 and toks[0].group() == "one" and _pronoun_one(low, start)
        if not pronoun:
            out.append((start, end, src[start:end], value))
        pos = end


def _pronoun_one(low: str, start: int) -> bool:
    m = _PRONOUN_ONE.search(low, max(0, start - 12), start + 12)
    return m is not None and m.start() <= start < m.end()


@lru_cache(maxsize=8192)
def number_spans(text: str) -> tuple[tuple[int, int, str, float], ...]:
    """(start, end, surface form, value) of each number, in text order."""
    low = text.lower()
    src = text if len(low) == len(text) else low  # lower() can change lengths ("İ")
    found: list[tuple[int, int, str, float]] = []
    if _ANY_DIGIT.search(low):
        found += _digit_numbers(low, src)
    if not _WORDS.isdisjoint(_ALPHA.findall(low)):
        taken = [(a, b) for a, b, _, _ in found]  # "$1.5 billion" is read with its digits
        found += [
            n for n in _word_numbers(low, src) if not any(a < n[1] and n[0] < b for a, b in taken)
        ]
    found.sort()
    return tuple(found)


def numbers(text: str) -> tuple[tuple[str, float], ...]:
    """(surface form, value) of each number, in text order; percentages and scales folded in."""
    return tuple((surface, value) for _, _, surface, value in number_spans(text))


_CONTEXT_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_STOP = frozenset(
    """a an the of to in on at by for from with and or but as is was were are be been has have
    had it its that this than over about some more less up down into after before per""".split()
)


def _context(text: str, start: int, end: int) -> tuple[set[str], list[str]]:
    """Content words within three words either side of a number, and all of those words."""
    before = _CONTEXT_WORD.findall(text[max(0, start - 60) : start].lower())[-3:]
    after = _CONTEXT_WORD.findall(text[end : end + 60].lower())[:3]
    around = before + after
    # Compared by their first five letters: "week" / "weeks", "sentence" / "sentenced".
    return {w[:5] for w in around if w not in _STOP and w not in _WORDS}, around


def _same_context(left: str, a: tuple[Any, ...], right: str, b: tuple[Any, ...]) -> bool:
    lc, lall = _context(left, a[0], a[1])
    rc, rall = _context(right, b[0], b[1])
    if lc & rc:
        return True
    return len(set(lall) & set(rall)) >= 2  # "He has three." / "He has two."


def numbers_changed(left: str, right: str) -> list[tuple[str, str]]:
    """(copy's, original's) surface forms of numbers that differ: each number found on one
    side only is paired with the closest one in the same context found on the other side only
    (digits with digits first, then by ratio)."""
    ln, rn = number_spans(left), number_spans(right)
    rvals = {v for *_, v in rn}
    lvals = {v for *_, v in ln}
    lonly = [n for n in ln if n[3] not in rvals]
    ronly = [n for n in rn if n[3] not in lvals]

    def distance(a: tuple[Any, ...], b: tuple[Any, ...]) -> float:
        kind = (a[2][:1].isdigit() or a[2][:1] in "$£€¥") != (
            b[2][:1].isdigit() or b[2][:1] in "$£€¥"
        )
        ratio = abs(math.log((abs(a[3]) + 1.0) / (abs(b[3]) + 1.0)))
        return ratio + (10.0 if kind else 0.0)

    pairs = sorted(
        (distance(a, b), x, y)
        for x, a in enumerate(lonly)
        for y, b in enumerate(ronly)
        if _same_context(left, a, right, b)
    )
    used_l: set[int] = set()
    used_r: set[int] = set()
    out: list[tuple[int, str, str]] = []
    for _, x, y in pairs:
        if x not in used_l and y not in used_r:
            used_l.add(x)
            used_r.add(y)
            out.append((x, lonly[x][2], ronly[y][2]))
    return [(a, b) for _, a, b in sorted(out)]
