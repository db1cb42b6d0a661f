"""Web page → article text (full-text fetch with `f`, and the inputs of compare).

trafilatura finds the main text and the metadata (it beats hand-written heuristics on real
pages); when it finds nothing, the page's paragraphs are the fallback. Everything returned is
plain text with control characters removed: still untrusted, never markup.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from newsreader.text.safetext import clean, clean_block
from newsreader.text.urls import is_web

MAX_HTML = 8 * 1024 * 1024  # characters; larger pages are cut (the article is near the top)


@dataclass(slots=True)
class Extracted:
    title: str | None
    author: str | None
    date: str | None
    text: str  # paragraphs separated by blank lines
    links: list[str] = field(default_factory=list)  # absolute http(s) links in the page body


def extract(html: str, url: str | None = None) -> Extracted:
    """The article in `html` (a whole page). Never raises on bad markup: may return no text."""
    html = html[:MAX_HTML]
    if not html.strip():
        return Extracted(None, None, None, "")
    title = author = date = None
    text = ""
    try:
        import trafilatura

        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=True,
        )
        if doc is not None:
            get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
            title, author, date = get("title"), get("author"), get("date")
            text = get("text") or ""
    except Exception:  # a page trafilatura cannot handle: fall back to the paragraphs
        text = ""
    tree = _tree(html)
    if not text.strip() and tree is not None:
        text = "\n".join(p.text_content() for p in tree.iter("p", "h1", "h2", "h3", "li"))
    if not title and tree is not None:
        found = tree.find(".//title")
        title = found.text_content() if found is not None else None
    paragraphs = [" ".join(p.split()) for p in clean_block(text).split("\n")]
    return Extracted(
        title=clean(title, 500) or None,
        author=clean(author, 300) or None,
        date=clean(date, 60) or None,
        text="\n\n".join(p for p in paragraphs if p),
        links=_links(tree, url),
    )


def _tree(html: str) -> Any:
    try:
        import lxml.html

        return lxml.html.document_fromstring(html)
    except Exception:
        return None


def page_links(html: str, base: str | None = None) -> list[str]:
    """Absolute http(s) links of a page or fragment, in order, without duplicates."""
    return _links(_tree(html), base) if html.strip() else []


def _links(tree: Any, base: str | None) -> list[str]:
    if tree is None:
        return []
    root = tree
    for path in (".//article", ".//main", ".//body"):
        found = tree.find(path)
        if found is not None:
            root = found
            break
    out: list[str] = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            absolute = urljoin(base or "", href)
        except ValueError:
            continue
        if is_web(absolute):
            out.append(clean(absolute, 2000))
        if len(out) >= 500:
            break
    return list(dict.fromkeys(out))
