"""The story list: the stories of two or more sources, and the articles of one story.

Two levels in one list. Stories: the headline (the likely original's), then how many sources,
which feed has the likely original, how many copies, the age of the latest report. Enter lists
the story's articles with their roles (original / coverage / copy); Esc goes back up. `x`
marks articles (two marked: `c` compares them) or a story (`M` on another merges them). Every
string comes from feeds: cleaned, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.text.safetext import clean
from newsreader.ui.bindings import NAV, OPEN, STORY_LIST
from newsreader.ui.format import age, foreground
from newsreader.ui.messages import ArticleHighlighted, ArticleOpened, StoryEntered

if TYPE_CHECKING:  # plain rows (the stories package itself is not loaded by the app)
    from newsreader.stories import StoryArticle, StoryRow

ROLE_LABEL = {"original": "original", "coverage": "coverage", "copy": "copy"}


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _fit(text: str, width: int) -> str:
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class StoryList(OptionList):
    BINDINGS = [*NAV, *OPEN, *STORY_LIST]
    COMPONENT_CLASSES = {
        "story-list--meta",
        "story-list--original",
        "story-list--copy",
        "story-list--mark",
        "story-list--read",
    }
    DEFAULT_CSS = """
    StoryList {
        height: 1fr;
        background: $surface;
        & > .story-list--meta { color: $text-muted; }
        & > .story-list--original { color: $text-success; text-style: bold; }
        & > .story-list--copy { color: $text-warning; }
        & > .story-list--mark { color: $text-accent; text-style: bold; }
        & > .story-list--read { color: $text-muted; }
    }
    """

    def __init__(self, clock: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self.clock = clock
        self.stories: list[StoryRow] = []
        self.story: StoryRow | None = None  # the story whose articles are listed
        self.articles: list[StoryArticle] = []
        self.marked: list[int] = []  # marked article ids (in a story) or story ids

    # ------------------------------------------------------------------ data
    @property
    def in_story(self) -> bool:
        return self.story is not None

    def show_stories(self, stories: list[StoryRow], keep: int | None = None) -> None:
        """List the stories; keep the cursor on story `keep`."""
        if self.story is not None:
            keep, self.marked = self.story.id, []
        self.story = None
        self.articles = []
        self.stories = stories
        known = {s.id for s in stories}
        self.marked = [m for m in self.marked if m in known]
        self._rebuild([s.id for s in stories].index(keep) if keep in known else 0)

    def show_articles(self, story: StoryRow, articles: list[StoryArticle]) -> None:
        """List one story's articles (its original first)."""
        if self.story is None or self.story.id != story.id:
            self.marked = []
        keep = self.current_article.id if self.current_article is not None else None
        self.story = story
        self.articles = articles
        ids = [a.id for a in articles]
        self.marked = [m for m in self.marked if m in ids]
        self._rebuild(ids.index(keep) if keep in ids else 0)

    def _rebuild(self, index: int) -> None:
        with self.prevent(OptionList.OptionHighlighted):
            if self.story is None:
                self.set_options(Option(self._story_prompt(s), id=f"s{s.id}") for s in self.stories)
            else:
                self.set_options(
                    Option(self._article_prompt(a), id=f"a{a.id}") for a in self.articles
                )
            self.highlighted = index if self.option_count else None
        self._announce()

    @property
    def current_story(self) -> StoryRow | None:
        if self.story is not None:
            return self.story
        i = self.highlighted
        return self.stories[i] if i is not None and 0 <= i < len(self.stories) else None

    @property
    def current_article(self) -> StoryArticle | None:
        i = self.highlighted
        if self.story is None or i is None or not 0 <= i < len(self.articles):
            return None
        return self.articles[i]

    def toggle_mark(self) -> int | None:
        """Mark or unmark the highlighted article (or story); the id, or None."""
        item = self.current_article if self.in_story else self.current_story
        if item is None:
            return None
        if item.id in self.marked:
            self.marked.remove(item.id)
        else:
            self.marked.append(item.id)
            if self.in_story:
                self.marked = self.marked[-2:]  # two articles at most: a comparison
            else:
                self.marked = self.marked[-1:]  # one story: the one to merge
        self._refresh_prompts()
        return item.id

    def set_read(self, article_ids: set[int]) -> None:
        self.articles = [a if a.id not in article_ids else _read(a) for a in self.articles]
        self._refresh_prompts()

    # ------------------------------------------------------------------ painting
    def _style(self, name: str) -> Style:
        return foreground(self.get_component_rich_style(f"story-list--{name}"))

    def _width(self) -> int:
        return max(self.scrollable_content_region.width - 1, 20)

    def _story_prompt(self, s: StoryRow) -> Text:
        width = self._width()
        mark = "✓ " if s.id in self.marked else ("● " if s.unread else "  ")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(mark, self._style("mark") if s.id in self.marked else "")
        title = clean(s.title, 300) or "(untitled)"
        text.append(_fit(title, width - 2), "" if s.unread else self._style("read"))
        meta = f"  {s.sources} sources"
        if s.original_feed:
            meta += f" · original: {clean(s.original_feed, 60)}"
        if s.copies:
            meta += f" · {s.copies} cop{'y' if s.copies == 1 else 'ies'}"
        when = age(_when(s.last_seen), self.clock())
        text.append("\n")
        text.append(_fit(meta, width - len(when) - 1) + " " + when, self._style("meta"))
        return text

    def _article_prompt(self, a: StoryArticle) -> Text:
        width = self._width()
        marked = a.id in self.marked
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("✓ " if marked else ("● " if not a.read else "  "), self._style("mark"))
        role = ROLE_LABEL.get(a.role, a.role)
        style = {"original": "original", "copy": "copy"}.get(a.role, "meta")
        text.append(_fit(role, 9), self._style(style))
        feed_w = min(22, width // 4)
        when = age(_when(a.published), self.clock())
        title_w = width - 2 - 9 - feed_w - 1 - len(when) - 1
        title = clean(a.title, 300) or "(untitled)"
        text.append(_fit(title, title_w), self._style("read") if a.read else "")
        text.append(" " + _fit(clean(a.feed, 80), feed_w), self._style("meta"))
        text.append(" " + when, self._style("meta"))
        return text

    def _refresh_prompts(self) -> None:
        if not self.is_mounted:
            return
        if self.story is None:
            for i, s in enumerate(self.stories):
                self.replace_option_prompt_at_index(i, self._story_prompt(s))
        else:
            for i, a in enumerate(self.articles):
                self.replace_option_prompt_at_index(i, self._article_prompt(a))

    def on_resize(self) -> None:
        self._refresh_prompts()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._refresh_prompts()

    # ------------------------------------------------------------------ events
    def _announce(self) -> None:
        a = self.current_article
        self.post_message(ArticleHighlighted(a.id if a else None, self.highlighted or 0))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._announce()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.story is None:
            s = self.current_story
            if s is not None:
                self.post_message(StoryEntered(s.id))
            return
        a = self.current_article
        if a is not None:
            self.post_message(ArticleOpened(a.id, self.highlighted or 0))

    async def action_story_compare(self) -> None:
        await self.screen.run_action("story_compare")


def _read(a: StoryArticle) -> StoryArticle:
    return replace(a, read=True)
