"""Sync pieces that need no server: [sync] settings, the password, the conflict rule, the
sync tables' triggers, URL and guid keys, server text made safe."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newsreader.config import ConfigError, SyncSettings, load_settings
from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.store import Store
from newsreader.sync import engine, state
from newsreader.sync.base import RemoteArticle, RemoteState, SyncError
from newsreader.sync.secret import read_password
from newsreader.sync.ttrss import _guid_key, api_url

# ---------------------------------------------------------------------- [sync] settings


def settings_from(tmp_path: Path, text: str):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return load_settings(p)


def test_sync_settings(tmp_path: Path) -> None:
    s = settings_from(
        tmp_path,
        'refresh_on_start = false\n[sync]\nservice = "TTRSS"\nurl = "https://h/tt-rss"\n'
        'user = "me"\npassword_command = "pass show \'tt rss\'"\n',
    )
    assert s.refresh_on_start is False
    assert s.sync == SyncSettings("ttrss", "https://h/tt-rss", "me", ["pass", "show", "tt rss"])
    s = settings_from(
        tmp_path, '[sync]\nservice = "ttrss"\nurl = "http://h/"\nuser = "me"\npassword_env = "P"\n'
    )
    assert s.sync is not None and s.sync.password_env == "P" and s.sync.password_command is None
    assert settings_from(tmp_path, "compact = true\n").sync is None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('service = "ttrss"\nurl = "http://h/"\nuser = "u"\npassword = "x"', "no `password`"),
        ('service = "ttrss"\nurl = "http://h/"\nuser = "u"', "exactly one of"),
        (
            'service = "ttrss"\nurl = "http://h/"\nuser = "u"\npassword_env = "P"\n'
            'password_command = ["x"]',
            "exactly one of",
        ),
        ('url = "http://h/"\nuser = "u"\npassword_env = "P"', "needs `service`"),
        ('service = "ttrss"\nurl = "ftp://h/"\nuser = "u"\npassword_env = "P"', "scheme"),
        ('service = "ttrss"\nurl = "/tmp/x"\nuser = "u"\npassword_env = "P"', "must be http(s)"),
        ('service = "ttrss"\nurl = "http://h"\nuser = "u"\npassword_command = []', "command"),
        ('service = "ttrss"\nurl = "http://h"\nuser = "u"\npassword_command = "a \'b"', "quot"),
        (
            'service = "ttrss"\nurl = "http://h"\nuser = "u"\npassword_env = "P"\ntimeout = 0',
            "timeout",
        ),
    ],
)
def test_sync_settings_errors(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(ConfigError, match="config.toml") as exc:
        settings_from(tmp_path, "[sync]\n" + body + "\n")
    assert says in str(exc.value) and "\n" not in str(exc.value)


# ---------------------------------------------------------------------- the password


def cmd_settings(argv: list[str]) -> SyncSettings:
    return SyncSettings("ttrss", "http://h/", "u", password_command=argv)


def test_password_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "touched"
    argv = [sys.executable, "-c", "import sys; print(sys.argv[1])", f"s3cret; touch {marker}"]
    assert read_password(cmd_settings(argv)) == f"s3cret; touch {marker}"
    assert not marker.exists()  # no shell ever saw the ';'
    multi = [sys.executable, "-c", "print('first line\\nsecond line')"]
    assert read_password(cmd_settings(multi)) == "first line"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["/nonexistent/password-tool"], "not found"),
        ([sys.executable, "-c", "import sys; sys.stderr.write('locked'); sys.exit(3)"],
         "failed with exit status 3: locked"),
        ([sys.executable, "-c", "pass"], "printed no password"),
    ],
)  # fmt: skip
def test_password_command_errors(argv: list[str], says: str) -> None:
    with pytest.raises(SyncError, match="password_command") as exc:
        read_password(cmd_settings(argv))
    assert says in str(exc.value)


def test_password_command_timeout() -> None:
    argv = [sys.executable, "-c", "import time; time.sleep(10)"]
    with pytest.raises(SyncError, match="gave no password within 0.5 s"):
        read_password(cmd_settings(argv), timeout=0.5)


def test_password_env(monkeypatch: pytest.MonkeyPatch) -> None:
    s = SyncSettings("ttrss", "http://h/", "u", password_env="NR_UNIT_PW")
    monkeypatch.delenv("NR_UNIT_PW", raising=False)
    with pytest.raises(SyncError, match="NR_UNIT_PW .* is not set"):
        read_password(s)
    monkeypatch.setenv("NR_UNIT_PW", "pw")
    assert read_password(s) == "pw"


# ---------------------------------------------------------------------- keys


def test_api_url_and_url_key() -> None:
    assert api_url("https://h/tt-rss") == "https://h/tt-rss/api/"
    assert api_url("https://h/tt-rss/api/") == "https://h/tt-rss/api/"
    assert api_url("http://127.0.0.1:8280") == "http://127.0.0.1:8280/api/"
    key = engine.url_key
    assert key("HTTP://Example.org:80/feed/") == key("http://example.org/feed")
    assert key("https://example.org:8443/f") != key("https://example.org/f")
    assert key("http://example.org/f?a=1") != key("http://example.org/f?a=2")


def test_guid_keys_match_ttrss_hashes() -> None:
    # tt-rss stores json_encode(["ver" => 2, "uid" => N, "hash" => "SHA1:" . sha1(guid)])
    raw = '{"ver":2,"uid":"7","hash":"SHA1:' + "8843d7f92416211de9ebb963ff4ce28125932878" + '"}'
    assert _guid_key(raw) == "SHA1:8843d7f92416211de9ebb963ff4ce28125932878"  # sha1("foobar")
    from newsreader.sync.ttrss import TtrssService

    service = TtrssService("http://h/", "u", lambda: "")
    assert service.guid_key("foobar") == _guid_key(raw)
    assert _guid_key("7,foobar") == _guid_key(raw)  # very old, unhashed entries
    assert _guid_key("SHA1:abc") is None and _guid_key("") is None and _guid_key(None) is None
    assert _guid_key("{not json") is None


def test_server_text_is_made_safe() -> None:
    a = RemoteArticle(
        id="1", feed_id="2", guid_key=None, title="Bad \x1b[31mred\x07 \u202etitle",
        link="javascript:alert(1)", author="\x1b]8;;x\x07me", published=None,
        content_html="<p>ok</p><script>x()</script><img src=x onerror=y>",
        read=False, starred=False,
        enclosures=[("file:///etc/passwd", "text/plain"), ("https://h/a.mp3", "audio/mpeg")],
    )  # fmt: skip
    p = engine._parsed("ttrss", a)
    assert p.title == "Bad [31mred title" and p.author == "]8;;xme"
    assert p.link is None and "<script" not in p.content_html and "onerror" not in p.content_html
    assert [e.url for e in p.enclosures] == ["https://h/a.mp3"]
    assert p.guid == "sync:ttrss:id:1" and p.text == "ok"


# ---------------------------------------------------------------------- the conflict rule


def seen(aid: int, read: bool, starred: bool, at: float = 100.0) -> state.Seen:
    return state.Seen(aid, str(aid), read, starred, at)


def test_reconcile_cases() -> None:
    rows = [
        seen(1, False, False),
        seen(2, False, False),
        seen(3, True, False),
        seen(4, False, True),
    ]
    local = {1: (True, False), 2: (False, False), 3: (True, False), 4: (False, True)}
    queued = [
        state.Change(1, "1", "read", True, 150.0),  # only here: push
        state.Change(3, "3", "read", True, 90.0),  # both agree (read): nothing to push
    ]
    # Server now: 2 read (changed there, nothing queued here: apply), 3 read, 4 unstarred.
    remote = RemoteState(unread={"1", "4"}, starred=set())
    plan = engine.reconcile(rows, local, queued, remote, seen_at=200.0)
    assert [(c.article_id, c.flag) for c in plan.push] == [(1, "read")]
    assert [(c.article_id, c.flag) for c in plan.drop] == [(3, "read")]
    assert sorted(plan.apply) == [(2, "read", True), (4, "starred", False)]
    assert [(s.article_id, s.read, s.starred, s.seen_at) for s in plan.seen] == [
        (1, False, False, 200.0), (2, True, False, 200.0), (3, True, False, 200.0),
        (4, False, False, 200.0),
    ]  # fmt: skip


def test_reconcile_conflicts_newer_wins() -> None:
    # Both sides changed article 1's read flag since the sync at t=100: the server read it,
    # here it was read and then marked unread again at t=150.
    rows = [seen(1, False, False)]
    local = {1: (False, False)}
    mine = state.Change(1, "1", "read", False, 150.0)
    remote = RemoteState(unread=set(), starred=set())
    # Without a server date, its change is dated by the last sync that saw the old value
    # (t=100): the local change is newer.
    plan = engine.reconcile(rows, local, [mine], remote, seen_at=200.0)
    assert plan.push == [mine] and plan.apply == []
    # The server dates its change at t=180: newer than the local one; the server wins.
    remote.changed_at[("1", "read")] = 180.0
    plan = engine.reconcile(rows, local, [mine], remote, seen_at=200.0)
    assert plan.push == [] and plan.drop == [mine] and plan.apply == [(1, "read", True)]
    # ... dated at t=120: older than the local change; the local change wins.
    remote.changed_at[("1", "read")] = 120.0
    assert engine.reconcile(rows, local, [mine], remote, seen_at=200.0).push == [mine]


# ---------------------------------------------------------------------- the sync tables


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "nr.db")
    s.sync_subscriptions([])
    return s


def feed_with(store: Store, url: str, guids: list[str], links: list[str] | None = None) -> int:
    arts = [
        ParsedArticle(guid=g, title=g, link=(links or [None] * len(guids))[i], text=g)
        for i, g in enumerate(guids)
    ]
    store.save_feed(url, ParsedFeed("F", None, arts))
    fid = store.feed_id(url)
    assert fid is not None
    return fid


def ids(store: Store) -> dict[str, int]:
    return dict(store.conn.execute("SELECT guid, id FROM articles").fetchall())


def test_local_changes_of_synced_articles_are_queued_by_the_store(store: Store) -> None:
    feed_with(store, "http://h/f", ["a", "b", "c"])
    a, b, c = (ids(store)[g] for g in "abc")
    with store.transaction() as conn:
        for aid in (a, b):
            state.link_article(conn, "ttrss", seen(aid, False, False), local=(False, False))
    store.set_read([a, c], True)  # c is not synced: nothing queued for it
    store.set_starred(b, True)
    store.set_starred(b, False)  # the newest change per article and flag is kept
    got = {(ch.article_id, ch.flag): ch.value for ch in state.changes(store.conn, "ttrss")}
    assert got == {(a, "read"): True, (b, "starred"): False}
    with store.transaction() as conn:  # the engine applying the server's flags: not queued
        applied = state.apply_server(conn, [(b, "read", True), (a, "read", False)])
    assert applied == [(b, "read", True)]  # a has a local change waiting: left alone
    assert len(state.changes(store.conn, "ttrss")) == 2


def test_link_article_first_time_keeps_read_and_starred_of_either_side(store: Store) -> None:
    feed_with(store, "http://h/f", ["a", "b"])
    a, b = ids(store)["a"], ids(store)["b"]
    store.set_read([a], True)
    with store.transaction() as conn:
        state.link_article(conn, "ttrss", seen(a, False, True), local=(True, False))
        state.link_article(conn, "ttrss", seen(b, True, False), local=(False, False))
    assert [(r.read, r.starred) for r in store.rows_by_ids([a, b])] == [(True, True), (True, False)]
    got = [(ch.article_id, ch.flag, ch.value) for ch in state.changes(store.conn, "ttrss")]
    assert got == [(a, "read", True)]  # the server lacks only a's read flag


def test_an_article_stored_from_the_server_takes_the_feeds_own_guid(store: Store) -> None:
    fid = feed_with(store, "http://h/f", ["sync:ttrss:SHA1:x"], ["http://h/1"])
    # The feed fetched by newsreader itself later (sync turned off): the same article, by link.
    new = store.save_feed(
        "http://h/f",
        ParsedFeed("F", None, [
            ParsedArticle(guid="real-1", title="one", link="http://h/1", text="one"),
            ParsedArticle(guid="real-2", title="two", link="http://h/2", text="two"),
        ]),
    )  # fmt: skip
    assert new == 2  # counted by the store as new, but stored once
    rows = store.conn.execute(
        "SELECT guid, link FROM articles WHERE feed_id = ? ORDER BY link", (fid,)
    ).fetchall()
    assert rows == [("real-1", "http://h/1"), ("real-2", "http://h/2")]
    assert [r.title for r in store.search("two")] == ["two"]  # the index holds the new one


def test_another_account_starts_over_but_keeps_queued_subscribes(store: Store) -> None:
    feed_with(store, "http://h/f", ["a"])
    with store.transaction() as conn:
        assert state.begin(conn, "ttrss", "one") is None
        state.save_cursor(conn, "ttrss", "42")
        state.map_feed(conn, "ttrss", store.feed_id("http://h/f") or 0, "9", "F", None)
        state.queue_feed_change(conn, "ttrss", "http://h/new", "add")
        state.queue_feed_change(conn, "ttrss", "http://h/old", "remove", remote_id="3")
    with store.transaction() as conn:
        assert state.begin(conn, "ttrss", "one") == "42"
    with store.transaction() as conn:
        assert state.begin(conn, "ttrss", "two") is None
    assert state.feed_map(store.conn, "ttrss") == {}
    assert [c.url for c in state.feed_changes(store.conn, "ttrss")] == ["http://h/new"]
