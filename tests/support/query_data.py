"""A small real store for the query tests, and a Python reference for what a query means."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import regex

from newsreader.models import ParsedArticle, ParsedFeed, Subscription
from newsreader.query.nodes import And, Day, Duration, FieldTest, Flag, Node, Not, Or, Words
from newsreader.store import Store
from newsreader.text.safetext import fold

WORLD = "https://news.example.org/world.xml"
TECH = "https://blog.example.net/tech.xml"
GONE = "https://old.example.com/feed.xml"  # not subscribed


@dataclass
class Row:
    id: int
    feed: str
    title: str
    author: str | None
    text: str
    link: str | None
    published: float
    read: bool = False
    starred: bool = False


ARTICLES = {
    WORLD: [
        ("Climate summit opens in Bonn", "Anna Müller", "Delegates meet to discuss carbon tax.", 2),
        ("Vote count delayed", "Ben Okafor", "The election vote count was delayed by rain.", 30),
        ("Sponsored: the best VPN", None, "Buy now, limited offer!", 5),
        (
            "Storm hits the coast",
            "Anna Müller",
            "A storm hit the coast; climate scientists warn.",
            200,
        ),
        ("Zürich bans cars", "Chloé Dubois", "The city of Zürich banned cars downtown.", 24 * 40),
        (
            'Quote "unquote" and (parens)',
            "x' OR 1=1 --",
            'Text with "quotes", *stars* and NEAR(x y).',
            10,
        ),
    ],
    TECH: [
        ("New phone released", "David Kim", "The phone has a faster chip and a climate sensor.", 1),
        ("Live: the keynote", "David Kim", "Live coverage of the keynote.", 50),
        ("Rust 2.0 announced", "Elena Rossi", "The Rust team announced a new edition.", 24 * 8),
        ("50% off_sale today", "Farid Haddad", "Half price for a day.", 3),
    ],
    GONE: [("Climate archive", "Old Author", "Archived climate story.", 4)],
}


def make_store(tmp_path: Path, now: float | None = None) -> tuple[Store, dict[int, Row], float]:
    """A store with the ARTICLES; returns it, its rows by id (with feed titles) and `now`."""
    now = time.time() if now is None else now
    store = Store(tmp_path / "q.db")
    subs = [
        Subscription(WORLD, "World Desk", ["world", "News"]),
        Subscription(TECH, None, ["tech"]),
        Subscription(GONE, "Gone", []),
    ]
    store.sync_subscriptions(subs)
    for url, items in ARTICLES.items():
        arts = [
            ParsedArticle(
                guid=f"{url}#{i}",
                title=title,
                link=f"{url.rsplit('/', 1)[0]}/{i}"
                if i % 3
                else None
                if url == TECH
                else f"{url}/{i}",
                author=author,
                published=datetime.fromtimestamp(now - hours * 3600, UTC),
                content_html=f"<p>{text}</p>",
                text=text,
            )
            for i, (title, author, text, hours) in enumerate(items)
        ]
        title = "Tech Blög Ünïcode" if url == TECH else "The World"
        store.save_feed(url, ParsedFeed(title=title, link=None, articles=arts))
    store.sync_subscriptions(subs[:2])  # GONE unsubscribed: its articles never match
    rows: dict[int, Row] = {}
    for r in store.conn.execute(
        "SELECT a.id, f.url, a.title, a.author, a.text, a.link, a.published FROM articles a "
        "JOIN feeds f ON f.id = a.feed_id"
    ):
        rows[r[0]] = Row(*r)
    by_title = {r.title: r.id for r in rows.values()}
    store.set_read([by_title["Vote count delayed"], by_title["Rust 2.0 announced"]])
    store.set_starred(by_title["Storm hits the coast"], True)
    for t in ("Vote count delayed", "Rust 2.0 announced"):
        rows[by_title[t]].read = True
    rows[by_title["Storm hits the coast"]].starred = True
    return store, rows, now


FEED_TITLES = {WORLD: ("World Desk", "The World"), TECH: ("", "Tech Blög Ünïcode")}
TAGS = {WORLD: ["world", "News"], TECH: ["tech"]}
_TOK = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    return _TOK.findall(fold(text))


def _phrase_in(value: str, text: str, prefix: bool = False) -> bool:
    want, have = tokens(value), tokens(text)
    if not want:
        return fold(value) in fold(text)
    for i in range(len(have) - len(want) + 1):
        ok = all(have[i + k] == w for k, w in enumerate(want[:-1]))
        last = have[i + len(want) - 1]
        if ok and (last.startswith(want[-1]) if prefix else last == want[-1]):
            return True
    return False


def reference(node: Node, row: Row, now: float) -> bool:
    """What `node` means for one article, written directly in Python."""
    if isinstance(node, And):
        return all(reference(c, row, now) for c in node.children)
    if isinstance(node, Or):
        return any(reference(c, row, now) for c in node.children)
    if isinstance(node, Not):
        return not reference(node.child, row, now)
    if isinstance(node, Flag):
        return (row.read if node.name == "read" else row.starred) == node.want
    if isinstance(node, Words):
        cols = (row.title, row.author or "", row.text)
        return (
            bool(node.terms)
            and all(
                any(_phrase_in(t.text, c, t.prefix) for c in cols)
                for t in node.terms
                if tokens(t.text)
            )
            and any(tokens(t.text) for t in node.terms)
        )
    assert isinstance(node, FieldTest)
    if node.op in ("!=", "!~"):
        return not reference(FieldTest(node.field, node.op[1:], node.value, node.high), row, now)
    if node.field == "age":
        assert isinstance(node.value, Duration)
        age = now - row.published
        if node.op == "between":
            lo, hi = sorted((node.value.seconds, node.high.seconds))  # type: ignore[union-attr]
            return lo <= age <= hi
        return {"<": age < node.value.seconds, "<=": age <= node.value.seconds,
                ">": age > node.value.seconds, ">=": age >= node.value.seconds}[node.op]  # fmt: skip
    if node.field == "published":
        assert isinstance(node.value, Day)
        day = datetime.fromtimestamp(row.published).date()
        return {"=": day == node.value.day, "<": day < node.value.day, "<=": day <= node.value.day,
                ">": day > node.value.day, ">=": day >= node.value.day}[node.op]  # fmt: skip
    value = str(node.value)
    if node.field == "tag":
        values = TAGS[row.feed]
    elif node.field in ("feed", "feedtitle", "feedurl"):
        titles = [t for t in FEED_TITLES[row.feed] if t] or [""]
        values = {"feed": [*titles, row.feed], "feedtitle": titles, "feedurl": [row.feed]}[
            node.field
        ]
    elif node.field == "url":
        values = [row.link or ""]
    else:
        values = [{"title": row.title, "author": row.author or "", "text": row.text}[node.field]]
    if node.op == "=~":
        return any(regex.search(value, v, regex.IGNORECASE) for v in values)
    if node.op == "=":
        if node.field == "url":
            return row.link == value
        return any(fold(v) == fold(value) for v in values)
    if node.field in ("title", "author", "text"):
        text, prefix = value, False
        if value.rstrip().endswith("*") and value.rstrip().rstrip("*"):
            text, prefix = value.rstrip().rstrip("*"), True
        return any(_phrase_in(text, v, prefix) for v in values)
    if node.field == "url":
        return any(value.lower() in v.lower() for v in values)
    return any(fold(value) in fold(v) for v in values)
