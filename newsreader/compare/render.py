"""A static side-by-side rendering with rich (for `newsreader compare --print` and pipes).

It draws `compare.present` (the same rows, roles, numbers and chips as the app's view).
Meaning never rests on colour alone: every row has a gutter glyph and a short tag, and
changed words are bracketed. Article text goes into `Text` objects only, never markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from newsreader.compare.model import CompareResult
from newsreader.compare.present import Piece, RowView, present, summary_items, verdict_line
from newsreader.text.safetext import clean

STYLE_ADDED = "bold green"
STYLE_DROPPED = "bold red"
STYLE_DIM = "dim"


def summary(result: CompareResult) -> Text:
    items = summary_items(result)
    t = Text(items[0], style="bold")
    for item in items[1:]:
        t.append(" · " + item)
    return t


def side_text(pieces: list[Piece] | None, style: str, dim: bool = False) -> Text:
    """One side of a row, changed words highlighted and [bracketed]."""
    out = Text(style=STYLE_DIM if dim else "")
    for p in pieces or []:
        if out.plain:
            out.append(" ")
        if p.changed:
            out.append(f"[{p.text}]", style=style)
        else:
            out.append(p.text)
    return out


def _gutter(view: RowView) -> Text:
    return Text(f"{view.number:>3} {view.glyph} {view.tag}")


def _chips(view: RowView) -> Text:
    t = Text()
    for label in view.chips:
        t.append(f" ⟨{label}⟩", style="italic")
    return t


def render_side_by_side(result: CompareResult, width: int = 120) -> RenderableType:
    head = Table.grid(padding=(0, 2))
    head.add_column(ratio=1)
    head.add_column(ratio=1)
    head.add_row(
        Text("COPY: " + clean(result.left.title or result.left.source, 300), style="bold"),
        Text("ORIGINAL: " + clean(result.right.title or result.right.source, 300), style="bold"),
    )
    head.add_row(Text(clean(result.left.source, 300)), Text(clean(result.right.source, 300)))
    parts: list[RenderableType] = [head]
    banner = verdict_line(result)
    if banner is not None:
        parts.append(Text(banner, style="bold reverse"))
    parts += [summary(result), Text("")]
    views = present(result)
    if width >= 100:
        table = Table(show_header=True, expand=True, show_lines=False, box=None, padding=(0, 1))
        table.add_column("row", no_wrap=True, width=18)
        table.add_column("copy", ratio=1)
        table.add_column("original", ratio=1)
        for v in views:
            dim = v.role == "boilerplate"
            right = side_text(v.right, STYLE_DROPPED, dim)
            right.append_text(_chips(v))
            table.add_row(_gutter(v), side_text(v.left, STYLE_ADDED, dim), right)
        parts.append(table)
    else:
        for v in views:
            dim = v.role == "boilerplate"
            parts.append(_gutter(v).append_text(_chips(v)))
            if v.left is not None:
                parts.append(Text("    copy: ").append_text(side_text(v.left, STYLE_ADDED, dim)))
            if v.right is not None:
                parts.append(Text("    orig: ").append_text(side_text(v.right, STYLE_DROPPED, dim)))
    return Group(*parts)
