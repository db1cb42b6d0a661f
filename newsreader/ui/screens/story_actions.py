"""The Stories view of the reading screen and its actions: list stories, list one story's
articles, compare two of them, split an article out, merge two stories, read a whole story.

The "Stories" entry of the feed pane (`View("stories")`) puts the story list where the article
list is; every query and write is a `Session` call in a worker (writes on the writer thread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work

from newsreader.errors import UserError
from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.ui.messages import StoryEntered
from newsreader.ui.screens.reader import ReaderState
from newsreader.ui.widgets.article_view import ArticleView
from newsreader.ui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from newsreader.stories import StoryArticle

STORY_ACTIONS = {"story_compare", "story_mark", "story_split", "story_merge"}
# Actions over the article list's view, which the story list replaces (in the stories view,
# "mark the view read" would otherwise mean every article).
LIST_ACTIONS = {"next_unread", "previous_unread", "mark_all_read"}
STORIES = View("stories")


class StoryActions(ReaderState):
    @property
    def story_list(self) -> StoryList:
        return self.query_one(StoryList)

    @property
    def in_stories(self) -> bool:
        return self.view.kind == "stories"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Story keys only where the stories are (the footer shows them there)."""
        if action in STORY_ACTIONS:
            return self.in_stories
        if action in LIST_ACTIONS:
            return not self.in_stories
        return True

    def current_article_id(self) -> int | None:
        """In the stories view: the article highlighted in a story (or the open one)."""
        if not self.in_stories:
            return super().current_article_id()
        a = self.story_list.current_article
        if a is not None and not isinstance(self.focused, ArticleView):
            return a.id
        return self.article.id if self.article is not None else None

    # ------------------------------------------------------------------ the view
    def watch_view(self, old: View, view: View) -> None:
        stories = view.kind == "stories"
        if stories != (old.kind == "stories"):  # the footer changes (a recompose) only here
            self.story_list.display = stories
            self.article_list.display = not stories
            self.refresh_bindings()
        if stories:
            self._load_stories(None)
            self.group_pending()  # stored by another process since: the list follows
        else:
            super().watch_view(old, view)

    def reload_view(self) -> None:
        if self.in_stories:
            s = self.story_list.current_story
            self._load_stories(s.id if s is not None else None)
        else:
            super().reload_view()

    @work(group="stories", exit_on_error=False)
    async def group_pending(self) -> None:
        """Group the articles stored outside the app (`newsreader refresh` leaves that to the
        app) into stories, in the background; the story marks and lists follow."""
        if self._grouping_pending or self._grouping or self.refreshing:  # a refresh groups them
            return
        self._grouping_pending = True
        try:
            if not await self.off_thread(self.session.stories_pending):
                return
            self._grouping += 1
            self._say_idle()
            try:
                await self.session.group_stories()
            finally:
                self._grouping -= 1
                self._say_idle()
                self.schedule_counts(0)
                self.schedule_view_reload(0.05)
        finally:
            self._grouping_pending = False

    @work(exclusive=True, group="view", exit_on_error=False)
    async def _load_stories(self, keep: int | None) -> None:
        lst = self.story_list
        rows = await self.off_thread(self.session.stories, 500)
        if not self.in_stories:
            return
        if lst.in_story and lst.story is not None:
            current = next((s for s in rows if s.id == lst.story.id), None)
            if current is not None:
                articles = await self.off_thread(self.session.story_articles, current.id)
                lst.show_articles(current, articles)
                self._title_stories()
                return
        lst.show_stories(rows, keep)
        self._title_stories()
        self._say_idle()

    @on(StoryEntered)
    def _story_entered(self, event: StoryEntered) -> None:
        self._enter_story(event.story_id)

    @work(exclusive=True, group="view", exit_on_error=False)
    async def _enter_story(self, story_id: int) -> None:
        lst = self.story_list
        story = next((s for s in lst.stories if s.id == story_id), None)
        articles = await self.off_thread(self.session.story_articles, story_id)
        if story is None or not articles or not self.in_stories:
            return
        lst.show_articles(story, articles)
        self._title_stories()
        self._say_idle()
        lst.focus()

    def leave_story(self) -> bool:
        """Esc in a story's articles: back to the stories (False when not in a story)."""
        lst = self.story_list
        if not (self.in_stories and lst.in_story):
            return False
        lst.show_stories(lst.stories)  # at once, then fresh (a split changed the counts)
        self._title_stories()
        self._say_idle()
        self.reload_view()
        return True

    def _title_stories(self) -> None:
        lst = self.story_list
        if lst.story is not None:
            title = clean(lst.story.title, 120) or "(untitled)"
            lst.border_title = Text(f"Story: {title} ({len(lst.articles)})")
        else:
            lst.border_title = Text(f"Stories ({len(lst.stories)})")

    def _say_idle(self) -> None:
        if not self.in_stories or self.refreshing:
            super()._say_idle()
            return
        lst = self.story_list
        if lst.in_story:
            n, what = len(lst.articles), "Enter reads · x marks · c compares · X splits out"
        else:
            n, what = len(lst.stories), "Enter lists its articles · x marks · M merges"
        where = f"{(lst.highlighted or 0) + 1}/{n}" if n else "0"
        self.status.say(f"Stories · {where} · {what}")

    # ------------------------------------------------------------------ reading
    def open_article(self, article_id: int, *, focus: bool = False) -> None:
        super().open_article(article_id, focus=focus)
        if self.session.settings.stories_mark_read:
            self._read_story_of(article_id)

    @work(group="state", exit_on_error=False)
    async def _read_story_of(self, article_id: int) -> None:
        n = await self.write(self.session.mark_story_of_read, article_id)
        if n:
            self.article_list.invalidate()
            if self.in_stories and self.story_list.in_story:
                self.story_list.set_read({a.id for a in self.story_list.articles})
            self.schedule_counts()

    # ------------------------------------------------------------------ actions
    def action_story_mark(self) -> None:
        if self.story_list.toggle_mark() is None:
            self.notify("Nothing to mark here", timeout=2)
            return
        marked = len(self.story_list.marked)
        if self.story_list.in_story:
            hint = "c compares the two" if marked == 2 else "mark another, then c"
        else:
            hint = "M on another story merges them" if marked else "unmarked"
        self.notify(f"Marked {marked} · {hint}" if marked else "Unmarked", timeout=2)

    def action_story_compare(self) -> None:
        lst = self.story_list
        if not lst.in_story:
            self.notify("Enter a story first (its articles are compared)", timeout=3)
            return
        by_id = {a.id: a for a in lst.articles}
        marked = [by_id[m] for m in lst.marked if m in by_id]
        if len(marked) == 2:
            pair = _sides(marked[0], marked[1])
        else:
            current = lst.current_article
            original = next((a for a in lst.articles if a.role == "original"), None)
            if current is None or original is None:
                return
            if current.id == original.id:
                self.notify(
                    "This is the story's original: highlight another article (or mark two "
                    "with x) and press c",
                    timeout=4,
                )
                return
            pair = (current, original)
        self._compare_pair(pair[0].id, pair[1].id)

    @work(exclusive=True, group="story-compare", exit_on_error=False)
    async def _compare_pair(self, left: int, right: int) -> None:
        from newsreader.ui.compare.screen import CompareScreen

        self.notify("Comparing…", timeout=2)
        doc = await self.session.load_document(f"article:{left}")
        result = await self.session.compare_with(doc, f"article:{right}")
        self.app.push_screen(CompareScreen(result))

    def action_story_split(self) -> None:
        lst = self.story_list
        a = lst.current_article if lst.in_story else None
        if a is None:
            self.notify("Enter a story and highlight the article to take out", timeout=3)
            return
        self._split(a.id)

    @work(group="state", exit_on_error=False)
    async def _split(self, article_id: int) -> None:
        new = await self.write(self.session.split_from_story, article_id)
        if new is None:
            raise UserError("that article is not in a story yet")
        self.notify("Taken out of the story (kept when stories are rebuilt)", timeout=3)
        self.reload_view()
        self.schedule_counts()

    def action_story_merge(self) -> None:
        lst = self.story_list
        target = lst.current_story if not lst.in_story else None
        other = lst.marked[0] if lst.marked and not lst.in_story else None
        if target is None or other is None or other == target.id:
            self.notify(
                "Mark a story with x, then press M on the story to merge it into", timeout=4
            )
            return
        self._merge(target.id, other)

    @work(group="state", exit_on_error=False)
    async def _merge(self, keep: int, other: int) -> None:
        await self.write(self.session.merge_stories, keep, other)
        self.story_list.marked = []
        self.notify("Stories merged (kept when stories are rebuilt)", timeout=3)
        self._load_stories(keep)
        self.schedule_counts()


def _sides(a: StoryArticle, b: StoryArticle) -> tuple[StoryArticle, StoryArticle]:
    """(copy side, original side) of two articles: the story's original (or the earlier
    non-copy) goes right."""
    rank = {"original": 0, "coverage": 1, "copy": 2}

    def key(x: StoryArticle) -> tuple[int, float]:
        return rank.get(x.role, 3), x.published

    return (b, a) if key(a) <= key(b) else (a, b)
