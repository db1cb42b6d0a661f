"""A page's outgoing links with what a reader sees around them, and its canonical URL.

Aggregator pages credit their source with a link ("Source link", "Originally reported by",
"via ...") or point their canonical / og:url at it; `follow.py` ranks these. Here the page is
only read: each <a href> with its anchor text, the text just before it in its block (the
"Source:" label), the zone it sits in (the article, or page furniture: nav, header, footer,
aside) and its place among the page's links. All text is cleaned (untrusted, never markup).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from newsreader.compare.model import OutLink
from newsreader.text.safetext import clean
from newsreader.text.urls import WEB_SCHEMES

MAX_LINKS = 400
_BLOCKS = frozenset("p li div td blockquote figcaption section h1 h2 h3 h4 h5 h6 dd".split())
_FURNITURE = frozenset("nav header footer aside menu form".split())
_FURNITURE_HINTS = ("share", "social", "related", "footer", "sidebar", "menu", "nav", "tags")


def _tree(html: str) -> Any:
    try:
        import lxml.html

        return lxml.html.document_fromstring(html)
    except Exception:  # unparsable markup: no links
        return None


def _absolute(href: str, base: str | None) -> str | None:
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base or "", href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return clean(url.split("#", 1)[0], 2000)


def _zone(a: Any) -> str:
    """'article' inside <article>/<main>, 'furniture' inside nav/header/footer/aside or a
    block whose class or id says share/related/sidebar, else 'page'."""
    node = a.getparent()
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _FURNITURE:
            return "furniture"
        if tag in ("article", "main"):
            return "article"
        marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if marks.strip() and any(h in marks for h in _FURNITURE_HINTS):
            return "furniture"
        node = node.getparent()
    return "page"


def _before(a: Any, limit: int = 80) -> str:
    """The text of the link's block just before the link ("Source: ", "via ")."""
    block = a.getparent()
    while block is not None and (not isinstance(block.tag, str) or block.tag not in _BLOCKS):
        block = block.getparent()
    if block is None:
        return ""
    parts: list[str] = []
    for node in block.iter():
        if node is a:
            break
        if node.text and not _inside(node, a):
            parts.append(node.text)
        if node.tail and node is not block and not _inside(node, a):
            parts.append(node.tail)
    text = " ".join(" ".join(parts).split())
    return clean(text[-limit:], limit)


def _inside(node: Any, a: Any) -> bool:
    parent = node
    while parent is not None:
        if parent is a:
            return True
        parent = parent.getparent()
    return False


def page_outlinks(html: str, base: str | None) -> tuple[list[OutLink], str | None]:
    """The page's links (in page order, first occurrence of each URL) and its canonical URL
    (<link rel=canonical>, else og:url), absolute."""
    tree = _tree(html) if html.strip() else None
    if tree is None:
        return [], None
    canonical = None
    for el in tree.iter("link", "meta"):
        if el.tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            canonical = _absolute(el.get("href") or "", base)
        elif el.tag == "meta" and (el.get("property") or el.get("name") or "").lower() == "og:url":
            canonical = canonical or _absolute(el.get("content") or "", base)
        if canonical and el.tag == "link":
            break
    anchors = [a for a in tree.iter("a") if a.get("href")]
    out: list[OutLink] = []
    seen: set[str] = set()
    for k, a in enumerate(anchors[: MAX_LINKS * 2]):
        url = _absolute(a.get("href") or "", base)
        if url is None or url in seen:
            continue
        seen.add(url)
        text = clean(" ".join(a.text_content().split()), 300)
        title = clean(a.get("title") or "", 200)
        rel = (a.get("rel") or "").lower()
        out.append(
            OutLink(
                url=url,
                text=text or title,
                before=_before(a),
                zone=_zone(a),
                position=k / max(1, len(anchors) - 1),
                rel=rel,
            )
        )
        if len(out) >= MAX_LINKS:
            break
    return out, canonical
