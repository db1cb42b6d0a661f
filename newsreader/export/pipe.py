"""Pipe an article to the user's command (`pipe_command = ["less"]` in config.toml).

The command is the user's argv list, run without a shell; the article (its text, its
Markdown, or its URL) goes only to the command's standard input, never into its arguments or
environment, so nothing a feed says can become a command or an option. A captured run (the
default) has a timeout and its own process group (the group is killed on timeout); an
interactive one (`capture=False`, for a pager: the UI suspends itself first) shares the
terminal and has no timeout unless one is given. Failures are one-line PipeErrors.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from newsreader.errors import UserError
from newsreader.export import render
from newsreader.models import Article
from newsreader.text.safetext import clean
from newsreader.text.urls import is_web_url

WHAT = ("text", "markdown", "url")


class PipeError(UserError):
    """The pipe could not run or failed; the message is one line for the status bar."""


@dataclass(frozen=True, slots=True)
class PipeResult:
    returncode: int
    output: str  # the command's stdout, cleaned of control characters (captured runs)

    @property
    def first_line(self) -> str:
        return next((ln for ln in self.output.splitlines() if ln.strip()), "")


def pipe_input(article: Article, what: str = "text") -> bytes:
    """What goes to the command's stdin: the article as text or Markdown, or its link."""
    if what == "url":
        if not article.link:
            raise PipeError("this article has no link to pipe")
        if not is_web_url(article.link):
            raise PipeError("this article's link is not an http(s) URL; not piped")
        return (clean(article.link, 4000) + "\n").encode("utf-8")
    if what not in WHAT:
        raise PipeError(f"unknown pipe input {what!r}: use text, markdown or url")
    return render(article, what).encode("utf-8")


def _program(command: Sequence[str]) -> str:
    if not command or not isinstance(command[0], str) or not command[0].strip():
        raise PipeError('no pipe_command set: add e.g. pipe_command = ["less"] to config.toml')
    if not all(isinstance(a, str) for a in command):
        raise PipeError("pipe_command must be a list of strings")
    found = shutil.which(command[0])
    if found is None:
        raise PipeError(f"pipe_command: {command[0]!r} was not found; check pipe_command")
    return found


def run_pipe(
    command: Sequence[str],
    data: bytes,
    *,
    timeout: float | None = 60.0,
    capture: bool = True,
) -> PipeResult:
    """Run `command` (an argv list) with `data` on stdin; PipeError unless it exits 0."""
    program = _program(command)
    name = os.path.basename(command[0])
    out = subprocess.PIPE if capture else None
    try:
        proc = subprocess.Popen(
            [program, *command[1:]],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=out,
            close_fds=True,
            start_new_session=capture,
        )
    except OSError as exc:
        raise PipeError(f"cannot run {name}: {exc.strerror or exc}") from exc
    try:
        stdout, stderr = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill(proc, group=capture)
        raise PipeError(f"{name} did not finish within {timeout:g} s; stopped it") from exc
    except BaseException:
        _kill(proc, group=capture)
        raise
    if proc.returncode != 0:
        detail = clean((stderr or b"").decode("utf-8", "replace"), 200)
        why = f"signal {-proc.returncode}" if proc.returncode < 0 else f"status {proc.returncode}"
        raise PipeError(f"{name} exited with {why}" + (f": {detail}" if detail else ""))
    text = (stdout or b"").decode("utf-8", "replace")[:20000]
    return PipeResult(proc.returncode, "\n".join(clean(ln, 1000) for ln in text.splitlines()))


def _kill(proc: subprocess.Popen[bytes], *, group: bool) -> None:
    try:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass
    proc.wait()


def pipe_article(
    article: Article,
    command: Sequence[str],
    *,
    what: str = "text",
    timeout: float | None = 60.0,
    capture: bool = True,
) -> PipeResult:
    """Pipe `article` (as `what`: text, markdown or url) to `command`."""
    return run_pipe(command, pipe_input(article, what), timeout=timeout, capture=capture)
