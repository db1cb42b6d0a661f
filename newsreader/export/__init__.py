"""Save and pipe articles: Markdown or plain-text renderings, atomic saves, a pipe to a
user-configured command (newsreader/export/pipe.py). No UI.

Every feed-derived string is cleaned of control characters (`safetext`) on the way out, so a
saved file or a pager shows text, never escape sequences.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsreader.errors import UserError
from newsreader.export.markdown import destination, escape, html_to_markdown, safe_url
from newsreader.models import Article
from newsreader.text.safetext import clean, clean_block

FORMATS = ("markdown", "text")
SUFFIX = {"markdown": ".md", "text": ".txt"}


class ExportError(UserError):
    """An article could not be saved; the message says why (one line)."""


def _date(a: Article) -> str | None:
    if a.published is None:
        return None
    return a.published.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def _paragraphs(text: str) -> str:
    """Plain text with its paragraphs separated by one blank line."""
    body = clean_block(text).replace("\t", " ")
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body)]
    return "\n\n".join(p for p in paras if p)


def _link(url: str | None) -> str | None:
    """An http(s)/mailto link as a Markdown autolink; any other scheme as plain text."""
    if not url:
        return None
    return destination(url) if safe_url(url) else escape(clean(url, 4000))


def render_markdown(article: Article, *, full_text: bool = True) -> str:
    """The article as a Markdown document (title, feed, author, date, link, body).

    `full_text`: use the web page's text when it has been fetched (`f`), else the feed's."""
    head = [f"# {escape(clean(article.title, 1000)) or 'Untitled'}", ""]
    meta = [
        ("Feed", escape(clean(article.feed_title or article.feed_url, 300))),
        ("Author", escape(clean(article.author, 300)) if article.author else None),
        ("Published", _date(article)),
        ("Link", _link(article.link)),
    ]
    head += [f"- {k}: {v}" for k, v in meta if v]
    if article.full_text and full_text:
        body = "\n\n".join(escape(p) for p in _paragraphs(article.full_text).split("\n\n"))
    else:
        body = html_to_markdown(article.content_html)
        if not body:
            body = "\n\n".join(escape(p) for p in _paragraphs(article.text).split("\n\n"))
    return "\n".join(head).rstrip() + "\n\n" + body.strip() + "\n"


def render_text(article: Article, *, full_text: bool = True) -> str:
    """The article as plain text: a title line, the same facts, then the paragraphs."""
    title = clean(article.title, 1000) or "Untitled"
    lines = [title, "=" * min(len(title), 80)]
    for k, v in (
        ("Feed", clean(article.feed_title or article.feed_url, 300)),
        ("Author", clean(article.author, 300) if article.author else None),
        ("Published", _date(article)),
        ("Link", clean(article.link, 4000) if article.link else None),
    ):
        if v:
            lines.append(f"{k}: {v}")
    source = article.full_text if article.full_text and full_text else article.text
    return "\n".join(lines) + "\n\n" + _paragraphs(source) + "\n"


def render(article: Article, fmt: str = "markdown", *, full_text: bool = True) -> str:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use markdown or text")
    if fmt == "markdown":
        return render_markdown(article, full_text=full_text)
    return render_text(article, full_text=full_text)


def suggest_filename(article: Article, fmt: str = "markdown") -> str:
    """A safe file name from the title: no path separators, no leading dot, at most 80
    characters, e.g. "Storm-hits-the-coast.md" (article-ID.md when the title has nothing)."""
    name = clean(article.title, 200)
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", name)
    name = re.sub(r"\s+", "-", name.strip()).strip(".-")[:80].rstrip(".-")
    return (name or f"article-{article.id}") + SUFFIX.get(fmt, ".md")


def format_for(path: Path) -> str:
    """markdown for .md/.markdown, text for anything else."""
    return "markdown" if path.suffix.lower() in (".md", ".markdown") else "text"


def save(
    article: Article,
    path: Path | str,
    fmt: str | None = None,
    *,
    overwrite: bool = False,
    full_text: bool = True,
) -> Path:
    """Write the article to `path` atomically (the format from the suffix unless given);
    refuse to replace an existing file unless `overwrite`. Returns the path written."""
    from newsreader.config import atomic_write

    target = Path(path).expanduser()
    if target.is_dir():
        target = target / suggest_filename(article, fmt or "markdown")
    if target.exists() and not overwrite:
        raise ExportError(f"{target} already exists; choose another name")
    if not target.parent.is_dir():
        raise ExportError(f"no such folder: {target.parent}")
    text = render(article, fmt or format_for(target), full_text=full_text)
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target
