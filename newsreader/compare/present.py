"""What a comparison shows, the same in every rendering (`--print` and the app's view).

Pure data, no styling: each row's display role, its number (from 1), the texts of its two
sides split into changed and unchanged pieces, its chips (move pointers, facts), and the
summary items. Every string taken from the result is cleaned of control characters here; it
is still untrusted, so renderers put it in `Text` objects only, never through markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreader.compare.model import CompareResult, Document, Row, Segment
from newsreader.text.safetext import clean

TEXT_LIMIT = 20_000  # characters of one cell (a paragraph); clean() cuts with an ellipsis

# Display role -> (gutter glyph, short tag): the glyph and the tag carry the meaning without
# colour (NO_COLOR).
TAGS: dict[str, tuple[str, str]] = {
    "same": ("=", "same"),
    "changed": ("~", "changed"),
    "moved": ("↕", "moved"),
    "added": ("+", "added"),
    "dropped": ("-", "dropped"),
    "boilerplate": ("·", "boilerplate"),
}

LEGEND: list[tuple[str, str]] = [
    ("same", "the copy carries the original's sentence (nearly) word for word"),
    ("changed", "aligned sentences that differ: changed words are highlighted"),
    ("moved", "the sentence sits elsewhere in the other text (see the row pointer)"),
    ("added", "only in the copy (left): the aggregator added it"),
    ("dropped", "only in the original (right): the copy left it out"),
    ("boilerplate", "padding: disclaimers, share prompts, copyright lines (one line each)"),
]

# Roles that `n`/`N` skip: equal text, and the copy's boilerplate (not worth a stop).
NOT_DIFFERENCES = frozenset({"same", "boilerplate"})
_ONE_SIDED = {"left_only": "added", "right_only": "dropped"}


@dataclass(slots=True)
class Piece:
    """A run of words of one side; `changed` when the other side does not have them."""

    text: str
    changed: bool = False


@dataclass(slots=True)
class RowView:
    index: int  # position in result.rows (0-based); shown as `number`
    role: str  # a key of TAGS
    left: list[Piece] | None  # None: this side has no text in the row (a gap)
    right: list[Piece] | None
    chips: list[str] = field(default_factory=list)
    segment_kind: str = "body"

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def glyph(self) -> str:
        return TAGS[self.role][0]

    @property
    def tag(self) -> str:
        return TAGS[self.role][1]


def plain(pieces: list[Piece] | None) -> str | None:
    return None if pieces is None else " ".join(p.text for p in pieces if p.text)


def _seg(doc: Document, index: int) -> Segment | None:
    return doc.segments[index] if 0 <= index < len(doc.segments) else None


def is_boilerplate(row: Row, result: CompareResult) -> bool:
    """The copy's page furniture: marked so by a fact, by the report, or by segment kind."""
    if row.kind not in _ONE_SIDED:
        return False
    if any(f.kind == "boilerplate" for f in row.facts):
        return True
    if row.left and all(i in result.report.boilerplate for i in row.left):
        return True
    segs = [_seg(result.left, i) for i in row.left] + [_seg(result.right, i) for i in row.right]
    return {s.kind for s in segs if s is not None} == {"boilerplate"}


def role(row: Row, result: CompareResult) -> str:
    """The row's display role (a key of TAGS)."""
    if row.kind in _ONE_SIDED:
        return "boilerplate" if is_boilerplate(row, result) else _ONE_SIDED[row.kind]
    return row.kind if row.kind in TAGS else "changed"  # unknown kinds show as differences


def side_text(doc: Document, indices: list[int]) -> str:
    """The cleaned text of a side's segments, joined."""
    parts = [clean(s.text, TEXT_LIMIT) for i in indices if (s := _seg(doc, i)) is not None]
    return " ".join(p for p in parts if p)


def segment_kind(row: Row, result: CompareResult) -> str:
    for doc, indices in ((result.left, row.left), (result.right, row.right)):
        for i in indices:
            s = _seg(doc, i)
            if s is not None:
                return s.kind
    return "body"


