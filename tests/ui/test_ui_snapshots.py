"""SVG snapshots of the reading app (fixed data and clock). Update: pytest --snapshot-update."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsreader.query import View
from newsreader.ui.app import NewsReaderApp

from support.ui import clock, demo_session


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def app_for(tmp_path: Path, **kw) -> NewsReaderApp:
    session = demo_session(tmp_path, per_feed=6, **kw)
    store = session.store
    ids = store.article_ids(View("all"))
    store.set_read(ids[1:4], True)
    store.set_starred(ids[2], True)
    store.record_error(f"{session.subscriptions[1].url}", "HTTP 503 Service Unavailable")
    return NewsReaderApp(session, auto_refresh=False, clock=clock)


def test_snapshot_startup_80x24(tmp_path: Path, snap_compare) -> None:
    assert snap_compare(app_for(tmp_path), terminal_size=(80, 24))


def test_snapshot_article_open_80x24(tmp_path: Path, snap_compare) -> None:
    assert snap_compare(app_for(tmp_path), press=["j", "enter", "_"], terminal_size=(80, 24))


def test_snapshot_wide_light_160x48(tmp_path: Path, snap_compare) -> None:
    app = app_for(tmp_path, theme="light")
    assert snap_compare(app, press=["j", "j", "enter", "_"], terminal_size=(160, 48))


def test_snapshot_help_compact_160x48(tmp_path: Path, snap_compare) -> None:
    app = app_for(tmp_path, compact=True)
    assert snap_compare(app, press=["question_mark", "_"], terminal_size=(160, 48))
