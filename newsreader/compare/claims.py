"""Attribution and hedging: who says so, and how sure the text is."""

from __future__ import annotations

import difflib
import re

from newsreader.compare.facts import names, words
from newsreader.compare.model import DiffOp

_VERBS = (
    r"said|says|say|told|tells|added|adds|according to|cautioned|cautions|warned|warns|noted|"
    r"notes|stated|states|explained|argued|argues|claimed|claims|insisted|acknowledged|admitted|"
    r"confirmed|reported|reports|wrote|writes|announced|emphasi[sz]ed|stressed|highlighted|"
    r"suggested|believes|believed|described|welcomed|"
    r"questioned|asked|replied|responded|disclosed|revealed|alleged|testified"
)
_ATTR_VERB = re.compile(rf"\b(?:{_VERBS})\b", re.I)
_AGENT = re.compile(
    r"\b(?:person|people|officials?|spokes(?:person|man|woman)|aides?|analysts?|executives?|"
    r"ministers?|diplomats?|economists?|researchers?|scientists?|experts?|lawyers?|"
    r"investigators?|police|prosecutors?|witnesses|residents|he|she|they|chairman|chief|"
    r"director|president|secretary|minister|professor|adviser|advisor|ceo|founder|study|report|"
    r"survey|data|statement)\b",
    re.I,
)
_VAGUE = re.compile(
    r"\b(?:sources?|reports? (?:say|suggest|indicate)|reportedly|it (?:should|must|is to) be "
    r"noted|it is (?:understood|believed|said|reported|thought)|some (?:say|believe|argue)|"
    r"observers|insiders|critics|many believe|it seems|it appears|according to (?:reports|"
    r"sources|media|some|reliable sources))\b",
    re.I,
)

HEDGES = {
    "may": r"may|might|could",
    "possibly": r"possibl[ey]|potential(?:ly)?|perhaps",
    "likely": r"likely|unlikely|probabl[ey]",
    "reportedly": r"reportedly|allegedly|purportedly|apparently",
    "appears": r"appears?|seems?|seemingly",
    "suggests": r"suggests?|suggested|indicates?",
    "not yet": r"not yet|yet to",
    "remains to be seen": r"remains? to be seen|remained to be seen|unclear|uncertain",
    "cautioned": r"cautioned|cautions|warned",
    "preliminary": r"preliminary|unconfirmed|tentative(?:ly)?|provisional(?:ly)?",
    "estimated": r"estimated|approximately|roughly|about|around|nearly|almost|up to",
}
_HEDGE_RE = {k: re.compile(rf"\b(?:{v})\b", re.I) for k, v in HEDGES.items()}


def attribution(text: str) -> str:
    """'strong' (a reporting verb with a named or specific source), 'vague', or 'none'."""
    if _VAGUE.search(text):
        return "vague"
    if _ATTR_VERB.search(text) and (names(text) or _AGENT.search(text)):
        return "strong"
    if re.search(r"\baccording to\b", text, re.I):
        return "strong"
    return "none"


def hedges(text: str) -> set[str]:
    return {k for k, rx in _HEDGE_RE.items() if rx.search(text)}


def word_diff(left: str, right: str) -> list[DiffOp]:
    """Word-level diff (left = the copy, right = the original); spacing normalised."""
    lw, rw = left.split(), right.split()
    key_l, key_r = [_key(w) for w in lw], [_key(w) for w in rw]
    ops = []
    sm = difflib.SequenceMatcher(None, key_l, key_r, autojunk=False)
    for tag, a0, a1, b0, b1 in sm.get_opcodes():
        ops.append(DiffOp(tag, " ".join(lw[a0:a1]), " ".join(rw[b0:b1])))
    return ops


def _key(token: str) -> str:
    w = words(token)
    return " ".join(w) if w else token
