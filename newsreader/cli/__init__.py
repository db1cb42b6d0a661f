"""Command line: argument parsing and printing only; every use case is a `Session` method."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

from newsreader import __version__

EPILOG = """\
commands:
  (none)                     open the reader (feeds, articles, compare sources)
  refresh                    fetch every feed now
  add URL [--title T] [--tag TAG]...
                             subscribe (web pages are searched for their feed)
  remove URL|TITLE           unsubscribe
  list [--json]              subscriptions with unread counts and errors
  search WORDS [--json]      full-text search over stored articles
  search --query EXPR        articles matching a query (title ~ x and age < 2d ...)
  import-opml FILE           add the feeds of an OPML file
  export-opml [FILE]         write subscriptions as OPML (stdout without FILE)
  compare LEFT [RIGHT]       the copy (LEFT) beside the original (RIGHT)
  stories [--json]           the same story from several feeds, grouped
  sync [--json]              two-way sync with the feed server of [sync] in config.toml

files: feeds.toml and config.toml in $XDG_CONFIG_HOME/newsreader,
       the database in $XDG_DATA_HOME/newsreader
"""


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
    r.add_argument(
        "--stories",
        action="store_true",
        help="group the new articles into stories before exiting (else the app does it)",
    )

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

    s = sub.add_parser("search", help="full-text search, or a query with --query")
    s.add_argument("query", nargs="?", metavar="WORDS")
    s.add_argument("--query", dest="expr", metavar="EXPR", help="a query, newest matches first")
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

    st = sub.add_parser("stories", help="the same story from several feeds, grouped")
    st.add_argument("--json", action="store_true")
    st.add_argument("--limit", type=int, default=None)
    st.add_argument("--rebuild", action="store_true", help="cluster the whole store again")

    y = sub.add_parser("sync", help="two-way sync with the feed server ([sync] in config.toml)")
    y.add_argument("--json", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from newsreader.errors import UserError, describe
    from newsreader.text.safetext import clean

    args.executor = None
    try:
        if args.command is None:
            return _run_tui()
        if args.command == "refresh" and len(args.feeds) != 1:
            # The workers that parse and store boot (a fresh interpreter importing the parser
            # and the store) while this process imports the rest and opens the session.
            from newsreader.sources.pool import PRELOAD_ALL, PRELOAD_INGEST, EarlyPool

            args.executor = EarlyPool(PRELOAD_ALL if args.stories else PRELOAD_INGEST)
        from newsreader.cli import commands

        handler = getattr(commands, f"cmd_{args.command.replace('-', '_')}")
        return int(handler(args) or 0)
    except BrokenPipeError:
        return 0
    except (UserError, OSError) as exc:
        from newsreader.query import QueryError

        what = f"bad query: {exc}" if isinstance(exc, QueryError) else describe(exc)
        print(f"newsreader: {clean(what, max_len=1000)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if args.command == "refresh":  # every feed is stored whole or not at all
            print("newsreader: interrupted; the feeds stored so far are kept", file=sys.stderr)
        return 130
    finally:
        if args.executor is not None:  # (waits: idle workers exit at once)
            args.executor.shutdown()


def entry() -> NoReturn:
    """The `newsreader` command: `main`, then an exit that skips tearing the interpreter down.

    Once the command is done nothing is left to save: every write was committed as it was
    made (a crash at any moment loses nothing committed), the worker pool is shut down,
    thread pools finish their queued work and threads are joined, the output is flushed and
    the exit handlers run (multiprocessing's release its semaphores). What is skipped is
    freeing every object and module one by one and closing the SQLite connections, whose
    last close copies the write-ahead log into the database: ~70 ms of a 2-second refresh
    here. The log is left for the next process to use (SQLite reads it on open and
    checkpoints it as it writes)."""
    rc = main()
    finish_threads = getattr(threading, "_shutdown", None)
    if finish_threads is None:  # not CPython: the ordinary exit
        sys.exit(rc)
    # What the interpreter's exit does first: thread pools finish the work queued on them (the
    # app's store writes: a key pressed just before quitting) and other threads are joined.
    finish_threads()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    atexit._run_exitfuncs()
    os._exit(rc)


def _run_tui() -> int:
    from newsreader.session import Session

    session = Session.open()
    from newsreader.ui.app import run_app

    run_app(session)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
