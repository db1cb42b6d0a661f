"""Who is the original, who copied, who covered: roles inside one story.

Copies are grouped (a member and the member it duplicates, transitively); in each group the
source is the member from a preferred source, else one with a byline (content farms drop
it), else the earliest; the rest of the group are copies. The story's likely original is then
chosen the same way among the members that are not copies: preferred sources first, then the
earliest with a byline, then the earliest. Everyone else is coverage.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsreader.text.safetext import clean, fold
from newsreader.text.sanitize import stored_text


@dataclass(slots=True)
class Member:
    id: int
    feed_id: int
    published: float
    byline: bool | None  # None: not looked for yet (found when the ranking needs it)
    copy_of: int | None
    preferred: bool = False


def _best(cands: Sequence[Member], resolve: Callable[[Member], bool] | None) -> Member:
    """The member ranked first: a preferred source, then the earliest with a byline, then the
    earliest. A byline not known yet is looked for only when the order depends on it."""
    tier = min(not m.preferred for m in cands)
    ordered = sorted(
        (m for m in cands if (not m.preferred) == tier), key=lambda m: (m.published, m.id)
    )
    for m in ordered:
        if m.byline is None:
            m.byline = resolve(m) if resolve is not None else False
        if m.byline:
            return m
    return ordered[0]


def assign(
    members: Sequence[Member], resolve: Callable[[Member], bool] | None = None
) -> tuple[int, dict[int, str]]:
    """(original id, role per member id) for the members of one story."""
    ids = {m.id for m in members}
    parent = {m.id: m.id for m in members}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for m in members:
        if m.copy_of is not None and m.copy_of in ids:
            parent[find(m.id)] = find(m.copy_of)
    groups: dict[int, list[Member]] = {}
    for m in members:
        groups.setdefault(find(m.id), []).append(m)
    roles: dict[int, str] = {}
    heads = []
    for group in groups.values():
        head = _best(group, resolve)
        heads.append(head)
        for m in group:
            roles[m.id] = "copy" if m is not head else "coverage"
    original = _best(heads, resolve)
    roles[original.id] = "original"
    return original.id, roles


def preferred_matcher(preferred: Iterable[str]) -> set[str]:
    return {fold(p.strip()) for p in preferred if p and p.strip()}


def is_preferred(keys: set[str], title: str | None, url: str | None) -> bool:
    if not keys:
        return False
    cands = {fold(title or "").strip(), fold(url or "").strip()}
    host = urlsplit(url or "").hostname or ""
    if host:
        cands.add(host.removeprefix("www."))
    return any(k and (k in cands or (host and host.endswith("." + k))) for k in keys)


BYLINE_CHARS = 3000
# The segmenter finds a byline on a line of its own (at most 16 words) or in a credit sentence
# ("Reporting by ..."): a text of one line of more words and no credit has none (cheap rule).
_CREDIT = re.compile(r"(?i)\b(?:reporting|writing|editing|compiled)\s+by\b")
_LINE_BREAK = re.compile("[\n\r\u2028\u2029]")


def find_byline(title: str | None, text: str | None) -> bool:
    """Does the compare engine's segmenter find a byline in the text ("Demetri Sevastopulo in
    Sedona, Arizona 45 minutes ago")? The cheap rule first, the segmenter only if it may."""
    if not text or len(text) <= 200:
        return False
    head = text[:BYLINE_CHARS]
    if not (_LINE_BREAK.search(head) or _CREDIT.search(head) or len(head.split()) <= 16):
        return False
    key = (hash(title), hash(head))
    found = _BYLINES.get(key)
    if found is None:
        from newsreader.compare import document_from_text

        doc = document_from_text(head, "article", title=title)
        found = bool(doc.byline) or any(s.kind == "byline" for s in doc.segments)
        if len(_BYLINES) >= 5_000:
            _BYLINES.clear()
        _BYLINES[key] = found
    return found


# The same text in several feeds is segmented once per process.
_BYLINES: dict[tuple[int, int], bool] = {}


def refresh_stories(
    conn: sqlite3.Connection, story_ids: Iterable[int], preferred: Iterable[str] = ()
) -> None:
    """Recompute roles, original, title, size, sources and dates of the given stories; drop
    the stories left empty. A few queries for all of them together."""
    sids = set(story_ids)
    if not sids:
        return
    keys = preferred_matcher(preferred)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS story_r(id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM story_r")
    conn.executemany("INSERT INTO story_r VALUES (?)", ((i,) for i in sids))
    by_story: dict[int, list[Member]] = {}
    stored: dict[int, str] = {}  # member -> its role as stored
    for sid, aid, fid, pub, byline, copy_of, role in conn.execute(
        "SELECT m.story_id, m.article_id, m.feed_id, m.published, m.byline, m.copy_of, m.role "
        "FROM story_r r JOIN story_articles m ON m.story_id = r.id"
    ):
        known = None if byline == 0 else byline > 0
        by_story.setdefault(sid, []).append(Member(aid, fid, pub, known, copy_of))
        stored[aid] = role
    gone = sids - by_story.keys()
    if gone:
        conn.executemany("DELETE FROM stories WHERE id = ?", ((i,) for i in gone))
    if keys:
        fids = {m.feed_id for ms in by_story.values() for m in ms}
        pref = {
            fid
            for fid, title, url in conn.execute(
                "SELECT id, coalesce(title, feed_title), url FROM feeds "
                f"WHERE id IN ({','.join('?' * len(fids))})",
                list(fids),
            )
            if is_preferred(keys, title, url)
        }
        for ms in by_story.values():
            for m in ms:
                m.preferred = m.feed_id in pref
    found: list[tuple[int, int]] = []

    def resolve(m: Member) -> bool:
        row = conn.execute(
            "SELECT title, substr(text, 1, ?), content_html FROM articles WHERE id = ?",
            (BYLINE_CHARS, m.id),
        ).fetchone()
        yes = bool(row) and find_byline(row[0], stored_text(row[1], row[2])[:BYLINE_CHARS])
        found.append((1 if yes else -1, m.id))
        return yes

    roles_: list[tuple[str, int]] = []  # the roles that change
    rows: list[tuple[int, int, int, int, float, float, int]] = []  # original first
    for sid, members in by_story.items():
        # A story of one article has nothing to rank: its byline is looked for once it has two.
        original, roles = assign(members, resolve if len(members) > 1 else None)
        roles_.extend((r, aid) for aid, r in roles.items() if stored[aid] != r)
        size, sources = len(members), len({m.feed_id for m in members})
        first = min(m.published for m in members)
        last = max(m.published for m in members)
        rows.append((original, original, size, sources, first, last, sid))
    conn.executemany("UPDATE story_articles SET byline = ? WHERE article_id = ?", found)
    conn.executemany("UPDATE story_articles SET role = ? WHERE article_id = ?", roles_)
    conn.execute("DELETE FROM story_r")
    conn.executemany("INSERT OR IGNORE INTO story_r VALUES (?)", ((r[0],) for r in rows))
    titles = dict(
        conn.execute("SELECT a.id, a.title FROM story_r r JOIN articles a ON a.id = r.id")
    )
    conn.executemany(
        "UPDATE stories SET title = ?, original_id = ?, size = ?, sources = ?, "
        "first_seen = ?, last_seen = ? WHERE id = ?",
        [(clean(titles.get(r[0]) or "", 300), *r[1:]) for r in rows],
    )
