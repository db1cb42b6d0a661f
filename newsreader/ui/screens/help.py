"""The `?` help screen, generated from the same binding lists as the footer and palette."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from newsreader.ui.bindings import SECTIONS, keys_for
from newsreader.ui.screens.modal import ScrollModal


class HelpScreen(ScrollModal):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
        Binding("j,down", "scroll('down')", "Down", show=False),
        Binding("k,up", "scroll('up')", "Up", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
        & > VerticalScroll {
            width: 78;
            max-width: 100%;
            height: 90%;
            border: thick $primary;
            border-title-style: bold;
            background: $surface;
            padding: 0 1;
        }
    }
    """

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys  (Esc closes)"
            yield Static(self._table(), id="help-table", markup=False)
            yield Static(
                Text(
                    "Remap keys in config.toml by the ids on the right, for example:\n"
                    '[keys]\nstar = "S"\ndown = "j,down,ctrl+n"'
                ),
                markup=False,
            )

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column("keys", no_wrap=True, style="bold")
        table.add_column("what")
        table.add_column("id", style="dim", no_wrap=True)
        for section in SECTIONS:
            table.add_row(Text(section.title, style="bold underline"), "", "")
            for b in section.bindings:
                keys = ", ".join(
                    self.app.get_key_display(Binding(k, "")) for k in keys_for(b, self.keymap)
                )
                table.add_row(keys, b.description, b.id or "")
            table.add_row("", "", "")
        return table
