"""Article extraction on real saved news pages, scored like Zyte's article-extraction benchmark
(4-token shingles over `\\w+` tokens, see ../shared/corpora/articles/SOURCE.md)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from newsreader.text.extract import extract
from newsreader.text.safetext import is_clean

from support.paths import CORPORA

BENCH = CORPORA / "articles" / "extraction-benchmark"
pytestmark = pytest.mark.skipif(not BENCH.is_dir(), reason="needs ../shared/corpora/articles")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    toks = re.findall(r"\w+", text)
    return Counter(tuple(toks[k : k + 4]) for k in range(max(len(toks) - 3, 0)))


def f1(got: str, want: str) -> float:
    g, w = shingles(got), shingles(want)
    tp = sum((g & w).values())
    if not tp:
        return 0.0
    p, r = tp / sum(g.values()), tp / sum(w.values())
    return 2 * p * r / (p + r)


def test_extraction_matches_the_benchmark_expectations() -> None:
    scores = {}
    for page in sorted(BENCH.iterdir()):
        if "wsj" in page.name or not (page / "source.html").exists():
            continue  # wsj's expected body is a paywall teaser
        html = (page / "source.html").read_text(encoding="utf-8", errors="replace")
        got = extract(html, "https://example.org/article")
        assert is_clean(got.text) and (got.title is None or is_clean(got.title))
        scores[page.name] = f1(got.text, (page / "expected.txt").read_text(encoding="utf-8"))
    mean = sum(scores.values()) / len(scores)
    assert mean >= 0.85, scores
    assert min(scores.values()) >= 0.5, scores


def test_extraction_of_junk_never_raises() -> None:
    for junk in ("", "<", "<html><body></body></html>", "\x00\x1b[31m<p>hi", "<p>" * 5000):
        got = extract(junk)
        assert is_clean(got.text)
