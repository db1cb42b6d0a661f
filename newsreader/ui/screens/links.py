"""The links of the open article, numbered as in the article pane: open one or copy it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from newsreader.text.safetext import clean
from newsreader.ui.screens.dialogs import DIALOG_CSS

LinkChoice = tuple[str, str]  # ("open" | "copy", url)


class LinksScreen(ModalScreen[LinkChoice | None]):
    """Enter (or the link's number) opens it in the browser, y copies it, Esc closes."""

    DEFAULT_CSS = (
        DIALOG_CSS % "LinksScreen"
        + """
    LinksScreen > Vertical { width: 100; }
    LinksScreen OptionList { height: auto; max-height: 20; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="links_close"),
        Binding("y", "copy", "Copy link", id="links_copy"),
        *(Binding(str(n), f"number({n})", f"Open link {n}", show=False) for n in range(1, 10)),
    ]

    def __init__(self, links: list[str]) -> None:
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(f"Links of this article ({len(self.links)})"),
                classes="dialog-title",
                markup=False,
            )
            yield OptionList(
                *(
                    Option(Text(f"[{i}] {clean(url, 500)}"), id=str(i - 1))
                    for i, url in enumerate(self.links, 1)
                ),
                id="links",
            )
            yield Static(
                Text("Enter or 1-9 opens in the browser · y copies · Esc closes"),
                classes="dialog-message",
                markup=False,
            )

    def _current(self) -> str | None:
        opt = self.query_one(OptionList).highlighted_option
        return self.links[int(opt.id)] if opt is not None and opt.id is not None else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(("open", self.links[int(event.option.id)]))

    def action_number(self, n: int) -> None:
        if 1 <= n <= len(self.links):
            self.dismiss(("open", self.links[n - 1]))

    def action_copy(self) -> None:
        url = self._current()
        if url is not None:
            self.dismiss(("copy", url))

    def action_close(self) -> None:
        self.dismiss(None)
