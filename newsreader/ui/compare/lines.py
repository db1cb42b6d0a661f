"""Lay the rows out as terminal lines: two aligned columns (wide) or stacked (narrow).

`layout_row` turns one RowCells into Strips of exactly `width` cells (the cursor marker
column excluded: the view prepends it when painting). Wrapping uses Rich's Text.wrap on
plain Text objects only: no markup is ever parsed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from newsreader.ui.compare.cells import RowCells

WIDE_MIN = 100  # from this many columns the two texts sit side by side
SEP = " │ "
STACK_LABEL_W = 8  # " copy │ "
# Style roles: each is a component class "compare--<role>" of the rows view.
ROLES = (
    "number",
    "separator",
    "headline",
    "meta",
    "chip",
    "boilerplate",
    "word_ins",
    "word_del",
    "text_added",
    "text_dropped",
    "kind_same",
    "kind_changed",
    "kind_moved",
    "kind_added",
    "kind_dropped",
    "kind_boilerplate",
)


@dataclass(frozen=True, slots=True)
class Geometry:
    width: int  # cells available for a row (marker column excluded)
    num_w: int  # digits of the row number
    wide: bool

    @property
    def gutter_w(self) -> int:  # "123 ~ changed "
        return self.num_w + 1 + 1 + 1 + 7 + 1

    @property
    def left_w(self) -> int:
        return max((self.width - self.gutter_w - len(SEP)) // 2, 4)

    @property
    def right_w(self) -> int:
        return max(self.width - self.gutter_w - len(SEP) - self.left_w, 4)


def geometry(total_width: int, rows: int) -> Geometry:
    """`total_width` is the view's content width; one cell goes to the cursor marker."""
    width = max(total_width - 1, 20)
    return Geometry(width, max(len(str(rows)), 2), total_width >= WIDE_MIN)


def _style(styles: Mapping[str, Style], *roles: str) -> Style:
    out = Style()
    for r in roles:
        got = styles.get(r)
        if got is not None:
            out += got
    return out


def _wrap(console: Console, text: Text, width: int) -> list[Strip]:
    if not text.plain:
        return [Strip.blank(width)]
    strips = []
    for line in text.wrap(console, width, no_wrap=False, overflow="fold"):
        line.end = ""
        line.rstrip()
        strips.append(Strip(list(line.render(console))).adjust_cell_length(width))
    return strips or [Strip.blank(width)]


def _cut(console: Console, text: Text, width: int) -> Strip:
    """One line: cut with an ellipsis (used for collapsed boilerplate)."""
    t = text.copy()
    t.end = ""
    t.truncate(width, overflow="ellipsis", pad=True)
    return Strip(list(t.render(console))).adjust_cell_length(width)


def _cell_text(cells: RowCells, side: str, styles: Mapping[str, Style]) -> Text | None:
    text = cells.left if side == "left" else cells.right
    if text is None:
        return None
    roles = []
    if cells.segment_kind == "headline":
        roles.append("headline")
    elif cells.segment_kind in ("byline", "caption", "kicker", "standfirst"):
        roles.append("meta")
    if cells.kind in ("added", "dropped"):
        roles.append(f"text_{cells.kind}")
    style = _style(styles, *roles)
    if not style:
        return text
    out = text.copy()
    out.stylize_before(style)
    return out


def _tag_text(cells: RowCells, geo: Geometry, styles: Mapping[str, Style]) -> Text:
    out = Text(f"{cells.index + 1:>{geo.num_w}} ", style=_style(styles, "number"))
    out.append(f"{cells.glyph} {cells.tag}", style=_style(styles, f"kind_{cells.kind}"))
    return out


def _chip_lines(cells: RowCells, width: int, styles: Mapping[str, Style]) -> list[Text]:
    """The fact chips packed into lines of `width` cells; a chip is never split across
    lines (one wider than a line is folded by the wrap that follows)."""
    chip = _style(styles, "chip")
    lines: list[Text] = [Text()]
    for label in cells.chips:
        piece = Text(f"[{label}]", style=chip)
        used = lines[-1].cell_len
        if used and used + 1 + piece.cell_len > width:
            lines.append(Text())
        elif used:
            lines[-1].append(" ")
        lines[-1].append_text(piece)
    return lines


