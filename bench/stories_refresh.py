"""Stories: what the clustering adds to a refresh.

A first refresh of N real feeds (the 80 corpus feeds, replicated with unique ids beyond 80,
served from loopback with 100 ms latency; every item is new) into a fresh store, in process,
twice in one run: without stories (`refresh_feeds(cluster=False)`, the peer) and with them
(`cluster=True`, what the app's refresh and `newsreader refresh --stories` do: once every feed is
stored, the new articles are grouped in the refresh's process pool, and the refresh returns when
they are; plain `newsreader refresh` leaves that to the app or `newsreader stories`). Rounds alternate the two and the table gives
medians. Counted: the refresh's wall time, grouping included (the overhead is on it), the time
until every feed was stored (what a reader waits for: the app shows the articles and says the
refresh is done then) and the grouping after it. Replicas make every article a copy of four
others at 400 feeds: a worst case for the copies tier, though exact copies take a fast path.
The feed server runs in this process: the times are longer than `newsreader refresh`'s
(bench/refresh.py), the comparison between the two columns is what this is for."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import serve_real_feeds  # noqa: E402

from newsreader.config import Settings  # noqa: E402
from newsreader.models import RefreshSummary, Subscription  # noqa: E402
from newsreader.refresh import refresh_feeds  # noqa: E402
from newsreader.store import Store  # noqa: E402


def one(urls: list[str], cluster: bool) -> tuple[float, RefreshSummary, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "db.sqlite")
        subs = [Subscription(url=u) for u in urls]
        store.sync_subscriptions(subs)
        t = time.perf_counter()
        summary = asyncio.run(
            refresh_feeds(subs, store=store, settings=Settings(), cluster=cluster)
        )
        wall = time.perf_counter() - t
        (clustered,) = store.conn.execute("SELECT count(*) FROM story_articles").fetchone()
        store.close()
    return wall, summary, clustered


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, nargs="+", default=[80, 400])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--latency", type=float, default=0.1, help="seconds per response")
    args = ap.parse_args()
    print(
        "| feeds | latency | new articles | refresh without stories | with stories | overhead "
        "| with stories: feeds stored after | then grouping |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in args.feeds:
        server, urls = serve_real_feeds(n, latency=args.latency)
        try:
            base: list[float] = []
            with_: list[float] = []
            stored: list[float] = []  # until every feed was stored
            wait: list[float] = []  # grouping after that
            new = 0
            for r in range(args.rounds):
                for cluster in (False, True) if r % 2 == 0 else (True, False):
                    wall, s, clustered = one(urls, cluster)
                    if cluster:
                        assert clustered == s.new_articles, (clustered, s.new_articles)
                        with_.append(wall)
                        stored.append(s.elapsed)
                        wait.append(s.stories_wait)
                    else:
                        base.append(wall)
                    new = s.new_articles
        finally:
            server.stop()
        b, w = statistics.median(base), statistics.median(with_)
        print(
            f"| {n} | {1000 * args.latency:.0f} ms | {new} | {b:.2f} s | {w:.2f} s | {100 * (w - b) / b:+.0f}% "
            f"| {statistics.median(stored):.2f} s | {statistics.median(wait):.2f} s |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
