"""HTML from feeds and pages, made safe: nh3 (the Rust `ammonia` sanitizer) plus URL fixing.

`sanitize_html` keeps a reading-oriented subset of HTML (text structure, links, images, tables),
drops scripts, styles, iframes, forms, event handlers and every URL scheme except http(s) and
mailto, and resolves relative links against the feed or page URL. Feed HTML is stored as it
came (`keep_html`: capped, control characters removed) and sanitized when it is read from the
store (`shown_html`, store/articles.py): most stored articles are never read, and nh3 was a
quarter of a refresh's parsing CPU. `html_to_text` turns HTML, sanitized or not, into plain
text for search, compare and previews (what the sanitizer drops with its content, scripts,
styles, comments ..., leaves no text).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

from newsreader.text.safetext import clean_block
from newsreader.text.urls import web_base

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
}
_SCHEMES = frozenset({"http", "https", "mailto"})
# Elements whose content is dropped entirely (not just the tags).
_DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template"})

# Hard cap on sanitized HTML (and on an entry's plain text); the HTML an entry carries into the
# store as it came is capped at MAX_RAW_HTML, the most the sanitizer reads (what it drops,
# SVG, MathML, scripts, can make sanitized HTML much shorter).
MAX_HTML = 512 * 1024
MAX_RAW_HTML = 4 * MAX_HTML


@lru_cache(maxsize=64)
def _cleaner(base: str | None) -> nh3.Cleaner:
    """One prebuilt sanitizer per base URL (a feed's entries share it). Relative links are
    resolved by ammonia against an http(s) base, or dropped when there is none; any scheme but
    http(s) and mailto is dropped (javascript:, data:, file: ...)."""
    return nh3.Cleaner(
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_CONTENT),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        url_relative=("rewrite_with_base", base) if base else "deny",
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitize_html(fragment: str, base: str | None = None) -> str:
    """Sanitized HTML with absolute http(s)/mailto links only."""
    if not fragment:
        return ""
    if len(fragment) > MAX_RAW_HTML:
        fragment = fragment[:MAX_RAW_HTML]
    try:
        cleaner = _cleaner(web_base(base))
    except Exception:  # a base ammonia cannot parse: links stay relative-free
        cleaner = _cleaner(None)
    return cleaner.clean(clean_block(fragment))[:MAX_HTML]


def keep_html(fragment: str) -> str:
    """Feed HTML as the store keeps it: unsanitized (`shown_html` sanitizes it on the way out)
    but capped at MAX_RAW_HTML and cleaned of control characters."""
    return clean_block(fragment[:MAX_RAW_HTML]) if fragment else ""


@lru_cache(maxsize=16)
def shown_html(stored: str, base: str | None) -> str:
    """Stored article HTML made safe to render or export: `sanitize_html` against the base its
    relative links resolve against (cached: a shown article is read several times). Rows stored
    before schema 9 hold sanitized HTML already; sanitizing it again gives it back unchanged."""
    return sanitize_html(stored, base)


_LOOKS_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&[#a-zA-Z0-9]+;")


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.search(text[:4096]))


def text_to_html(text: str) -> str:
    """Plain text to paragraphs (blank lines separate paragraphs)."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", clean_block(text)) if p.strip()]
    return "".join(
        "<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paras
    )


_BLOCK_NAMES = (
    r"(?:p|div|li|h[1-6]|blockquote|pre|tr|table|ul|ol|dl|dt|dd|figure|figcaption|hr|caption)"
)
# A tag's attributes: a quoted value may hold ">" (a quote opens a value only after "=").
_ATTRS = r"""[^>=]*+(?:=\s*+(?:"[^"]*+"|'[^']*+'|)[^>=]*+)*+"""


def _tag_patterns(flags: int) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    return (
        re.compile(rf"</?br\b{_ATTRS}>", flags),  # </br> is a <br> too
        re.compile(rf"<li\b{_ATTRS}>", flags),
        re.compile(rf"</?{_BLOCK_NAMES}\b{_ATTRS}>", flags),
    )


