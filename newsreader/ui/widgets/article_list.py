"""The article list: a virtual list over article ids (Line API).

It holds only the ids of the view, newest first, and asks its row source (`Session.rows`) for
the rows in view into a small cache, so 100,000 articles paint as fast as ten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.models import ArticleRow
from newsreader.text.safetext import clean
from newsreader.ui.bindings import NAV, OPEN
from newsreader.ui.format import age
from newsreader.ui.messages import ArticleHighlighted, ArticleOpened
from newsreader.ui.widgets.cursor import CursorMoves

CACHE_LIMIT = 4000
FETCH_MARGIN = 40


class ArticleList(CursorMoves, ScrollView, can_focus=True):
    BINDINGS = [*NAV, *OPEN]
    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--meta",
        "article-list--star",
    }
    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .article-list--unread { text-style: bold; }
        & > .article-list--read { color: $text-muted; }
        & > .article-list--meta { color: $text-muted; text-style: not bold; }
        & > .article-list--star { color: $text-warning; }
        & > .article-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .article-list--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    cursor: reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
    show_feed: reactive[bool] = reactive(True)
    empty_text: reactive[str] = reactive("No articles here.")

    def __init__(
        self,
        rows: Callable[[Sequence[int]], list[ArticleRow]],
        clock: Callable[[], datetime],
        *,
        marks: Callable[[list[int]], dict[int, tuple[int, int]]] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = rows
        self.clock = clock
        self.marks = marks  # {id: (story, sources)}: the "N sources" mark of the rows in view
        self.ids: Sequence[int] = []
        self.partial = False  # ids holds only the first of the view's (the rest is loading)
        self._cache: dict[int, ArticleRow] = {}
        self._sources: dict[int, int] = {}
        self._now: datetime = clock()

    # ------------------------------------------------------------------ data
    def set_ids(
        self, ids: Sequence[int], keep: int | None = None, *, partial: bool = False
    ) -> None:
        """Show a new id list; keep the cursor on article `keep` (and its screen row).
        `partial`: the list is the first of the view's ids, the rest is being read."""
        old_row = self.cursor - int(self.scroll_y)
        self.ids = ids
        self.partial = partial
        self._cache.clear()
        self._sources.clear()
        self.virtual_size = Size(self.size.width, len(ids))
        index = 0
        if keep is not None:
            try:
                index = ids.index(keep)
            except ValueError:
                index = min(self.cursor, max(len(ids) - 1, 0))
        self.scroll_to(y=max(index - max(old_row, 0), 0), animate=False, immediate=True)
        self.cursor = max(0, min(index, len(ids) - 1))
        self.refresh()

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def row(self, index: int) -> ArticleRow | None:
        if not 0 <= index < len(self.ids):
            return None
        aid = self.ids[index]
        got = self._cache.get(aid)
        if got is None:
            self._fetch_around(index)
            got = self._cache.get(aid)
        return got

    def _fetch_around(self, index: int) -> None:
        top = int(self.scroll_y)
        lo = max(0, min(index, top) - FETCH_MARGIN)
        hi = max(index, top + self.size.height) + FETCH_MARGIN
        want = [i for i in self.ids[lo:hi] if i not in self._cache]
        if len(self._cache) + len(want) > CACHE_LIMIT:
            self._cache.clear()
            self._sources.clear()
            want = list(self.ids[lo:hi])
        if self.marks is not None and want:
            got = self.marks(want)
            self._sources.update((a, n) for a, (_, n) in got.items() if n > 1)
        for r in self.rows(want):
            self._cache[r.id] = r
            r.title = clean(r.title, 300) or "(untitled)"
            r.feed_title = clean(r.feed_title, 80)

    def update_row(self, article_id: int, **changes: object) -> None:
        """Reflect a state change (read, starred) without a reload."""
        got = self._cache.get(article_id)
        if got is not None:
            self._cache[article_id] = replace(got, **changes)  # type: ignore[arg-type]
        self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self._sources.clear()
        self.refresh()

    # ------------------------------------------------------------------ painting
    def render_lines(self, crop: Region) -> list[Strip]:
        self._now = self.clock()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = int(self.scroll_y) + y
        if not self.ids:
            if y == 0:
                style = base + self.get_component_rich_style("article-list--read")
                return Strip([Segment(set_cell_size(" " + self.empty_text, width), style)])
            return Strip.blank(width, base)
        row = self.row(index)
        if row is None:
            return Strip.blank(width, base)
        return self._render_row(row, index, width, base)

    def _render_row(self, row: ArticleRow, index: int, width: int, base: Style) -> Strip:
        state = "article-list--read" if row.read else "article-list--unread"
        style = base + self.get_component_rich_style(state)
        meta = base + self.get_component_rich_style("article-list--meta")
        star = base + self.get_component_rich_style("article-list--star")
        if index == self.cursor:
            cursor = self.get_component_rich_style("article-list--cursor")
            style, meta, star = style + cursor, meta + cursor, star + cursor
        feed_w = min(22, width // 4) if self.show_feed and width >= 50 else 0
        age_w = 4
        sources = self._sources.get(row.id, 0)
        mark = ""
        if sources and width >= 40:  # narrow lists keep the titles' room
            mark = f" {sources} sources" if width >= 70 else f" {sources} src"
        title_w = max(width - 3 - (feed_w + 1 if feed_w else 0) - (age_w + 1) - len(mark), 1)
        segs = [
            Segment("●" if not row.read else " ", style),
            Segment("★" if row.starred else " ", star),
            Segment(" ", style),
            Segment(_fit(row.title, title_w), style),
        ]
        if mark:  # in a story with other feeds' reports of the same event
            segs.append(Segment(mark, meta))
        if feed_w:
            segs.append(Segment(" " + _fit(row.feed_title or "", feed_w), meta))
        segs.append(Segment(" " + age(row.published, self._now).rjust(age_w), meta))
        return Strip(segs).adjust_cell_length(width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # ------------------------------------------------------------------ cursor
    def watch_cursor(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        if self.ids:
            self._scroll_cursor_into_view()
        if self.ids and int(self.scroll_y) == top:  # only the two rows change: repaint those
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self.post_message(ArticleHighlighted(self.current_id, new))

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self.ids:
            self.cursor = max(0, min(index, len(self.ids) - 1))

    @property
    def row_count(self) -> int:
        return len(self.ids)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_select(self) -> None:
        aid = self.current_id
        if aid is not None:
            self.post_message(ArticleOpened(aid, self.cursor))

    async def _on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y
        if 0 <= index < len(self.ids):
            self.cursor = index
            self.action_select()


def _fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, with an ellipsis when cut."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
