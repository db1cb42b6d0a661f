"""Where a value sits in a TOML file's text, for `file:line:col` error messages.

tomlkit gives no positions for values, so these scan the text: the N-th `[[name]]` table's
lines, the line of a key inside it, and the column of a character of a string value (escapes
counted, so a position inside a query points at the right column of the file). Best effort:
when unsure they return None and the caller falls back to a coarser place.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"\s*(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*=\s*")


def table_lines(text: str, name: str, index: int) -> tuple[int, int] | None:
    """(first, last) 0-based line numbers of the `index`-th `[[name]]` table."""
    lines = text.splitlines()
    header = f"[[{name}]]"
    starts = [i for i, ln in enumerate(lines) if ln.strip().split("#")[0].strip() == header]
    if index >= len(starts):
        return None
    first = starts[index]
    last = len(lines) - 1
    for i in range(first + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            last = i - 1
            break
    return first, last


def key_line(text: str, key: str, span: tuple[int, int] | None = None) -> int | None:
    """0-based line of `key = ...` (within `span` when given; else a top-level key)."""
    lines = text.splitlines()
    lo, hi = span if span is not None else (0, len(lines) - 1)
    for i in range(lo, min(hi, len(lines) - 1) + 1):
        m = _KEY.match(lines[i])
        if m and key in m.groups():
            return i
        if span is None and lines[i].lstrip().startswith("["):
            return None  # past the top-level keys
    return None


def string_column(line: str, start: int, index: int) -> int | None:
    """0-based column in `line` of character `index` of the string literal beginning at or
    after column `start` (a basic "..." or literal '...' string on one line)."""
    m = re.compile(r"[\"']").search(line, start)
    if m is None:
        return None
    q = m.start()
    if line.startswith(line[q] * 3, q):
        return q + 3  # a multi-line string: point at its start
    col, seen = q + 1, 0
    while col < len(line) and line[col] != line[q]:
        if seen == index:
            return col
        if line[q] == '"' and line[col] == "\\" and col + 1 < len(line):
            step = {"u": 6, "U": 10}.get(line[col + 1], 2)
            col += step
        else:
            col += 1
        seen += 1
    return col


def find_string(text: str, value: str, after_line: int = 0) -> tuple[int, int] | None:
    """(0-based line, column of the opening quote) of the first string literal at or after
    `after_line` whose text is `value` written without escapes."""
    lines = text.splitlines()
    for i in range(after_line, len(lines)):
        for q in ('"', "'"):
            at = lines[i].find(q + value + q)
            if at >= 0:
                return i, at
    return None
