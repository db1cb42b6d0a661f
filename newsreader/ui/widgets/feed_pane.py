"""The feed pane: All, Unread, Starred, Stories (and a Search entry), then feeds grouped by tag.

Each entry shows its unread count; a failing feed carries a `!` mark and its error travels up
with the `ViewChosen` message when it is highlighted (the screen shows it in the status line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.models import FeedRow
from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.ui.bindings import NAV, OPEN
from newsreader.ui.format import foreground
from newsreader.ui.messages import ViewChosen, ViewEntered

if TYPE_CHECKING:
    from newsreader.query.feeds import QueryFeedCount


@dataclass(slots=True)
class Entry:
    option_id: str
    view: View
    label: str
    count: int
    indent: int = 0
    error: str | None = None
    header: bool = False
    selectable: bool = True  # a section title that shows nothing of its own


def build_entries(
    feeds: list[FeedRow],
    counts: dict[str, int],
    search: View | None = None,
    queries: Sequence[QueryFeedCount] = (),
    *,
    stories: bool = True,
) -> list[Entry]:
    """All, Unread, Starred, Stories (unless `stories = false`), the search (a word search or
    a query), the query feeds of feeds.toml, then the feeds grouped by tag."""
    out = [
        Entry("all", View("all"), "All", counts.get("unread", 0)),
        Entry("unread", View("unread"), "Unread", counts.get("unread", 0)),
        Entry("starred", View("starred"), "Starred", counts.get("starred", 0)),
    ]
    if stories:
        out.append(Entry("stories", View("stories"), "Stories", counts.get("stories", 0)))
    if search is not None:
        label = "Search: " + clean(search.query, 60)
        out.append(Entry("search", search, label, 0))
    if queries:
        out.append(Entry("queries", View("all"), "Queries", 0, header=True, selectable=False))
    for i, q in enumerate(queries):
        view = View("query", query=q.feed.query)
        error = clean(q.error, 500) or None
        out.append(Entry(f"query:{i}", view, clean(q.feed.title, 200), q.unread, 2, error))
    tags: dict[str, list[FeedRow]] = {}
    untagged: list[FeedRow] = []
    for f in feeds:
        for t in f.tags or []:
            tags.setdefault(t, []).append(f)
        if not f.tags:
            untagged.append(f)
    for tag, members in tags.items():
        unread = sum(f.unread for f in members)
        out.append(Entry(f"tag:{tag}", View("tag", tag=tag), clean(tag, 60), unread, header=True))
        out += [_feed_entry(f, f"feed:{f.id}:{tag}", 2) for f in members]
    out += [_feed_entry(f, f"feed:{f.id}", 0) for f in untagged]
    return out


def _feed_entry(f: FeedRow, option_id: str, indent: int) -> Entry:
    label = clean(f.title or f.url, 200)
    error = clean(f.error, 500) or None
    return Entry(option_id, View("feed", feed_id=f.id), label, f.unread, indent, error)


class FeedPane(OptionList):
    BINDINGS = [*NAV, *OPEN]
    COMPONENT_CLASSES = {"feed-pane--error", "feed-pane--count", "feed-pane--header"}
    DEFAULT_CSS = """
    FeedPane {
        height: 1fr;
        max-height: 100%;
        & > .feed-pane--error { color: $text-error; text-style: bold; }
        & > .feed-pane--count { color: $text-muted; }
        & > .feed-pane--header { text-style: bold; color: $text-accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self.entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._built_for: tuple[int, Style, Style, Style] | None = None  # the prompts' looks

    def show_entries(self, entries: list[Entry], keep: View | None = None) -> None:
        """Rebuild the options (when their set changed) or just update labels and counts."""
        old = self.entries
        same = [e.option_id for e in entries] == [e.option_id for e in old]
        self.entries = entries
        self._by_id = {e.option_id: e for e in entries}
        if same:  # only the entries whose count, label or mark changed (5,000 feeds: a few)
            looks = self._looks()
            for i, e in enumerate(entries):
                if e != old[i] or looks != self._built_for:
                    self.replace_option_prompt_at_index(i, self._prompt(e, looks))
            self._built_for = looks
            return
        current = self.highlighted_option.id if self.highlighted_option else None
        looks = self._looks()
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(
                Option(self._prompt(e, looks), id=e.option_id, disabled=not e.selectable)
                for e in entries
            )
            self._built_for = looks
            index = self._index_for(current, keep)
            self.highlighted = index
        if self.highlighted_option is None or self.highlighted_option.id != current:
            self._announce()

    def select_view(self, view: View) -> Entry | None:
        """Highlight the entry of `view` without announcing it (the caller shows it)."""
        for i, e in enumerate(self.entries):
            if e.view == view:
                with self.prevent(OptionList.OptionHighlighted):
                    self.highlighted = i
                return e
        return None

    def _index_for(self, current: str | None, keep: View | None) -> int:
        ids = [e.option_id for e in self.entries]
        if current in ids:
            return ids.index(current)
        if keep is not None:
            for i, e in enumerate(self.entries):
                if e.view == keep:
                    return i
        return 0

    @property
    def current(self) -> Entry | None:
        opt = self.highlighted_option
        return self._by_id.get(opt.id) if opt is not None and opt.id else None

    def _looks(self) -> tuple[int, Style, Style, Style]:
        """What every prompt depends on besides its entry: the width and the three styles."""
        return (
            max(self.scrollable_content_region.width, 12),
            self._style("error"),
            self._style("header"),
            self._style("count"),
        )

    def _prompt(self, e: Entry, looks: tuple[int, Style, Style, Style]) -> Text:
        width, error, header, count_style = looks
        count = str(e.count) if e.count else ""
        mark = "! " if e.error else ""
        name_w = max(width - e.indent - cell_len(mark) - len(count) - 1, 1)
        name = e.label if cell_len(e.label) <= name_w else set_cell_size(e.label, name_w - 1) + "…"
        text = Text(" " * e.indent, no_wrap=True, overflow="ellipsis")
        if mark:
            text.append(mark, error)
        text.append(set_cell_size(name, name_w), header if e.header else "")
        text.append(" " + count, count_style)
        return text

    def _style(self, name: str) -> Style:
        return foreground(self.get_component_rich_style(f"feed-pane--{name}"))

    def on_resize(self) -> None:
        self._refresh_prompts()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._refresh_prompts()  # a theme change recolours the marks and counts

    def _refresh_prompts(self) -> None:
        """Rebuild the prompts when the width or the styles changed (not on every resize or
        style pass: 5,000 prompts take ~0.3 s)."""
        if not (self.entries and self.is_mounted):
            return
        looks = self._looks()
        if looks == self._built_for:
            return
        self._built_for = looks
        for i, e in enumerate(self.entries):
            self.replace_option_prompt_at_index(i, self._prompt(e, looks))

    def _announce(self) -> None:
        e = self.current
        if e is not None:
            self.post_message(ViewChosen(e.view, e.label, e.error))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._announce()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        e = self.current
        if e is not None:
            self.post_message(ViewEntered(e.view))
