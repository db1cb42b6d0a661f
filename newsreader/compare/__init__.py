"""Compare sources: align an aggregator's copy (left) with the original (right) and report.

The public API (no Textual here): `load_document`, `document_from_text`, `compare`,
`find_original`, `to_json`; `newsreader.compare.render` draws a static side-by-side view.
"""

from newsreader.compare.engine import compare
from newsreader.compare.find import find_original
from newsreader.compare.jsonout import to_json
from newsreader.compare.load import LoadError, document_from_html, load_document
from newsreader.compare.segment import document_from_text

__all__ = [
    "LoadError",
    "compare",
    "document_from_html",
    "document_from_text",
    "find_original",
    "load_document",
    "to_json",
]
