"""The compare-sources view: pilot tests, markup safety, a big pair, SVG snapshots.

Update the snapshots: pytest tests/test_ui_compare.py --snapshot-update (then look at them).
"""

from __future__ import annotations

import time
from pathlib import Path

import newsreader.compare as compare_mod
from newsreader.compare.model import (
    CompareResult,
    DiffOp,
    Document,
    Fact,
    Report,
    Row,
    Segment,
)
from newsreader.ui.compare import CompareOpenScreen, CompareScreen
from newsreader.ui.compare.modals import Legend, RowDetail
from newsreader.ui.compare.rows import CompareRows
from newsreader.ui.compare_app import CompareApp

from support.ui import clock, open_session, screen_text, settle

ROOT = Path(__file__).resolve().parents[2]
COPY = ROOT / "seeds" / "000_2f754f0fdfd46775.txt"
ORIGINAL = ROOT / "seeds" / "001_8e37780b18e596c7.txt"
WIDE, NARROW = (160, 48), (80, 24)


# ---------------------------------------------------------------------------- results
def seed_result() -> CompareResult:
    mod = compare_mod
    left = mod.document_from_text(COPY.read_text(encoding="utf-8"), str(COPY.relative_to(ROOT)))
    right = mod.document_from_text(
        ORIGINAL.read_text(encoding="utf-8"), str(ORIGINAL.relative_to(ROOT))
    )
    return mod.compare(left, right)


def hand_result(evil: str | None = None) -> CompareResult:
    """A small result built by hand: every row kind, facts, a move, boilerplate."""
    left = [
        Segment("Talks resume between the two capitals", "headline"),
        Segment("Sign up to receive free updates.", "boilerplate"),
        Segment("Both sides are opening new channels to address contentious issues.", "body"),
        Segment("The report said Congress will fund 1,500 weapons.", "body"),
        Segment(evil or "Officials expect details in the coming months.", "body"),
        Segment("Analysts welcomed the move.", "body"),
    ]
    right = [
        Segment("Capitals resume talks after diplomatic push", "headline"),
        Segment("Ann Reporter in Washington", "byline"),
        Segment("Both sides are opening new lines to tackle contentious issues.", "body"),
        Segment("The report said Congress may fund 1,200 weapons.", "body"),
        Segment("Officials expect details in the coming months.", "body"),
        Segment('"It is a start," said Kurt Tong.', "body"),
    ]
    rows = [
        Row([0], [0], "changed", 0.4, diff=[DiffOp("replace", left[0].text, right[0].text)]),
        Row([], [1], "right_only", 0.0, facts=[Fact("attribution_dropped", "byline dropped")]),
        Row([1], [], "left_only", 0.0, facts=[Fact("boilerplate", "boilerplate")]),
        Row(
            [2],
            [2],
            "changed",
            0.8,
            diff=[
                DiffOp("equal", "Both sides are opening new", "Both sides are opening new"),
                DiffOp("replace", "channels", "lines"),
                DiffOp("equal", "to", "to"),
                DiffOp("replace", "address", "tackle"),
                DiffOp("equal", "contentious issues.", "contentious issues."),
            ],
        ),
        Row(
            [3],
            [3],
            "changed",
            0.7,
            facts=[Fact("number_changed", "1,200 → 1,500", "1,500", "1,200")],
            diff=[
                DiffOp("equal", "The report said Congress", "The report said Congress"),
                DiffOp("replace", "will", "may"),
                DiffOp("equal", "fund", "fund"),
                DiffOp("replace", "1,500", "1,200"),
                DiffOp("equal", "weapons.", "weapons."),
            ],
        ),
        Row([4], [4], "same", 1.0, diff=[DiffOp("equal", left[4].text, right[4].text)]),
        Row([], [5], "right_only", 0.0, facts=[Fact("quote_dropped", "quote dropped")]),
        Row([5], [], "left_only", 0.0),
    ]
    report = Report(
        coverage=0.64,
        quotes_lost=["It is a start"],
        names_lost=["Kurt Tong"],
        numbers_changed=[("1,500", "1,200")],
        boilerplate=[1],
        byline_dropped=True,
    )
    return CompareResult(
        Document(left[0].text, "copy.txt", left),
        Document(right[0].text, "original.txt", right),
        rows,
        report,
    )


