"""People named in an article, by rules over the text (no NER model: none can be downloaded
at run time, and the light libraries on PyPI carry no names data worth the dependency).

A capitalised sequence is a person when the text treats it as one somewhere:
- a title or honorific before it ("Mr", "Dr", "Prime Minister", "spokesman", "lawyer");
- a reporting verb right after or before it ("Essid declared", "said Maria Lopez");
- an apposition a person takes ("X, 45,", "X, who", "X, a professor");
- for a one-word name (Freud), a title, "who", or a reporting verb followed by he/she/his/her.
It is not a person when it holds an organisation or place word ("World Bank", "Bardo National
Museum", "New York"), stands after a place preposition ("in Tunis"), is all capitals (a shouted
byline or an acronym), or comes from a Title-Case headline.

A person is *kept* by the copy when it names them in full, by a respelling or transliteration
(Yoon Suk-yeol / Yun Suk Yeol, Azzouz / Azouz: compared letter by letter, accents and hyphens
off), or by surname, unless every time the copy uses that surname it is another person's
(the copy's "Bill Clinton" does not keep the original's "Hillary Clinton").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from newsreader.compare.facts import name_spans
from newsreader.text.safetext import fold

_ORG_OR_PLACE = frozenset(
    """Agency Association Authority Bank Board Bureau Council Committee Commission Company
    Corporation Corp Court Department Ministry Office Party Police Service Services University
    College School Institute Institution Foundation Fund Trust Society Union League Federation
    Organisation Organization Group Holdings Inc Ltd LLC PLC Network News Times Post Press
    Journal Herald Tribune Telegraph Guardian Daily Weekly Magazine Radio Television TV Channel
    Broadcasting Airlines Airways Motors Hospital Clinic Centre Center Museum Library Gallery
    Theatre Theater Parliament Congress Senate Assembly House Cabinet Government Administration
    Army Navy Force Forces Guard Corps Command Club Team FC United City State States Republic
    Kingdom Empire Province County District Region Island Islands Street Road Avenue Square
    Park Bridge River Lake Sea Ocean Bay Gulf Mountain Mountains Valley Desert Airport Station
    Port Palace Castle Tower Church Cathedral Mosque Temple Synagogue Embassy Consulate Prison
    Jail Camp Base Project Programme Program Summit Conference Forum Games Cup Championship
    Olympics Festival Awards Prize Act Treaty Accord Agreement Index Exchange Market Stock
    Reserve System Systems Industries Energy Oil Gas Power Electric Labs Laboratory Research
    Studios Pictures Records Media Entertainment Capital Partners Ventures Securities
    Insurance Financial Technologies Software International Global Worldwide Tribunal Movement
    Watch Rights Aid Relief Crescent Cross Initiative Institute Observatory Monitor Centre
    Front Alliance Coalition Brotherhood Council Nations Affairs Security Defence Defense
    Health Justice Interior Treasury Commerce Trade Education Transport Environment Revolution
    Spring War Crisis Day Week Month Year Age Era North South East West Central Northern
    Southern Eastern Western Middle Upper Lower Greater New Saint Mount Fort Los Las San Santa
    Coast Hills Heights Valley Beach Harbour Harbor Village Town County Zone Strip Bank Wall
    Facility Team Taskforce Panel Council Division Unit Airport Boulevard Staff Chiefs Joint
    Police Everyone Everybody Nobody Someone Somebody Anyone Anybody Nothing Management
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun""".split()
)
_HONORIFIC = (
    r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Reverend|Father|Sister|"
    r"President|Vice|Senator|Sen|Rep|Representative|Gov|Governor|Mayor|Minister|Secretary|"
    r"Chancellor|King|Queen|Prince|Princess|Pope|Judge|Justice|General|Gen|Colonel|Col|Captain|"
    r"Capt|Lieutenant|Lt|Sergeant|Sgt|Officer|Detective|Inspector|Chief|Commissioner|"
    r"Ambassador|Speaker|Chairman|Chairwoman|Director|Coach|Saint"
)
_ROLE = (
    r"spokes(?:man|woman|person)|lawyer|attorney|analyst|economist|professor|researcher|"
    r"scientist|director|leader|chief|editor|correspondent|reporter|author|writer|president|"
    r"minister|secretary|official|adviser|advisor|founder|chairman|executive|ceo|manager|"
    r"head|member|mother|father|son|daughter|wife|husband|brother|sister|actor|actress|singer|"
    r"player|coach|captain|historian|expert|doctor|engineer|activist|witness|survivor|"
    r"victim|student|teacher|photographer|colleague|deputy|envoy|governor|mayor|senator|"
    r"judge|prosecutor|commander|general|detective|officer|psychoanalyst|philosopher|novelist"
)
_VERB = (
    r"said|says|say|told|tells|added|adds|declared|explained|argued|argues|claimed|claims|"
    r"insisted|insists|admitted|acknowledged|confirmed|announced|warned|warns|noted|notes|"
    r"stressed|wrote|writes|recalled|believed|believes|thought|thinks|asked|asks|replied|"
    r"responded|testified|tweeted|posted|vowed|promised|urged|denied|denies|called|described|"
    r"emphasi[sz]ed|suggested|cautioned|condemned|welcomed|criticised|criticized|praised|"
    r"founded|died|was born|married|spoke|speaks|conceded|pointed out|revealed|disclosed"
)
_TITLE_BEFORE = re.compile(rf"(?:\b(?:{_HONORIFIC})\.?|\b(?:{_ROLE})),?\s+$")
_VERB_AFTER = re.compile(
    rf"^(?:['’]s)?,?\s+(?:(?:has|had|have|also|then|later|once)\s+)?(?:{_VERB})\b"
)
_VERB_BEFORE = re.compile(rf"\b(?:{_VERB}|according to)\s+$", re.I)
_APPOSITION = re.compile(
    rf"^(?:['’]s)?,\s+(?:\d{{1,3}},|who\b|whose\b|one of\b|"
    rf"(?:a|an|the|another|his|her)\s+(?:[\w-]+\s+){{0,4}}(?:{_ROLE})s?\b)"
)
_GROUP = re.compile(r"(?:s|ese|ish)$")  # one word: a plural or a people ("Islamists")
_LEADING = re.compile(r"-(?:born|based|led|backed|elect)$|^[A-Z][a-z]{3,}(?:ese|ian|ish|ist)$")
_PLACE_BEFORE = re.compile(
    r"\b(?:in|at|near|across|outside|inside|throughout|towards?|into|via|from)\s+(?:the\s+)?$"
)
_CREDIT_BEFORE = re.compile(
    r"\b(?:photograph|photo|picture|image|illustration|credit|video|graphic)s?\s*(?:by|:)?\s*$",
    re.I,
)
_CREDIT_WORD = re.compile(r"^(?:Credit|Credits|Photograph|Photo|Picture|Image|Illustration|Video)$")
_ITS = re.compile(r"\bits\b")
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|hers|himself|herself)\b", re.I)
_WORD = re.compile(r"[A-Z][^\W\d_]*(?:[-'’][A-Za-z][^\W\d_]*)*")


def title_case(text: str) -> bool:
    """A Title-Case line (most words capitalised): its capitals say nothing about names."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _evidence(text: str, start: int, end: int, single: bool) -> int:
    """+1 for a person cue at this occurrence, -1 for a place cue, 0 for neither."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 60]
    if _TITLE_BEFORE.search(before) or _APPOSITION.match(after):
        return 1
    if not single and (_CREDIT_BEFORE.search(before) or after.startswith("/")):
        return 1  # a photo credit: "Photograph: Ann Smith/AP"
    if not single and (_VERB_AFTER.match(after) or _VERB_BEFORE.search(before)):
        follow = re.split(r"[.!?]\s", text[end : end + 80], maxsplit=1)[0]  # this sentence
        if _ITS.search(follow) and not _PRONOUN.search(follow):
            return 0  # "Goldman Sachs said its ...": an organisation speaking
        return 1
    if single and _VERB_AFTER.match(after) and _PRONOUN.search(text[end : end + 200]):
        return 1
    if _PLACE_BEFORE.search(before):
        return -1
    return 0


def _candidates(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of capitalised sequences in running text, titles cut off."""
    out = []
    for name, start, end in name_spans(text):
        if any(t.isupper() and len(t.rstrip(".")) > 1 for t in name.split()):
            continue  # an acronym or a shouted byline
        out.append((name, start, end))
    return out


