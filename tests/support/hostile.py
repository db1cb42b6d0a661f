"""Attack fixtures for the hostile test suite: hostile strings, feed bodies, and a raw HTTP server.

Everything here is generated (nothing downloaded). The server (`HostileServer`) speaks raw
HTTP/1.1 over a socket on 127.0.0.1 so that it can misbehave in ways a well-behaved server
library will not: reset the connection mid-body, drip bytes, send a body without end, lie
about lengths and charsets, send control characters in headers. Every loop in it is bounded
and stops when the client goes away or the server is stopped.

`tests/support/server.py` (the shared server) is the polite one; this module is for the rude one.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import socket
import socketserver
import struct
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

from support.cli import Run

# --------------------------------------------------------------------------- hostile strings

ESC = "\x1b"
# Terminal attacks, each one a distinct threat. The words in them (RED, pwned...) survive
# stripping; the control characters must not reach any output.
TERMINAL = {
    "csi_colour": "\x1b[31mRED\x1b[0m",
    "csi_clear": "\x1b[2J\x1b[H",
    "csi_cursor": "\x1b[999;999H\x1b[6n",
    "osc8_link": "\x1b]8;;http://evil.example/\x1b\\click-me\x1b]8;;\x1b\\",
    "osc52_clipboard": "\x1b]52;c;cm0gLXJmIH4K\x07",
    "osc0_title": "\x1b]0;pwned-title\x07",
    "bel": "ding\x07\x07",
    "c1_csi": "\x9b31mC1RED\x9b0m",
    "c1_osc": "\x9d0;c1title\x9c",
    "c1_dcs": "\x90qDCS\x9c",
    "bidi_override": "abc\u202edcba\u202c",
    "bidi_isolate": "\u2066iso\u2069\u2067rtl\u2069\u2068fs\u2069",
    "bidi_marks": "\u200e\u200f\u061c",
    "backspace": "safe\x08\x08\x08\x08evil",
    "cr_overwrite": "innocent\rEVIL",
    "del": "x\x7fy",
}
# Rich / Textual markup: must be shown as typed (never interpreted).
MARKUP = {
    "rich_style": "[bold red]MARKUP-STYLE[/bold red]",
    "rich_link": "[link=http://evil.example/]MARKUP-LINK[/link]",
    "textual_action": "[@click=app.quit]MARKUP-QUIT[/]",
    "bare_close": "[/]",
    "unbalanced": "[/bold]x[",
    "emoji_code": ":skull: :cross_mark:",
}
MARKUP_LITERALS = ["[bold red]MARKUP-STYLE[/bold red]", "[@click=app.quit]", "[/]"]

ALL_ATTACK = "".join(TERMINAL.values()) + " " + " ".join(MARKUP.values())

# Characters that must never appear in any output byte (stdout, stderr, TUI text).
FORBIDDEN_RE = re.compile(
    "[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


def forbidden_chars(text: str) -> list[str]:
    """The forbidden characters found in `text`, with a little context each (for messages)."""
    out = []
    for m in FORBIDDEN_RE.finditer(text):
        start = max(0, m.start() - 30)
        out.append(f"{m.group()!r} in {text[start : m.end() + 30]!r}")
        if len(out) > 10:
            break
    return out


def cdata_safe(s: str) -> str:
    """Escape for XML text while keeping raw control characters (they are the attack)."""
    return html.escape(s, quote=True)


def char_refs(s: str) -> str:
    """Every control / bidi character as a numeric character reference (&#x1b; ...)."""
    return "".join(
        f"&#x{ord(c):x};" if FORBIDDEN_RE.match(c) or c == "\r" else html.escape(c, quote=True)
        for c in s
    )


# --------------------------------------------------------------------------- feed bodies


def rss(
    items: list[dict],
    *,
    title: str = "Feed",
    link: str = "http://example.org/",
    raw_title: bool = False,
    prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n',
    encoding: str = "utf-8",
) -> bytes:
    """An RSS 2.0 document. Item keys: title, link, guid, author, description, pubDate,
    enclosure (url), content (content:encoded). Values are inserted as given (already XML)."""
    parts = [
        prolog,
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{title if raw_title else cdata_safe(title)}</title><link>{link}</link>",
        "<description>hostile</description>",
    ]
    for it in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "description", "pubDate"):
            if key in it:
                parts.append(f"<{key}>{it[key]}</{key}>")
        if "author" in it:
            parts.append(f"<dc:creator>{it['author']}</dc:creator>")
        if "content" in it:
            parts.append(f"<content:encoded>{it['content']}</content:encoded>")
        if "enclosure" in it:
            parts.append(f'<enclosure url="{it["enclosure"]}" type="audio/mpeg" length="10"/>')
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode(encoding, "surrogateescape")


