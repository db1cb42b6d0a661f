"""Refresh benchmark: `newsreader refresh` against `newsboat -x reload`, side by side.

    python bench/refresh.py --feeds 400 1000            # the issue's sizes, 3 rounds each
    python bench/refresh.py --feeds 400 --repeat 1 --threads 32
    python bench/refresh.py --feeds 400 --profile /tmp/prof   # + a py-spy profile of newsreader

The 80 real feeds of ../shared/corpora/real-feeds are replicated to N URLs on a local server
(bench/common.py) that waits `--latency` (100 ms) before every response, one loopback host
per feed, with ETag/Last-Modified and 304 answers. For each round and size:

- newsreader: a fresh XDG home, `newsreader refresh` (non-tty output), then the same again
  (the second, conditional refresh); once as installed (stories on: the refresh leaves the
  grouping of its new articles to the app or `newsreader stories`), once as
  `newsreader refresh --stories` (it groups them before it exits) and once with
  `stories = false` in config.toml;
- newsboat at each `--threads` setting (reload-threads in its config): a fresh cache,
  `newsboat -u URLS -c CACHE -C CONFIG -x reload`, then the same again.

Each command runs under bench/common.py's wrapper: wall time, CPU (user+sys of the whole
process tree), peak memory (sum of PSS over the tree, sampled every 25 ms) and the largest
single process's max RSS. newsreader's own output gives two more columns: when every feed
was stored (its summary line is printed then: the refresh is over for a reader) and how long
grouping the new articles into stories took after that (inside the wall time). The table shows
the median over the rounds; the ratio column compares newsreader's whole wall time with
newsboat at its best (lowest median wall) thread setting.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Run, median, table  # noqa: E402


def newsreader_articles(run: Run) -> tuple[int, int]:
    """(new articles, failed feeds) from `newsreader refresh`'s summary line."""
    m = re.search(r"(\d+) new articles, \d+ updated, \d+ unchanged, (\d+) failed", run.stdout)
    return (int(m.group(1)), int(m.group(2))) if m else (-1, -1)


def newsreader_phases(run: Run) -> tuple[float | None, float | None]:
    """(seconds until every feed was stored, seconds grouping stories after) as `newsreader
    refresh` prints them ("N feeds in 2.9s: ..." once stored, "stories: ... grouped in 2.1s")."""
    stored = re.search(r"\d+ feeds in ([\d.]+)s:", run.stdout)
    grouped = re.search(r"grouped in ([\d.]+)s", run.stdout)
    return (
        float(stored.group(1)) if stored else None,
        float(grouped.group(1)) if grouped else None,
    )


def newsboat_articles(cache: Path) -> int:
    try:
        with sqlite3.connect(cache) as db:
            return int(db.execute("SELECT count(*) FROM rss_item").fetchone()[0])
    except sqlite3.Error:
        return -1


VARIANTS = {  # tool label: (config.toml settings, refresh arguments)
    "newsreader": (None, []),
    "newsreader refresh --stories": (None, ["--stories"]),
    "newsreader, stories = false": ({"stories": False}, []),
}


def run_newsreader(
    home: Path, urls: list[str], server: common.FeedServer, tool: str = "newsreader"
) -> list[dict]:
    config, extra = VARIANTS[tool]
    common.write_newsreader_config(home, urls, config)
    env = common.newsreader_env(home)
    out = []
    for label in ("first", "second"):
        before = server.stats.snapshot()
        run = common.measure([common.NEWSREADER, "refresh", *extra], env=env)
        if run.rc != 0:
            raise SystemExit(f"newsreader refresh failed ({run.rc}):\n{run.stderr[-3000:]}")
        stats = server.stats.since(before)
        new, failed = newsreader_articles(run)
        at, grouping = newsreader_phases(run)
        out.append(
            dict(tool=tool, run=label, r=run, stats=stats, stored=new, failed=failed,
                 stored_at=at, grouping=grouping)
        )  # fmt: skip
    return out


