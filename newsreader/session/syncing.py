"""Use cases of sync with a feed server (`[sync]` in config.toml; newsreader/sync/)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from newsreader.session.base import SessionBase

if TYPE_CHECKING:
    from newsreader.sync.base import ProgressCallback, Service, SyncResult


class SyncUseCases(SessionBase):
    @property
    def sync_configured(self) -> bool:
        return self.settings.sync is not None

    async def sync(
        self, *, on_progress: ProgressCallback | None = None, service: Service | None = None
    ) -> SyncResult:
        """Two-way sync with the [sync] server: subscriptions, new articles, read/starred.

        Raises SyncError (one line saying what to do) when it cannot: the store is left as it
        was, or with the steps that completed. `on_progress` gets a SyncProgress per step."""
        from newsreader.sync import sources

        try:
            result = await sources.sync(
                self.store, self.settings.sync, on_progress=on_progress, service=service
            )
        finally:
            self.reload()  # the server's feeds as far as the sync got
        if result.new_articles and self.settings.stories:  # synced articles join stories too
            from newsreader import stories

            await asyncio.to_thread(
                stories.update, self.store, preferred=self.settings.preferred_sources
            )
        return result
