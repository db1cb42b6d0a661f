"""Modals of the compare view: one row in full (both sentences and their word diff), legend."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.compare.model import CompareResult, Row
from newsreader.text.safetext import clean
from newsreader.ui.compare.cells import LEGEND, TAGS, RowCells, diff_notation, side_text
from newsreader.ui.compare.keys import MODAL
from newsreader.ui.screens.modal import ScrollModal

MODAL_CSS = """
%s {
    align: center middle;
    background: $background 60%%;
    & > VerticalScroll {
        width: 100;
        max-width: 96%%;
        height: auto;
        max-height: 90%%;
        border: thick $primary;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
        padding: 0 1;
    }
}
"""

BOLD = Style(bold=True)


class _Modal(ScrollModal):
    BINDINGS: ClassVar[list[BindingType]] = list(MODAL)


class RowDetail(_Modal):
    """Both texts of one row in full, its facts, and the word diff in [-x-] {+y+} notation."""

    DEFAULT_CSS = MODAL_CSS % "RowDetail"

    def __init__(self, result: CompareResult, cells: RowCells) -> None:
        super().__init__()
        self.result = result
        self.cells = cells

    def compose(self) -> ComposeResult:
        row = self.result.rows[self.cells.index]
        c = self.cells
        with VerticalScroll(id="row-detail") as scroll:
            scroll.border_title = f"Row {c.index + 1}: {c.glyph} {c.tag}"
            scroll.border_subtitle = "Esc closes"
            yield Static(self._body(row), markup=False)

    def _body(self, row: Row) -> Group:
        c = self.cells
        parts: list[Text] = []
        head = Text(f"{c.glyph} {c.tag}", style=BOLD)
        if row.kind not in ("left_only", "right_only"):
            head.append(f"   similarity {row.score:.2f}")
        if c.segment_kind not in ("body", "boilerplate"):
            head.append(f"   ({c.segment_kind})")
        parts.append(head)
        for label in c.chips:
            parts.append(Text(f"[{label}]"))
        for f in row.facts:
            if f.left or f.right:
                line = Text(f"  {clean(f.label, 120)}: ")
                line.append(f"copy {clean(f.left, 300) or '—'}")
                line.append(f"  ·  original {clean(f.right, 300) or '—'}")
                parts.append(line)
        parts.append(Text())
        parts.append(Text("COPY (left)", style=BOLD))
        left = side_text(self.result.left, row.left) if row.left else ""
        parts.append(Text(left or "— not in the copy —"))
        parts.append(Text())
        parts.append(Text("ORIGINAL (right)", style=BOLD))
        right = side_text(self.result.right, row.right) if row.right else ""
        parts.append(Text(right or "— not in the original —"))
        if row.diff and left and right:
            parts.append(Text())
            parts.append(Text("WORD DIFF  [-original only-]  {+copy only+}", style=BOLD))
            parts.append(diff_notation(row))
        return Group(*parts)


class Legend(_Modal):
    DEFAULT_CSS = MODAL_CSS % "Legend"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="legend") as scroll:
            scroll.border_title = "Legend"
            scroll.border_subtitle = "Esc closes"
            yield Static(self._table(), markup=False)

    def _table(self) -> Group:
        table = Table.grid(padding=(0, 2))
        table.add_column("tag", no_wrap=True, style="bold")
        table.add_column("meaning")
        for kind, meaning in LEGEND:
            glyph, tag = TAGS[kind]
            table.add_row(Text(f"{glyph} {tag}"), Text(meaning))
        notes = [
            "",
            "Left column: the copy (the aggregator's text). Right column: the original.",
            "Below 100 columns each row is stacked: 'copy' then 'orig' ('both' when equal).",
            "Changed words are highlighted in both columns; Enter on a row shows them as "
            "[-only in the original-] and {+only in the copy+}.",
            "Chips like [quote → paraphrase] or [1,200 → 1,500] name what changed.",
            "▶ marks the current row; n / N jump to the next / previous difference.",
            "The header gives the coverage (the share of the original carried over), the "
            "quotes, names and numbers the copy lost or changed, and the boilerplate.",
        ]
        return Group(table, *(Text(line) for line in notes))
