"""Aggregator boilerplate by general features: disclaimers, sign-up and share prompts, comment
widgets, copyright and contact lines, link labels at the tail of the page.

Each segment gets a score from families of cues (legal, engagement, publisher voice, contact,
shape and position). A paragraph that is mostly boilerplate is boilerplate as a whole. Nothing
here knows any particular site's wording.
"""

from __future__ import annotations

import re

from newsreader.compare.model import Segment
from newsreader.compare.sentences import ends_sentence

# Strong cues: one of these makes a short segment boilerplate.
_LEGAL = re.compile(
    r"©|\bcopyright\b|all rights reserved|\bdisclaimer\b|denial of responsibility|\bdmca\b|"
    r"\btrademarks?\b|rightful owners?|terms (?:of|and) (?:use|service|conditions)|"
    r"privacy (?:policy|notice)|cookie (?:policy|settings)|\bautomatic(?:ally)? aggregat|"
    r"\baggregator\b|primary source|original source|\bcomplaints?\b|takedown|"
    r"not (?:be )?responsible for|views expressed|for informational purposes",
    re.I,
)
_ENGAGE = re.compile(
    r"\bsign(?:ing)? ?up\b|\bsubscribe\b|\bsubscription\b|\bnewsletters?\b|\blog ?in\b|"
    r"\bregister\b|\bshare (?:this|on|via|the)\b|^share\b|\bfollow us\b|\bfollow (?:the|our)\b|"
    r"leave a (?:comment|reply)|\bcomments?\b$|\bclick here\b|\bread (?:more|next|also)\b|"
    r"\balso read\b|\brelated (?:articles?|posts?|stories|news|topics)\b|\badvertis(?:e|ement)\b|"
    r"\bsponsored\b|you may also like|\brecommended\b|don.t miss|must read|\bdownload (?:our|the)"
    r" app\b|\bjoin (?:our|us)\b|free updates|get (?:the latest|updates|alerts)|\bwhatsapp\b|"
    r"\btelegram\b|\bfacebook\b|\btwitter\b|\binstagram\b|\bpinterest\b|\blinkedin\b|\bemail us\b|"
    r"\bcontact us\b|\breach us\b|\bsource\s*:|\bimage source\b|featured image|\btags?\s*:|"
    r"\bprint this\b|\bbookmark\b|\bin this article\b|\btrending\b",
    re.I,
)
_CONTACT = re.compile(r"\S+@\S+\.\w+|\[email[^\]]*\]|\bhttps?://|\bwww\.", re.I)
_PUBLISHER_VOICE = re.compile(r"\b(?:we|our|us)\b|\b(?:you|your)\b|\bplease\b", re.I)
_IMPERATIVE = re.compile(
    r"^(?:sign|subscribe|click|tap|follow|share|leave|read|join|download|get|don.t|contact|"
    r"watch|listen|see|visit|check out|like|tweet|email)\b",
    re.I,
)


def score(text: str) -> float:
    """Boilerplate evidence of one segment: >= 2 is boilerplate on its own, 1 is a suspect."""
    words = len(text.split())
    s = 0.0
    legal = len(_LEGAL.findall(text))
    engage = len(_ENGAGE.findall(text))
    s += 2.0 * min(legal, 2) + 1.5 * min(engage, 2)
    if _CONTACT.search(text):
        s += 1.0
    if _IMPERATIVE.match(text):
        s += 1.0
    if _PUBLISHER_VOICE.search(text) and words <= 25:
        s += 0.5
    if words > 45:
        s -= 2.0  # long running text is rarely boilerplate even when it mentions these words
    return s


def is_label(text: str) -> bool:
    """A short line that is not a sentence: a widget label, link text, a heading."""
    return len(text.split()) <= 5 and not ends_sentence(text)


def mark_boilerplate(segments: list[Segment], block_of: list[int]) -> None:
    """Set kind='boilerplate' in place on the segments that are page furniture."""
    n = len(segments)
    if not n:
        return
    scores = [score(s.text) for s in segments]
    flags = [
        sc >= 2.0 and s.kind in ("body", "standfirst", "kicker")
        for sc, s in zip(scores, segments, strict=True)
    ]
    # A paragraph that is mostly boilerplate is boilerplate as a whole (a disclaimer's
    # "We will take action within 24 hours." carries no cue of its own).
    by_block: dict[int, list[int]] = {}
    for k, b in enumerate(block_of):
        by_block.setdefault(b, []).append(k)
    for members in by_block.values():
        hits = sum(flags[k] for k in members)
        suspects = sum(scores[k] >= 1.0 for k in members)
        if hits and (hits * 2 >= len(members) or hits + suspects >= len(members) * 0.75):
            for k in members:
                if segments[k].kind in ("body", "standfirst"):
                    flags[k] = True
    # The tail after the last paragraph of running text: labels and suspects are furniture.
    last_body = max(
        (
            k
            for k in range(n)
            if segments[k].kind == "body" and not flags[k] and _running(segments[k])
        ),
        default=-1,
    )
    for k in range(last_body + 1, n):
        if segments[k].kind in ("body", "standfirst", "kicker") and (
            is_label(segments[k].text) or scores[k] >= 1.0 or flags[k]
        ):
            flags[k] = True
        # Furniture between boilerplate lines at the tail is furniture too.
    for k in range(n):
        if flags[k]:
            segments[k].kind = "boilerplate"


def _running(seg: Segment) -> bool:
    return ends_sentence(seg.text) and len(seg.text.split()) >= 8
