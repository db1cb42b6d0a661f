"""Sync with a feed server (TT-RSS today): `newsreader sync`, `Session.sync()`.

base.py     the Service protocol, SyncResult/SyncProgress, SyncError
sources.py  feeds.toml and the server as two sources of subscriptions; makes the service
engine.py   the two-way algorithm (any service)
state.py    the SQL of the sync tables (store migration 3)
ttrss.py    Tiny Tiny RSS's JSON API
secret.py   the password from password_command / password_env
"""

from newsreader.sync.base import SyncError, SyncProgress, SyncResult

__all__ = ["SyncError", "SyncProgress", "SyncResult"]