def markup_rss(form: str = "raw") -> bytes:
    """Every feed-derived field carries terminal escapes and markup.

    form="raw": control characters as raw bytes (illegal XML: the lenient parser keeps them);
    form="refs": as numeric character references (&#x1b;), so a strict parser decodes them.
    """
    enc = cdata_safe if form == "raw" else char_refs
    items = []
    for i, (name, attack) in enumerate(list(TERMINAL.items()) + list(MARKUP.items())):
        hostile = f"{name} {attack} end"
        items.append(
            {
                "title": enc(f"T{i} {hostile} {MARKUP['rich_style']}"),
                "link": enc(f"http://example.org/{i}?q={attack}"),
                "guid": f"g-{form}-{i}",
                "author": enc(f"A{i} {attack} {MARKUP['textual_action']}"),
                "description": enc(f"<p>D{i} {hostile} {MARKUP['rich_link']}</p>"),
                "content": enc(f"<p>C{i} {hostile}</p><p>{ALL_ATTACK}</p>"),
                "enclosure": enc(f"http://example.org/{name}{attack}.mp3"),
                "pubDate": "Mon, 06 May 2024 10:00:00 GMT",
            }
        )
    title = f"Feed {ALL_ATTACK}"
    return rss(items, title=enc(title), raw_title=True)


def markup_atom() -> bytes:
    attack = ALL_ATTACK
    e = cdata_safe
    entries = "".join(
        f"<entry><id>urn:atom:{i}</id><title type='html'>{e('<b>' + attack + '</b>')}</title>"
        f"<author><name>{e(attack)}</name></author>"
        f"<link rel='alternate' href='{e('http://example.org/a' + str(i) + attack)}'/>"
        f"<link rel='enclosure' href='{e('http://example.org/e' + attack + '.mp3')}' "
        "type='audio/mpeg' length='1'/>"
        f"<updated>2024-05-06T10:00:00Z</updated>"
        f"<content type='html'>{e('<p>' + attack + '</p>')}</content></entry>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{e('Atom ' + attack)}</title><id>urn:atom</id>"
        f"<updated>2024-05-06T10:00:00Z</updated>{entries}</feed>"
    ).encode("utf-8", "surrogateescape")


def markup_jsonfeed() -> bytes:
    attack = ALL_ATTACK
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON " + attack,
            "home_page_url": "http://example.org/",
            "authors": [{"name": attack}],
            "items": [
                {
                    "id": f"json-{i}",
                    "url": f"http://example.org/j{i}{attack}",
                    "title": f"J{i} " + attack,
                    "content_html": f"<p>{html.escape(attack)}</p>",
                    "authors": [{"name": "JA " + attack}],
                    "attachments": [{"url": "http://example.org/x" + attack, "mime_type": "a/b"}],
                    "date_published": "2024-05-06T10:00:00Z",
                }
                for i in range(3)
            ],
        }
    ).encode()


# ---- XML attacks


