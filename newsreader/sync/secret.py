"""The sync password: from a command (run without a shell, with a timeout) or a variable.

It is read when a sync logs in and kept only in memory, never written anywhere.
"""

from __future__ import annotations

import os
import subprocess

from newsreader.config import SyncSettings
from newsreader.sync.base import SyncError
from newsreader.text.safetext import clean

COMMAND_TIMEOUT = 30.0  # a password manager may ask for its own passphrase first


def read_password(settings: SyncSettings, *, timeout: float = COMMAND_TIMEOUT) -> str:
    if settings.password_env:
        value = os.environ.get(settings.password_env)
        if not value:
            raise SyncError(
                f"the environment variable {settings.password_env} (password_env in [sync]) "
                "is not set: export it, or use password_command"
            )
        return value
    argv = settings.password_command or []
    name = clean(argv[0] if argv else "", 80)
    try:
        proc = subprocess.run(
            argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
        )
    except FileNotFoundError as exc:
        raise SyncError(f"password_command: {name} not found; fix [sync] in config.toml") from exc
    except subprocess.TimeoutExpired as exc:
        raise SyncError(
            f"password_command ({name}) gave no password within {timeout:g} s; "
            "check that it runs without asking on the terminal"
        ) from exc
    except OSError as exc:
        raise SyncError(f"password_command ({name}) cannot run: {exc.strerror or exc}") from exc
    if proc.returncode != 0:
        detail = clean(proc.stderr.decode("utf-8", "replace"), 200)
        raise SyncError(
            f"password_command ({name}) failed with exit status {proc.returncode}"
            + (f": {detail}" if detail else "")
        )
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    password = lines[0].rstrip("\r\n") if lines else ""  # `pass` style: the first line
    if not password:
        raise SyncError(f"password_command ({name}) printed no password")
    return password
