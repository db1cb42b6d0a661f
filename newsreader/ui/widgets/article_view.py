"""The article pane: a header (title, feed, author, date, link) and the rendered body."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.rule import Rule
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from newsreader.models import Article
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web_url
from newsreader.ui.bindings import NAV
from newsreader.ui.format import date_text, foreground
from newsreader.ui.htmlrender import (
    DEFAULT_STYLES,
    Rendered,
    render_html,
    render_text,
    url_list,
)

PLACEHOLDER = "Select an article and press Enter to read it here."

# htmlrender style name -> (component class, attributes added on top)
_STYLE_CLASSES = {
    "h1": ("article-view--heading", "bold underline"),
    "h2": ("article-view--heading", "bold"),
    "h3": ("article-view--heading", "bold italic"),
    "link": ("article-view--link", "underline"),
    "linknum": ("article-view--muted", ""),
    "code": ("article-view--code", ""),
    "quote": ("article-view--quote", "italic"),
    "image": ("article-view--muted", "italic"),
    "muted": ("article-view--muted", ""),
    "marker": ("article-view--heading", "bold"),
}


class ArticleView(VerticalScroll, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = list(NAV)
    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--heading",
        "article-view--link",
        "article-view--code",
        "article-view--quote",
        "article-view--muted",
    }
    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        padding: 0 1;
        & > .article-view--title { text-style: bold; color: $text-primary; }
        & > .article-view--heading { color: $text-accent; }
        & > .article-view--link { color: $text-primary; }
        & > .article-view--code { color: $text-success; }
        & > .article-view--quote { color: $text-secondary; }
        & > .article-view--muted { color: $text-muted; }
        #article-header { margin-bottom: 1; }
        #article-body { width: 100%; }
    }
    """

    article: reactive[Article | None] = reactive(None, always_update=True)
    show_full: reactive[bool] = reactive(True)
    links: list[str]  # the body's links in their [N] order, then the attachments

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.links = []

    def compose(self) -> ComposeResult:
        yield Static(id="article-header", markup=False)
        yield Static(Text(PLACEHOLDER), id="article-body", markup=False)

    @property
    def rendered_text(self) -> str:
        """The plain text the pane shows (for tests)."""
        return getattr(self, "_plain", "")

    def watch_article(self, old: Article | None, new: Article | None) -> None:
        self._render_article(new)
        if old is None or new is None or old.id != new.id:
            self.scroll_home(animate=False)

    def watch_show_full(self) -> None:
        self._render_article(self.article)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._render_article(self.article)

    def _render_article(self, art: Article | None) -> None:
        if not self.is_mounted:
            return
        header = self.query_one("#article-header", Static)
        body = self.query_one("#article-body", Static)
        if art is None:
            header.update(Text(""))
            header.display = False
            body.update(Text(PLACEHOLDER, style=self._style("muted")))
            self._plain = PLACEHOLDER
            self.links = []
            return
        header.display = True
        styles = self._styles()
        full = self.show_full and bool(art.full_text)
        if full:
            rendered = render_text(art.full_text or "", styles)
        elif art.content_html.strip():
            rendered = render_html(art.content_html, styles)
        else:
            rendered = render_text(art.text, styles)
        if rendered.blocks and clean(rendered.blocks[0].text.plain) == clean(art.title):
            del rendered.blocks[0]  # text feeds repeat the title as their first line
        head = self._header(art, full)
        header.update(Group(head, Rule(style=self._style("muted"))))
        parts = [rendered.renderable() if rendered.blocks or rendered.links else Text("(no text)")]
        urls = [f"{clean(e.url, 2000)} ({clean(e.type or 'file', 60)})" for e in art.enclosures]
        if urls:
            parts += [Text(""), Text("Attachments", style=styles["h2"])]
            parts += url_list(urls[:20], styles["muted"], numbered=False)
        body.update(Group(*parts))
        self._plain = "\n".join([head.plain, rendered.plain, *urls])
        self.links = [*rendered.links, *(clean(e.url, 2000) for e in art.enclosures)]

    def _header(self, art: Article, full: bool) -> Text:
        muted = self._style("muted")
        title = clean(art.title, 1000) or "(untitled)"
        out = Text(title, style=self._style("title"))
        meta = [clean(art.feed_title, 200), clean(art.author, 200), date_text(art.published)]
        out.append("\n" + " · ".join(m for m in meta if m), muted)
        if art.link:
            link = clean(art.link, 2000)
            out.append("\n" + link if is_web_url(art.link) else f"\n(link not opened: {link})")
        if art.starred:
            out.append("\n★ starred", self._style("heading"))
        if full:
            out.append("\nFull text from the web page (f shows the feed's text)", muted)
        elif art.full_text:
            out.append("\nFeed text (f shows the full text fetched from the web page)", muted)
        return out

    def _style(self, name: str) -> Style:
        return foreground(self.get_component_rich_style(f"article-view--{name}"))

    def _styles(self) -> dict[str, str | Style]:
        styles: dict[str, str | Style] = dict(DEFAULT_STYLES)
        for name, (cls, attrs) in _STYLE_CLASSES.items():
            styles[name] = foreground(self.get_component_rich_style(cls)) + Style.parse(attrs)
        return styles

    # movement (the same binding ids as the lists)
    def action_cursor_down(self) -> None:
        self.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        self.scroll_up(animate=False)

    def action_first(self) -> None:
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.scroll_end(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)


__all__ = ["ArticleView", "Rendered"]
