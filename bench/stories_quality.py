"""Stories: B-cubed precision, recall and F1 of the clustering on the development set.

Three parts, stored together in one fresh store (so each is also noise for the others) and
clustered incrementally in refresh-sized batches, the way a refresh does it:

- headlines: bench/stories_data/headlines.json, hand-written headlines (title and sometimes a
  one-line summary) in the manner of many outlets, grouped by event, with deliberate negatives
  (same topic and different events, same template with different numbers, feed-name prefixes);
  split into two halves by group ("tune" and "check": the thresholds were set looking at all
  of it, so neither is held out);
- copies: the scripted aggregator copies of bench/pairs.py (3 per real article of
  ../shared/corpora/articles), each group an original and its copies, all within two days;
- real feeds: every item of the 80 real feeds of ../shared/corpora/real-feeds; the groups are
  the items that duplicate feeds carry twice (bench/stories_data/real_feeds.json), every other
  item is a story of its own (the feeds span 2007-2026 and share no event).

    python bench/stories_quality.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsreader import stories
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.store import Store

DATA = Path(__file__).resolve().parent / "stories_data"
BATCH = 25  # feeds per batch, as the refresh's group commit


class Corpus:
    def __init__(self) -> None:
        self.feeds: dict[str, list[ParsedArticle]] = defaultdict(list)
        self.gold: dict[tuple[str, str], str] = {}  # (feed, guid) -> group
        self.part: dict[tuple[str, str], str] = {}

    def add(self, part: str, feed: str, group: str, art: ParsedArticle) -> None:
        self.feeds[feed].append(art)
        self.gold[(feed, art.guid)] = f"{part}:{group}"
        self.part[(feed, art.guid)] = part


def _half(group: str) -> str:
    return "tune" if zlib.crc32(group.encode()) % 2 == 0 else "check"


def add_headlines(c: Corpus) -> None:
    doc = json.loads((DATA / "headlines.json").read_text(encoding="utf-8"))
    for i, a in enumerate(doc["articles"]):
        pub = datetime.fromisoformat(a["published"].replace("Z", "+00:00"))
        art = ParsedArticle(
            guid=f"h{i}",
            title=a["title"],
            link=f"https://{a['feed'].lower().replace(' ', '')}.example/{i}",
            published=pub,
            summary_html=a["summary"],
            text=a["summary"],
        )
        c.add("headlines-" + _half(a["group"]), "hl:" + a["feed"], a["group"], art)


def add_copies(c: Corpus) -> None:
    from pairs import all_pairs

    base = datetime(2021, 5, 3, 8, tzinfo=UTC)
    seen: set[str] = set()
    for k, p in enumerate(all_pairs(3)):
        name = p.name.rsplit("-", 1)[0]
        variant = int(p.name.rsplit("-", 1)[1])
        t0 = base + timedelta(minutes=53 * (hash_int(name) % 50))
        if name not in seen:
            seen.add(name)
            title, _, body = p.right.strip().partition("\n")
            c.add(
                "copies",
                f"cp:original {name}",
                name,
                ParsedArticle(
                    guid=f"o-{name}",
                    title=title.strip()[:200],
                    author="Staff reporter",
                    published=t0,
                    text=p.right,
                ),
            )
        title = p.left.strip().split("\n", 1)[0][:200]
        c.add(
            "copies",
            f"cp:aggregator {variant}",
            name,
            ParsedArticle(
                guid=f"c-{k}",
                title=title,
                published=t0 + timedelta(hours=2 + variant * 3),
                text=p.left,
            ),
        )


def hash_int(s: str) -> int:
    return zlib.crc32(s.encode())


def add_real_feeds(c: Corpus) -> None:
    from common import content_type_for, real_feed_files

    from newsreader.sources.parse import ParseError, parse_feed

    dupes = json.loads((DATA / "real_feeds.json").read_text(encoding="utf-8"))
    twin = {}
    for a, b in dupes["duplicate_feeds"]:
        twin[a], twin[b] = a, a
    root = real_feed_files()[0].parents[1]
    for p in real_feed_files():
        rel = str(p.relative_to(root))
        try:
            feed = parse_feed(p.read_bytes(), "https://example.org/" + p.name, content_type_for(p))
        except ParseError:
            continue
        for i, a in enumerate(feed.articles[:200]):
            if rel in twin:
                group = f"{twin[rel]}:{' '.join(a.title.lower().split())}"
            else:
                group = f"{rel}:{i}"
            a.guid = f"{rel}:{i}:{a.guid}"
            c.add("real-feeds", "rf:" + rel, group, a)


def bcubed(pred: dict[int, int], gold: dict[int, str], ids: list[int]) -> tuple[float, float]:
    by_pred: dict[int, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i in pred:
        by_pred[pred[i]].add(i)
        by_gold[gold[i]].add(i)
    p = r = 0.0
    for i in ids:
        same = by_pred[pred[i]] & by_gold[gold[i]]
        p += len(same) / len(by_pred[pred[i]])
        r += len(same) / len(by_gold[gold[i]])
    return p / len(ids), r / len(ids)


def build(
    c: Corpus, root: Path, params: stories.Params = stories.DEFAULT
) -> tuple[Store, float, int]:
    store = Store(root / "stories.db")
    names = sorted(c.feeds)
    elapsed = 0.0
    n = 0
    # Feeds arrive in refresh-sized batches; the clustering runs after each batch.
    for i in range(0, len(names), BATCH):
        batch = [
            (f"https://{hash_int(f)}.example/feed", ParsedFeed(f, None, c.feeds[f]), None, None)
            for f in names[i : i + BATCH]
        ]
        for (url, _p, _, _), f in zip(batch, names[i : i + BATCH], strict=True):
            store.ensure_feed(url, f)
        store.save_feeds(batch)
        t = time.perf_counter()
        n += stories.update(store, params=params).articles
        elapsed += time.perf_counter() - t
    return store, elapsed, n


def evaluate(
    verbose: bool = False,
    parts: str = "headlines,copies,real-feeds",
    params: stories.Params = stories.DEFAULT,
) -> dict[str, tuple[float, float, float, int]]:
    c = Corpus()
    if "headlines" in parts:
        add_headlines(c)
    if "copies" in parts:
        add_copies(c)
    if "real-feeds" in parts:
        add_real_feeds(c)
    with tempfile.TemporaryDirectory() as tmp:
        store, elapsed, n = build(c, Path(tmp), params)
        rows = store.conn.execute(
            "SELECT m.article_id, m.story_id, f.title, a.guid, a.title, m.role FROM story_articles m "
            "JOIN articles a ON a.id = m.article_id JOIN feeds f ON f.id = a.feed_id"
        ).fetchall()
        store.close()
    pred = {r[0]: r[1] for r in rows}
    gold = {r[0]: c.gold[(r[2], r[3])] for r in rows}
    part = {r[0]: c.part[(r[2], r[3])] for r in rows}
    title = {r[0]: f"[{r[2]}] {r[4]} ({r[5]})" for r in rows}
    results = {}
    for name in ("headlines-tune", "headlines-check", "copies", "real-feeds", None):
        ids = [i for i in pred if name is None or part[i] == name]
        if not ids:
            continue
        p, r = bcubed(pred, gold, ids)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        results[name or "all"] = (p, r, f1, len(ids))
    if verbose:
        _explain(pred, gold, title)
    print(
        f"clustered {n} articles in {elapsed:.2f} s ({1e6 * elapsed / max(n, 1):.0f} ms per 1,000)"
    )
    return results


def _explain(pred: dict[int, int], gold: dict[int, str], title: dict[int, str]) -> None:
    by_pred: dict[int, list[int]] = defaultdict(list)
    by_gold: dict[str, list[int]] = defaultdict(list)
    for i, s in pred.items():
        by_pred[s].append(i)
        by_gold[gold[i]].append(i)
    print("== false merges (one predicted story, several gold groups)")
    for members in by_pred.values():
        groups = {gold[i] for i in members}
        if len(groups) > 1:
            for i in sorted(members, key=lambda i: gold[i]):
                print(f"   {gold[i][:40]:40} {title[i][:110]}")
            print()
    print("== split groups (one gold group, several predicted stories)")
    for g, members in by_gold.items():
        stories_ = {pred[i] for i in members}
        if len(stories_) > 1 and not g.startswith("real-feeds"):
            print(f"  {g}")
            for i in sorted(members, key=lambda i: pred[i]):
                print(f"     {pred[i]:6} {title[i][:110]}")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--verbose", action="store_true", help="list false merges and split groups")
    ap.add_argument("--parts", default="headlines,copies,real-feeds")
    ap.add_argument("--param", action="append", default=[], help="NAME=VALUE of stories.Params")
    args = ap.parse_args()
    import dataclasses

    params = dataclasses.replace(
        stories.DEFAULT, **{k: float(v) for k, v in (p.split("=") for p in args.param)}
    )
    results = evaluate(args.verbose, args.parts, params)
    print(f"{'part':18} {'articles':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, (p, r, f1, n) in results.items():
        print(f"{name:18} {n:8d} {p:9.3f} {r:7.3f} {f1:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
