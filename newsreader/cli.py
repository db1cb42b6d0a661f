"""Command line: argument parsing and printing only; the work is done by the core."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from newsreader import __version__

EPILOG = """\
commands:
  (none)                     open the reader (feeds, articles, compare sources)
  refresh                    fetch every feed now
  add URL [--title T] [--tag TAG]...
                             subscribe (web pages are searched for their feed)
  remove URL|TITLE           unsubscribe
  list [--json]              subscriptions with unread counts and errors
  search QUERY [--json]      full-text search over stored articles
  import-opml FILE           add the feeds of an OPML file
  export-opml [FILE]         write subscriptions as OPML (stdout without FILE)
  compare LEFT [RIGHT]       the copy (LEFT) beside the original (RIGHT)
  sync [--json]              two-way sync with the feed server of [sync] in config.toml

files: feeds.toml and config.toml in $XDG_CONFIG_HOME/newsreader,
       the database in $XDG_DATA_HOME/newsreader
"""


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsreader",
        description="A fast, safe terminal news reader that can compare sources.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"newsreader {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("refresh", help="fetch every feed now")
    r.add_argument("feeds", nargs="*", metavar="URL|TITLE", help="only these feeds")
    r.add_argument("--force", action="store_true", help="ignore servers' Retry-After waits")

    a = sub.add_parser("add", help="subscribe to a feed")
    a.add_argument("url")
    a.add_argument("--title")
    a.add_argument("--tag", action="append", default=[], dest="tags")
    a.add_argument("--no-discover", action="store_true", help="take URL as the feed itself")
    a.add_argument("--no-fetch", action="store_true", help="do not fetch it now")

    rm = sub.add_parser("remove", help="unsubscribe")
    rm.add_argument("key", metavar="URL|TITLE")

    ls = sub.add_parser("list", help="list subscriptions")
    ls.add_argument("--json", action="store_true")

    s = sub.add_parser("search", help="full-text search")
    s.add_argument("query")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=int, default=50)

    i = sub.add_parser("import-opml", help="import an OPML file")
    i.add_argument("file")

    e = sub.add_parser("export-opml", help="export OPML")
    e.add_argument("file", nargs="?")

    c = sub.add_parser("compare", help="compare a copy with its original")
    c.add_argument("left", metavar="LEFT", help="the copy: file, URL or article id")
    c.add_argument("right", metavar="RIGHT", nargs="?", help="the original (searched if absent)")
    mode = c.add_mutually_exclusive_group()
    mode.add_argument("--print", action="store_true", help="static side-by-side for pipes")
    mode.add_argument("--json", action="store_true", help="machine-readable result")
    c.add_argument("--width", type=int, default=None)

    y = sub.add_parser("sync", help="two-way sync with the feed server ([sync] in config.toml)")
    y.add_argument("--json", action="store_true")
    return p


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _err(message: str) -> int:
    from newsreader.safetext import clean

    print(f"newsreader: {clean(message, max_len=1000)}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from newsreader.config import ConfigError
    from newsreader.session import AddError
    from newsreader.store import StoreError
    from newsreader.sync.base import SyncError

    try:
        if args.command is None:
            return _run_tui()
        handler = globals()[f"cmd_{args.command.replace('-', '_')}"]
        return int(handler(args) or 0)
    except (ConfigError, StoreError, AddError, UsageError, SyncError) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        return _err(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))


def _session():
    from newsreader.session import Session

    return Session.open()


def _run_tui() -> int:
    session = _session()
    from newsreader.ui.app import run_app

    run_app(session)
    return 0


# ------------------------------------------------------------------------------ commands


def cmd_refresh(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    from newsreader.safetext import clean

    session = _session()
    urls = None
    if args.feeds:
        urls = []
        for key in args.feeds:
            sub = session.find(key)
            if sub is None:
                raise UsageError(f"no subscription {key!r}; see `newsreader list`")
            urls.append(sub.url)
    total = len(urls) if urls else len(session.subscriptions)
    console = _console()
    titles = {s.url: s.title or s.url for s in session.subscriptions}
    show = console.is_terminal
    progress = Progress(
        TextColumn("refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[feed]}", markup=False),
        console=console,
        transient=True,
        disable=not show,
    )

    def done(ev) -> None:
        progress.update(task, advance=1, feed=clean(titles.get(ev.url, ev.url), 50))

    with progress:
        task = progress.add_task("refresh", total=total, feed="")
        summary = asyncio.run(session.refresh(urls, on_done=done, force=args.force))
    line = Text(
        f"{summary.total} feeds in {summary.elapsed:.1f}s: {summary.new_articles} new articles, "
        f"{summary.ok} updated, {summary.unchanged} unchanged, {summary.failed} failed"
        + (f", {summary.skipped} waiting (Retry-After)" if summary.skipped else "")
    )
    console.print(line)
    for f in summary.failures:
        t = Text("  ✗ ", style="red")
        t.append(clean(titles.get(f.url, f.url), 60), style="bold")
        t.append(": " + clean(f.message or "failed", 300))
        console.print(t)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from rich.text import Text

    from newsreader.safetext import clean

    session = _session()
    sub = asyncio.run(
        session.resolve_new_feed(
            args.url, title=args.title, tags=args.tags, discover=not args.no_discover
        )
    )
    sub = session.add(sub)
    console = _console()
    console.print(Text(f"added {clean(sub.title or sub.url)} ({clean(sub.url)})"))
    if session.settings.sync is not None and not args.no_fetch:
        _push_now(session, console)  # subscribe on the server and bring its articles
    elif not args.no_fetch:
        summary = asyncio.run(session.refresh([sub.url]))
        if summary.failures:
            msg = clean(summary.failures[0].message or "failed", 300)
            console.print(Text(f"  fetched with an error: {msg}"))
        else:
            console.print(Text(f"  {summary.new_articles} articles"))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rich.text import Text

    from newsreader.safetext import clean

    session = _session()
    removed = session.remove(args.key)
    console = _console()
    console.print(Text(f"removed {clean(removed.title or removed.url)} ({clean(removed.url)})"))
    if session.settings.sync is not None:
        _push_now(session, console)
    return 0


def _push_now(session, console) -> None:
    """After add/remove with [sync]: sync now; offline, the change waits for the next sync."""
    from rich.text import Text

    from newsreader.safetext import clean
    from newsreader.sync.base import SyncError

    try:
        result = asyncio.run(session.sync())
    except SyncError as exc:
        console.print(Text(f"  not synced yet ({clean(exc, 300)}); `newsreader sync` pushes it"))
        return
    for e in result.errors:
        console.print(Text("  ✗ " + clean(e, 300)))
    console.print(Text(f"  synced: {result.new_articles} new articles"))


def _feed_dicts(session) -> list[dict]:
    rows = {r.url: r for r in session.store.feeds()}
    out = []
    for s in session.subscriptions:
        r = rows.get(s.url)
        out.append(
            {
                "url": s.url,
                "title": s.title or (r.title if r else None),
                "tags": list(s.tags),
                "total": r.total if r else 0,
                "unread": r.unread if r else 0,
                "error": r.error if r else None,
            }
        )
    return out


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table
    from rich.text import Text

    from newsreader.safetext import clean

    session = _session()
    feeds = _feed_dicts(session)
    if args.json:
        print(json.dumps(feeds, indent=2, ensure_ascii=False))
        return 0
    table = Table(box=None, pad_edge=False)
    for col in ("", "feed", "unread", "total", "tags"):
        table.add_column(col, justify="right" if col in ("unread", "total") else "left")
    for f in feeds:
        mark = Text("✗", style="red") if f["error"] else Text(" ")
        name = Text(clean(f["title"] or f["url"], 60))
        if f["error"]:
            name.append("  " + clean(f["error"], 80), style="dim red")
        table.add_row(
            mark, name, str(f["unread"]), str(f["total"]), Text(clean(", ".join(f["tags"])))
        )
    _console().print(table)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rich.text import Text

    from newsreader.safetext import clean

    session = _session()
    rows = session.store.search(args.query, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "feed": r.feed_title,
                        "link": r.link,
                        "published": r.published.isoformat() if r.published else None,
                        "read": r.read,
                        "starred": r.starred,
                    }
                    for r in rows
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    console = _console()
    if not rows:
        console.print(Text(f"no articles match {clean(args.query)!r}"))
    for r in rows:
        t = Text(f"{r.id:>7}  ", style="dim")
        t.append(clean(r.title, 90), style="bold" if not r.read else "")
        t.append(f"  {clean(r.feed_title or '', 40)}", style="dim")
        console.print(t)
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from rich.text import Text

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    session = _session()
    try:
        added, found = session.import_opml(data)
    except Exception as exc:
        from newsreader.opml import OpmlError

        if isinstance(exc, OpmlError):
            raise UsageError(f"{path}: {exc}") from exc
        raise
    _console().print(
        Text(
            f"imported {len(added)} new feeds from {path} ({found} found, "
            f"{found - len(added)} already subscribed); run `newsreader refresh` to fetch them"
        )
    )
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    from newsreader.config import atomic_write

    session = _session()
    text = session.export_opml()
    if args.file:
        atomic_write(Path(args.file), text)
        print(f"wrote {len(session.subscriptions)} feeds to {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from rich.text import Text

    from newsreader.safetext import clean
    from newsreader.sync.base import SyncError, SyncProgress

    session = _session()
    console = _console()
    service = session.settings.sync.service if session.settings.sync else None
    status = console.status("syncing", spinner="dots")
    show = console.is_terminal and not args.json

    def progress(p: SyncProgress) -> None:
        if show:
            status.update(f"syncing: {p.stage}" + (f" ({p.done})" if p.done else ""))

    if show:
        status.start()
    try:
        result = asyncio.run(session.sync(on_progress=progress))
    except SyncError as exc:
        if not args.json:
            raise
        print(json.dumps({"service": service, "error": str(exc), "errors": [str(exc)]}))
        return 1
    finally:
        if show:
            status.stop()
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return 0
    console.print(
        Text(
            f"synced with {result.service} in {result.elapsed:.1f}s: {result.feeds} feeds, "
            f"{result.new_articles} new articles, {result.pushed} changes pushed, "
            f"{result.pulled} pulled, {len(result.errors)} errors"
        )
    )
    for e in result.errors:
        t = Text("  ✗ ", style="red")
        t.append(clean(e, 300))
        console.print(t)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from newsreader.compare_cli import run_compare

    return run_compare(args, session_factory=_session, console_factory=_console)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
