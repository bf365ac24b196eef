"""The block models: the walker, the shipped files, the script that makes them, --favor."""
import gzip
import json
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from cleannews.document import Document
from cleannews.engine.ruleset import load_rules
from cleannews.limits import FAVORS, Limits
from cleannews.pipeline import classify, clean_document, features, model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"

# two trees over two features: tree 0 splits on feature 0 at 0.5, tree 1 on feature 1 at 2.0
FOREST = {"version": "test-1", "features": ["a", "b"], "thresholds": {"balanced": 0.5}, "base": 0.0, "depth": 1,
          "roots": [0, 3],
          "nodes": {"feature": [0, -1, -1, 1, -1, -1], "cut": [0.5, 0, 0, 2.0, 0, 0],
                    "left": [1, 1, 2, 4, 4, 5], "right": [2, 1, 2, 5, 4, 5],
                    "value": [0, -1.0, 1.0, 0, -0.5, 0.5]}}


def test_the_walker_sums_the_leaves_each_row_reaches():
    forest = model.Model(FOREST)
    got = forest.scores([[0.0, 0.0], [1.0, 3.0], [0.5, 2.0], [1.0, 0.0]])
    margins = [-1.5, 1.5, -1.5, 0.5]  # x <= cut goes left
    assert got == pytest.approx([1 / (1 + 2.718281828459045 ** -m) for m in margins])


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="reads 2 features"):
        model.Model(FOREST).scores([[1.0, 2.0, 3.0]])


def test_the_shipped_models_read_the_features_the_code_makes():
    assert model.load("html").features == features.FEATURES
    assert model.load("text").features == classify.FEATURES
    for kind in ("html", "text"):
        cut = model.load(kind).thresholds
        assert set(cut) == set(FAVORS)
        # nested: what precision keeps, balanced keeps; what balanced keeps, recall keeps
        assert cut["precision"]["inside"] >= cut["balanced"]["inside"] >= cut["recall"]["inside"]
        assert cut["precision"]["outside"] >= cut["balanced"]["outside"] >= cut["recall"]["outside"]


def test_a_model_made_for_other_features_is_refused():
    with pytest.raises(ValueError, match="other features"):
        model.scores("html", [[0.0] * len(features.FEATURES)], features.FEATURES[:-1] + ("renamed",))


def test_version_names_both_models(run):
    out = run("--version").stdout
    assert model.version("html") in out and model.version("text") in out


def _page(name: str, key: str, mode: str) -> bytes:
    if mode == "html":
        return gzip.decompress((DATA / name / "html" / f"{key}.html.gz").read_bytes())
    return (DATA / name / "text" / f"{key}.txt").read_bytes()


def _first(name: str) -> list[str]:
    truth = json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8"))
    return sorted(truth)[:6]


@pytest.mark.parametrize("mode", ["html", "text"])
@pytest.mark.parametrize("name", ["scrapinghub", "readability", "wcxb"])
def test_favor_orders_how_much_is_kept(name, mode):
    """--favor precision keeps no more than balanced, and balanced no more than recall (words
    over a few pages: on a text page the clean text is judged again, so one line may differ)."""
    rules = load_rules()
    words = dict.fromkeys(FAVORS, 0)
    for key in _first(name):
        for favor in FAVORS:
            doc = clean_document(Document(source=key, data=_page(name, key, mode)), rules, limits=Limits(favor=favor))
            words[favor] += sum(b.words for b in doc.kept)
    assert words["precision"] <= words["balanced"] <= words["recall"], words


def test_favor_is_a_threshold_on_the_same_scores():
    scores, prior = [0.01, 0.2, 0.55, 0.7, 0.99], [True, True, False, False, False]
    kept = {favor: model.keep("text", scores, prior, favor) for favor in FAVORS}
    for favor in FAVORS:
        cut = model.load("text").thresholds[favor]
        assert kept[favor] == [s >= (cut["inside"] if p else cut["outside"]) for s, p in zip(scores, prior)]
    assert all(p <= b <= r for p, b, r in zip(kept["precision"], kept["balanced"], kept["recall"]))


def test_a_line_is_found_in_the_element_that_holds_it():
    tree = lxml.html.fromstring(
        "<html><body><nav><a href='/'>Home</a></nav><article class='story-body'><p>First <b>bold</b> words of"
        " the story.</p><p>A second paragraph that runs on for more than ten words, as articles do.</p><figure><figcaption class='photo-credit'>A caption (Photo: Agency)</figcaption></figure>"
        "</article><aside class='related-links'><a href='/x'>Another story</a></aside></body></html>")
    page = features.PageText(tree)
    assert page.find("First bold words of the story.")[0].tag == "p"
    assert page.find("A caption (Photo: Agency)")[0].tag == "figcaption"
    assert page.find("nowhere on the page")[0] is None
    second = "A second paragraph that runs on for more than ten words, as articles do."
    rows = features.page_features(["First bold words of the story.", second, "A caption (Photo: Agency)",
                                   "Another story"], {"First bold words of the story.", second}, page)
    column = {name: i for i, name in enumerate(features.FEATURES)}
    assert [row[column["under_figure"]] for row in rows] == [0.0, 0.0, 1.0, 0.0]
    assert [row[column["class_caption"]] for row in rows] == [features.NONE, features.NONE, 0.0, features.NONE]
    assert rows[3][column["class_related"]] == 1.0 and rows[3][column["link_density"]] == 1.0
    assert [row[column["precise"]] for row in rows] == [1.0, 1.0, 0.0, 0.0]


@pytest.mark.slow
def test_the_training_script_makes_the_shipped_models():
    """benchmarks/train.py, from the benchmark pages and its fixed seed, makes the files shipped
    in cleannews/models byte for byte (lightgbm: the 'train' extra)."""
    pytest.importorskip("lightgbm")
    done = subprocess.run([sys.executable, "benchmarks/train.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
