"""The Session: the one door into the core, shared by the CLI and the TUI (no UI code here).

A `Session` ties the user's feeds.toml, settings, store and HTTP client together and offers
every use case as a method: subscriptions and refresh (`feeds`), reading and state
(`reading`), full text and compare (`comparing`), stories (`stories`), sync (`syncing`).
Each method returns a value or raises a `UserError` whose message is one line a user can act
on. Store calls are blocking (the UI runs them in thread workers); network calls are
coroutines on the caller's event loop.
"""

from newsreader.session.base import AddError, SessionBase
from newsreader.session.comparing import CompareOutcome, Comparing
from newsreader.session.feeds import FeedUseCases
from newsreader.session.reading import Reading
from newsreader.session.stories import StoryUseCases
from newsreader.session.syncing import SyncUseCases


class Session(FeedUseCases, Reading, Comparing, StoryUseCases, SyncUseCases, SessionBase):
    """Every use case of newsreader on one user's files, store and client."""


__all__ = ["AddError", "CompareOutcome", "Session"]