def billion_laughs(levels: int = 10) -> bytes:
    ents = ['<!ENTITY lol0 "lol">']
    for i in range(1, levels):
        ents.append(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">')
    last = f"&lol{levels - 1};"
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(ents) + "\n]>\n"
        f'<rss version="2.0"><channel><title>LOL {last}</title>'
        f"<item><title>laugh {last}</title><guid>lol</guid><description>{last}</description>"
        "</item></channel></rss>"
    ).encode()


def quadratic_blowup(entity_kb: int = 50, refs: int = 20000) -> bytes:
    big = "A" * (entity_kb * 1024)
    body = "&a;" * refs
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{big}">]>\n'
        f'<rss version="2.0"><channel><title>quad</title>'
        f"<item><title>q</title><guid>q</guid><description>{body}</description></item>"
        "</channel></rss>"
    ).encode()


def xxe_file(canary_path: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{canary_path}">]>\n'
        '<rss version="2.0"><channel><title>XXE &xxe;</title>'
        "<item><title>secret: &xxe;</title><guid>xxe</guid>"
        "<description>&xxe;</description></item></channel></rss>"
    ).encode()


def xxe_file_plain_path(canary_path: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{canary_path}">]>\n'
        '<rss version="2.0"><channel><title>XXE2</title>'
        "<item><title>p &xxe;</title><guid>xxe2</guid>"
        "<description>&xxe;</description></item></channel></rss>"
    ).encode()


def xxe_http(canary_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{canary_url}/entity">]>\n'
        '<rss version="2.0"><channel><title>XXE-HTTP</title>'
        "<item><title>h &xxe;</title><guid>xxeh</guid><description>&xxe;</description>"
        "</item></channel></rss>"
    ).encode()


def xxe_parameter(canary_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{canary_url}/param.dtd"> %remote;]>\n'
        '<rss version="2.0"><channel><title>XXE-PARAM</title>'
        "<item><title>param</title><guid>xxep</guid><description>x</description>"
        "</item></channel></rss>"
    ).encode()


def doctype_system(canary_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss SYSTEM "{canary_url}/doctype.dtd">\n'
        '<rss version="2.0"><channel><title>DOCTYPE-SYS</title>'
        "<item><title>dt</title><guid>dt</guid><description>x</description>"
        "</item></channel></rss>"
    ).encode()


def xinclude(canary_path: str, canary_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>'
        "<title>XINCLUDE</title>"
        f'<item><title>xi</title><guid>xi</guid><description><xi:include href="file://'
        f'{canary_path}" parse="text"/><xi:include href="{canary_url}/xinclude" '
        'parse="text"/></description></item></channel></rss>'
    ).encode()


def xml_stylesheet(canary_url: str) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<?xml-stylesheet type="text/xsl" href="{canary_url}/style.xsl"?>\n'
        '<rss version="2.0"><channel><title>XSL</title>'
        "<item><title>xsl</title><guid>xsl</guid><description>x</description>"
        "</item></channel></rss>"
    ).encode()


def huge_text_node(size: int) -> bytes:
    chunk = "word " * 20
    text = (chunk * (size // len(chunk) + 1))[:size]
    return rss(
        [
            {
                "title": "huge-node",
                "guid": "huge",
                "link": "http://example.org/huge",
                "description": text,
            },
            {"title": "after-huge", "guid": "after", "description": "small"},
        ],
        title="Huge text node",
    )


# ---- content attacks


def invalid_utf8() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>Bad \xff\xfe UTF-8 \xc3\x28 \xed\xa0\x80 feed</title>"
        b"<item><title>item \x80\x81 \xf8\x88\x80\x80\x80 broken</title><guid>u1</guid>"
        b"<description>ok \xe2\x82 text</description></item>"
        b"<item><title>valid after</title><guid>u2</guid><description>fine</description></item>"
        b"</channel></rss>"
    )


def nul_bytes() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        b"<title>NUL\x00feed</title>"
        b"<item><title>nul\x00title\x00</title><guid>n\x00ul</guid><dc:creator>a\x00b</dc:creator>"
        b"<description>body\x00with\x00nuls</description><link>http://example.org/\x00n</link>"
        b"</item><item><title>second</title><guid>n2</guid></item></channel></rss>"
    )


