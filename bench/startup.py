"""Startup benchmark: launch to a painted article list with 100,000 stored articles.

    python bench/startup.py                    # 500 feeds x 200 items, 3 rounds
    python bench/startup.py --repeat 5 --rebuild

Data: 500 RSS feeds of 200 items each (100,000 articles), built from the real articles of
../shared/corpora/real-feeds (bench/common.py `synthetic_feeds`), served once from the local
server; `newsreader refresh` fills newsreader's store and `newsboat -x reload` fills newsboat's
cache from the same feeds (both builds are timed too). The built homes are kept in
$NEWSREADER_BENCH_DIR (default /tmp/newsreader-bench) and reused unless --rebuild.

Timed, each round, in a 160x48 tmux pane (a real terminal):
- newsreader: `newsreader` (the TUI; refresh_on_start = false) until the newest article's
  title is on screen; memory = PSS of its process tree, the most seen in the 3 s after paint;
- newsboat: `newsboat -u URLS -c CACHE -C CONFIG` until its feed list is on screen, same memory
  measure, then q.
Also, in-process and headless: Textual's `App.run_test` from interpreter start to the first
frame that holds the newest title (no terminal I/O: the floor of newsreader's startup).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import median, table  # noqa: E402

HERE = Path(__file__).resolve()


# ------------------------------------------------------------------------------ build


def build(feeds: int, items: int, rebuild: bool) -> Path:
    """Build (or reuse) newsreader's home and newsboat's cache with the same articles."""
    root = common.bench_dir() / f"startup-{feeds}x{items}"
    meta_file = root / "meta.json"
    if meta_file.exists() and not rebuild:
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    now = time.time() // 3600 * 3600
    print(f"building {feeds} feeds x {items} items in {root} ...", flush=True)
    server, urls = common.serve_synthetic(feeds, items, latency=0.0, now=now)
    try:
        nr_home = root / "newsreader"
        common.write_newsreader_config(
            nr_home, urls, {"refresh_on_start": False, "refresh_interval_minutes": 0}
        )
        nr = common.measure([common.NEWSREADER, "refresh"], env=common.newsreader_env(nr_home))
        if nr.rc != 0:
            raise SystemExit(f"newsreader refresh failed:\n{nr.stderr[-3000:]}")
        nb_home = root / "newsboat"
        urls_file, cache, config = common.newsboat_files(nb_home, urls, threads=32)
        nb = common.measure(
            [common.NEWSBOAT, "-u", str(urls_file), "-c", str(cache), "-C", str(config), "-x",
             "reload"],
            env=common.newsboat_env(nb_home),
        )  # fmt: skip
        if nb.rc != 0:
            raise SystemExit(f"newsboat reload failed:\n{nb.stderr[-3000:]}")
    finally:
        server.stop()
    db = nr_home / "data" / "newsreader" / "newsreader.db"
    with sqlite3.connect(db) as c:
        nr_count = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        newest = c.execute("SELECT title FROM articles ORDER BY published DESC LIMIT 1").fetchone()
    with sqlite3.connect(cache) as c:
        nb_count = c.execute("SELECT count(*) FROM rss_item").fetchone()[0]
    meta = dict(
        feeds=feeds,
        items=items,
        now=now,
        newest_title=newest[0],
        newsreader_articles=nr_count,
        newsboat_articles=nb_count,
        newsreader_db_mb=db.stat().st_size / 2**20,
        newsboat_cache_mb=cache.stat().st_size / 2**20,
        build_newsreader=dict(wall=nr.wall, cpu=nr.cpu, peak_mb=nr.peak_pss_mb, out=nr.stdout),
        build_newsboat=dict(wall=nb.wall, cpu=nb.cpu, peak_mb=nb.peak_pss_mb),
    )
    meta_file.write_text(json.dumps(meta, indent=1))
    print(
        f"  newsreader refresh: {nr_count} articles in {nr.wall:.1f}s (cpu {nr.cpu:.1f}s, "
        f"peak {nr.peak_pss_mb:.0f} MB); newsboat -x reload (32 threads): {nb_count} in "
        f"{nb.wall:.1f}s (cpu {nb.cpu:.1f}s, peak {nb.peak_pss_mb:.0f} MB)",
        flush=True,
    )
    return root


def load_meta(root: Path) -> dict:
    return json.loads((root / "meta.json").read_text())


# ------------------------------------------------------------------------------ timing


def _title_probe(title: str) -> str:
    # The list column may be narrower than the title: wait for its first 24 characters.
    return title[:24]


def time_in_tmux(cmd: str, env: dict[str, str], painted, quit_keys: list[str]) -> dict:
    tmux = common.Tmux(160, 48)
    try:
        tmux.start_shell(env)
        if common.QUIET:
            common.wait_quiet()
        t0 = time.perf_counter()
        tmux.type_line(f"exec {cmd}")
        _, screen = tmux.wait_for(painted, timeout=120)
        paint = time.perf_counter() - t0
        pid = tmux.pane_pid()
        peak = 0.0
        end = time.perf_counter() + 3
        while time.perf_counter() < end:
            pss, _, _ = common.tree_memory(pid)
            peak = max(peak, pss)
            time.sleep(0.1)
        for k in quit_keys:
            tmux.send(k)
            time.sleep(0.3)
        return dict(paint=paint, mem=peak, screen=screen)
    finally:
        tmux.kill()


def newsreader_tmux(root: Path, meta: dict) -> dict:
    env = common.newsreader_env(root / "newsreader")
    env["TERM"] = "tmux-256color"
    env.pop("NO_COLOR", None)
    probe = _title_probe(meta["newest_title"])
    return time_in_tmux(common.NEWSREADER, env, lambda s: probe in s, ["q"])


def newsboat_tmux(root: Path) -> dict:
    home = root / "newsboat"
    env = common.newsboat_env(home)
    env["TERM"] = "tmux-256color"
    cmd = f"{common.NEWSBOAT} -u {home / 'urls'} -c {home / 'cache.db'} -C {home / 'config'}"
    first = common.feed_title(0)
    return time_in_tmux(cmd, env, lambda s: first in s and "(200/200)" in s, ["q", "y"])


def newsreader_headless(root: Path) -> dict:
    env = common.newsreader_env(root / "newsreader")
    if common.QUIET:
        common.wait_quiet()
    proc = subprocess.run(
        [str(common.PYTHON), str(HERE), "--_headless", str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise SystemExit(f"headless run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _headless_main(root: Path) -> int:
    """Run in a fresh interpreter: time from here to the first frame with the newest title."""
    t0 = time.perf_counter()
    import asyncio

    from newsreader.session import Session
    from newsreader.ui.app import NewsReaderApp

    meta = load_meta(root)
    probe = _title_probe(meta["newest_title"])

    async def go() -> dict:
        session = Session.open()
        app = NewsReaderApp(session, auto_refresh=False)
        t_app = time.perf_counter()
        async with app.run_test(size=(160, 48)) as pilot:
            while True:
                await pilot.pause()
                strips = app.screen._compositor.render_strips()
                text = "\n".join("".join(seg.text for seg in strip) for strip in strips)
                if probe in text:
                    break
                if time.perf_counter() - t0 > 120:
                    raise TimeoutError(text)
            painted = time.perf_counter()
            hwm = 0
            with open("/proc/self/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        hwm = int(line.split()[1])
            await pilot.press("q")
        return dict(paint=painted - t0, app_to_paint=painted - t_app, hwm_mb=hwm / 1024)

    print(json.dumps(asyncio.run(go())))
    return 0


# ------------------------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--no-newsboat", action="store_true")
    args = ap.parse_args()
    print(f"# startup benchmark ({common.machine_line()})")
    root = build(args.feeds, args.items, args.rebuild)
    meta = load_meta(root)
    print(
        f"store: {meta['newsreader_articles']} articles ({meta['newsreader_db_mb']:.0f} MB db); "
        f"newsboat cache: {meta['newsboat_articles']} articles ({meta['newsboat_cache_mb']:.0f} MB)"
    )
    nr, nb, hl = [], [], []
    for rnd in range(args.repeat):
        r = newsreader_tmux(root, meta)
        nr.append(r)
        line = f"  round {rnd + 1}: newsreader {r['paint']:.2f}s {r['mem']:.0f} MB"
        h = newsreader_headless(root)
        hl.append(h)
        line += f" | headless {h['paint']:.2f}s (app {h['app_to_paint']:.2f}s) {h['hwm_mb']:.0f} MB"
        if not args.no_newsboat:
            b = newsboat_tmux(root)
            nb.append(b)
            line += f" | newsboat {b['paint']:.2f}s {b['mem']:.0f} MB"
        print(line, flush=True)
    nb_paint = median(b["paint"] for b in nb) if nb else float("nan")
    nr_paint = median(r["paint"] for r in nr)
    rows = [
        [
            "newsreader (tmux, launch to article list painted)",
            meta["newsreader_articles"],
            nr_paint,
            median(r["mem"] for r in nr),
            f"{nr_paint / nb_paint:.2f}x" if nb else "",
        ],
        [
            "newsreader (headless run_test, interpreter start to first frame)",
            meta["newsreader_articles"],
            median(h["paint"] for h in hl),
            median(h["hwm_mb"] for h in hl),
            f"{median(h['paint'] for h in hl) / nb_paint:.2f}x" if nb else "",
        ],
    ]
    if nb:
        rows.append(
            [
                "newsboat (tmux, launch to feed list painted)",
                meta["newsboat_articles"],
                nb_paint,
                median(b["mem"] for b in nb),
                "1.00x",
            ]
        )
    print()
    print(table(["program", "articles", "startup s", "memory MB", "vs newsboat"], rows))
    print(
        f"\nmedian of {args.repeat} rounds; memory = PSS of the process tree (tmux rows, most "
        "seen in the 3 s after paint) or VmHWM (headless row, includes the test harness)."
    )
    b1, b2 = meta["build_newsreader"], meta["build_newsboat"]
    print(
        f"build (same {meta['feeds']}x{meta['items']} feeds, local server, no latency): "
        f"newsreader refresh {b1['wall']:.1f}s wall, {b1['cpu']:.1f}s CPU, {b1['peak_mb']:.0f} MB; "
        f"newsboat -x reload (32 threads) {b2['wall']:.1f}s wall, {b2['cpu']:.1f}s CPU, "
        f"{b2['peak_mb']:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--_headless":
        sys.exit(_headless_main(Path(sys.argv[2])))
    sys.exit(main())
