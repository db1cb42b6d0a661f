"""The real Tiny Tiny RSS of ../shared/services/ttrss-setup.sh, driven for the sync tests.

`tests/services/ttrss.sh up` (or the shared script) installs and starts it: the API on
127.0.0.1:8280, feeds served from FEEDS on 127.0.0.1:80 (this tt-rss build strips ports from
feed URLs), the updater run as www-data. Each test gets its own TT-RSS user (created and
deleted here with psql), so tests can run in parallel against one server.

    reason = unavailable()          # None when the server can be used
    acct = Account.create()         # a fresh user with API access; acct.delete() at the end
    url = write_feed("name", 5)     # http://127.0.0.1/name.xml with items 1..5
    update_feed(remote_feed_id)     # what the server's updater does, now
    other = acct.api()              # "another machine": raw API calls
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import os
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

URL = os.environ.get("NEWSREADER_TTRSS_URL", "http://127.0.0.1:8280/")
API = URL.rstrip("/") + "/api/"
FEEDS = Path(os.environ.get("NEWSREADER_TTRSS_FEEDS", "/var/lib/ttrss-test/feeds"))
WWW = Path("/usr/share/tt-rss/www")
DB = "ttrss"
SETUP = "bash tests/services/ttrss.sh up"


def unavailable() -> str | None:
    """Why the real server cannot be used here (None when it can)."""
    if os.geteuid() != 0:
        return (
            "the TT-RSS tests run as root (they add users with psql, run the updater as www-data)"
        )
    if not (WWW / "update.php").exists() or not FEEDS.is_dir():
        return f"TT-RSS is not installed: run `{SETUP}` first"
    try:
        r = httpx.post(API, json={"op": "isLoggedIn"}, timeout=5)
        r.raise_for_status()
        r.json()
        httpx.get("http://127.0.0.1:80/", timeout=5)
    except (httpx.HTTPError, ValueError) as exc:
        return f"TT-RSS is not running on {API} with its feed server on :80 ({exc}): run `{SETUP}`"
    return None


def psql(sql: str, **params: str) -> str:
    """Run SQL as the postgres superuser; `:'name'` in sql is a quoted parameter."""
    args = ["runuser", "-u", "postgres", "--", "psql", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
    for k, v in params.items():
        args += ["-v", f"{k}={v}"]
    proc = subprocess.run(
        [*args, "-d", DB], input=sql, capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"psql failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def update_feed(remote_feed_id: int | str) -> None:
    """Have the server fetch one feed now, as the setup script does (update.php as www-data).
    update.php refuses to run while another holds its lock file; `--task` gives each call a
    lock file of its own, so parallel tests do not trip over each other."""
    proc = subprocess.run(
        ["runuser", "-u", "www-data", "--", "php", str(WWW / "update.php"),
         f"--update-feed={int(remote_feed_id)}", f"--task={secrets.randbelow(10**9)}"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if proc.returncode != 0 or "error:" in proc.stdout:
        raise RuntimeError(f"update.php failed: {proc.stdout.strip()} {proc.stderr.strip()}")


def write_feed(name: str, items: int | list[dict[str, str]], *, first: int = 1) -> str:
    """Write FEEDS/name.xml (RSS 2.0) and return its URL. `items` is a count (item N has
    guid urn:<name>:N, link http://127.0.0.1/<name>/N) or a list of dicts with title, guid,
    link, html (the body) and date (epoch seconds as a string)."""
    if isinstance(items, int):
        items = [
            {"title": f"Item {i}", "guid": f"urn:{name}:{i}", "link": f"http://127.0.0.1/{name}/{i}",
             "html": f"<p>Body of item {i} of {name}.</p>", "date": str(1764583200 + 3600 * i)}
            for i in range(first, first + items)
        ]  # fmt: skip
    out = []
    for it in items:
        guid = (
            f"<guid isPermaLink='false'>{html.escape(it['guid'])}</guid>" if it.get("guid") else ""
        )
        date = email.utils.formatdate(float(it.get("date", 1764583200)), usegmt=True)
        out.append(
            f"<item><title>{html.escape(it['title'])}</title><link>{html.escape(it['link'])}</link>"
            f"{guid}<pubDate>{date}</pubDate>"
            f"<description>{html.escape(it.get('html', ''))}</description></item>"
        )
    body = (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
        f"<title>Feed {html.escape(name)}</title><link>http://127.0.0.1/</link>"
        f"<description>test</description>{''.join(out)}</channel></rss>"
    )
    path = FEEDS / f"{name}.xml"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(body, encoding="utf-8")
    os.chmod(tmp, 0o644)
    tmp.replace(path)
    return f"http://127.0.0.1/{name}.xml"


class Api:
    """Raw API calls as another client of the same account would make them."""

    def __init__(self, user: str, password: str) -> None:
        self.client = httpx.Client(timeout=60, headers={"User-Agent": "another-machine"})
        r = self.post({"op": "login", "user": user, "password": password})
        assert r["status"] == 0, r
        self.sid = r["content"]["session_id"]

    def post(self, payload: dict[str, Any]) -> dict[str, Any]:
        resp = self.client.post(API, json=payload)
        resp.raise_for_status()
        return resp.json()

    def __call__(self, op: str, **params: Any) -> Any:
        r = self.post({"op": op, "sid": self.sid, **params})
        assert r["status"] == 0, (op, r)
        return r["content"]

    def subscribe(self, url: str, category_id: int = 0) -> int:
        st = self("subscribeToFeed", feed_url=url, category_id=category_id)["status"]
        assert st["code"] in (0, 1), st
        return int(st["feed_id"])

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {f["feed_url"]: f for f in self("getFeeds", cat_id=-3)}

    def headlines(self, feed_id: int, **params: Any) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            page = self("getHeadlines", feed_id=feed_id, limit=200, skip=len(out), **params)
            out += page
            if len(page) < 200:
                return out

    def mark(
        self, ids: list[int], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        joined = ",".join(str(i) for i in ids)
        if read is not None:
            self("updateArticle", article_ids=joined, field=2, mode=0 if read else 1)
        if starred is not None:
            self("updateArticle", article_ids=joined, field=0, mode=1 if starred else 0)

    def close(self) -> None:
        self.client.close()


@dataclass
class Account:
    login: str
    password: str
    uid: int

    @classmethod
    def create(cls, *, api_access: bool = True) -> Account:
        login = "nr-" + secrets.token_hex(5)
        password = "pw-" + secrets.token_hex(8)
        salt = secrets.token_hex(8)
        pwd_hash = "MODE2:" + hashlib.sha256((salt + password).encode()).hexdigest()
        uid = psql(
            "INSERT INTO ttrss_users (login, pwd_hash, salt, access_level, created) "
            "VALUES (:'login', :'hash', :'salt', 0, NOW()) RETURNING id;\n",
            login=login, hash=pwd_hash, salt=salt,
        )  # fmt: skip
        acct = cls(login, password, int(uid.splitlines()[0]))
        acct.set_api_access(api_access)
        return acct

    def set_api_access(self, on: bool) -> None:
        psql(
            "DELETE FROM ttrss_user_prefs WHERE owner_uid = :uid AND pref_name = 'ENABLE_API_ACCESS';"
            "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value) "
            "VALUES (:uid, 'ENABLE_API_ACCESS', NULL, :'value');\n",
            uid=str(self.uid), value="true" if on else "false",
        )  # fmt: skip

    def add_category(self, title: str) -> int:
        return int(
            psql(
                "INSERT INTO ttrss_feed_categories (owner_uid, title) VALUES (:uid, :'title') "
                "RETURNING id;\n",
                uid=str(self.uid), title=title,
            ).splitlines()[0]
        )  # fmt: skip

    def api(self) -> Api:
        return Api(self.login, self.password)

    def delete(self) -> None:
        psql("DELETE FROM ttrss_users WHERE id = :uid;\n", uid=str(self.uid))
