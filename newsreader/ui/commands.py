"""The command palette lists the same actions as the footer and the help screen."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from newsreader.ui.bindings import command_entries, keys_for


class ActionCommands(Provider):
    def _entries(self) -> Iterator[tuple[str, str, str]]:
        """(description, keys, action) for the actions available on the current screen."""
        app = self.app
        keymap = getattr(app, "user_keys", {})
        for binding, namespace in command_entries():
            if namespace == "screen":
                name = binding.action.split("(")[0]
                if not hasattr(self.screen, f"action_{name}"):
                    continue
                action = binding.action
            else:
                action = binding.action
            keys = ", ".join(app.get_key_display(Binding(k, "")) for k in keys_for(binding, keymap))
            yield binding.description, keys, action

    async def _run(self, action: str) -> None:
        await self.screen.run_action(action)

    async def discover(self) -> Hits:
        for name, keys, action in self._entries():
            yield DiscoveryHit(name, partial(self._run, action), help=f"key: {keys}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, keys, action in self._entries():
            score = matcher.match(name)
            if score > 0:
                run = partial(self._run, action)
                yield Hit(score, matcher.highlight(name), run, help=f"key: {keys}")
