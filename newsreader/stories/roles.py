"""Who is the original, who copied, who covered: roles inside one story.

Copies are grouped (a member and the member it duplicates, transitively); in each group the
source is the member from a preferred source, else one with a byline (content farms drop
it), else the earliest; the rest of the group are copies. The story's likely original is then
chosen the same way among the members that are not copies: preferred sources first, then the
earliest with a byline, then the earliest. Everyone else is coverage.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsreader.text.safetext import clean, fold


@dataclass(slots=True)
class Member:
    id: int
    feed_id: int
    published: float
    byline: bool
    copy_of: int | None
    preferred: bool = False


def _rank(m: Member) -> tuple[bool, bool, float, int]:
    return (not m.preferred, not m.byline, m.published, m.id)


def assign(members: Sequence[Member]) -> tuple[int, dict[int, str]]:
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
        head = min(group, key=_rank)
        heads.append(head)
        for m in group:
            roles[m.id] = "copy" if m is not head else "coverage"
    original = min(heads, key=_rank)
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


_Row = tuple[int, int, float, int, int | None]  # article, feed, published, byline, copy_of


def _check_bylines(conn: sqlite3.Connection, rows: list[_Row]) -> list[_Row]:
    """Members of a shared story whose byline is not known yet get the compare engine's
    segmenter to look for one ("Demetri Sevastopulo in Sedona, Arizona 45 minutes ago"):
    once per article (1: found, -1: none), and only for stories of several articles."""
    from newsreader.compare import document_from_text

    out = []
    for aid, fid, pub, byline, copy_of in rows:
        if byline == 0:
            r = conn.execute(
                "SELECT title, substr(text, 1, 3000) FROM articles WHERE id = ?", (aid,)
            )
            found = False
            for title, text in r:
                if text and len(text) > 200:
                    doc = document_from_text(text, f"article:{aid}", title=title)
                    found = any(s.kind == "byline" for s in doc.segments) or bool(doc.byline)
            byline = 1 if found else -1
            conn.execute("UPDATE story_articles SET byline = ? WHERE article_id = ?", (byline, aid))
        out.append((aid, fid, pub, byline, copy_of))
    return out


def refresh_stories(
    conn: sqlite3.Connection, story_ids: Iterable[int], preferred: Iterable[str] = ()
) -> None:
    """Recompute roles, original, title, size, sources and dates of the given stories; drop
    the stories left empty."""
    keys = preferred_matcher(preferred)
    feeds = {}
    for sid in set(story_ids):
        rows = conn.execute(
            "SELECT article_id, feed_id, published, byline, copy_of FROM story_articles "
            "WHERE story_id = ?",
            (sid,),
        ).fetchall()
        if not rows:
            conn.execute("DELETE FROM stories WHERE id = ?", (sid,))
            continue
        members = []
        if len(rows) > 1:
            rows = _check_bylines(conn, rows)
        for aid, fid, pub, byline, copy_of in rows:
            if fid not in feeds:
                f = conn.execute(
                    "SELECT coalesce(title, feed_title), url FROM feeds WHERE id = ?", (fid,)
                ).fetchone()
                feeds[fid] = is_preferred(keys, f[0], f[1]) if f else False
            members.append(Member(aid, fid, pub, byline > 0, copy_of, feeds[fid]))
        original, roles = assign(members)
        if len(members) > 1:
            conn.executemany(
                "UPDATE story_articles SET role = ? WHERE article_id = ? AND role != ?",
                [(r, aid, r) for aid, r in roles.items()],
            )
        else:
            conn.execute(
                "UPDATE story_articles SET role = 'original' WHERE article_id = ?", (original,)
            )
        title = conn.execute("SELECT title FROM articles WHERE id = ?", (original,)).fetchone()
        conn.execute(
            "UPDATE stories SET title = ?, original_id = ?, size = ?, sources = ?, "
            "first_seen = ?, last_seen = ? WHERE id = ?",
            (
                clean(title[0] if title else "", 300),
                original,
                len(members),
                len({m.feed_id for m in members}),
                min(m.published for m in members),
                max(m.published for m in members),
                sid,
            ),
        )
