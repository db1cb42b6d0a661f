"""Sanitized article HTML -> readable rich text.

Headings, paragraphs, lists, block quotes, emphasis, code and preformatted blocks, tables as
rows, images as `[image: alt]`, links numbered `[1]` with their URLs listed at the end. Every
string passes through `safetext` and into `Text(...)`: nothing is ever parsed as markup, and no
link is made clickable (the URL list is plain text).

Styles are names looked up in a mapping, so the article pane can pass theme-aware styles from
its TCSS component classes; the defaults use attributes only (legible on light and dark).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.style import Style
from rich.table import Table
from rich.text import Text

from newsreader.text.safetext import clean, clean_block

DEFAULT_STYLES: dict[str, str] = {
    "h1": "bold underline",
    "h2": "bold",
    "h3": "bold italic",
    "em": "italic",
    "strong": "bold",
    "underline": "underline",
    "strike": "strike",
    "code": "bold",
    "pre": "",
    "link": "underline",
    "linknum": "dim",
    "quote": "italic",
    "image": "dim italic",
    "marker": "bold",
    "muted": "dim",
}

MAX_HTML = 2_000_000
MAX_DEPTH = 150
_WS = re.compile(r"\s+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")

_SKIP = {"script", "style", "head", "title", "template", "noscript", "button", "form", "svg"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "figure", "figcaption", "main",
    "aside", "nav", "details", "summary", "address", "center", "dl", "body", "html", "caption",
}  # fmt: skip
_INLINE = {
    "em": "em", "i": "em", "cite": "em", "var": "em", "dfn": "em",
    "strong": "strong", "b": "strong",
    "u": "underline", "ins": "underline",
    "s": "strike", "del": "strike", "strike": "strike",
    "code": "code", "kbd": "code", "samp": "code", "tt": "code",
}  # fmt: skip
_MEDIA = {"video": "video", "audio": "audio", "iframe": "embedded", "object": "embedded"}


@dataclass(slots=True)
class Block:
    text: Text
    indent: int = 0
    marker: str = ""
    kind: str = "p"  # p | h | li | pre | row | hr


@dataclass(slots=True)
class Rendered:
    blocks: list[Block] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    styles: Mapping[str, str | Style] = field(default_factory=lambda: DEFAULT_STYLES)

    @property
    def plain(self) -> str:
        """The text as it reads (for tests and copying)."""
        lines = [" " * b.indent + b.marker + b.text.plain for b in self.blocks]
        lines += [f"[{i}] {url}" for i, url in enumerate(self.links, 1)]
        return "\n".join(lines)

    def renderable(self) -> RenderableType:
        parts: list[RenderableType] = []
        prev: Block | None = None
        for b in self.blocks:
            tight = prev is not None and prev.kind == b.kind and b.kind in ("li", "row")
            if prev is not None and not tight:
                parts.append(Text(""))
            parts.append(_block_renderable(b, self.styles.get("marker", "")))
            prev = b
        if self.links:
            parts += [Text(""), Text("Links", style=self.styles.get("h2", "bold"))]
            parts += url_list(self.links, self.styles.get("linknum", ""), numbered=True)
        return Group(*parts)


def url_list(urls: list[str], style: str | Style, numbered: bool) -> list[RenderableType]:
    """One row per URL, `[n] ` hanging in front; long URLs fold inside their column."""
    out: list[RenderableType] = []
    for i, url in enumerate(urls, 1):
        label = f"[{i}] " if numbered else "• "
        text = Text(clean(url, 2000), overflow="fold")
        grid = Table.grid(padding=0)
        grid.add_column(width=cell_len(label), no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(Text(label, style=style), text)
        out.append(grid)
    return out


def _block_renderable(b: Block, marker_style: str | Style) -> RenderableType:
    if not b.marker:
        return Padding(b.text, (0, 0, 0, b.indent)) if b.indent else b.text
    grid = Table.grid(padding=0)
    grid.add_column(width=b.indent + cell_len(b.marker), no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(" " * b.indent + b.marker, style=marker_style), b.text)
    return grid


class _Walker:
    def __init__(self, styles: Mapping[str, str | Style]) -> None:
        self.styles = styles
        self.out = Rendered(styles=styles)
        self.link_numbers: dict[str, int] = {}
        self.cur = Text()
        self.space = True  # the current line ends with whitespace (or is empty)
        self.stack: list[str] = []
        self.indent = 0
        self.marker = ""
        self.hang = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # [ordered(0/1), next number]
        self._cache: dict[str, Style] = {}
        self.items = 0  # depth of <li> elements

    # -------------------------------------------------------------- output
    def style(self) -> Style:
        return Style.combine([self._parsed(name) for name in self.stack])

    def _parsed(self, name: str) -> Style:
        style = self._cache.get(name)
        if style is None:
            raw = self.styles.get(name, "")
            style = self._cache[name] = Style.parse(raw) if isinstance(raw, str) else raw
        return style

    def text(self, raw: str | None) -> None:
        if not raw:
            return
        if self.pre:
            s = clean_block(raw).expandtabs(4)
        else:
            s = clean_block(_WS.sub(" ", raw))
            if self.space:
                s = s.lstrip(" ")
        if s:
            self.cur.append(s, self.style())
            self.space = s.endswith((" ", "\n"))

    def append(self, s: str, style_name: str) -> None:
        if not self.space and not self.pre:
            self.cur.append(" ")
        self.cur.append(s, self.styles.get(style_name, ""))
        self.space = False

    def flush(self, kind: str = "p") -> None:
        if kind == "p" and self.items:
            kind = "li"
        t, self.cur, self.space = self.cur, Text(), True
        if not self.pre:
            t.rstrip()
        if not t.plain.strip():
            return
        self.out.blocks.append(Block(t, self.indent, self.marker, kind))
        if self.marker:
            self.indent += self.hang
            self.marker, self.hang = "", 0

    # -------------------------------------------------------------- walking
    def walk(self, el: Any, depth: int = 0) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP:
            return
        if depth > MAX_DEPTH:
            self.text(el.text_content())
            return
        if tag == "br":
            self.cur.append("\n")
            self.space = True
        elif tag == "hr":
            self.flush()
            self.out.blocks.append(Block(Text("─" * 24, self.styles.get("muted", "")), kind="hr"))
        elif tag == "img":
            alt = clean(el.get("alt") or el.get("title") or "", 200)
            self.append(f"[image: {alt}]" if alt else "[image]", "image")
        elif tag in _MEDIA:
            self.append(f"[{_MEDIA[tag]}]", "image")
        elif tag == "a":
            self._link(el, depth)
        elif tag in _INLINE and not (self.pre and _INLINE[tag] == "code"):
            self._styled(el, depth, _INLINE[tag])
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.flush()
            self._styled(el, depth, "h1" if tag == "h1" else "h2" if tag == "h2" else "h3")
            self.flush("h")
        elif tag == "blockquote":
            self.flush()
            self.indent += 2
            self._styled(el, depth, "quote")
            self.flush()
            self.indent -= 2
        elif tag in ("ul", "ol", "menu"):
            self._list(el, depth, ordered=tag == "ol")
        elif tag == "li":
            self._item(el, depth)
        elif tag == "pre":
            self.flush()
            self.pre += 1
            self.indent += 2
            self._styled(el, depth, "code")
            self.flush("pre")
            self.indent -= 2
            self.pre -= 1
        elif tag == "tr":
            self.flush()
            self._children(el, depth)
            self.flush("row")
        elif tag in ("td", "th"):
            if self.cur.plain.strip():
                self.append("│", "muted")
                self.cur.append(" ")
                self.space = True
            self._styled(el, depth, "strong" if tag == "th" else "")
        elif tag == "dd":
            self.flush()
            self.indent += 4
            self._children(el, depth)
            self.flush()
            self.indent -= 4
        elif tag == "dt" or tag in _BLOCK or tag in ("table", "thead", "tbody", "tfoot"):
            self.flush()
            self._styled(el, depth, "strong" if tag == "dt" else "")
            self.flush()
        else:
            self._children(el, depth)

    def _children(self, el: Any, depth: int) -> None:
        self.text(el.text)
        for child in el:
            self.walk(child, depth + 1)
            self.text(child.tail)

    def _styled(self, el: Any, depth: int, name: str) -> None:
        self.stack.append(name)
        try:
            self._children(el, depth)
        finally:
            self.stack.pop()

    def _link(self, el: Any, depth: int) -> None:
        href = clean(el.get("href") or "", 2000)
        if not href or href.startswith("#"):
            self._children(el, depth)
            return
        self._styled(el, depth, "link")
        n = self.link_numbers.get(href)
        if n is None:
            self.out.links.append(href)
            n = self.link_numbers[href] = len(self.out.links)
        self.cur.append(f"[{n}]", self.styles.get("linknum", ""))
        self.space = False

    def _list(self, el: Any, depth: int, ordered: bool) -> None:
        self.flush()
        start = el.get("start") or "1"
        self.lists.append([int(ordered), int(start) if start.isdigit() else 1])
        self.indent += 2
        self._children(el, depth)
        self.flush()
        self.indent -= 2
        self.lists.pop()

    def _item(self, el: Any, depth: int) -> None:
        self.flush()
        saved = self.indent
        if self.lists and self.lists[-1][0]:
            self.marker = f"{self.lists[-1][1]}. "
            self.lists[-1][1] += 1
        else:
            self.marker = "• "
        self.hang = len(self.marker)
        self.items += 1
        self._children(el, depth)
        self.flush("li")
        self.items -= 1
        self.indent, self.marker, self.hang = saved, "", 0


def render_html(html: str, styles: Mapping[str, str | Style] | None = None) -> Rendered:
    """Render (already sanitized) article HTML; never raises."""
    styles = styles or DEFAULT_STYLES
    html = _XML_DECL.sub("", (html or "")[:MAX_HTML])
    if not html.strip():
        return Rendered(styles=styles)
    try:
        import lxml.html

        root = lxml.html.document_fromstring(html)
        walker = _Walker(styles)
        body = root.find("body")
        walker.walk(body if body is not None else root)
        walker.flush()
        return walker.out
    except Exception:  # a parser failure or pathological nesting: show the words
        return render_text(_TAG.sub(" ", html), styles)


def render_text(text: str, styles: Mapping[str, str | Style] | None = None) -> Rendered:
    """Plain text (extracted full text, text feeds): blank lines separate paragraphs."""
    out = Rendered(styles=styles or DEFAULT_STYLES)
    body = clean_block(text or "").expandtabs(4)
    for para in re.split(r"\n\s*\n", body):
        para = para.strip("\n")
        if para.strip():
            out.blocks.append(Block(Text(para.rstrip())))
    return out