def diff_pieces(row: Row) -> tuple[list[Piece], list[Piece]]:
    """The copy's words with its own words marked changed, and the original's with the words
    the copy lacks marked changed. Any op that is not "equal" marks its words on the side that
    has them."""
    left: list[Piece] = []
    right: list[Piece] = []
    for op in row.diff:
        changed = op.tag != "equal"
        lw, rw = clean(op.left, TEXT_LIMIT), clean(op.right, TEXT_LIMIT)
        if lw:
            left.append(Piece(lw, changed))
        if rw:
            right.append(Piece(rw, changed))
    return left, right


def move_pointers(rows: list[Row]) -> dict[int, list[str]]:
    """'↕ moved from row N' on a moved row, '↕ moved to row M' on the row it left (from 1)."""
    out: dict[int, list[str]] = {}
    for i, row in enumerate(rows):
        j = row.moved_from
        if row.kind != "moved" or j is None or not 0 <= j < len(rows) or j == i:
            continue
        out.setdefault(i, []).append(f"↕ moved from row {j + 1}")
        out.setdefault(j, []).append(f"↕ moved to row {i + 1}")
    return out


def present(result: CompareResult) -> list[RowView]:
    """One RowView per result row, in the copy's reading order."""
    pointers = move_pointers(result.rows)
    out = []
    for i, row in enumerate(result.rows):
        left = [Piece(side_text(result.left, row.left))] if row.left else None
        right = [Piece(side_text(result.right, row.right))] if row.right else None
        if row.diff and left is not None and right is not None:
            dl, dr = diff_pieces(row)
            if plain(dl) and plain(dr):
                left, right = dl, dr
        chips = [c for f in row.facts if f.kind != "boilerplate" and (c := clean(f.label, 120))]
        out.append(
            RowView(i, role(row, result), left, right, pointers.get(i, []) + chips,
                    segment_kind(row, result))
        )  # fmt: skip
    return out


def count_roles(result: CompareResult) -> dict[str, int]:
    out = dict.fromkeys(TAGS, 0)
    for row in result.rows:
        out[role(row, result)] += 1
    return out


def verdict_line(result: CompareResult) -> str | None:
    """A warning for a text that is not copied from the other: None when it is derived."""
    rep = result.report
    if rep.derived:
        return None
    linked = sum(1 for r in result.rows if r.left and r.right)
    return (
        f"NOT DERIVED: the left text does not look copied from the right one (derived "
        f"{round(rep.derived_confidence * 100)}%); only {linked} real "
        f"match{'' if linked == 1 else 'es'} shown, and the losses below are not a copy's"
    )


def summary_items(result: CompareResult) -> list[str]:
    """'derived 99%', 'coverage 64%', 'quotes lost 5, kept 2' …: numbers only, nothing
    untrusted."""
    rep = result.report
    return [
        f"derived {round(rep.derived_confidence * 100)}%" if rep.derived else "not derived",
        f"coverage {round(rep.coverage * 100)}%",
        f"quotes lost {len(rep.quotes_lost)}, kept {len(rep.quotes_kept)}",
        f"names lost {len(rep.names_lost)}",
        f"numbers changed {len(rep.numbers_changed)}",
        f"boilerplate {len(rep.boilerplate)}",
        "byline dropped" if rep.byline_dropped else "byline kept",
    ]


def word_diff(row: Row) -> list[tuple[str, str]]:
    """The word diff as (words, kind) in git's word-diff notation: kind is "equal",
    "original_only" ([-words-]) or "copy_only" ({+words+})."""
    out: list[tuple[str, str]] = []
    for op in row.diff:
        lw, rw = clean(op.left, TEXT_LIMIT), clean(op.right, TEXT_LIMIT)
        if op.tag == "equal":
            out.append((lw or rw, "equal"))
            continue
        if rw:
            out.append((rw, "original_only"))
        if lw:
            out.append((lw, "copy_only"))
    return out
