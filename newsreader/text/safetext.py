"""The one place untrusted text is made safe for a terminal.

Everything that comes from a feed, a web page or a file the user did not write passes through
`clean()` (single line) or `clean_block()` (keeps newlines and tabs) before it is displayed.
They remove C0 and C1 control characters (ESC, BEL, CSI ... included), DEL, and the Unicode
bidirectional overrides/isolates that can make text display differently from what it is.
The result still must never be given to a markup parser: use `rich.text.Text(...)` or
`markup=False`.
"""

from __future__ import annotations

import re
import unicodedata

# C0 (except \t \n handled per function), DEL, C1, bidi embeddings/overrides/isolates,
# zero-width joiners are kept (emoji) but line/paragraph separators are normalised.
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
# Lone surrogates (from "\\ud800" in JSON or &#xd800; in XML) cannot be encoded: drop them too.
_CONTROL_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ufeff\ufff9-\ufffb\ud800-\udfff]")
_CONTROL_BLOCK = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SEPARATORS = re.compile("[\u2028\u2029\r]")
# Every character clean_block changes (_CONTROL_BLOCK or _SEPARATORS): one scan finds none.
_BLOCK_WORK = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ufeff\ufff9-\ufffb\ud800-\udfff\u2028\u2029]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def clean(value: object, max_len: int | None = 2000) -> str:
    """One-line safe text: control characters removed, whitespace collapsed, length capped."""
    if value is None:
        return ""
    text = str(value)
    if max_len is not None and len(text) > max_len * 4:
        text = text[: max_len * 4]
    if text.isprintable():
        # The common case, same result: a printable str holds no control, format (bidi, BOM),
        # surrogate or separator character, and its one space/whitespace character is " ".
        text = " ".join(text.split()) if "  " in text else text.strip()
    else:
        text = _SEPARATORS.sub(" ", text)
        text = text.replace("\n", " ").replace("\t", " ")
        text = _CONTROL_LINE.sub("", text)
        text = _SPACES.sub(" ", text).strip()
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


def clean_block(value: object) -> str:
    """Multi-line safe text: keeps \\n and \\t, removes every other control character."""
    if value is None:
        return ""
    text = str(value)
    if not _BLOCK_WORK.search(text):  # the common case: nothing to replace or remove
        return text
    return _CONTROL_BLOCK.sub("", _SEPARATORS.sub("\n", text))


def is_clean(text: str) -> bool:
    """True when `text` holds no character `clean_block` would remove."""
    return not _CONTROL_BLOCK.search(text) and "\r" not in text


_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str, lower: bool = True) -> str:
    """Lowercase (unless `lower` is false), accents off ("Māori" -> "maori"), curly apostrophes
    straight: a comparison key for text from different sources, never for display."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).replace("’", "'")
    return text.lower() if lower else text


def normalize(text: str) -> str:
    """NFC-normalise (used for comparison and search keys, not display)."""
    return unicodedata.normalize("NFC", text)