def run_newsboat(
    home: Path, urls: list[str], threads: int, server: common.FeedServer
) -> list[dict]:
    urls_file, cache, config = common.newsboat_files(home, urls, threads)
    env = common.newsboat_env(home)
    cmd = [
        common.NEWSBOAT,
        "-u",
        str(urls_file),
        "-c",
        str(cache),
        "-C",
        str(config),
        "-x",
        "reload",
    ]
    out = []
    for label in ("first", "second"):
        before = server.stats.snapshot()
        run = common.measure(cmd, env=env)
        if run.rc != 0:
            raise SystemExit(f"newsboat failed ({run.rc}):\n{run.stderr[-3000:]}")
        stats = server.stats.since(before)
        out.append(
            dict(
                tool=f"newsboat -x reload, {threads} threads",
                threads=threads,
                run=label,
                r=run,
                stats=stats,
                stored=newsboat_articles(cache),
                failed=None,
            )
        )
    return out


def profile_newsreader(urls: list[str], outdir: Path) -> None:
    """py-spy over newsreader refresh (workers included); cProfile of the main process if
    py-spy is missing."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nr-prof-") as tmp:
        home = Path(tmp)
        common.write_newsreader_config(home, urls)
        env = common.newsreader_env(home)
        spy = os.environ.get("PY_SPY") or shutil.which("py-spy")
        if spy:
            raw = outdir / "refresh.pyspy.txt"
            cmd = [spy, "record", "--subprocesses", "-r", "200", "-f", "raw", "-o", str(raw)]
            subprocess.run([*cmd, "--", common.NEWSREADER, "refresh"], env=env, check=True,
                           capture_output=True)  # fmt: skip
            print(f"\npy-spy samples: {raw}")
            print(summarize_pyspy(raw))
        else:
            prof = outdir / "refresh.cprofile"
            subprocess.run(
                [str(common.PYTHON), "-m", "cProfile", "-o", str(prof), "-m", "newsreader",
                 "refresh"], env=env, check=True, capture_output=True,
            )  # fmt: skip
            import pstats

            print(f"\ncProfile (main process only): {prof}")
            pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(30)


_PLUMBING = (
    "Thread.", "_bootstrap", "<module>", "process ", "main(", "main (", "_worker", "_WorkItem",
    "BaseProcess.", "_process_worker", "_serve_one", "_main (", "run (runners", "Runner.",
    "BaseEventLoop.", "Handle._run", "cmd_refresh", "refresh_feeds.<locals>.run",
)  # fmt: skip


def summarize_pyspy(raw: Path, top: int = 30) -> str:
    """Inclusive sample counts per function (newsreader, stdlib and library frames)."""
    incl: dict[str, int] = defaultdict(int)
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        total += int(n)
        seen = set()
        for frame in stack.split(";")[1:]:
            key = re.sub(r" \((?:.*/)?([^/]+?)(?::\d+)?\)$", r" (\1)", frame)
            if key not in seen:
                seen.add(key)
                incl[key] += int(n)
    rows = sorted(incl.items(), key=lambda kv: -kv[1])
    rows = [(f, c) for f, c in rows if not f.lstrip().startswith(_PLUMBING)]
    lines = [f"{total} samples; inclusive share of the functions with the most samples:"]
    for f, c in rows[:top]:
        lines.append(f"  {100 * c / total:5.1f}%  {f[:110]}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--feeds", type=int, nargs="+", default=[400, 1000])
    ap.add_argument("--threads", type=int, nargs="+", default=[8, 16, 32],
                    help="newsboat reload-threads settings to try")  # fmt: skip
    ap.add_argument("--latency", type=float, default=0.1, help="seconds before each response")
    ap.add_argument("--repeat", type=int, default=3, help="rounds (the median is reported)")
    ap.add_argument("--hosts", type=int, default=0, help="loopback hosts (default: one per feed)")
    ap.add_argument("--no-newsboat", action="store_true")
    ap.add_argument("--profile", type=Path, help="also profile one newsreader refresh here")
    args = ap.parse_args()

    print(f"# refresh benchmark ({common.machine_line()})")
    print(
        f"latency {args.latency * 1000:.0f} ms per response; rounds: {args.repeat} (median shown)"
    )
    results: list[dict] = []
    for n in args.feeds:
        server, urls = common.serve_real_feeds(n, latency=args.latency, hosts=args.hosts or None)
        try:
            for rnd in range(args.repeat):
                with tempfile.TemporaryDirectory(prefix="nr-bench-") as tmp:
                    tmpd = Path(tmp)
                    rows = []
                    for k, tool in enumerate(VARIANTS):
                        rows += run_newsreader(tmpd / f"newsreader{k}", urls, server, tool)
                    if not args.no_newsboat:
                        for t in args.threads:
                            rows += run_newsboat(tmpd / f"newsboat{t}", urls, t, server)
                for row in rows:
                    row.update(feeds=n, round=rnd)
                    results.append(row)
                    r = row["r"]
                    print(
                        f"  [{n} feeds, round {rnd + 1}] {row['tool']:32s} {row['run']:6s} "
                        f"wall {r.wall:6.2f}s cpu {r.cpu:6.2f}s peak {r.peak_pss_mb:5.0f} MB "
                        f"requests {row['stats'].requests} 304s {row['stats'].not_modified} "
                        f"other load {r.background:.2f} cores",
                        flush=True,
                    )
            if args.profile and n == args.feeds[0]:
                profile_newsreader(urls, args.profile)
        finally:
            server.stop()
    print()
    print(report(results))
    return 0


def report(results: list[dict]) -> str:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in results:
        groups[(row["feeds"], row["tool"], row["run"])].append(row)

    def med(key: tuple, attr: str) -> float:
        return median(getattr(r["r"], attr) for r in groups[key])

    out = []
    for n in sorted({k[0] for k in groups}):
        nb = [k for k in groups if k[0] == n and k[1].startswith("newsboat") and k[2] == "first"]
        best = min(nb, key=lambda k: med(k, "wall"))[1] if nb else None
        rows = []
        for key in sorted((k for k in groups if k[0] == n), key=lambda k: (
                          not k[1].startswith("newsreader"), k[1] != "newsreader",
                          groups[k][0].get("threads", 0), k[2] != "first")):  # fmt: skip
            _, tool, run = key
            g = groups[key]
            wall = med(key, "wall")
            ratio = ""
            if best is not None:
                ratio = f"{wall / med((n, best, run), 'wall'):.2f}x"
            if tool.startswith("newsreader") and run == "second":
                first = med((n, tool, "first"), "wall")
                ratio += f" ({wall / first:.2f} of first)"
            at = [r["stored_at"] for r in g if r.get("stored_at") is not None]
            grouped = [r["grouping"] for r in g if r.get("grouping") is not None]
            rows.append(
                [
                    tool + (" (best)" if tool == best else ""),
                    n,
                    run,
                    wall,
                    median(at) if at else "",
                    median(grouped) if grouped else "",
                    med(key, "cpu"),
                    med(key, "peak_pss_mb"),
                    med(key, "maxrss_mb"),
                    f"{g[0]['stats'].requests}/{g[0]['stats'].not_modified}",
                    g[0]["stored"],
                    ratio,
                    max(r["r"].background for r in g),
                ]
            )
        out.append(
            table(
                [
                    "tool",
                    "feeds",
                    "refresh",
                    "wall s",
                    "stored s",
                    "stories s",
                    "CPU s",
                    "peak MB",
                    "max RSS MB",
                    "requests/304",
                    "articles",
                    "wall vs newsboat best",
                    "other load",
                ],
                rows,
            )  # fmt: skip
        )
        out.append("")
    out.append(
        "wall = the whole command; stored = until every feed was stored (newsreader's summary "
        "line, printed then), stories = the grouping of the new articles into stories after "
        "that (both included in wall). "
        "CPU = user+sys of the whole process tree; peak MB = largest sum of PSS over the tree "
        "(sampled every 25 ms); max RSS = the largest single process. 'articles' = new articles "
        "stored by newsreader / rows in newsboat's rss_item after the run. 'other load' = the "
        "most CPU (in cores) that other processes on the machine used during any of the rounds."
    )
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
