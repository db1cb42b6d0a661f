"""A refresh stores new articles without their plain text; every reader still sees it.

The conversion of each article's HTML to text was half of a refresh's parsing CPU and most
articles are never searched or read, so `ingest` leaves `articles.text` empty and the store
derives it (store/index.py): the search index catch-up stores it before indexing, a query on
text catches up first, an Article and the stories' analysis derive it as they read.
"""

from __future__ import annotations

from pathlib import Path

from newsreader.models import Subscription
from newsreader.query import killfile
from newsreader.query.run import matching_ids
from newsreader.refresh import ingest
from newsreader.sources.parse import parse_feed
from newsreader.store import Store
from newsreader.stories.incremental import pending_rows

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<link>https://example.org/</link>
<item><title>First</title><link>https://example.org/1</link><guid>g1</guid>
<description>&lt;p&gt;The &lt;b&gt;zephyrine&lt;/b&gt; report.&lt;/p&gt;&lt;script&gt;evil()&lt;/script&gt;
</description></item>
<item><title>Second</title><link>https://example.org/2</link><guid>g2</guid>
<description>&lt;ul&gt;&lt;li&gt;one quokka&lt;/li&gt;&lt;li&gt;two&lt;/li&gt;&lt;/ul&gt;</description></item>
<item><description>&lt;p&gt;No title, no id, no link: both come from the text.&lt;/p&gt;</description></item>
</channel></rss>"""
URL = "https://example.org/feed.xml"


def _store(tmp_path: Path, body: bytes = FEED) -> Store:
    store = Store(tmp_path / "db.sqlite")
    outcomes, _ = ingest(store, [(URL, body, URL, "application/rss+xml", None, None)])
    assert outcomes == [("new", 3)]
    return store


def _texts(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT guid, text FROM articles"))


def test_refresh_leaves_the_text_and_every_reader_derives_the_same(tmp_path: Path) -> None:
    eager = {a.guid: a for a in parse_feed(FEED, URL).articles}
    lazy = {a.guid: a for a in parse_feed(FEED, URL, text=False).articles}
    # Title and id fallbacks read the text: the same with it left for later.
    assert {g: (a.title, a.link) for g, a in lazy.items()} == {
        g: (a.title, a.link) for g, a in eager.items()
    }
    assert all(a.text == "" for a in lazy.values())
    assert "zephyrine" in eager["g1"].text and "evil" not in eager["g1"].text

    store = _store(tmp_path)
    assert set(_texts(store).values()) == {""}  # stored without it
    ids = dict(store.conn.execute("SELECT guid, id FROM articles"))
    for guid, aid in ids.items():
        art = store.get_article(aid)
        assert art is not None and art.text == eager[guid].text
    rows = {r[0]: r[3] for r in pending_rows(store.conn, 0)}
    assert rows == {ids[g]: a.text for g, a in eager.items()}

    assert [r.title for r in store.search("zephyrine")] == ["First"]  # catches up first
    assert _texts(store) == {g: a.text for g, a in eager.items()}  # stored, then indexed
    assert store.check() == "ok"


def test_a_query_on_text_catches_up_first(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.sync_subscriptions([Subscription(url=URL)])
    assert len(matching_ids(store, 'text =~ "quok+a"')) == 1  # a regexp reads a.text itself
    assert len(matching_ids(store, 'text ~ "zephyrine"')) == 1


def test_a_changed_article_that_was_indexed_gets_its_new_text_at_once(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.fts_ready()
    changed = FEED.replace(b"zephyrine", b"brontide")
    ingest(store, [(URL, changed, URL, "application/rss+xml", None, None)])
    assert "brontide" in _texts(store)["g1"]
    assert [r.title for r in store.search("brontide")] == ["First"]
    assert store.search("zephyrine") == []
    assert store.check() == "ok"


def test_a_killfile_rule_on_text_sees_the_new_articles(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite")
    killfile.apply(store, ['text =~ "quokka"'])
    ingest(store, [(URL, FEED, URL, "application/rss+xml", None, None)])
    hidden = dict(store.conn.execute("SELECT guid, hidden FROM articles"))
    assert hidden == {"g1": 0, "g2": 1, **{g: 0 for g in hidden if g not in ("g1", "g2")}}


def test_the_text_survives_a_row_rewritten_meanwhile(tmp_path: Path) -> None:
    """Texts derived outside the write transaction are stored only if the row still has the
    content they came from."""
    from newsreader.store.index import index_above, pending_texts

    store = _store(tmp_path)
    texts = pending_texts(store.conn, 0, 10**9)
    with store.transaction() as conn:  # another refresh changes an article meanwhile
        conn.execute(
            "UPDATE articles SET content_html = '<p>newer words</p>', content_hash = 'x' "
            "WHERE guid = 'g1'"
        )
    with store.transaction() as conn:
        index_above(conn, texts=texts)
    assert _texts(store)["g1"] == "newer words"
    assert [r.title for r in store.search("newer")] == ["First"]
