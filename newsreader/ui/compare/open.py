"""`c` in the reading app: find the original of an article, or ask for it, then compare.

The article is the LEFT side (the copy). `Session.compare_article` runs in a worker; a
confident best candidate opens the comparison at once (this screen is replaced by it, so Esc
goes straight back to the reading app). Otherwise the candidates are listed, with an input for
a URL, a file path or an article id (`Session.compare_with`). Every failure is a
notification, never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from newsreader.errors import UserError
from newsreader.text.safetext import clean
from newsreader.ui.errors import ShowsWorkerErrors, report

if TYPE_CHECKING:
    from newsreader.compare.follow import FollowResult, SourceCandidate
    from newsreader.compare.model import Candidate, CompareResult, Document
    from newsreader.session import Session


def source_label(c: SourceCandidate) -> Text:
    """A page the copy links to, with how sure the comparison is that the copy derives from it."""
    out = Text(f"{round(c.confidence * 100):>3}%  ", style="bold")
    out.append(clean(c.title, 200) or clean(c.final_url or c.url, 200))
    out.append(f" — linked as “{clean(c.cue, 60)}”", style="dim")
    return out


def candidate_label(c: Candidate) -> Text:
    out = Text(f"{round(c.score * 100):>3}%  ", style="bold")
    out.append(clean(c.title, 200) or "(untitled)")
    if c.feed_title:
        out.append(f" — {clean(c.feed_title, 80)}", style="dim")
    if c.reason:
        out.append(f"  ({clean(c.reason, 80)})", style="italic")
    return out


class CompareOpenScreen(ShowsWorkerErrors, Screen[None]):
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
        self.specs: list[str] = []  # what each listed candidate loads (article:ID or a URL)
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

    # ------------------------------------------------------------------ finding the original
    @work(exclusive=True, group="compare-open", exit_on_error=False)
    async def _find(self) -> None:
        try:
            outcome = await self.session.compare_article(self.article_id, online=False)
        except UserError as exc:
            report(self, UserError(f"cannot compare this article: {exc}"))
            self.app.pop_screen()
            return
        self.left = outcome.left
        self.copies = outcome.copies
        title = clean(outcome.left.title, 200) or "(untitled)"
        self.query_one("#open-title", Static).update(Text(f"Compare sources: {title}"))
        if outcome.result is not None:
            self._show(outcome.result, replace=True)
            return
        self._say("No confident original among the stored articles: following the copy's links…")
        followed = await self.session.follow_source(outcome.left)
        if followed.best is not None and followed.best.result is not None:
            self.notify(clean(followed.message, 300), timeout=6, markup=False)
            self._show(followed.best.result, replace=True)
            return
        self._list(outcome.candidates, followed)

    def _list(self, candidates: list[Candidate], followed: FollowResult | None = None) -> None:
        self._loading(False)
        options = self.query_one(OptionList)
        options.clear_options()
        self.specs = []
        for c in candidates:
            self.specs.append(f"article:{c.article_id}")
            options.add_option(Option(candidate_label(c), id=str(len(self.specs) - 1)))
        tried = followed.candidates if followed is not None else []
        for fc in tried:
            if fc.error is None:
                self.specs.append(fc.final_url or fc.url)
                options.add_option(Option(source_label(fc), id=str(len(self.specs) - 1)))
        options.set_class(not self.specs, "-hidden")
        self.query_one(Input).remove_class("-hidden")
        note = f" {clean(followed.message, 300)}" if followed is not None else ""
        if self.specs:
            self._say(f"Possible originals (Enter compares), or type where the original is.{note}")
            options.highlighted = 0
            options.focus()
        else:
            self._say(
                f"No likely original among the stored articles.{note} "
                "Type the original's URL, a file path or an article id:"
            )
            self.query_one(Input).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._start(self.specs[int(event.option.id)])

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not raw:
            self.notify("Type a URL, a file path or an article id", severity="warning")
            return
        self._start(raw)

    def _start(self, spec: str) -> None:
        if self.left is None:
            return
        self._loading(True)
        self._say("Loading the original and comparing…")
        self._run(spec)

    # ------------------------------------------------------------------ comparing
    @work(exclusive=True, group="compare-run", exit_on_error=False)
    async def _run(self, spec: str) -> None:
        assert self.left is not None
        try:
            result = await self.session.compare_with(self.left, spec, self.copies)
        except UserError as exc:
            self._run_failed(f"cannot load the original: {exc}")
            return
        self._show(result, replace=False)

    def _run_failed(self, message: str) -> None:
        report(self, UserError(message))
        self._loading(False)
        self._say(clean(message, 300), error=True)
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
