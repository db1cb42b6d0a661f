"""Parsing: RSS/Atom/JSON Feed/text articles, sanitizing, ids, dates, enclosures, XML attacks."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime

import pytest

from newsreader.sources.parse import MAX_ITEMS, ParseError, parse_feed, strip_doctype
from newsreader.text.sanitize import html_to_text, sanitize_html

from support.stored import stored, unsafe_html


def rss(items: str, channel: str = "<title>T</title><link>https://ex.org/</link>") -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'.encode()


def test_rss_basics_and_sanitizing() -> None:
    body = rss(
        "<item><title>Hello &lt;b&gt;world&lt;/b&gt;</title><link>/a</link><guid>g1</guid>"
        "<description><![CDATA[<p onclick='x()'>Text <a href='/rel'>rel</a> "
        "<a href='javascript:alert(1)'>js</a><script>evil()</script><iframe src='x'>f</iframe>"
        "<img src='i.png' alt='a cat'></p>]]></description>"
        "<pubDate>Mon, 06 May 2024 10:00:00 +0200</pubDate></item>"
    )
    f = parse_feed(body, "https://ex.org/feed.xml")
    a = f.articles[0]
    assert f.title == "T" and f.kind == "rss"
    assert a.guid.endswith("g1") and a.link == "https://ex.org/a"
    assert a.published == datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    # the parser keeps the HTML as it came, with the base its links resolve against ...
    assert "<script>evil()</script>" in a.content_html and a.html_base == "https://ex.org/feed.xml"
    assert "[image: a cat]" in a.text and "evil" not in a.text and "f" not in a.text.split()
    # ... and the store sanitizes it when the article is read
    (art,) = stored(f)
    html = art.content_html
    assert "script" not in html and "evil" not in html
    assert "onclick" not in html and "javascript" not in html
    assert "iframe" not in html
    assert 'href="https://ex.org/rel"' in html
    assert 'src="https://ex.org/i.png"' in html
    assert not unsafe_html(html), unsafe_html(html)
    assert art.text == a.text


def test_missing_guids_get_stable_ids_and_duplicates_collapse() -> None:
    items = "<item><title>A</title><description>x</description></item>" * 2
    items += "<item><title>B</title><guid>same</guid></item><item><title>C</title><guid>same</guid></item>"
    f1 = parse_feed(rss(items), "https://ex.org/f")
    f2 = parse_feed(rss(items), "https://ex.org/f")
    assert [a.guid for a in f1.articles] == [a.guid for a in f2.articles]
    assert len({a.guid for a in f1.articles}) == len(f1.articles) == 2


def test_absurd_dates_are_clamped() -> None:
    items = (
        "<item><guid>1</guid><title>future</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "<item><guid>2</guid><title>past</title><pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item>"
        "<item><guid>3</guid><title>junk</title><pubDate>yesterday-ish</pubDate></item>"
    )
    arts = {a.title: a for a in parse_feed(rss(items), "https://ex.org/f").articles}
    assert arts["future"].published is not None and arts["future"].published.year < 2100
    assert arts["past"].published is None and arts["junk"].published is None


def test_duplicate_enclosures_merge() -> None:
    items = (
        '<item xmlns:media="http://search.yahoo.com/mrss/"><guid>1</guid><title>p</title>'
        '<enclosure url="https://ex.org/a.mp3" type="audio/mpeg" length="12"/>'
        '<media:content url="https://ex.org/a.mp3" type="audio/mpeg"/>'
        '<enclosure url="javascript:x" type="audio/mpeg"/></item>'
    )
    body = rss(items).replace(b"<rss ", b'<rss xmlns:media="http://search.yahoo.com/mrss/" ')
    (a,) = parse_feed(body, "https://ex.org/f").articles
    assert [e.url for e in a.enclosures] == ["https://ex.org/a.mp3"]
    assert a.enclosures[0].length == 12


def test_atom_relative_links_resolve_against_feed_url() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="/"/>
<entry><id>urn:1</id><title type="html">&lt;i&gt;Hi&lt;/i&gt;</title><link href="/post/1"/>
<updated>2024-01-02T03:04:05Z</updated><content type="html">&lt;p&gt;&lt;a href="x"&gt;l&lt;/a&gt;</content>
<author><name>Ann</name></author></entry></feed>"""
    f = parse_feed(body, "https://site.org/blog/atom.xml")
    a = f.articles[0]
    assert f.kind == "atom" and a.title == "Hi" and a.author == "Ann"
    assert a.link == "https://site.org/post/1"
    assert a.html_base == "https://site.org/blog/atom.xml"
    assert 'href="https://site.org/blog/x"' in stored(f)[0].content_html


