"""Where the test material lives: the project, its seeds and gold pairs, ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SEEDS = ROOT / "seeds"
GOLD = TESTS / "gold"
PAIRS = TESTS / "pairs"
SHARED = Path(os.environ.get("NEWSREADER_SHARED", ROOT.parent / "shared"))
CORPORA = SHARED / "corpora"


def corpus(name: str) -> Path:
    """A folder of ../shared/corpora, or skip the test when it is absent."""
    path = CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpora are not on this machine)")
    return path
