"""The app's `c` follows a copy's source link when no stored article is its original."""

from __future__ import annotations

from pathlib import Path

from newsreader.session import Session
from newsreader.ui.app import NewsReaderApp
from newsreader.ui.compare import CompareOpenScreen, CompareScreen

from support.sites import aggregator_and_original
from support.ui import clock, settings, settle


async def test_c_in_the_app_follows_the_source_link(tmp_path: Path) -> None:
    with aggregator_and_original() as (agg, origin, feed_url, original):
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(f'[[feed]]\nurl = "{feed_url}"\ntitle = "DailyTrendz"\n')
        session = Session.open(feeds_file=feeds, db=tmp_path / "db.sqlite", settings=settings())
        summary = await session.refresh()
        assert summary.new_articles == 1
        app = NewsReaderApp(session, auto_refresh=False, clock=clock)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("c")
            for _ in range(100):
                await settle(app, pilot)
                if not isinstance(app.screen, CompareOpenScreen):
                    break
            assert isinstance(app.screen, CompareScreen), [n.message for n in app._notifications]
            assert app.screen.result.right.source == original
            assert any("Found the original" in n.message for n in app._notifications)
