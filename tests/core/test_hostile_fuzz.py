"""Property-based tests (hypothesis): feed bytes -> parse -> store -> render, the safe-text
helper, search queries, and the compare engine. Small and quick here (CI, well under 20 s in
all); `bench/fuzz.py` runs the same properties for longer.

Each property is a plain `check_*` function plus a strategy, so the bench can reuse them.
"""

from __future__ import annotations

import html
import json
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.models import ParsedFeed, Subscription
from newsreader.store import Store
from newsreader.text.safetext import clean, clean_block, is_clean

import support.hostile as hf
from support.stored import unsafe_html

CI = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

# --------------------------------------------------------------------------- strategies

HOSTILE_FRAGMENTS = [
    *hf.TERMINAL.values(),
    *hf.MARKUP.values(),
    "&amp;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#27;[31m",
    "&#x9b;",
    "&#x202e;",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&nbsp;",
    "&undefined;",
    "]]>",
    "<![CDATA[",
    "<script>alert(1)</script>",
    "<iframe src=x>",
    "javascript:alert(1)",
    "\u2028\u2029",
    "\ufeff",
    "\U0001f600",
    "\ud800",
]

# every code point category, with the dangerous ranges over-represented
hostile_chars = st.one_of(
    st.characters(codec=None),
    st.characters(min_codepoint=0, max_codepoint=0x20),
    st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    st.sampled_from(list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")),
    st.sampled_from(list("[]/@=<>&\"'\\:;")),
)
hostile_text = st.lists(
    st.one_of(st.text(hostile_chars, max_size=12), st.sampled_from(HOSTILE_FRAGMENTS)),
    max_size=6,
).map("".join)


def _xml_text(s: str, mode: str) -> str:
    if mode == "escaped":
        return html.escape(s)
    if mode == "refs":
        return hf.char_refs(s)
    if mode == "cdata":
        return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return s  # raw: may break the XML (that is the point)


@st.composite
def feed_documents(draw) -> tuple[bytes, str | None]:
    kind = draw(st.sampled_from(["rss", "atom", "rdf", "json", "bytes", "mutated"]))
    mode = draw(st.sampled_from(["escaped", "refs", "cdata", "raw"]))
    n = draw(st.integers(0, 4))
    fields = [
        {
            k: draw(hostile_text)
            for k in ("title", "link", "guid", "author", "content", "date", "enclosure")
        }
        for _ in range(n)
    ]
    if draw(st.booleans()):
        for f in fields:
            f["link"] = draw(
                st.sampled_from(
                    list(hf.BAD_LINKS.values()) + ["http://example.org/x", "", "//host/p"]
                )
            )
            f["date"] = draw(st.sampled_from([*hf.ABSURD_DATES, "2024-05-06T10:00:00Z"]))
    ftitle = draw(hostile_text)
    ctype = draw(
        st.sampled_from(
            [
                None,
                "application/rss+xml",
                "application/atom+xml; charset=utf-8",
                "text/xml; charset=iso-8859-1",
                "application/json",
                "application/feed+json",
                "text/html",
                "text/plain; charset=utf-16",
                "application/octet-stream",
            ]
        )
    )
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]))
    e = lambda s: _xml_text(s, mode)  # noqa: E731
    if kind == "rss":
        doc = (
            f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{e(ftitle)}</title><link>{e(draw(hostile_text))}</link>"
            + "".join(
                f"<item><title>{e(f['title'])}</title><link>{e(f['link'])}</link>"
                f"<guid>{e(f['guid'])}</guid><dc:creator>{e(f['author'])}</dc:creator>"
                f"<pubDate>{e(f['date'])}</pubDate><description>{e(f['content'])}</description>"
                f'<enclosure url="{html.escape(f["enclosure"])}" type="a/b" length="x"/></item>'
                for f in fields
            )
            + "</channel></rss>"
        )
    elif kind == "atom":
        doc = (
            f'<?xml version="1.0" encoding="{encoding}"?>'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{e(ftitle)}</title>'
            + "".join(
                f"<entry><id>{e(f['guid'])}</id><title type='html'>{e(f['title'])}</title>"
                f"<link href='{html.escape(f['link'])}'/><author><name>{e(f['author'])}</name>"
                f"</author><updated>{e(f['date'])}</updated>"
                f"<content type='html'>{e(f['content'])}</content></entry>"
                for f in fields
            )
            + "</feed>"
        )
    elif kind == "rdf":
        doc = (
            f'<?xml version="1.0" encoding="{encoding}"?>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/"><channel>'
            f"<title>{e(ftitle)}</title></channel>"
            + "".join(
                f"<item><title>{e(f['title'])}</title><link>{e(f['link'])}</link>"
                f"<description>{e(f['content'])}</description></item>"
                for f in fields
            )
            + "</rdf:RDF>"
        )
    elif kind == "json":
        doc = json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": ftitle,
                "items": [
                    {
                        "id": f["guid"],
                        "url": f["link"],
                        "title": f["title"],
                        "content_html": f["content"],
                        "authors": [{"name": f["author"]}],
                        "date_published": f["date"],
                    }
                    for f in fields
                ],
            },
            ensure_ascii=draw(st.booleans()),
        )
        encoding = "utf-8"
    elif kind == "bytes":
        return draw(st.binary(max_size=2000)), ctype
    else:  # a valid feed with random bytes spliced in
        base = hf.markup_rss("refs")
        pos = draw(st.integers(0, len(base)))
        junk = draw(st.binary(max_size=64))
        return base[:pos] + junk + base[pos + draw(st.integers(0, 64)) :], ctype
    return doc.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace"), ctype


