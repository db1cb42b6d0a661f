"""Saving articles as Markdown or text, and piping them to a command (real subprocesses)."""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsreader.export import ExportError, render_markdown, render_text, save, suggest_filename
from newsreader.export.markdown import html_to_markdown
from newsreader.export.pipe import PipeError, pipe_article, pipe_input, run_pipe
from newsreader.models import Article
from newsreader.text.safetext import is_clean
from newsreader.text.sanitize import sanitize_html

HOSTILE_TITLE = "Breaking\x1b]52;c;ZXZpbA==\x07: *markets* [crash](javascript:x) \u202eevil"


def article(**kw) -> Article:
    base = dict(
        id=7,
        feed_id=1,
        feed_title="World \x1b[31mDesk",
        feed_url="https://example.org/feed.xml",
        guid="g",
        title="Storm hits the coast",
        link="https://example.org/storm?a=1&b=(2)",
        author="Anna Müller",
        published=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        read=False,
        starred=False,
        content_html=sanitize_html(
            "<h2>What happened</h2><p>A <b>storm</b> hit the <a href='https://example.org/c'>"
            "coast</a>.<br>Winds of 100 km/h.</p><ul><li>Roads closed</li><li>Schools shut"
            "<ol><li>north</li><li>south</li></ol></li></ul><blockquote><p>Stay home.</p>"
            "</blockquote><pre>wind = 100</pre><table><tr><th>Day</th><th>Rain</th></tr>"
            "<tr><td>Mon</td><td>40 mm</td></tr></table><img src='https://example.org/i.png' "
            "alt='map'><script>alert(1)</script>",
            "https://example.org/",
        ),
        text="A storm hit the coast. Winds of 100 km/h.\n\nRoads closed.",
        full_text=None,
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_markdown_rendering() -> None:
    md = render_markdown(article())
    # control characters are dropped (what is left of an escape sequence is plain text)
    assert md.startswith(
        "# Storm hits the coast\n\n- Feed: World \\[31mDesk\n- Author: Anna Müller\n"
    )
    assert "- Link: <https://example.org/storm?a=1&b=(2)>" in md
    assert "## What happened" in md
    assert "A **storm** hit the [coast](<https://example.org/c>)." in md
    assert "- Roads closed\n- Schools shut\n\n  1. north\n  2. south" in md
    assert "> Stay home." in md and "```\nwind = 100\n```" in md
    assert "| Day | Rain |\n|---|---|\n| Mon | 40 mm |" in md
    assert "![map](<https://example.org/i.png>)" in md
    assert "alert" not in md and is_clean(md)


def test_text_rendering_and_full_text() -> None:
    txt = render_text(article())
    assert txt.splitlines()[:3] == [
        "Storm hits the coast",
        "====================",
        "Feed: World [31mDesk",
    ]
    assert "Link: https://example.org/storm?a=1&b=(2)" in txt
    assert txt.endswith("A storm hit the coast. Winds of 100 km/h.\n\nRoads closed.\n")
    full = article(full_text="The whole page.\n\nSecond paragraph.")
    assert render_text(full).endswith("The whole page.\n\nSecond paragraph.\n")
    assert "The whole page." in render_markdown(full)
    assert "The whole page." not in render_markdown(full, full_text=False)


def test_hostile_text_cannot_become_markup_or_escapes() -> None:
    a = article(
        title=HOSTILE_TITLE,
        author="x\x00y\x9b",
        content_html=sanitize_html("<p>[a](javascript:alert(1)) # not a heading <b>*</b></p>"),
        link="javascript:alert(1)",
    )
    md = render_markdown(a)
    assert is_clean(md) and "\x1b" not in md and "\u202e" not in md
    assert "# Breaking\\]52;c;ZXZpbA==: \\*markets\\* \\[crash\\](javascript:x) evil" in md
    assert "- Link: javascript:alert(1)\n" in md  # not an autolink
    assert "\\[a\\](javascript:alert(1))" in md  # text, not a link
    assert render_text(a).isprintable() is False  # newlines only
    assert all(c == "\n" or c.isprintable() for c in render_text(a))
    assert html_to_markdown("<p># heading?</p><p>1. list?</p>") == "\\# heading?\n\n1\\. list?"
    assert html_to_markdown("<a href='javascript:x'>click</a>") == "click"
    assert html_to_markdown("") == ""
    deep = "<div>" * 200 + "deep" + "</div>" * 200  # deeper than our 60 levels
    assert html_to_markdown(deep) == "deep"


def test_save_atomically(tmp_path: Path) -> None:
    a = article(title=HOSTILE_TITLE)
    name = suggest_filename(a)
    assert name.endswith(".md") and "/" not in name and not name.startswith(".") and is_clean(name)
    assert suggest_filename(article(title="../../etc/passwd"), "text") == "etc-passwd.txt"
    assert suggest_filename(article(title="..."), "text") == "article-7.txt"
    p = save(a, tmp_path / "a.md")
    assert p.read_text(encoding="utf-8") == render_markdown(a)
    p = save(a, tmp_path / "a.txt")
    assert p.read_text(encoding="utf-8") == render_text(a)
    assert save(a, tmp_path).name == name  # a folder: the suggested name inside it
    with pytest.raises(ExportError, match="already exists"):
        save(a, tmp_path / "a.md")
    save(article(title="Other"), tmp_path / "a.md", overwrite=True)
    assert (tmp_path / "a.md").read_text().startswith("# Other")
    with pytest.raises(ExportError, match="no such folder"):
        save(a, tmp_path / "missing" / "x.md")
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(["a.md", "a.txt", name])


# --------------------------------------------------------------------------- pipe

ECHO_ARGS = [sys.executable, "-c", "import sys; print(repr(sys.argv[1:])); print(sys.stdin.read())"]


def test_pipe_sends_the_article_on_stdin_only() -> None:
    a = article(title="$(touch /tmp/pwned) `id`; rm -rf ~ --help", author="-rf")
    res = pipe_article(a, [*ECHO_ARGS, "fixed-arg"])
    assert res.first_line == "['fixed-arg']"  # argv is exactly the configured list
    assert "$(touch /tmp/pwned) `id`; rm -rf ~ --help" in res.output
    assert not Path("/tmp/pwned").exists()
    res = pipe_article(a, [*ECHO_ARGS], what="url")
    assert res.output.splitlines()[1] == "https://example.org/storm?a=1&b=(2)"
    assert pipe_input(a, "markdown").decode().startswith("# $(touch")


def test_pipe_cleans_what_the_command_prints() -> None:
    res = run_pipe([sys.executable, "-c", "print('ok\\x1b[2J\\x07 done')"], b"")
    assert res.output == "ok[2J done" and is_clean(res.output)


def test_pipe_errors_are_one_line() -> None:
    with pytest.raises(PipeError, match="no pipe_command set"):
        pipe_article(article(), [])
    with pytest.raises(PipeError, match="'no-such-program-xyz' was not found"):
        pipe_article(article(), ["no-such-program-xyz"])
    with pytest.raises(PipeError) as exc:
        run_pipe(
            [sys.executable, "-c", "import sys; sys.stderr.write('bad\\nthing'); sys.exit(3)"], b""
        )
    assert str(exc.value).endswith("exited with status 3: bad thing")
    assert "\n" not in str(exc.value)
    with pytest.raises(PipeError, match="no link"):
        pipe_input(article(link=None), "url")
    with pytest.raises(PipeError, match="unknown pipe input"):
        pipe_input(article(), "html")


def test_pipe_timeout_stops_the_whole_group(tmp_path: Path) -> None:
    marker = tmp_path / "child.pid"
    script = (
        "import subprocess, sys, time\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    t = time.monotonic()
    with pytest.raises(PipeError, match="did not finish within 1 s"):
        run_pipe([sys.executable, "-c", script], b"", timeout=1)
    assert time.monotonic() - t < 10
    pid = int(marker.read_text())
    for _ in range(50):  # the grandchild was killed with its group
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the command's child survived the timeout")


def test_pipe_to_a_command_that_does_not_read() -> None:
    big = article(text="word " * 400_000)  # larger than a pipe buffer
    assert pipe_article(big, [sys.executable, "-c", "pass"], what="text").returncode == 0
    assert pipe_article(big, ["head", "-c", "10"]).output == "Storm hits"


def test_pipe_refuses_a_link_that_is_not_http() -> None:
    with pytest.raises(PipeError, match="not an http"):
        pipe_input(article(link="javascript:alert(1)"), "url")