def test_json_feed() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JF",
        "home_page_url": "https://jf.org/",
        "authors": [{"name": "Feed Author"}],
        "items": [
            {
                "id": "1",
                "url": "https://jf.org/1",
                "title": "One",
                "content_html": "<p>Hi<script>x</script></p>",
                "date_published": "2024-02-03T04:05:06+01:00",
                "attachments": [{"url": "https://jf.org/a.mp3", "mime_type": "audio/mpeg"}] * 2,
            },
            {"id": 2, "content_text": "Plain\n\ntext"},
            "not an item",
        ],
    }
    f = parse_feed(json.dumps(doc).encode(), "https://jf.org/feed.json", "application/feed+json")
    one, two = f.articles
    assert f.kind == "json" and f.title == "JF" and f.link == "https://jf.org/"
    assert one.published == datetime(2024, 2, 3, 3, 5, 6, tzinfo=UTC)
    assert one.html_base == "https://jf.org/feed.json" and one.author == "Feed Author"
    assert "script" not in stored(f)[0].content_html and one.text == "Hi"
    assert len(one.enclosures) == 1
    assert two.guid == "2" and two.text == "Plain\n\ntext" and two.title == "Plain text"


def test_text_article_kicker_title(tmp_path) -> None:
    body = "\n\nUS-China relations\n\nTalks resume after a long pause\n\nStandfirst here.\n\nBody text.\n"
    f = parse_feed(body.encode(), str(tmp_path / "x.txt"))
    assert f.kind == "text" and f.articles[0].title == "Talks resume after a long pause"
    plain = parse_feed(b"A headline that is long enough\n\nBody.", str(tmp_path / "y.md"))
    assert plain.articles[0].title == "A headline that is long enough"


def test_not_a_feed() -> None:
    with pytest.raises(ParseError, match="web page"):
        parse_feed(b"<!doctype html><html><body><p>hi</p></body></html>", "https://ex.org/")
    with pytest.raises(ParseError):
        parse_feed(b"", "https://ex.org/")
    with pytest.raises(ParseError):
        parse_feed(b'{"hello": 1}', "https://ex.org/f.json")


def test_gzip_magic_is_unpacked() -> None:
    body = gzip.compress(rss("<item><guid>1</guid><title>z</title></item>"))
    assert parse_feed(body, "https://ex.org/f").articles[0].title == "z"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><guid>1</guid><title>&lol9;</title></item>
