import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleannews.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """The compiled-rules cache of this run lives in a temp folder, not in the user's home
    (subprocesses inherit it)."""
    import os
    import tempfile

    os.environ.setdefault("CLEANNEWS_CACHE_DIR", tempfile.mkdtemp(prefix="cleannews-cache-"))
SAMPLES = ROOT / "samples"
SEED = "themoscowtimes-spy-agencies"


def shingle_recall(truth: str, text: str, n: int = 4) -> float:
    """The share of the true body's word 4-grams found in `text` (the benchmark's own measure)."""
    def grams(s):
        words = re.findall(r"\w+", s)
        return Counter(tuple(words[i:i + n]) for i in range(max(1, len(words) - n + 1)))
    want, got = grams(truth), grams(text)
    return sum(min(c, got[g]) for g, c in want.items()) / max(1, sum(want.values()))


@pytest.fixture
def seed():
    """The seed page: raw text, the exact clean body, the expected metadata."""
    return {
        "raw": SAMPLES / f"{SEED}.raw.txt",
        "clean": (SAMPLES / f"{SEED}.clean.txt").read_text(encoding="utf-8"),
        "expected": json.loads((SAMPLES / f"{SEED}.expected.json").read_text(encoding="utf-8")),
    }


@pytest.fixture
def run():
    """Run the command line in-process; stdout and stderr apart."""
    def _run(*args, input=None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)
    return _run
