from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.models import Enclosure, ParsedArticle, ParsedFeed, Subscription
from newsreader.query import View
from newsreader.query.fts import fts_query
from newsreader.store import SCHEMA_VERSION, Store, StoreError

URL = "https://example.com/feed.xml"


def feed(n: int, *, start: int = 0, title: str = "Example") -> ParsedFeed:
    base = datetime(2024, 5, 1, tzinfo=UTC)
    return ParsedFeed(
        title=title,
        link="https://example.com/",
        articles=[
            ParsedArticle(
                guid=f"id-{i}",
                title=f"Story number {i}",
                link=f"https://example.com/{i}",
                author="Jane Doe",
                published=base + timedelta(hours=i),
                content_html=f"<p>Body {i} about volcanoes</p>",
                text=f"Body {i} about volcanoes",
                enclosures=[Enclosure(f"https://example.com/{i}.mp3", "audio/mpeg", 10)],
            )
            for i in range(start, start + n)
        ],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data" / "db.sqlite")
    s.sync_subscriptions([Subscription(URL, "Ex", ["news"]), Subscription("https://b/", None)])
    return s


def test_schema_and_wal(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.check() == "ok"


def test_save_is_keyed_per_feed_and_counts_new(store: Store) -> None:
    assert store.save_feed(URL, feed(3), etag='"v1"', last_modified="Mon") == 3
    assert store.save_feed(URL, feed(4)) == 1  # one more, the rest known
    # the same guid in another feed is another article
    assert store.save_feed("https://b/", feed(2)) == 2
    rows = {f.url: f for f in store.feeds()}
    assert rows[URL].total == 4 and rows[URL].unread == 4 and rows[URL].title == "Ex"
    assert rows["https://b/"].title == "Example"  # the feed's own title when none given


def test_validators_and_errors(store: Store) -> None:
    store.save_feed(URL, feed(1), etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    assert store.validators(URL)[:2] == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    store.record_error(URL, "HTTP 500 Internal Server Error", retry_after=60)
    f = next(f for f in store.feeds() if f.url == URL)
    assert f.error == "HTTP 500 Internal Server Error" and f.total == 1
    assert store.validators(URL)[2] is not None
    store.record_not_modified(URL)
    assert next(f for f in store.feeds() if f.url == URL).error is None


def test_views_order_and_state(store: Store) -> None:
    store.save_feed(URL, feed(5))
    ids = store.article_ids(View())
    titles = [r.title for r in store.rows_by_ids(ids)]
    assert titles == [f"Story number {i}" for i in (4, 3, 2, 1, 0)]  # newest first
    store.set_read(ids[:2])
    store.set_starred(ids[4], True)
    assert len(store.article_ids(View("unread"))) == 3
    assert store.article_ids(View("starred")) == [ids[4]]
    assert len(store.article_ids(View("tag", tag="news"))) == 5
    fid = store.feed_id(URL)
    assert len(store.mark_view_read(View("feed", feed_id=fid))) == 3
    assert store.counts() == {"all": 5, "unread": 0, "starred": 1}
    art = store.get_article(ids[0])
    assert art is not None and art.enclosures[0].type == "audio/mpeg" and art.read


def test_update_changed_article_keeps_state(store: Store) -> None:
    store.save_feed(URL, feed(1))
    (aid,) = store.article_ids()
    store.set_starred(aid, True)
    changed = feed(1)
    changed.articles[0].title = "Corrected headline"
    assert store.save_feed(URL, changed) == 0
    art = store.get_article(aid)
    assert art is not None and art.title == "Corrected headline" and art.starred
    assert [r.id for r in store.search("corrected")] == [aid]


def test_missing_and_future_dates(store: Store) -> None:
    f = feed(2)
    f.articles[0].published = None
    f.articles[1].published = datetime(2999, 1, 1, tzinfo=UTC)
    store.save_feed(URL, f)
    for r in store.rows_by_ids(store.article_ids()):
        assert r.published is not None and r.published.year < 2999


def test_search(store: Store) -> None:
    store.save_feed(URL, feed(3))
    assert len(store.search("volcano")) == 3  # prefix on the last term
    assert [r.title for r in store.search('"Story number 2"')] == ["Story number 2"]
    assert store.search("jane") and store.search("zzzz") == []
    # FTS syntax from the user never reaches FTS5 as syntax
    for q in ['"', "AND OR NOT", "title:x", "a*)(", "NEAR(a b)", "-", "^x"]:
        store.search(q)
        store.article_ids(View("search", query=q))
    assert fts_query("  ") is None


def test_ids_matching_any_words(store: Store) -> None:
    store.save_feed(URL, feed(3))
    got = store.ids_matching_any(["Volcanoes", "erupted", "body", "about", "volcanoes"], limit=2)
    assert 1 <= len(got) <= 2
    assert store.ids_matching_any(['"', "AND", "NEAR(a"], limit=2) == []  # never FTS syntax


def test_retention_keeps_starred_and_remembers(store: Store) -> None:
    store.save_feed(URL, feed(6))
    ids = store.article_ids()
    store.set_starred(ids[-1], True)  # the oldest
    assert store.prune(keep_per_feed=2) == 3
    assert len(store.article_ids()) == 3 and ids[-1] in store.article_ids()
    assert store.save_feed(URL, feed(6)) == 0  # pruned articles do not come back as new
    assert store.prune(keep_days=1) == 2  # everything is from 2024; starred stays
    assert store.article_ids() == [ids[-1]]


def test_reopen_keeps_state(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    s = Store(path)
    s.sync_subscriptions([Subscription(URL)])
    s.save_feed(URL, feed(3))
    ids = s.article_ids()
    s.set_read([ids[0]])
    s.set_starred(ids[1], True)
    s.close()
    s2 = Store(path)
    rows = s2.rows_by_ids(ids)
    assert [(r.read, r.starred) for r in rows] == [(True, False), (False, True), (False, False)]


def test_threads_and_second_connection(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    a, b = Store(path), Store(path)
    a.sync_subscriptions([Subscription(URL)])
    errors: list[BaseException] = []

    def work(s: Store, start: int) -> None:
        try:
            for k in range(10):
                s.save_feed(URL, feed(5, start=start + k * 5))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s, i * 1000)) for i, s in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(a.article_ids()) == 100 and a.check() == "ok"


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer newsreader"):
        Store(path)


def test_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create"):
        Store(blocker / "sub" / "db.sqlite")


def test_save_feeds_groups_feeds_and_indexes_new_articles(tmp_path) -> None:
    """Several feeds in one transaction; new rows are indexed in bulk (no insert trigger),
    edits and deletions keep the index right through their triggers."""
    from newsreader.models import ParsedArticle, ParsedFeed
    from newsreader.store import SCHEMA_VERSION, Store

    def feed(word: str, text: str = "") -> ParsedFeed:
        body = text or f"All about the {word} today."
        art = ParsedArticle(
            guid=f"g-{word}", title=f"About {word}", content_html=f"<p>{body}</p>", text=body
        )
        return ParsedFeed(f"Feed {word}", None, [art], None, "rss")

    store = Store(tmp_path / "db.sqlite")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    counts = store.save_feeds(
        [
            ("https://a.example/f", feed("walrus"), None, None),
            ("https://b.example/f", feed("narwhal"), '"e"', None),
        ]
    )
    assert counts == [1, 1]
    assert [h.title for h in store.search("walrus")] == ["About walrus"]
    assert [h.title for h in store.search("narwhal")] == ["About narwhal"]
    assert store.validators("https://b.example/f")[0] == '"e"'
    store.save_feed("https://a.example/f", feed("walrus", "Now it is about a porpoise."))
    assert [h.title for h in store.search("porpoise")] == ["About walrus"]
    assert store.search("today") == [h for h in store.search("narwhal")]  # the old text is gone
    store.delete_feed("https://b.example/f")
    assert store.search("narwhal") == []


def test_a_search_view_lists_the_newest_matches_when_there_are_many(tmp_path, monkeypatch) -> None:
    from datetime import UTC, datetime, timedelta

    import newsreader.store.search as store_search
    from newsreader.models import ParsedArticle, ParsedFeed
    from newsreader.query import View
    from newsreader.store import Store

    start = datetime(2026, 1, 1, tzinfo=UTC)
    arts = [
        ParsedArticle(guid=f"g{i}", title=f"Walrus news {i}", text="walrus", content_html="<p>w</p>",
                      published=start + timedelta(days=i))
        for i in range(6)
    ]  # fmt: skip
    store = Store(tmp_path / "db.sqlite")
    store.save_feed("https://a.example/f", ParsedFeed("F", None, arts, None, "rss"))
    store.conn.execute("UPDATE feeds SET subscribed = 1")
    few = store.article_ids(View(kind="search", query="walrus"))
    monkeypatch.setattr(store_search, "SEARCH_VIEW_LIMIT", 3)
    many = store.article_ids(View(kind="search", query="walrus"))
    assert len(few) == 6 and many == few[:3]  # the newest three, newest first
    # Among many other articles, a few matches are sorted by date rather than found by
    # walking the date index: the same newest three.
    others = [
        ParsedArticle(guid=f"o{i}", title=f"Other {i}", text="otter", content_html="<p>o</p>",
                      published=start + timedelta(days=i, hours=1))
        for i in range(300)
    ]  # fmt: skip
    store.save_feed("https://b.example/f", ParsedFeed("G", None, others, None, "rss"))
    store.conn.execute("UPDATE feeds SET subscribed = 1")
    assert store.article_ids(View(kind="search", query="walrus")) == few[:3]


def test_search_ranks_a_very_common_word_among_its_newest_matches(tmp_path, monkeypatch) -> None:
    import newsreader.store.search as store_search

    store = Store(tmp_path / "db.sqlite")
    store.save_feed(URL, feed(6))
    assert len(store.search("volcanoes")) == 6
    monkeypatch.setattr(store_search, "RANK_AT_MOST", 2)
    assert sorted(r.title for r in store.search("volcanoes")) == [
        "Story number 4",
        "Story number 5",
    ]


def _recount(store: Store) -> dict[int, tuple[int, int, int]]:
    return {
        r[0]: (r[1], r[2], r[3])
        for r in store.conn.execute(
            "SELECT feed_id, count(*), count(*) - sum(read), sum(starred) FROM articles "
            "WHERE hidden = 0 GROUP BY feed_id"
        )
    }


def _kept(store: Store) -> dict[int, tuple[int, int, int]]:
    return {
        r[0]: (r[1], r[2], r[3])
        for r in store.conn.execute("SELECT feed_id, total, unread, starred FROM feed_counts")
        if r[1]
    }


def test_feed_counts_follow_every_write(store: Store) -> None:
    """The per-feed counts kept by triggers (schema 7) equal a recount after each kind of
    write: new, updated and killfiled articles, read/star changes, retention, feed removal."""
    from newsreader.query import killfile

    store.save_feed(URL, feed(6))
    store.save_feed("https://b/", feed(4, title="B"))
    assert _kept(store) == _recount(store)
    ids = store.article_ids(View())
    store.set_read(ids[:3])
    store.set_starred(ids[1], True)
    store.set_starred(ids[4], True)
    store.set_read(ids[:1], False)
    assert _kept(store) == _recount(store)
    changed = feed(6)
    changed.articles[0].text = "Body changed"
    store.save_feed(URL, changed)  # an update of content keeps the counts
    assert _kept(store) == _recount(store)
    killfile.apply(store, ['title =~ "number [12]$"'])  # hides some, counts drop
    assert store.conn.execute("SELECT count(*) FROM articles WHERE hidden = 1").fetchone()[0]
    assert _kept(store) == _recount(store)
    killfile.apply(store, [])  # and they come back
    assert _kept(store) == _recount(store)
    store.mark_view_read(View())
    assert _kept(store) == _recount(store)
    store.prune(keep_per_feed=2)
    assert _kept(store) == _recount(store)
    store.delete_feed("https://b/")
    assert _kept(store) == _recount(store)
    rows = {f.url: (f.total, f.unread, f.starred) for f in store.feeds()}
    (fid,) = store.conn.execute("SELECT id FROM feeds WHERE url = ?", (URL,)).fetchone()
    assert rows[URL] == _recount(store)[fid]
    counts = store.counts()
    assert counts["all"] == sum(t for t, _, _ in _recount(store).values())


def _schema_at(path: Path, version: int) -> sqlite3.Connection:
    """A database as newsreader left it at schema `version`."""
    from newsreader.store.schema import MIGRATIONS, split_sql

    conn = sqlite3.connect(path)
    for i in range(version):
        for stmt in split_sql(MIGRATIONS[i]):
            conn.execute(stmt)
    conn.execute(f"PRAGMA user_version={version}")
    return conn


def _old_store(tmp_path: Path, version: int, columns: str, rows: list[tuple[object, ...]]) -> Store:
    """A database at schema `version` holding `rows` in feed 1, opened (so migrated)."""
    path = tmp_path / "old.sqlite"
    conn = _schema_at(path, version)
    conn.execute("INSERT INTO feeds(id, url, subscribed) VALUES (1, 'https://a/', 1)")
    marks = ", ".join("?" * len(rows[0]))
    conn.executemany(
        f"INSERT INTO articles(feed_id, fetched, {columns}) VALUES (1, 0, {marks})", rows
    )
    conn.commit()
    conn.close()
    return Store(path)


def test_feed_counts_migrate_from_schema_6(tmp_path: Path) -> None:
    store = _old_store(
        tmp_path,
        6,
        "guid, title, published, read, starred",
        [(f"g{i}", "t", float(i), i % 2, int(i == 3)) for i in range(5)],
    )
    assert _kept(store) == _recount(store) == {1: (5, 3, 1)}


def _fts_sound(store: Store) -> None:
    """FTS5's own check of the index against its table (raises if they differ)."""
    store.conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def test_the_index_follows_lazily_through_deletes_updates_and_reused_ids(store: Store) -> None:
    """A save does not index; the first reader does. Deleting or editing rows the index never
    covered, and ids reused after the newest rows were deleted, leave it sound and complete."""
    store.save_feed(URL, feed(6))
    assert store.unindexed() == 6
    assert len(store.search("volcanoes")) == 6  # the search indexed them first
    assert store.unindexed() == 0
    store.save_feed("https://b/", feed(3, title="B"))  # stored, not indexed
    assert store.unindexed() == 3
    b_ids = store.article_ids(View("feed", feed_id=store.feed_id("https://b/")))
    store.save_feed(  # an edit of a row the index does not cover yet
        "https://b/",
        ParsedFeed("B", None, [ParsedArticle(guid="id-0", title="Now about glaciers", text="ice")]),
    )
    with store.transaction() as conn:  # the newest rows go: their ids come back
        conn.execute(f"DELETE FROM articles WHERE id IN ({max(b_ids)}, {max(b_ids) - 1})")
    store.fts_ready()  # (FTS5's check compares the index with every row: only when caught up)
    _fts_sound(store)
    assert {h.title for h in store.search("glaciers")} == {"Now about glaciers"}
    with store.transaction() as conn:  # an indexed row goes, the top one too (id reuse)
        top = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        conn.execute("DELETE FROM articles WHERE id = ?", (top,))
    store.save_feed("https://b/", feed(2, start=10, title="B"))  # ids above reuse the top's
    hits = {h.title for h in store.search("volcanoes")}
    assert hits >= {"Story number 10", "Story number 11"}
    _fts_sound(store)
    stored = {t for (t,) in store.conn.execute("SELECT title FROM articles")}
    assert {h.title for h in store.search("story")} == {t for t in stored if "Story" in t}
    assert store.unindexed() == 0


def test_fts_state_migrates_from_schema_7_as_fully_indexed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = _schema_at(path, 7)
    conn.execute("INSERT INTO feeds(id, url, subscribed) VALUES (1, 'https://a/', 1)")
    for i in range(3):
        conn.execute(
            "INSERT INTO articles(feed_id, guid, title, text, published, fetched) "
            "VALUES (1, ?, ?, 'walrus', ?, 0)",
            (f"g{i}", f"t{i}", float(i)),
        )
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, author, text) "
        "SELECT id, title, '', text FROM articles"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.unindexed() == 0
    with store.transaction() as c:
        c.execute("DELETE FROM articles WHERE guid = 'g1'")
    _fts_sound(store)
    assert sorted(h.title for h in store.search("walrus")) == ["t0", "t2"]


def test_schema_10_narrows_the_covering_index_and_keys_links_by_feed(tmp_path: Path) -> None:
    """A store at schema 9 migrates: the covering index loses the link, the date index its
    duplicate, the link index gains the feed (the sync trigger's lookup); a query on the
    link and a list by date answer as before."""
    from newsreader import query

    store = _old_store(
        tmp_path,
        9,
        "guid, title, link, published",
        [(f"g{i}", f"t{i}", f"https://a/{'x' if i % 2 else 'y'}/{i}", float(i)) for i in range(4)],
    )

    def columns(index: str) -> list[str]:
        return [r[2] for r in store.conn.execute(f"PRAGMA index_info({index})")]

    assert columns("articles_cover") == ["published", "id", "feed_id", "read", "starred", "hidden"]
    assert columns("articles_by_link") == ["link", "feed_id"]
    names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
    assert "articles_by_date" not in names
    titles = [store.get_article(i).title for i in query.matching_ids(store, "url ~ /x/")]
    assert titles == ["t3", "t1"]
    assert [store.get_article(i).title for i in store.article_ids()] == ["t3", "t2", "t1", "t0"]
    assert store.check() == "ok"


HOSTILE_HTML = (
    "<p onclick='steal()'>Hello <a href='/rel'>rel</a> <a href='javascript:alert(1)'>js</a>"
    "<script>evil()</script><iframe src='https://x.example/'>frame</iframe>"
    "<img src='cat.png' onerror='x()' alt='a cat'><!-- comment --><style>p{}</style>"
    "<form action='https://x.example/'><input name=q></form></p>"
)


def test_a_stored_hostile_entry_comes_back_sanitized(tmp_path: Path) -> None:
    from newsreader.sources.parse import parse_feed

    from support.stored import unsafe_html

    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><guid>h1</guid><title>hostile</title><description><![CDATA["
        + HOSTILE_HTML
        + "]]></description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(body, "https://ex.org/blog/feed.xml")
    assert "<script>" in parsed.articles[0].content_html  # kept as it came ...
    store = Store(tmp_path / "s.db")
    store.save_feed(URL, parsed)
    (raw,) = store.conn.execute("SELECT content_html FROM articles").fetchone()
    assert "<script>evil()</script>" in raw  # ... in the row too
    ((aid,),) = store.conn.execute("SELECT id FROM articles").fetchall()
    for art in (store.get_article(aid), *store.iter_articles()):
        assert art is not None
        html = art.content_html
        assert not unsafe_html(html), unsafe_html(html)
        for bad in ("evil", "steal", "javascript", "onerror", "frame", "comment", "<form", "p{}"):
            assert bad not in html, (bad, html)
        assert 'href="https://ex.org/rel"' in html  # resolved against the stored base
        assert 'src="https://ex.org/blog/cat.png"' in html
        assert "Hello" in html and 'alt="a cat"' in html
        assert "evil" not in art.text and "frame" not in art.text and "[image: a cat]" in art.text


def test_content_hash_is_of_the_stored_html_and_base(store: Store) -> None:
    one = feed(1)
    one.articles[0].html_base = "https://example.com/a/"
    store.save_feed(URL, one)
    (aid,) = store.article_ids()
    again = feed(1)
    again.articles[0].html_base = "https://example.com/a/"
    store.save_feed(URL, again)
    store.set_read([aid])
    moved = feed(1)
    moved.articles[0].html_base = "https://example.com/b/"  # relative links change target
    moved.articles[0].content_html = '<p><a href="x">Body 0</a></p>'
    assert store.save_feed(URL, moved) == 0
    art = store.get_article(aid)
    assert art is not None and art.read
    assert 'href="https://example.com/b/x"' in art.content_html


def test_rows_sanitized_before_schema_9_read_back_unchanged(tmp_path: Path) -> None:
    """Rows stored at schema 8 hold sanitized HTML and no base: sanitizing it again on read
    gives it back as it was (nh3 is idempotent on its own output)."""
    from newsreader.store.schema import MIGRATIONS, split_sql
    from newsreader.text.sanitize import sanitize_html

    old_html = sanitize_html(HOSTILE_HTML, "https://ex.org/blog/feed.xml")
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for i in range(8):
        for stmt in split_sql(MIGRATIONS[i]):
            conn.execute(stmt)
    conn.execute("PRAGMA user_version=8")
    conn.execute("INSERT INTO feeds(id, url, subscribed) VALUES (1, 'https://a/', 1)")
    conn.execute(
        "INSERT INTO articles(feed_id, guid, title, content_html, text, published, fetched) "
        "VALUES (1, 'g', 't', ?, 'Hello', 0, 0)",
        (old_html,),
    )
    conn.commit()
    conn.close()
    store = Store(path)
    (aid,) = store.article_ids()
    art = store.get_article(aid)
    assert art is not None and art.content_html == old_html
    assert 'href="https://ex.org/rel"' in old_html


def test_the_list_widget_gets_the_same_ids_compactly(store: Store) -> None:
    """`article_id_array` is `article_ids` as 8-byte ints (what the app's list holds: a list
    of a million ids is 36 MB of int objects the garbage collector walks)."""
    from array import array

    store.save_feed(URL, feed(30))
    for view in (View("all"), View("feed", feed_id=1), View("search", query="volcanoes")):
        got = store.article_id_array(view)
        assert isinstance(got, array) and got.typecode == "q"
        assert list(got) == store.article_ids(view) and len(got) == 30
        assert list(store.article_id_array(view, 5)) == store.article_ids(view, 5)