# --------------------------------------------------------------------------- properties


def _assert_clean(value: str | None, what: str) -> None:
    if value:
        bad = hf.forbidden_chars(value.replace("\n", " ").replace("\t", " "))
        assert not bad, f"{what}: {bad}"


class _Stores(threading.local):
    store: Store | None = None


_stores = _Stores()


def _store() -> Store:
    if _stores.store is None:
        folder = Path(tempfile.mkdtemp(prefix="newsreader-fuzz-"))
        _stores.store = Store(folder / "fuzz.db")
        _stores.store.sync_subscriptions([Subscription("http://127.0.0.1:9/feed.xml")])
    return _stores.store


def check_feed_pipeline(body: bytes, content_type: str | None) -> None:
    """bytes -> parse_feed -> Store.save_feed -> read back -> render_html: no crash, no
    forbidden character anywhere a user could see it, links only http(s)."""
    from newsreader.sources.parse import ParseError, parse_feed
    from newsreader.ui.htmlrender import render_html

    url = "http://127.0.0.1:9/feed.xml"
    try:
        parsed = parse_feed(body, url, content_type)
    except ParseError as exc:
        _assert_clean(str(exc), "ParseError message")
        return
    assert isinstance(parsed, ParsedFeed)
    _assert_clean(parsed.title, "feed title")
    _assert_clean(parsed.link, "feed link")
    _assert_clean(parsed.warning, "feed warning")
    for a in parsed.articles:
        assert a.guid, "empty guid"
        for name in ("title", "author", "link", "guid"):
            _assert_clean(getattr(a, name), name)
        if a.link:
            assert urlparse(a.link).scheme in ("http", "https"), a.link
        for enc in a.enclosures:
            _assert_clean(enc.url, "enclosure url")
        for dt in (a.published, a.updated):
            assert dt is None or dt.tzinfo is not None
        assert "\x00" not in a.content_html + a.text
    store = _store()
    store.save_feed(url, parsed)
    fid = store.feed_id(url)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles WHERE feed_id = ?", (fid,))]
    for aid in ids[:10]:
        art = store.get_article(aid)
        assert art is not None
        assert not unsafe_html(art.content_html), unsafe_html(art.content_html)
        rendered = render_html(art.content_html).plain
        _assert_clean(rendered, "rendered content")
        assert "[bold" not in rendered or "[bold" in art.content_html + art.text
    store.conn.execute("DELETE FROM articles WHERE feed_id = ?", (fid,))


def check_safetext(text: str) -> None:
    one = clean(text)
    block = clean_block(text)
    assert is_clean(one) and is_clean(block)
    assert "\n" not in one and "\r" not in one
    _assert_clean(one, "clean()")
    _assert_clean(block, "clean_block()")
    assert clean(one) == one
    assert len(clean(text, max_len=50)) <= 50


def check_search(query: str) -> None:
    store = _store()
    store.search(query, limit=5)
    store.ids_matching_any(query.split(), limit=5)


def check_compare(left: str, right: str, folder: Path) -> None:
    """The compare engine over arbitrary documents: no crash, clean JSON and rendering."""
    from rich.console import Console

    from newsreader.compare import compare, load_document, to_json
    from newsreader.compare.render import render_side_by_side

    a, b = folder / "left.txt", folder / "right.txt"
    a.write_text(left, encoding="utf-8", errors="surrogatepass")
    b.write_text(right, encoding="utf-8", errors="surrogatepass")

    def no_fetch(url: str):  # a document must never make the engine fetch anything
        raise AssertionError(f"compare tried to fetch {url!r}")

    try:
        docs = [load_document(str(p), store=None, fetch_html=no_fetch) for p in (a, b)]
    except (ValueError, OSError) as exc:  # an empty or unreadable document may be refused
        _assert_clean(str(exc), "load_document error")
        return
    result = compare(*docs)
    data = to_json(result)
    for s in hf.json_strings(json.loads(json.dumps(data))):
        _assert_clean(s, "compare JSON")
    console = Console(width=100, file=open("/dev/null", "w"), record=True, color_system=None)  # noqa: SIM115
    console.print(render_side_by_side(result, 100), width=100)
    _assert_clean(console.export_text(), "side by side")


# --------------------------------------------------------------------------- CI tests


@CI
@given(feed_documents())
def test_fuzz_feed_bytes_parse_store_render(doc: tuple[bytes, str | None]) -> None:
    check_feed_pipeline(*doc)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(hostile_text)
def test_fuzz_safetext(text: str) -> None:
    check_safetext(text)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(hostile_text)
def test_fuzz_search_query(query: str) -> None:
    check_search(query)


compare_text = st.lists(
    st.one_of(
        hostile_text,
        st.sampled_from(
            [
                "The minister said on Tuesday that the plan would go ahead.",
                "Officials confirmed the figures.",
                "\n\n",
                ". . .",
                "Breaking: ",
            ]
        ),
    ),
    max_size=12,
).map(" ".join)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(left=compare_text, right=compare_text)
def test_fuzz_compare_engine(left: str, right: str, tmp_path: Path) -> None:
    check_compare(left, right, tmp_path)
