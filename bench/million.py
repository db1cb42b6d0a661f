"""A store of 1,000,000 articles (a user who keeps everything): startup, keys, search, memory,
refresh into it, retention and the disk it takes.

    python bench/million.py                       # builds once (~10 min), then measures
    python bench/million.py --articles 200000     # a smaller store, same measures
    python bench/million.py --rebuild

Build (kept in $NEWSREADER_BENCH_DIR/million-N, default /tmp/newsreader-bench): 5,000 feeds
in 50 tags, each article one of the corpus' real articles (bench/common.py `article_pool`,
title, a few paragraphs, its plain text) stored with the store's own `save_feeds` (FTS index
included), oldest first, one minute apart. Stories: the newest 20,000 are clustered, as a
store that has been refreshed day by day would have them; the rest count as clustered (their
stories belong to the past).

Measured:
- startup: `newsreader` in a 160x48 tmux pane until the newest article's title is painted
  (median of 3), and PSS of the process 3 s after;
- keys in tmux: `j` (cursor) and feed-pane moves (`j` in the feed pane, which switches the
  article list), each key timed from send-keys to the changed screen (p50/p95 of 40);
- search: `Store.search` (what `newsreader search` runs) and the app's search view ids, over
  queries picked from the articles' own words (p50/p95);
- refresh: 10,000 new articles (200 feeds x 50 items, served from loopback) into a copy of the
  big store vs into an empty store with the same 5,000 subscriptions, without and with stories,
  in alternating pairs (medians of --refresh-rounds, and of the pairs' ratios)
  (the new items are corpus articles, as the big store's are: each has copies among the
  store's 20,000 recent articles, a worst case for the stories' copies tier);
- retention: `prune(keep_per_feed=150)` on a copy of the store;
- disk: the database's size per 100,000 articles.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

from newsreader.models import ParsedArticle, ParsedFeed  # noqa: E402

FEEDS = 5000
TAGS = 50


def _home(n: int) -> Path:
    return common.bench_dir() / f"million-{n}"


def _db(home: Path) -> Path:
    return home / "data" / "newsreader" / "newsreader.db"


def _feed_url(i: int) -> str:
    return f"https://site{i}.example.org/feed.xml"


def write_config(home: Path) -> None:
    cfg = home / "config" / "newsreader"
    cfg.mkdir(parents=True, exist_ok=True)
    lines = ["# benchmark: 5,000 feeds\n"]
    for i in range(FEEDS):
        lines.append(
            f'[[feed]]\nurl = "{_feed_url(i)}"\ntitle = "{common.feed_title(i)}"\n'
            f'tags = ["tag{i % TAGS:02d}"]\n'
        )
    (cfg / "feeds.toml").write_text("".join(lines), encoding="utf-8")
    (cfg / "config.toml").write_text("refresh_on_start = false\n", encoding="utf-8")


def build(n: int, rebuild: bool) -> Path:
    from newsreader.config import load_subscriptions
    from newsreader.store import Store

    home = _home(n)
    if _db(home).exists() and not rebuild:
        t0 = time.perf_counter()
        Store(_db(home)).close()  # a store built by older code is migrated once, here
        if (took := time.perf_counter() - t0) > 1:
            print(f"  migrated the store in {took:.0f} s", file=sys.stderr)
        return home
    shutil.rmtree(home, ignore_errors=True)
    write_config(home)
    _db(home).parent.mkdir(parents=True, exist_ok=True)
    pool = common.article_pool()
    store = Store(_db(home))
    store.sync_subscriptions(load_subscriptions(home / "config" / "newsreader" / "feeds.toml"))
    per_feed = n // FEEDS
    start = time.time() - n * 60
    t0 = time.perf_counter()
    # Rounds: every feed gets one article per round, oldest round first (ids grow with time).
    batch: list[tuple[str, ParsedFeed, None, None]] = []
    for j in range(per_feed):
        for i in range(FEEDS):
            k = j * FEEDS + i
            a = pool[(i * 7919 + j * 104729) % len(pool)]
            when = datetime.fromtimestamp(start + k * 60, UTC)
            html = "".join(f"<p>{p}</p>" for p in a.text.split(". ")[:6])
            art = ParsedArticle(
                guid=f"m-{i}-{j}",
                title=a.title,
                link=f"https://site{i}.example.org/{j}",
                author=None,
                published=when,
                content_html=html,
                text=a.text,
            )
            batch.append((_feed_url(i), ParsedFeed(common.feed_title(i), None, [art]), None, None))
            if len(batch) >= 2000:
                store.save_feeds(batch, now=start + k * 60)
                batch = []
        if j % 10 == 0:
            done = (j + 1) * FEEDS
            rate = done / (time.perf_counter() - t0)
            print(f"  built {done:,} articles ({rate:,.0f}/s)", file=sys.stderr)
    if batch:
        store.save_feeds(batch)
    _mark_clustered(store, keep_recent=20000)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    print(f"  built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return home


def _mark_clustered(store: object, keep_recent: int) -> None:
    """All but the newest `keep_recent` articles count as clustered; those join stories."""
    from newsreader.stories import update

    conn = store.conn  # type: ignore[attr-defined]
    (top,) = conn.execute("SELECT max(id) FROM articles").fetchone()
    with conn:
        conn.execute(
            "INSERT INTO story_state(key, value) VALUES ('done_id', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (max(0, top - keep_recent),),
        )
    update(store, preferred=[])


# ------------------------------------------------------------------------------ measures


def newest_title(home: Path) -> str:
    import sqlite3

    with sqlite3.connect(_db(home)) as db:
        (t,) = db.execute("SELECT title FROM articles ORDER BY published DESC LIMIT 1").fetchone()
    return str(t)


def _env(home: Path) -> dict[str, str]:
    env = common.newsreader_env(home)
    env["TERM"] = "tmux-256color"
    env.pop("NO_COLOR", None)
    return env


def _open_app(home: Path) -> tuple[common.Tmux, float]:
    """The app in a 160x48 tmux pane; (the pane, seconds to the newest title painted)."""
    probe = " ".join(newest_title(home).split())[:24]
    tm = common.Tmux(160, 48)
    tm.start_shell(_env(home))
    t = time.perf_counter()
    tm.type_line(f"exec {common.NEWSREADER}")
    tm.wait_for(lambda s: probe in s, timeout=120)
    return tm, time.perf_counter() - t


def startup(home: Path, rounds: int) -> dict[str, float]:
    walls, mems = [], []
    for _ in range(rounds):
        tm, wall = _open_app(home)
        try:
            walls.append(wall)
            peak = 0.0
            end = time.perf_counter() + 3
            while time.perf_counter() < end:
                peak = max(peak, common.tree_memory(tm.pane_pid())[0])
                time.sleep(0.1)
            mems.append(peak)
        finally:
            tm.kill()
    return {"startup_s": statistics.median(walls), "pss_mb": max(mems)}


def keys(home: Path, presses: int) -> dict[str, float]:
    tm, _ = _open_app(home)
    try:
        time.sleep(1.5)
        cursor = _time_keys(tm, "j", presses)
        tm.send("BTab")  # the feed pane: each j opens the next feed's list
        time.sleep(0.5)
        switch = _time_keys(tm, "j", presses)
        mem = common.tree_memory(tm.pane_pid())[0]
    finally:
        tm.kill()
    out: dict[str, float] = {}
    for name, (first, still) in (("cursor", cursor), ("switch", switch)):
        out[f"{name}_p50_ms"] = 1000 * statistics.median(first)
        out[f"{name}_p95_ms"] = 1000 * _p95(first)
        out[f"{name}_still_p95_ms"] = 1000 * _p95(still)
    out["pss_after_keys_mb"] = mem
    return out


def _styled(tm: common.Tmux) -> str:
    """The pane with its styles (the cursor row differs only in its colours)."""
    return tm._tmux("capture-pane", "-p", "-e", "-t", tm.session, check=False).stdout


def _time_keys(tm: common.Tmux, key: str, presses: int) -> tuple[list[float], list[float]]:
    """Each press timed from send-keys to the first change on screen (the response) and to
    the last change before the screen held still for 100 ms (the status line and, for a
    feed switch, the new list included). A capture takes ~2 ms."""
    first, still = [], []
    for _ in range(presses):
        before = _styled(tm)
        t = time.perf_counter()
        tm.send(key)
        while _styled(tm) == before:
            if time.perf_counter() - t > 10:
                raise TimeoutError(f"{key!r} changed nothing on screen")
        first.append(time.perf_counter() - t)
        last, changed = _styled(tm), time.perf_counter()
        while time.perf_counter() - changed < 0.1:
            now = _styled(tm)
            if now != last:
                last, changed = now, time.perf_counter()
        still.append(changed - t)
    return first, still


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(0.95 * len(xs)))]


def search(home: Path, queries: int) -> dict[str, float]:
    from newsreader.query import View
    from newsreader.store import Store

    store = Store(_db(home))
    rng = random.Random(7)
    words: list[str] = []
    for (t,) in store.conn.execute("SELECT title FROM articles ORDER BY random() LIMIT 400"):
        words += [w.strip(".,:;!?'\"()").lower() for w in t.split() if len(w) > 4]
    qs = rng.sample(sorted(set(words)), min(queries, len(set(words))))
    qs += [" ".join(rng.sample(qs, 2)) for _ in range(queries // 4)]
    cli, view = [], []
    for q in qs:
        store.search(q)  # warm
        t = time.perf_counter()
        store.search(q)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        ids = store.article_ids(View("search", query=q))
        store.rows_by_ids(ids[:60])
        view.append(time.perf_counter() - t)
    store.close()
    return {
        "search_cli_p50_ms": 1000 * statistics.median(cli),
        "search_cli_p95_ms": 1000 * _p95(cli),
        "search_view_p50_ms": 1000 * statistics.median(view),
        "search_view_p95_ms": 1000 * _p95(view),
        "queries": len(qs),
    }


def _copy_db(home: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(_db(home)) + suffix)
        if src.exists():
            shutil.copy(src, dest / ("newsreader.db" + suffix))
    os.sync()  # the copy's writeback must not compete with what is timed next
    return dest / "newsreader.db"


def refresh_into(home: Path, rounds: int) -> dict[str, float]:
    """200 feeds x 50 new items into a copy of the big store and into an empty one with the
    same 5,000 subscriptions: `rounds` pairs without stories, in alternating order, and half
    as many with stories. Medians and bests, the median of the pairs' ratios big / empty
    (one refresh varies by +-30% on a 2-core VM, so single runs say little), and the CPU the
    whole machine used meanwhile (the workers that parse and store, and the feed server)."""
    from newsreader.config import Settings, load_subscriptions
    from newsreader.models import Subscription
    from newsreader.refresh import refresh_feeds
    from newsreader.store import Store

    server, urls = common.serve_synthetic(200, 50, latency=0.0)
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    new_articles = 0

    def once(where: str, cluster: bool) -> float:
        nonlocal new_articles
        tmp = common.bench_dir() / "million-refresh"
        shutil.rmtree(tmp, ignore_errors=True)
        if where == "big":
            db = _copy_db(home, tmp)
        else:
            tmp.mkdir(parents=True)
            db = tmp / "newsreader.db"
        store = Store(db)
        store.sync_subscriptions(list(subs_all) + new)
        os.sync()  # what the last run and the copy left for the disk is not timed here
        if common.QUIET:
            common.wait_quiet()  # other people's jobs
        t, cpu = time.perf_counter(), common.cpu_busy()[0]
        s = asyncio.run(refresh_feeds(new, store=store, settings=Settings(), cluster=cluster))
        wall, cpu = time.perf_counter() - t, common.cpu_busy()[0] - cpu
        store.close()
        new_articles = s.new_articles
        shutil.rmtree(tmp, ignore_errors=True)
        label = f"refresh_{where}{'_stories' if cluster else ''}_s"
        walls.setdefault(label, []).append(wall)
        cpus.setdefault(label[:-2] + "_cpu_s", []).append(cpu)
        print(f"  {label} {wall:.2f} (machine CPU {cpu:.2f})", file=sys.stderr, flush=True)
        return wall

    ratios: dict[bool, list[float]] = {False: [], True: []}
    try:
        subs_all = load_subscriptions(home / "config" / "newsreader" / "feeds.toml")
        new = [Subscription(url=u) for u in urls]
        for cluster, n in ((False, rounds), (True, max(1, rounds // 2))):
            for r in range(n):
                order = ("empty", "big") if r % 2 == 0 else ("big", "empty")
                got = {where: once(where, cluster) for where in order}
                ratios[cluster].append(got["big"] / got["empty"])
    finally:
        server.stop()
    out = {k: statistics.median(v) for k, v in walls.items()}
    out |= {k[:-2] + "_best_s": min(v) for k, v in walls.items()}
    out |= {k: statistics.median(v) for k, v in cpus.items()}
    out["big_vs_empty"] = statistics.median(ratios[False])
    out["big_vs_empty_stories"] = statistics.median(ratios[True])
    out["new_articles"] = new_articles
    return out


def retention(home: Path) -> dict[str, float]:
    from newsreader.store import Store

    tmp = common.bench_dir() / "million-prune"
    shutil.rmtree(tmp, ignore_errors=True)
    store = Store(_copy_db(home, tmp))
    out: dict[str, float] = {}
    # a day's retention (keep 199 of each feed's 200: 5,000 articles), then a first prune
    # that drops a quarter of the store (keep 150)
    for label, keep in (("daily", 199), ("first", 150)):
        t = time.perf_counter()
        out[f"prune_{label}"] = store.prune(keep_per_feed=keep)
        out[f"prune_{label}_s"] = time.perf_counter() - t
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def disk(home: Path, n: int) -> dict[str, float]:
    size = sum(
        os.path.getsize(str(_db(home)) + s)
        for s in ("", "-wal")
        if os.path.exists(str(_db(home)) + s)
    )
    return {"db_mb": size / 1e6, "mb_per_100k": size / 1e6 / (n / 100_000)}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--presses", type=int, default=40)
    ap.add_argument("--refresh-rounds", type=int, default=7)
    ap.add_argument("--only", nargs="*", default=None, help="startup keys search refresh prune")
    args = ap.parse_args()
    home = build(args.articles, args.rebuild)
    print(common.machine_line())
    results: dict[str, float] = {}
    steps = {
        "disk": lambda: disk(home, args.articles),
        "startup": lambda: startup(home, args.rounds),
        "keys": lambda: keys(home, args.presses),
        "search": lambda: search(home, 48),
        "refresh": lambda: refresh_into(home, args.refresh_rounds),
        "prune": lambda: retention(home),
    }
    for name, fn in steps.items():
        if args.only and name not in args.only and name != "disk":
            continue
        r = fn()
        results.update(r)
        print(f"{name}: " + ", ".join(f"{k} {v:,.2f}" for k, v in r.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
