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


def _chips_text(cells: RowCells, styles: Mapping[str, Style]) -> Text:
    out = Text()
    chip = _style(styles, "chip")
    for label in cells.chips:
        if out.plain:
            out.append(" ")
        out.append(f"[{label}]", style=chip)
    return out


def layout_row(
    cells: RowCells, geo: Geometry, console: Console, styles: Mapping[str, Style]
) -> list[Strip]:
    """The lines of one row, a blank separator line included (last)."""
    blank = Strip.blank(geo.width)
    if cells.kind == "boilerplate":
        line = _tag_text(cells, geo, styles)
        line.append("  ")
        body = cells.left if cells.left is not None else cells.right
        line.append(body.plain if body is not None else "")
        line.stylize(_style(styles, "boilerplate"))
        return [_cut(console, line, geo.width), blank]
    if geo.wide:
        return [*_wide(cells, geo, console, styles), blank]
    return [*_stacked(cells, geo, console, styles), blank]


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
    if cells.chips:
        for chip_line in _wrap(console, _chips_text(cells, styles), geo.width - geo.gutter_w):
            out.append(Strip.join([gutter_blank, chip_line]))
    return out


def _stacked(
    cells: RowCells, geo: Geometry, console: Console, styles: Mapping[str, Style]
) -> list[Strip]:
    head = _tag_text(cells, geo, styles)
    if cells.chips:
        head.append("  ")
        head.append_text(_chips_text(cells, styles))
    out = _wrap(console, head, geo.width)
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
