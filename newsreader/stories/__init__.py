"""Stories: the same event reported by several feeds, grouped, with its original and copies.

No Textual here. `update(store)` clusters the articles stored since the last run (called at
the end of a refresh); the rest reads stories and records the user's overrides.
"""

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
from newsreader.stories.decide import DEFAULT, Params
from newsreader.stories.update import UpdateSummary, pending, update

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
