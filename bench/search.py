"""Search benchmark: full-text search over 100,000 stored articles (p50/p95 of ~50 queries).

    python bench/search.py              # uses (or builds) bench/startup.py's 100,000 articles
    python bench/search.py --rounds 5

newsboat has no command-line search, so there is no newsboat process to time. Its in-app
search is a plain SQL `LIKE '%word%'` scan over the title and content of its cache, so the
reference rows time exactly such a scan: on newsboat's cache (built by bench/startup.py from the
same 100,000 articles) and on newsreader's own articles table. The ratio column compares with
the LIKE scan on newsboat's cache.

Timed (warm: every query is run once before timing; the median over --rounds is kept per query):
- `Store.search(q)`: what `newsreader search` runs (FTS5, best 200 by rank, rows built);
- `article_ids(View("search"))` + the first 60 rows: what the TUI runs (every match, newest
  first, then the visible page of rows);
- LIKE scans, newest 200 matches: `title LIKE ? OR text LIKE ?` per word (AND for
  several words), on newsreader's db and on newsboat's cache (`title`/`content`).

Queries: single words picked from the articles' own vocabulary at several frequencies (very
common to rare), two-word and three-word queries, quoted phrases, prefixes and words that occur
nowhere.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import startup  # noqa: E402
from common import table  # noqa: E402

WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


def make_queries(db: Path, n_single: int = 24) -> list[str]:
    """~50 queries from the stored articles' own words (deterministic for a given store).

    Multi-word queries and phrases come from one article each, so they match something, as
    a user's searches usually do.
    """
    counts: Counter[str] = Counter()
    pairs: list[str] = []
    triples: list[str] = []
    phrases: list[str] = []
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT title, text FROM articles WHERE id % 97 = 0 ORDER BY id")
        for i, (title, text) in enumerate(rows):
            words = WORD.findall(f"{title} {text[:2000]}".lower())
            counts.update(words)
            twords = [w for w in dict.fromkeys(WORD.findall(title.lower())) if w.isascii()]
            if i % 37 == 0 and len(twords) >= 2:
                pairs.append(f"{twords[0]} {twords[-1]}")
            xwords = [w for w in dict.fromkeys(words) if w.isascii() and len(w) > 5]
            if i % 53 == 0 and len(xwords) >= 9:
                triples.append(f"{xwords[0]} {xwords[4]} {xwords[8]}")
            toks = re.findall(r"[a-z]{3,}", text[200:400].lower())
            if i % 41 == 0 and len(toks) >= 4:
                phrases.append(f'"{toks[1]} {toks[2]}"')
    ranked = [w for w, _ in counts.most_common() if w.isascii()]
    step = max(1, len(ranked) // n_single)
    singles = ranked[::step][:n_single]  # very common ... rare
    queries = list(singles)
    queries += pairs[:8] + triples[:4] + phrases[:6]
    queries += [w[:4] for w in singles[2:10:2]]  # prefixes
    queries += ["zzyzxqwv", "qqqplonk", "nonexistentword"]
    return list(dict.fromkeys(queries))


def timed(fn, q: str, rounds: int) -> tuple[float, int]:
    fn(q)  # warm
    times = []
    n = 0
    for _ in range(rounds):
        t = time.perf_counter()
        n = fn(q)
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2], n


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def like_terms(q: str) -> list[str]:
    phrases = re.findall(r'"([^"]+)"', q)
    rest = re.sub(r'"[^"]*"', " ", q).split()
    return [*phrases, *rest]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"# search benchmark ({common.machine_line()})")
    root = startup.build(args.feeds, args.items, rebuild=False)
    meta = startup.load_meta(root)
    db = root / "newsreader" / "data" / "newsreader" / "newsreader.db"
    cache = root / "newsboat" / "cache.db"

    from newsreader.query import View
    from newsreader.store import Store

    store = Store(db)
    queries = make_queries(db)
    nb = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    nr = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def cli(q: str) -> int:
        return len(store.search(q, limit=200))

    def tui(q: str) -> int:
        ids = store.article_ids(View("search", query=q))
        store.rows_by_ids(ids[:60])
        return len(ids)

    def like_nr(q: str) -> int:
        terms = like_terms(q)
        where = " AND ".join("(title LIKE ? OR text LIKE ?)" for _ in terms)
        params = [p for t in terms for p in (f"%{t}%", f"%{t}%")]
        sql = f"SELECT id FROM articles WHERE {where} ORDER BY published DESC LIMIT 200"
        return len(nr.execute(sql, params).fetchall())

    def like_nb(q: str) -> int:
        terms = like_terms(q)
        where = " AND ".join("(title LIKE ? OR content LIKE ?)" for _ in terms)
        params = [p for t in terms for p in (f"%{t}%", f"%{t}%")]
        sql = (
            f"SELECT id FROM rss_item WHERE {where} AND deleted = 0 ORDER BY pubDate DESC LIMIT 200"
        )
        return len(nb.execute(sql, params).fetchall())

    fns = {
        "newsreader search (CLI: Store.search, FTS5, 200 best)": cli,
        "newsreader TUI search view (all matching ids + 60 rows)": tui,
        "LIKE scan on newsreader's db (reference)": like_nr,
        "LIKE scan on newsboat's cache (newsboat's own search)": like_nb,
    }
    if common.QUIET:
        common.wait_quiet()
    results: dict[str, list[tuple[str, float, int]]] = {k: [] for k in fns}
    for q in queries:
        for name, fn in fns.items():
            t, n = timed(fn, q, args.rounds)
            results[name].append((q, t, n))
    ref = sorted(t for _, t, _ in results["LIKE scan on newsboat's cache (newsboat's own search)"])
    ref_p50 = pct(ref, 50)
    rows = []
    for name, res in results.items():
        ts = [t * 1000 for _, t, _ in res]
        rows.append(
            [
                name,
                len(res),
                pct(ts, 50),
                pct(ts, 95),
                max(ts),
                f"{pct(ts, 50) / (ref_p50 * 1000):.3f}x",
            ]
        )
    print(
        f"{meta['newsreader_articles']} articles (newsreader db {meta['newsreader_db_mb']:.0f} MB; "
        f"newsboat cache {meta['newsboat_cache_mb']:.0f} MB); {len(queries)} queries, "
        f"median of {args.rounds} timed runs each"
    )
    print()
    print(table(["what", "queries", "p50 ms", "p95 ms", "max ms", "p50 vs LIKE (newsboat)"], rows))
    print()
    slow = sorted(
        results["newsreader TUI search view (all matching ids + 60 rows)"], key=lambda r: -r[1]
    )
    print(
        "slowest TUI queries: "
        + ", ".join(f"{q!r} {t * 1000:.1f} ms ({n} hits)" for q, t, n in slow[:5])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
