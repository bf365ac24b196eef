"""Every sample and benchmark page, html and text mode, cleaned to its golden txt and json output
byte for byte (tests/golden/make.py writes them): what makes a refactor safe, and what shows
in review any change in what cleaning gives."""
import difflib
import importlib.util
import json

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("golden_make", ROOT / "tests" / "golden" / "make.py")
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)

CASES = [(name, key, path) for name, pages in make.sets().items() for key, path in pages]
GOLDEN = {name: make.read_golden(name) for name in make.sets()}
HINT = ("if the change is intended, rerun `python tests/golden/make.py` (or `... make.py SET`) "
        "and commit the new tests/golden/*.jsonl with it")


def _pretty(text: str) -> list[str]:
    """A golden line as the lines a reviewer reads: the txt output, then the report."""
    page = json.loads(text)
    return [*page["txt"].split("\n"), "--- json ---",
            *json.dumps(page["json"], ensure_ascii=False, indent=1).split("\n")]


def explain_difference(want: str, got: str, name: str, key: str) -> str:
    diff = difflib.unified_diff(_pretty(want), _pretty(got), f"golden {name}/{key}", "cleaned now", n=2, lineterm="")
    return f"{name}/{key} differs from its golden output:\n" + "\n".join(list(diff)[:80]) + f"\n{HINT}"


def test_every_page_has_a_golden_output_and_no_golden_is_stale():
    for name, pages in make.sets().items():
        ids = [key for key, _ in pages]
        assert sorted(GOLDEN[name]) == sorted(ids), f"{name}: golden pages are not the input pages; {HINT}"
    assert len(CASES) > 600  # both benchmark sets, both modes, and the samples


@pytest.mark.parametrize(("name", "key", "path"), CASES, ids=[f"{n}/{k}" for n, k, _ in CASES])
def test_page_cleans_to_its_golden_output(name, key, path):
    from cleannews import load_rules

    want = GOLDEN[name].get(key)
    assert want is not None, f"{name}/{key} has no golden output; {HINT}"
    got = make.line(key, path, load_rules())
    if got != want:
        pytest.fail(explain_difference(want, got, name, key), pytrace=False)


def test_a_difference_is_shown_as_a_diff_with_the_hint():
    """The message a failing page gives: the changed line of the txt or report, and what to do."""
    name, key, path = CASES[0]
    want = GOLDEN[name][key]
    page = json.loads(want)
    page["txt"] = page["txt"].replace("\n", "\nAn invented line.\n", 1)
    message = explain_difference(want, json.dumps(page, ensure_ascii=False), name, key)
    assert "+An invented line." in message and HINT in message and f"{name}/{key}" in message
