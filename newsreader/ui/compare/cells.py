"""The compare view's rows styled for the theme: `compare.present` rows as rich `Text`.

Everything the rows say (role, number, texts, changed words, chips) comes from
`newsreader.compare.present`, shared with `--print`; this module only adds the styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text

from newsreader.compare.model import CompareResult, Row
from newsreader.compare.present import (
    LEGEND,
    NOT_DIFFERENCES,
    TAGS,
    Piece,
    count_roles,
    plain,
    present,
    side_text,
    word_diff,
)

__all__ = [
    "LEGEND",
    "NOT_DIFFERENCES",
    "TAGS",
    "RowCells",
    "build_cells",
    "count_roles",
    "diff_notation",
    "side_text",
]


@dataclass(slots=True)
class RowCells:
    index: int
    kind: str  # a key of TAGS (the display role)
    left: Text | None  # None: this side has no text in the row (a gap)
    right: Text | None
    chips: list[str] = field(default_factory=list)
    segment_kind: str = "body"

    @property
    def glyph(self) -> str:
        return TAGS[self.kind][0]

    @property
    def tag(self) -> str:
        return TAGS[self.kind][1]

    @property
    def identical(self) -> bool:
        return (
            self.left is not None and self.right is not None and self.left.plain == self.right.plain
        )


def _text(pieces: list[Piece] | None, style: Style) -> Text | None:
    if pieces is None:
        return None
    out = Text()
    for p in pieces:
        if out.plain and not out.plain.endswith(" "):
            out.append(" ")
        out.append(p.text, style if p.changed else None)
    return out if plain(pieces) is not None else None


def build_cells(result: CompareResult, styles: Mapping[str, Style]) -> list[RowCells]:
    """One RowCells per result row; `styles` maps "word_ins" (the copy's own words) and
    "word_del" (the original's words the copy lacks) to styles."""
    ins, dele = styles.get("word_ins", Style()), styles.get("word_del", Style())
    return [
        RowCells(v.index, v.role, _text(v.left, ins), _text(v.right, dele), v.chips,
                 v.segment_kind)
        for v in present(result)
    ]  # fmt: skip


def diff_notation(row: Row) -> Text:
    """The word diff in git's word-diff notation ([-dropped-] {+added+}): readable without
    colour. Returned as Text (the words are untrusted and never parsed)."""
    out = Text()
    for words, kind in word_diff(row):
        if out.plain:
            out.append(" ")
        if kind == "original_only":
            out.append(f"[-{words}-]", Style(strike=True, bold=True))
        elif kind == "copy_only":
            out.append(f"{{+{words}+}}", Style(underline=True, bold=True))
        else:
            out.append(words)
    return out
