"""Running the CLI as a subprocess on a fresh XDG home (every CLI test uses this runner)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def make_home(root: Path, settings: str | None = None) -> dict[str, str]:
    """An environment whose XDG dirs live under `root` (nothing touches the real home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NEWSREADER_"))}
    env["XDG_CONFIG_HOME"] = str(root / "config")
    env["XDG_DATA_HOME"] = str(root / "data")
    env["XDG_CACHE_HOME"] = str(root / "cache")
    env["HOME"] = str(root / "home")
    env["NO_COLOR"] = "1"
    env["TERM"] = "dumb"
    env["COLUMNS"] = "200"
    env["PYTHONUNBUFFERED"] = "1"
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env.pop(var, None)
    env["NO_PROXY"] = "*"
    (root / "home").mkdir(parents=True, exist_ok=True)
    if settings is not None:
        cfg = root / "config" / "newsreader"
        cfg.mkdir(parents=True, exist_ok=True)
        (cfg / "config.toml").write_text(settings, encoding="utf-8")
    return env


def feeds_toml_path(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / "newsreader" / "feeds.toml"


def db_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "newsreader" / "newsreader.db"


def write_feeds(env: dict[str, str], urls: list[str]) -> Path:
    p = feeds_toml_path(env)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(
        "# hostile feeds\n" + "".join(f'[[feed]]\nurl = "{u}"\n\n' for u in urls),
        encoding="utf-8",
    )
    return p


CLI = [sys.executable, "-m", "newsreader"]


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    elapsed: float
    maxrss_mb: float  # the CLI process itself (its VmHWM, sampled; wait4's when too quick)
    tree_peak_mb: float  # sampled peak of the sum over the process tree (parse workers too)

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", "replace")

    def __str__(self) -> str:
        return (
            f"newsreader {' '.join(self.args)} -> {self.returncode} in {self.elapsed:.1f}s\n"
            f"--- stdout ---\n{self.stdout[-4000:]}\n--- stderr ---\n{self.stderr[-4000:]}"
        )


def _vm_hwm_kb(pid: int) -> int:
    """Peak resident set size of the process's current program (Linux /proc; 0 if gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(root_pid: int) -> int:
    """Sum of VmRSS over `root_pid` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                ppid = 0
                kb = 0
                for line in fh:
                    if line.startswith("PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
        except (OSError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = kb
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_cli(
    env: dict[str, str],
    *args: str,
    timeout: float = 60,
    measure: bool = False,
    preexec_fn: Callable[[], None] | None = None,
) -> Run:
    """Run `newsreader ARGS` as a subprocess with output piped; kill it after `timeout`."""
    import tempfile

    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [*CLI, *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=preexec_fn,
        )
        peak = [0]
        hwm = [0]  # the CLI's own high-water mark: wait4's ru_maxrss is no measure of it, as
        # Linux carries it over from the forked test process (hundreds of MB late in a run)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                try:
                    peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                    hwm[0] = max(hwm[0], _vm_hwm_kb(proc.pid))
                except Exception:
                    pass

        sampler = threading.Thread(target=sample, daemon=True) if measure else None
        if sampler:
            sampler.start()
        timer = threading.Timer(timeout, lambda: _killpg(proc.pid))
        timer.start()
        try:
            _, status_, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
        proc.returncode = os.waitstatus_to_exitcode(status_)
        elapsed = time.monotonic() - started
        _killpg(proc.pid)  # stray grandchildren (parse workers) of a killed run
        out.seek(0)
        err.seek(0)
        run = Run(
            list(args),
            proc.returncode,
            out.read(),
            err.read(),
            elapsed,
            (hwm[0] or usage.ru_maxrss) / 1024,
            peak[0] / 1024,
        )
    if elapsed >= timeout:
        raise AssertionError(f"timed out after {timeout}s: {run}")
    return run


def _killpg(pid: int) -> None:
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
