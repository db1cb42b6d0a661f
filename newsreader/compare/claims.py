"""Attribution and hedging: who says so, and how sure the text is."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Indel

from newsreader.compare.facts import names
from newsreader.compare.model import DiffOp

_VERBS = (
    r"said|says|say|told|tells|added|adds|according to|cautioned|cautions|warned|warns|noted|"
    r"notes|stated|states|explained|argued|argues|claimed|claims|insisted|acknowledged|admitted|"
    r"confirmed|reported|reports|wrote|writes|announced|emphasi[sz]ed|stressed|highlighted|"
    r"suggested|believes|believed|described|welcomed|"
    r"questioned|asked|replied|responded|disclosed|revealed|alleged|testified"
)
_ATTR_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_AGENT = re.compile(
    r"\b(?:person|people|officials?|spokes(?:person|man|woman)|aides?|analysts?|executives?|"
    r"ministers?|diplomats?|economists?|researchers?|scientists?|experts?|lawyers?|"
    r"investigators?|police|prosecutors?|witnesses|residents|he|she|they|chairman|chief|"
    r"director|president|secretary|minister|professor|adviser|advisor|ceo|founder|study|report|"
    r"survey|data|statement)\b",
)
_VAGUE = re.compile(
    r"\b(?:sources?|reports? (?:say|suggest|indicate)|reportedly|it (?:should|must|is to) be "
    r"noted|it is (?:understood|believed|said|reported|thought)|some (?:say|believe|argue)|"
    r"observers|insiders|critics|many believe|it seems|it appears|according to (?:reports|"
    r"sources|media|some|reliable sources))\b",
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
    "estimated": r"estimated|approximately|roughly|nearly|almost|up to",
}
_HEDGE_RE = {k: re.compile(rf"\b(?:{v})\b") for k, v in HEDGES.items()}
_ANY_HEDGE = re.compile(rf"\b(?:{'|'.join(HEDGES.values())})\b")


def attribution(text: str) -> str:
    """'strong' (a reporting verb with a named or specific source), 'vague', or 'none'."""
    low = text.lower()
    if _VAGUE.search(low):
        return "vague"
    if _ATTR_VERB.search(low) and (names(text) or _AGENT.search(low)):
        return "strong"
    if "according to" in low:
        return "strong"
    return "none"


def hedges(text: str) -> set[str]:
    found = {m.group() for m in _ANY_HEDGE.finditer(text.lower())}
    return {_family(w) for w in found}


def _family(phrase: str) -> str:
    return next((k for k, rx in _HEDGE_RE.items() if rx.fullmatch(phrase)), phrase)


def word_diff(left: str, right: str) -> list[DiffOp]:
    """Word-level diff (left = the copy, right = the original); spacing normalised.

    rapidfuzz's Indel opcodes (C++, ~40x difflib); a deletion next to an insertion reads as
    one replacement.
    """
    lw, rw = left.split(), right.split()
    key_l, key_r = [_key(w) for w in lw], [_key(w) for w in rw]
    ops: list[DiffOp] = []
    for op in Indel.opcodes(key_l, key_r):
        lt = " ".join(lw[op.src_start : op.src_end])
        rt = " ".join(rw[op.dest_start : op.dest_end])
        if op.tag == "equal":
            ops.append(DiffOp("equal", lt, rt))
        elif ops and ops[-1].tag != "equal":
            prev = ops[-1]
            prev.left = f"{prev.left} {lt}".strip()
            prev.right = f"{prev.right} {rt}".strip()
            prev.tag = "replace" if prev.left and prev.right else prev.tag
        else:
            ops.append(DiffOp("delete" if lt else "insert", lt, rt))
    return ops


_PUNCT = ".,;:!?\"'“”‘’()[]{}—–-…"


@lru_cache(maxsize=65536)
def _key(token: str) -> str:
    key = token.lower().replace("’", "'").strip(_PUNCT)
    return key or token