def big_result(n_rows: int = 320) -> CompareResult:
    """About 5,000 words a side: long sentences, every kind of row."""
    words = "the minister said on tuesday that the new budget would fund schools roads and ports"
    left, right, rows = [], [], []
    kinds = ["same", "changed", "changed", "left_only", "right_only", "moved", "same"]
    for i in range(n_rows):
        kind = kinds[i % len(kinds)]
        text = f"Sentence {i}: {words} while {words}."
        if kind in ("same", "changed", "moved"):
            left.append(Segment(text.replace("tuesday", "monday") if kind != "same" else text))
            right.append(Segment(text))
            diff = [DiffOp("equal", text, text)]
            if kind != "same":
                diff = [DiffOp("replace", "monday", "tuesday"), DiffOp("equal", text, text)]
            moved = i - 3 if kind == "moved" else None
            rows.append(
                Row([len(left) - 1], [len(right) - 1], kind, 0.9, diff=diff, moved_from=moved)
            )
        elif kind == "left_only":
            left.append(Segment(text))
            rows.append(Row([len(left) - 1], [], kind, 0.0))
        else:
            right.append(Segment(text))
            rows.append(Row([], [len(right) - 1], kind, 0.0, facts=[Fact("name_dropped", "x")]))
    return CompareResult(
        Document("Big copy", "big-left", left),
        Document("Big original", "big-right", right),
        rows,
        Report(0.5),
    )


def rows_of(app) -> CompareRows:
    return app.screen.query_one(CompareRows)


# ---------------------------------------------------------------------------- pilot tests
async def test_seed_pair_shows_headlines_and_coverage() -> None:
    result = seed_result()
    app = CompareApp(result)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "coverage" in text
        assert "Communication Lines between US and China" in text  # the copy's headline
        assert "US and China to open communication lines" in text  # the original's
        assert rows_of(app).geo.wide
        assert " │ " in text


async def test_n_and_shift_n_move_between_differences() -> None:
    result = hand_result()
    app = CompareApp(result)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        rows = rows_of(app)
        assert rows.cursor == 0
        seen = []
        for _ in range(8):
            await pilot.press("n")
            seen.append(rows.cursor)
        # row 2 is boilerplate and row 5 "same": both skipped; stops at the end
        assert seen == [1, 3, 4, 6, 7, 7, 7, 7]
        assert "No more differences below" in [n.message for n in app._notifications][-1]
        await pilot.press("N", "N")
        assert rows.cursor == 4
        await pilot.pause()
        text = screen_text(app)
        assert "▶" in text and "row 5 of 8" in text  # the cursor row is marked, status says it
        await pilot.press("j")
        assert rows.cursor == 5
        await pilot.press("G")
        assert rows.cursor == 7
        await pilot.press("g")
        assert rows.cursor == 0


async def test_enter_opens_the_row_detail_and_escape_closes_it() -> None:
    app = CompareApp(hand_result())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n")  # row 5: a changed number
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RowDetail)
        text = screen_text(app)
        assert "The report said Congress will fund 1,500 weapons." in text
        assert "The report said Congress may fund 1,200 weapons." in text
        assert "[-may-] {+will+}" in text and "[-1,200-] {+1,500+}" in text
        assert "[1,200 → 1,500]" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)


async def test_legend_and_q_leaves() -> None:
    app = CompareApp(hand_result())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, Legend)
        text = screen_text(app)
        for tag in ("= same", "~ changed", "↕ moved", "+ added", "- dropped", "· boilerplate"):
            assert tag in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_narrow_terminal_stacks_the_texts() -> None:
    app = CompareApp(hand_result())
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert not rows_of(app).geo.wide
        text = screen_text(app)
        assert "coverage 64%" in text
        assert " copy │ Talks resume between the two capitals" in text
        assert " orig │ Capitals resume talks after diplomatic push" in text
        assert " │ " not in text.splitlines()[5][:4]


async def test_tags_and_glyphs_carry_the_meaning_without_colour() -> None:
    app = CompareApp(hand_result())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for tag in ("~ changed", "- dropped", "+ added", "= same", "· boilerplate"):
            assert tag in text
        assert "[byline dropped]" in text and "[1,200 → 1,500]" in text


