"""`c` in the reading app: find the original of an article, or ask for it, then compare.

The article is the LEFT side (the copy). `find_original` runs in a thread worker; a confident
best candidate (score >= CONFIDENT) opens the comparison at once (this screen is replaced by
it, so Esc goes straight back to the reading app). Otherwise the candidates are listed, with
an input for a URL, a file path or an article id. Loading and comparing run in an exclusive
thread worker; every failure is a notification, never a traceback.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from newsreader.text.safetext import clean

if TYPE_CHECKING:
    from newsreader.compare.model import Candidate, CompareResult, Document
    from newsreader.session import Session

CONFIDENT = 0.5


def spec_for(raw: str) -> str:
    """What the user typed -> a load_document spec (article id, ~ path, URL)."""
    raw = raw.strip()
    if raw.isdigit() and not os.path.exists(raw):
        return f"article:{raw}"
    if raw.startswith("~"):
        return os.path.expanduser(raw)
    return raw


def candidate_label(c: Candidate) -> Text:
    out = Text(f"{round(c.score * 100):>3}%  ", style="bold")
    out.append(clean(c.title, 200) or "(untitled)")
    if c.feed_title:
        out.append(f" — {clean(c.feed_title, 80)}", style="dim")
    if c.reason:
        out.append(f"  ({clean(c.reason, 80)})", style="italic")
    return out


class CompareOpenScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back", id="compare_open_back")]
    DEFAULT_CSS = """
    CompareOpenScreen {
        align: center top;
        & > Vertical {
            width: 100;
            max-width: 100%;
            height: 1fr;
            padding: 1 2;
        }
        #open-title { text-style: bold; margin-bottom: 1; }
        #open-status { color: $text-muted; margin-bottom: 1; }
        #open-status.-error { color: $text-error; }
        LoadingIndicator { height: 3; }
        OptionList { height: auto; max-height: 12; margin-bottom: 1; }
        Input { width: 100%; }
        .-hidden { display: none; }
    }
    """

    def __init__(self, session: Session, article_id: int) -> None:
        super().__init__()
        self.session = session
        self.article_id = article_id
        self.left: Document | None = None
        self.copies: set[str] = set()  # specs of candidates that are copies of this article
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Compare sources", id="open-title", markup=False)
            yield Static(
                "Looking for the original of this article…", id="open-status", markup=False
            )
            yield LoadingIndicator()
            yield OptionList(id="open-candidates", classes="-hidden")
            yield Input(
                placeholder="URL, file path or article id of the original, then Enter",
                id="open-spec",
                classes="-hidden",
            )
        yield Footer()

    def on_mount(self) -> None:
        self._find()

    # ------------------------------------------------------------------ helpers
    def _say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#open-status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")

    def _loading(self, on: bool) -> None:
        self.busy = on
        self.query_one(LoadingIndicator).display = on

    def _fail(self, what: str, exc: BaseException) -> None:
        self.notify(clean(f"{what}: {exc}", 400), severity="error", markup=False, timeout=8)

    def _post(self, fn: Any, *args: Any) -> None:
        """From a thread worker: run fn on the UI, unless the worker was cancelled."""
        if get_current_worker().is_cancelled:
            return
        try:
            self.app.call_from_thread(fn, *args)
        except RuntimeError:  # the app is closing
            pass

    # ------------------------------------------------------------------ finding the original
    @work(thread=True, exclusive=True, group="compare-open")
    def _find(self) -> None:
        from newsreader.compare import find_original, load_document

        store = self.session.store
        try:
            left = load_document(f"article:{self.article_id}", store=store)
        except Exception as exc:  # every loader error carries a message
            self._post(self._left_failed, exc)
            return
        try:
            candidates = find_original(left, store)
        except Exception as exc:
            self._post(self._fail, "could not search for the original", exc)
            candidates = []
        self._post(self._found, left, candidates)

    def _left_failed(self, exc: BaseException) -> None:
        self._fail("cannot load this article", exc)
        self.app.pop_screen()

    def _found(self, left: Document, candidates: list[Candidate]) -> None:
        from newsreader.compare.find import COPY_REASON

        self.left = left
        # A candidate that is a copy of this article goes on the left when chosen.
        self.copies = {f"article:{c.article_id}" for c in candidates if c.reason == COPY_REASON}
        title = clean(left.title, 200) or "(untitled)"
        self.query_one("#open-title", Static).update(Text(f"Compare sources: {title}"))
        if candidates and candidates[0].score >= CONFIDENT:
            best = candidates[0]
            self._say(f"Comparing with “{clean(best.title, 200)}”…")
            self._run(f"article:{best.article_id}", replace=True)
            return
        self._loading(False)
        options = self.query_one(OptionList)
        options.clear_options()
        for c in candidates:
            options.add_option(Option(candidate_label(c), id=str(c.article_id)))
        options.set_class(not candidates, "-hidden")
        self.query_one(Input).remove_class("-hidden")
        if candidates:
            self._say("Possible originals (Enter compares), or type where the original is:")
            options.highlighted = 0
            options.focus()
        else:
            self._say(
                "No likely original among the stored articles. "
                "Type the original's URL, a file path or an article id:"
            )
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._start(f"article:{event.option.id}")

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw:
            self.notify("Type a URL, a file path or an article id", severity="warning")
            return
        self._start(spec_for(raw))

    def _start(self, spec: str) -> None:
        if self.left is None:
            return
        self._loading(True)
        self._say("Loading the original and comparing…")
        self._run(spec, replace=False)

    # ------------------------------------------------------------------ comparing
    @work(thread=True, exclusive=True, group="compare-run")
    def _run(self, spec: str, replace: bool) -> None:
        from newsreader.compare import compare, load_document

        left = self.left
        assert left is not None
        try:
            right = load_document(spec, store=self.session.store, fetch_html=self._fetch_sync)
        except Exception as exc:  # loader errors (missing file, HTTP error ...) carry a message
            self._post(self._run_failed, "cannot load the original", exc)
            return
        if spec in self.copies:
            left, right = right, left
        try:
            result = compare(left, right)
        except Exception as exc:
            self._post(self._run_failed, "the comparison failed", exc)
            return
        self._post(self._show, result, replace)

    def _fetch_sync(self, url: str) -> tuple[str, str]:
        """load_document's fetch_html, called in the worker thread: fetch on the app's loop."""
        return self.app.call_from_thread(self._fetch, url)

    async def _fetch(self, url: str) -> tuple[str, str]:
        from newsreader.sources.fetch import Fetcher, fetch_html

        fetcher = getattr(self.app, "fetcher", None)
        if fetcher is not None:
            return await fetch_html(url, fetcher)
        from newsreader.refresh import fetch_settings

        async with Fetcher(settings=fetch_settings(self.session.settings)) as own:
            return await fetch_html(url, own)

    def _run_failed(self, what: str, exc: BaseException) -> None:
        self._fail(what, exc)
        self._loading(False)
        self._say(clean(f"{what}: {exc}", 300), error=True)
        spec = self.query_one(Input)
        spec.remove_class("-hidden")
        if not self.query_one(OptionList).has_class("-hidden"):
            self.query_one(OptionList).focus()
        else:
            spec.focus()

    def _show(self, result: CompareResult, replace: bool) -> None:
        from newsreader.ui.compare.screen import CompareScreen

        self._loading(False)
        if replace and self.app.screen is self:
            self.app.switch_screen(CompareScreen(result))
        else:
            self._say("Pick another original, or Esc to go back:")
            self.app.push_screen(CompareScreen(result))

    def action_back(self) -> None:
        self.workers.cancel_node(self)
        self.app.pop_screen()
