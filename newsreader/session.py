"""The operations a user performs, shared by the CLI and the TUI (no UI code here).

A `Session` ties the user's feeds.toml, settings and store together. Every method either
returns a value or raises an error whose message is one line a user can act on
(`ConfigError`, `StoreError`, `AddError`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader import config
from newsreader.config import ConfigError, Settings
from newsreader.models import Subscription
from newsreader.store import Store

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from newsreader.fetch import Fetcher
    from newsreader.refresh import FeedDone, RefreshSummary
    from newsreader.sync.base import ProgressCallback, Service, SyncResult


class AddError(Exception):
    """A feed could not be added; the message says why and what to try."""


@dataclass
class Session:
    feeds_file: Path
    settings: Settings
    store: Store
    _subs: list[Subscription] | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        *,
        feeds_file: Path | None = None,
        db: Path | None = None,
        settings: Settings | None = None,
    ) -> Session:
        feeds_file = config.ensure_feeds_file(feeds_file)
        settings = settings or config.load_settings()
        store = Store(db or config.db_path())
        session = cls(feeds_file=feeds_file, settings=settings, store=store)
        session.reload()
        return session

    # ---------------------------------------------------------------- subscriptions

    def reload(self) -> list[Subscription]:
        """Re-read feeds.toml (it may have been edited by hand) and sync the store."""
        subs = config.load_subscriptions(self.feeds_file)
        if self.settings.sync is not None:  # the server's feeds too (newsreader/sync/sources.py)
            from newsreader.sync import sources

            subs = sources.merge(subs, self.store, self.settings.sync.service)
        self.store.sync_subscriptions(subs)
        self._subs = subs
        return subs

    @property
    def subscriptions(self) -> list[Subscription]:
        if self._subs is None:
            return self.reload()
        return self._subs

    def find(self, key: str) -> Subscription | None:
        k = key.strip()
        for s in self.subscriptions:
            if s.url == k or (s.title or "").casefold() == k.casefold():
                return s
        return None

    def add(self, sub: Subscription) -> Subscription:
        """Append to feeds.toml (comments kept, atomic) and sync the store."""
        if self.find(sub.url) is not None:
            raise AddError(f"already subscribed to {sub.url}")
        if self.settings.sync is not None and not config.is_local(sub.url):
            from newsreader.sync import sources  # on the server: pushed by the next sync

            sources.queue_add(self.store, self.settings.sync.service, sub)
            self.reload()
            return sub
        added = config.add_subscriptions([sub], self.feeds_file)
        self.reload()
        if not added:
            raise AddError(f"already subscribed to {sub.url}")
        return added[0]

    def remove(self, key: str) -> Subscription:
        sub = self.find(key) if self.settings.sync is not None else None
        if sub is not None and self.settings.sync is not None:
            from newsreader.sync import sources  # unsubscribed on the server by the next sync

            if sources.queue_remove(self.store, self.settings.sync.service, sub.url):
                if any(s.url == sub.url for s in config.load_subscriptions(self.feeds_file)):
                    config.remove_subscription(sub.url, self.feeds_file)
                self.reload()
                self.store.delete_feed(sub.url)
                return sub
        removed = config.remove_subscription(key, self.feeds_file)
        self.reload()
        self.store.delete_feed(removed.url)
        return removed

    def import_opml(self, data: bytes) -> tuple[list[Subscription], int]:
        """Add every feed of an OPML document; return (added, found)."""
        from newsreader.opml import parse_opml

        found = parse_opml(data)
        added = config.add_subscriptions(found, self.feeds_file)
        self.reload()
        return added, len(found)

    def export_opml(self) -> str:
        from newsreader.opml import export_opml

        return export_opml(self.subscriptions)

    # ---------------------------------------------------------------- discovery

    async def resolve_new_feed(
        self,
        url: str,
        *,
        title: str | None = None,
        tags: list[str] | None = None,
        discover: bool = True,
        fetcher: Fetcher | None = None,
    ) -> Subscription:
        """Check a URL a user typed and find the feed behind it (web pages are discovered)."""
        from newsreader.discover import discover_feeds
        from newsreader.fetch import Fetcher

        url = url.strip()
        if "://" not in url and not Path(url).expanduser().exists() and "." in url.split("/")[0]:
            url = "https://" + url  # "example.com/feed" typed without a scheme
        try:
            url = config.validate_url(url)
        except ConfigError as exc:
            raise AddError(str(exc)) from exc
        if config.is_local(url):
            path = Path(config.resolve_location(url, self.feeds_file))
            if not path.exists():
                raise AddError(f"no such file: {path}")
            return Subscription(url=str(path), title=title, tags=list(tags or []))
        if not discover:
            return Subscription(url=url, title=title, tags=list(tags or []))
        own = fetcher is None
        from newsreader.refresh import fetch_settings

        f = fetcher if fetcher is not None else Fetcher(settings=fetch_settings(self.settings))
        try:
            found = await discover_feeds(url, f)
        except Exception as exc:  # DiscoveryError and friends carry a user-facing message
            raise AddError(str(exc)) from exc
        finally:
            if own:
                await f.aclose()
        if not found:
            raise AddError(f"no feed found at {url}: check the address, or give the feed's own URL")
        best = found[0]
        return Subscription(url=best.url, title=title or best.title, tags=list(tags or []))

    async def refresh(
        self,
        urls: list[str] | None = None,
        *,
        on_start: Callable[[str], None] | None = None,
        on_done: Callable[[FeedDone], None] | None = None,
        fetcher: Fetcher | None = None,
        executor: Executor | None = None,
        force: bool = False,
    ) -> RefreshSummary:
        """Refresh the given feeds (all by default).

        `executor` parses large feeds; by default a process pool is made for the run (a thread
        pool where processes cannot start). A caller's executor is used as is and not shut down.
        """
        from newsreader.refresh import refresh_feeds

        subs = self.subscriptions
        if urls:
            wanted = set(urls)
            subs = [s for s in subs if s.url in wanted]
        if self.settings.sync is not None:  # the server fetches its feeds: see sync()
            from newsreader.sync import sources

            owned = sources.server_owned(self.store, self.settings.sync.service)
            subs = [s for s in subs if s.url not in owned]
        return await refresh_feeds(
            subs,
            store=self.store,
            fetcher=fetcher,
            executor=executor,
            settings=self.settings,
            feeds_file=self.feeds_file,
            on_start=on_start,
            on_done=on_done,
            force=force,
        )

    async def sync(
        self, *, on_progress: ProgressCallback | None = None, service: Service | None = None
    ) -> SyncResult:
        """Two-way sync with the [sync] server: subscriptions, new articles, read/starred.

        Raises SyncError (one line saying what to do) when it cannot: the store is left as it
        was, or with the steps that completed. `on_progress` gets a SyncProgress per step."""
        from newsreader.sync import sources

        try:
            return await sources.sync(
                self.store, self.settings.sync, on_progress=on_progress, service=service
            )
        finally:
            self.reload()  # the server's feeds as far as the sync got