</channel></rss>"""


def test_entity_expansion_and_external_entities_are_inert(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    started = time.monotonic()
    f = parse_feed(BILLION_LAUGHS, "https://ex.org/f")
    assert time.monotonic() - started < 5
    assert all(len(a.title) < 1000 for a in f.articles)
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>a &x; b</title>'
        "</item></channel></rss>"
    ).encode()
    f = parse_feed(xxe, "https://ex.org/f")
    assert "TOP-SECRET" not in repr(f)
    big = b"&big;" * 50_000
    quad = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY big "' + b"x" * 50_000 + b'">]>'
        b'<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>'
        + big
        + b"</title></item></channel></rss>"
    )
    started = time.monotonic()
    f = parse_feed(quad, "https://ex.org/f")
    assert time.monotonic() - started < 10 and len(repr(f)) < 2_000_000


def test_strip_doctype_unterminated() -> None:
    with pytest.raises(ParseError):
        strip_doctype(b'<?xml version="1.0"?><!DOCTYPE r [ <!ENTITY a "b">')


def test_many_items_are_capped() -> None:
    items = "".join(
        f"<item><guid>{i}</guid><title>t{i}</title></item>" for i in range(MAX_ITEMS + 50)
    )
    f = parse_feed(rss(items), "https://ex.org/f")
    assert len(f.articles) == MAX_ITEMS and f.warning


def test_control_characters_never_survive() -> None:
    items = "<item><guid>1</guid><title>a\x1b[31mred\x07 \u202eevil</title><author>x\x9bq</author></item>"
    body = rss(items).replace(b"\x1b", b"&#27;")  # raw ESC is invalid XML; the entity is not
    (a,) = parse_feed(body, "https://ex.org/f").articles
    assert "\x1b" not in a.title and "\u202e" not in a.title and "\x07" not in a.title


def test_html_to_text_blocks() -> None:
    html = sanitize_html(
        "<h1>Head</h1><p>One <b>two</b></p><ul><li>a</li><li>b</li></ul><br>x&amp;y"
    )
    assert html_to_text(html) == "Head\n\nOne two\n\n• a\n\n• b\n\nx&y"


def test_character_references_to_no_character_do_not_crash_feedparser() -> None:
    """`&#XD800;` once crashed feedparser's sgmllib path (found by the fuzz test)."""
    for ref in (b"&#XD800;", b"&#55296;", b"&#x110000;", b"&#1114112;"):
        body = (
            b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t' + ref + b"</title>"
            b"<link>" + ref + b"</link><item><title>x" + ref + b"</title></item></channel></rss>"
        )
        feed = parse_feed(body, "http://example.org/feed", None)
        assert feed.title == "t\ufffd" and len(feed.articles) == 1


def test_an_id_of_invisible_characters_counts_as_no_id() -> None:
    """Found by bench/fuzz.py: an Atom id holding only a BOM became an empty guid."""
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title></title><entry><id>\xef\xbb\xbf</id><title type='html'></title><link href=''/>"
        b"<author><name></name></author><updated></updated><content type='html'></content>"
        b"</entry></feed>"
    )
    feed = parse_feed(body, "http://127.0.0.1:9/feed.xml", None)
    assert [bool(a.guid) for a in feed.articles] == [True]


def test_a_json_feed_id_of_spaces_counts_as_no_id() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "", "items": [{"id": " ", '
        b'"url": "", "title": "", "content_html": "", "authors": [{"name": ""}], '
        b'"date_published": ""}]}'
    )
    feed = parse_feed(body, "http://127.0.0.1:9/feed.json", None)
    assert [bool(a.guid) for a in feed.articles] == [True]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<p>a<script>if (a<b) x('</p>')</script>b</p>", "ab"),
        ("<p>a<SCRIPT type=x>evil()</SCRIPT >b</p>", "ab"),
        ("<p>a<sCRIPT>evil()</sCRIPT>b<sTyle>p {}</sTyle>c</p>", "abc"),
        ("x<bR>y", "x\ny"),
        ("<p>a<style>p > q {}</style>b<noscript><p>no</p></noscript></p>", "ab"),
        ("a<iframe src=x>frame</iframe>b<object><p>fallback</p></object>c<embed src=y>d", "abcd"),
        ("a<template><p>t</p></template>b<!-- c > d -->e<!---->f<!-->g", "abefg"),
        ("a<![CDATA[x]]>b<?php echo 1 ?>c<!DOCTYPE html>d", "abcd"),
        ("a<svg><text>W</text></svg>b<math><mi>x</mi></math>c", "abc"),
        ("a<script>never closed", "a"),
        ("a<!-- never closed", "a"),
        ('<p title="a > b">x</p><img alt=\'a "cat"\' src=c.png>', 'x\n\n[image: a "cat"]'),
        ("x</br>y<br/>z", "x\ny\nz"),
        ("1 < 2 and 3 > 2", "1 < 2 and 3 > 2"),
        ("cut <a href='x", "cut"),
        ("&lt;script&gt;kept&lt;/script&gt; &amp;amp;", "<script>kept</script> &amp;"),
    ],
)
def test_text_of_unsanitized_html_leaves_out_what_the_sanitizer_drops(raw: str, text: str) -> None:
    """The parser makes the plain text from the HTML as it came: what nh3 drops with its
    content (scripts, styles, frames, objects, templates, comments, SVG, MathML) is no text."""
    assert html_to_text(raw) == text
    assert html_to_text(sanitize_html(raw, "https://ex.org/")) == text
