"""What a list shows: the `View` model, and user text turned into safe queries (`fts`)."""

from newsreader.query.view import View

__all__ = ["View"]
