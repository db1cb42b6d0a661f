"""OPML import (lenient: real exports are often malformed XML) and export.

Import never fetches or runs anything: DTDs and entities are not loaded, and only outlines
whose `xmlUrl` is an http(s) URL become subscriptions (`|command` pipes and `exec:` are
skipped). Folders become tags ("Blogs/friends" for nested folders), as does a `category`
attribute.
"""

from __future__ import annotations

import html.entities
import re
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from newsreader.errors import UserError
from newsreader.models import Subscription
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web


class OpmlError(UserError):
    pass


_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
_AMP = re.compile(rb"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")


def _fix_ampersands(data: bytes) -> bytes:
    """Raw `&` -> `&amp;`; HTML entities (`&aelig;`) -> numeric references."""

    def repl(m: re.Match[bytes]) -> bytes:
        ref = m.group(1)
        if ref is None:
            return b"&amp;"
        if ref.startswith(b"#"):
            return m.group(0)
        name = ref[:-1].decode("ascii")
        if name in _XML_ENTITIES:
            return m.group(0)
        char = html.entities.html5.get(name + ";")
        if char is None:
            return b"&amp;" + ref
        return "".join(f"&#{ord(c)};" for c in char).encode("ascii")

    return _AMP.sub(repl, data)


def _attr(el: Any, *names: str) -> str:
    lowered = {k.lower(): v for k, v in el.attrib.items() if isinstance(k, str)}
    for n in names:
        v = lowered.get(n.lower())
        if v and v.strip():
            return str(v).strip()
    return ""


def parse_opml(data: bytes) -> list[Subscription]:
    """Subscriptions in an OPML document; raises OpmlError when it is not OPML at all."""
    from lxml import etree

    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(_fix_ampersands(data.lstrip(b"\xef\xbb\xbf \t\r\n")), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise OpmlError(f"not an OPML file: {exc}") from exc
    if root is None or not isinstance(root.tag, str):
        raise OpmlError("not an OPML file: no XML document found")
    if etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"not an OPML file: the <opml> root element is missing (<{root.tag}>)")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        raise OpmlError("not an OPML file: the <body> element is missing")
    out: list[Subscription] = []
    seen: set[str] = set()

    def walk(el: Any, path: list[str]) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag.lower() != "outline":
                continue
            url = _attr(child, "xmlUrl")
            name = clean(_attr(child, "title", "text"), 200)
            if url:
                _add(child, url, name, path)
            folder = clean(_attr(child, "text", "title"), 100)
            walk(child, [*path, folder] if folder and not url else path)

    def _add(el: Any, url: str, name: str, path: list[str]) -> None:
        url = clean(url, 2000)
        if not is_web(url) or url in seen:
            return  # pipes (`|cmd`), exec:, file: and relative URLs are never imported
        seen.add(url)
        tags: list[str] = []
        if path:
            tags.append("/".join(path))
        for cat in _attr(el, "category").split(","):
            cat = clean(cat.strip().strip("/"), 100)
            if cat and cat not in tags:
                tags.append(cat)
        out.append(Subscription(url=url, title=name or None, tags=tags))

    walk(body, [])
    return out


def export_opml(subs: list[Subscription], title: str = "newsreader subscriptions") -> str:
    """OPML 2.0: feeds grouped in folders by their first tag, all tags in `category`."""
    groups: dict[str, list[Subscription]] = {}
    for s in subs:
        groups.setdefault(s.tags[0] if s.tags else "", []).append(s)
    now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_esc(title)}</title><dateCreated>{now}</dateCreated></head>",
        "  <body>",
    ]

    def outline(s: Subscription, indent: str) -> str:
        name = s.title or s.url
        attrs = f'type="rss" text={quoteattr(name)} title={quoteattr(name)} '
        attrs += f"xmlUrl={quoteattr(s.url)}"
        if s.tags:
            attrs += f" category={quoteattr(','.join(s.tags))}"
        return f"{indent}<outline {attrs}/>"

    for tag, members in groups.items():
        if not tag:
            lines += [outline(s, "    ") for s in members]
            continue
        lines.append(f"    <outline text={quoteattr(tag)} title={quoteattr(tag)}>")
        lines += [outline(s, "      ") for s in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
