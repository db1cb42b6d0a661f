"""Actions on articles: read/star state, mark all read and undo, next unread (wrapping),
next/previous article, full text, compare.

Each action asks the session and shows the result; writes go through `MainScreen.write` (the
writer thread), failures end as notifications (the screen's worker-error backstop).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work

from newsreader.query import View
from newsreader.text.safetext import clean
from newsreader.ui.screens.reader import ReaderState


class ArticleActions(ReaderState):
    # ------------------------------------------------------------------ state
    def action_toggle_read(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self._toggle(aid, "read")

    def action_toggle_star(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self._toggle(aid, "starred")

    @work(group="state", exit_on_error=False)
    async def _toggle(self, article_id: int, what: str) -> None:
        flip = self.session.toggle_read if what == "read" else self.session.toggle_star
        state = await self.write(flip, article_id)
        if state is None:
            return
        self._changed(article_id, **{what: state})
        if what == "starred":
            self.notify("Starred" if state else "Star removed", timeout=2)

    def action_mark_all_read(self) -> None:
        """A on a feed marks it read at once; on All, Unread, a tag, a search or a query it
        asks first. Either way `u` undoes it."""
        view = self.view
        if view.kind == "feed":
            self._mark_view_read(view)
            return
        from newsreader.ui.screens.dialogs import ConfirmDialog

        n = len(self.article_list.ids)
        question = (
            f"Mark every article of “{clean(self.view_label, 100)}” read?\n"
            f"The list shows {n} article{'s' if n != 1 else ''}; u undoes it."
        )

        def done(ok: bool | None) -> None:
            if ok:
                self._mark_view_read(view)

        self.app.push_screen(ConfirmDialog(question), done)

    @work(exclusive=True, group="mark", exit_on_error=False)
    async def _mark_view_read(self, view: View) -> None:
        ids = await self.write(self.session.mark_view_read, view)
        self.undo_ids = ids
        self._after_bulk_change()
        n = len(ids)
        undo = "; u undoes it" if ids else ""
        self.notify(f"Marked {n} article{'s' if n != 1 else ''} read{undo}", timeout=4)

    def action_undo(self) -> None:
        if not self.undo_ids:
            self.notify("Nothing to undo", timeout=2)
            return
        ids, self.undo_ids = self.undo_ids, []
        self._undo(ids)

    @work(exclusive=True, group="mark", exit_on_error=False)
    async def _undo(self, ids: list[int]) -> None:
        await self.write(self.session.set_read, ids, False)
        self._after_bulk_change()
        self.notify(f"{len(ids)} article{'s' if len(ids) != 1 else ''} unread again", timeout=3)

    def _after_bulk_change(self) -> None:
        self.article_list.invalidate()
        if self.article is not None:
            self._reload_article(self.article.id)
        self.schedule_counts(0)

    @work(group="state", exit_on_error=False)
    async def _reload_article(self, article_id: int) -> None:
        art = await self.off_thread(self.session.article, article_id)
        if art is not None and self.article is not None and self.article.id == art.id:
            self.article = art

    # ------------------------------------------------------------------ next / previous
    def action_next_unread(self) -> None:
        self._jump_unread(True)

    def action_previous_unread(self) -> None:
        self._jump_unread(False)

    def _start(self, forward: bool) -> int:
        """Where a jump starts: the cursor, or just before/after it when the open article is
        not the highlighted one (so that article itself counts)."""
        lst = self.article_list
        if self.article is not None and lst.current_id != self.article.id:
            return lst.cursor - 1 if forward else lst.cursor + 1
        return lst.cursor

    @work(exclusive=True, group="jump", exit_on_error=False)
    async def _jump_unread(self, forward: bool) -> None:
        lst = self.article_list
        ids = lst.ids
        start = self._start(forward)
        order = range(start + 1, len(ids)) if forward else range(start - 1, -1, -1)
        found = await self._first_unread(ids, list(order))
        wrapped = False
        if found is None and forward:  # newsboat's n: wrap to the top
            found = await self._first_unread(ids, list(range(0, max(start + 1, 0))))
            wrapped = found is not None
        if lst.ids is not ids:
            return  # the list changed meanwhile
        if found is None:
            where = "in this view" if forward else "above"
            self.notify(f"No unread articles {where}", timeout=3)
            return
        lst.move_to(found)
        self.open_article(ids[found])
        if wrapped:
            self.notify("No unread articles below: wrapped to the top", timeout=3)

    async def _first_unread(self, ids: Sequence[int], order: list[int]) -> int | None:
        """The first index of `order` whose article is unread, asked 500 at a time."""
        for k in range(0, len(order), 500):
            chunk = order[k : k + 500]
            unread = await self.off_thread(self.session.unread_among, [ids[i] for i in chunk])
            for i in chunk:
                if ids[i] in unread:
                    return i
        return None

    def action_next_article(self) -> None:
        self._step(1)

    def action_previous_article(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        """J / K: open the next / previous article of the list, read or not."""
        lst = self.article_list
        if not lst.ids:
            return
        base = self._start(delta > 0)
        target = base + delta
        if not 0 <= target < len(lst.ids):
            self.notify("No more articles " + ("below" if delta > 0 else "above"), timeout=2)
            return
        lst.move_to(target)
        self.open_article(lst.ids[target])

    # ------------------------------------------------------------------ full text
    def action_full_text(self) -> None:
        aid = self.current_article_id()
        if aid is not None:
            self.fetch_full_text(aid)

    # ------------------------------------------------------------------ compare
    def action_compare(self) -> None:
        from newsreader.ui.compare import CompareOpenScreen

        aid = self.current_article_id()
        if aid is None:
            self.notify("No article selected", severity="warning")
            return
        self.app.push_screen(CompareOpenScreen(self.session, aid))
