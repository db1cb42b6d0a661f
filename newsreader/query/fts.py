"""User text to SQLite FTS5 syntax: nothing a user (or a feed) types can reach FTS5 syntax."""

from __future__ import annotations

import re

TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(user_query: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query (every term required, last one a prefix).

    Double-quoted phrases are kept as phrases.
    """
    phrases = re.findall(r'"([^"]+)"', user_query)
    rest = re.sub(r'"[^"]*"?', " ", user_query)
    parts = []
    for ph in phrases:
        toks = TOKEN.findall(ph)
        if toks:
            parts.append('"' + " ".join(toks) + '"')
    toks = TOKEN.findall(rest)
    for i, tok in enumerate(toks):
        last = i == len(toks) - 1 and not user_query.rstrip().endswith('"')
        parts.append(f'"{tok}"' + ("*" if last and len(tok) >= 2 else ""))
    return " AND ".join(parts) if parts else None


def any_of(words: list[str]) -> str | None:
    """An FTS5 query matching articles with any of `words` (each quoted: never syntax)."""
    toks = [t for w in words for t in TOKEN.findall(w)]
    return " OR ".join(f'"{t}"' for t in toks) if toks else None
