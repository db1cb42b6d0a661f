"""Incremental clustering: the articles stored since the last run join a story or start one.

One run reads the articles above `story_state.done_id` in chunks; each chunk is one
transaction: analyse the new articles (terms, body signature), update the document and feed
frequencies, fetch candidates from the postings (rare headline terms within the time window)
and the LSH buckets (body signatures), then decide article by article, oldest first, and
write memberships, postings and buckets. Nothing already clustered is revisited, so the cost
depends on the new articles and their candidates, not on the size of the store.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from newsreader.stories import minhash
from newsreader.stories.copies import CopyJudge
from newsreader.stories.decide import DEFAULT, Params, Vec, choose, similarity
from newsreader.stories.item import FEED, LABEL, TITLE, Item, decode, encode, flags_of
from newsreader.stories.roles import refresh_stories
from newsreader.stories.text import has_byline, terms_of

if TYPE_CHECKING:
    from newsreader.store import Store

_ArticleRow = tuple[int, int, str | None, str | None, str | None, float]

CHUNK = 2000
FEED_TERM = 0  # story_feed_terms row holding the feed's article count
FEED_SHARE = 0.2  # a term in this share of a feed's headlines names the feed
FEED_MIN = 8  # ... once the feed has this many
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


def _temp(conn: sqlite3.Connection, name: str, cols: str, rows: Iterable[Sequence[object]]) -> None:
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name}({cols})")
    conn.execute(f"DELETE FROM {name}")
    n = cols.count(",") + 1
    conn.executemany(f"INSERT INTO {name} VALUES ({','.join('?' * n)})", rows)


def pending(conn: sqlite3.Connection) -> int:
    done = int(_state(conn, "done_id", 0) or 0)  # type: ignore[call-overload]
    return int(conn.execute("SELECT count(*) FROM articles WHERE id > ?", (done,)).fetchone()[0])


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
        with store.transaction() as conn:
            done = int(_state(conn, "done_id", 0) or 0)  # type: ignore[call-overload]
            rows = conn.execute(
                "SELECT id, feed_id, title, text, author, published FROM articles "
                "WHERE id > ? ORDER BY id LIMIT ?",
                (done, chunk),
            ).fetchall()
            if not rows:
                break
            _Chunk(conn, params, preferred).run(rows, summary)
            _set_state(conn, "done_id", rows[-1][0])
            _sweep(conn)
        if len(rows) < chunk:
            break
    summary.seconds = time.perf_counter() - started
    return summary


def _sweep(conn: sqlite3.Connection) -> None:
    """Postings and buckets of deleted articles, once enough have gone."""
    (gone,) = conn.execute("SELECT count(*) FROM story_gone").fetchone()
    if gone < GONE_SWEEP:
        return
    conn.execute("DELETE FROM story_terms WHERE article_id IN (SELECT article_id FROM story_gone)")
    conn.execute("DELETE FROM story_bands WHERE article_id IN (SELECT article_id FROM story_gone)")
    conn.execute("DELETE FROM stories WHERE size <= 0")
    conn.execute("DELETE FROM story_gone")


@lru_cache(maxsize=4096)
def _name_terms(name: str) -> frozenset[int]:
    return frozenset(flags_of(terms_of(name, "")))


class _Chunk:
    def __init__(self, conn: sqlite3.Connection, params: Params, preferred: Sequence[str]) -> None:
        self.conn = conn
        self.params = params
        self.preferred = preferred
        self.df: dict[int, int] = {}
        self.n = 0
        self.vecs: dict[int, Vec] = {}
        self.items: dict[int, Item] = {}  # every item known to this run, stored or new
        self.members: dict[int, list[int]] = {}  # story -> member ids known to this run
        self.first_seen: dict[int, float] = {}
        self.touched: set[int] = set()

    # ------------------------------------------------------------------ analysis
    def _analyse(self, rows: list[_ArticleRow]) -> list[Item]:
        items = []
        for aid, fid, title, text, author, published in rows:
            flags = flags_of(terms_of(title or "", text or ""))
            body = text or ""
            sig = minhash.signature(body) if len(body) > 250 else None
            items.append(Item(aid, fid, float(published), flags, sig, has_byline(author, body)))
        return items

    def _feed_furniture(self, items: list[Item]) -> None:
        conn = self.conn
        per_feed: dict[int, Counter[int]] = {}
        for it in items:
            c = per_feed.setdefault(it.feed_id, Counter())
            c[FEED_TERM] += 1
            c.update(t for t, f in it.flags.items() if f & TITLE and not f & LABEL)
        frequent: dict[int, set[int]] = {}
        for fid, counts in per_feed.items():
            conn.executemany(
                "INSERT INTO story_feed_terms(feed_id, term, n) VALUES (?, ?, ?) "
                "ON CONFLICT(feed_id, term) DO UPDATE SET n = n + excluded.n",
                [(fid, t, n) for t, n in counts.items()],
            )
            (total,) = conn.execute(
                "SELECT n FROM story_feed_terms WHERE feed_id = ? AND term = ?", (fid, FEED_TERM)
            ).fetchone()
            if total < FEED_MIN:
                continue
            need = max(3, math.ceil(FEED_SHARE * total))
            frequent[fid] = {
                t
                for (t,) in conn.execute(
                    "SELECT term FROM story_feed_terms WHERE feed_id = ? AND n >= ? AND term != ?",
                    (fid, need, FEED_TERM),
                )
            }
        # The feed's own name in its headlines ("BBC News: ...", "... - Reuters") says nothing.
        for fid in per_feed:
            row = conn.execute(
                "SELECT coalesce(title, feed_title), feed_title FROM feeds WHERE id = ?", (fid,)
            ).fetchone()
            names = " ".join(x for x in (row or ()) if x)
            if names:
                frequent.setdefault(fid, set()).update(_name_terms(names))
        for it in items:
            freq = frequent.get(it.feed_id)
            if freq:
                for t in it.flags.keys() & freq:
                    it.flags[t] |= FEED

    def _frequencies(self, items: list[Item]) -> None:
        conn = self.conn
        counts: Counter[int] = Counter()
        for it in items:
            counts.update(it.flags.keys())
        conn.executemany(
            "INSERT INTO story_df(term, df) VALUES (?, ?) "
            "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            counts.items(),
        )
        self.n = int(_state(conn, "n", 0) or 0) + len(items)  # type: ignore[call-overload]
        _set_state(conn, "n", self.n)
        _temp(conn, "story_q", "term INTEGER", ((t,) for t in counts))
        self.df = dict(
            conn.execute("SELECT d.term, d.df FROM story_q q JOIN story_df d ON d.term = q.term")
        )

    def idf(self, term: int) -> float:
        return math.log((self.n + self.params.idf_prior) / (self.df.get(term, 0) + 1.0))

    # ------------------------------------------------------------------ candidates
    def _probes(self, it: Item) -> list[int]:
        """The headline's terms (up to 10, rarest first) and the lead's 4 rarest names: the
        terms two reports of one event share (an article's own rarest words are often its
        alone, so rarity alone would pick the wrong ones)."""
        probe = it.probe_terms()
        probe.sort(key=lambda t: self.df.get(t, 0))
        title = [t for t in probe if it.flags[t] & TITLE][:PROBES]
        lead = [t for t in probe if not it.flags[t] & TITLE][:4]
        return title + lead

    def _candidates(self, items: list[Item]) -> dict[int, list[int]]:
        """Stored articles near each new item: shared rare terms in the window, or a shared
        LSH bucket."""
        conn, w = self.conn, self.params.window
        probes: dict[int, tuple[float, float]] = {}
        for it in items:
            for t in self._probes(it):
                lo, hi = probes.get(t, (math.inf, -math.inf))
                probes[t] = (min(lo, it.published - w), max(hi, it.published + w))
        rows = ((t, a, b) for t, (a, b) in probes.items())
        _temp(conn, "story_p", "term INTEGER, lo REAL, hi REAL", rows)
        postings: dict[int, list[tuple[float, int]]] = {}
        for t, pub, aid in conn.execute(
            "SELECT p.term, s.published, s.article_id FROM story_p p JOIN story_terms s "
            "ON s.term = p.term AND s.published BETWEEN p.lo AND p.hi"
        ):
            postings.setdefault(t, []).append((pub, aid))
        keys: dict[int, list[int]] = {}
        for it in items:
            if it.sig is not None:
                for k in minhash.band_keys(it.sig):
                    keys.setdefault(k, []).append(it.id)
        _temp(conn, "story_k", "key INTEGER", ((k,) for k in keys))
        buckets: dict[int, list[int]] = {}
        for k, aid in conn.execute(
            "SELECT b.key, b.article_id FROM story_k k JOIN story_bands b ON b.key = k.key"
        ):
            buckets.setdefault(k, []).append(aid)
        out: dict[int, list[int]] = {}
        for it in items:
            hits: Counter[int] = Counter()
            for t in self._probes(it):
                for pub, aid in postings.get(t, ()):
                    if abs(pub - it.published) <= w:
                        hits[aid] += 1
            near = [aid for aid, _ in hits.most_common(MAX_CANDIDATES)]
            if it.sig is not None:
                for k in minhash.band_keys(it.sig):
                    near.extend(buckets.get(k, ()))
            out[it.id] = list(dict.fromkeys(near))
        return out

    def _load(self, ids: Iterable[int], where: str = "article_id") -> None:
        """Stored items (by article id, or by story id) into this run's memory."""
        todo = [i for i in set(ids) if where != "article_id" or i not in self.items]
        if not todo:
            return
        _temp(self.conn, "story_ids", "id INTEGER", ((i,) for i in todo))
        for aid, sid, fid, pub, terms, sig, byline, copy_of, pinned in self.conn.execute(
            "SELECT a.article_id, a.story_id, a.feed_id, a.published, a.terms, a.sig, a.byline, "
            f"a.copy_of, a.pinned FROM story_ids i JOIN story_articles a ON a.{where} = i.id"
        ):
            if aid in self.items:
                continue
            it = Item(
                aid, fid, pub, decode(terms), minhash.from_bytes(sig), bool(byline), sid, copy_of
            )
            it.pinned = bool(pinned)
            self.items[aid] = it
            self.members.setdefault(sid, []).append(aid)

    def vec(self, aid: int) -> Vec:
        v = self.vecs.get(aid)
        if v is None:
            v = self.vecs[aid] = Vec(self.items[aid], self.idf, self.idf(-1))
        return v

    # ------------------------------------------------------------------ decisions
    def run(self, rows: list[_ArticleRow], summary: UpdateSummary) -> None:
        items = self._analyse(rows)
        self._feed_furniture(items)
        self._frequencies(items)
        near = self._candidates(items)
        self._load(a for ids in near.values() for a in ids)
        stories = {self.items[a].story for ids in near.values() for a in ids if a in self.items}
        self._load(stories, where="story_id")
        for sid, mids in self.members.items():
            self.first_seen[sid] = min(self.items[m].published for m in mids)
        banned = self._splits([it.id for it in items])
        judge = CopyJudge(self.conn, self.params)
        # In-memory postings for the chunk itself: items decided earlier are candidates too.
        chunk_terms: dict[int, list[int]] = {}
        chunk_keys: dict[int, list[int]] = {}
        for it in sorted(items, key=lambda i: (i.published, i.id)):
            cands = [a for a in near.get(it.id, ()) if a in self.items]
            local: Counter[int] = Counter()
            for t in self._probes(it):
                local.update(chunk_terms.get(t, ()))
            cands.extend(a for a, _ in local.most_common(MAX_CANDIDATES))
            if it.sig is not None:
                for k in minhash.band_keys(it.sig):
                    cands.extend(chunk_keys.get(k, ()))
            cands = [
                a
                for a in dict.fromkeys(cands)
                if abs(self.items[a].published - it.published) <= self.params.window
            ]
            self.items[it.id] = it
            self._decide(it, cands, judge, banned.get(it.id, set()), summary)
            for t in self._probes(it):
                chunk_terms.setdefault(t, []).append(it.id)
            if it.sig is not None:
                for k in minhash.band_keys(it.sig):
                    chunk_keys.setdefault(k, []).append(it.id)
        self._write(items)
        refresh_stories(self.conn, self.touched, self.preferred)
        summary.articles += len(items)

    def _splits(self, ids: list[int]) -> dict[int, set[int]]:
        """Articles each new article must never share a story with (the user split them)."""
        _temp(self.conn, "story_ids", "id INTEGER", ((i,) for i in ids))
        out: dict[int, set[int]] = {}
        for a, b in self.conn.execute(
            "SELECT o.a, o.b FROM story_overrides o JOIN story_ids i ON i.id IN (o.a, o.b) "
            "WHERE o.kind = 'split'"
        ):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
        return out

    def _decide(
        self, it: Item, cands: list[int], judge: CopyJudge, never: set[int], summary: UpdateSummary
    ) -> None:
        forbidden = {self.items[a].story for a in never if a in self.items}
        x = self.vec(it.id)
        # Copies first: the earliest candidate this article duplicates (a short text can only
        # duplicate one whose headline it already matches closely).
        cos = {aid: similarity(x, self.vec(aid)) for aid in cands}
        for aid in sorted(cands, key=lambda a: self.items[a].published):
            other = self.items[aid]
            if other.story in forbidden:
                continue
            if (it.sig is None or other.sig is None) and cos[aid] < 0.5:
                continue
            if judge.is_copy(it, other):
                it.story, it.copy_of = other.story, other.id
                summary.copies += 1
                summary.joined += 1
                self._join(it)
                return
        stories: dict[int, list[Vec]] = {}
        for aid in cands:
            cand = self.items[aid].story
            if cand in stories or cand in forbidden:
                continue
            if cos[aid] < self.params.support:
                continue
            stories[cand] = [self.vec(m) for m in self.members.get(cand, ())]
        sid = choose(x, stories, self.first_seen, self.params) if stories else None
        if sid is None:
            cur = self.conn.execute(
                "INSERT INTO stories(title, first_seen, last_seen, size) VALUES ('', ?, ?, 0)",
                (it.published, it.published),
            )
            sid = int(cur.lastrowid or 0)
            self.first_seen[sid] = it.published
            summary.stories += 1
        else:
            summary.joined += 1
        it.story = sid
        self._join(it)

    def _join(self, it: Item) -> None:
        self.members.setdefault(it.story, []).append(it.id)
        self.first_seen[it.story] = min(self.first_seen.get(it.story, it.published), it.published)
        self.touched.add(it.story)

    def _write(self, items: list[Item]) -> None:
        conn = self.conn
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
                    encode(it.flags),
                    minhash.to_bytes(it.sig),
                )
                for it in items
            ],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO story_terms(term, published, article_id) VALUES (?, ?, ?)",
            [(t, it.published, it.id) for it in items for t in it.probe_terms()],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO story_bands(key, article_id) VALUES (?, ?)",
            [(k, it.id) for it in items if it.sig is not None for k in minhash.band_keys(it.sig)],
        )
