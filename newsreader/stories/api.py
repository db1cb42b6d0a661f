"""Reading stories and the user's overrides (split an article out, merge two stories).

Plain functions over a `Store`; `Session` wraps them for the CLI and the UI. Every string
returned comes from feeds: pass it through `safetext.clean` before display (the CLI does).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsreader.stories.roles import refresh_stories

if TYPE_CHECKING:
    import sqlite3

    from newsreader.store import Store
    from newsreader.stories.incremental import UpdateSummary


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    title: str
    size: int  # articles
    sources: int  # distinct feeds
    first_seen: float
    last_seen: float
    original_id: int | None
    unread: int
    original_feed: str | None = None  # the feed of the likely original
    copies: int = 0  # members that are near-duplicates of another member


@dataclass(frozen=True, slots=True)
class StoryArticle:
    id: int
    feed_id: int
    feed: str
    url: str | None
    title: str
    role: str  # original | copy | coverage
    published: float
    read: bool
    copy_of: int | None


def list_stories(
    store: Store, *, limit: int | None = None, min_size: int = 2, since: float | None = None
) -> list[StoryRow]:
    """Stories with at least `min_size` articles, newest (latest article) first."""
    sql = (
        "SELECT s.id, s.title, s.size, s.sources, s.first_seen, s.last_seen, s.original_id, "
        "(SELECT count(*) FROM story_articles m JOIN articles a ON a.id = m.article_id "
        " WHERE m.story_id = s.id AND a.read = 0), "
        "(SELECT coalesce(f.title, f.feed_title, f.url) FROM articles a "
        " JOIN feeds f ON f.id = a.feed_id WHERE a.id = s.original_id), "
        "(SELECT count(*) FROM story_articles m WHERE m.story_id = s.id AND m.role = 'copy') "
        "FROM stories s WHERE s.size > 1 AND s.size >= ?"
    )
    params: list[object] = [min_size]
    if since is not None:
        sql += " AND s.last_seen >= ?"
        params.append(since)
    sql += " ORDER BY s.last_seen DESC, s.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [StoryRow(*r) for r in store.conn.execute(sql, params)]


def count_stories(store: Store, *, unread: bool = False, since: float | None = None) -> int:
    """How many stories of two or more articles there are (with an unread article; with an
    article since `since`: the index of recent stories keeps that cheap)."""
    sql = "SELECT count(*) FROM stories s WHERE s.size > 1"
    params: list[object] = []
    if since is not None:
        sql += " AND s.last_seen >= ?"
        params.append(since)
    if unread:
        sql += (
            " AND EXISTS (SELECT 1 FROM story_articles m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = s.id AND a.read = 0)"
        )
    return int(store.conn.execute(sql, params).fetchone()[0])


def mark_story_of_read(store: Store, article_id: int) -> int:
    """Mark every article of the story of `article_id` read (a story of two or more)."""
    sid = story_of(store, article_id)
    if sid is None:
        return 0
    (size,) = store.conn.execute("SELECT size FROM stories WHERE id = ?", (sid,)).fetchone() or (0,)
    return mark_read(store, sid) if size > 1 else 0


_ROLE_ORDER = {"original": 0, "coverage": 1, "copy": 2}


def story_articles(store: Store, story_id: int) -> list[StoryArticle]:
    """The articles of a story: the original first, then coverage, then copies, each by date."""
    rows = store.conn.execute(
        "SELECT a.id, a.feed_id, coalesce(f.title, f.feed_title, f.url), a.link, a.title, "
        "m.role, a.published, a.read, m.copy_of FROM story_articles m "
        "JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id "
        "WHERE m.story_id = ? AND a.hidden = 0",  # killfiled articles are never listed
        (story_id,),
    ).fetchall()
    out = [StoryArticle(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8]) for r in rows]
    out.sort(key=lambda a: (_ROLE_ORDER.get(a.role, 3), a.published, a.id))
    return out


def story_of(store: Store, article_id: int) -> int | None:
    row = store.conn.execute(
        "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    return int(row[0]) if row else None


def marks(store: Store, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For an article list: {article id: (story id, sources)} for the articles that belong to a
    story of more than one article (the "N sources" mark). One query per 500 ids."""
    out: dict[int, tuple[int, int]] = {}
    ids = list(article_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks_ = ",".join("?" * len(chunk))
        for aid, sid, sources in store.conn.execute(
            "SELECT m.article_id, s.id, s.sources FROM story_articles m "
            f"JOIN stories s ON s.id = m.story_id WHERE m.article_id IN ({marks_}) "
            "AND s.size > 1",
            chunk,
        ):
            out[aid] = (sid, sources)
    return out


def mark_read(store: Store, story_id: int, read: bool = True) -> int:
    """Mark every article of a story read (or unread); returns how many changed."""
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE articles SET read = ? WHERE read != ? AND id IN "
            "(SELECT article_id FROM story_articles WHERE story_id = ?)",
            (int(read), int(read), story_id),
        )
        return int(cur.rowcount)


