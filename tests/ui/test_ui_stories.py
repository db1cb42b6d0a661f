"""Pilot tests of the Stories view: the feed pane entry, a story's articles and roles, compare
in a story (against the original, or two marked), split and merge (kept), the "N sources" mark
in article lists, and `stories_mark_read`."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from newsreader.models import ParsedArticle, ParsedFeed
from newsreader.query import View
from newsreader.session import Session
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.compare.screen import CompareScreen
from newsreader.ui.widgets.feed_pane import FeedPane
from newsreader.ui.widgets.story_list import StoryList

from support.paths import SEEDS
from support.ui import BASE, NOW, clock, open_session, screen_text, settle

NOBEL = [
    ("Northern Wire", "Jailed Iranian activist Narges Mohammadi wins Nobel Peace Prize", 5),
    ("Evening Post", "Nobel Peace Prize: Jailed Iranian activist Narges Mohammadi wins", 4),
    ("Daily Ledger", "Imprisoned Iranian activist Narges Mohammadi wins Nobel Peace Prize", 3),
]
EXXON = [
    ("Northern Wire", "Exxon to buy Pioneer Natural Resources in $59.5 billion deal", 8),
    ("Daily Ledger", "Exxon agrees $59.5 billion deal to buy Pioneer Natural Resources", 7),
]
OTHER = [
    ("Evening Post", "Wildfire smoke from Canada blankets New York City", 9),
    ("Daily Ledger", "Arm prices IPO at top of range, valuing chip designer at $54.5 billion", 10),
    ("Northern Wire", "Meta hit by lawsuit from 33 states over youth mental health", 11),
]
FEEDS = ["Northern Wire", "Evening Post", "Daily Ledger", "Aggregator", "Original"]
LEAD = "The committee said the award honours her fight against the oppression of women."


def stories_session(tmp_path: Path, grouped: bool = True, **kw) -> Session:
    """Five feeds: two shared stories of headlines, the demo copy and its original, noise
    (grouped into stories, or not yet: as `newsreader refresh` leaves them)."""
    urls = {name: f"{BASE}/{name.split()[0].lower()}.xml" for name in FEEDS}
    session = open_session(tmp_path, [(urls[n], n, []) for n in FEEDS], **kw)
    per_feed: dict[str, list[ParsedArticle]] = {n: [] for n in FEEDS}
    for k, (feed, title, hours) in enumerate(NOBEL + EXXON + OTHER):
        per_feed[feed].append(
            ParsedArticle(
                guid=f"h{k}",
                title=title,
                link=f"https://{feed.split()[0].lower()}.example/{k}",
                published=NOW - timedelta(hours=hours),
                text=LEAD if title in {t for _, t, _ in NOBEL} else "",
            )
        )
    for name, seed, hours in (
        ("Original", "001_8e37780b18e596c7.txt", 20),
        ("Aggregator", "000_2f754f0fdfd46775.txt", 18),
    ):
        raw = (SEEDS / seed).read_text(encoding="utf-8")
        title = next(ln for ln in raw.splitlines() if len(ln.split()) >= 4)  # the headline
        body = raw.split(title, 1)[1]
        per_feed[name].append(
            ParsedArticle(
                guid=seed,
                title=title.strip(),
                link=f"https://{name.lower()}.example/a",
                published=NOW - timedelta(hours=hours),
                text=body.strip(),
                author="Demetri Sevastopulo" if name == "Original" else None,
            )
        )
    for name in FEEDS:
        session.store.save_feed(
            urls[name], ParsedFeed(name, None, per_feed[name]), now=NOW.timestamp()
        )
    if grouped:
        session.update_stories()
    return session


def make_app(tmp_path: Path, **kw) -> tuple[NewsReaderApp, Session]:
    session = stories_session(tmp_path, **kw)
    return NewsReaderApp(session, auto_refresh=False, clock=clock), session


async def open_stories(app: NewsReaderApp, pilot) -> StoryList:
    """Highlight "Stories" in the feed pane and enter the story list."""
    screen = app.screen
    pane = screen.query_one(FeedPane)
    pane.focus()
    index = next(i for i, e in enumerate(pane.entries) if e.view == View("stories"))
    pane.highlighted = index
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    lst = screen.query_one(StoryList)
    assert app.focused is lst
    return lst


def test_the_fixture_has_three_stories(tmp_path: Path) -> None:
    session = stories_session(tmp_path)
    sizes = sorted(s.size for s in session.stories())
    assert sizes == [2, 2, 3]
    session.store.close()


async def test_stories_entry_lists_stories_with_sources_original_and_copies(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Stories" in text and "3" in text  # three unread stories
        lst = await open_stories(app, pilot)
        assert not lst.in_story and len(lst.stories) == 3
        text = screen_text(app)
        # the earliest report; the reordered headline with the same lead is a copy of it
        assert "3 sources · original: Northern Wire · 1 copy" in text
        assert "2 sources · original: Original · 1 copy" in text  # the demo copy
        assert "US and China to open communication lines" in text
        assert "Stories (3)" in text


async def test_enter_lists_a_storys_articles_with_roles_and_esc_goes_back(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        copy_story = next(i for i, s in enumerate(lst.stories) if s.copies and s.size == 2)
        lst.highlighted = copy_story
        await pilot.press("enter")
        await settle(app, pilot)
        assert lst.in_story
        assert [a.role for a in lst.articles] == ["original", "copy"]
        text = screen_text(app)
        assert "original" in text and "copy" in text and "Story: " in text
        await pilot.press("j", "enter")  # read the copy in the article pane
        await settle(app, pilot)
        assert app.screen.article is not None and app.screen.article.id == lst.articles[1].id
        await pilot.press("escape")  # article pane -> story list
        await pilot.press("escape")  # a story's articles -> the stories
        await settle(app, pilot)
        assert not lst.in_story and app.focused is lst


async def test_c_compares_with_the_storys_original(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.copies and s.size == 2)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("j", "c")  # the copy, against the original
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.result.report.coverage > 0.3
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.query_one(StoryList).in_story


async def test_two_marked_articles_are_compared(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.size == 3)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("j", "x", "j", "x")
        assert len(lst.marked) == 2
        assert "✓" in screen_text(app)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen)


async def test_split_and_merge_are_kept(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.size == 3)
        await pilot.press("enter")
        await settle(app, pilot)
        moved = lst.articles[-1].id
        lst.highlighted = len(lst.articles) - 1
        await pilot.press("X")
        await settle(app, pilot)
        assert moved not in {a.id for a in lst.articles} and len(lst.articles) == 2
        await pilot.press("escape")
        await settle(app, pilot)
        # merge the two headline stories: mark one, M on the other
        names = [s.title for s in lst.stories]
        a = next(i for i, t in enumerate(names) if "Mohammadi" in t)
        b = next(i for i, t in enumerate(names) if "Exxon" in t)
        lst.highlighted = a
        await pilot.press("x")
        lst.highlighted = b
        await pilot.press("M")
        await settle(app, pilot)
        assert len(lst.stories) == 2
    # Both choices survive re-clustering from scratch.
    session.rebuild_stories()
    kept = session.story_of(moved)
    nobel = {a.id for s in session.stories() for a in session.story_articles(s.id)}
    assert kept is not None and moved not in nobel
    sizes = sorted(s.size for s in session.stories())
    assert sizes == [2, 4]
    session.store.close()


async def test_article_lists_mark_articles_of_a_story(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "3 sources" in text and "2 sources" in text
        line = next(ln for ln in text.splitlines() if "Wildfire smoke" in ln)
        assert "sources" not in line  # a story of one article has no mark


async def test_what_a_cli_refresh_stored_is_grouped_when_the_app_opens(tmp_path: Path):
    """`newsreader refresh` leaves the grouping to the app: with no refresh on start, the app
    groups in the background at once (the status line says so) and the marks follow."""
    session = stories_session(tmp_path, grouped=False, refresh_on_start=False)
    assert session.stories_pending() > 0
    app = NewsReaderApp(session, auto_refresh=True, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert session.stories_pending() == 0
        await settle(app, pilot)  # the reload the grouping scheduled
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "3 sources" in text and "grouping stories" not in text
        assert sorted(s.size for s in session.stories()) == [2, 2, 3]


async def test_entering_stories_groups_what_another_process_stored(tmp_path: Path):
    session = stories_session(tmp_path, grouped=False)
    app = NewsReaderApp(session, auto_refresh=False, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert session.stories_pending() > 0  # no background work without auto refresh
        lst = await open_stories(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert session.stories_pending() == 0
        assert len(lst.stories) == 3


async def test_stories_off_hides_the_entry_and_the_marks(tmp_path: Path):
    """`stories = false`: no Stories entry in the feed pane, no "N sources" in the lists."""
    app, session = make_app(tmp_path, stories=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        pane = app.screen.query_one(FeedPane)
        assert all(e.view != View("stories") for e in pane.entries)
        assert not re.search(r"\d sources", screen_text(app))


async def test_story_keys_are_listed_in_help_and_palette(tmp_path: Path):
    from newsreader.ui.bindings import SECTIONS

    ids = {b.id for s in SECTIONS for b in s.bindings}
    assert {"story_compare", "story_mark", "story_split", "story_merge"} <= ids
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        from textual.containers import VerticalScroll

        app.screen.query_one(VerticalScroll).scroll_end(animate=False)  # the last section
        await settle(app, pilot)
        text = screen_text(app)
        assert "Split from story" in text and "story_merge" in text


@pytest.mark.parametrize("on", [True, False])
async def test_reading_a_story_marks_its_members_read(tmp_path: Path, on: bool):
    app, session = make_app(tmp_path, stories_mark_read=on)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.size == 3)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")  # read the original
        await settle(app, pilot)
        story = lst.story
        assert story is not None
        read = [a.read for a in session.story_articles(story.id)]
        assert read == ([True] * 3 if on else [True, False, False])


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_snapshot_story_articles_100x30(tmp_path: Path, snap_compare, utc) -> None:
    app, _ = make_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.size == 3)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("j", "x")
        await settle(app, pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))


async def test_keys_act_on_the_story_article_and_list_keys_are_off(tmp_path: Path):
    app, session = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        lst = await open_stories(app, pilot)
        lst.highlighted = next(i for i, s in enumerate(lst.stories) if s.size == 3)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("j", "s")  # star the highlighted article of the story
        await settle(app, pilot)
        starred = session.article(lst.articles[1].id)
        assert starred is not None and starred.starred
        await pilot.press("A")  # not "mark every article read" here: off in the stories view
        await settle(app, pilot)
        assert session.counts()["unread"] == 10