def mega_title(size: int = 1024 * 1024) -> bytes:
    return rss(
        [
            {"title": "M" * size, "guid": "mega", "description": "x"},
            {"title": "normal", "guid": "norm", "description": "y"},
        ],
        title="T" * size,
    )


def many_items(n: int = 20000) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Twenty thousand</title><link>http://example.org/</link>"
    ]
    for i in range(n):
        parts.append(
            f"<item><title>Item {i} zebrafish</title><link>http://example.org/m/{i}</link>"
            f"<guid>m-{i}</guid><description>Body {i}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def guids() -> bytes:
    """3 items share a guid; 3 items have none (distinct links/titles); 1 has an empty guid."""
    items = [
        {"title": "dup one", "guid": "same", "link": "http://example.org/d1", "description": "1"},
        {"title": "dup two", "guid": "same", "link": "http://example.org/d2", "description": "2"},
        {"title": "dup three", "guid": "same", "link": "http://example.org/d3"},
        {"title": "no guid a", "link": "http://example.org/n1", "description": "a"},
        {"title": "no guid b", "link": "http://example.org/n2", "description": "b"},
        {"title": "no guid and no link c", "description": "c"},
        {"title": "empty guid", "guid": "", "link": "http://example.org/e", "description": "e"},
    ]
    return rss(items, title="Guids")


ABSURD_DATES = [
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Sat, 01 Jan 99999 00:00:00 GMT",
    "-1",
    "99999999999999999999",
    "not a date at all",
    "Thu, 32 Feb 2024 25:61:61 +9999",
    "1970-01-01T00:00:00-99:99",
    "",
    "2038-01-19T03:14:08Z",
    "Wed, 31 Dec 1969 23:59:59 GMT",
    "\x1b[31m2024\x07",
]


def absurd_dates() -> bytes:
    items = [
        {
            "title": f"date {i}",
            "guid": f"date-{i}",
            "pubDate": cdata_safe(d),
            "description": "when?",
        }
        for i, d in enumerate(ABSURD_DATES)
    ]
    items.append(
        {"title": "far future", "guid": "future", "pubDate": "Fri, 01 Jan 2500 00:00:00 GMT"}
    )
    return rss(items, title="Dates")


BAD_LINKS = {
    "relative": "/story/relative-1",
    "relative2": "sub/relative-2",
    "javascript": "javascript:alert(document.cookie)",
    "javascript_mixed": " JaVaScRiPt:alert(1)",
    "javascript_tab": "java\tscript:alert(2)",
    "vbscript": "vbscript:msgbox(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file": "file:///etc/passwd",
    "shell": "http://example.org/$(touch /tmp/pwned)`id`;rm -rf ~",
}


def links() -> bytes:
    items = [
        {
            "title": f"link {k}",
            "guid": f"link-{k}",
            "link": cdata_safe(v),
            "description": f'<a href="{cdata_safe(v)}">x</a>',
            "enclosure": cdata_safe(v),
        }
        for k, v in BAD_LINKS.items()
    ]
    return rss(items, title="Links", link="/relative-home")


ACTIVE_CONTENT = (
    "<p>visible-text</p>"
    "<script>alert('script-body-xss')</script>"
    "<style>body{display:none} .style-body-css{}</style>"
    "<iframe src='http://evil.example/frame'>iframe-body</iframe>"
    "<img src=x onerror=\"alert('onerror-xss')\">"
    "<a href=\"javascript:alert('href-xss')\">js-link</a>"
    "<object data='http://evil.example/obj'></object><embed src='http://evil.example/e'>"
    "<form action='http://evil.example/'><input name=q></form>"
    "<svg onload=\"alert('svg-xss')\"><script>alert('svg-script')</script></svg>"
    "<meta http-equiv='refresh' content='0;url=http://evil.example/'>"
    "<base href='http://evil.example/'><link rel=stylesheet href='http://evil.example/s.css'>"
    "<div style=\"background:url(javascript:alert('style-xss'))\">styled</div>"
)
ACTIVE_NEEDLES = [
    "<script",
    "<style",
    "<iframe",
    "onerror",
    "onload",
    "javascript:",
    "<object",
    "<embed",
    "http-equiv",
    "script-body-xss",
    "style-body-css",
    "svg-script",
]


def active_content() -> bytes:
    return rss(
        [
            {
                "title": "active",
                "guid": "active",
                "link": "http://example.org/active",
                "description": cdata_safe(ACTIVE_CONTENT),
                "content": "<![CDATA[" + ACTIVE_CONTENT + "]]>",
            }
        ],
        title="Active content",
    )


def good_feed(name: str = "good", n: int = 3) -> bytes:
    return rss(
        [
            {
                "title": f"{name} story {i} marmalade",
                "guid": f"{name}-{i}",
                "link": f"http://example.org/{name}/{i}",
                "description": f"<p>{name} body {i}</p>",
                "pubDate": f"Mon, 0{i + 1} May 2024 10:00:00 GMT",
            }
            for i in range(n)
        ],
        title=f"Good feed {name}",
    )


HTML_PAGE = (
    b"<!doctype html><html><head><title>Just a page \x1b[31m</title></head><body>"
    b"<h1>Not a feed</h1><p>" + b"lorem ipsum " * 200 + b"</p></body></html>"
)


@functools.lru_cache(maxsize=4)
def gzip_bomb(megabytes: int) -> bytes:
    """A valid gzip stream that inflates to `megabytes` MiB of zeros (~1 KiB per MiB)."""
    zero = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again
    end = c.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zero, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, (megabytes << 20) & 0xFFFFFFFF)
    return header + block * megabytes + end + trailer