# Sanitized HTML has lowercase tags: the case-sensitive patterns are twice as fast.
_LOWER_TAGS = _tag_patterns(0)
_ANY_TAGS = _tag_patterns(re.IGNORECASE)
_UPPER_TAG = re.compile(r"</?[a-z]*[A-Z]")  # any capital in a tag name: <sCRIPT> too
# What the sanitizer drops with its content (unsanitized HTML has it): comments, <!...> and
# <?...> (bogus comments), the elements of _DROP_CONTENT (embed is void: no content) and the
# foreign ones (ammonia removes SVG and MathML whole) up to their end tag; an unterminated one
# runs to the end, as in an HTML parser.
_DROP_NAMES = "|".join(sorted(_DROP_CONTENT - {"embed"} | {"svg", "math"}))
_DROP_OPEN = re.compile(rf"<(?:[!?]|(?:{_DROP_NAMES})\b)")  # 2x faster than with IGNORECASE
_DROP_OPEN_ANY = re.compile(rf"<(?:[!?]|(?:{_DROP_NAMES})\b)", re.IGNORECASE)
_DROP = re.compile(
    rf"<!---?>|<!--.*?(?:--!?>|\Z)|<[!?][^>]*+(?:>|\Z)|<({_DROP_NAMES})\b{_ATTRS}>"
    r".*?(?:</\1(?:[\s/][^>]*)?>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_IMG = re.compile(rf"<img\b({_ATTRS})>", re.IGNORECASE)
_ALT = re.compile(r"""(?:^|[\s/])alt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_TAG = re.compile(rf"<[a-zA-Z/!?]{_ATTRS}>")
_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_BLANKS = re.compile(r"\n\s*\n\s*")


def _image(m: re.Match[str]) -> str:
    alt = _ALT.search(m.group(1))
    if alt is None:
        return ""
    text = alt.group(1) or alt.group(2) or alt.group(3) or ""
    return f" [image: {text}] " if text.strip() else " "


_SPACE_RUN = re.compile("  +")  # a literal prefix ("  "): the engine skips to each run at C speed


def _collapse_spaces(text: str) -> str:
    """Tabs and no-break spaces to spaces, runs of spaces to one (twice as fast as replacing
    pairs in a loop; a pattern like " {2,}" has no literal prefix and is slower than both)."""
    text = text.replace("\t", " ").replace("\u00a0", " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def html_to_text(fragment: str) -> str:
    """Readable plain text of HTML, sanitized or not: blocks become paragraphs, tags go, and
    what the sanitizer drops with its content (scripts, styles, comments ...) leaves no text."""
    if not fragment:
        return ""
    upper = _UPPER_TAG.search(fragment)
    if (_DROP_OPEN_ANY if upper else _DROP_OPEN).search(fragment):
        fragment = _DROP.sub("", fragment)
    lt = fragment.rfind("<")
    if lt > fragment.rfind(">") and _TAG_START.match(fragment, lt):  # cut inside a tag
        fragment = fragment[:lt]
    br, li, block = _ANY_TAGS if upper else _LOWER_TAGS
    # Constant replacements (no Python callback per tag): line breaks, list bullets, blocks.
    text = br.sub("\n", fragment)
    text = li.sub("\n\n• ", text)
    text = block.sub("\n\n", text)
    if "<img" in text or "<IMG" in text:
        text = _IMG.sub(_image, text)
    text = html.unescape(_TAG.sub("", text))
    text = _collapse_spaces(clean_block(text))
    text = text.replace(" \n", "\n").replace("\n ", "\n")  # spaces are single by now
    return _BLANKS.sub("\n\n", text).strip()


def article_text(content_html: str) -> str:
    """An article's plain text as the store keeps it: `html_to_text` of its HTML, capped. A
    refresh leaves it for later (`store/index.py`): the store's readers derive it from
    `content_html` when it is empty."""
    return html_to_text(content_html)[:MAX_HTML] if content_html else ""


def stored_text(text: str | None, content_html: str | None) -> str:
    """An article's plain text from its row: `text`, or derived from its HTML when the refresh
    that stored it left that for later."""
    return text or article_text(content_html or "")