async def test_feed_text_never_reaches_a_markup_parser(monkeypatch) -> None:
    import rich.markup
    import textual.content
    import textual.markup

    evil = "[bold red]x[/] \x1b[31mred\x1b[0m [link=http://evil.test]click[/link] $bad"
    parsed: list[str] = []

    def spy(module, name):
        real = getattr(module, name)

        def wrapper(markup, *a, **kw):
            parsed.append(str(markup))
            return real(markup, *a, **kw)

        monkeypatch.setattr(module, name, wrapper)

    spy(rich.markup, "render")
    spy(textual.markup, "to_content")
    real_from_markup = textual.content.Content.from_markup.__func__

    def from_markup(cls, markup, **kw):
        parsed.append(str(markup))
        return real_from_markup(cls, markup, **kw)

    monkeypatch.setattr(textual.content.Content, "from_markup", classmethod(from_markup))

    result = hand_result(evil=evil)
    result.left.title = evil
    result.rows[5].facts.append(Fact("name_dropped", evil))
    result.rows[5].kind = "changed"
    result.rows[5].diff = [DiffOp("replace", evil, result.right.segments[4].text)]
    app = CompareApp(result)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n", "n")
        assert rows_of(app).cursor == 5
        text = screen_text(app)
        assert "[bold red]x[/]" in text and "[link=http://evil.test]click[/link]" in text
        assert "\x1b" not in text and "[31mred" in text  # the ESC is stripped
        await pilot.press("enter")
        await pilot.pause()
        detail = screen_text(app)
        assert "[bold red]x[/]" in detail and "\x1b" not in detail
        await pilot.press("escape")
        await pilot.press("ctrl+p")  # the palette renders too
        await pilot.pause()
        await pilot.press("escape")
    assert not [p for p in parsed if "bold red]x" in p or "evil.test" in p]


async def test_big_pair_lays_out_and_scrolls_fast() -> None:
    result = big_result()
    assert sum(len(s.text.split()) for s in result.left.segments) > 4000
    app = CompareApp(result)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        rows = rows_of(app)
        start = time.perf_counter()
        rows.relayout(force=True)
        layout = time.perf_counter() - start
        assert layout < 1.5, layout  # once per width
        start = time.perf_counter()
        for _ in range(20):
            await pilot.press("x")  # unbound: the cost of a key press in the test harness
        idle = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(20):
            await pilot.press("pagedown")
        scroll = time.perf_counter() - start
        assert rows.scroll_y > 0 and rows.cursor > 100
        assert (scroll - idle) / 20 < 0.1, (scroll, idle)  # a page repaints in well under 0.1 s
        await pilot.press("n")
        assert rows.result.rows[rows.cursor].kind != "same"


async def test_back_returns_to_the_screen_below(tmp_path: Path) -> None:
    from textual.app import App

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(CompareScreen(hand_result()))

    app = Host()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen) and app.return_code is None


# ---------------------------------------------------------------------------- opening
def demo_app(tmp_path: Path):
    """The reading app on the offline demo: the aggregator copy and the original."""
    from newsreader.sources.parse import parse_text_article
    from newsreader.ui.app import NewsReaderApp

    feeds = [
        (str(COPY), "Demo: VigourTimes (aggregator)", ["demo"]),
        (str(ORIGINAL), "Demo: Financial Times (original)", ["demo"]),
    ]
    session = open_session(tmp_path, feeds)
    for path, _, _ in feeds:
        session.store.save_feed(path, parse_text_article(Path(path).read_bytes(), path))
    return NewsReaderApp(session, auto_refresh=False, clock=clock), session


def article_id(session, path: Path) -> int:
    row = session.store.conn.execute(
        "SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url = ?",
        (str(path),),
    ).fetchone()
    return row[0]


async def open_compare(app, session, path: Path, pilot) -> None:
    from newsreader.ui.widgets.article_list import ArticleList

    lst = app.screen.query_one(ArticleList)
    lst.move_to(lst.ids.index(article_id(session, path)))
    await pilot.press("c")
    for _ in range(50):
        await settle(app, pilot)
        if not isinstance(app.screen, CompareOpenScreen) or not app.screen.busy:
            break


