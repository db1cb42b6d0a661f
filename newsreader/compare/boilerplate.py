"""Aggregator boilerplate by general features: disclaimers, sign-up and share prompts, comment
widgets, copyright and contact lines, link labels at the tail of the page.

Each segment gets a score from families of cues (legal, engagement, publisher voice, contact,
shape and position). A paragraph that is mostly boilerplate is boilerplate as a whole. Nothing
here knows any particular site's wording.
"""

from __future__ import annotations

import re

from newsreader.compare.model import Segment
from newsreader.text.shape import ends_sentence

# Cues as phrases over the segment's lowercased words (substring tests: fast, unlike one big
# case-insensitive alternation). Strong (legal) cues make a short segment boilerplate alone.
_LEGAL = tuple(
    f" {p.strip()} "
    for p in """copyright|all rights reserved|disclaimer|denial of responsibility|dmca|trademark|
    trademarks|rightful owner|rightful owners|terms of use|terms of service|terms and conditions|
    privacy policy|privacy notice|cookie policy|cookie settings|automatic aggregator|
    automatically aggregated|aggregator|primary source|original source|complaint|complaints|
    takedown|not responsible for|not be responsible for|views expressed|
    for informational purposes""".split("|")
)
_ENGAGE = tuple(
    f" {p.strip()} "
    for p in """sign up|signup|signing up|subscribe|subscription|newsletter|newsletters|log in|
    login|register|share this|share on|share via|share the|follow us|follow our|follow the|
    leave a comment|leave a reply|click here|read more|read next|read also|also read|
    related articles|related posts|related stories|related news|related topics|related|
    advertisement|advertise|sponsored|you may also like|don't miss|dont miss|must read|
    download our app|download the app|join our|join us|free updates|get the latest|get updates|
    get alerts|email us|
    contact us|reach us|image source|featured image|print this|bookmark|
    in this article|trending|min read|minute read|posted by|posted in|posted on|by admin|
    leave a comment|comments""".split("|")
)


# Platform names: furniture in a share bar, news in a sentence ("wrote on Twitter that ...").
_PLATFORMS = frozenset("whatsapp telegram facebook twitter instagram pinterest linkedin".split())
# A label that announces links: "Also Read: <headline>", "Related:", "Read more:".
_LINK_LABEL = re.compile(
    r"^(?:also read|read also|read more|read next|related(?: \w+)?|see also|more|recommended|"
    r"trending(?: now)?|must read|don'?t miss|you may also like|you might also like|more from"
    r"(?: \w+){0,3}|watch|listen|popular|latest)\s*[:|»›>-]",
    re.I,
)


_LINKS_HEADING = re.compile(
    r"^(?:related|read more|also read|read also|see also|more (?:from|on|stories|news|in)|"
    r"recommended|trending|popular|you may also like|you might also like|most read|"
    r"don'?t miss|latest (?:news|stories)|other stories|further reading)\b",
    re.I,
)


def _by_first(phrases: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for p in phrases:
        out.setdefault(p.split()[0], []).append(p)
    return {k: tuple(v) for k, v in out.items()}


_BY_FIRST_LEGAL = _by_first(_LEGAL)
_BY_FIRST_ENGAGE = _by_first(_ENGAGE)
_FIRST_WORDS = frozenset(_BY_FIRST_LEGAL) | frozenset(_BY_FIRST_ENGAGE)
_PHRASE_WORD = re.compile(r"[a-z0-9']+")
_BREADCRUMB = re.compile(r"\S\s*[»›>]\s*\S.*\S\s*[»›>]\s*\S|^home\s*[»›>/|]", re.I)
_CONTACT = re.compile(r"\S+@\S+\.\w+|\[email[^\]]*\]|\bhttps?://|\bwww\.", re.I)
# "us" in lower case only: "US" is the country.
_PUBLISHER_VOICE = re.compile(r"\b(?:[Ww]e|[Oo]ur|us|[Yy]ou|[Yy]our|[Pp]lease)\b")
_IMPERATIVE = re.compile(
    r"^(?:sign|subscribe|click|tap|follow|share|leave|read|join|download|get|don.t|contact|"
    r"watch|listen|see|visit|check out|like|tweet|email)\b",
    re.I,
)


def score(text: str) -> float:
    """Boilerplate evidence of one segment: >= 2 is boilerplate on its own, 1 is a suspect."""
    words = len(text.split())
    low = text.lower().replace("’", "'")
    tokens = [w.strip("'") for w in _PHRASE_WORD.findall(low)]
    flat = " " + " ".join(tokens) + " "
    present = _FIRST_WORDS.intersection(tokens)
    legal = sum(p in flat for w in present for p in _BY_FIRST_LEGAL.get(w, ())) + ("©" in text)
    engage = sum(p in flat for w in present for p in _BY_FIRST_ENGAGE.get(w, ()))
    engage += low.startswith(("source:", "tags:"))
    engage += low.endswith("comments")
    platforms = len(_PLATFORMS.intersection(tokens))
    running = words >= 12 and ends_sentence(text)
    engage += 0 if running else min(platforms, 2)
    if _LINK_LABEL.match(text) and not running:
        s_label = 2.0
    else:
        s_label = 0.0
    s = 2.0 * min(legal, 2) + 1.5 * min(engage, 2) + s_label
    if ("@" in text or "www." in low or "http" in low) and _CONTACT.search(text):
        s += 1.0
    if _IMPERATIVE.match(text):
        s += 1.0
    if words <= 10 and _BREADCRUMB.search(text) and not ends_sentence(text):
        s += 2.0  # "Home » World » Americans": site navigation
    if words <= 25 and _PUBLISHER_VOICE.search(text):
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
        (sc >= 2.0 and s.kind in ("body", "standfirst", "kicker", "subhead"))
        or (sc >= 3.5 and s.kind == "caption")  # "© 2024 Site. All rights reserved."
        or (sc >= 1.5 and s.kind != "headline" and is_label(s.text))  # "Related Posts"
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
    for k in range(last_body + 1, n if last_body >= 0 else 0):  # no running text: no tail
        if segments[k].kind in ("body", "standfirst", "kicker", "subhead") and (
            is_label(segments[k].text) or scores[k] >= 1.0 or flags[k]
        ):
            flags[k] = True
        # Furniture between boilerplate lines at the tail is furniture too.
    # A heading of links ("Related Articles", "Read More:") is followed by the links' titles:
    # short lines that are not sentences, up to the next running text.
    for k in range(n):
        text = segments[k].text
        if flags[k] and len(text.split()) <= 6 and _LINKS_HEADING.match(text):
            for j in range(k + 1, n):
                nxt = segments[j]
                if nxt.kind == "headline" or (
                    ends_sentence(nxt.text) and not flags[j] or len(nxt.text.split()) > 20
                ):
                    break
                flags[j] = True
    for k in range(n):
        if flags[k]:
            segments[k].kind = "boilerplate"


def _running(seg: Segment) -> bool:
    return ends_sentence(seg.text) and len(seg.text.split()) >= 8
