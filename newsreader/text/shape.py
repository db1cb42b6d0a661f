"""The shape of a line of article text: does it end a sentence, is it a kicker.

Shared by the feed parser (the title of a plain-text article) and the compare engine's
segmenter; no imports, so the parser's workers load nothing more for it.
"""

from __future__ import annotations

TERMINAL = ".!?…"
CLOSERS = "\"'”’»)]"


def ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip(CLOSERS)
    return bool(t) and t[-1] in TERMINAL


def is_kicker(line: str, following: str | None) -> bool:
    """A short topic label above a headline ("US-China relations", "Analysis:")."""
    words = line.split()
    return (
        following is not None
        and 0 < len(words) <= 4
        and not ends_sentence(line)
        and len(following.split()) > len(words)
    )
