"""The status line: what is selected, a feed's error, refresh progress."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from newsreader.ui.format import foreground


class StatusLine(Horizontal):
    COMPONENT_CLASSES = {"status-line--error"}
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        background: $panel;
        color: $foreground;
        & > .status-line--error { color: $text-error; text-style: bold; }
        #status-text { width: 1fr; height: 1; padding: 0 1; }
        #status-progress { width: auto; height: 1; display: none; padding: 0 1; }
        &.-busy #status-progress { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="status-text", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="status-progress")

    @property
    def text(self) -> str:
        return str(self.query_one("#status-text", Static).content)

    def say(self, message: str, *, error: bool = False) -> None:
        """Show one line (already cleaned text; never parsed as markup)."""
        style = foreground(self.get_component_rich_style("status-line--error")) if error else ""
        # its size is fixed (1fr x 1): no layout of the screen for a new line of text
        self.query_one("#status-text", Static).update(
            Text(message, style=style, no_wrap=True), layout=False
        )

    def progress(self, done: int, total: int) -> None:
        self.add_class("-busy")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def idle(self) -> None:
        self.remove_class("-busy")
