"""The parsed form of a query: small frozen dataclasses (no SQL, no I/O).

`str(node)` writes a node back in the query language, so that `parse(str(parse(q)))` equals
`parse(q)` (the property tests check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date


def quote(text: str) -> str:
    """`text` as a double-quoted query string (the lexer reads it back unchanged)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True)
class Duration:
    """An age such as 30m, 2h, 3d or 1w (in seconds); `text` is how it was written."""

    seconds: float
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar day (local time) for `published` tests; `text` is how it was written."""

    day: date
    text: str

    def __str__(self) -> str:
        return self.text


Value = str | Duration | Day


@dataclass(frozen=True, slots=True)
class FieldTest:
    """`field op value` (or `field between low:high`, with `high` set).

    field: title, author, text, feed, feedtitle, feedurl, tag, url, age, published.
    op: = != ~ !~ =~ < > <= >= between. Text values are the user's text, never SQL.
    """

    field: str
    op: str
    value: Value
    high: Value | None = None
    pos: int = dc_field(default=0, compare=False)

    def __str__(self) -> str:
        def v(x: Value) -> str:
            return quote(x) if isinstance(x, str) else str(x)

        if self.op == "between":
            assert self.high is not None
            return f"{self.field} between {v(self.value)}:{v(self.high)}"
        return f"{self.field} {self.op} {v(self.value)}"


@dataclass(frozen=True, slots=True)
class Flag:
    """A state test: `read` (want=True) / `unread` (read, want=False) / `starred`."""

    name: str  # read | starred
    want: bool = True
    pos: int = dc_field(default=0, compare=False)

    def __str__(self) -> str:
        if self.name == "read":
            return "read" if self.want else "unread"
        return "starred" if self.want else "starred = no"


@dataclass(frozen=True, slots=True)
class Term:
    """One bare word or quoted phrase of a `Words` test; `prefix` when it ended in `*`."""

    text: str
    phrase: bool = False
    prefix: bool = False

    def __str__(self) -> str:
        return (quote(self.text) if self.phrase else self.text) + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class Words:
    """Bare words and quoted phrases: each must occur in the title, author or text."""

    terms: tuple[Term, ...]
    pos: int = dc_field(default=0, compare=False)

    def __str__(self) -> str:
        return " ".join(str(t) for t in self.terms)


@dataclass(frozen=True, slots=True)
class Not:
    child: Node
    pos: int = dc_field(default=0, compare=False)

    def __str__(self) -> str:
        return f"not {_wrap(self.child, Not)}"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " and ".join(_wrap(c, And) for c in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " or ".join(_wrap(c, Or) for c in self.children)


Node = FieldTest | Flag | Words | Not | And | Or


def _wrap(node: Node, parent: type) -> str:
    # Parenthesise a child that binds more loosely than its parent: `or` anywhere below the
    # top, `and` under `and` or `not` (a nested group the user wrote in parentheses).
    loose = isinstance(node, Or) or (isinstance(node, And) and parent is not Or)
    return f"({node})" if loose else str(node)
