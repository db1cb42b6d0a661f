"""Ingest benchmark: articles per second into the store.

    python bench/ingest.py                  # corpus x5 in-process, and 400 feeds end to end
    python bench/ingest.py --copies 10 --feeds 1000

In-process, one thread (no network): the 80 real feeds of ../shared/corpora/real-feeds, each
copied `--copies` times with item ids unique per copy (bench/common.py `replica`):
- parse: `parse_feed` on the bytes (the lxml fast path or feedparser, nh3 sanitising, text);
- store: `Store.save_feed` of the parsed feeds into a fresh store (one transaction per feed,
  full-text index maintained by its triggers);
- parse + store: both, feed by feed.

End to end against newsboat: `--feeds` copies served on the local server with no latency;
`newsreader refresh` (process-pool parsing) vs `newsboat -x reload` with 32 reload threads,
articles stored per second of wall time, each on a fresh store/cache.

If bench/startup.py has built its 100,000-article data, that build is reported too.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import median, table  # noqa: E402


def corpus_bodies(copies: int) -> list[tuple[str, bytes, str]]:
    files = common.real_feed_files()
    out = []
    for r in range(copies):
        for p in files:
            url = f"https://copy{r}.example.org/{p.parent.name}/{p.name}"
            out.append((url, common.replica(p.read_bytes(), r), common.content_type_for(p)))
    return out


def in_process(copies: int, rounds: int) -> list[list[object]]:
    from newsreader.sources.parse import ParseError, parse_feed
    from newsreader.store import Store

    bodies = corpus_bodies(copies)
    mb = sum(len(b) for _, b, _ in bodies) / 2**20
    res: dict[str, list[float]] = {"parse": [], "store": [], "parse + store": []}
    articles = 0
    for _ in range(rounds):
        if common.QUIET:
            common.wait_quiet()
        t = time.process_time()
        parsed = []
        for url, body, ctype in bodies:
            try:
                parsed.append((url, parse_feed(body, url, ctype)))
            except ParseError:
                pass
        res["parse"].append(time.process_time() - t)
        articles = sum(len(f.articles) for _, f in parsed)
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "db.sqlite")
            t = time.perf_counter()
            for url, feed in parsed:
                store.save_feed(url, feed)
            res["store"].append(time.perf_counter() - t)
            store.close()
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "db.sqlite")
            t = time.perf_counter()
            for url, body, ctype in bodies:
                try:
                    store.save_feed(url, parse_feed(body, url, ctype))
                except ParseError:
                    pass
            res["parse + store"].append(time.perf_counter() - t)
            store.close()
    rows = []
    for name, times in res.items():
        s = median(times)
        rows.append(
            [
                f"newsreader {name} (in-process, 1 thread)",
                len(bodies),
                articles,
                s,
                articles / s,
                mb / s if name != "store" else "",
            ]
        )
    return rows


def end_to_end(n: int, rounds: int) -> list[list[object]]:
    server, urls = common.serve_real_feeds(n, latency=0.0)
    got: dict[str, list[tuple[float, int, float]]] = {"newsreader": [], "newsboat": []}
    try:
        for _ in range(rounds):
            with tempfile.TemporaryDirectory(prefix="nr-ingest-") as tmp:
                home = Path(tmp) / "nr"
                common.write_newsreader_config(home, urls)
                run = common.measure(
                    [common.NEWSREADER, "refresh"], env=common.newsreader_env(home)
                )
                db = home / "data" / "newsreader" / "newsreader.db"
                with sqlite3.connect(db) as c:
                    count = c.execute("SELECT count(*) FROM articles").fetchone()[0]
                got["newsreader"].append((run.wall, count, run.cpu))
                nb_home = Path(tmp) / "nb"
                urls_file, cache, config = common.newsboat_files(nb_home, urls, threads=32)
                run = common.measure(
                    [common.NEWSBOAT, "-u", str(urls_file), "-c", str(cache), "-C", str(config),
                     "-x", "reload"],
                    env=common.newsboat_env(nb_home),
                )  # fmt: skip
                with sqlite3.connect(cache) as c:
                    count = c.execute("SELECT count(*) FROM rss_item").fetchone()[0]
                got["newsboat"].append((run.wall, count, run.cpu))
    finally:
        server.stop()
    rate = {k: median(c / w for w, c, _ in v) for k, v in got.items()}
    rows = []
    for tool, label in (
        ("newsreader", "newsreader refresh"),
        ("newsboat", "newsboat -x reload, 32 threads"),
    ):
        v = got[tool]
        rows.append(
            [
                f"{label} (end to end, no latency)",
                n,
                v[0][1],
                median(w for w, _, _ in v),
                rate[tool],
                f"{rate[tool] / rate['newsboat']:.2f}x",
                median(c for _, _, c in v),
            ]
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--copies", type=int, default=5, help="copies of the corpus in-process")
    ap.add_argument("--feeds", type=int, default=400, help="feeds for the end-to-end run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"# ingest benchmark ({common.machine_line()})")
    rows = in_process(args.copies, args.repeat)
    print(table(["what", "feeds", "articles", "seconds", "articles/s", "MB/s"], rows))
    print()
    e2e = end_to_end(args.feeds, args.repeat)
    print(table(["what", "feeds", "articles", "wall s", "articles/s", "vs newsboat", "CPU s"], e2e))
    meta = common.bench_dir() / "startup-500x200" / "meta.json"
    if meta.exists():
        m = json.loads(meta.read_text())
        b1, b2 = m["build_newsreader"], m["build_newsboat"]
        print()
        print(
            table(
                [
                    "100,000 synthetic articles (bench/startup.py build)",
                    "wall s",
                    "articles/s",
                    "CPU s",
                    "peak MB",
                    "vs newsboat",
                ],
                [
                    [
                        "newsreader refresh",
                        b1["wall"],
                        m["newsreader_articles"] / b1["wall"],
                        b1["cpu"],
                        b1["peak_mb"],
                        f"{(m['newsreader_articles'] / b1['wall']) / (m['newsboat_articles'] / b2['wall']):.2f}x",
                    ],
                    [
                        "newsboat -x reload, 32 threads",
                        b2["wall"],
                        m["newsboat_articles"] / b2["wall"],
                        b2["cpu"],
                        b2["peak_mb"],
                        "1.00x",
                    ],
                ],
            )  # fmt: skip
        )
    print(
        "\nparse is CPU time of this process; store and parse + store are wall time (SQLite "
        "writes the WAL). End-to-end rows: median over rounds; articles = rows stored."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