def layout_row(
    cells: RowCells,
    geo: Geometry,
    console: Console,
    styles: Mapping[str, Style],
    separator: bool = True,
) -> list[Strip]:
    """The lines of one row, then a blank separator line (unless `separator` is False: a run
    of collapsed boilerplate rows stays compact)."""
    blank = [Strip.blank(geo.width)] if separator else []
    if cells.kind == "boilerplate":
        line = _tag_text(cells, geo, styles)
        side = "copy" if cells.left is not None else "orig"
        body = cells.left if cells.left is not None else cells.right
        line.append(f"  {side}: " + (body.plain if body is not None else ""))
        line.stylize(_style(styles, "boilerplate"))
        return [_cut(console, line, geo.width), *blank]
    if geo.wide:
        return [*_wide(cells, geo, console, styles), *blank]
    return [*_stacked(cells, geo, console, styles), *blank]


def _wide(
    cells: RowCells, geo: Geometry, console: Console, styles: Mapping[str, Style]
) -> list[Strip]:
    left = _cell_text(cells, "left", styles)
    right = _cell_text(cells, "right", styles)
    lw, rw = geo.left_w, geo.right_w
    lcol = _wrap(console, left, lw) if left is not None else []
    rcol = _wrap(console, right, rw) if right is not None else []
    height = max(len(lcol), len(rcol), 1)
    tag = _wrap(console, _tag_text(cells, geo, styles), geo.gutter_w - 1)[0]
    sep = Strip([Segment(SEP, _style(styles, "separator"))])
    gutter_blank = Strip.blank(geo.gutter_w)
    out = []
    for y in range(height):
        g = Strip.join([tag, Strip.blank(1)]) if y == 0 else gutter_blank
        lpart = lcol[y] if y < len(lcol) else Strip.blank(lw)
        rpart = rcol[y] if y < len(rcol) else Strip.blank(rw)
        out.append(Strip.join([g, lpart, sep, rpart]))
    chip_w = geo.width - geo.gutter_w
    for line in _chip_lines(cells, chip_w, styles) if cells.chips else []:
        for strip in _wrap(console, line, chip_w):
            out.append(Strip.join([gutter_blank, strip]))
    return out


def _stacked(
    cells: RowCells, geo: Geometry, console: Console, styles: Mapping[str, Style]
) -> list[Strip]:
    head = _tag_text(cells, geo, styles)
    chips = _chip_lines(cells, geo.width - STACK_LABEL_W, styles) if cells.chips else []
    if len(chips) == 1 and head.cell_len + 2 + chips[0].cell_len <= geo.width:
        head.append("  ")
        head.append_text(chips.pop())
    out = _wrap(console, head, geo.width)
    indent = Strip.blank(STACK_LABEL_W)
    for line in chips:  # chips that do not fit beside the tag: below it, indented
        out.extend(Strip.join([indent, s]) for s in _wrap(console, line, geo.width - STACK_LABEL_W))
    text_w = max(geo.width - STACK_LABEL_W, 4)
    sides = [("copy", "left"), ("orig", "right")]
    if cells.identical:
        sides = [("both", "left")]
    label_style = _style(styles, "separator")
    for label, side in sides:
        text = _cell_text(cells, side, styles)
        if text is None:
            continue
        for y, strip in enumerate(_wrap(console, text, text_w)):
            prefix = f" {label} │ " if y == 0 else "      │ "
            out.append(Strip.join([Strip([Segment(prefix, label_style)]), strip]))
    return out


def in_run(cells: list[RowCells], i: int) -> bool:
    """A boilerplate row followed by another: no blank line between them."""
    return (
        cells[i].kind == "boilerplate" and i + 1 < len(cells) and cells[i + 1].kind == "boilerplate"
    )
