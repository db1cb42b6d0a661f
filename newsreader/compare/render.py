"""A static side-by-side rendering with rich (for `newsreader compare --print` and pipes).

Meaning never rests on colour alone: every row has a gutter glyph and a short tag, and
changed words are bracketed when colour is off. Article text goes into `Text` objects only,
never through a markup parser.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from newsreader.compare.model import CompareResult, Row
from newsreader.text.safetext import clean

# Display role -> (gutter glyph, short tag): the glyph and the tag carry the meaning without
# colour (NO_COLOR); the TUI's compare view uses the same table.
TAGS: dict[str, tuple[str, str]] = {
    "same": ("=", "same"),
    "changed": ("~", "changed"),
    "moved": ("↕", "moved"),
    "added": ("+", "added"),
    "dropped": ("-", "dropped"),
    "boilerplate": ("·", "boilerplate"),
}
_ROLE = {"left_only": "added", "right_only": "dropped"}
STYLE_ADDED = "bold green"
STYLE_DROPPED = "bold red"
STYLE_DIM = "dim"


def row_role(result: CompareResult, row: Row) -> str:
    """The row's display role (a key of TAGS): 'boilerplate' for the copy's page furniture."""
    if row.kind == "left_only" and all(
        result.left.segments[i].kind == "boilerplate" for i in row.left
    ):
        return "boilerplate"
    return _ROLE.get(row.kind, row.kind)


def summary(result: CompareResult) -> Text:
    rep = result.report
    t = Text()
    t.append(f"coverage {rep.coverage:.0%}", style="bold")
    t.append(f" · quotes lost {len(rep.quotes_lost)} (kept {len(rep.quotes_kept)})")
    t.append(f" · names lost {len(rep.names_lost)}")
    t.append(f" · numbers changed {len(rep.numbers_changed)}")
    t.append(f" · boilerplate {len(rep.boilerplate)}")
    t.append(" · byline dropped" if rep.byline_dropped else " · byline kept")
    return t


def side_text(result: CompareResult, row: Row, side: str, marks: bool = True) -> Text:
    """One side of a row, with its changed words highlighted (and bracketed if `marks`)."""
    doc = result.left if side == "left" else result.right
    idx = row.left if side == "left" else row.right
    if not idx:
        return Text("")
    if not row.diff:
        style = STYLE_DIM if row_role(result, row) == "boilerplate" else ""
        return Text(clean(" ".join(doc.segments[i].text for i in idx), None), style=style)
    out = Text()
    own = {"left": ("delete", "replace"), "right": ("insert", "replace")}[side]
    style = STYLE_ADDED if side == "left" else STYLE_DROPPED
    for op in row.diff:
        words = clean(op.left if side == "left" else op.right, None)
        if not words:
            continue
        if out:
            out.append(" ")
        if op.tag in own:
            out.append(f"[{words}]" if marks else words, style=style)
        else:
            out.append(words)
    return out


def chips(row: Row) -> Text:
    t = Text()
    for f in row.facts:
        if f.kind == "boilerplate":
            continue
        t.append(f" ⟨{clean(f.label, 120)}⟩", style="italic")
    return t


def _gutter(role: str, row: Row) -> Text:
    glyph, tag = TAGS[role]
    extra = f" ←{row.moved_from}" if row.kind == "moved" and row.moved_from is not None else ""
    return Text(f"{glyph} {tag}{extra}")


def render_side_by_side(result: CompareResult, width: int = 120) -> RenderableType:
    head = Table.grid(padding=(0, 2))
    head.add_column(ratio=1)
    head.add_column(ratio=1)
    head.add_row(
        Text("COPY: " + clean(result.left.title or result.left.source, 300), style="bold"),
        Text("ORIGINAL: " + clean(result.right.title or result.right.source, 300), style="bold"),
    )
    head.add_row(Text(clean(result.left.source, 300)), Text(clean(result.right.source, 300)))
    parts: list[RenderableType] = [head, summary(result), Text("")]
    if width >= 100:
        table = Table(show_header=True, expand=True, show_lines=False, box=None, padding=(0, 1))
        table.add_column("row", no_wrap=True, width=14)
        table.add_column("copy", ratio=1)
        table.add_column("original", ratio=1)
        for k, row in enumerate(result.rows):
            role = row_role(result, row)
            right = side_text(result, row, "right")
            right.append_text(chips(row))
            gutter = _gutter(role, row)
            gutter = Text(f"{k:>3} ").append_text(gutter)
            table.add_row(gutter, side_text(result, row, "left"), right)
        parts.append(table)
    else:
        for k, row in enumerate(result.rows):
            role = row_role(result, row)
            parts.append(Text(f"{k:>3} ").append_text(_gutter(role, row)).append_text(chips(row)))
            if row.left:
                parts.append(Text("    copy: ").append_text(side_text(result, row, "left")))
            if row.right:
                parts.append(Text("    orig: ").append_text(side_text(result, row, "right")))
    return Group(*parts)
