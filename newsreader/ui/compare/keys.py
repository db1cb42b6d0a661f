"""Key bindings of the compare view, declared once (footer, legend and command palette).

Each binding has an id, so a user remaps it in config.toml `[keys]` like the reading app's.
Movement reuses the reading app's NAV bindings (same ids, same user keymap).
"""

from __future__ import annotations

from textual.binding import Binding

from newsreader.ui.bindings import NAV

# On the rows view (the focused widget).
ROWS: list[Binding] = [
    *NAV,
    Binding("n", "next_difference", "Next diff", id="compare_next"),
    Binding("N", "previous_difference", "Previous diff", id="compare_previous"),
    Binding("enter", "details", "Details", id="compare_details"),
]

# On the compare screen.
SCREEN: list[Binding] = [
    Binding("question_mark", "legend", "Legend", id="compare_legend"),
    Binding("escape,q", "back", "Back", id="compare_back"),
]

# Inside the modals (row details, legend).
CLOSE = Binding("escape,q,enter,question_mark", "close", "Close", id="compare_close")
MODAL: list[Binding] = [
    CLOSE,
    Binding("j,down", "scroll('down')", "Down", show=False),
    Binding("k,up", "scroll('up')", "Up", show=False),
]

# What the command palette offers on the compare screen: (binding, action to run there).
PALETTE: list[tuple[Binding, str]] = [
    (ROWS[-3], "focused.next_difference"),
    (ROWS[-2], "focused.previous_difference"),
    (ROWS[-1], "focused.details"),
    (SCREEN[0], "legend"),
    (SCREEN[1], "back"),
]
