"""Stories: what the clustering adds to a refresh.

A first refresh of N real feeds (the 80 corpus feeds, replicated with unique ids beyond 80,
served from loopback with 100 ms latency; every item is new) into a fresh store, in process,
with the clustering at the end of the run timed apart. Replicas make every article a copy of
four others at 400 feeds: a worst case for the copies tier.

    python bench/stories_refresh.py [--feeds 80 400]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import serve_real_feeds  # noqa: E402

import newsreader.stories as stories_pkg  # noqa: E402
from newsreader.config import Settings  # noqa: E402
from newsreader.models import Subscription  # noqa: E402
from newsreader.refresh import refresh_feeds  # noqa: E402
from newsreader.store import Store  # noqa: E402


def one(n: int) -> tuple[float, float, int]:
    server, urls = serve_real_feeds(n, latency=0.1)
    spent = [0.0]
    real = stories_pkg.update

    def timed(*a, **kw):
        t = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            spent[0] += time.perf_counter() - t

    stories_pkg.update = timed
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "db.sqlite")
            subs = [Subscription(url=u) for u in urls]
            store.sync_subscriptions(subs)
            t = time.perf_counter()
            summary = asyncio.run(refresh_feeds(subs, store=store, settings=Settings()))
            wall = time.perf_counter() - t
            store.close()
    finally:
        stories_pkg.update = real
        server.stop()
    return wall, spent[0], summary.new_articles


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, nargs="+", default=[80, 400])
    args = ap.parse_args()
    print("| feeds | new articles | refresh | of which stories | share |")
    print("|---|---|---|---|---|")
    for n in args.feeds:
        wall, spent, new = one(n)
        print(f"| {n} | {new} | {wall:.2f} s | {spent:.2f} s | {100 * spent / wall:.0f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
