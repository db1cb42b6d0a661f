"""Two-way sync against a real Tiny Tiny RSS (tests/ttrss_server.py; no mock of the server).

Each test has its own TT-RSS user and its own feeds (served on 127.0.0.1:80 from the server's
FEEDS folder), and plays two machines: newsreader (a Session on a fresh store) and "another
machine" (raw API calls with the same account). Skipped with the reason when the server is
not there; NEWSREADER_REQUIRE_TTRSS=1 (set by .ci/run) turns the skip into a failure.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from newsreader.config import Settings, SyncSettings
from newsreader.models import Subscription
from newsreader.session import Session
from newsreader.sync.base import RemoteState, SyncError
from newsreader.sync.ttrss import TtrssService

from support.ttrss_server import URL, Account, Api, psql, unavailable, update_feed, write_feed

ROOT = Path(__file__).resolve().parents[2]
PW_ENV = "NEWSREADER_TEST_TTRSS_PW"


@pytest.fixture(scope="module")
def server() -> None:
    reason = unavailable()
    if reason and os.environ.get("NEWSREADER_REQUIRE_TTRSS"):
        pytest.fail(f"NEWSREADER_REQUIRE_TTRSS is set but {reason}")
    if reason:
        pytest.skip(reason)


@pytest.fixture
def account(server: None) -> Iterator[Account]:
    acct = Account.create()
    try:
        yield acct
    finally:
        acct.delete()


@pytest.fixture
def other(account: Account) -> Iterator[Api]:
    api = account.api()
    try:
        yield api
    finally:
        api.close()


@pytest.fixture
def session(tmp_path: Path, account: Account, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    monkeypatch.setenv(PW_ENV, account.password)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("# local feeds\n", encoding="utf-8")
    settings = Settings(
        refresh_on_start=False,
        sync=SyncSettings(service="ttrss", url=URL, user=account.login, password_env=PW_ENV),
    )
    s = Session.open(feeds_file=feeds, db=tmp_path / "nr.db", settings=settings)
    try:
        yield s
    finally:
        s.store.close()


def sync(session: Session, **kw):
    return asyncio.run(session.sync(**kw))


def name_for(account: Account, what: str) -> str:
    return f"{account.login}-{what}"


def subscribe_elsewhere(other: Api, url: str, category_id: int = 0) -> int:
    fid = other.subscribe(url, category_id)
    update_feed(fid)
    return fid


def article_ids_by_title(session: Session) -> dict[str, int]:
    return {
        t: i for i, t in session.store.conn.execute("SELECT id, title FROM articles").fetchall()
    }


def flags(session: Session, article_id: int) -> tuple[bool, bool]:
    a = session.store.get_article(article_id)
    assert a is not None
    return a.read, a.starred


def remote_id(session: Session, article_id: int) -> int:
    (r,) = session.store.conn.execute(
        "SELECT remote_id FROM sync_articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    return int(r)


def server_flags(other: Api, feed_id: int) -> dict[str, tuple[bool, bool]]:
    """title -> (read, starred) on the server."""
    return {
        h["title"]: (not h["unread"], bool(h["marked"]))
        for h in other.headlines(feed_id, view_mode="all_articles")
    }


class CountingTtrss(TtrssService):
    """The real client, recording the calls it makes (to check paging and since_id)."""

    def __init__(self, account: Account, **kw) -> None:
        super().__init__(URL, account.login, lambda: account.password, **kw)
        self.calls: list[tuple[str, dict]] = []

    async def call(self, op, **params):
        self.calls.append((op, params))
        return await super().call(op, **params)


# ---------------------------------------------------------------------- subscriptions


def test_subscriptions_both_ways(session: Session, account: Account, other: Api) -> None:
    science = account.add_category("Science")
    url_a = write_feed(name_for(account, "a"), 2)
    url_b = write_feed(name_for(account, "b"), 3)
    fid_a = subscribe_elsewhere(other, url_a, science)

    result = sync(session)
    assert result.feeds == 1 and result.subscribed == 1 and result.new_articles == 2
    sub = session.find(url_a)
    assert sub is not None and sub.tags == ["Science"]  # a category is a tag
    rows = {r.url: r for r in session.store.feeds()}
    assert rows[url_a].total == 2 and rows[url_a].tags == ["Science"]

    # Added here: subscribed on the server (into the category named by a tag) by the sync.
    session.add(Subscription(url=url_b, tags=["science"]))
    assert session.find(url_b) is not None  # at once, before the sync
    result = sync(session)
    assert result.pushed >= 1 and not result.errors
    on_server = other.feeds()
    assert url_b in on_server and on_server[url_b]["cat_id"] == science
    assert result.new_articles == 3  # the server fetched it right away (updateFeed)
    assert not (session.feeds_file.read_text().count(url_b))  # the server's, not feeds.toml's

    # A tag the server has no category for: subscribed uncategorized, and said so.
    url_c = write_feed(name_for(account, "c"), 1)
    session.add(Subscription(url=url_c, tags=["nosuch"]))
    result = sync(session)
    assert result.errors == [
        f"{url_c} is uncategorized on the server: no category named nosuch there (its API "
        "cannot create one); create it in TT-RSS, move the feed"
    ]
    other("unsubscribeFeed", feed_id=other.feeds()[url_c]["id"])

    # Removed here: unsubscribed on the server.
    session.remove(url_a)
    sync(session)
    assert url_a not in other.feeds()
    assert session.find(url_a) is None

    # Removed elsewhere: gone here.
    other("unsubscribeFeed", feed_id=on_server[url_b]["id"])
    result = sync(session)
    assert result.unsubscribed == 1 and result.feeds == 0
    assert session.find(url_b) is None
    assert url_b not in {r.url for r in session.store.feeds()}
    assert fid_a


def test_subscribe_error_is_reported_and_sync_goes_on(session: Session, account: Account) -> None:
    session.add(Subscription(url="http://127.0.0.1/nothing-here-" + account.login + ".xml"))
    result = sync(session)
    assert len(result.errors) == 1 and "could not download" in result.errors[0]
    assert result.feeds == 0


# ---------------------------------------------------------------------- articles


def test_incremental_articles_since_id_and_paging(
    session: Session, account: Account, other: Api
) -> None:
    name = name_for(account, "big")
    fid = subscribe_elsewhere(other, write_feed(name, 450))
    service = CountingTtrss(account)
    result = sync(session, service=service)
    assert result.new_articles == 450
    pages = [p for op, p in service.calls if op == "getHeadlines" and p.get("show_content")]
    # 200 per call (the server's cap); after a full page, three are asked for at once, so
    # up to two requests go past the short page at 400 (cancelled, or answered empty).
    skips = [p["skip"] for p in pages]
    assert skips[:3] == [0, 200, 400] and set(skips[3:]) <= {600, 800}
    assert all(p["since_id"] == 0 and p["limit"] == 200 for p in pages)
    (count,) = session.store.conn.execute("SELECT count(*) FROM articles").fetchone()
    assert count == 450
    top = max(h["id"] for h in other.headlines(fid, view_mode="all_articles"))
    (cursor,) = session.store.conn.execute("SELECT cursor FROM sync_state").fetchone()
    assert int(cursor) == top

    # Ten more items: only those come, asked for with since_id.
    write_feed(name, 460)
    update_feed(fid)
    service = CountingTtrss(account)
    result = sync(session, service=service)
    assert result.new_articles == 10
    pages = [p for op, p in service.calls if op == "getHeadlines" and p.get("show_content")]
    assert len(pages) == 1 and pages[0]["since_id"] == top  # one short page: done
    (count,) = session.store.conn.execute("SELECT count(*) FROM articles").fetchone()
    assert count == 460

    # Nothing new: nothing stored twice.
    assert sync(session).new_articles == 0


def test_synced_article_content_is_made_safe(
    session: Session, account: Account, other: Api
) -> None:
    name = name_for(account, "hostile")
    url = write_feed(
        name,
        [
            {"title": "Evil \u202etitle [bold]x[/bold]", "guid": "h1", "link": "http://127.0.0.1/h/1",
             "html": "<p>Hello</p><script>alert(1)</script><a href='javascript:x()'>j</a>"},
        ],
    )  # fmt: skip
    subscribe_elsewhere(other, url)
    sync(session)
    (aid,) = article_ids_by_title(session).values()
    art = session.store.get_article(aid)
    assert art is not None
    assert art.title == "Evil title [bold]x[/bold]"  # bidi override gone, markup kept literal
    assert "<script" not in art.content_html and "javascript:" not in art.content_html
    assert art.text.startswith("Hello")


# ---------------------------------------------------------------------- read / starred


def test_read_and_starred_both_ways(session: Session, account: Account, other: Api) -> None:
    fid = subscribe_elsewhere(other, write_feed(name_for(account, "flags"), 4))
    sync(session)
    ids = article_ids_by_title(session)

    # Here -> server.
    session.store.set_read([ids["Item 1"]], True)
    session.store.set_starred(ids["Item 2"], True)
    result = sync(session)
    assert result.pushed == 2
    on_server = server_flags(other, fid)
    assert on_server["Item 1"] == (True, False) and on_server["Item 2"] == (False, True)

    # Server -> here.
    other.mark([remote_id(session, ids["Item 3"])], read=True, starred=True)
    other.mark([remote_id(session, ids["Item 2"])], starred=False)
    other.mark([remote_id(session, ids["Item 1"])], read=False)
    result = sync(session)
    assert result.pulled == 4 and result.pushed == 0
    assert flags(session, ids["Item 1"]) == (False, False)
    assert flags(session, ids["Item 2"]) == (False, False)
    assert flags(session, ids["Item 3"]) == (True, True)
    assert flags(session, ids["Item 4"]) == (False, False)
    # Applying the server's flags queued nothing to push back.
    assert session.store.conn.execute("SELECT count(*) FROM sync_changes").fetchone() == (0,)

    # Mark-all-read here (another store write path) is pushed too.
    from newsreader.query import View

    session.store.mark_view_read(View(kind="all"))
    assert sync(session).pushed == 3
    assert all(r for r, _ in server_flags(other, fid).values())


def test_offline_changes_are_queued_and_pushed_next_sync(
    session: Session, account: Account, other: Api
) -> None:
    fid = subscribe_elsewhere(other, write_feed(name_for(account, "offline"), 3))
    sync(session)
    ids = article_ids_by_title(session)
    online = session.settings.sync
    assert online is not None
    session.settings.sync = replace(online, url="http://127.0.0.1:9/")  # the server is away
    session.store.set_read([ids["Item 1"], ids["Item 2"]], True)
    session.store.set_starred(ids["Item 3"], True)
    later = write_feed(name_for(account, "later"), 1)
    session.add(Subscription(url=later))
    with pytest.raises(SyncError, match="cannot reach"):
        sync(session)
    queued = session.store.conn.execute("SELECT count(*) FROM sync_changes").fetchone()[0]
    assert queued == 3
    assert session.find(later) is not None  # usable offline (fetched by newsreader meanwhile)

    session.settings.sync = online
    stages: list[tuple[str, int]] = []
    result = sync(session, on_progress=lambda p: stages.append((p.stage, p.done)))
    assert result.pushed == 4  # three flags and one subscription
    order = [st for st, _ in stages]
    assert order[:4] == ["login", "subscriptions", "articles", "articles"]
    assert order[-1] == "done" and "state" in order and "push" in order
    on_server = server_flags(other, fid)
    assert on_server == {"Item 1": (True, False), "Item 2": (True, False), "Item 3": (False, True)}
    assert later in other.feeds()
    assert session.store.conn.execute("SELECT count(*) FROM sync_changes").fetchone() == (0,)


def test_conflict_the_newer_change_wins(session: Session, account: Account, other: Api) -> None:
    fid = subscribe_elsewhere(other, write_feed(name_for(account, "conflict"), 2))
    sync(session)
    ids = article_ids_by_title(session)
    one, two = ids["Item 1"], ids["Item 2"]

    # Elsewhere, after our last sync: item 1 read. Here, later: read, then kept unread.
    other.mark([remote_id(session, one)], read=True)
    time.sleep(0.05)
    session.store.set_read([one], True)
    session.store.set_read([one], False)
    sync(session)
    assert flags(session, one) == (False, False)
    assert server_flags(other, fid)["Item 1"] == (False, False)  # the newer (local) change

    # A server that dates its changes (as Miniflux does) and changed after the local change:
    # the server's change is the newer one and wins.
    session.store.set_starred(two, True)
    session.store.set_starred(two, False)  # queued: unstarred, now
    other.mark([remote_id(session, two)], starred=True)
    rid = str(remote_id(session, two))

    class Dated(TtrssService):
        async def state(self) -> RemoteState:
            st = await super().state()
            st.changed_at[(rid, "starred")] = time.time()  # after the local change
            return st

    sync(session, service=Dated(URL, account.login, lambda: account.password))
    assert flags(session, two) == (False, True)
    assert server_flags(other, fid)["Item 2"] == (False, True)
    assert session.store.conn.execute("SELECT count(*) FROM sync_changes").fetchone() == (0,)


# ---------------------------------------------------------------------- one feed, two sources


def test_a_local_feed_and_the_same_feed_on_the_server_are_one(
    session: Session, account: Account, other: Api
) -> None:
    name = name_for(account, "both")
    url = write_feed(name, 3)
    session.feeds_file.write_text(f'[[feed]]\nurl = "{url}"\ntitle = "Mine"\ntags = ["local"]\n')
    session.reload()
    summary = asyncio.run(session.refresh())
    assert summary.new_articles == 3
    ids = article_ids_by_title(session)
    session.store.set_read([ids["Item 1"]], True)
    session.store.set_starred(ids["Item 2"], True)

    science = account.add_category("Science")
    fid = subscribe_elsewhere(other, url, science)
    other.mark([h["id"] for h in other.headlines(fid) if h["title"] == "Item 3"], read=True)
    result = sync(session)
    assert result.new_articles == 0  # the server's three are the local three
    assert article_ids_by_title(session) == ids
    assert [r.url for r in session.store.feeds()] == [url]
    sub = session.find(url)
    assert sub is not None and sub.title == "Mine" and sub.tags == ["local", "Science"]
    # First link: read or starred on either side stays so, both ways.
    assert flags(session, ids["Item 1"]) == (True, False)
    assert flags(session, ids["Item 2"]) == (False, True)
    assert flags(session, ids["Item 3"]) == (True, False)
    on_server = server_flags(other, fid)
    assert on_server == {"Item 1": (True, False), "Item 2": (False, True), "Item 3": (True, False)}

    # From now on the server fetches it; newsreader's refresh leaves it to the server.
    write_feed(name, 4)
    update_feed(fid)
    assert asyncio.run(session.refresh()).total == 0
    assert sync(session).new_articles == 1
    # Sync turned off: newsreader fetches the feed again, and still nothing is doubled (the
    # article first stored from the server takes the feed's own guid).
    session.settings.sync = None
    session.reload()
    session.store.conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")  # same second
    assert asyncio.run(session.refresh()).ok == 1
    (count,) = session.store.conn.execute("SELECT count(*) FROM articles").fetchone()
    assert count == 4
    (guid,) = session.store.conn.execute(
        "SELECT guid FROM articles WHERE title = 'Item 4'"
    ).fetchone()
    assert guid == f"urn:{name}:4"


# ---------------------------------------------------------------------- compare


def test_compare_works_on_synced_articles(session: Session, account: Account, other: Api) -> None:
    from newsreader.compare.engine import compare
    from newsreader.compare.find import find_original
    from newsreader.compare.load import load_document
    from newsreader.text.sanitize import text_to_html

    copy_text = (ROOT / "seeds" / "000_2f754f0fdfd46775.txt").read_text(encoding="utf-8")
    orig_text = (ROOT / "seeds" / "001_8e37780b18e596c7.txt").read_text(encoding="utf-8")
    items = [
        {"title": text.splitlines()[0], "guid": f"seed-{i}", "link": f"http://127.0.0.1/seed/{i}",
         "html": text_to_html("\n".join(text.splitlines()[1:]))}
        for i, text in enumerate((copy_text, orig_text))
    ]  # fmt: skip
    subscribe_elsewhere(other, write_feed(name_for(account, "seeds"), items))
    sync(session)
    (copy_id,) = session.store.conn.execute(
        "SELECT id FROM articles WHERE guid LIKE 'sync:%' AND link LIKE '%/seed/0'"
    ).fetchone()
    (orig_id,) = session.store.conn.execute(
        "SELECT id FROM articles WHERE link LIKE '%/seed/1'"
    ).fetchone()
    left = load_document(f"article:{copy_id}", store=session.store)
    right = load_document(f"article:{orig_id}", store=session.store)
    result = compare(left, right)
    assert result.report.coverage > 0.5
    assert sum(1 for r in result.rows if r.kind in ("same", "changed", "moved")) >= 10
    found = find_original(left, session.store)
    assert found and found[0].article_id == orig_id


# ---------------------------------------------------------------------- errors


def one_line(exc: pytest.ExceptionInfo[SyncError]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 300
    return msg


def test_error_server_down(session: Session) -> None:
    assert session.settings.sync is not None
    session.settings.sync = replace(session.settings.sync, url="http://127.0.0.1:9/")
    with pytest.raises(SyncError) as exc:
        sync(session)
    msg = one_line(exc)
    assert "cannot reach the TT-RSS server at http://127.0.0.1:9/api/" in msg
    assert "check that it is running and [sync] url" in msg


def test_error_bad_password(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, "not the password")
    with pytest.raises(SyncError) as exc:
        sync(session)
    assert "LOGIN_ERROR" in one_line(exc) and "password" in one_line(exc)


def test_error_api_disabled(session: Session, account: Account) -> None:
    account.set_api_access(False)
    with pytest.raises(SyncError) as exc:
        sync(session)
    assert 'turn on "Enable API access" in TT-RSS Preferences' in one_line(exc)


def test_error_old_api_level(session: Session, account: Account) -> None:
    service = TtrssService(URL, account.login, lambda: account.password, min_api_level=99)
    with pytest.raises(SyncError) as exc:
        sync(session, service=service)
    assert "has API level 15; newsreader needs level 99 or newer: upgrade the server" in one_line(
        exc
    )


def test_error_not_a_ttrss_url(session: Session) -> None:
    assert session.settings.sync is not None
    session.settings.sync = replace(session.settings.sync, url="http://127.0.0.1:80/")
    with pytest.raises(SyncError) as exc:
        sync(session)
    assert "set [sync] url in config.toml to your tt-rss address" in one_line(exc)


def test_session_expired_logs_in_again_once(session: Session, account: Account, other: Api) -> None:
    subscribe_elsewhere(other, write_feed(name_for(account, "expire"), 2))
    service = CountingTtrss(account)

    async def run() -> None:
        await service.open()
        first = service._sid
        # The server ends the session (as its session lifetime or a logout elsewhere would).
        psql("DELETE FROM ttrss_sessions WHERE id = :'sid';\n", sid=str(first))
        feeds = await service.feeds()  # NOT_LOGGED_IN, then a new login, then the call again
        assert len(feeds) == 1 and service._sid != first
        await service.close()

    asyncio.run(run())
    ops = [op for op, _ in service.calls]
    assert ops == ["getCategories", "getFeeds"]  # one call each: the retry is inside call()

    # And a session that stays refused gives one clear line.
    class Refused(TtrssService):
        async def _login(self) -> None:
            await super()._login()
            psql("DELETE FROM ttrss_sessions WHERE id = :'sid';\n", sid=str(self._sid))

    with pytest.raises(SyncError) as exc:
        sync(session, service=Refused(URL, account.login, lambda: account.password))
    assert "ended the session again right after a new login" in one_line(exc)


def test_sync_survives_an_interrupted_run(session: Session, account: Account, other: Api) -> None:
    """The connection drops while pushing: what was done stays, the next sync finishes."""
    fid = subscribe_elsewhere(other, write_feed(name_for(account, "drop"), 2))
    sync(session)
    ids = article_ids_by_title(session)
    session.store.set_read([ids["Item 1"]], True)

    class Drops(TtrssService):
        async def set_flag(self, ids, flag, value) -> None:
            raise SyncError("the connection dropped")

    with pytest.raises(SyncError):
        sync(session, service=Drops(URL, account.login, lambda: account.password))
    assert server_flags(other, fid)["Item 1"] == (False, False)
    assert sync(session).pushed == 1
    assert server_flags(other, fid)["Item 1"] == (True, False)


# ---------------------------------------------------------------------- the command line


def test_cli_sync_json(tmp_path: Path, account: Account, other: Api) -> None:
    subscribe_elsewhere(other, write_feed(name_for(account, "cli"), 2))
    config = tmp_path / "config" / "newsreader"
    config.mkdir(parents=True)
    cmd = [sys.executable, "-c", f"print({account.password!r})"]
    (config / "config.toml").write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{URL}"\nuser = "{account.login}"\n'
        f"password_command = {json.dumps(cmd)}\n"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "NO_COLOR": "1"}  # fmt: skip
    run = [sys.executable, "-m", "newsreader", "sync"]
    proc = subprocess.run([*run, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["feeds"] == 1 and out["new_articles"] == 2 and out["pushed"] == 0
    assert out["errors"] == []
    proc = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "1 feeds, 0 new articles, 0 changes pushed" in proc.stdout

    (config / "config.toml").write_text(
        f'[sync]\nservice = "ttrss"\nurl = "{URL}"\nuser = "{account.login}"\n'
        'password_command = "false"\n'
    )
    proc = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("newsreader: password_command (false) failed with exit status 1")
    proc = subprocess.run([*run, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "password_command" in json.loads(proc.stdout)["error"]


def test_the_app_syncs_on_launch_and_shows_it(
    session: Session, account: Account, other: Api
) -> None:
    """The app syncs in a worker at launch (refresh_on_start off: a sync alone), the status
    line names the step, a notification sums it up, and the synced articles are listed; a
    local star is pushed by the sync that follows R."""
    from newsreader.ui.app import NewsReaderApp
    from newsreader.ui.widgets.article_list import ArticleList

    from support.ui import clock, settle

    url = write_feed(name_for(account, "app"), 3)
    subscribe_elsewhere(other, url)

    async def run() -> list[str]:
        app = NewsReaderApp(session, auto_refresh=True, clock=clock)
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(100):
                await settle(app, pilot)
                if any(n.message.startswith("Synced") for n in app._notifications):
                    break
            await pilot.pause(0.3)  # the list reloads just after the notice
            await settle(app, pilot)
            lst = app.screen.query_one(ArticleList)
            assert len(lst.ids) == 3
            await pilot.press("s")  # star the first: queued, then pushed by the next sync
            await settle(app, pilot)
            await pilot.press("R")
            for _ in range(100):
                await settle(app, pilot)
                if sum(n.message.startswith("Synced") for n in app._notifications) >= 2:
                    break
            return [n.message for n in app._notifications]

    messages = asyncio.run(run())
    assert sum(m.startswith("Synced: ") for m in messages) >= 2, messages
    assert any(h["marked"] for h in other.headlines(feed_id=-4)), "the star reached the server"


def test_synced_articles_join_stories(session: Session, account: Account, other: Api) -> None:
    """Articles that arrive by sync are clustered like fetched ones (every article gets its
    story, alone or with others)."""
    url = write_feed(name_for(account, "st"), 3)
    subscribe_elsewhere(other, url)
    result = sync(session)
    assert result.new_articles == 3
    ids = [i for (i,) in session.store.conn.execute("SELECT id FROM articles").fetchall()]
    assert ids and all(session.story_of(i) is not None for i in ids)
