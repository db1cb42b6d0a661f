"""The compare-sources view: the copy beside the original, differences highlighted.

`CompareScreen(result)` shows a finished comparison; `CompareOpenScreen(session, article_id)`
finds the original of a stored article (or asks for it), runs the comparison, then shows it.
"""

from __future__ import annotations

from newsreader.ui.compare.open import CompareOpenScreen
from newsreader.ui.compare.screen import CompareScreen

__all__ = ["CompareOpenScreen", "CompareScreen"]
