"""Parsed feeds through the store, and a check that HTML is sanitized.

The parser keeps an entry's HTML as it came; the store sanitizes it when an article is read
(`Store.get_article`, `iter_articles`). Tests of what reaches the UI and exports assert on
`stored()`, not on the parser's output.
"""

from __future__ import annotations

import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from newsreader.models import Article, ParsedFeed
from newsreader.store import Store

# What sanitize_html lets through (newsreader/text/sanitize.py), written out again here so
# that the check does not trust the code it checks.
SAFE_TAGS = frozenset(
    """a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub sup
    table tbody td tfoot th thead time tr u ul""".split()
)
SAFE_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
GENERIC_ATTRIBUTES = frozenset({"lang", "title"})  # ammonia's default, on every tag
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def stored(parsed: ParsedFeed, url: str = "http://127.0.0.1:9/feed.xml") -> list[Article]:
    """The articles of `parsed` as a fresh store gives them back, in feed order."""
    folder = Path(tempfile.mkdtemp(prefix="newsreader-stored-"))
    store = Store(folder / "s.db")
    try:
        store.save_feed(url, parsed)
        ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        arts = [store.get_article(i) for i in ids]
        return [a for a in arts if a is not None]
    finally:
        store.close()


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
            return
        for name, value in attrs:
            if name not in GENERIC_ATTRIBUTES and name not in SAFE_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"<{tag} {name}=>")
            elif name in ("href", "src"):
                scheme = urlsplit(value or "").scheme.lower()
                if scheme not in SAFE_SCHEMES:
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"</{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append("<!-- comment -->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}]>")


def unsafe_html(html: str) -> list[str]:
    """What in `html` a sanitized fragment cannot hold (tags, attributes, URL schemes,
    comments); empty when it is safe to render."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
