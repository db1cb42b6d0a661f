"""`newsreader compare LEFT [RIGHT]`: load both sides, align, then show, print or dump JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsreader.text.safetext import clean


class CompareCliError(Exception):
    pass


def _needs_store(spec: str) -> bool:
    return spec.startswith("article:") or (spec.isdigit() and not Path(spec).exists())


def _fetch_html(url: str) -> tuple[str, str]:
    from newsreader.sources.fetch import fetch_html_sync

    return fetch_html_sync(url)


def _load(spec: str, store: Any, label: str):
    from newsreader.compare import load_document

    if spec.isdigit() and not Path(spec).exists():
        spec = f"article:{spec}"
    try:
        return load_document(spec, store=store, fetch_html=_fetch_html)
    except Exception as exc:  # every loader error carries a message for the user
        raise CompareCliError(f"cannot load {label} {spec!r}: {exc}") from exc


def run_compare(
    args: argparse.Namespace,
    *,
    session_factory: Callable[[], Any],
    console_factory: Callable[[], Any],
) -> int:
    from newsreader.compare import compare, find_original, to_json

    try:
        session = None
        if args.right is None or _needs_store(args.left) or _needs_store(args.right or ""):
            session = session_factory()
        store = session.store if session is not None else None
        left = _load(args.left, store, "LEFT")
        if args.right is None:
            candidates = find_original(left, store)
            if not candidates:
                print(
                    "newsreader: no likely original of this article among the stored articles; "
                    "give it as RIGHT (a file, URL or article id)",
                    file=sys.stderr,
                )
                return 1
            from newsreader.compare.find import COPY_REASON

            best = candidates[0]
            found = (
                f"{clean(best.title, 100)} ({clean(best.feed_title or '', 60)}), "
                f"article {best.article_id}, confidence {best.score:.2f}"
            )
            if best.reason == COPY_REASON:
                # The article given is the original: its closest match is a copy of it.
                print(f"copy: {found}; it {best.reason}, so it goes on the left", file=sys.stderr)
                right = left
                left = _load(f"article:{best.article_id}", store, "copy")
            else:
                print(f"original: {found}", file=sys.stderr)
                right = _load(f"article:{best.article_id}", store, "original")
        else:
            right = _load(args.right, store, "RIGHT")
        result = compare(left, right)
    except CompareCliError as exc:
        print(f"newsreader: {clean(str(exc), 1000)}", file=sys.stderr)
        return 1

    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
        return 0
    console = console_factory()
    if args.print or not (sys.stdout.isatty() and sys.stdin.isatty()):
        from newsreader.compare.render import render_side_by_side

        if args.width:
            console.width = args.width  # also when printing to a pipe (rich assumes 80 there)
        width = console.width
        console.print(render_side_by_side(result, width))
        return 0
    from newsreader.ui.compare_app import run_compare_app

    run_compare_app(result)
    return 0
