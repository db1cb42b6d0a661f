"""Compare-sources quality on the hand-written gold pairs in tests/gold (link F1 per pair).

    python bench/compare_gold.py

The seed pair (a real aggregator copy of an FT article) and three rewrites written by hand in a
content farm's manner of articles from ../shared/corpora/articles/plain.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsreader.compare import compare, load_document
from newsreader.compare.model import CompareResult, Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSREADER_SHARED", ROOT.parent / "shared"))
PLAIN = SHARED / "corpora" / "articles" / "plain"
PAIRS = [
    ("seed_pair", ROOT / "seeds/000_2f754f0fdfd46775.txt", ROOT / "seeds/001_8e37780b18e596c7.txt"),
    ("assange_pair", ROOT / "tests/pairs/assange_copy.txt", PLAIN / "assange-sweden.txt"),
    ("whales_pair", ROOT / "tests/pairs/whales_copy.txt", PLAIN / "whale-strandings.txt"),
    ("obama_pair", ROOT / "tests/pairs/obama_copy.txt", PLAIN / "obama-guns.txt"),
]


def index(segments, prefix: str) -> int:
    hits = [k for k, s in enumerate(segments) if s.text.startswith(prefix)]
    assert len(hits) == 1, f"{prefix!r} matches {len(hits)} segments"
    return hits[0]


def gold_pairs(gold: dict, left: Document, right: Document) -> set[tuple[int, int]]:
    """The (copy, original) segment pairs a gold file links (segments named by prefix)."""
    return {
        (index(left.segments, lp), index(right.segments, rp))
        for link in gold["links"]
        for lp in link["left"]
        for rp in link["right"]
    }


def linked_pairs(result: CompareResult) -> set[tuple[int, int]]:
    return {(i, j) for row in result.rows for i in row.left for j in row.right}


def main() -> None:
    print(f"{'pair':<14}{'gold links':>11}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, copy, original in PAIRS:
        if not original.exists():
            print(f"{name:<14} skipped: {original} is missing")
            continue
        gold = json.loads((ROOT / "tests" / "gold" / f"{name}.json").read_text())
        left, right = load_document(str(copy)), load_document(str(original))
        result = compare(left, right)
        want, got = gold_pairs(gold, left, right), linked_pairs(result)
        tp = len(want & got)
        p, r = tp / len(got), tp / len(want)
        print(f"{name:<14}{len(want):>11}{p:>10.3f}{r:>8.3f}{2 * p * r / (p + r):>7.3f}")


if __name__ == "__main__":
    main()
