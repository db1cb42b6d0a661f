"""`newsreader compare LEFT [RIGHT]`: load both sides, align, then show, print or dump JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from newsreader.errors import UserError
from newsreader.session import Session
from newsreader.text.safetext import clean

if TYPE_CHECKING:
    from rich.console import Console

    from newsreader.compare.model import CompareResult, Document


class CompareCliError(UserError):
    pass


async def _load(session: Session, spec: str, label: str) -> Document:
    try:
        return await session.load_document(spec)
    except UserError as exc:
        raise CompareCliError(f"cannot load {label} {spec!r}: {exc}") from exc


async def _compare(session: Session, args: argparse.Namespace) -> CompareResult:
    from newsreader.session.comparing import document_spec

    if args.right is not None:
        left = await _load(session, args.left, "LEFT")
        right = await _load(session, args.right, "RIGHT")
        return await session.compare_documents(left, right)
    spec = document_spec(args.left)
    if not spec.startswith("article:"):
        raise CompareCliError(
            "give the original as RIGHT (a file, URL or article id): only a stored article's "
            "original can be searched for"
        )
    try:
        outcome = await session.compare_article(int(spec.removeprefix("article:")), confident=0)
    except UserError as exc:
        raise CompareCliError(f"cannot load LEFT {args.left!r}: {exc}") from exc
    best = outcome.chosen
    if outcome.result is not None and best is not None:
        found = (
            f"{clean(best.title, 100)} ({clean(best.feed_title or '', 60)}), "
            f"article {best.article_id}, confidence {best.score:.2f}"
        )
        if outcome.swapped:  # the article given is the original: its closest match is a copy
            print(f"copy: {found}; it {best.reason}, so it goes on the left", file=sys.stderr)
        else:
            print(f"original: {found}", file=sys.stderr)
        return outcome.result
    followed = outcome.followed
    if followed is not None:
        print(f"no original among the stored articles; {clean(followed.message, 300)}",
              file=sys.stderr)  # fmt: skip
        if followed.best is not None and outcome.result is not None:
            return outcome.result
        for c in followed.candidates:
            what = clean(c.error, 200) if c.error else f"derived {c.confidence:.0%}"
            print(f"  {clean(c.url, 200)} ({clean(c.cue, 60)}): {what}", file=sys.stderr)
    raise CompareCliError(
        "no likely original of this article found; give it as RIGHT (a file, URL or article id)"
    )


def run_compare(args: argparse.Namespace, console_factory: Callable[[], Console]) -> int:
    from newsreader.cli.commands import run
    from newsreader.compare import to_json

    session = Session()
    result = run(session, lambda: _compare(session, args))
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
        return 0
    if args.print or not (sys.stdout.isatty() and sys.stdin.isatty()):
        from newsreader.compare.render import render_side_by_side

        console = console_factory()
        if args.width:
            console.width = args.width  # also when printing to a pipe (rich assumes 80 there)
        console.print(render_side_by_side(result, console.width))
        return 0
    from newsreader.ui.compare_app import run_compare_app

    run_compare_app(result)
    return 0
