"""Stories: the clustering decisions, roles, overrides and the schema migration (real SQLite)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from newsreader import stories
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.store import SCHEMA_VERSION, Store
from newsreader.store.schema import split_sql as _split_sql
from newsreader.stories.minhash import jaccard, signature
from newsreader.stories.roles import Member, assign
from newsreader.stories.text import numbers_in, split_furniture, terms_of

T0 = datetime(2023, 9, 12, 12, tzinfo=UTC)

# Unrelated headlines so that document frequencies look like a real store's.
NOISE = [
    "Spain's Sumar and Socialists agree coalition programme",
    "Microsoft Teams gets new AI recap feature for meetings",
    "Thousands march in London calling for ceasefire",
    "Meta hit by lawsuit from 33 states over youth mental health",
    "Tesla shares slide as Musk warns of tough economy",
    "Alphabet shares fall as cloud growth slows",
    "ECB keeps interest rates unchanged for first time in over a year",
    "Exxon to buy Pioneer Natural Resources in $59.5 billion deal",
    "UK economy stagnates in third quarter as high interest rates bite",
    "Unity backtracks on controversial install fee after developer backlash",
    "Arm prices IPO at top of range, valuing chip designer at $54.5 billion",
    "Wildfire smoke from Canada blankets New York City",
]


def _store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db.sqlite")


def _add(store: Store, feed: str, items: list[tuple[str, str, float]], **kw) -> None:
    """items: (title, text, hours after T0)."""
    arts = [
        ParsedArticle(
            guid=f"{feed}-{i}-{title[:20]}",
            title=title,
            link=f"https://{feed.replace(' ', '').lower()}.example/{i}",
            published=T0 + timedelta(hours=h),
            text=text,
            summary_html=text,
            author=kw.get("author"),
        )
        for i, (title, text, h) in enumerate(items)
    ]
    url = f"https://{feed.replace(' ', '').lower()}.example/feed"
    store.ensure_feed(url, feed)
    store.save_feeds([(url, ParsedFeed(feed, None, arts), None, None)])


def _noise(store: Store) -> None:
    _add(store, "Wire", [(t, "", -30 + i) for i, t in enumerate(NOISE)])


def _groups(store: Store) -> list[set[str]]:
    out: dict[int, set[str]] = {}
    for sid, title in store.conn.execute(
        "SELECT m.story_id, a.title FROM story_articles m JOIN articles a ON a.id = m.article_id"
    ):
        out.setdefault(sid, set()).add(title)
    return [g for g in out.values() if len(g) > 1]


# --------------------------------------------------------------------------- text


def test_furniture_labels_and_outlet_tails():
    assert split_furniture("Live: Memphis police release video of the arrest") == (
        "Memphis police release video of the arrest",
        "Live",
        "",
    )
    head, label, tail = split_furniture("China ends quarantine for arrivals - Reuters")
    assert (head, tail) == ("China ends quarantine for arrivals", "Reuters")
    t = terms_of("Live: Memphis police release video of Tyre Nichols beating", "")
    assert "live" not in t.title and "nichol" in t.names


def test_numbers_have_kinds_and_estimates():
    approx: set[str] = set()
    keys = numbers_in("Quake kills at least 18, magnitude 6.1, $1.2bn jackpot, up 3.6%", approx)
    assert {"#18", "#6.1.", "#1.2e+09$", "#3.6%"} <= keys
    assert approx == {"#18"}
    assert numbers_in("Arsenal 0-1 Chelsea") == numbers_in("Chelsea beat Arsenal 1-0")
    assert "#2014" not in numbers_in("Elections of 2014")  # a year is a term, not a count
    assert "#9" not in terms_of("SpaceX Falcon 9 launches 13 satellites", "").title_numbers


def test_minhash_estimates_jaccard():
    words = [f"w{i}" for i in range(400)]
    a = signature(" ".join(words))
    b = signature(" ".join(words[:300] + [f"x{i}" for i in range(100)]))
    c = signature(" ".join(f"y{i}" for i in range(400)))
    assert a is not None and b is not None and c is not None
    assert 0.4 < jaccard(a, b) < 0.8
    assert jaccard(a, c) < 0.1
    assert signature("too short") is None
    assert np.array_equal(a, signature(" ".join(words)))  # stable: signatures are stored


# --------------------------------------------------------------------------- decisions


def test_same_event_from_several_outlets_is_one_story(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    _add(
        store,
        "Reuters",
        [("Jailed Iranian activist Narges Mohammadi wins Nobel Peace Prize", "", 0)],
    )
    _add(
        store,
        "BBC News",
        [("Nobel Peace Prize: Jailed Iranian activist Narges Mohammadi wins", "", 1)],
    )
    _add(
        store,
        "AP News",
        [("Imprisoned Iranian activist Narges Mohammadi wins Nobel Peace Prize", "", 2)],
    )
    stories.update(store)
    assert len(_groups(store)) == 1 and len(_groups(store)[0]) == 3


def test_template_headlines_with_different_numbers_stay_apart(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    _add(store, "Space.com", [("SpaceX launches 21 Starlink satellites from Florida", "", 0)])
    _add(store, "Spaceflight", [("SpaceX launches 13 Starlink satellites from Florida", "", 20)])
    _add(store, "USGS", [("Magnitude 6.1 earthquake strikes central Chile", "", 2)])
    _add(store, "EMSC", [("Magnitude 5.4 earthquake strikes central Chile", "", 30)])
    stories.update(store)
    assert _groups(store) == []


def test_estimates_of_a_toll_do_not_contradict(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    _add(
        store,
        "Reuters",
        [("Morocco earthquake kills more than 600, damages historic Marrakech", "", 0)],
    )
    _add(
        store,
        "AP News",
        [("Powerful earthquake in Morocco kills more than 800 people near Marrakech", "", 3)],
    )
    stories.update(store)
    assert len(_groups(store)) == 1


def test_a_topic_a_month_later_is_a_new_story(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    _add(store, "Reuters", [("Ryanair quarterly profit soars as summer fares rise", "", 0)])
    _add(store, "Guardian", [("Ryanair quarterly profit soars as summer fares climb", "", 24 * 30)])
    stories.update(store)
    assert _groups(store) == []


def test_no_chaining_through_one_loose_member(tmp_path):
    """B links to A and C links to B: C still has to agree with the story (A and B), not
    with B alone."""
    store = _store(tmp_path)
    _noise(store)
    _add(store, "A", [("Port Vela harbour strike halts ferry traffic to Kessa island", "", 0)])
    _add(store, "B", [("Port Vela harbour strike spreads to Lindar rail depots", "", 1)])
    _add(store, "C", [("Lindar rail depots strike ends after pay deal", "", 2)])
    stories.update(store)
    groups = _groups(store)
    assert all(not any("Lindar rail depots strike ends" in t for t in g) for g in groups)


def test_same_people_different_event_words_are_apart(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    _add(store, "Verge", [("OpenAI fires Sam Altman as CEO", "", 0)])
    _add(store, "Bloomberg", [("OpenAI investors push to bring Sam Altman back as CEO", "", 20)])
    stories.update(store)
    assert _groups(store) == []


def _sentences(template: str, step: int, n: int = 40) -> str:
    """A long body of `n` sentences, the i-th with the number i * step."""
    return " ".join(template.format(i=i, n=i * step) for i in range(n))


def test_copies_are_found_in_bodies_and_marked(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    body = _sentences(
        "Sentence {i} tells how the harbour authority of Port Vela counted {n} ships.", 7
    )
    _add(
        store,
        "Original Times",
        [("Port Vela harbour sees record traffic", body, 0)],
        author="Ann Lee",
    )
    copy = body.replace("tells how", "explains how").replace("counted", "recorded")
    _add(store, "Farm", [("Record traffic at Port Vela harbour", "Read more. " + copy, 5)])
    stories.update(store)
    (story,) = stories.list_stories(store)
    roles = {a.feed: a.role for a in stories.story_articles(store, story.id)}
    assert roles == {"Original Times": "original", "Farm": "copy"}


def test_a_text_carried_by_several_feeds_is_a_copy_of_its_earliest_twin(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    body = _sentences(
        "Sentence {i} says the Port Vela council voted {n} times on the harbour plan.", 3
    )
    _add(store, "Agency", [("Port Vela council votes on harbour plan", body, 0)])
    _add(store, "Planet", [("Port Vela council votes on harbour plan", body, 1)])
    stories.update(store)  # a twin in the same run
    _add(store, "Mirror", [("Council vote on the Port Vela harbour", body, 2)])
    stories.update(store)  # a stored twin
    rows = store.conn.execute(
        "SELECT f.title, m.story_id, m.role, m.copy_of, m.article_id FROM story_articles m "
        "JOIN feeds f ON f.id = m.feed_id WHERE f.title != 'Wire'"
    ).fetchall()
    by_feed = {r[0]: r[1:] for r in rows}
    first = by_feed["Agency"][3]
    assert len({r[1] for r in rows}) == 1
    assert {f: r[1] for f, r in by_feed.items()} == {
        "Agency": "original",
        "Planet": "copy",
        "Mirror": "copy",
    }
    assert by_feed["Planet"][2] == by_feed["Mirror"][2] == first


def test_a_headline_carried_by_several_feeds_is_a_copy_of_its_earliest_twin(tmp_path):
    store = _store(tmp_path)
    _noise(store)
    item = ("Port Vela council approves harbour expansion plan", "Councillors voted 7-2.")
    _add(store, "Agency", [(*item, 0)])
    stories.update(store)
    _add(store, "Planet", [(*item, 1)])
    _add(store, "Mirror", [(*item, 2)])
    stories.update(store)  # a stored twin, then a twin in the same run
    rows = store.conn.execute(
        "SELECT f.title, m.story_id, m.role, m.copy_of, m.article_id FROM story_articles m "
        "JOIN feeds f ON f.id = m.feed_id WHERE f.title != 'Wire'"
    ).fetchall()
    by_feed = {r[0]: r[1:] for r in rows}
    assert len({r[1] for r in rows}) == 1
    assert {f: r[1] for f, r in by_feed.items()} == {
        "Agency": "original",
        "Planet": "copy",
        "Mirror": "copy",
    }
    assert by_feed["Planet"][2] == by_feed["Mirror"][2] == by_feed["Agency"][3]


def test_roles_prefer_sources_then_byline_then_earliest():
    ms = [
        Member(1, 10, 100.0, False, None),
        Member(2, 11, 200.0, True, None),
        Member(3, 12, 300.0, True, 2),
    ]
    original, roles = assign(ms)
    assert original == 2 and roles == {1: "coverage", 2: "original", 3: "copy"}
    ms[0].preferred = True
    original, roles = assign(ms)
    assert original == 1 and roles[2] == "coverage" and roles[3] == "copy"


# --------------------------------------------------------------------------- state


def _two_stories(store: Store) -> tuple[int, int]:
    _noise(store)
    _add(
        store,
        "Reuters",
        [("Jailed Iranian activist Narges Mohammadi wins Nobel Peace Prize", "", 0)],
    )
    _add(
        store,
        "AP News",
        [("Imprisoned Iranian activist Narges Mohammadi wins Nobel Peace Prize", "", 2)],
    )
    _add(
        store, "BBC News", [("Storm Babet: three people dead as red weather warning issued", "", 1)]
    )
    _add(
        store, "Sky News", [("Storm Babet: third death as rare red warning stays in place", "", 3)]
    )
    stories.update(store)
    ids = [s.id for s in stories.list_stories(store)]
    assert len(ids) == 2
    return ids[0], ids[1]


def test_incremental_update_only_touches_new_articles(tmp_path):
    store = _store(tmp_path)
    _two_stories(store)
    assert stories.pending(store.conn) == 0
    assert stories.update(store).articles == 0  # nothing to redo
    _add(
        store,
        "Guardian",
        [("Narges Mohammadi: jailed Iranian activist wins Nobel peace prize", "", 4)],
    )
    summary = stories.update(store)
    assert summary.articles == 1 and summary.joined == 1
    sizes = sorted(s.size for s in stories.list_stories(store))
    assert sizes == [2, 3]


def test_split_and_merge_are_kept_across_rebuild(tmp_path):
    store = _store(tmp_path)
    a, b = _two_stories(store)
    arts = stories.story_articles(store, a)
    moved = arts[-1].id
    new = stories.split(store, moved)
    assert new is not None and stories.story_of(store, moved) == new
    assert len(stories.story_articles(store, a)) == 1  # story a now has one article
    stories.merge(store, b, new)
    merged = {x.id for x in stories.story_articles(store, b)}
    assert moved in merged
    stories.rebuild(store)
    sid = stories.story_of(store, moved)
    members = {x.id for x in stories.story_articles(store, sid)}
    assert merged <= members  # the merge survived re-clustering
    assert arts[0].id not in members  # and so did the split


def test_marks_and_mark_read(tmp_path):
    store = _store(tmp_path)
    a, _ = _two_stories(store)
    ids = [x.id for x in stories.story_articles(store, a)]
    lone = store.conn.execute("SELECT min(id) FROM articles").fetchone()[0]
    marks = stories.marks(store, [*ids, lone])
    assert set(marks) == set(ids) and all(m == (a, 2) for m in marks.values())
    assert stories.mark_read(store, a) == 2
    assert stories.list_stories(store)[0].unread in (0, 2)


def test_deleting_a_feed_shrinks_its_stories(tmp_path):
    store = _store(tmp_path)
    _two_stories(store)
    store.delete_feed("https://apnews.example/feed")
    titles = {s.title for s in stories.list_stories(store)}
    assert not any("Mohammadi" in t for t in titles)


def test_migration_from_the_previous_schema(tmp_path):
    """A database written by the schema before stories opens, migrates, and clusters."""
    from newsreader.store.schema import MIGRATIONS as _MIGRATIONS

    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    for script in _MIGRATIONS[: SCHEMA_VERSION - 1]:
        for stmt in _split_sql(script):
            con.execute(stmt)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION - 1}")
    con.execute("INSERT INTO feeds(url, title) VALUES ('https://x.example/feed', 'X')")
    con.execute(
        "INSERT INTO articles(feed_id, guid, title, published, fetched) "
        "VALUES (1, 'g', 'An old article', 1.0, 1.0)"
    )
    con.commit()
    con.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert stories.update(store).articles == 1
    assert stories.story_of(store, 1) is not None


def test_migration_6_moves_postings_and_buckets_under_their_period(tmp_path):
    """A store clustered at schema 3 keeps its postings and buckets (now keyed by period)."""
    from newsreader.store.schema import MIGRATIONS as _MIGRATIONS
    from newsreader.stories.candidates import period

    path = tmp_path / "v3.db"
    con = sqlite3.connect(path)
    for script in _MIGRATIONS[:3]:
        for stmt in _split_sql(script):
            con.execute(stmt)
    con.execute("PRAGMA user_version=3")
    con.execute("INSERT INTO feeds(url, title) VALUES ('https://x.example/feed', 'X')")
    pub = T0.timestamp()
    con.execute(
        "INSERT INTO articles(feed_id, guid, title, published, fetched) VALUES (1, 'g', 't', ?, ?)",
        (pub, pub),
    )
    con.execute(
        "INSERT INTO stories(id, title, first_seen, last_seen, size) VALUES (1, 't', ?, ?, 1)",
        (pub, pub),
    )
    con.execute(
        "INSERT INTO story_articles(article_id, story_id, feed_id, published) VALUES (1, 1, 1, ?)",
        (pub,),
    )
    con.execute("INSERT INTO story_terms VALUES (42, ?, 1)", (pub,))
    con.execute("INSERT INTO story_bands VALUES (7, 1)")
    con.commit()
    con.close()
    store = Store(path)
    assert store.conn.execute(
        "SELECT period, term, published, article_id FROM story_postings"
    ).fetchall() == [(period(pub), 42, pub, 1)]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.conn.execute("SELECT * FROM story_buckets").fetchall() == [(period(pub), 7, 1)]


def test_a_refresh_groups_its_articles_in_its_process_pool_once_they_are_stored(
    tmp_path, http_server
):
    """Several feeds refreshed with a process pool: `on_stored` is told when every feed is
    stored and nothing is clustered yet; every new article is clustered by the time the
    refresh returns, and the time it took is reported."""
    import asyncio

    from newsreader.config import Settings
    from newsreader.models import Subscription
    from newsreader.refresh import refresh_feeds

    reports = [
        ("Northern Wire", "Jailed Iranian activist Narges Mohammadi wins Nobel Peace Prize"),
        ("Evening Post", "Nobel Peace Prize: Jailed Iranian activist Narges Mohammadi wins"),
        ("Daily Ledger", "Imprisoned Iranian activist Narges Mohammadi wins Nobel Peace Prize"),
    ]
    urls = []
    for k, (name, title) in enumerate(reports):
        items = "".join(
            f"<item><title>{t}</title><guid>{name}-{i}</guid>"
            f"<pubDate>{(T0 + timedelta(hours=i)).strftime('%a, %d %b %Y %H:%M:%S +0000')}"
            "</pubDate></item>"
            for i, t in enumerate([title, *NOISE[k * 4 : k * 4 + 4]])
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}'
        http_server.add(f"/f{k}.xml", body + "</channel></rss>", "application/rss+xml")
        urls.append(http_server.url(f"/f{k}.xml"))
    store = _store(tmp_path)
    subs = [Subscription(url=u) for u in urls]
    store.sync_subscriptions(subs)
    seen: list[tuple[int, int]] = []

    def on_stored(summary) -> None:
        seen.append((summary.new_articles, stories.pending(store.conn)))

    summary = asyncio.run(
        refresh_feeds(subs, store=store, settings=Settings(), on_stored=on_stored)
    )
    assert seen == [(15, 15)]
    assert summary.new_articles == 15
    assert stories.pending(store.conn) == 0
    assert summary.stories_busy > 0 and summary.stories_wait >= 0
    (story,) = stories.list_stories(store)
    assert story.size == 3 and story.sources == 3


def test_item_pickles_as_its_encoded_terms() -> None:
    import pickle

    from newsreader.stories.analysis import analyse
    from newsreader.stories.item import FEED, decode

    body = " ".join(f"word{i} of the long body, sentence {i}." for i in range(80))
    (it,) = analyse([(7, 3, "Quake of magnitude 6.1 hits Chile", body, "Ann Lee", 1.7e9)])
    assert it.sig is not None
    it.mark({next(iter(it.flags))}, FEED)  # the encoded form follows a mark
    assert decode(it.blob()) == it.flags
    keys = it.band_keys()
    back = pickle.loads(pickle.dumps(it))
    assert back.flags == it.flags and list(back.flags) == list(it.flags)
    assert back.sig is not None and np.array_equal(back.sig, it.sig)
    assert back.band_keys() == keys and back.probe_terms() == it.probe_terms()
    assert (back.id, back.feed_id, back.published, back.byline, back.title) == (
        it.id, it.feed_id, it.published, it.byline, it.title,
    )  # fmt: skip


def test_alongside_slots_wake_decisions_before_analyses() -> None:
    from newsreader.stories.alongside import _Slots

    async def main() -> list[str]:
        slots = _Slots(1)
        order: list[str] = []

        async def step(name: str, priority: int) -> None:
            await slots.acquire(priority)
            order.append(name)
            await asyncio.sleep(0)
            slots.release()

        await slots.acquire(0)  # busy: the others queue
        tasks = [asyncio.create_task(step(n, p)) for n, p in (("a1", 1), ("a2", 1), ("d", 0))]
        gone = asyncio.create_task(step("cancelled", 0))
        await asyncio.sleep(0)
        gone.cancel()
        slots.release()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert slots.free == 1 and not slots.waiters
        return order

    assert asyncio.run(main()) == ["d", "a1", "a2"]
