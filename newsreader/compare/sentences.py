"""Text → blocks → sentences, for article text of any provenance (plain, Markdown, extracted).

A sentence survives hard line breaks (even a blank line) inside it, abbreviations ("Mr.",
"U.S.", initials), decimals, and quotations spanning several sentences (a quote is not split).
"""

from __future__ import annotations

import re

from newsreader.text.shape import ends_sentence
from newsreader.text.urls import is_web

# Markdown that carries no words: links keep their text, images go, emphasis markers go.
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\(([^)\s]*)[^)]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]*)[^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_BULLET = re.compile(r"^\s{0,3}[-*+•]\s+(?=\S)", re.M)
_MD_NUMBERED = re.compile(r"^\s{0,3}\d{1,3}[.)]\s+(?=\S)", re.M)
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?", re.M)

OPEN_Q = "“«„"
CLOSE_Q = "”»"

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen gov sen rep lt col capt sgt cmdr adm rev fr hon pres
    supt insp det inc ltd co corp plc llc bros dept univ assn est approx vs etc al 
    cf jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun no nos
    vol p pp fig ft mt """.split()
)


def strip_markdown(text: str) -> tuple[str, list[str]]:
    """Markdown → plain text, and the link targets found (in order)."""
    links: list[str] = []

    def link(m: re.Match[str]) -> str:
        target = m.group(2)
        if is_web(target):
            links.append(target)
        return m.group(1)

    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(link, text)
    text = _MD_EMPH.sub(r"\2", text)
    text = _MD_HEADING.sub("", text)
    # Each list item is a paragraph of its own; bullets stay visible ("• "), numbers go.
    text = _MD_BULLET.sub("\n• ", text)
    text = _MD_NUMBERED.sub("\n", text)
    text = _MD_QUOTE.sub("", text)
    return text, links


def _starts_lower(text: str) -> bool:
    t = text.lstrip(" \"'“‘(«—–-")
    return bool(t) and (t[0].islower() or t[0] in ",;:")


def _wrapped(prev: str, nxt: str) -> bool:
    """Does `nxt` continue the sentence `prev` broke off (a hard line break inside it)?"""
    if ends_sentence(prev):
        return False
    if _starts_lower(nxt):
        return True
    p = prev.rstrip()
    return p.endswith((",", ";", "—", "–", "-", "(")) or p.split()[-1].lower() in _GLUE


_GLUE = frozenset("a an the of to in on at by for from with and or but as that than into".split())


def blocks(text: str) -> list[list[str]]:
    """Paragraphs (blank-line separated) as lists of lines, with broken sentences re-joined.

    A line keeps its own identity when it looks like a heading or a label (no final
    punctuation, followed by a capitalised line); otherwise lines of a paragraph are joined.
    """
    paras: list[list[str]] = []
    for raw in re.split(r"\n[ \t]*\n", text):
        lines = [" ".join(ln.split()) for ln in raw.split("\n")]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        if paras and _wrapped(paras[-1][-1], lines[0]) and not _heading_ends(paras[-1], lines[0]):
            paras[-1][-1] += " " + lines[0]
            lines = lines[1:]
            if not lines:
                continue
            if not ends_sentence(paras[-1][-1]) or _wrapped(paras[-1][-1], lines[0]):
                paras[-1].extend(lines)
                paras[-1][:] = _join_lines(paras[-1])
                continue
        paras.append(_join_lines(lines))
    return paras


def _heading_ends(para: list[str], nxt: str) -> bool:
    """A paragraph of one short line ending in a small word ("Evidence was tampered with")
    before a blank line and a capitalised paragraph is a heading, not a broken sentence."""
    prev = para[-1]
    if len(para) > 1 or len(prev.split()) > 12 or _starts_lower(nxt):
        return False
    return not prev.rstrip().endswith((",", ";", "—", "–", "-", "("))


def _join_lines(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if out and (_wrapped(out[-1], ln) or (len(out[-1].split()) >= 9 and not _label(out[-1]))):
            if ends_sentence(out[-1]) and not _wrapped(out[-1], ln) and _label(ln):
                out.append(ln)
            else:
                out[-1] += " " + ln
        else:
            out.append(ln)
    return out


def _label(line: str) -> bool:
    """A short line without final punctuation (a heading, kicker, credit, widget label)."""
    return len(line.split()) <= 12 and not ends_sentence(line)


# ----------------------------------------------------------------------------- quotes


_QUOTE_CHARS = re.compile(r"[\"“”«»„]")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation, end exclusive, marks included; unbalanced ones ignored."""
    spans: list[tuple[int, int]] = []
    start = -1
    n = len(text)
    for m in _QUOTE_CHARS.finditer(text):
        k, ch = m.start(), m.group()
        before = text[k - 1] if k else " "
        after = text[k + 1] if k + 1 < n else " "
        if ch in OPEN_Q or (ch == '"' and start < 0 and (before.isspace() or before in "([—–-")):
            if start < 0 and not after.isspace():
                start = k
        elif (
            (ch in CLOSE_Q or ch == '"')
            and start >= 0
            and not before.isspace()
            and (after.isspace() or after in ".,;:!?)—–-" or k + 1 == n)
        ):
            spans.append((start, k + 1))
            start = -1
    return spans


# ----------------------------------------------------------------------------- sentences

_CANDIDATE = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"(\S+)$")
_STARTERS = frozenset(
    "The A An He She It They We I In On At But And This That These Those There His Her Its "
    "Their Our As If When While After Before However Meanwhile Still Yet So For".split()
)
_MAX_QUOTE = 1200  # a "quote" longer than this is more likely a stray mark: split inside it


def split_sentences(text: str) -> list[str]:
    spans = [(a, b) for a, b in quote_spans(text) if b - a <= _MAX_QUOTE]
    out: list[str] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        end = m.end()
        if any(a < m.start() and end < b for a, b in spans):
            continue  # inside a quotation: the quote is one unit
        if m.group()[0] == "." and len(m.group().rstrip("\"'”’»)]")) == 1:
            w = _WORD_BEFORE.search(text, 0, m.start())
            word = w.group(1).lstrip("\"'“‘(«[").lower() if w else ""
            if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # U.S. / e.g. / Ph.D.
                nxt = text[end:].split(None, 1)[0].strip("\"'“‘«(") if text[end:].strip() else ""
                if nxt not in _STARTERS:
                    continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
