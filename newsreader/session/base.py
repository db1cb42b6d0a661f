"""What every use case shares: the user's files, settings, the store and one HTTP client."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Self

from newsreader import config
from newsreader.config import Settings
from newsreader.errors import UserError
from newsreader.models import QueryFeed, Subscription

if TYPE_CHECKING:
    from newsreader.sources.fetch import Fetcher
    from newsreader.store import Store


class AddError(UserError):
    """A feed could not be added; the message says why and what to try."""


class SessionBase:
    """The user's feeds.toml, settings and store (opened on first use) and the HTTP client.

    `store` and `fetcher` may be injected (tests pass a store in a temp dir and a client aimed
    at a local server). Otherwise the store opens on first use, so a command that needs no
    stored articles (`compare FILE FILE`) creates no files, and the session makes one
    `Fetcher` per event loop and closes it in `aclose()`.
    """

    def __init__(
        self,
        *,
        feeds_file: Path | None = None,
        settings: Settings | None = None,
        db: Path | None = None,
        store: Store | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self._feeds_file = feeds_file
        self.settings = settings if settings is not None else config.load_settings()
        self._db = db
        self._store = store
        self._injected_fetcher = fetcher
        self._fetcher: Fetcher | None = None
        self._fetcher_loop: asyncio.AbstractEventLoop | None = None
        self._subs: list[Subscription] | None = None
        self.queries: list[QueryFeed] = []  # the [[query]] feeds of feeds.toml

    @classmethod
    def open(
        cls,
        *,
        feeds_file: Path | None = None,
        db: Path | None = None,
        settings: Settings | None = None,
        fetcher: Fetcher | None = None,
    ) -> Self:
        """A session on the user's files, read now: a broken feeds.toml fails here."""
        session = cls(feeds_file=feeds_file, settings=settings, db=db, fetcher=fetcher)
        session.reload()
        from newsreader.query import QueryError, killfile

        try:
            killfile.apply(session.store, session.settings.ignore)  # rules changed: recompute
        except QueryError:
            pass  # a rule that runs out of time over the stored articles: refresh reports it
        return session

    # ------------------------------------------------------------------ parts

    @property
    def feeds_file(self) -> Path:
        if self._feeds_file is None or not self._feeds_file.exists():
            self._feeds_file = config.ensure_feeds_file(self._feeds_file)
        return self._feeds_file

    @property
    def store(self) -> Store:
        if self._store is None:
            from newsreader.store import Store

            self._store = Store(self._db or config.db_path())
        return self._store

    def fetcher(self) -> Fetcher:
        """The HTTP client for the running event loop (one per loop, reused by every call)."""
        if self._injected_fetcher is not None:
            return self._injected_fetcher
        loop = asyncio.get_running_loop()
        if self._fetcher is None or self._fetcher_loop is not loop:
            from newsreader.sources.fetch import Fetcher, fetch_settings

            self._fetcher = Fetcher(settings=fetch_settings(self.settings))
            self._fetcher_loop = loop
        return self._fetcher

    async def aclose(self) -> None:
        """Close the session's own HTTP client (an injected one belongs to the caller)."""
        fetcher, self._fetcher, self._fetcher_loop = self._fetcher, None, None
        if fetcher is not None:
            await fetcher.aclose()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    # ------------------------------------------------------------------ subscriptions

    def reload(self) -> list[Subscription]:
        """Re-read feeds.toml (it may have been edited by hand) and sync the store."""
        subs, queries = config.load_feeds_file(self.feeds_file)
        if self.settings.sync is not None:  # the server's feeds too (newsreader/sync/sources.py)
            from newsreader.sync import sources

            subs = sources.merge(subs, self.store, self.settings.sync.service)
        self.queries = queries
        self.store.sync_subscriptions(subs)
        self._subs = subs
        return subs

    @property
    def subscriptions(self) -> list[Subscription]:
        if self._subs is None:
            return self.reload()
        return self._subs
