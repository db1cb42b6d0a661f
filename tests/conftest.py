"""Shared fixtures: a local HTTP server, a fresh XDG home. Helpers live in tests/support/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.server import LocalServer


@pytest.fixture
def http_server():
    server = LocalServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A fresh XDG home for this test (also set in os.environ for in-process code)."""
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return {**os.environ, **env}
