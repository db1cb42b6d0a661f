"""Small display helpers: safe text, ages, dates (no Textual here, only rich)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.style import Style
from rich.text import Text

from newsreader.text.safetext import clean


def safe(value: object, max_len: int | None = 500, style: str = "") -> Text:
    """Untrusted text as a rich Text: control characters stripped, never parsed as markup."""
    return Text(clean(value, max_len), style=style)


def age(when: datetime | None, now: datetime) -> str:
    """A compact age: "now", "5m", "3h", "2d", "3w", "5mo", "2y"."""
    if when is None:
        return ""
    secs = (now - when).total_seconds()
    if secs < 60:
        return "now"
    mins = secs / 60
    if mins < 60:
        return f"{int(mins)}m"
    hours = mins / 60
    if hours < 24:
        return f"{int(hours)}h"
    days = hours / 24
    if days < 14:
        return f"{int(days)}d"
    if days < 60:
        return f"{int(days / 7)}w"
    if days < 365:
        return f"{int(days / 30)}mo"
    return f"{int(days / 365)}y"


def date_text(when: datetime | None) -> str:
    """An absolute date in the local time zone: "2024-05-06 10:30"."""
    if when is None:
        return ""
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def utcnow() -> datetime:
    return datetime.now(UTC)


def foreground(style: Style) -> Style:
    """A computed component style without its background (for text inside another widget's
    highlight): colours like `$text-muted` ("auto 60%") only resolve in a full style."""
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
    )
