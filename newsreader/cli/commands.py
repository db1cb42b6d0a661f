"""The commands: each parses nothing, calls the Session, prints with rich (feed text as
`Text`, never markup)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from rich.console import Console
from rich.text import Text

from newsreader.errors import UserError
from newsreader.models import FeedDone, RefreshSummary
from newsreader.session import Session
from newsreader.text.safetext import clean

T = TypeVar("T")


class UsageError(UserError):
    """Bad arguments (an unknown feed, an unreadable file)."""


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def run(session: Session, work: Callable[[], Awaitable[T]]) -> T:
    """Run the session's network work on one event loop, closing its client at the end."""

    async def main() -> T:
        try:
            return await work()
        finally:
            await session.aclose()

    return asyncio.run(main())


def cmd_refresh(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    session = Session.open()
    urls = None
    if args.feeds:
        urls = []
        for key in args.feeds:
            sub = session.find(key)
            if sub is None:
                raise UsageError(f"no subscription {key!r}; see `newsreader list`")
            urls.append(sub.url)
    total = len(urls) if urls else len(session.subscriptions)
    out = console()
    titles = {s.url: s.title or s.url for s in session.subscriptions}
    progress = Progress(
        TextColumn("refreshing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[feed]}", markup=False),
        console=out,
        transient=True,
        disable=not out.is_terminal,
    )
    task = progress.add_task("refresh", total=total, feed="")

    def done(ev: FeedDone) -> None:
        progress.update(task, advance=1, feed=clean(titles.get(ev.url, ev.url), 50))

    grouping = out.status("grouping the new articles into stories…")
    clusters = session.settings.stories and args.stories

    def stored(summary: RefreshSummary) -> None:
        progress.stop()
        _print_refresh(out, summary, titles)
        if summary.new_articles and clusters and out.is_terminal:
            grouping.start()

    with progress:
        try:
            summary = run(
                session,
                lambda: session.refresh(
                    urls,
                    on_done=done,
                    on_stored=stored,
                    force=args.force,
                    stories=clusters,
                    executor=args.executor,  # started first (cli.main)
                ),
            )
        finally:
            grouping.stop()
    if summary.new_articles and clusters:
        out.print(Text(f"stories: the new articles grouped in {summary.stories_wait:.1f}s"))
    elif summary.new_articles and session.settings.stories:
        # Grouping is not what a refresh waits for: the app does it in the background (and
        # `newsreader stories` before it lists), so a refresh from cron ends once it stored.
        out.print(
            Text(
                "stories: the new articles are grouped when the app opens or "
                "`newsreader stories` runs (`refresh --stories` groups them now)"
            )
        )
    return 0


def _print_refresh(out: Console, summary: RefreshSummary, titles: dict[str, str]) -> None:
    out.print(
        Text(
            f"{summary.total} feeds in {summary.elapsed:.1f}s: {summary.new_articles} new "
            f"articles, {summary.ok} updated, {summary.unchanged} unchanged, "
            f"{summary.failed} failed"
            + (f", {summary.skipped} waiting (Retry-After)" if summary.skipped else "")
            + (f", {summary.not_due} not due (refresh_interval)" if summary.not_due else "")
        )
    )
    for note in summary.notes:
        out.print(Text("  ! " + clean(note, 300)))
    for f in summary.failures:
        t = Text("  ✗ ", style="red")
        t.append(clean(titles.get(f.url, f.url), 60), style="bold")
        t.append(": " + clean(f.message or "failed", 300))
        out.print(t)


def cmd_add(args: argparse.Namespace) -> int:
    session = Session.open()

    async def work() -> str:
        sub = await session.resolve_new_feed(
            args.url, title=args.title, tags=args.tags, discover=not args.no_discover
        )
        sub = session.add(sub)
        line = f"added {clean(sub.title or sub.url)} ({clean(sub.url)})"
        if args.no_fetch:
            return line
        if session.sync_configured:  # subscribe on the server and bring its articles
            return f"{line}\n{await _push_now(session)}"
        summary = await session.refresh([sub.url])
        if summary.failures:
            msg = clean(summary.failures[0].message or "failed", 300)
            return f"{line}\n  fetched with an error: {msg}"
        return f"{line}\n  {summary.new_articles} articles"

    console().print(Text(run(session, work)))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    session = Session.open()
    removed = session.remove(args.key)
    out = console()
    out.print(Text(f"removed {clean(removed.title or removed.url)} ({clean(removed.url)})"))
    if session.sync_configured:
        out.print(Text(run(session, lambda: _push_now(session))))
    return 0


async def _push_now(session: Session) -> str:
    """After add/remove with [sync]: sync now; offline, the change waits for the next sync."""
    from newsreader.sync.base import SyncError

    try:
        result = await session.sync()
    except SyncError as exc:
        return f"  not synced yet ({clean(str(exc), 300)}); `newsreader sync` pushes it"
    lines = ["  ✗ " + clean(e, 300) for e in result.errors]
    return "\n".join([*lines, f"  synced: {result.new_articles} new articles"])


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    feeds = Session.open().feed_infos()
    if args.json:
        print(json.dumps([asdict(f) for f in feeds], indent=2, ensure_ascii=False))
        return 0
    table = Table(box=None, pad_edge=False)
    for col in ("", "feed", "unread", "total", "tags"):
        table.add_column(col, justify="right" if col in ("unread", "total") else "left")
    for f in feeds:
        mark = Text("✗", style="red") if f.error else Text(" ")
        name = Text(clean(f.title or f.url, 60))
        if f.error:
            name.append("  " + clean(f.error, 80), style="dim red")
        table.add_row(mark, name, str(f.unread), str(f.total), Text(clean(", ".join(f.tags))))
    console().print(table)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if (args.query is None) == (args.expr is None):
        raise UsageError("give WORDS to search, or --query EXPR (not both)")
    session = Session.open()
    if args.expr is not None:
        rows = session.query(args.expr, limit=args.limit)
    else:
        rows = session.search(args.query, limit=args.limit)
    if args.json:
        found = [
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
        ]
        print(json.dumps(found, indent=2, ensure_ascii=False))
        return 0
    out = console()
    if not rows:
        out.print(Text(f"no articles match {clean(args.expr or args.query)!r}"))
    for r in rows:
        t = Text(f"{r.id:>7}  ", style="dim")
        t.append(clean(r.title, 90), style="bold" if not r.read else "")
        t.append(f"  {clean(r.feed_title or '', 40)}", style="dim")
        out.print(t)
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    from newsreader.sources.opml import OpmlError

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        added, found = Session.open().import_opml(data)
    except OpmlError as exc:
        raise UsageError(f"{path}: {exc}") from exc
    console().print(
        Text(
            f"imported {len(added)} new feeds from {path} ({found} found, "
            f"{found - len(added)} already subscribed); run `newsreader refresh` to fetch them"
        )
    )
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    from newsreader.config import atomic_write

    session = Session.open()
    text = session.export_opml()
    if args.file:
        atomic_write(Path(args.file), text)
        print(f"wrote {len(session.subscriptions)} feeds to {args.file}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from newsreader.cli.compare import run_compare

    return run_compare(args, console)


def cmd_stories(args: argparse.Namespace) -> int:
    session = Session.open()
    if args.rebuild:
        session.rebuild_stories()
    else:  # the articles stored since the last grouping (`newsreader refresh` leaves them)
        pending = session.stories_pending()
        status = Console(stderr=True).status(f"grouping {pending} new articles into stories…")
        if pending and status.console.is_terminal:
            status.start()
        try:
            session.update_stories()
        finally:
            status.stop()
    rows = session.stories(limit=args.limit)
    if args.json:
        out = [
            {
                "id": s.id,
                "title": s.title,
                "articles": [
                    {"id": a.id, "feed": a.feed, "url": a.url, "title": a.title, "role": a.role}
                    for a in session.story_articles(s.id)
                ],
            }
            for s in rows
        ]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    out_console = console()
    if not rows:
        out_console.print(Text("no stories yet: a story is one event in two or more articles"))
    for s in rows:
        head = Text(f"{s.id:>7}  ", style="dim")
        head.append(clean(s.title, 100), style="bold")
        head.append(f"  {s.sources} sources", style="dim")
        out_console.print(head)
        for a in session.story_articles(s.id):
            line = Text(f"         {a.role:<9} ", style="dim")
            line.append(clean(a.feed or "", 30))
            line.append("  " + clean(a.title, 80), style="dim" if a.role == "copy" else "")
            out_console.print(line)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from newsreader.sync.base import SyncError, SyncProgress

    session = Session.open()
    out = console()
    service = session.settings.sync.service if session.settings.sync else None
    status = out.status("syncing", spinner="dots")
    show = out.is_terminal and not args.json

    def progress(p: SyncProgress) -> None:
        if show:
            status.update(f"syncing: {p.stage}" + (f" ({p.done})" if p.done else ""))

    if show:
        status.start()
    try:
        result = run(session, lambda: session.sync(on_progress=progress))
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
    out.print(
        Text(
            f"synced with {result.service} in {result.elapsed:.1f}s: {result.feeds} feeds, "
            f"{result.new_articles} new articles, {result.pushed} changes pushed, "
            f"{result.pulled} pulled, {len(result.errors)} errors"
        )
    )
    for e in result.errors:
        t = Text("  ✗ ", style="red")
        t.append(clean(e, 300))
        out.print(t)
    return 0
