"""Longer fuzzing runs of the hostile-suite properties (the CI runs them briefly).

    python bench/fuzz.py                      # every target, 2000 examples each
    python bench/fuzz.py feed --examples 20000 --seed 7
    python bench/fuzz.py --minutes 10         # round-robin until the time is up

Targets: feed (bytes -> parse -> store -> render), safetext, search, compare.
The properties live in tests/test_hostile_fuzz.py; this script only runs them with bigger
budgets. A failure prints hypothesis's minimal example and exits 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import test_hostile_fuzz as props  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402


def _targets(folder: Path) -> dict[str, tuple]:
    return {
        "feed": ((props.feed_documents(),), lambda doc: props.check_feed_pipeline(*doc)),
        "safetext": ((props.hostile_text,), props.check_safetext),
        "search": ((props.hostile_text,), props.check_search),
        "compare": (
            (props.compare_text, props.compare_text),
            lambda a, b: props.check_compare(a, b, folder),
        ),
    }


def run(name: str, strategies: tuple, check, examples: int, rnd_seed: int | None) -> bool:
    conf = settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        database=None,
        print_blob=True,
    )
    test = conf(given(*strategies)(check))
    if rnd_seed is not None:
        test = seed(rnd_seed)(test)
    started = time.monotonic()
    try:
        test()
    except Exception as exc:  # hypothesis has printed the falsifying example
        print(f"FAIL {name}: {type(exc).__name__}: {exc}"[:2000], flush=True)
        return False
    print(f"ok   {name}: {examples} examples in {time.monotonic() - started:.1f}s", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("targets", nargs="*", help="feed, safetext, search, compare (default: all)")
    p.add_argument("--examples", type=int, default=2000)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--minutes", type=float, default=None, help="loop until this much time passed")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsreader-fuzz-") as tmp:
        targets = _targets(Path(tmp))
        names = args.targets or list(targets)
        unknown = [n for n in names if n not in targets]
        if unknown:
            p.error(f"unknown target(s) {unknown}; choose from {list(targets)}")
        ok = True
        end = time.monotonic() + args.minutes * 60 if args.minutes else None
        rnd = args.seed
        while True:
            for name in names:
                strategies, check = targets[name]
                ok = run(name, strategies, check, args.examples, rnd) and ok
                if end is not None and time.monotonic() > end:
                    break
            if end is None or time.monotonic() > end or not ok:
                break
            rnd = (rnd or 0) + 1  # a new seed each round
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
