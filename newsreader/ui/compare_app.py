"""`newsreader compare LEFT RIGHT` on a terminal: a small app showing one comparison."""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from newsreader.compare.model import CompareResult
from newsreader.ui.bindings import APP


class CompareApp(App[None]):
    TITLE = "newsreader compare"
    BINDINGS = [b for b in APP if b.id == "command_palette"]

    def __init__(self, result: CompareResult) -> None:
        super().__init__()
        self.result = result

    def get_default_screen(self) -> Screen[None]:
        from newsreader.ui.compare.screen import CompareScreen

        return CompareScreen(self.result)


def run_compare_app(result: CompareResult) -> None:
    CompareApp(result).run()
