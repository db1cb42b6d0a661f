"""Stories: the time to cluster 1,000 new articles against a store of 100,000.

The store is built once (kept in $NEWSREADER_BENCH_DIR, default /tmp/newsreader-bench):
100,000 articles in 500 feeds over 90 days, clustered incrementally as refreshes would.
Headlines are made from the words of the corpus' real headlines (Zipf-like frequencies) with
invented names and numbers; 30% carry a body of real sentences from the corpus (shuffled, so
not copies), the rest a one-line summary; one article in ten is another outlet's report of an
earlier headline (reworded) and one in forty a copy of an earlier body. Then, 3 rounds: 1,000
new articles (same mix, the newest day) are saved and clustered; the table gives the median.

    python bench/stories_speed.py [--articles 100000] [--rounds 3] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import article_pool, bench_dir  # noqa: E402

from newsreader import stories  # noqa: E402
from newsreader.models import ParsedArticle, ParsedFeed  # noqa: E402
from newsreader.store import Store  # noqa: E402

FEEDS = 500
DAYS = 90
NOW = datetime(2024, 6, 1, tzinfo=UTC)


class Maker:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        pool = article_pool(4000)
        words = [w for a in pool for w in re.findall(r"[A-Za-z]{3,}", a.title)]
        self.vocab = words
        self.sentences = [s for a in pool for s in re.split(r"(?<=[.!?]) ", a.text) if len(s) > 40]
        syl = "ka lo mi ra ten vos du sha pel mor ri zan bel to quin gar lus".split()
        self.names = [
            "".join(self.rng.choice(syl) for _ in range(self.rng.randint(2, 3))).capitalize()
            for _ in range(20000)
        ]
        self.made: list[ParsedArticle] = []
        self.n = 0
        self.tag = "base"

    def headline(self) -> str:
        r = self.rng
        words = [r.choice(self.vocab).lower() for _ in range(r.randint(5, 9))]
        for _ in range(r.randint(1, 2)):
            words.insert(r.randrange(len(words)), r.choice(self.names))
        if r.random() < 0.4:
            words.insert(r.randrange(len(words)), str(r.randint(2, 5000)))
        return " ".join(words).capitalize()

    def article(self, when: datetime) -> ParsedArticle:
        r = self.rng
        self.n += 1
        if self.made and r.random() < 0.1:  # another outlet's report of a recent headline
            src = r.choice(self.made[-500:])
            words = src.title.split()
            r.shuffle(words)
            title, text = " ".join(words[: max(4, len(words) - 2)]), src.text[:200]
        elif self.made and r.random() < 0.025:  # a copy of a recent body
            src = r.choice(self.made[-500:])
            title, text = src.title, src.text
        else:
            title = self.headline()
            if r.random() < 0.3:
                text = " ".join(r.sample(self.sentences, 12))
            else:
                text = self.headline() + "."
        a = ParsedArticle(
            guid=f"{self.tag}-{self.n}",
            title=title,
            link=f"https://x.example/{self.n}",
            published=when,
            text=text,
            summary_html=text,
        )
        self.made.append(a)
        return a


def save(store: Store, maker: Maker, n: int, start: datetime, span: timedelta) -> None:
    per_feed: dict[int, list[ParsedArticle]] = {}
    for k in range(n):
        when = start + span * (k / n)
        per_feed.setdefault(maker.rng.randrange(FEEDS), []).append(maker.article(when))
    items = [
        (f"https://feed{f}.example/rss", ParsedFeed(f"Feed {f}", None, arts), None, None)
        for f, arts in per_feed.items()
    ]
    for url, parsed, _, _ in items:
        store.ensure_feed(url, parsed.title)
    store.save_feeds(items)


def build(path: Path, total: int) -> Maker:
    maker = Maker()
    if path.exists():
        return maker
    tmp = path.with_suffix(".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    store = Store(tmp / "stories.db")
    step = 2000
    start = NOW - timedelta(days=DAYS)
    t = time.perf_counter()
    cluster = 0.0
    for i in range(0, total, step):
        save(
            store,
            maker,
            step,
            start + timedelta(days=DAYS) * (i / total),
            timedelta(days=DAYS) * (step / total),
        )
        c = time.perf_counter()
        stories.update(store)
        cluster += time.perf_counter() - c
    store.close()
    tmp.rename(path)
    print(
        f"built {total} articles in {time.perf_counter() - t:.0f} s (clustering {cluster:.0f} s, {1e6 * cluster / total:.0f} ms per 1,000)"
    )
    return maker


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    root = bench_dir() / f"stories-{args.articles}"
    if args.rebuild:
        shutil.rmtree(root, ignore_errors=True)
    maker = build(root, args.articles)
    times, joined = [], []
    for r in range(args.rounds):
        work = root.parent / f"stories-{args.articles}-run"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(root, work)
        store = Store(work / "stories.db")
        maker.rng.seed(100 + r)
        maker.tag = f"round{r}"
        save(store, maker, 1000, NOW, timedelta(hours=20))
        t = time.perf_counter()
        s = stories.update(store)
        times.append(time.perf_counter() - t)
        joined.append(s.joined)
        n = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        store.close()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"store: {n - 1000} articles; new: 1000 articles per round, {statistics.median(joined):.0f} joined a story"
    )
    print("| rounds | best | median | worst |")
    print("|---|---|---|---|")
    print(
        f"| {args.rounds} | {min(times) * 1000:.0f} ms | {statistics.median(times) * 1000:.0f} ms | {max(times) * 1000:.0f} ms |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
