"""The rows of a comparison: one virtual (Line API) view, so both sides scroll together.

Each result row is laid out once per width into Strips (`lines.layout_row`); painting a
screen line is a bisect into the row starts and a style application, so a 5,000-word pair
scrolls as fast as a short one.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.compare.model import CompareResult
from newsreader.ui.compare.cells import NOT_DIFFERENCES, RowCells, build_cells
from newsreader.ui.compare.keys import ROWS
from newsreader.ui.compare.lines import ROLES, Geometry, geometry, in_run, layout_row
from newsreader.ui.widgets.cursor import CursorMoves


class CompareRows(CursorMoves, ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = list(ROWS)
    COMPONENT_CLASSES = {f"compare--{r.replace('_', '-')}" for r in ROLES} | {
        "compare--cursor",
        "compare--marker",
    }
    DEFAULT_CSS = """
    CompareRows {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .compare--number { color: $text-muted; }
        & > .compare--separator { color: $text-muted; }
        & > .compare--headline { text-style: bold; }
        & > .compare--meta { text-style: italic; color: $text-muted; }
        & > .compare--chip { color: $text-accent; background: $accent-muted; }
        & > .compare--boilerplate { color: $text-disabled; text-style: italic; }
        & > .compare--word-ins { color: $text-success; background: $success-muted;
                                 text-style: bold underline; }
        & > .compare--word-del { color: $text-error; background: $error-muted;
                                 text-style: bold underline; }
        & > .compare--text-added { color: $text-success; }
        & > .compare--text-dropped { color: $text-error; }
        & > .compare--kind-same { color: $text-muted; }
        & > .compare--kind-changed { color: $text-warning; text-style: bold; }
        & > .compare--kind-moved { color: $text-accent; text-style: bold; }
        & > .compare--kind-added { color: $text-success; text-style: bold; }
        & > .compare--kind-dropped { color: $text-error; text-style: bold; }
        & > .compare--kind-boilerplate { color: $text-disabled; }
        & > .compare--cursor { background: $surface-lighten-1; }
        & > .compare--marker { color: $accent; text-style: bold; }
        &:focus > .compare--cursor { background: $panel-lighten-1; }
    }
    """

    cursor: reactive[int] = reactive(0, init=False, always_update=True)

    class Highlighted(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class Chosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class LaidOut(Message):
        def __init__(self, geo: Geometry) -> None:
            super().__init__()
            self.geo = geo

    def __init__(self, result: CompareResult, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result = result
        self._cells: list[RowCells] | None = None
        self._lines: list[list[Strip]] = []
        self._starts: list[int] = []
        self._geo: Geometry | None = None
        self._body: list[int] = []  # lines of each row without its blank separator
        self._painted: dict[tuple[int, bool], Strip] = {}  # (line, on cursor row) -> strip

    # ------------------------------------------------------------------ data and layout
    @property
    def cells(self) -> list[RowCells]:
        if self._cells is None:
            self._cells = build_cells(self.result, self._styles())
        return self._cells

    @property
    def geo(self) -> Geometry | None:
        return self._geo

    def _styles(self) -> dict[str, Style]:
        return {
            r: self.get_component_rich_style(f"compare--{r.replace('_', '-')}", partial=True)
            for r in ROLES
        }

    def relayout(self, force: bool = False) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        geo = geometry(width, len(self.result.rows))
        if geo == self._geo and not force:
            return
        keep = self.cursor
        styles = self._styles()
        console = self.app.console
        self._geo = geo
        cells = self.cells
        runs = [in_run(cells, i) for i in range(len(cells))]
        self._lines = [
            layout_row(c, geo, console, styles, separator=not run)
            for c, run in zip(cells, runs, strict=True)
        ]
        self._body = [
            len(block) - (0 if run else 1) for block, run in zip(self._lines, runs, strict=True)
        ]
        starts, total = [], 0
        for block in self._lines:
            starts.append(total)
            total += len(block)
        self._starts = starts
        self._painted.clear()
        self.virtual_size = Size(width, total)
        self.refresh()
        if self._lines:
            self._scroll_to_row(keep)
        self.post_message(self.LaidOut(geo))

    def on_resize(self, event: events.Resize) -> None:
        self.relayout()

    def on_mount(self) -> None:
        self.call_after_refresh(self.relayout)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painted.clear()
        if self._geo is not None:  # theme change: recolour the words and tags
            self._cells = None
            self.relayout(force=True)

    def row_at_line(self, line: int) -> int:
        return max(bisect_right(self._starts, line) - 1, 0)

    # ------------------------------------------------------------------ painting
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        line = int(self.scroll_y) + y
        if not self._lines or line >= self._starts[-1] + len(self._lines[-1]):
            return Strip.blank(width, base)
        r = self.row_at_line(line)
        offset = line - self._starts[r]
        block = self._lines[r]
        on_row = r == self.cursor and offset < self._body[r]
        key = (line, on_row)
        got = self._painted.get(key)
        if got is None:
            got = self._paint(block[offset], offset, on_row)
            if len(self._painted) > 20_000:
                self._painted.clear()
            self._painted[key] = got
        return got

    def _paint(self, strip: Strip, offset: int, on_row: bool) -> Strip:
        base = self.rich_style
        marker = " "
        style = base
        if on_row:
            marker = "▶" if offset == 0 else "┃"
            style = base + self.get_component_rich_style("compare--cursor", partial=True)
        mark_style = style + self.get_component_rich_style("compare--marker", partial=True)
        return Strip.join([Strip([Segment(marker, mark_style)]), strip]).apply_style(style)

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._geo is None:
            self.relayout()
        return super().render_lines(crop)

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        self.post_message(self.Highlighted(new))

    def move_to(self, index: int, *, center: bool = False) -> None:
        if not self.result.rows:
            return
        self.cursor = max(0, min(index, len(self.result.rows) - 1))
        self._scroll_to_row(self.cursor, center=center)

    def _scroll_to_row(self, index: int, *, center: bool = False) -> None:
        if not self._lines or not 0 <= index < len(self._lines):
            return
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        start = self._starts[index]
        end = start + self._body[index]  # the separator line excluded
        if start >= top and end <= top + height:
            return
        if center:
            y = start - height // 3
        elif start < top:
            y = start
        else:
            y = min(start, end - height)
        self.scroll_to(y=max(y, 0), animate=False, immediate=True)

    @property
    def row_count(self) -> int:
        return len(self.result.rows)

    def _page(self, direction: int) -> None:
        if not self._lines:
            return
        height = max(self.scrollable_content_region.height - 1, 1)
        top = max(int(self.scroll_y) + direction * height, 0)
        self.scroll_to(y=top, animate=False, immediate=True)
        top = int(self.scroll_y)
        r = self.row_at_line(top)
        if self._starts[r] < top and r + 1 < len(self._starts):
            r += 1
        self.cursor = r

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def _difference(self, forward: bool) -> None:
        cells = self.cells
        order = range(self.cursor + 1, len(cells)) if forward else range(self.cursor - 1, -1, -1)
        for i in order:
            if cells[i].kind not in NOT_DIFFERENCES:
                self.move_to(i, center=True)
                return
        where = "below" if forward else "above"
        self.notify(f"No more differences {where}", timeout=2)

    def action_next_difference(self) -> None:
        self._difference(True)

    def action_previous_difference(self) -> None:
        self._difference(False)

    def action_details(self) -> None:
        if self.result.rows:
            self.post_message(self.Chosen(self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        if not self._lines:
            return
        line = int(self.scroll_y) + event.y
        if line < self._starts[-1] + len(self._lines[-1]):
            r = self.row_at_line(line)
            if r == self.cursor and event.chain > 1:
                self.action_details()
            self.cursor = r
