"""Compare speed: align scripted copy/original pairs of 500, 2,000 and 5,000 words (one core).

    python bench/compare_speed.py [--repeat 5]

Each size is built by concatenating real articles of ../shared/corpora/articles and applying
bench/pairs.py's edits; times are best-of-N wall time for compare() (segmentation included),
and the best CPU time of the process (what a loaded machine does not inflate).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the target says
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pairs import make_pair, originals  # noqa: E402

from newsreader.compare import compare, document_from_text  # noqa: E402
from newsreader.compare.engine import clear_caches  # noqa: E402


def text_of_words(n: int) -> str:
    paras: list[str] = []
    count = 0
    for _, text in originals():
        for para in text.split("\n\n"):
            paras.append(para)
            count += len(para.split())
            if count >= n:
                return "\n\n".join(paras)
    return "\n\n".join(paras)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'words':>7} {'segments L/R':>13} {'best ms':>9} {'median ms':>10} {'cpu ms':>7}")
    for n in (500, 2000, 5000):
        pair = make_pair(f"speed{n}", text_of_words(n), seed=n)
        times = []
        cpu = []
        for _ in range(args.repeat):
            clear_caches()  # cold: no memo from the previous repetition
            t0, c0 = time.perf_counter(), time.process_time()
            result = compare(
                document_from_text(pair.left, "copy"), document_from_text(pair.right, "orig")
            )
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        times.sort()
        segs = f"{len(result.left.segments)}/{len(result.right.segments)}"
        print(
            f"{len(pair.right.split()):>7} {segs:>13} {times[0]:>9.1f} "
            f"{times[len(times) // 2]:>10.1f} {min(cpu):>7.1f}"
        )


if __name__ == "__main__":
    main()
