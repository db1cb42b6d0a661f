"""Stories: the same event reported by several feeds, grouped, with its original and copies.

No Textual here. `update(store)` clusters the articles stored since the last run (the app's
refresh does it once its feeds are stored, in its process pool: alongside.py; what
`newsreader refresh` stored waits for the app or `newsreader stories`); the rest reads stories
and records the user's overrides. Reading (api.py) loads no numpy: the app's feed pane and
lists use it at startup; the clustering (`update`, `Params`) is imported on first use.
"""

from typing import TYPE_CHECKING

from newsreader.stories.api import (
    StoryArticle,
    StoryRow,
    apply_merges,
    count_stories,
    list_stories,
    mark_read,
    mark_story_of_read,
    marks,
    merge,
    rebuild,
    split,
    story_articles,
    story_of,
)

if TYPE_CHECKING:
    from newsreader.stories.decide import DEFAULT, Params
    from newsreader.stories.incremental import UpdateSummary, pending, update
else:
    _LAZY = {
        "DEFAULT": "newsreader.stories.decide",
        "Params": "newsreader.stories.decide",
        "UpdateSummary": "newsreader.stories.incremental",
        "pending": "newsreader.stories.incremental",
        "update": "newsreader.stories.incremental",
    }

    def __getattr__(name: str) -> object:
        if name in _LAZY:
            import importlib

            return getattr(importlib.import_module(_LAZY[name]), name)
        raise AttributeError(name)


__all__ = [
    "DEFAULT",
    "Params",
    "StoryArticle",
    "StoryRow",
    "UpdateSummary",
    "apply_merges",
    "count_stories",
    "list_stories",
    "mark_read",
    "mark_story_of_read",
    "marks",
    "merge",
    "pending",
    "rebuild",
    "split",
    "story_articles",
    "story_of",
    "update",
]
