"""Every key binding of the app, declared once.

The same lists feed the widgets' BINDINGS (so the Footer shows them), the `?` help screen and
the command palette. Each binding has an id, so a user remaps it in config.toml:

    [keys]
    down = "j,down,ctrl+n"
    star = "S"

(the app passes `settings.keys` to Textual's `App.set_keymap`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding

# Movement: every pane implements these actions (OptionList already has them).
NAV: list[Binding] = [
    Binding("j,down", "cursor_down", "Down", show=False, id="down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="up"),
    Binding("g,home", "first", "Top", show=False, id="top"),
    Binding("G,end", "last", "Bottom", show=False, id="bottom"),
    Binding("space,pagedown", "page_down", "Page down", show=False, id="page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
]

# Opening: in the feed pane it shows the feed's articles, in the list it opens the article.
OPEN: list[Binding] = [Binding("enter", "select", "Open", id="open")]

# Actions of the main screen (work whichever pane has focus).
SCREEN: list[Binding] = [
    Binding("tab", "focus_pane(1)", "Next pane", show=False, id="next_pane"),
    Binding("shift+tab", "focus_pane(-1)", "Previous pane", show=False, id="previous_pane"),
    Binding("escape", "back", "Back", show=False, id="back"),
    Binding("n", "next_unread", "Next unread", id="next_unread"),
    Binding("p", "previous_unread", "Previous unread", show=False, id="previous_unread"),
    Binding("J", "next_article", "Next article", show=False, id="next_article"),
    Binding("K", "previous_article", "Previous article", show=False, id="previous_article"),
    Binding("m", "toggle_read", "Read/unread", show=False, id="toggle_read"),
    Binding("A", "mark_all_read", "Mark all read", show=False, id="mark_all_read"),
    Binding("u", "undo", "Undo mark read", show=False, id="undo"),
    Binding("s", "toggle_star", "Star", id="star"),
    Binding("o", "open_browser", "Open in browser", show=False, id="open_browser"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
    Binding("l", "links", "Links", show=False, id="links"),
    Binding("vertical_line", "pipe", "Pipe to command", show=False, id="pipe"),
    Binding("w", "save", "Save article", show=False, id="save"),
    Binding("t", "sort", "Sort", show=False, id="sort"),
    Binding("f", "full_text", "Full text", id="full_text"),
    Binding("c", "compare", "Compare", show=False, id="compare"),
    Binding("r", "refresh_feed", "Refresh feed", show=False, id="refresh_feed"),
    Binding("R", "refresh_all", "Refresh all", id="refresh_all"),
    Binding("a", "add_feed", "Add feed", id="add_feed"),
    Binding("d", "remove_feed", "Remove feed", show=False, id="remove_feed"),
    Binding("slash", "search", "Search", id="search"),
]

# Stories (the "Stories" entry of the feed pane). `c` in the story list compares the article
# with its story's original, or the two articles marked with `x`.
STORY_LIST: list[Binding] = [
    Binding("c", "story_compare", "Compare in story", id="story_compare"),
]
STORIES: list[Binding] = [
    Binding("x", "story_mark", "Mark (compare/merge)", id="story_mark"),
    Binding("X", "story_split", "Split from story", id="story_split"),
    Binding("M", "story_merge", "Merge marked story", id="story_merge"),
]

APP: list[Binding] = [
    Binding("question_mark", "app.help", "Keys", id="help"),
    Binding("q", "app.quit", "Quit", id="quit"),
    Binding("ctrl+p", "app.command_palette", "Commands", show=False, id="command_palette"),
]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    bindings: list[Binding]
    namespace: str  # where the action runs: "focused", "screen" or "app"


SECTIONS: list[Section] = [
    Section("Move (every pane)", [*NAV, *OPEN], "focused"),
    Section("Articles and feeds", SCREEN, "screen"),
    Section("Stories", [*STORY_LIST, *STORIES], "screen"),
    Section("App", APP, "app"),
]


def keys_for(binding: Binding, keymap: Mapping[str, str] | None = None) -> list[str]:
    """The keys that trigger `binding` now (the user's keymap wins)."""
    raw = (keymap or {}).get(binding.id or "", "") or binding.key
    return [k.strip() for k in raw.split(",") if k.strip()]


def command_entries() -> Iterable[tuple[Binding, str]]:
    """(binding, namespace) for the command palette: screen and app actions."""
    for section in SECTIONS:
        if section.namespace == "focused":
            continue
        for b in section.bindings:
            if b.action in ("app.command_palette", "back") or b.action.startswith("focus_pane"):
                continue
            yield b, section.namespace