def _mid_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \"“‘'(")
    return bool(before) and before[-1] not in ".!?:\n" and start > 2


def persons(text: str) -> tuple[str, ...]:
    """The people named in `text` (an article's running text), in order of first mention."""
    return persons_in((text,))


@lru_cache(maxsize=256)
def persons_in(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The people named in an article given as its segments (sentences, lines), in order of
    first mention. Segment by segment, so each one's name scan is shared (and cached) with
    the rest of the engine."""
    score: dict[str, int] = {}
    order: dict[str, tuple[int, int]] = {}
    spots: dict[str, list[tuple[int, int, int]]] = {}  # where each capitalised word stands
    lowered: set[str] = set()
    found_in: list[list[tuple[str, int, int]]] = []
    for k, text in enumerate(texts):
        for m in _WORD.finditer(text):
            word = m.group()
            if word.endswith(("'s", "’s")):
                word = word[:-2]
            spots.setdefault(word, []).append((k, m.start(), m.start() + len(word)))
        lowered.update(_LOWER.findall(text))
        found_in.append(_candidates(text))
    # One-word names: capitalised words never written in lower case, capitalised somewhere
    # inside a sentence, not a plural or a people, not part of a longer name (a surname alone
    # is that person, and the longer name's own cues decide), judged on their first mentions.
    in_names = {t for cands in found_in for name, _, _ in cands for t in name.split()}
    for word, where in spots.items():
        if (
            len(word) >= 3
            and word not in in_names
            and not word.isupper()
            and word.lower() not in lowered
            and word not in _ORG_OR_PLACE
            and not _GROUP.search(word)
            and any(_mid_sentence(texts[k], a) for k, a, _ in where)
        ):
            for k, a, b in where[:6]:
                found_in[k].append((word, a, b))
    for k, (text, cands) in enumerate(zip(texts, found_in, strict=True)):
        window = text + " " + texts[k + 1] if k + 1 < len(texts) else text
        for name, start, end in cands:
            toks = name.split()
            credit = 0
            while len(toks) > 1 and (_LEADING.search(toks[0]) or _CREDIT_WORD.match(toks[0])):
                credit = credit or int(bool(_CREDIT_WORD.match(toks[0])))
                toks = toks[1:]  # "Australian-born Assange", "Credit Ann Smith"
            name = " ".join(toks)
            if len(toks) > 4 or any(
                t in _ORG_OR_PLACE or t.rstrip("s") in _ORG_OR_PLACE for t in toks
            ):
                continue
            if len(toks) == 1 and " " not in name and name.lower() in lowered:
                continue  # a common word capitalised ("Police said")
            cue = credit or _evidence(window, start, end, len(toks) == 1)
            score[name] = score.get(name, 0) + cue
            order.setdefault(name, (k, start))
    # "Mr. Reeves said" vouches for "Eric Reeves" named once in full.
    for name in list(score):
        toks = name.split()
        if len(toks) > 1 and score[name] <= 0:
            alone = score.get(toks[-1], 0)
            bare = [
                (k, a, b)
                for k, a, b in spots.get(toks[-1], ())
                if not texts[k][max(0, a - len(toks[-2]) - 1) : a].startswith(toks[-2])
            ]  # the surname alone, not inside the full name
            if alone > 0 or any(
                _TITLE_BEFORE.search(texts[k][max(0, a - 40) : a])
                or _VERB_AFTER.match(texts[k][b : b + 60])
                for k, a, b in bare
            ):
                score[name] = 1
    found = [n for n in sorted(order, key=order.__getitem__) if score[n] > 0]
    # A surname alone is the person named in full elsewhere, not another person.
    full = [n for n in found if " " in n]
    surnames = {n.split()[-1] for n in full} | {t for n in full for t in n.split()}
    return tuple(n for n in found if " " in n or n not in surnames)


_LOWER = re.compile(r"\b[a-z][a-z'’-]+\b")


def byline_persons(line: str) -> list[str]:
    """The people a byline credits ("By JANE DOE and John Roe | Agency | date" -> Jane Doe,
    John Roe); all-capital names are read in title case; agencies and dates are left out."""
    text = re.sub(r"^\s*(?:(?:posted|written|reported|words|story)\s+)?by\s+", "", line, flags=re.I)
    out = []
    for part in re.split(r"\s*(?:\||,|;|\band\b|&|\bwith\b|/)\s*", text):
        words = []
        for w in part.split():
            if not re.fullmatch(r"[A-Za-z][A-Za-z'’.-]*", w) or not w[0].isupper():
                break
            if re.fullmatch(
                r"(?i)(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
                r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
                r"mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|"
                r"sat(?:urday)?|sun(?:day)?)\.?|updated|published|posted|in|at|for",
                w,
            ):
                break
            words.append(w.capitalize() if w.isupper() and len(w) > 2 else w)
        if 2 <= len(words) <= 4 and not any(w in _ORG_OR_PLACE for w in words):
            out.append(" ".join(words))
    return out


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", fold(name))


def _close(a: str, b: str) -> bool:
    """Respellings and transliterations: the same letters but for a few."""
    return _close_keys(_squash(a), _squash(b))


def _close_keys(sa: str, sb: str) -> bool:
    if not sa or not sb or sa[0] != sb[0] or abs(len(sa) - len(sb)) > 3:
        return False
    if sa == sb:
        return True
    limit = 1 if min(len(sa), len(sb)) < 6 else 2 if min(len(sa), len(sb)) < 11 else 3
    return Levenshtein.distance(sa, sb, score_cutoff=limit) <= limit


_CAP_WORD = re.compile(r"[A-Z][^\W\d_]*(?:[-'’][A-Za-z][^\W\d_]*)*")
_HONORIFIC_RE = re.compile(rf"^(?:{_HONORIFIC})\.?$")


class CopyNames:
    """What a copy says about people: its capitalised words and sequences, for `kept`."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.squashed = _squash(text)
        # Each capitalised word with the capitalised word just before it ("" if none), and
        # the runs of capitalised words ("Yun Suk Yeol") for names respelled in full.
        self.caps: list[tuple[str, str]] = []
        runs: list[list[str]] = []
        prev_end, prev = -10, ""
        for m in _CAP_WORD.finditer(text):
            word = m.group()
            if word.endswith(("'s", "’s")):
                word = word[:-2]
            joined = text[prev_end : m.start()] == " "
            self.caps.append((word, prev if joined else ""))
            if joined and runs:
                runs[-1].append(word)
            else:
                runs.append([word])
            prev_end, prev = m.start() + len(word), word
        self.by_letter: dict[str, list[tuple[str, str, str]]] = {}
        for word, before in dict.fromkeys(self.caps):
            sq = _squash(word)
            if sq:
                self.by_letter.setdefault(sq[0], []).append((sq, word, before))
        seqs = {
            " ".join(run[a:b])
            for run in runs
            for a in range(len(run))
            for b in range(a + 2, min(len(run), a + 4) + 1)
        }
        self.seq_keys = [(_squash(seq), seq) for seq in seqs]

    def kept(self, person: str) -> bool:
        toks = person.split()
        squashed = _squash(person)
        if len(squashed) >= 6 and squashed in self.squashed:
            return True  # in full (spacing, hyphens and accents aside)
        if len(toks) > 1 and any(
            _close_keys(key, squashed) for key, _ in self.seq_keys if key[:1] == squashed[:1]
        ):
            return True  # respelled or transliterated in full
        surname, given = toks[-1], (toks[0] if len(toks) > 1 else None)
        sur = _squash(surname)
        for key, _, prev in self.by_letter.get(sur[:1], []):
            if len(sur) >= 3 and _close_keys(key, sur):
                if not prev or _HONORIFIC_RE.match(prev) or given is None:
                    return True  # "Essid", "Mr Reeves": the person by surname
                if _close(prev, given) or (prev[:1] == given[:1] and len(prev.rstrip(".")) <= 1):
                    return True  # the same first name, or its initial
                # else another person of that surname ("Bill" for "Hillary Clinton")
        if given is not None:
            giv = _squash(given)
            for key, _, prev in self.by_letter.get(giv[:1], []):
                if prev and _HONORIFIC_RE.match(prev) and _close_keys(key, giv):
                    return True  # family name first: "President Yoon" for "Yoon Suk-yeol"
        return False
