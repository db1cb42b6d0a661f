"""Compare-sources quality on the hand-written gold pairs in tests/gold.

    python bench/compare_gold.py

Derived pairs: the seed pair (a real aggregator copy of an FT article) and rewrites written by
hand, in a content farm's manner, of real articles from ../shared/corpora/articles (heavy
paraphrase, a summary, a machine round trip, filler mid-article, split sentences). Negative
pairs: independent articles on the same events (written by hand as a second outlet would).
Per pair: link precision / recall / F1, the derived verdict, and the report's checks (names
lost and kept, numbers changed, byline dropped, boilerplate).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from newsreader.compare import compare, load_document
from newsreader.compare.model import CompareResult, Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSREADER_SHARED", ROOT.parent / "shared"))
ARTICLES = SHARED / "corpora" / "articles"
PLAIN = ARTICLES / "plain"
BENCH = ARTICLES / "extraction-benchmark"
HAND = ROOT / "tests" / "pairs"
PAIRS = [
    ("seed_pair", ROOT / "seeds/000_2f754f0fdfd46775.txt", ROOT / "seeds/001_8e37780b18e596c7.txt"),
    ("assange_pair", HAND / "assange_copy.txt", PLAIN / "assange-sweden.txt"),
    ("whales_pair", HAND / "whales_copy.txt", PLAIN / "whale-strandings.txt"),
    ("obama_pair", HAND / "obama_copy.txt", PLAIN / "obama-guns.txt"),
    ("sudan_summary", HAND / "sudan_summary.txt", PLAIN / "sudan-sanctions.txt"),
    ("tunisia_roundtrip", HAND / "tunisia_roundtrip.txt", PLAIN / "tunisia-museum.txt"),
    (
        "hibernation_filler",
        HAND / "hibernation_filler.txt",
        BENCH / "phys.org-e1c7023ee214" / "expected.txt",
    ),
    (
        "helicopter_split",
        HAND / "helicopter_split.txt",
        BENCH / "aljazeera.com-7916ecca969f" / "expected.txt",
    ),
    ("tunisia_independent", HAND / "tunisia_independent.txt", PLAIN / "tunisia-museum.txt"),
    ("assange_independent", HAND / "assange_independent.txt", PLAIN / "assange-sweden.txt"),
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


def load_pair(name: str) -> tuple[dict, Document, Document] | None:
    """The gold of a pair and its two documents, or None when the corpus is missing."""
    copy, original = next((c, o) for n, c, o in PAIRS if n == name)
    if not original.exists():
        return None
    gold = json.loads((ROOT / "tests" / "gold" / f"{name}.json").read_text())
    return gold, load_document(str(copy)), load_document(str(original))


def checks(gold: dict, result: CompareResult) -> list[str]:
    """The report's misses against the gold, as short strings (empty: all good)."""
    rep = result.report
    left = result.left.segments
    out: list[str] = []
    lost = set(rep.names_lost)
    out += [f"name not lost: {n}" for n in gold.get("names_lost", []) if n not in lost]
    out += [f"name kept, reported lost: {n}" for n in gold.get("names_kept", []) if n in lost]
    if (
        "numbers_changed" in gold
        and [list(p) for p in rep.numbers_changed] != gold["numbers_changed"]
    ):
        out.append(f"numbers {rep.numbers_changed} != {gold['numbers_changed']}")
    if "byline_dropped" in gold and rep.byline_dropped is not gold["byline_dropped"]:
        out.append(f"byline_dropped {rep.byline_dropped}")
    if "boilerplate" in gold:
        got = [left[i].text[:48] for i in rep.boilerplate]
        if got != gold["boilerplate"]:
            out.append(f"boilerplate {len(got)} vs gold {len(gold['boilerplate'])}")
    return out


def main() -> None:
    print(
        f"{'pair':<20}{'gold':>5}{'shown':>6}{'prec':>7}{'recall':>7}{'F1':>7}"
        f"{'derived':>9}{'conf':>6}{'cov':>6}  checks"
    )
    right_verdicts = total = 0
    for name, _, _ in PAIRS:
        loaded = load_pair(name)
        if loaded is None:
            print(f"{name:<20} skipped: the corpus is missing")
            continue
        gold, left, right = loaded
        result = compare(left, right)
        want, got = gold_pairs(gold, left, right), linked_pairs(result)
        tp = len(want & got)
        derived = getattr(result.report, "derived", True)
        conf = getattr(result.report, "derived_confidence", float("nan"))
        expect = gold.get("derived", True)
        total += 1
        right_verdicts += derived is expect
        verdict = ("yes" if derived else "no") + ("" if derived is expect else "(!)")
        if want:
            p, r = (tp / len(got) if got else 0.0), tp / len(want)
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            scores = f"{p:>7.3f}{r:>7.3f}{f1:>7.3f}"
        else:
            scores = f"{'-':>7}{'-':>7}{'-':>7}"
        miss = "; ".join(checks(gold, result)) or "ok"
        print(
            f"{name:<20}{len(want):>5}{len(got):>6}{scores}{verdict:>9}{conf:>6.2f}"
            f"{result.report.coverage:>6.2f}  {miss}"
        )
    print(f"derived / not derived: {right_verdicts}/{total} right")


if __name__ == "__main__":
    main()
