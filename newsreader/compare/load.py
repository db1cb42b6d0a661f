"""One side of a comparison from a stored article, a URL, or a file (text, Markdown, HTML)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsreader.compare.links import page_outlinks
from newsreader.compare.lookup import ArticleLookup
from newsreader.compare.model import Document
from newsreader.compare.segment import document_from_text
from newsreader.errors import UserError
from newsreader.text.extract import extract, page_links
from newsreader.text.sanitize import html_to_text, looks_like_html
from newsreader.text.urls import is_web, web_base

MAX_FILE = 16 * 1024 * 1024
FetchHtml = Callable[[str], tuple[str, str]]  # url -> (html, final url)


class LoadError(UserError):
    """A side could not be loaded; the message says why, for the user."""


def load_document(
    spec: str, *, store: ArticleLookup | None = None, fetch_html: FetchHtml | None = None
) -> Document:
    """`spec` is "article:ID", an http(s) URL, or a path to a .txt/.md/.html file."""
    if spec.startswith("article:"):
        return _from_store(spec.removeprefix("article:"), store)
    if is_web(spec):
        if fetch_html is None:
            raise LoadError("fetching web pages is not available here")
        html, final = fetch_html(spec)
        return document_from_html(html, final or spec)
    path = Path(spec).expanduser()
    if not path.is_file():
        raise LoadError("no such file (give a file, an http(s) URL or an article id)")
    if path.stat().st_size > MAX_FILE:
        raise LoadError(f"the file is larger than {MAX_FILE // (1024 * 1024)} MB")
    raw = path.read_bytes().decode("utf-8-sig", "replace")
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or (
        path.suffix.lower() not in (".txt", ".md", ".markdown") and looks_like_html(raw[:2000])
    ):
        return document_from_html(raw, str(path))
    return document_from_text(raw, str(path))


def document_from_html(html: str, source: str) -> Document:
    url = web_base(source)
    page = extract(html, url)
    if not page.text.strip():
        raise LoadError("no article text found in the page")
    text = _with_byline(page.text, page.author)
    doc = document_from_text(text, source, title=page.title, links=page.links)
    doc.url = url
    doc.outlinks, doc.canonical = page_outlinks(html, url)
    return doc


def _with_byline(text: str, author: str | None) -> str:
    """The author as a byline line of its own under the headline, as on a page, unless the
    text already names them near the top."""
    if not author or author in text[:3000]:
        return text
    head, sep, rest = text.partition("\n\n")
    return f"{head}\n\nBy {author}\n\n{rest}" if sep else f"By {author}\n\n{text}"


def _from_store(ident: str, store: ArticleLookup | None) -> Document:
    if store is None:
        raise LoadError("stored articles need the article store")
    try:
        article_id = int(ident)
    except ValueError as exc:
        raise LoadError("an article id is a number") from exc
    art = store.get_article(article_id)
    if art is None:
        raise LoadError(f"no stored article with id {article_id}")
    text = art.full_text or art.text or html_to_text(art.content_html or "")
    if not text.strip():
        raise LoadError(f"article {article_id} has no text")
    title = art.title or None
    if title and title not in text[:2000]:
        text = f"{title}\n\n{text}"
    text = _with_byline(text, art.author)
    links = [u for u in page_links(art.content_html or "") if u != art.link]
    doc = document_from_text(text, f"article:{article_id}", title=title, links=links)
    doc.article_id = article_id
    doc.url = art.link or None
    # The stored HTML (the feed's content) is the page as far as the store knows it.
    doc.outlinks, _ = page_outlinks(art.content_html or "", art.link or None)
    return doc
