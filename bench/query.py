"""Query benchmark: the query language on 100,000 stored articles (p50/p95/max).

    python bench/query.py                 # builds (once) or reuses the store, 5 rounds
    python bench/query.py --rounds 9 --rebuild

Data: bench/common.py `synthetic_feeds` (500 feeds x 200 items of the real articles of
../shared/corpora/real-feeds, one item every 10 minutes back from now: about two years), the
same generator bench/startup.py serves; here parsed with `parse_feed` and stored with
`Store.save_feeds` in-process (no server: only the stored result matters). Each feed gets
one of five tags, each article one of 40 authors; 70% of the articles are read (the older
ones, with some unread scattered) and 1% starred. Kept in $NEWSREADER_BENCH_DIR.

Timed per query (warm: one untimed run first; the median of --rounds runs is kept):
- list: `matching_ids` (every match, newest first) + `rows_by_ids` of the first 60, what a
  query feed or a `/` query shows;
- count: `count` (total and unread), what the feed pane shows for a query feed.
Also: the killfile (5 rules) recomputed over every article, and checked on 200 new rows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import table  # noqa: E402

TAGS = ["world", "science", "tech", "business", "sport"]
FIRST = ["Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hiro"]
LAST = ["Smith", "Okafor", "Müller", "García", "Nguyen"]
AUTHORS = [f"{f} {s}" for f in FIRST for s in LAST]


def feed_url(i: int) -> str:
    return f"https://site{i}.example.org/feed.xml"


def build(feeds: int, items: int, rebuild: bool) -> Path:
    root = common.bench_dir() / f"query-{feeds}x{items}"
    db = root / "newsreader.db"
    meta = root / "meta.json"
    if meta.exists() and not rebuild:
        return root
    from concurrent.futures import ProcessPoolExecutor

    from newsreader.models import Subscription
    from newsreader.sources.parse import parse_feed
    from newsreader.store import Store

    root.mkdir(parents=True, exist_ok=True)
    for p in root.glob("newsreader.db*"):
        p.unlink()
    now = time.time() // 3600 * 3600
    print(f"building {feeds} feeds x {items} items in {root} ...", flush=True)
    t0 = time.perf_counter()
    docs = common.synthetic_feeds(feeds, items, now=now)
    store = Store(db)
    store.sync_subscriptions(
        [Subscription(feed_url(i), None, [TAGS[i % len(TAGS)]]) for i in range(feeds)]
    )
    urls = [feed_url(i) for i in range(feeds)]
    with ProcessPoolExecutor(2) as pool:
        parsed = list(pool.map(parse_feed, docs, urls, ["application/rss+xml"] * feeds))
    n = 0
    for feed in parsed:
        for a in feed.articles:
            a.author = AUTHORS[n % len(AUTHORS)]
            n += 1
    batch = 25
    for k in range(0, feeds, batch):
        store.save_feeds(
            [(urls[i], parsed[i], None, None) for i in range(k, min(k + batch, feeds))]
        )
    with store.transaction() as conn:
        (total,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        # The newest 30% unread, and one in 7 of the rest; 1% starred.
        conn.execute(
            "UPDATE articles SET read = 1 WHERE id IN (SELECT id FROM articles ORDER BY "
            "published DESC LIMIT -1 OFFSET ?) AND id % 7 != 0",
            (int(total * 0.3),),
        )
        conn.execute("UPDATE articles SET starred = 1 WHERE id % 100 = 0")
    store.close()
    meta.write_text(
        json.dumps({"now": now, "articles": total, "build_s": time.perf_counter() - t0})
    )
    print(f"  {total} articles in {time.perf_counter() - t0:.0f} s", flush=True)
    return root


def vocabulary(store) -> tuple[list[str], list[str]]:
    """(common, rare) title words of the stored articles (deterministic)."""
    counts: Counter[str] = Counter()
    for (title,) in store.conn.execute("SELECT title FROM articles WHERE id % 13 = 0"):
        counts.update(w.lower() for w in title.split() if w.isalpha() and len(w) > 4)
    ranked = [w for w, _ in counts.most_common()]
    return ranked[:10], ranked[len(ranked) // 2 : len(ranked) // 2 + 10]


def make_queries(store, now: float) -> list[str]:
    common_w, rare_w = vocabulary(store)
    c1, c2, r1, r2 = common_w[0], common_w[3], rare_w[0], rare_w[3]
    from datetime import datetime, timedelta

    month_ago = (datetime.fromtimestamp(now) - timedelta(days=30)).date().isoformat()
    return [
        "unread",
        "starred",
        "age < 2d",
        "age < 1w and unread",
        f"title ~ {c1}",
        f"title ~ {r1}",
        f"text ~ {c2}",
        f"{c1} and age < 30d",
        f'"{c1}" or "{r2}"',
        f"title ~ {c1[:4]}*",
        'feed = "Bench feed 0042"',
        'feed ~ "feed 01" and unread',
        "tag = world and unread",
        f"(tag = world or tag = science) and not title ~ {c1}",
        'author = "Grace Müller"',
        "author ~ nguyen and age < 60d",
        "url ~ site7.example.org/1",
        f"published >= {month_ago}",
        f"title ~ {c1} and feed ~ bench and unread and age < 90d",
        f"not text ~ {c2}",
        f"unread and not (tag = sport or title ~ {r1})",
        'title =~ "^the "',
        'title =~ "[0-9]{4}" and age < 30d',
        f'text =~ "{r1}"',
    ]


def timed(fn, rounds: int) -> tuple[float, object]:
    fn()
    ts = []
    out = None
    for _ in range(rounds):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2], out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    print(f"# query benchmark ({common.machine_line()})")
    root = build(args.feeds, args.items, args.rebuild)
    meta = json.loads((root / "meta.json").read_text())

    from newsreader import query
    from newsreader.query import killfile
    from newsreader.store import Store

    store = Store(root / "newsreader.db")
    queries = make_queries(store, meta["now"])
    if common.QUIET:
        common.wait_quiet()
    rows = []
    lists: list[float] = []
    counts: list[float] = []
    for q in queries:
        t_list, n = timed(lambda q=q: _list(store, q), args.rounds)
        t_count, c = timed(lambda q=q: query.count(store, q), args.rounds)
        lists.append(t_list * 1000)
        counts.append(t_count * 1000)
        rows.append([q[:60], n, c[1], t_list * 1000, t_count * 1000])
    print(f"{meta['articles']} articles; median of {args.rounds} warm runs per query")
    print()
    print(table(["query", "matches", "unread", "list ms", "count ms"], rows))
    print()
    typical = len(queries) - 3  # the last three are the regex queries
    summary = [
        ["list (ids newest first + 60 rows)", pct(lists[:typical], 50), pct(lists[:typical], 95),
         max(lists[:typical]), max(lists[typical:])],
        ["count (total, unread)", pct(counts[:typical], 50), pct(counts[:typical], 95),
         max(counts[:typical]), max(counts[typical:])],
    ]  # fmt: skip
    print(
        table(
            ["what", "p50 ms", "p95 ms", "max ms", f"regex max ms ({len(queries) - typical})"],
            summary,
        )
    )
    print()
    rules = [
        'title ~ "sponsored"',
        'feed ~ "feed 0499"',
        f'title ~ "{vocabulary(store)[1][5]}"',
        'author = "Hiro Smith" and tag = sport',
        'title =~ "^(watch|live):"',
    ]
    with store.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE key = 'killfile'")
    t = time.perf_counter()
    changed = killfile.apply(store, rules).changed
    full = time.perf_counter() - t
    (floor,) = store.conn.execute("SELECT max(id) - 200 FROM articles").fetchone()
    check = killfile.Killfile(rules)
    t_new, _ = timed(lambda: _new_rows(store, check, floor), args.rounds)
    print(
        f"killfile, {len(rules)} rules: recomputed over every article in {full * 1000:.0f} ms "
        f"({changed} rows changed); checking 200 new rows inside a save: {t_new * 1000:.1f} ms"
    )
    killfile.apply(store, [])
    return 0


def _list(store, q: str) -> int:
    from newsreader import query

    ids = query.matching_ids(store, q)
    store.rows_by_ids(ids[:60])
    return len(ids)


def _new_rows(store, check, floor: int) -> None:
    with store.transaction() as conn:
        check.hide_new(conn, floor)
        conn.execute("SELECT 1")


if __name__ == "__main__":
    sys.exit(main())
