"""The compare view's actions in the command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding

from newsreader.ui.bindings import keys_for
from newsreader.ui.commands import ActionCommands
from newsreader.ui.compare.keys import PALETTE
from newsreader.ui.compare.rows import CompareRows


class CompareCommands(ActionCommands):
    """The compare view's actions in the command palette (ctrl+p); discover and search come
    from the reading app's provider."""

    def _entries(self) -> Iterator[tuple[str, str, str]]:
        app = self.app
        keymap = getattr(app, "user_keys", {})
        for binding, action in PALETTE:
            keys = ", ".join(app.get_key_display(Binding(k, "")) for k in keys_for(binding, keymap))
            yield binding.description, keys, action

    async def _run(self, action: str) -> None:
        screen = self.screen
        if action.startswith("focused."):
            await screen.query_one(CompareRows).run_action(action.split(".", 1)[1])
        else:
            await screen.run_action(action)
