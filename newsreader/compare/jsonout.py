"""The public JSON form of a comparison (the keys are an interface: change them never, add
new ones only)."""

from __future__ import annotations

from typing import Any

from newsreader.compare.model import CompareResult, Document


def _side(doc: Document) -> dict[str, Any]:
    return {"title": doc.title, "source": doc.source, "segments": [s.text for s in doc.segments]}


def to_json(result: CompareResult) -> dict[str, Any]:
    rep = result.report
    return {
        "left": _side(result.left),
        "right": _side(result.right),
        "rows": [
            {
                "left": list(row.left),
                "right": list(row.right),
                "kind": row.kind,
                "score": round(float(row.score), 4),
            }
            for row in result.rows
        ],
        "report": {
            "coverage": round(float(rep.coverage), 4),
            "quotes_lost": list(rep.quotes_lost),
            "quotes_kept": list(rep.quotes_kept),
            "names_lost": list(rep.names_lost),
            "numbers_changed": [[a, b] for a, b in rep.numbers_changed],
            "boilerplate": list(rep.boilerplate),
            "byline_dropped": bool(rep.byline_dropped),
            "derived": bool(rep.derived),
            "derived_confidence": round(float(rep.derived_confidence), 4),
        },
    }
