"""The metric of benchmarks/quality.py on hand-made pages with known precision and recall
(the benchmark itself is not run here)."""
import importlib.util
import math
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "quality.py"
spec = importlib.util.spec_from_file_location("quality_benchmark", PATH)
quality = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quality)


def test_shingles_are_word_4grams():
    assert quality.shingles("A b, c d! e") == {("A", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert quality.shingles("two words") == {("two", "words"): 1}  # shorter than 4: one shingle
    assert quality.shingles("") == {}


def test_page_counts_are_normalised():
    assert quality.page_counts("a b c d e", "a b c d") == (0.5, 0.0, 0.5)       # TP 1, FN 1
    tp, fp, fn = quality.page_counts("a b c d", "a b c d x y")                   # TP 1, FP 2
    assert (tp, fp, fn) == pytest.approx((1 / 3, 2 / 3, 0.0))
    assert quality.page_counts("a b c d", "") == (0.0, 0.0, 1.0)
    assert quality.page_counts("", "") == (0.0, 0.0, 0.0)


def test_precision_and_recall_are_averaged_over_pages_then_f1():
    truths = {"half": "a b c d e", "third": "a b c d", "lost": "p q r s t", "none": ""}
    preds = {"half": "a b c d", "third": "a b c d x y", "none": ""}  # "lost": no output at all
    f1, p, r, appeals = quality.evaluate(truths, preds)
    # P over the pages with output: (1 + 1/3) / 2; R over the pages with a body: (1/2 + 1 + 0) / 3
    assert p == pytest.approx(2 / 3)
    assert r == pytest.approx(1 / 2)
    assert f1 == pytest.approx(4 / 7)
    assert appeals == 0
    assert quality.evaluate({"x": "a b c d"}, {"x": "a b c d"})[:3] == (1.0, 1.0, 1.0)


def test_appeal_lines_count_only_boilerplate_outside_the_body():
    truth = "The mayor urged residents to subscribe to the city's alert service.\nOther text."
    pred = ("The mayor urged residents to  subscribe to the city's alert service.\n"  # in the body
            "Sign up for our newsletter\n"
            "Login\n"                                                              # 6 characters or fewer
            "Support our journalism: donate today\n"
            "A plain sentence about the weather.\n")
    assert quality.appeal_lines(truth, pred) == ["Sign up for our newsletter",
                                                 "Support our journalism: donate today"]
    assert quality.evaluate({"k": truth}, {"k": pred})[3] == 2


PAGE = "\n".join([
    "Menu",
    "The council voted on Tuesday to close the bridge.",
    "Please enable JavaScript to view the comments.",
    "This site uses cookies to improve your experience.",
    "Read more...",
    "Residents said the decision came too late[1].",
    "It was",
    '  "We will appeal," the mayor said.  ',
])
KEPT = "\n".join([
    "The council voted on Tuesday to close the bridge.",
    "Residents said the decision came too late.",
    '"We will appeal," the mayor said.',
])


def test_c4_line_rules():
    assert quality.c4_lines(PAGE) == KEPT
    fn, name = quality.c4_filter()
    assert fn(PAGE) == KEPT, name  # datatrove's filter, when installed, keeps the same lines
    f1, p, r, _ = quality.evaluate({"k": KEPT}, {"k": fn(PAGE)})
    assert math.isclose(f1, 1.0)
