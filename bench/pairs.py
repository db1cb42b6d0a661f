"""Scripted aggregator copies of real news articles, with the gold alignment known by construction.

Originals: the English news pages of ../shared/corpora/articles (expected extractions). Each copy
applies a random mix of the edits content farms make: paraphrase (synonyms, reordered clauses,
dropped adverbs), merge two sentences, split one, move one far away, turn a quote into indirect
speech or drop it, drop a caveat or weaken a hedge, drop the byline, replace a name with a vague
role (a person the engine finds: the label is 'a person dropped'), change a number, add
boilerplate. The copy is written one unit per paragraph; the gold maps
each unit to the original's segment indices (from the engine's own segmentation of the original,
so indices agree) and lists the labels it carries.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.compare import document_from_text
from newsreader.compare.facts import numbers, quotes
from newsreader.compare.persons import persons
from newsreader.text.sanitize import html_to_text

SHARED = Path(os.environ.get("NEWSREADER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
ARTICLES = SHARED / "corpora" / "articles"
ENGLISH = """bbc-1 cnn nytimes-1 nytimes-2 guardian-1 wapo-1 wapo-2 telegraph theverge seattletimes-1
herald-sun-1 salon-1 ars-1 engadget cnet citylab-1 buzzfeed-1""".split()

SYN = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "big": "large",
    "large": "sizeable",
    "show": "demonstrate",
    "shows": "demonstrates",
    "help": "assist",
    "start": "begin",
    "started": "began",
    "buy": "purchase",
    "bought": "purchased",
    "use": "utilise",
    "used": "utilised",
    "need": "require",
    "needs": "requires",
    "important": "significant",
    "about": "regarding",
    "get": "obtain",
    "make": "create",
    "made": "created",
    "people": "individuals",
    "many": "numerous",
    "also": "additionally",
    "but": "however",
    "because": "since",
    "very": "highly",
    "new": "fresh",
    "plan": "scheme",
    "plans": "intends",
    "rise": "increase",
    "rose": "increased",
    "fell": "declined",
    "cut": "reduced",
    "country": "nation",
    "government": "administration",
    "company": "firm",
    "try": "attempt",
    "tried": "attempted",
    "world": "globe",
    "city": "metropolis",
    "work": "labour",
    "problem": "issue",
    "problems": "issues",
    "hard": "difficult",
    "quickly": "rapidly",
    "after": "following",
    "before": "prior to",
    "during": "throughout",
    "against": "versus",
    "think": "believe",
    "thinks": "believes",
    "allow": "permit",
    "allowed": "permitted",
}
ADVERBS = re.compile(
    r"\b(?:really|actually|currently|recently|reportedly|just|still|already)\s", re.I
)
HEDGE = re.compile(r"\b(?:may|might|could|possibly|likely|probably|perhaps|reportedly)\b", re.I)
HEDGE_SWAP = {
    "may": "will",
    "might": "will",
    "could": "will",
    "possibly": "",
    "likely": "",
    "probably": "",
    "perhaps": "",
    "reportedly": "",
}
VAGUE = ["an official", "a spokesperson", "a source", "one observer", "an insider"]
SITES = ["DailyTrendz", "NewsHub24", "GlobalWire Now", "TopStory Digest", "InfoPulse"]
BOILER = [
    "Sign up for the {site} newsletter to get the latest stories in your inbox.",
    "Share this article on Facebook, Twitter and WhatsApp.",
    "Disclaimer: {site} is an automatic aggregator of the world's media. All content belongs to its respective owners.",
    "© 2024 {site}. All rights reserved.",
    "Leave a Reply",
    "Read more",
    "Click here to subscribe to our daily briefing.",
    "Follow us on Instagram for more updates.",
    "For any complaints or takedown requests, please contact us at editor@{host}.com.",
    "Related Posts",
    "Advertisement",
    "We are not responsible for the views expressed in this article.",
]


@dataclass
class Unit:
    text: str
    right: list[int]  # gold right indices ([] for added text)
    labels: set[str] = field(default_factory=set)


@dataclass
class Pair:
    name: str
    left: str
    right: str
    units: list[Unit]
    right_only: dict[int, set[str]]  # dropped right segments with their labels
    byline_dropped: bool = False


def originals() -> list[tuple[str, str]]:
    out = []
    for name in ENGLISH:
        p = ARTICLES / "readability" / name / "expected.html"
        if p.exists():
            out.append((name, html_to_text(p.read_text(encoding="utf-8", errors="replace"))))
    for p in sorted((ARTICLES / "extraction-benchmark").glob("*/expected.txt")):
        if any(
            k in p.parent.name
            for k in ("aljazeera", "bbc", "nytimes", "phys", "reuters", "guardian")
        ):
            out.append(
                (p.parent.name.split("-")[0], p.read_text(encoding="utf-8", errors="replace"))
            )
    return [(n, t) for n, t in out if len(t.split()) > 200]


def paraphrase(text: str, rng: random.Random, heavy: bool = False) -> str:
    words = text.split(" ")
    out = []
    for w in words:
        core = w.strip(".,;:!?\"'“”")
        low = core.lower()
        if low in SYN and rng.random() < (0.9 if heavy else 0.6):
            rep = SYN[low]
            rep = rep.capitalize() if core[:1].isupper() else rep
            w = w.replace(core, rep, 1)
        out.append(w)
    text = " ".join(out)
    if rng.random() < 0.7:
        text = ADVERBS.sub("", text)
    m = re.match(r"^(.{20,}?), (\w.{20,})$", text)
    if heavy and m and rng.random() < 0.6:  # reorder clauses
        tail = m.group(2).rstrip(".")
        text = tail[0].upper() + tail[1:] + ", " + m.group(1)[0].lower() + m.group(1)[1:] + "."
    return text


def make_pair(name: str, original: str, seed: int) -> Pair:
    rng = random.Random(seed)
    doc = document_from_text(original, name)
    segs = doc.segments
    units: list[Unit] = []
    right_only: dict[int, set[str]] = {}
    byline_dropped = False
    body = [j for j, s in enumerate(segs) if s.kind == "body" and len(s.text.split()) >= 6]
    move_src = rng.choice(body) if len(body) > 12 and rng.random() < 0.6 else None
    people = persons(" ".join(s.text for s in segs if s.kind in ("body", "standfirst")))
    j = 0
    while j < len(segs):
        s = segs[j]
        if s.kind == "boilerplate":
            right_only[j] = set()
            j += 1
            continue
        if s.kind in ("byline", "caption", "kicker"):
            if s.kind == "byline" and rng.random() < 0.7:
                right_only[j] = {"drop_byline"}
                byline_dropped = True
            elif s.kind != "byline" and rng.random() < 0.8:
                right_only[j] = set()
            else:
                units.append(Unit(s.text, [j]))
            j += 1
            continue
        if j == move_src:
            j += 1
            continue
        text, labels = s.text, set()
        r = rng.random()
        q = quotes(text)
        nums = numbers(text)
        nms = [n for n in people if len(n.split()) >= 2 and n in text]
        if q and s.kind == "body" and r < 0.35:
            if rng.random() < 0.3:
                right_only[j] = {"drop_quote"}
                j += 1
                continue
            text = re.sub(r"[\"“”]", "", text)
            text = re.sub(r",\s*(said|says)\s+", r" according to ", text, count=1)
            labels.add("quote_paraphrased")
        elif HEDGE.search(text) and s.kind == "body" and r < 0.5:
            if rng.random() < 0.4:
                right_only[j] = {"drop_caveat"}
                j += 1
                continue
            text = HEDGE.sub(lambda m: HEDGE_SWAP[m.group().lower()], text, count=1)
            text = re.sub(r"\s{2,}", " ", text)
            labels.add("hedge_removed")
        elif nums and r < 0.55:
            surface, value = rng.choice(nums)
            digits = re.search(r"\d[\d,]*", surface)
            if digits:
                new_val = int(digits.group().replace(",", "")) + rng.randint(2, 9)
                text = text.replace(digits.group(), f"{new_val:,}", 1)
                labels.add("number_changed")
        elif nms and s.kind == "body" and r < 0.7:
            nm = rng.choice(nms)
            if all(nm.split()[-1] not in segs[k].text for k in range(len(segs)) if k != j):
                text = text.replace(nm, rng.choice(VAGUE), 1)
                text = text[0].upper() + text[1:]
                labels.add("name_dropped")
        if s.kind == "body" and not labels and rng.random() < 0.15:
            right_only[j] = {"drop_sentence"}
            j += 1
            continue
        text = paraphrase(text, rng, heavy=rng.random() < 0.4)
        nxt = j + 1
        if (
            s.kind == "body"
            and nxt < len(segs)
            and segs[nxt].kind == "body"
            and nxt != move_src
            and rng.random() < 0.15
        ):
            other = paraphrase(segs[nxt].text, rng)
            text = text.rstrip(".") + ", and " + other[0].lower() + other[1:]
            units.append(Unit(text, [j, nxt], labels | {"merge"}))
            j += 2
            continue
        m = re.match(r"^(.{40,}?), (?:and|but|while|which) (.{30,})$", text)
        if s.kind == "body" and m and rng.random() < 0.3:
            second = m.group(2)
            units.append(Unit(m.group(1) + ".", [j], labels | {"split"}))
            units.append(Unit(second[0].upper() + second[1:], [j], labels | {"split"}))
        else:
            units.append(Unit(text, [j], labels | ({"paraphrase"} if text != s.text else set())))
        j += 1
    if move_src is not None:
        pos = rng.randrange(1, max(2, len(units) // 3)) if rng.random() < 0.5 else len(units)
        units.insert(pos, Unit(paraphrase(segs[move_src].text, rng), [move_src], {"move"}))
    site = rng.choice(SITES)
    host = re.sub(r"\W", "", site.lower())
    chosen = rng.sample(BOILER, 5)
    for tmpl in chosen[:3]:
        units.insert(
            rng.choice([1, len(units)]),
            Unit(tmpl.format(site=site, host=host), [], {"boilerplate"}),
        )
    for tmpl in chosen[3:]:
        units.append(Unit(tmpl.format(site=site, host=host), [], {"boilerplate"}))
    left = "\n\n".join(u.text for u in units)
    return Pair(f"{name}-{seed}", left, original, units, right_only, byline_dropped)


def all_pairs(variants: int = 3) -> list[Pair]:
    return [make_pair(n, t, seed) for n, t in originals() for seed in range(variants)]


# ----------------------------------------------------------------------------- verdict sets

_POOL = """harbour velvet orchard lantern quarry meadow pebble ribbon saddle thimble
    whistle blossom cobble drizzle ember fiddle gadget hazel ivory jigsaw kettle lagoon marble
    nectar oyster parcel quiver riddle sorrel tundra umber vessel walnut yonder zephyr anchor
    beacon candle dapple easel falcon garnet hollow inkwell juniper kindle ledger mosaic"""
_FUNCTION = "the a an of to in on at by for with and or but as that this it its is was".split()


def spin(text: str, rng: random.Random, pool: list[str], drop: float = 0.7) -> str:
    """A heavy spinner's rewrite of one sentence: synonyms everywhere, about `drop` of the
    other words swapped for unrelated words (`pool`) or function words, a few names too (the
    cosine with the source falls to the 0.1-0.4 of a heavy paraphrase)."""
    out = []
    for w in paraphrase(text, rng, heavy=True).split():
        core = w.strip(".,;:!?\"'“”")
        keep = (core[:1].isupper() and rng.random() < 0.7) or any(ch.isdigit() for ch in core)
        if not keep and rng.random() < drop:
            out.append(rng.choice(pool) if rng.random() < 0.7 else rng.choice(_FUNCTION))
            continue
        out.append(w)
    return " ".join(out) or text


def heavy_pair(name: str, original: str, seed: int) -> Pair:
    """`make_pair`'s copy with every unit spun hard (the derived case a score cutoff misses)."""
    pair = make_pair(name, original, seed)
    rng = random.Random(seed + 1000)
    pool = sorted({w for w in re.findall(r"[a-z]{4,}", " ".join(SYN.values()) + _POOL)})
    units = [
        Unit(spin(u.text, rng, pool) if u.right else u.text, u.right, u.labels) for u in pair.units
    ]
    left = "\n\n".join(u.text for u in units)
    return Pair(f"{pair.name}-heavy", left, original, units, pair.right_only, pair.byline_dropped)


# Different real articles on similar topics: none derived from the other.
TOPICS = [
    ["nytimes-1", "wapo-1", "wapo-2", "telegraph", "aljazeera.com", "bbc.com", "nytimes.com"],
    ["theverge", "engadget", "cnet", "ars-1"],
    ["cnn", "nytimes-2", "reuters.com", "seattletimes-1", "salon-1"],
]


def negative_pairs() -> list[tuple[str, str, str]]:
    """(name, left text, right text) of pairs of different articles on similar topics."""
    texts = dict(originals())
    out = []
    for group in TOPICS:
        have = [n for n in group if n in texts]
        for a in have:
            for b in have:
                if a != b:
                    out.append((f"{a}/{b}", texts[a], texts[b]))
    return out
