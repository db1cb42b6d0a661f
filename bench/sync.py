"""Sync benchmark: a first sync and incremental syncs against the real local TT-RSS.

    bash tests/services/ttrss.sh up          # root, Debian 12 (once)
    python bench/sync.py                      # 2,000 articles in 4 feeds, 3 rounds
    python bench/sync.py --articles 10000 --feeds 10 --rounds 1

Per round, on a fresh TT-RSS user and a fresh store (the server's own update of the feeds is
not timed):
- first sync: every subscription and article (`Session.sync`, pages of 200, content included);
- incremental: `--new` new articles on the server, `--changes` read/starred flags changed on
  the server and as many here (pushed), then one sync;
- nothing new: a sync with nothing to do (login, subscriptions, since_id, the server's
  unread and starred ids).
Wall time; the server (php -S, PostgreSQL) runs on the same 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from ttrss_server import URL, Account, unavailable, update_feed, write_feed  # noqa: E402

from newsreader.config import Settings, SyncSettings  # noqa: E402
from newsreader.session import Session  # noqa: E402


def one_round(args: argparse.Namespace) -> dict[str, float]:
    acct = Account.create()
    other = acct.api()
    try:
        per = args.articles // args.feeds
        names = [f"{acct.login}-bench{i}" for i in range(args.feeds)]
        fids = []
        for name in names:
            fid = other.subscribe(write_feed(name, per))
            update_feed(fid)
            fids.append(fid)
        with tempfile.TemporaryDirectory() as tmp:
            feeds = Path(tmp) / "feeds.toml"
            feeds.write_text("")
            sync = SyncSettings("ttrss", URL, acct.login, password_command=["echo", acct.password])
            settings = Settings(refresh_on_start=False, sync=sync)
            session = Session.open(feeds_file=feeds, db=Path(tmp) / "nr.db", settings=settings)
            out: dict[str, float] = {}
            t = time.perf_counter()
            first = asyncio.run(session.sync())
            out["first"] = time.perf_counter() - t
            assert first.new_articles == per * args.feeds, first

            new_per = max(1, args.new // args.feeds)
            for name, fid in zip(names, fids, strict=True):
                write_feed(name, per + new_per)
                update_feed(fid)
            ids = [r for (r,) in session.store.conn.execute("SELECT remote_id FROM sync_articles")]
            other.mark([int(i) for i in ids[: args.changes]], read=True)
            local = [a for (a,) in session.store.conn.execute(
                "SELECT article_id FROM sync_articles ORDER BY article_id DESC LIMIT ?",
                (args.changes,),
            )]  # fmt: skip
            for aid in local:
                session.store.set_starred(aid, True)
            t = time.perf_counter()
            inc = asyncio.run(session.sync())
            out["incremental"] = time.perf_counter() - t
            assert inc.new_articles == new_per * args.feeds, inc
            assert inc.pushed == len(local) and inc.pulled >= args.changes - len(local), inc

            t = time.perf_counter()
            idle = asyncio.run(session.sync())
            out["nothing new"] = time.perf_counter() - t
            assert idle.new_articles == 0 and idle.pushed == 0, idle
            session.store.close()
        return out
    finally:
        other.close()
        acct.delete()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--feeds", type=int, default=4)
    p.add_argument("--new", type=int, default=200)
    p.add_argument("--changes", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    reason = unavailable()
    if reason:
        print(f"bench/sync.py: {reason}", file=sys.stderr)
        return 1
    runs = [one_round(args) for _ in range(args.rounds)]
    cmd = "python bench/sync.py " + " ".join(sys.argv[1:])
    print(f"`{cmd.strip()}`: {args.articles} articles in {args.feeds} feeds; incremental: "
          f"{args.new} new, {args.changes} flags changed on the server and {args.changes} here\n")  # fmt: skip
    print("| sync | best s | median s | articles/s (best) |")
    print("|---|---|---|---|")
    for key, n in (("first", args.articles), ("incremental", args.new), ("nothing new", 0)):
        vals = [r[key] for r in runs]
        rate = f"{n / min(vals):,.0f}" if n else ""
        print(f"| {key} | {min(vals):.2f} | {statistics.median(vals):.2f} | {rate} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
