"""Use cases on subscriptions: add (with discovery), remove, OPML, the feed list, refresh."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader import config
from newsreader.config import ConfigError
from newsreader.models import Subscription
from newsreader.session.base import AddError, SessionBase

if TYPE_CHECKING:
    from newsreader.models import FeedDone, RefreshSummary
    from newsreader.sources.pool import EarlyPool


@dataclass(slots=True)
class FeedInfo:
    """A subscription with what the store knows of it (for `newsreader list`)."""

    url: str
    title: str | None
    tags: list[str]
    total: int
    unread: int
    error: str | None


class FeedUseCases(SessionBase):
    def find(self, key: str) -> Subscription | None:
        """The subscription whose URL, or title (any case), is `key`."""
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
        """Remove a feed (by URL or title) from feeds.toml (or, with [sync], from the server at
        the next sync) and its articles from the store."""
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
        from newsreader.sources.opml import parse_opml

        found = parse_opml(data)
        added = config.add_subscriptions(found, self.feeds_file)
        self.reload()
        return added, len(found)

    def export_opml(self) -> str:
        from newsreader.sources.opml import export_opml

        return export_opml(self.subscriptions)

    def feed_infos(self) -> list[FeedInfo]:
        """Every subscription, in feeds.toml order, with its counts and last error."""
        rows = {r.url: r for r in self.store.feeds()}
        out = []
        for s in self.subscriptions:
            r = rows.get(s.url)
            out.append(
                FeedInfo(
                    url=s.url,
                    title=s.title or (r.title if r else None),
                    tags=list(s.tags),
                    total=r.total if r else 0,
                    unread=r.unread if r else 0,
                    error=r.error if r else None,
                )
            )
        return out

    async def resolve_new_feed(
        self,
        url: str,
        *,
        title: str | None = None,
        tags: list[str] | None = None,
        discover: bool = True,
    ) -> Subscription:
        """Check a URL a user typed and find the feed behind it (web pages are discovered)."""
        from newsreader.sources.discover import discover_feeds

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
        try:
            found = await discover_feeds(url, self.fetcher())
        except Exception as exc:  # DiscoveryError and friends carry a user-facing message
            raise AddError(str(exc)) from exc
        if not found:
            raise AddError(f"no feed found at {url}: check the address, or give the feed's own URL")
        best = found[0]
        return Subscription(url=best.url, title=title or best.title, tags=list(tags or []))

    def index_for_search(self) -> int:
        """Index what refreshes stored since the last search (store/index.py); a search does
        it too, so this only makes the next one quick. Returns how many were indexed."""
        return self.store.index_pending()

    async def refresh(
        self,
        urls: list[str] | None = None,
        *,
        on_start: Callable[[str], None] | None = None,
        on_done: Callable[[FeedDone], None] | None = None,
        on_stored: Callable[[RefreshSummary], None] | None = None,
        executor: Executor | EarlyPool | None = None,
        force: bool = False,
        stories: bool = True,
    ) -> RefreshSummary:
        """Refresh the given feeds (all by default; then each feed's own refresh_interval is
        honoured, unless `force`) with the session's client. `on_stored` is called once every
        feed is stored, before the new articles are grouped into stories (the `stories`
        setting; `stories=False` leaves them to a later `group_stories`, as the CLI does).

        `executor` parses and stores; by default a process pool is made for the run (a thread
        pool where processes cannot start). A caller's executor is used as is and not shut
        down; an `EarlyPool` (the CLI starts one first) is waited for only when first needed.
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
            fetcher=self.fetcher(),
            executor=executor,
            settings=self.settings,
            feeds_file=self.feeds_file,
            on_start=on_start,
            on_done=on_done,
            on_stored=on_stored,
            force=force,
            scheduled=not urls,
            cluster=stories and self.settings.stories,
        )
