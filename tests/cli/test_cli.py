"""The CLI, run as a subprocess on a fresh XDG home (as a user would run it)."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli import feeds_toml_path, run_cli
from support.paths import SEEDS

ROOT = Path(__file__).resolve().parents[2]

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local test feed</title><link>https://example.org/</link>
<item><title>First volcano story</title><link>https://example.org/1</link><guid>1</guid>
<description>&lt;p&gt;Lava flows near the village.&lt;/p&gt;</description>
<pubDate>Mon, 06 May 2024 10:00:00 GMT</pubDate></item>
<item><title>Second story</title><link>https://example.org/2</link><guid>2</guid>
<description>Quiet day.</description><pubDate>Tue, 07 May 2024 10:00:00 GMT</pubDate></item>
</channel></rss>
"""


run = run_cli


feeds_file = feeds_toml_path


def only_local_feeds(env: dict[str, str], tmp_path: Path) -> Path:
    """A feeds.toml with the two demo feeds and one local RSS file (no network)."""
    rss = tmp_path / "local.xml"
    rss.write_text(RSS, encoding="utf-8")
    p = feeds_file(env)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(
        "# test feeds\n"
        f'[[feed]]\nurl = "{SEEDS / "000_2f754f0fdfd46775.txt"}"\ntitle = "Aggregator"\n'
        'tags = ["demo"]\n\n'
        f'[[feed]]\nurl = "{SEEDS / "001_8e37780b18e596c7.txt"}"\ntitle = "Original"\n'
        'tags = ["demo"]\n\n'
        f'[[feed]]\nurl = "{rss}"\n',
        encoding="utf-8",
    )
    return rss


def test_version_and_help(home) -> None:
    out = run(home, "--version")
    assert out.returncode == 0 and out.stdout.startswith("newsreader ")
    out = run(home, "--help")
    assert out.returncode == 0 and "compare" in out.stdout and "import-opml" in out.stdout


def test_bad_arguments_are_one_line(home) -> None:
    out = run(home, "frobnicate")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    out = run(home, "import-opml", "/nonexistent/file.opml")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "cannot read" in out.stderr


def test_first_run_creates_feeds_toml_from_default(home) -> None:
    out = run(home, "list", "--json")
    assert out.returncode == 0, out.stderr
    feeds = json.loads(out.stdout)
    assert feeds_file(home).is_file()
    assert {"url", "title", "tags", "total", "unread", "error"} <= set(feeds[0])
    assert sum("demo" in f["tags"] for f in feeds) == 2


def test_refresh_list_search_offline(home, tmp_path: Path) -> None:
    only_local_feeds(home, tmp_path)
    out = run(home, "refresh")
    assert out.returncode == 0, out.stderr
    assert "3 feeds" in out.stdout and "failed" in out.stdout
    feeds = {f["title"]: f for f in json.loads(run(home, "list", "--json").stdout)}
    assert feeds["Aggregator"]["total"] == 1 and feeds["Original"]["total"] == 1
    assert feeds["Local test feed"]["total"] == 2 and feeds["Local test feed"]["error"] is None
    found = json.loads(run(home, "search", "volcano", "--json").stdout)
    assert [r["title"] for r in found] == ["First volcano story"]
    plain = run(home, "list")
    assert plain.returncode == 0 and "Local test feed" in plain.stdout
    # second refresh: nothing new
    again = run(home, "refresh")
    assert "0 new articles" in again.stdout


def test_add_remove_keep_comments(home, tmp_path: Path) -> None:
    rss = only_local_feeds(home, tmp_path)
    other = tmp_path / "other.xml"
    other.write_text(RSS.replace("Local test feed", "Other feed"), encoding="utf-8")
    out = run(home, "add", str(other), "--title", "Mine", "--tag", "x", "--tag", "y")
    assert out.returncode == 0, out.stderr
    assert "2 articles" in out.stdout
    text = feeds_file(home).read_text()
    assert text.startswith("# test feeds\n") and 'tags = ["x", "y"]' in text
    dup = run(home, "add", str(other))
    assert dup.returncode == 1 and "already subscribed" in dup.stderr
    assert run(home, "remove", "Mine").returncode == 0
    assert "Mine" not in feeds_file(home).read_text()
    missing = run(home, "remove", "nothing-like-this")
    assert missing.returncode == 1 and "no subscription" in missing.stderr
    assert str(rss) in feeds_file(home).read_text()


def test_opml_round_trip(home, tmp_path: Path) -> None:
    feeds_file(home).parent.mkdir(parents=True, exist_ok=True)
    feeds_file(home).write_text(
        "# mine\n"
        + "".join(
            f'[[feed]]\nurl = "http://127.0.0.1:9/{n}.xml"\ntitle = "Feed & {n}"\n'
            f'tags = ["t{n}", "news"]\n'
            for n in range(3)
        )
    )
    out = run(home, "export-opml")
    assert out.returncode == 0 and "<opml" in out.stdout
    opml = tmp_path / "subs.opml"
    opml.write_text(out.stdout, encoding="utf-8")
    env2 = dict(home, XDG_CONFIG_HOME=str(tmp_path / "c2"), XDG_DATA_HOME=str(tmp_path / "d2"))
    feeds_file(env2).parent.mkdir(parents=True)
    feeds_file(env2).write_text("# empty\n")
    imp = run(env2, "import-opml", str(opml))
    assert imp.returncode == 0, imp.stderr
    assert "imported 3 new feeds" in imp.stdout
    got = json.loads(run(env2, "list", "--json").stdout)
    assert {f["url"] for f in got} == {
        f["url"] for f in json.loads(run(home, "list", "--json").stdout)
    }


def test_broken_feeds_toml(home) -> None:
    p = feeds_file(home)
    p.parent.mkdir(parents=True)
    p.write_text('[[feed]]\nurl = "https://x\n')
    before = p.read_bytes()
    out = run(home, "list")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert f"{p}:2:" in out.stderr
    assert p.read_bytes() == before


def test_compare_json_on_seeds(home) -> None:
    out = run(
        home,
        "compare",
        str(SEEDS / "000_2f754f0fdfd46775.txt"),
        str(SEEDS / "001_8e37780b18e596c7.txt"),
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"left", "right", "rows", "report"}
    assert 0.3 < data["report"]["coverage"] <= 1.0
    printed = run(
        home,
        "compare",
        str(SEEDS / "000_2f754f0fdfd46775.txt"),
        str(SEEDS / "001_8e37780b18e596c7.txt"),
        "--print",
    )
    assert printed.returncode == 0 and "\x1b" not in printed.stdout


def test_compare_finds_original_in_store(home, tmp_path: Path) -> None:
    only_local_feeds(home, tmp_path)
    assert run(home, "refresh").returncode == 0
    hits = json.loads(run(home, "search", "Communication Lines", "--json").stdout)
    agg = next(h for h in hits if h["feed"] == "Aggregator")
    out = run(home, "compare", str(agg["id"]), "--json")
    assert out.returncode == 0, out.stderr
    assert "original:" in out.stderr and "Original" in out.stderr
    # Given the original, its closest match is the copy: it goes on the left.
    ft = next(h for h in hits if h["feed"] != "Aggregator")
    swapped = run(home, "compare", str(ft["id"]), "--json")
    assert swapped.returncode == 0 and "copy:" in swapped.stderr
    data = json.loads(swapped.stdout)
    assert data["left"]["source"] == f"article:{agg['id']}"
    assert data["right"]["source"] == f"article:{ft['id']}"
    missing = run(home, "compare", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
