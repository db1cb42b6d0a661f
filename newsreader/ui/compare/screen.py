"""The compare screen: summary header, column titles, aligned rows, status line, footer."""

from __future__ import annotations

import textwrap
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Static

from newsreader.compare import present
from newsreader.compare.model import CompareResult, Document
from newsreader.text.safetext import clean
from newsreader.ui.compare.cells import NOT_DIFFERENCES, TAGS, count_roles
from newsreader.ui.compare.keys import SCREEN
from newsreader.ui.compare.lines import SEP, WIDE_MIN, Geometry
from newsreader.ui.compare.palette import CompareCommands
from newsreader.ui.compare.rows import CompareRows

BOLD = Style(bold=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_items(result: CompareResult, counts: dict[str, int], wide: bool) -> list[str]:
    """'coverage 64%', 'quotes lost 5' … and (wide) the row counts. Numbers only: nothing
    untrusted reaches the header."""
    items = present.summary_items(result)
    if wide:
        rows = [f"{TAGS[k][0]} {n} {TAGS[k][1]}" for k, n in counts.items()]
        items.append(f"{sum(counts.values())} rows: " + "  ".join(rows))
    return items


def summary_text(items: list[str], width: int) -> Text:
    """The items joined by ' · ', wrapped between items (never inside one)."""
    out = Text()
    line_len = 0
    for i, item in enumerate(items):
        piece = item if i == 0 else "  ·  " + item
        if line_len and line_len + cell_len(piece) > width:
            out.append("\n")
            piece, line_len = item, 0
        out.append(piece, style=BOLD if i == 0 else None)
        line_len += cell_len(piece)
    return out


class Summary(Widget):
    """The report in one or more lines, wrapped between items to the width."""

    DEFAULT_CSS = """
    Summary {
        height: auto;
        padding: 0 1;
        background: $primary-muted;
        color: $text-primary;
    }
    """

    def __init__(self, result: CompareResult, counts: dict[str, int], **kw: Any) -> None:
        super().__init__(**kw)
        self.result = result
        self.counts = counts

    def _text(self, width: int) -> Text:
        wide = width + 2 >= WIDE_MIN
        text = summary_text(summary_items(self.result, self.counts, wide), max(width, 20))
        banner = present.verdict_line(self.result)
        if banner is None:
            return text
        lines = textwrap.wrap(banner, max(width, 20))
        return Text("\n".join(lines), style="bold reverse").append("\n").append_text(text)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._text(width).plain.count("\n") + 1

    def render(self) -> Text:
        return self._text(self.content_size.width)


def _doc_label(doc: Document) -> str:
    title = clean(doc.title, 300) or "(untitled)"
    return f"{title} — {clean(doc.source, 300)}"


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class ColumnTitles(Static):
    """'COPY … │ ORIGINAL …' over the columns (wide), or two lines (stacked)."""

    DEFAULT_CSS = """
    ColumnTitles {
        height: auto;
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    """

    def show(self, result: CompareResult, geo: Geometry) -> None:
        left = "COPY  " + _doc_label(result.left)
        right = "ORIGINAL  " + _doc_label(result.right)
        if geo.wide:
            text = Text(" " * (1 + geo.gutter_w) + _fit(left, geo.left_w))
            text.append(SEP)
            text.append(_fit(right, geo.right_w))
        else:
            text = Text(_fit(" copy  " + left[6:], geo.width + 1))
            text.append("\n" + _fit(" orig  " + right[10:], geo.width + 1))
        self.update(text)


class StatusLine(Widget):
    """One line under the rows; updating it never re-lays out the screen."""

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """
    text: reactive[str] = reactive("", layout=False)

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")


class CompareScreen(Screen[None]):
    """A comparison: the copy (left) beside the original (right), row by row."""

    BINDINGS: ClassVar[list[BindingType]] = list(SCREEN)
    COMMANDS = {CompareCommands}
    AUTO_FOCUS = "CompareRows"
    DEFAULT_CSS = """
    CompareScreen {
        CompareRows { height: 1fr; }
    }
    """

    def __init__(self, result: CompareResult) -> None:
        super().__init__()
        self.result = result
        self.counts = count_roles(result)
        self.differences = sum(n for k, n in self.counts.items() if k not in NOT_DIFFERENCES)

    def compose(self) -> ComposeResult:
        yield Summary(self.result, self.counts, id="compare-summary")
        yield ColumnTitles(id="compare-titles", markup=False)
        yield CompareRows(self.result, id="compare-rows")
        yield StatusLine(id="compare-status")
        yield Footer()

    @property
    def rows(self) -> CompareRows:
        return self.query_one(CompareRows)

    def on_mount(self) -> None:
        self._status(self.rows.cursor)
        if not self.result.rows:
            self.notify("Nothing to compare: both texts are empty", severity="warning")

    @on(CompareRows.LaidOut)
    def _laid_out(self, event: CompareRows.LaidOut) -> None:
        self.query_one(ColumnTitles).show(self.result, event.geo)

    @on(CompareRows.Highlighted)
    def _highlighted(self, event: CompareRows.Highlighted) -> None:
        self._status(event.index)

    def _status(self, index: int) -> None:
        rows = self.result.rows
        if not rows:
            self.query_one(StatusLine).text = "no rows"
            return
        cells = self.rows.cells
        c, row = cells[index], rows[index]
        text = f"row {index + 1} of {len(rows)}   {c.glyph} {c.tag}"
        if row.kind not in ("left_only", "right_only"):
            text += f"   similarity {row.score:.2f}"
        if c.kind not in NOT_DIFFERENCES:
            nth = sum(1 for x in cells[: index + 1] if x.kind not in NOT_DIFFERENCES)
            text += f"   ·   difference {nth} of {self.differences}"
        else:
            text += f"   ·   {self.differences} differences"
        if self.size.width >= WIDE_MIN:
            text += "   ·   n / N next / previous difference, Enter details, ? legend"
        self.query_one(StatusLine).text = text

    @on(CompareRows.Chosen)
    def _chosen(self, event: CompareRows.Chosen) -> None:
        from newsreader.ui.compare.modals import RowDetail

        self.app.push_screen(RowDetail(self.result, self.rows.cells[event.index]))

    def action_legend(self) -> None:
        from newsreader.ui.compare.modals import Legend

        self.app.push_screen(Legend())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()
