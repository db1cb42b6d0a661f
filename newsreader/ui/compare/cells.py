"""What each comparison row shows, independent of layout: tag, texts with word diffs, chips.

Every string taken from the result (segments, titles, fact labels) is untrusted: it goes
through `safetext.clean` and only ever into `rich.text.Text` objects (never a markup parser).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text

from newsreader.compare.model import CompareResult, Document, Row
from newsreader.compare.render import TAGS
from newsreader.text.safetext import clean

TEXT_LIMIT = 20_000  # characters of one cell (a paragraph); clean() cuts with an ellipsis


LEGEND: list[tuple[str, str]] = [
    ("same", "the copy carries the original's sentence (nearly) word for word"),
    ("changed", "aligned sentences that differ: changed words are highlighted"),
    ("moved", "the sentence sits elsewhere in the other text (see the row pointer)"),
    ("added", "only in the copy (left): the aggregator added it"),
    ("dropped", "only in the original (right): the copy left it out"),
    ("boilerplate", "padding: disclaimers, share prompts, copyright lines (one line each)"),
]

SIDE_KIND = {"left_only": "added", "right_only": "dropped"}
META_KINDS = {"byline", "caption", "kicker", "standfirst"}


@dataclass(slots=True)
class RowCells:
    index: int
    kind: str  # a key of TAGS
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


# Rows `n`/`N` skip: equal text, and the copy's boilerplate (dimmed, not worth a stop).
NOT_DIFFERENCES = frozenset({"same", "boilerplate"})


def display_kind(row: Row, result: CompareResult) -> str:
    if row.kind in SIDE_KIND:
        if _is_boilerplate(row, result):
            return "boilerplate"
        return SIDE_KIND[row.kind]
    if row.kind in TAGS:
        return row.kind
    return "changed"  # an unknown kind from a newer engine: show it as a difference


def _is_boilerplate(row: Row, result: CompareResult) -> bool:
    if any(f.kind == "boilerplate" for f in row.facts):
        return True
    if row.left and all(i in result.report.boilerplate for i in row.left):
        return True
    segs = [_seg(result.left, i) for i in row.left] + [_seg(result.right, i) for i in row.right]
    kinds = {s.kind for s in segs if s is not None}
    return kinds == {"boilerplate"}


def _seg(doc: Document, index: int):
    return doc.segments[index] if 0 <= index < len(doc.segments) else None


def side_text(doc: Document, indices: list[int]) -> str:
    parts = [clean(s.text, TEXT_LIMIT) for i in indices if (s := _seg(doc, i)) is not None]
    return " ".join(p for p in parts if p)


def segment_kind(row: Row, result: CompareResult) -> str:
    for doc, indices in ((result.left, row.left), (result.right, row.right)):
        for i in indices:
            s = _seg(doc, i)
            if s is not None:
                return s.kind
    return "body"


def build_cells(result: CompareResult, styles: Mapping[str, Style]) -> list[RowCells]:
    """One RowCells per result row; `styles` maps roles ("word_ins", "word_del") to styles."""
    pointers = _move_pointers(result.rows)
    out = []
    for i, row in enumerate(result.rows):
        kind = display_kind(row, result)
        left, right = _texts(row, result, styles)
        chips = [c for f in row.facts if f.kind != "boilerplate" and (c := clean(f.label, 120))]
        chips = pointers.get(i, []) + chips
        out.append(RowCells(i, kind, left, right, chips, segment_kind(row, result)))
    return out


def _move_pointers(rows: list[Row]) -> dict[int, list[str]]:
    """'↕ moved from row N' on a moved row, '↕ moved to row M' on the row it left."""
    out: dict[int, list[str]] = {}
    for i, row in enumerate(rows):
        j = row.moved_from
        if row.kind != "moved" or j is None or not 0 <= j < len(rows) or j == i:
            continue
        out.setdefault(i, []).append(f"↕ moved from row {j + 1}")
        out.setdefault(j, []).append(f"↕ moved to row {i + 1}")
    return out


def _texts(
    row: Row, result: CompareResult, styles: Mapping[str, Style]
) -> tuple[Text | None, Text | None]:
    left_plain = side_text(result.left, row.left) if row.left else None
    right_plain = side_text(result.right, row.right) if row.right else None
    if row.diff and left_plain is not None and right_plain is not None:
        left, right = diff_texts(row, styles)
        if left.plain.strip() and right.plain.strip():
            return left, right
    return (
        Text(left_plain) if left_plain is not None else None,
        Text(right_plain) if right_plain is not None else None,
    )


def diff_texts(row: Row, styles: Mapping[str, Style]) -> tuple[Text, Text]:
    """The copy's text with its own words marked, and the original's with the words the
    copy lacks marked. Any op that is not "equal" marks its words on the side that has them,
    whichever way round the engine names insert and delete."""
    left, right = Text(), Text()
    ins, dele = styles.get("word_ins", Style()), styles.get("word_del", Style())
    for op in row.diff:
        lw, rw = clean(op.left, TEXT_LIMIT), clean(op.right, TEXT_LIMIT)
        changed = op.tag != "equal"
        if lw:
            _add(left, lw, ins if changed else None)
        if rw:
            _add(right, rw, dele if changed else None)
    return left, right


def _add(text: Text, words: str, style: Style | None) -> None:
    if text.plain and not text.plain.endswith(" "):
        text.append(" ")
    text.append(words, style)


def diff_notation(row: Row) -> Text:
    """The word diff in git's word-diff notation ([-dropped-] {+added+}): readable without
    colour. Returned as Text (the words are untrusted and never parsed)."""
    out = Text()
    for op in row.diff:
        lw, rw = clean(op.left, TEXT_LIMIT), clean(op.right, TEXT_LIMIT)
        if op.tag == "equal":
            _add(out, lw or rw, None)
            continue
        if rw:
            _add(out, f"[-{rw}-]", Style(strike=True, bold=True))
        if lw:
            _add(out, f"{{+{lw}+}}", Style(underline=True, bold=True))
    return out


def count_kinds(result: CompareResult) -> dict[str, int]:
    out = dict.fromkeys(TAGS, 0)
    for row in result.rows:
        out[display_kind(row, result)] += 1
    return out