def split(store: Store, article_id: int, preferred: Iterable[str] = ()) -> int | None:
    """Take an article out of its story into a story of its own, and remember that it never
    belongs with the story's other articles. Returns the new story's id (None when the
    article is not clustered yet)."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT story_id, published FROM story_articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        old, published = row
        others = [
            r[0]
            for r in conn.execute(
                "SELECT article_id FROM story_articles WHERE story_id = ? AND article_id != ?",
                (old, article_id),
            )
        ]
        if not others:
            return int(old)
        now = time.time()
        conn.execute(
            "DELETE FROM story_overrides WHERE kind = 'merge' AND (a = ? OR b = ?)",
            (article_id, article_id),
        )
        conn.executemany(
            "INSERT INTO story_overrides(kind, a, b, created) VALUES ('split', ?, ?, ?)",
            [(article_id, b, now) for b in others],
        )
        cur = conn.execute(
            "INSERT INTO stories(title, first_seen, last_seen, size) VALUES ('', ?, ?, 1)",
            (published, published),
        )
        new = int(cur.lastrowid or 0)
        conn.execute(
            "UPDATE story_articles SET story_id = ?, copy_of = NULL, pinned = 1 "
            "WHERE article_id = ?",
            (new, article_id),
        )
        conn.execute(
            "UPDATE story_articles SET copy_of = NULL WHERE story_id = ? AND copy_of = ?",
            (old, article_id),
        )
        refresh_stories(conn, [old, new], preferred)
        return new


def merge(store: Store, keep: int, other: int, preferred: Iterable[str] = ()) -> int:
    """Move every article of story `other` into story `keep`, and remember it."""
    if keep == other:
        return keep
    with store.transaction() as conn:
        a = conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY published LIMIT 1",
            (keep,),
        ).fetchone()
        b = conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ? ORDER BY published LIMIT 1",
            (other,),
        ).fetchone()
        if a is None or b is None:
            return keep
        ka, kb = (_member_ids(conn, s) for s in (keep, other))
        # A merge undoes an earlier split between the two sides.
        conn.executemany(
            "DELETE FROM story_overrides WHERE kind = 'split' "
            "AND ((a = ? AND b = ?) OR (a = ? AND b = ?))",
            [(x, y, y, x) for x in ka for y in kb],
        )
        conn.execute(
            "INSERT INTO story_overrides(kind, a, b, created) VALUES ('merge', ?, ?, ?)",
            (a[0], b[0], time.time()),
        )
        conn.execute(
            "UPDATE story_articles SET story_id = ?, pinned = 1 WHERE story_id = ?", (keep, other)
        )
        refresh_stories(conn, [keep, other], preferred)
        return keep


def _member_ids(conn: sqlite3.Connection, story_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id = ?", (story_id,)
        )
    ]


def apply_merges(store: Store, preferred: Iterable[str] = ()) -> int:
    """Re-apply the user's merges (after a rebuild); returns how many stories were merged."""
    n = 0
    pairs = store.conn.execute(
        "SELECT a, b FROM story_overrides WHERE kind = 'merge' ORDER BY id"
    ).fetchall()
    for a, b in pairs:
        sa, sb = story_of(store, a), story_of(store, b)
        if sa is not None and sb is not None and sa != sb:
            with store.transaction() as conn:
                conn.execute(
                    "UPDATE story_articles SET story_id = ?, pinned = 1 WHERE story_id = ?",
                    (sa, sb),
                )
                refresh_stories(conn, [sa, sb], preferred)
            n += 1
    return n


def rebuild(store: Store, **kw: Any) -> UpdateSummary:
    """Cluster the whole store again from scratch, keeping the user's splits and merges.

    Not run at startup: for a changed algorithm or tuning (`newsreader stories --rebuild`)."""
    from newsreader.stories.incremental import update

    with store.transaction() as conn:
        for table in (
            "story_articles",
            "story_postings",
            "story_buckets",
            "story_df",
            "story_feed_terms",
            "story_gone",
            "stories",
        ):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM story_state WHERE key IN ('done_id', 'n')")
    summary = update(store, **kw)
    apply_merges(store, kw.get("preferred", ()))
    return summary
