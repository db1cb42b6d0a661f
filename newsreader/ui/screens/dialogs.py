"""Modal dialogs: add a feed, confirm, search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from newsreader.errors import describe
from newsreader.models import Subscription
from newsreader.text.safetext import clean

if TYPE_CHECKING:
    from newsreader.session import Session

DIALOG_CSS = """
%s {
    align: center middle;
    background: $background 60%%;
    & > Vertical {
        width: 72;
        max-width: 95%%;
        height: auto;
        max-height: 95%%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    .dialog-title { text-style: bold; width: 100%%; margin-bottom: 1; }
    .dialog-message { width: 100%%; color: $text-muted; }
    .dialog-error { width: 100%%; color: $text-error; }
    Input { width: 100%%; }
    Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    Button { margin-left: 1; }
}
"""

CANCEL = Binding("escape", "cancel", "Cancel", id="dialog_cancel")


class AddFeedDialog(ModalScreen[Subscription | None]):
    """URL (checked and discovered: a web page leads to its feed), title, tags."""

    DEFAULT_CSS = DIALOG_CSS % "AddFeedDialog"
    BINDINGS = [CANCEL]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add a feed", classes="dialog-title")
            yield Input(placeholder="Feed or web page URL", id="url")
            yield Input(placeholder="Title (optional)", id="title")
            yield Input(placeholder="Tags, separated by commas (optional)", id="tags")
            yield Static("", id="add-status", classes="dialog-message", markup=False)
            with Horizontal():
                yield Button("Add", variant="primary", id="add")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def _submit(self) -> None:
        url = self.query_one("#url", Input).value.strip()
        if not url:
            self._error("Type the address of a feed or of a web page that has one.")
            self.query_one("#url", Input).focus()
            return
        title = self.query_one("#title", Input).value.strip() or None
        raw_tags = self.query_one("#tags", Input).value
        tags = [t.strip() for t in raw_tags.split(",") if t.strip()]
        self._say("Checking the address and looking for its feed…")
        self._check(url, title, tags)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="add-check", exit_on_error=False)
    async def _check(self, url: str, title: str | None, tags: list[str]) -> None:
        if self.session.find(url) is not None:
            self._error(f"Already subscribed to {clean(url, 300)}")
            return
        try:
            sub = await self.session.resolve_new_feed(url, title=title, tags=tags)
        except Exception as exc:  # never a traceback: say what happened
            self._error(clean(describe(exc), 500))
            return
        if self.session.find(sub.url) is not None:
            self._error(f"Already subscribed to {clean(sub.url, 300)}")
            return
        self.dismiss(sub)

    def _say(self, text: str) -> None:
        status = self.query_one("#add-status", Static)
        status.set_classes("dialog-message")
        status.update(Text(text))

    def _error(self, text: str) -> None:
        status = self.query_one("#add-status", Static)
        status.set_classes("dialog-error")
        status.update(Text(text))
        self.notify(text, severity="error", markup=False)


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = DIALOG_CSS % "ConfirmDialog"
    BINDINGS = [
        CANCEL,
        Binding("y", "confirm", "Yes", id="dialog_yes"),
        Binding("n", "cancel", "No", id="dialog_no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), classes="dialog-title", markup=False)
            with Horizontal():
                yield Button("Yes (y)", variant="error", id="yes")
                yield Button("No (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def action_cancel(self) -> None:
        self.dismiss(False)


class PromptDialog(ModalScreen[str | None]):
    """One line of text: Enter gives it, Esc cancels (None)."""

    DEFAULT_CSS = DIALOG_CSS % "PromptDialog"
    BINDINGS = [CANCEL]

    def __init__(self, title: str, initial: str = "", *, placeholder: str = "", hint: str = ""):
        super().__init__()
        self.title_text = title
        self.initial = initial
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title", markup=False)
            yield Input(value=self.initial, placeholder=self.placeholder, id="prompt")
            if self.hint:
                yield Static(Text(self.hint), classes="dialog-message", markup=False)

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def search_dialog(initial: str = "") -> PromptDialog:
    return PromptDialog(
        "Search all articles (title, author, text), or a query",
        initial,
        placeholder='words, "a phrase", or title ~ vote and age < 2d',
        hint="Enter searches; text with a field test (or starting with ?) is a query; "
        "an empty search removes the Search entry.",
    )