@functools.lru_cache(maxsize=4)
def gzip_feed_bomb(megabytes: int) -> bytes:
    """gzip of a feed prefix followed by `megabytes` MiB of spaces (looks like a real feed)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(b'<?xml version="1.0"?><rss version="2.0"><channel><title>bomb</title>')]
    spaces = b" " * (1 << 20)
    block = c.compress(spaces) + c.flush(zlib.Z_FULL_FLUSH)
    out.append(block)
    block = c.compress(spaces) + c.flush(zlib.Z_FULL_FLUSH)
    out.extend([block] * (megabytes - 1))
    out.append(c.compress(b"</channel></rss>") + c.flush())
    return b"".join(out)


# --------------------------------------------------------------------------- raw HTTP server


class ClientGone(Exception):
    pass


@dataclass
class Hit:
    path: str
    method: str
    headers: dict[str, str]
    sent: int = 0  # body bytes written
    finished: bool = False  # the route ran to the end (client did not go away first)
    client_gone: bool = False
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None


class Conn:
    """What a route gets: the socket, the parsed request and helpers to write to it."""

    def __init__(self, sock: socket.socket, hit: Hit, server: HostileServer) -> None:
        self.sock = sock
        self.hit = hit
        self.server = server

    @property
    def base(self) -> str:
        return self.server.url

    def send(self, data: bytes, *, body: bool = True) -> None:
        if self.server.stopping.is_set():
            raise ClientGone("server stopping")
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise ClientGone(str(exc)) from exc
        if body:
            self.hit.sent += len(data)

    def head(
        self,
        status: int | str = 200,
        headers: dict[str, str] | list[tuple[str, str]] | None = None,
        *,
        reason: str | bytes = "OK",
    ) -> None:
        if isinstance(reason, str):
            reason = reason.encode("latin-1")
        lines = [b"HTTP/1.1 " + str(status).encode() + b" " + reason]
        items = headers.items() if isinstance(headers, dict) else (headers or [])
        for k, v in items:
            lines.append(k.encode("latin-1") + b": " + v.encode("latin-1", "replace"))
        lines.append(b"Connection: close")
        self.send(b"\r\n".join(lines) + b"\r\n\r\n", body=False)

    def respond(
        self,
        body: bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        status: int = 200,
        extra: dict[str, str] | None = None,
        reason: str = "OK",
    ) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        headers.update(extra or {})
        self.head(status, headers, reason=reason)
        self.send(body)

    def alive(self) -> bool:
        """False once the client has closed its end (non-blocking peek)."""
        try:
            self.sock.setblocking(False)
            try:
                data = self.sock.recv(1, socket.MSG_PEEK)
                return data != b""
            except BlockingIOError:
                return True
            finally:
                self.sock.setblocking(True)
        except OSError:
            return False

    def sleep(self, seconds: float) -> None:
        if self.server.stopping.wait(seconds):
            raise ClientGone("server stopping")

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Route = Callable[[Conn], None]


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        owner = self.server.owner
        sock: socket.socket = self.request
        sock.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        parts = request_line.split(" ")
        method, target = (parts + ["", ""])[:2]
        headers = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        path = target.split("?", 1)[0]
        hit = Hit(path=target, method=method, headers=headers)
        with owner.lock:
            owner.hits.append(hit)
        route = owner.routes.get(path)
        if route is None:
            for prefix, r in owner.prefix_routes.items():
                if path.startswith(prefix):
                    route = r
                    break
        conn = Conn(sock, hit, owner)
        try:
            if route is None:
                conn.respond(b"not found", "text/plain", status=404, reason="Not Found")
            else:
                route(conn)
            hit.finished = True
        except ClientGone:
            hit.client_gone = True
        except OSError:
            hit.client_gone = True
        finally:
            hit.ended = time.monotonic()


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    owner: HostileServer


class HostileServer:
    """A rude HTTP/1.1 server on 127.0.0.1. Use as a context manager.

    `route(path)` / `prefix(path)` register handlers; `hits` records every request (so a test
    can assert a canary route was never requested, or that a stream was cut short).
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.prefix_routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._srv = _TCPServer(("127.0.0.1", 0), _Handler)
        self._srv.owner = self
        self.port = self._srv.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._srv.serve_forever, daemon=True)

    def route(self, path: str, fn: Route | None = None):
        if fn is not None:
            self.routes[path] = fn
            return fn

        def deco(f: Route) -> Route:
            self.routes[path] = f
            return f

        return deco

    def prefix(self, path: str, fn: Route) -> None:
        self.prefix_routes[path] = fn

    def static(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/rss+xml; charset=utf-8",
        **kw,
    ) -> str:
        self.routes[path] = lambda c: c.respond(body, content_type, **kw)
        return self.url + path

    def hits_for(self, path_prefix: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path.startswith(path_prefix)]

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._srv.shutdown()
        self._srv.server_close()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- rude routes