async def test_c_on_the_demo_aggregator_opens_the_comparison_at_once(tmp_path: Path) -> None:
    from newsreader.ui.screens.main import MainScreen

    app, session = demo_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_compare(app, session, COPY, pilot)
        assert isinstance(app.screen, CompareScreen), screen_text(app)
        result = app.screen.result
        assert result.left.article_id == article_id(session, COPY)
        assert result.right.article_id == article_id(session, ORIGINAL)
        assert "coverage" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)  # straight back to the reading app


async def test_unsure_original_offers_the_candidates(tmp_path: Path, monkeypatch) -> None:
    from textual.widgets import Input, OptionList

    import newsreader.compare as mod
    from newsreader.compare.model import Candidate
    from newsreader.ui.screens.main import MainScreen

    app, session = demo_app(tmp_path)
    original = article_id(session, ORIGINAL)
    evil = "[bold red]Original?[/] \x1b[31m"
    found = [Candidate(original, evil, "Demo [b]FT[/b]", 0.42, "near-duplicate text")]
    monkeypatch.setattr(mod, "find_original", lambda doc, store, limit=5: found)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_compare(app, session, COPY, pilot)
        screen = app.screen
        assert isinstance(screen, CompareOpenScreen)
        options = screen.query_one(OptionList)
        assert options.display and options.option_count == 1 and app.focused is options
        assert screen.query_one(Input).display
        text = screen_text(app)
        assert "42%  [bold red]Original?[/]" in text and "Demo [b]FT[/b]" in text
        await pilot.press("enter")
        for _ in range(50):
            await settle(app, pilot)
            if isinstance(app.screen, CompareScreen):
                break
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.result.right.article_id == original
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is screen  # back to the candidates
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_no_original_asks_for_a_file_or_url(tmp_path: Path, monkeypatch, http_server) -> None:
    from textual.widgets import Input, OptionList

    import newsreader.compare as mod

    monkeypatch.setattr(mod, "find_original", lambda doc, store, limit=5: [])
    paras = ORIGINAL.read_text(encoding="utf-8").split("\n\n")
    body = "".join(f"<p>{p.strip()}</p>" for p in paras if p.strip() and "[" not in p)
    page = (
        "<html><head><title>US and China to open communication lines</title></head><body>"
        f"<article><h1>US and China to open communication lines</h1>{body}</article></body></html>"
    )
    url = http_server.add("/original.html", page, "text/html; charset=utf-8")
    app, session = demo_app(tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await open_compare(app, session, COPY, pilot)
        screen = app.screen
        assert isinstance(screen, CompareOpenScreen)
        assert not screen.query_one(OptionList).display
        spec = screen.query_one(Input)
        assert app.focused is spec and "No likely original" in screen_text(app)
        # a missing file: an error message, no traceback, the screen stays
        spec.value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.screen is screen
        assert any("Cannot load the original" in n.message for n in app._notifications)
        # a file path
        spec.value = str(ORIGINAL)
        await pilot.press("enter")
        for _ in range(50):
            await settle(app, pilot)
            if isinstance(app.screen, CompareScreen):
                break
        assert isinstance(app.screen, CompareScreen)
        assert app.screen.result.right.source == str(ORIGINAL)
        await pilot.press("escape")
        await pilot.pause()
        # a URL, fetched through the app's fetcher
        spec.value = url
        await pilot.press("enter")
        for _ in range(100):
            await settle(app, pilot)
            if isinstance(app.screen, CompareScreen):
                break
        assert isinstance(app.screen, CompareScreen), [n.message for n in app._notifications]
        assert "US and China to open communication lines" in screen_text(app)


# ---------------------------------------------------------------------------- snapshots
def test_snapshot_seed_pair_160x48(snap_compare) -> None:
    assert snap_compare(CompareApp(seed_result()), press=["n", "n", "_"], terminal_size=WIDE)


def test_snapshot_seed_pair_80x24(snap_compare) -> None:
    assert snap_compare(CompareApp(seed_result()), press=["n", "n", "_"], terminal_size=NARROW)


async def test_palette_runs_compare_actions_and_resize_relays_out() -> None:
    app = CompareApp(hand_result())
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        rows = rows_of(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next diff")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen) and rows.cursor == 1
        await pilot.resize_terminal(*NARROW)
        await settle(app, pilot)
        assert not rows.geo.wide and " orig │ Ann Reporter in Washington" in screen_text(app)
        await pilot.resize_terminal(*WIDE)
        await settle(app, pilot)
        assert rows.geo.wide and rows.cursor == 1
