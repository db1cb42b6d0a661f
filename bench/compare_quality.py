"""Compare-sources quality on scripted pairs: link precision / recall / F1 and per-label recall.

    python bench/compare_quality.py [--variants 3] [--show-failures]

Needs ../shared/corpora/articles (or NEWSREADER_SHARED). See bench/pairs.py for the edits.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairs import Pair, all_pairs, heavy_pair, negative_pairs, originals  # noqa: E402

from newsreader.compare import compare, document_from_text  # noqa: E402
from newsreader.compare.model import CompareResult  # noqa: E402


def unit_of_segments(pair: Pair, result: CompareResult) -> list[int]:
    """For each left segment, the unit (paragraph of the scripted copy) it came from."""
    starts, pos = [], 0
    for u in pair.units:
        k = pair.left.find(u.text, pos)
        starts.append(k)
        pos = k + len(u.text)
    out, cursor = [], 0
    for seg in result.left.segments:
        probe = seg.text[:40]
        k = pair.left.find(probe, cursor)
        if k < 0:
            k = pair.left.find(probe)
        cursor = max(cursor, k)
        owner = max((n for n, s in enumerate(starts) if 0 <= s <= k), default=0)
        out.append(owner)
    return out


FACT_LABELS = {
    "quote_paraphrased": "quote_paraphrased",
    "hedge_removed": "hedge_removed",
    "number_changed": "number_changed",
    "name_dropped": "name_dropped",
}


def score_pair(pair: Pair, result: CompareResult, hits: dict, fails: list) -> tuple[set, set]:
    seg_unit = unit_of_segments(pair, result)
    gold = {(u, j) for u, unit in enumerate(pair.units) for j in unit.right}
    pred = set()
    row_of_right: dict[int, object] = {}
    for row in result.rows:
        for j in row.right:
            row_of_right[j] = row
        for i in row.left:
            for j in row.right:
                pred.add((seg_unit[i], j))
    boiler = set(result.report.boilerplate)
    for u, unit in enumerate(pair.units):
        segs = [i for i, owner in enumerate(seg_unit) if owner == u]
        for label in unit.labels:
            if label in ("paraphrase", "merge", "split"):
                ok = all((u, j) in pred for j in unit.right)
            elif label == "move":
                ok = all((u, j) in pred for j in unit.right)
                kind_ok = any(
                    getattr(row_of_right.get(j), "kind", "") == "moved" for j in unit.right
                )
                j0 = unit.right[0]
                crossing = any(  # a move shows only if some other kept unit crosses it
                    (v < u) != (other.right[0] < j0)
                    for v, other in enumerate(pair.units)
                    if other.right and v != u
                )
                if crossing:
                    hits["move(kind=moved)"].append(kind_ok)
            elif label == "boilerplate":
                ok = bool(segs) and all(i in boiler for i in segs)
            else:
                ok = any(
                    f.kind == FACT_LABELS[label]
                    for j in unit.right
                    for f in getattr(row_of_right.get(j), "facts", [])
                )
            hits[label].append(ok)
            if not ok:
                fails.append((pair.name, label, unit.text[:120]))
        if (
            not unit.labels.intersection({"boilerplate"})
            and segs
            and all(i in boiler for i in segs)
        ):
            hits["boilerplate false positive (units)"].append(True)
    for j, labels in pair.right_only.items():
        row = row_of_right.get(j)
        dropped = row is not None and not row.left
        for label in labels:
            ok = dropped
            if label == "drop_byline":
                ok = result.report.byline_dropped
            hits[label].append(ok)
            if not ok:
                fails.append((pair.name, label, result.right.segments[j].text[:120]))
    return pred, gold


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args()
    pairs = all_pairs(args.variants)
    tp = fp = fn = 0
    hits: dict[str, list[bool]] = defaultdict(list)
    fails: list = []
    t0 = time.perf_counter()
    for pair in pairs:
        result = compare(
            document_from_text(pair.left, pair.name + "-copy"),
            document_from_text(pair.right, pair.name),
        )
        pred, gold = score_pair(pair, result, hits, fails)
        tp += len(pred & gold)
        fp += len(pred - gold)
        fn += len(gold - pred)
    elapsed = time.perf_counter() - t0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"pairs: {len(pairs)}  links: gold {tp + fn}, predicted {tp + fp}  ({elapsed:.1f} s)")
    print(f"link precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}")
    print(f"{'label':<36}{'n':>6}{'recall':>9}")
    for label in sorted(hits):
        vals = hits[label]
        if label.startswith("boilerplate false"):
            print(f"{label:<36}{len(vals):>6}{'(count)':>9}")
            continue
        print(f"{label:<36}{len(vals):>6}{sum(vals) / len(vals):>9.3f}")
    if args.show_failures:
        for name, label, text in fails:
            print(f"MISS {label:<18} {name:<24} {text}")
    verdicts(pairs, args.show_failures)


def verdicts(pairs: list[Pair], show: bool) -> None:
    """Derived / not-derived accuracy: the scripted copies and hard-spun copies are derived;
    different real articles on similar topics are not."""
    heavy = [heavy_pair(n, t, 0) for n, t in originals()]
    sets = [
        ("scripted copies (derived)", [(p.name, p.left, p.right) for p in pairs], True),
        ("hard-spun copies (derived)", [(p.name, p.left, p.right) for p in heavy], True),
        ("similar-topic articles (not derived)", negative_pairs(), False),
    ]
    print(f"{'verdict set':<38}{'n':>5}{'right':>7}{'accuracy':>9}{'conf min/max':>14}")
    for label, items, expect in sets:
        right = 0
        confs = []
        for name, left, orig in items:
            rep = compare(document_from_text(left, "c"), document_from_text(orig, "o")).report
            derived = getattr(rep, "derived", True)  # (engines before the verdict: always)
            conf = getattr(rep, "derived_confidence", 1.0)
            right += derived is expect
            confs.append(conf)
            if show and derived is not expect:
                print(f"WRONG {label:<36} {name} {conf:.2f}")
        print(
            f"{label:<38}{len(items):>5}{right:>7}{right / len(items):>9.3f}"
            f"{min(confs):>7.2f}/{max(confs):.2f}"
        )


if __name__ == "__main__":
    main()