def chunked_forever(limit: int, chunk: bytes = b"<!-- " + b"x" * 8186 + b" -->") -> Route:
    """200, chunked, a feed start then comments without end (stops after `limit` bytes)."""

    def route(c: Conn) -> None:
        c.head(200, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"})
        start = b'<?xml version="1.0"?><rss version="2.0"><channel><title>endless</title>'
        c.send(b"%x\r\n%s\r\n" % (len(start), start))
        while c.hit.sent < limit:
            c.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        c.send(b"0\r\n\r\n")

    return route


def declared_huge(limit: int) -> Route:
    """Content-Length says 10 GB; sends up to `limit` bytes."""

    def route(c: Conn) -> None:
        c.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(10 * 2**30)})
        block = b" " * 65536
        while c.hit.sent < limit:
            c.send(block)

    return route


def gzip_route(payload: bytes, content_type: str = "application/rss+xml") -> Route:
    def route(c: Conn) -> None:
        c.head(
            200,
            {
                "Content-Type": content_type,
                "Content-Encoding": "gzip",
                "Content-Length": str(len(payload)),
            },
        )
        for i in range(0, len(payload), 65536):
            c.send(payload[i : i + 65536])

    return route


def slow_drip(interval: float, max_seconds: float) -> Route:
    """Headers at once, then one byte of a feed every `interval` seconds (never a timeout)."""

    def route(c: Conn) -> None:
        c.head(200, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"})
        c.send(b"5\r\n<?xml\r\n")
        end = time.monotonic() + max_seconds
        while time.monotonic() < end:
            c.sleep(interval)
            c.send(b"1\r\n \r\n")
        c.send(b"0\r\n\r\n")

    return route


def slow_headers(interval: float, max_seconds: float) -> Route:
    """The status line, then one header byte every `interval` seconds."""

    def route(c: Conn) -> None:
        c.send(b"HTTP/1.1 200 OK\r\n", body=False)
        end = time.monotonic() + max_seconds
        while time.monotonic() < end:
            c.sleep(interval)
            c.send(b"X", body=False)

    return route


def reset_mid_body() -> Route:
    def route(c: Conn) -> None:
        body = good_feed("reset", 50)
        c.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
        c.send(body[: len(body) // 2])
        c.sleep(0.05)
        c.reset()

    return route


def truncated_close() -> Route:
    """Content-Length promises more than is sent, then a clean close (FIN)."""

    def route(c: Conn) -> None:
        body = good_feed("trunc", 50)
        c.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
        c.send(body[: len(body) // 2])

    return route


def redirect(location: str, status: int = 302) -> Route:
    return lambda c: c.respond(
        b"", "text/plain", status=status, extra={"Location": location}, reason="Found"
    )


def redirect_chain() -> Route:
    """/chain/N redirects to /chain/N+1 forever (never the same URL twice)."""

    def route(c: Conn) -> None:
        n = int(c.hit.path.rsplit("/", 1)[-1] or 0)
        c.respond(b"", "text/plain", status=302, extra={"Location": f"/chain/{n + 1}"})

    return route


def status(code: int, body: bytes = b"", reason: str = "Error", extra=None) -> Route:
    return lambda c: c.respond(body, "text/html", status=code, reason=reason, extra=extra)


def raw(data: bytes) -> Route:
    """Send `data` as the whole response, exactly as given."""
    return lambda c: c.send(data, body=False)


def delayed(body: Callable[[], bytes], seconds: float, content_type: str = "application/rss+xml"):
    """Wait `seconds`, then serve body() (called per request, so it may change over time)."""

    def route(c: Conn) -> None:
        c.sleep(seconds)
        c.respond(body(), content_type)

    return route


def http_date(offset_seconds: float) -> str:
    return formatdate(time.time() + offset_seconds, usegmt=True)


def assert_clean_output(run: Run) -> None:
    """No escape, BEL, C1, bidi or other control character in any output byte."""
    assert b"\x1b" not in run.stdout_bytes + run.stderr_bytes, str(run)
    for name, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        bad = forbidden_chars(text.replace("\r\n", "\n"))
        assert not bad, f"{name} of `newsreader {' '.join(run.args)}`: {bad}"
    assert "Traceback" not in run.stderr, str(run)


def json_strings(value: object) -> list[str]:
    """Every string (keys and values) inside a decoded JSON value."""
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            for k, x in v.items():
                out.append(str(k))
                stack.append(x)
        elif isinstance(v, list):
            stack.extend(v)
    return out


def mount_tmpfs(path: Path, options: str) -> bool:
    """Mount a tmpfs at `path` (root only); False when that is not possible here."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return False
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        timeout=10,
    )
    return r.returncode == 0


def umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=10)
