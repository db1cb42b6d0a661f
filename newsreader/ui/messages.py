"""Messages the panes post up to the main screen (which owns the state)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from newsreader.query import View


@dataclass
class ViewChosen(Message):
    """The feed pane highlighted an entry: show this view. `error` is the feed's last error."""

    view: View
    label: str
    error: str | None = None


@dataclass
class ViewEntered(Message):
    """Enter in the feed pane: move to the article list."""

    view: View


@dataclass
class ArticleHighlighted(Message):
    """The list cursor moved."""

    article_id: int | None
    index: int


@dataclass
class ArticleOpened(Message):
    """Enter (or a click) on a list row: show the article in the article pane."""

    article_id: int
    index: int


@dataclass
class StoryEntered(Message):
    """Enter on a story in the story list: list its articles."""

    story_id: int
