"""Incremental clustering: the articles stored since the last run join a story or start one.

One run reads the articles above `story_state.done_id` in chunks; each chunk is analysed
(terms, body signature: stories/analysis.py, outside any transaction, in any process), then
decided in one write transaction (`decide`): feed furniture, document frequencies, candidates
from the postings (rare headline terms within the time window) and the LSH buckets (body
signatures; an article that is the same text as an earlier one, its twin, is its copy without
them: stories/twins.py), then article by article, oldest first, and the memberships, postings
and buckets written. Nothing already clustered is revisited, so the cost
depends on the new articles and their candidates, not on the size of the store.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from newsreader.stories import minhash
from newsreader.stories.analysis import ArticleRow, analyse, feed_furniture
from newsreader.stories.candidates import (
    Hits,
    local_hits,
    period,
    stored_buckets,
    stored_hits,
    temp,
)
from newsreader.stories.copies import CopyJudge
from newsreader.stories.decide import DEFAULT, Params, choose
from newsreader.stories.item import TITLE, Item
from newsreader.stories.roles import refresh_stories
from newsreader.stories.twins import find_twins
from newsreader.stories.vectors import Vec, Weights, cosines
from newsreader.text.safetext import clean
from newsreader.text.sanitize import stored_text

if TYPE_CHECKING:
    from newsreader.store import Store


CHUNK = 2000
PROBES = 10  # headline terms of an article looked up in the postings
MAX_CANDIDATES = 40
GONE_SWEEP = 5000  # deleted articles whose postings are swept at once


@dataclass(slots=True)
class UpdateSummary:
    articles: int = 0
    joined: int = 0
    copies: int = 0
    stories: int = 0
    seconds: float = 0.0


def _state(conn: sqlite3.Connection, key: str, default: object = None) -> object:
    row = conn.execute("SELECT value FROM story_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def _set_state(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO story_state(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def pending(conn: sqlite3.Connection) -> int:
    done = int(_state(conn, "done_id", 0) or 0)  # type: ignore[call-overload]
    return int(conn.execute("SELECT count(*) FROM articles WHERE id > ?", (done,)).fetchone()[0])


def pending_rows(
    conn: sqlite3.Connection, after: int, upto: int | None = None, limit: int = CHUNK
) -> list[ArticleRow]:
    """Stored articles with ids in (after, upto], oldest id first (their text derived here
    when the refresh left it for later: store/index.py)."""
    return [
        (i, fid, title, stored_text(text, html), author, published)
        for i, fid, title, text, html, author, published in conn.execute(
            "SELECT id, feed_id, title, text, content_html, author, published FROM articles "
            "WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
            (after, upto if upto is not None else 2**62, limit),
        )
    ]


def done_id(conn: sqlite3.Connection) -> int:
    """The last article id clustered."""
    value = _state(conn, "done_id", 0)
    return value if isinstance(value, int) else 0


def decide(
    store: Store,
    items: Sequence[Item],
    after: int,
    summary: UpdateSummary,
    *,
    params: Params = DEFAULT,
    preferred: Sequence[str] = (),
) -> bool:
    """Cluster analysed items (the articles after id `after`, in id order) in one write
    transaction; False, with nothing written, when the store's clustering is not at `after`."""
    if not items:
        return True
    with store.transaction() as conn:
        if done_id(conn) != after:
            return False
        _Chunk(conn, params, preferred).run(list(items), summary)
        _set_state(conn, "done_id", items[-1].id)
        _sweep(conn)
    return True


def update(
    store: Store,
    *,
    params: Params = DEFAULT,
    preferred: Sequence[str] = (),
    chunk: int = CHUNK,
) -> UpdateSummary:
    """Cluster every article stored since the last run; cheap when there is nothing new."""
    started = time.perf_counter()
    summary = UpdateSummary()
    while True:
        # The analysis (most of the work, no writes) runs outside the write transaction, so a
        # refresh storing feeds at the same time waits only for the decisions and the writes.
        after = done_id(store.conn)
        rows = pending_rows(store.conn, after, limit=chunk)
        if not rows:
            break
        if not decide(store, analyse(rows), after, summary, params=params, preferred=preferred):
            continue  # another process clustered these meanwhile
        if len(rows) < chunk:
            break
    summary.seconds = time.perf_counter() - started
    return summary


