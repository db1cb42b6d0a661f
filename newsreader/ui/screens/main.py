"""The main screen: feed pane, article list, article pane, and the keys that drive them.

The state and its helpers are `ReaderState` (screens/reader.py); the actions are
`ArticleActions`, `ReadingTools` and `FeedActions`; this class lays the panes out and
handles their messages.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer

from newsreader.ui.bindings import APP, SCREEN, STORIES
from newsreader.ui.messages import ArticleHighlighted, ArticleOpened, ViewChosen, ViewEntered
from newsreader.ui.screens.article_actions import ArticleActions
from newsreader.ui.screens.feed_actions import FeedActions
from newsreader.ui.screens.reader import FIRST_IDS, ReaderState
from newsreader.ui.screens.reading_tools import ReadingTools
from newsreader.ui.screens.story_actions import StoryActions
from newsreader.ui.widgets.article_list import ArticleList
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.feed_pane import FeedPane
from newsreader.ui.widgets.status import StatusLine
from newsreader.ui.widgets.story_list import StoryList

WIDE = 150  # columns from which the three panes sit side by side


class MainScreen(ArticleActions, ReadingTools, FeedActions, StoryActions):
    BINDINGS = [*APP[:2], *SCREEN, *STORIES]  # ? and q first, so the footer always shows them
    AUTO_FOCUS = "#articles"

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedPane(id="feeds")
            with Vertical(id="right"):
                marks = self.session.story_marks if self.session.settings.stories else None
                yield ArticleList(self.session.rows, self.clock, marks=marks, id="articles")
                yield StoryList(self.clock, id="stories")
                yield ArticleView(id="article").data_bind(ReaderState.article)
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feeds").border_title = "Feeds"
        self.article_view.border_title = "Article"
        # Paint the cached articles at once: the first queries run right here.
        self.story_list.display = False
        self.queries = self.session.query_feed_counts()
        self._apply_counts(self.session.feeds(), self.all_counts())
        # The first screens of the list at once; on a big store the rest comes from a worker
        # (1,000,000 ids: ~0.4 s), the cursor kept where the user has moved it meanwhile.
        first = self.session.view_ids(replace(self.view, sort=self.sort), FIRST_IDS)
        self._show_ids(self.view, first, None, partial=len(first) == FIRST_IDS)
        if len(first) == FIRST_IDS:
            self.reload_view()
        self._start_auto_refresh()
        if self.feeds_auto_refresh and not self.session.settings.refresh_on_start:
            # What `newsreader refresh` stored joins its stories now (a refresh on start
            # groups it with its own new articles).
            self.call_after_refresh(self.group_pending)

    def on_resize(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")

    # ------------------------------------------------------------------ messages
    @on(ViewChosen)
    def _view_chosen(self, event: ViewChosen) -> None:
        self.view_label = event.label
        self.view_error = event.error
        self.view = event.view
        self._say_idle()

    @on(ViewEntered)
    def _view_entered(self, event: ViewEntered) -> None:
        self._list_pane().focus()

    @on(ArticleHighlighted)
    def _highlighted(self, event: ArticleHighlighted) -> None:
        if not self.refreshing:
            self._say_idle()

    @on(ArticleOpened)
    def _opened(self, event: ArticleOpened) -> None:
        self.open_article(event.article_id, focus=True)

    # ------------------------------------------------------------------ focus
    def _list_pane(self) -> Widget:
        return self.story_list if self.in_stories else self.article_list

    def _panes(self) -> list[Widget]:
        return [self.feed_pane, self._list_pane(), self.article_view]

    def action_focus_pane(self, delta: int) -> None:
        panes = self._panes()
        focused = self.focused
        index = next((i for i, p in enumerate(panes) if p is focused), 1)
        panes[(index + delta) % len(panes)].focus()

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, ArticleView):
            self._list_pane().focus()
        elif isinstance(focused, StoryList) and self.leave_story():
            pass
        elif isinstance(focused, ArticleList | StoryList):
            self.feed_pane.focus()
