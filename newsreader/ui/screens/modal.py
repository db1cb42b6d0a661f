"""A read-only modal around a VerticalScroll (the help screen, the compare view's legend and
row details): close, and scroll with j/k."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.screen import ModalScreen


class ScrollModal(ModalScreen[None]):
    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one(VerticalScroll)
        if direction == "down":
            scroll.scroll_down()
        else:
            scroll.scroll_up()
