"""Sanitized article HTML -> Markdown (lxml; the input has been through nh3 already).

Headings, paragraphs, line breaks, emphasis, code and preformatted blocks, block quotes,
ordered and unordered lists (nested), links and images (http(s)/mailto only, as the
sanitizer left them), rules, simple tables and definition lists. Text is escaped so that
feed text cannot become Markdown markup, and control characters are removed.
"""

from __future__ import annotations

import re
from typing import Any

from newsreader.text.safetext import clean, clean_block

_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "li", "pre", "hr", "table", "figure",
           "figcaption", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "thead",
           "tbody", "tfoot", "caption"}  # fmt: skip
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_MARK = re.compile(r"^(\s*)([#+\-=])", re.MULTILINE)  # headings, lists, setext rules
_LINE_NUMBER = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)  # "1." starts a list
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text."""
    text = _ESCAPE.sub(r"\\\1", text)
    return _LINE_NUMBER.sub(r"\1\\\2", _LINE_MARK.sub(r"\1\\\2", text))


def destination(url: str) -> str:
    """A link destination in <...>, with the characters that could end it percent-encoded."""
    url = clean(url, 4000)
    for ch, enc in ((" ", "%20"), ("<", "%3C"), (">", "%3E"), ("\\", "%5C")):
        url = url.replace(ch, enc)
    return f"<{url}>"


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    low = url.strip().lower()
    return url.strip() if low.startswith(("http://", "https://", "mailto:")) else None


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def flush(self, prefix: str = "") -> None:
        text = "".join(self.inline).strip()
        self.inline = []
        if text:
            lines = [ln.strip() for ln in text.split("\n")]
            self.blocks.append("\n".join(prefix + ln if ln else prefix.rstrip() for ln in lines))

    def text(self, raw: str | None) -> None:
        if raw:
            self.inline.append(escape(_SPACES.sub(" ", clean_block(raw))))

    # ------------------------------------------------------------ walk
    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if depth > 60:  # pathological nesting: keep the text, drop the structure
            self.text(el.text_content())
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.flush()
            self._children(el, depth)
            self.flush("#" * int(tag[1]) + " ")
        elif tag == "br":
            self.inline.append("  \n")
        elif tag == "hr":
            self.flush()
            self.blocks.append("---")
        elif tag == "pre":
            self.flush()
            code = clean_block(el.text_content()).strip("\n")
            fence = "````" if "```" in code else "```"
            self.blocks.append(f"{fence}\n{code}\n{fence}")
        elif tag == "blockquote":
            self.flush()
            inner = _Writer()
            inner._children(el, depth + 1)
            inner.flush()
            if inner.blocks:
                body = "\n\n".join(inner.blocks)
                self.blocks.append("\n".join("> " + ln if ln else ">" for ln in body.split("\n")))
        elif tag in ("ul", "ol"):
            self.flush()
            self._list(el, depth, tag == "ol")
        elif tag == "a":
            self._link(el, depth)
        elif tag == "img":
            src = safe_url(el.get("src"))
            if src:
                alt = escape(clean(el.get("alt") or "", 300))
                self.inline.append(f"![{alt}]({destination(src)})")
        elif tag in ("b", "strong"):
            self._wrap(el, depth, "**")
        elif tag in ("i", "em", "cite", "dfn"):
            self._wrap(el, depth, "*")
        elif tag in ("del", "s"):
            self._wrap(el, depth, "~~")
        elif tag in ("code", "kbd", "samp"):
            code = _SPACES.sub(" ", clean_block(el.text_content())).strip()
            if code:
                tick = "``" if "`" in code else "`"
                self.inline.append(f"{tick}{code}{tick}" if tick == "`" else f"`` {code} ``")
        elif tag == "table":
            self.flush()
            self._table(el)
        elif tag in _BLOCKS:
            self.flush()
            self._children(el, depth)
            self.flush()
        else:
            self._children(el, depth)
        if depth > 0:
            self.text(el.tail)

    def _children(self, el: Any, depth: int) -> None:
        self.text(el.text)
        for child in el:
            self.walk(child, depth + 1)

    def _wrap(self, el: Any, depth: int, mark: str) -> None:
        inner = _Writer()
        inner._children(el, depth + 1)
        text = "".join(inner.inline).strip()
        if text:
            self.inline.append(f"{mark}{text}{mark}")

    def _link(self, el: Any, depth: int) -> None:
        inner = _Writer()
        inner._children(el, depth + 1)
        text = "".join(inner.inline).strip()
        href = safe_url(el.get("href"))
        if href and text:
            self.inline.append(f"[{text}]({destination(href)})")
        elif text:
            self.inline.append(text)

    def _list(self, el: Any, depth: int, ordered: bool) -> None:
        items = [c for c in el if isinstance(c.tag, str) and c.tag == "li"]
        out: list[str] = []
        for n, li in enumerate(items, 1):
            inner = _Writer()
            inner._children(li, depth + 1)
            inner.flush()
            body = "\n\n".join(inner.blocks) or ""
            marker = f"{n}. " if ordered else "- "
            pad = " " * len(marker)
            lines = body.split("\n")
            out.append(
                marker + lines[0] + "".join("\n" + (pad + ln if ln else "") for ln in lines[1:])
            )
        if out:
            self.blocks.append("\n".join(out))

    def _table(self, el: Any) -> None:
        rows = []
        for tr in el.iter("tr"):
            cells = [
                escape(_SPACES.sub(" ", clean_block(td.text_content())).strip())
                for td in tr
                if isinstance(td.tag, str) and td.tag in ("td", "th")
            ]
            if cells:
                rows.append(cells)
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        self.blocks.append("\n".join(lines))


def html_to_markdown(html: str) -> str:
    """Markdown for a sanitized HTML fragment (empty for empty input)."""
    if not html or not html.strip():
        return ""
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # lxml.etree.ParserError on markup it cannot use: keep the text
        return escape(clean_block(re.sub(r"<[^>]*>", " ", html))).strip()
    w = _Writer()
    w.walk(root)
    w.flush()
    return "\n\n".join(b for b in w.blocks if b.strip())
