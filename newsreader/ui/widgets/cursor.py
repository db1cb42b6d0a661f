"""The cursor movements a virtual list widget shares (the article list, the compare rows)."""

from __future__ import annotations


class CursorMoves:
    """Mixin: the `j/k/g/G` actions of a widget with `cursor`, `row_count` and `move_to()`."""

    cursor: int

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def move_to(self, index: int) -> None:
        raise NotImplementedError

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.row_count - 1)
