"""HTML from feeds and pages, made safe once: nh3 (the Rust `ammonia` sanitizer) plus URL fixing.

`sanitize_html` keeps a reading-oriented subset of HTML (text structure, links, images, tables),
drops scripts, styles, iframes, forms, event handlers and every URL scheme except http(s) and
mailto, and resolves relative links against the feed or page URL. `html_to_text` turns
sanitized HTML into plain text for search, compare and previews.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import nh3

from newsreader.safetext import clean_block

_TAGS = frozenset(
    """a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub sup
    table tbody td tfoot th thead time tr u ul""".split()
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
_URL_ATTRS = frozenset({"href", "src", "cite"})
_SCHEMES = frozenset({"http", "https", "mailto"})
# Elements whose content is dropped entirely (not just the tags).
_DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})

# Hard cap on the HTML one entry may carry into the store (after sanitizing).
MAX_HTML = 512 * 1024


def _resolver(base: str | None):
    def fix(element: str, attribute: str, value: str) -> str | None:
        if attribute not in _URL_ATTRS:
            return value
        value = value.strip()
        if not value:
            return None
        if base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            try:
                value = urljoin(base, value)
            except ValueError:
                return None
        scheme = urlsplit(value).scheme.lower() if ":" in value else ""
        if scheme not in _SCHEMES:
            return None  # javascript:, data:, file:, relative without a base ...
        return value

    return fix


@lru_cache(maxsize=256)
def _http_base(base: str | None) -> str | None:
    if not base:
        return None
    scheme = urlsplit(base).scheme.lower()
    return base if scheme in ("http", "https") else None


def sanitize_html(fragment: str, base: str | None = None) -> str:
    """Sanitized HTML with absolute http(s)/mailto links only."""
    if not fragment:
        return ""
    if len(fragment) > MAX_HTML * 4:
        fragment = fragment[: MAX_HTML * 4]
    out = nh3.clean(
        clean_block(fragment),
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_CONTENT),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_resolver(_http_base(base)),
        url_schemes=set(_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return out[:MAX_HTML]


_LOOKS_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;")


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.search(text[:4096]))


def text_to_html(text: str) -> str:
    """Plain text to paragraphs (blank lines separate paragraphs)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", clean_block(text)) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paras
    )


_BLOCK = re.compile(
    r"<\s*(/?)\s*(p|div|br|li|h[1-6]|blockquote|pre|tr|table|ul|ol|dl|dt|dd|figure|"
    r"figcaption|hr|caption)\b[^>]*>",
    re.IGNORECASE,
)
_IMG = re.compile(r"<img\b[^>]*?\balt\s*=\s*\"([^\"]*)\"[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_BLANKS = re.compile(r"\n\s*\n\s*")
_HSPACE = re.compile(r"[ \t\u00a0]+")


def html_to_text(fragment: str) -> str:
    """Readable plain text of (sanitized) HTML: blocks become paragraphs, tags go."""
    if not fragment:
        return ""

    def block(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name == "br":
            return "\n"
        if name == "li" and not m.group(1):
            return "\n\n• "
        return "\n\n"

    text = _BLOCK.sub(block, fragment)
    text = _IMG.sub(lambda m: f" [image: {m.group(1)}] " if m.group(1).strip() else " ", text)
    text = html.unescape(_TAG.sub("", text))
    text = _HSPACE.sub(" ", clean_block(text))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", text).strip()
