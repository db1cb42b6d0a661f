"""Use cases of stories: the same event from several feeds, grouped (newsreader/stories/)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from newsreader.session.base import SessionBase

if TYPE_CHECKING:
    from newsreader.stories import StoryArticle, StoryRow, UpdateSummary


class StoryUseCases(SessionBase):
    def stories(self, limit: int | None = None) -> list[StoryRow]:
        """Stories of two or more articles, newest first (one query)."""
        from newsreader import stories

        return stories.list_stories(self.store, limit=limit)

    def story_articles(self, story_id: int) -> list[StoryArticle]:
        """A story's articles, its original first."""
        from newsreader import stories

        return stories.story_articles(self.store, story_id)

    def story_marks(self, article_ids: list[int]) -> dict[int, tuple[int, int]]:
        """{article id: (story id, sources)} for the "N sources" mark of an article list."""
        from newsreader import stories

        return stories.marks(self.store, article_ids)

    def story_of(self, article_id: int) -> int | None:
        from newsreader import stories

        return stories.story_of(self.store, article_id)

    def split_from_story(self, article_id: int) -> int | None:
        """Take an article out of its story (kept across re-clustering); its new story."""
        from newsreader import stories

        return stories.split(self.store, article_id, self.settings.preferred_sources)

    def merge_stories(self, keep: int, other: int) -> int:
        """Make two stories one (kept across re-clustering)."""
        from newsreader import stories

        return stories.merge(self.store, keep, other, self.settings.preferred_sources)

    def mark_story_read(self, story_id: int, read: bool = True) -> int:
        from newsreader import stories

        return stories.mark_read(self.store, story_id, read)

    def story_count(self, unread: bool = True, days: float = 7.0, now: float | None = None) -> int:
        """Stories of two or more articles with an unread article in the `days` before `now`:
        the feed pane's count (cheap on a big store: only the recent stories are looked at)."""
        import time

        from newsreader import stories

        since = (time.time() if now is None else now) - days * 86400
        return stories.count_stories(self.store, unread=unread, since=since)

    def mark_story_of_read(self, article_id: int) -> int:
        """Reading one article of a story reads them all (`stories_mark_read`): how many
        articles changed (0 when the setting is off or the article is in no story)."""
        from newsreader import stories

        if not self.settings.stories_mark_read:
            return 0
        return stories.mark_story_of_read(self.store, article_id)

    def stories_pending(self) -> int:
        """Articles stored since the last grouping (0 when the `stories` setting is off)."""
        from newsreader import stories

        return stories.pending(self.store.conn) if self.settings.stories else 0

    async def group_stories(self) -> UpdateSummary:
        """Group the articles stored since the last grouping (`newsreader refresh` leaves
        them to the app), in a process pool of its own so the caller's process stays free: the
        app runs this in the background. Nothing to do costs one query."""
        from newsreader.sources.pool import make_executor
        from newsreader.stories.alongside import PRELOAD, Alongside
        from newsreader.stories.incremental import UpdateSummary

        if not self.stories_pending():
            return UpdateSummary()
        executor = make_executor(preload=PRELOAD)
        grouping = Alongside(self.store, self.settings.preferred_sources, executor)
        try:
            await grouping.finish()
        except BaseException:  # cancelled (the app quits): what runs in the pool is dropped
            grouping.close()
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        # Joined, in a thread: a pool shut down without waiting can race Python's exit hook
        # into writing to its closed pipe (a traceback on stderr at exit).
        await asyncio.to_thread(executor.shutdown, True)
        return grouping.summary

    def update_stories(self) -> None:
        """Cluster the articles stored since the last run, in this thread (the app's refresh does it
        by itself; `newsreader refresh` leaves it to the app or to `newsreader stories`)."""
        from newsreader import stories

        stories.update(self.store, preferred=self.settings.preferred_sources)

    def rebuild_stories(self) -> None:
        """Cluster the whole store again, keeping the user's splits and merges."""
        from newsreader import stories

        stories.rebuild(self.store, preferred=self.settings.preferred_sources)