def _sweep(conn: sqlite3.Connection) -> None:
    """Postings and buckets of deleted articles, once enough have gone."""
    (gone,) = conn.execute("SELECT count(*) FROM story_gone").fetchone()
    if gone < GONE_SWEEP:
        return
    conn.execute(
        "DELETE FROM story_postings WHERE article_id IN (SELECT article_id FROM story_gone)"
    )
    conn.execute(
        "DELETE FROM story_buckets WHERE article_id IN (SELECT article_id FROM story_gone)"
    )
    conn.execute("DELETE FROM stories WHERE size <= 0")
    conn.execute("DELETE FROM story_gone")


class _Chunk:
    def __init__(self, conn: sqlite3.Connection, params: Params, preferred: Sequence[str]) -> None:
        self.conn = conn
        self.params = params
        self.preferred = preferred
        self.df: dict[int, int] = {}
        self.n = 0
        self.vecs: dict[int, Vec] = {}
        self.later: dict[int, Item] = {}  # items whose vectors are made when first needed
        self.twins: dict[int, int] = {}  # new item -> the article it is the same text as
        self.weights = Weights({}, 0, params.idf_prior)
        self.items: dict[int, Item] = {}  # every item known to this run, stored or new
        self.members: dict[int, list[int]] = {}  # story -> member ids known to this run
        self.first_seen: dict[int, float] = {}
        self.touched: set[int] = set()
        self.next_story = 0  # ids of the stories this run starts (inside its transaction)
        self.new_stories: list[tuple[int, str, float, float, int]] = []

    # ------------------------------------------------------------------ analysis
    def _frequencies(self, items: list[Item]) -> None:
        conn = self.conn
        # The run's counts (np.unique: in key order, each row's page is the last one's) in a
        # temporary table, added in one statement, the sums read back in one.
        terms, counts = np.unique(
            np.concatenate([np.zeros(0, np.int64), *(it.arrays()[0] for it in items)]),
            return_counts=True,
        )
        rows = zip(terms.tolist(), counts.tolist(), strict=True)
        temp(conn, "story_q", "term INTEGER, n INTEGER", rows)
        conn.execute(
            "INSERT INTO story_df(term, df) SELECT term, n FROM story_q WHERE true "
            "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df"
        )
        self.df = dict(
            conn.execute("SELECT d.term, d.df FROM story_q q JOIN story_df d USING (term)")
        )
        self.n = int(_state(conn, "n", 0) or 0) + len(items)  # type: ignore[call-overload]
        _set_state(conn, "n", self.n)

    # ------------------------------------------------------------------ candidates
    def _probes(self, it: Item) -> list[int]:
        """The headline's terms (up to 10, rarest first) and the lead's 4 rarest names: the
        terms two reports of one event share (an article's own rarest words are often its
        alone, so rarity alone would pick the wrong ones)."""
        probe = it.probe_terms()
        df = self.df
        probe.sort(key=lambda t: df.get(t, 0))
        flags = it.flags
        title = [t for t in probe if flags[t] & TITLE][:PROBES]
        lead = [t for t in probe if not flags[t] & TITLE][:4]
        return title + lead

    def _candidates(self, items: list[Item], banned: Container[int]) -> dict[int, list[int]]:
        """Per new item without a twin (stories/twins.py; they go in `self.twins`): stored
        articles sharing its rare terms within the window or one of its LSH buckets, then the
        run's own items decided before it (the same way)."""
        w = self.params.window
        bodies = [it for it in items if it.sig is not None]
        sigs = [it.sig for it in items if it.sig is not None]
        matrix = minhash.band_matrix(np.stack(sigs)) if sigs else np.zeros((0, 1), np.int64)
        for it, row in zip(bodies, matrix.tolist(), strict=True):
            it.set_band_keys(row)
        probes = {it.id: self._probes(it) for it in items}
        self.twins = find_twins(
            self.conn, items, probes, banned, self.params, self._known, MAX_CANDIDATES
        )
        out: dict[int, list[int]] = {}
        rest = [k for k, it in enumerate(bodies) if it.id not in self.twins]
        buckets = stored_buckets(self.conn, [bodies[k] for k in rest], matrix[rest], w)
        probing = [it for it in items if it.id not in self.twins]
        hits = Hits(probing, [probes[it.id] for it in probing])
        order = {it.id: k for k, it in enumerate(items)}  # items come in decision order
        local = local_hits(hits, items, order, w, MAX_CANDIDATES)
        stored = stored_hits(self.conn, hits, w, MAX_CANDIDATES)
        found = {it.id: (a, b) for it, a, b in zip(probing, stored, local, strict=True)}
        chunk_keys: dict[int, list[int]] = {}
        for it in items:
            keys = it.band_keys()
            if it.id not in self.twins:
                near, mine = found[it.id]
                near.extend(a for k in keys for a in buckets.get(k, ()))
                near.extend(mine)
                near.extend(a for k in keys for a in chunk_keys.get(k, ()))
                out[it.id] = list(dict.fromkeys(near))
            for k in keys:
                chunk_keys.setdefault(k, []).append(it.id)
        return out

    def _known(self, ids: Iterable[int]) -> dict[int, Item]:
        """The stored items by article id, loaded when not yet."""
        self._load(ids)
        return self.items

    def _load(self, ids: Iterable[int], where: str = "article_id") -> None:
        """Stored items (by article id, or by story id) into this run's memory."""
        todo = [i for i in set(ids) if where != "article_id" or i not in self.items]
        if not todo:
            return
        temp(self.conn, "story_ids", "id INTEGER", ((i,) for i in todo))
        for aid, sid, fid, pub, terms, sig, byline, copy_of, pinned in self.conn.execute(
            "SELECT a.article_id, a.story_id, a.feed_id, a.published, a.terms, a.sig, a.byline, "
            f"a.copy_of, a.pinned FROM story_ids i JOIN story_articles a ON a.{where} = i.id"
        ):
            if aid in self.items:
                continue
            sig_ = minhash.from_bytes(sig)
            it = Item(aid, fid, pub, None, sig_, byline > 0, sid, copy_of, blob=terms)
            it.pinned = bool(pinned)
            self.items[aid] = it
            self.members.setdefault(sid, []).append(aid)

    # ------------------------------------------------------------------ decisions
    def run(self, items: list[Item], summary: UpdateSummary) -> None:
        feed_furniture(self.conn, items)
        self._frequencies(items)
        items.sort(key=lambda i: (i.published, i.id))  # decided oldest first
        new = {it.id for it in items}
        banned = self._splits([it.id for it in items])
        near = self._candidates(items, banned)
        self._load(a for ids in near.values() for a in ids if a not in new)
        self._load(self.twins.values())
        stories = {self.items[a].story for ids in near.values() for a in ids if a in self.items}
        stories.update(self.items[a].story for a in self.twins.values() if a in self.items)
        self._load(stories, where="story_id")
        for sid, mids in self.members.items():
            self.first_seen[sid] = min(self.items[m].published for m in mids)
        self.weights = Weights(self.df, self.n, self.params.idf_prior)
        known = [*self.items.values(), *(it for it in items if it.id not in self.twins)]
        self.vecs = {v.item.id: v for v in self.weights.vecs(known)}
        self.later = {it.id: it for it in items if it.id in self.twins}  # their vectors
        judge = CopyJudge(self.conn, self.params)
        (self.next_story,) = self.conn.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM stories"
        ).fetchone()
        w = self.params.window
        for it in items:
            cands = [
                a
                for a in near.get(it.id, ())
                if a in self.items and abs(self.items[a].published - it.published) <= w
            ]
            self.items[it.id] = it
            twin = self.twins.get(it.id)
            if twin is not None:
                self._copy(it, self.items[twin], summary)
            else:
                self._decide(it, cands, judge, banned.get(it.id, set()), summary)
        self._write(items)
        refresh_stories(self.conn, self.touched, self.preferred)
        summary.articles += len(items)

    def _splits(self, ids: list[int]) -> dict[int, set[int]]:
        """Articles each new article must never share a story with (the user split them)."""
        temp(self.conn, "story_ids", "id INTEGER", ((i,) for i in ids))
        out: dict[int, set[int]] = {}
        for a, b in self.conn.execute(
            "SELECT o.a, o.b FROM story_overrides o JOIN story_ids i ON i.id IN (o.a, o.b) "
            "WHERE o.kind = 'split'"
        ):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        return out

    def _vecs(self, ids: Iterable[int]) -> list[Vec]:
        """The vectors of these items (a twin's made when first needed)."""
        ids = list(ids)
        todo = [self.later.pop(a) for a in ids if a not in self.vecs and a in self.later]
        self.vecs.update((v.item.id, v) for v in self.weights.vecs(todo))
        return [self.vecs[a] for a in ids]

    def _cosines(self, x: Vec, ids: Iterable[int], cos: dict[int, float]) -> None:
        todo = [a for a in dict.fromkeys(ids) if a not in cos]
        if todo:
            cos.update(zip(todo, cosines(x, self._vecs(todo)), strict=True))

    def _decide(
        self, it: Item, cands: list[int], judge: CopyJudge, never: set[int], summary: UpdateSummary
    ) -> None:
        forbidden = {self.items[a].story for a in never if a in self.items}
        x = self.vecs[it.id]
        cos: dict[int, float] = {}
        items = self.items
        # Copies first: the earliest candidate this article duplicates (a short text can only
        # duplicate one whose headline it already matches closely: only then is the cosine
        # needed before the article is found a copy).
        self._cosines(x, (a for a in cands if it.sig is None or items[a].sig is None), cos)
        for aid in sorted(cands, key=lambda a: items[a].published):
            other = self.items[aid]
            if other.story in forbidden:
                continue
            if (it.sig is None or other.sig is None) and cos[aid] < 0.5:
                continue
            if judge.is_copy(it, other):
                self._copy(it, other, summary)
                return
        self._cosines(x, cands, cos)
        near: list[int] = []
        for aid in cands:
            cand = self.items[aid].story
            if cand not in near and cand not in forbidden and cos[aid] >= self.params.support:
                near.append(cand)
        stories: dict[int, list[Vec]] = {}
        if near:
            self._cosines(x, (m for s in near for m in self.members.get(s, ())), cos)
            stories = {s: self._vecs(self.members.get(s, ())) for s in near}
        sid = choose(x, stories, self.first_seen, self.params, cos) if stories else None
        if sid is None:  # a story of its own, complete as written (until a second member)
            sid = self.next_story
            self.next_story += 1
            self.new_stories.append(
                (sid, clean(it.title or "", 300), it.published, it.published, it.id)
            )
            self.first_seen[sid] = it.published
            self.members[sid] = [it.id]
            it.story = sid
            summary.stories += 1
            return
        summary.joined += 1
        it.story = sid
        self._join(it)

    def _copy(self, it: Item, other: Item, summary: UpdateSummary) -> None:
        it.story, it.copy_of = other.story, other.id
        summary.copies += 1
        summary.joined += 1
        self._join(it)

    def _join(self, it: Item) -> None:
        self.members.setdefault(it.story, []).append(it.id)
        self.first_seen[it.story] = min(self.first_seen.get(it.story, it.published), it.published)
        self.touched.add(it.story)

    def _write(self, items: list[Item]) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO stories(id, title, first_seen, last_seen, size, sources, original_id) "
            "VALUES (?, ?, ?, ?, 1, 1, ?)",
            self.new_stories,
        )
        conn.executemany(
            "INSERT OR REPLACE INTO story_articles(article_id, story_id, feed_id, published, "
            "copy_of, byline, terms, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    it.id,
                    it.story,
                    it.feed_id,
                    it.published,
                    it.copy_of,
                    int(it.byline),
                    it.blob(),
                    minhash.to_bytes(it.sig),
                )
                for it in items
            ],
        )
        postings: list[tuple[int, int, float, int]] = []
        buckets: list[tuple[int, int, int]] = []
        for it in items:
            p, pub, aid = period(it.published), it.published, it.id
            postings.extend([(p, t, pub, aid) for t in it.probe_terms()])
            buckets.extend([(p, k, aid) for k in it.band_keys()])
        conn.executemany(
            "INSERT OR IGNORE INTO story_postings(period, term, published, article_id) "
            "VALUES (?, ?, ?, ?)",
            postings,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO story_buckets(period, key, article_id) VALUES (?, ?, ?)",
            buckets,
        )
