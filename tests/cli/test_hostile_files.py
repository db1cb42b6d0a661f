"""Files and processes: broken feeds.toml, unwritable and full directories, two processes at
once, and `kill -9` in the middle of a refresh. Everything through the real CLI, as subprocesses
on a throw-away XDG home.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import support.cli as cli
import support.hostile as hf
from support.cli import run_cli
from support.hostile import HostileServer

SETTINGS = """
refresh_on_start = false
max_bytes = 20000000
deadline = 20.0
timeout = 10.0
per_host = 16
"""

# --------------------------------------------------------------------------- broken feeds.toml

BROKEN = {
    # name: (text, expected line)
    "unterminated_string": ('# my feeds\n[[feed]]\nurl = "http://127.0.0.1:9/a\n', 3),
    "bad_table_header": ('[[feed]\nurl = "http://127.0.0.1:9/a"\n', 1),
    "garbage_line": ('[[feed]]\nurl = "http://127.0.0.1:9/a"\n\n  this is not toml = = \n', 4),
    "duplicate_key": ('[[feed]]\nurl = "http://127.0.0.1:9/a"\nurl = "http://127.0.0.1:9/b"\n', 3),
    # tomlkit notices the duplicate table once it has read it: line 4 (the end of the table)
    "duplicate_table": ("[general]\na = 1\n[general]\nb = 2\n", 4),
    "nul_in_string": ('[[feed]]\nurl = "http://127.0.0.1:9/\x00"\n', 2),
    "unclosed_array": ('[[feed]]\nurl = "http://127.0.0.1:9/a"\ntags = ["x", \n', 3),
}


def _commands(tmp: Path) -> list[list[str]]:
    opml = tmp / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline type="rss" text="x" xmlUrl="http://127.0.0.1:9/x.xml"/></body></opml>'
    )
    return [
        ["list"],
        ["list", "--json"],
        ["refresh"],
        ["search", "anything"],
        ["add", "http://127.0.0.1:9/new.xml", "--no-discover", "--no-fetch"],
        ["remove", "http://127.0.0.1:9/a"],
        ["import-opml", str(opml)],
        ["export-opml"],
    ]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_feeds_toml_is_refused_with_line_and_column_and_untouched(
    tmp_path: Path, case: str
) -> None:
    text, line = BROKEN[case]
    env = cli.make_home(tmp_path, SETTINGS)
    path = cli.feeds_toml_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    past = time.time_ns() - 3_600_000_000_000
    os.utime(path, ns=(past, past))
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    commands = _commands(tmp_path)
    if case not in ("unterminated_string", "duplicate_key"):
        commands = commands[2:5]  # refresh, search, add: every command for two of the cases
    for args in commands:
        run = run_cli(env, *args, timeout=30)
        assert run.returncode == 1, f"{case}: {run}"
        hf.assert_clean_output(run)
        err = run.stderr.strip()
        assert err.count("\n") == 0, f"{case}: not one line: {run}"
        assert f"feeds.toml:{line}:" in err, f"{case}: no line:col in {err!r}"
        after = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
        assert after == before, f"{case}: `{' '.join(args)}` touched the file or its folder"


def test_feeds_toml_that_is_not_utf8_is_refused_with_its_position(tmp_path: Path) -> None:
    env = cli.make_home(tmp_path, SETTINGS)
    path = cli.feeds_toml_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'[[feed]]\nurl = "http://127.0.0.1:9/a"\ntitle = "caf\xe9"\n')
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run = run_cli(env, "list", timeout=30)
    assert run.returncode == 1, str(run)
    hf.assert_clean_output(run)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert "feeds.toml:3:" in run.stderr, f"no line:column: {run.stderr!r}"


# --------------------------------------------------------------------------- unwritable dirs


def _good_feeds(env: dict[str, str], url: str = "http://127.0.0.1:9/a.xml") -> Path:
    return cli.write_feeds(env, [url])


@pytest.fixture
def readonly_dir(tmp_path: Path):
    """A folder the CLI cannot write to: a read-only tmpfs as root, chmod 0500 otherwise.

    Yields (path, make_readonly): populate `path`, then call make_readonly().
    """
    path = tmp_path / "ro"
    if os.geteuid() == 0:
        if not hf.mount_tmpfs(path, "size=4m"):
            pytest.skip("running as root and cannot mount a tmpfs: no unwritable folder")

        def make_ro() -> None:
            r = subprocess.run(
                ["mount", "-o", "remount,ro", str(path)], capture_output=True, timeout=10
            )
            assert r.returncode == 0, r.stderr

        yield path, make_ro
        hf.umount(path)
    else:
        path.mkdir()

        def make_ro() -> None:
            for p in sorted(path.rglob("*"), reverse=True):
                if p.is_dir():
                    p.chmod(0o500)
                else:
                    p.chmod(0o400)
            path.chmod(0o500)

        yield path, make_ro
        for p in [path, *path.rglob("*")]:
            if p.is_dir():
                p.chmod(0o700)


def test_uncreatable_config_dir_is_a_clear_error(tmp_path: Path, readonly_dir) -> None:
    ro, make_ro = readonly_dir
    make_ro()
    env = cli.make_home(tmp_path)
    env["XDG_CONFIG_HOME"] = str(ro / "config")
    run = run_cli(env, "list", timeout=30)
    assert run.returncode == 1, str(run)
    hf.assert_clean_output(run)
    assert str(ro / "config") in run.stderr and "XDG_CONFIG_HOME" in run.stderr, run.stderr


def test_config_path_blocked_by_a_file_is_a_clear_error(tmp_path: Path) -> None:
    env = cli.make_home(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory")
    env["XDG_CONFIG_HOME"] = str(blocker / "config")
    run = run_cli(env, "list", timeout=30)
    assert run.returncode == 1, str(run)
    hf.assert_clean_output(run)
    assert "blocker" in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr


def test_readonly_feeds_toml_edit_is_refused_and_file_kept(tmp_path: Path, readonly_dir) -> None:
    ro, make_ro = readonly_dir
    env = cli.make_home(tmp_path)
    env["XDG_CONFIG_HOME"] = str(ro / "config")
    path = _good_feeds(env)
    make_ro()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    listing = run_cli(env, "list", "--json", timeout=30)
    assert listing.returncode == 0, str(listing)  # reading needs no write access
    for args in (
        ["add", "http://127.0.0.1:9/new.xml", "--no-discover", "--no-fetch"],
        ["remove", "http://127.0.0.1:9/a.xml"],
    ):
        run = run_cli(env, *args, timeout=30)
        assert run.returncode == 1, str(run)
        hf.assert_clean_output(run)
        assert "feeds.toml" in run.stderr and "cannot write" in run.stderr, run.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_uncreatable_data_dir_is_a_clear_error(tmp_path: Path, readonly_dir) -> None:
    ro, make_ro = readonly_dir
    make_ro()
    env = cli.make_home(tmp_path)
    _good_feeds(env)
    env["XDG_DATA_HOME"] = str(ro / "data")
    run = run_cli(env, "list", timeout=30)
    assert run.returncode == 1, str(run)
    hf.assert_clean_output(run)
    assert str(ro / "data") in run.stderr and "XDG_DATA_HOME" in run.stderr, run.stderr


def test_readonly_database_is_a_clear_error(tmp_path: Path, readonly_dir) -> None:
    ro, make_ro = readonly_dir
    env = cli.make_home(tmp_path)
    _good_feeds(env)
    env["XDG_DATA_HOME"] = str(ro / "data")
    first = run_cli(env, "list", timeout=30)  # creates the database
    assert first.returncode == 0, str(first)
    make_ro()
    for args in (["list"], ["refresh"]):
        run = run_cli(env, *args, timeout=30)
        hf.assert_clean_output(run)
        if run.returncode != 0:
            assert run.returncode == 1 and "newsreader.db" in run.stderr, str(run)
            assert len(run.stderr.strip().splitlines()) == 1, run.stderr


# --------------------------------------------------------------------------- full disk


def _fill(folder: Path) -> None:
    """Fill the filesystem holding `folder` (a small tmpfs) to the last byte."""
    for name, block in (("filler", b"\0" * 4096), ("filler-small", b"\0")):
        try:
            with open(folder / name, "wb", buffering=0) as fh:
                while True:
                    fh.write(block)
        except OSError:
            pass


def _fsize_limit(nbytes: int):
    def pre() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))

    return pre


@pytest.fixture
def small_fs(tmp_path: Path):
    """('tmpfs', path) for a 1 MiB tmpfs, or ('rlimit', path) when tmpfs cannot be mounted."""
    path = tmp_path / "small"
    if hf.mount_tmpfs(path, "size=1m"):
        yield "tmpfs", path
        hf.umount(path)
    else:
        yield "rlimit", path


def test_full_disk_for_feeds_toml_is_a_clear_error_and_keeps_the_file(
    tmp_path: Path, small_fs
) -> None:
    kind, small = small_fs
    env = cli.make_home(tmp_path)
    env["XDG_CONFIG_HOME"] = str(small / "config")
    path = cli.write_feeds(env, [f"http://127.0.0.1:9/{i}-{'x' * 100}.xml" for i in range(20)])
    first = run_cli(env, "list", timeout=30)  # database and everything else already set up
    assert first.returncode == 0, str(first)
    preexec = None
    if kind == "tmpfs":
        _fill(small)
    else:
        preexec = _fsize_limit(path.stat().st_size)  # the rewrite is larger: EFBIG
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run = run_cli(
        env,
        "add",
        "http://127.0.0.1:9/new-" + "y" * 200 + ".xml",
        "--no-discover",
        "--no-fetch",
        timeout=30,
        preexec_fn=preexec,
    )
    assert run.returncode == 1, str(run)
    hf.assert_clean_output(run)
    assert "feeds.toml" in run.stderr, run.stderr
    assert "space" in run.stderr.lower() or "too large" in run.stderr.lower(), run.stderr
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, leftovers


def test_full_disk_for_the_database_is_a_clear_error(tmp_path: Path, small_fs) -> None:
    kind, small = small_fs
    env = cli.make_home(tmp_path, SETTINGS)
    env["XDG_DATA_HOME"] = str(small / "data")
    big = hf.rss(
        [
            {"title": f"filler {i}", "guid": f"f{i}", "description": ("lorem ipsum " * 60) + str(i)}
            for i in range(3000)
        ],
        title="Big",
    )
    with HostileServer() as srv:
        small_url = srv.static("/small.xml", hf.good_feed("small"))
        big_url = srv.static("/big.xml", big)
        cli.write_feeds(env, [small_url, big_url])
        first = run_cli(env, "refresh", small_url, timeout=60)
        assert first.returncode == 0, str(first)
        preexec = None if kind == "tmpfs" else _fsize_limit(cli.db_file(env).stat().st_size + 65536)
        run = run_cli(env, "refresh", timeout=60, preexec_fn=preexec)
        hf.assert_clean_output(run)
        listing = run_cli(env, "list", "--json", timeout=30)
    if run.returncode != 0:  # refused as a whole: must say why, in one line
        assert run.returncode == 1 and len(run.stderr.strip().splitlines()) == 1, str(run)
        assert "full" in run.stderr.lower() or "space" in run.stderr.lower(), run.stderr
    else:
        assert "1 failed" in run.stdout, run.stdout
        assert "full" in run.stdout.lower() or "space" in run.stdout.lower(), run.stdout
    if listing.returncode == 0:
        feeds = {f["url"]: f for f in json.loads(listing.stdout)}
        assert feeds[small_url]["total"] == 3  # what was committed before is still there
        assert feeds[big_url]["total"] in (0, 3000)  # never half a feed
    conn = sqlite3.connect(cli.db_file(env))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# --------------------------------------------------------------------------- processes


def _feed_n(name: str, n: int, start: int = 0) -> bytes:
    return hf.rss(
        [
            {
                "title": f"{name} item {i}",
                "guid": f"{name}-{i}",
                "link": f"http://example.org/{name}/{i}",
                "description": f"{name} body {i} " + "pad " * 40,
            }
            for i in range(start, start + n)
        ],
        title=name,
    )


def _check_db(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, timeout=10)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    dups = conn.execute(
        "SELECT count(*) FROM (SELECT feed_id, guid FROM articles GROUP BY 1, 2 "
        "HAVING count(*) > 1)"
    ).fetchone()[0]
    assert dups == 0
    return conn


def test_two_processes_at_once(tmp_path: Path) -> None:
    env = cli.make_home(tmp_path, SETTINGS)
    with HostileServer() as srv:
        urls = []
        for i in range(6):
            body = _feed_n(f"c{i}", 1500)
            srv.route(f"/c{i}.xml", hf.delayed(lambda b=body: b, 0.3 + 0.1 * i))
            urls.append(f"{srv.url}/c{i}.xml")
        cli.write_feeds(env, urls)
        assert run_cli(env, "list", timeout=30).returncode == 0  # store created once
        procs = [
            subprocess.Popen(
                [*cli.CLI, "refresh"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        readers = [run_cli(env, "list", "--json", timeout=30) for _ in range(3)]
        outs = [p.communicate(timeout=90) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        text = err.decode("utf-8", "replace")
        assert "Traceback" not in text, text
        if p.returncode != 0:  # the second may refuse, but must say why
            assert p.returncode == 1 and text.strip(), text
        else:
            assert b"0 failed" in out, out.decode()
    assert any(p.returncode == 0 for p in procs)
    for r in readers:
        assert r.returncode == 0, str(r)
        json.loads(r.stdout)
    conn = _check_db(cli.db_file(env))
    try:
        counts = dict(
            conn.execute(
                "SELECT f.url, count(a.id) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id "
                "GROUP BY f.url"
            )
        )
    finally:
        conn.close()
    assert all(counts[u] == 1500 for u in urls), counts


SLOW = pytest.mark.skipif(not os.environ.get("NEWSREADER_SLOW"), reason="NEWSREADER_SLOW=1")


@pytest.mark.parametrize(
    "delays",
    [
        pytest.param((0.4, 1.0, 1.8), id="3-kills"),
        pytest.param(
            tuple(0.2 + 0.15 * i for i in range(20)), id="20-kills", marks=[pytest.mark.slow, SLOW]
        ),
    ],
)
def test_kill_9_mid_refresh_keeps_the_store_consistent(
    tmp_path: Path, delays: tuple[float, ...]
) -> None:
    env = cli.make_home(tmp_path, SETTINGS)
    phase = {"n": 0}
    with HostileServer() as srv:
        state_url = srv.static("/state.xml", _feed_n("state", 10))
        big_urls = []
        for i in range(3):
            srv.route(
                f"/big{i}.xml",
                hf.delayed(lambda i=i: _feed_n(f"big{i}", 2 if phase["n"] == 0 else 4000), 0.0),
            )
            big_urls.append(f"{srv.url}/big{i}.xml")
        cli.write_feeds(env, [state_url, *big_urls])
        first = run_cli(env, "refresh", timeout=60)
        assert first.returncode == 0 and "0 failed" in first.stdout, str(first)

        db = cli.db_file(env)
        conn = sqlite3.connect(db, timeout=10)
        with conn:
            conn.execute(
                "UPDATE articles SET read = 1 WHERE guid IN ('state-0','state-1','state-2')"
            )
            conn.execute("UPDATE articles SET starred = 1 WHERE guid IN ('state-1','state-7')")
        conn.close()

        def state() -> dict[str, tuple[int, int]]:
            c = _check_db(db)
            try:
                return {
                    g: (r, s)
                    for g, r, s in c.execute(
                        "SELECT guid, read, starred FROM articles WHERE guid LIKE 'state-%'"
                    )
                }
            finally:
                c.close()

        expected = state()
        assert sum(r for r, _ in expected.values()) == 3
        phase["n"] = 1
        for delay in delays:
            proc = subprocess.Popen(
                [*cli.CLI, "refresh"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            assert state() == expected, f"read/star state lost after kill -9 at {delay}s"
            c = sqlite3.connect(db)
            try:
                per_feed = [
                    c.execute(
                        "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                        "WHERE f.url = ?",
                        (u,),
                    ).fetchone()[0]
                    for u in big_urls
                ]
            finally:
                c.close()
            assert all(n in (2, 4000) for n in per_feed), f"half a feed stored: {per_feed}"
        final = run_cli(env, "refresh", timeout=90)
        assert final.returncode == 0 and "0 failed" in final.stdout, str(final)
        listing = run_cli(env, "list", "--json", timeout=30)
    assert state() == expected
    totals = {f["url"]: f["total"] for f in json.loads(listing.stdout)}
    assert all(totals[u] == 4000 for u in big_urls), totals
