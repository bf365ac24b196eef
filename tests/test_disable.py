"""--disable and the stages after the rules (issue 20 item 11): every label `explain` shows names
something --disable takes, and what it takes does something (Rules.enabled, asked by the stages)."""
import pytest
from conftest import SAMPLES

from cleannews.document import Block, Document, Removal
from cleannews.engine.ruleset import OPEN_STAGES, STAGE_LABELS, UnknownNameError, load_rules
from cleannews.pipeline import blocks, classify, decode, headline, judge

# a scraped news page as text: a menu above the article, teasers below (classifier.outside-article)
PAGE = SAMPLES / "bench" / "51d066b0602c9421d8d6410bc4b931700978409a3faa2a984e8fbde519ad7241.txt"


def text_doc(path=PAGE) -> Document:
    doc = Document(source=str(path), data=path.read_bytes())
    decode.decode(doc)
    blocks.split(doc)
    doc.metadata["language"] = "en"
    return doc


def removed_by(doc: Document, stage: str) -> list[str]:
    return [b.removal.rule for b in doc.blocks if b.removal and b.removal.stage == stage]


def walled() -> Document:
    """What a cookie wall leaves: the judge empties it (no-article.wall)."""
    doc = Document(source="wall", kind="text")
    doc.blocks = [Block("We use cookies.", "We use cookies."), Block("More options", "More options")]
    doc.blocks[0].removal = Removal("cookie.banner", "cookie", "We use cookies.", 1, 0)
    return doc


def classifier_label() -> str:
    """The label the classifier gives on PAGE (it names how the classifier decided)."""
    return removed_by(classify.classify(text_doc()), "classifier")[0]


def test_every_label_the_stages_give_is_taken():
    doc = classify.classify(text_doc())
    headline.find_headline(doc)
    labels = {b.removal.rule for b in doc.blocks + judge.judge(walled()).blocks if b.removal} - {"cookie.banner"}
    assert {"headline", "no-article.wall", classifier_label()} <= labels
    for label in labels:
        assert label in load_rules(disable=[label]).disabled


@pytest.mark.parametrize("name", ["classifier.outside-article", "classifier", "classifier.model", "headline",
                                  "judge", "no-article", "no-article.wall", "extract", "extract.precision",
                                  "model", "model.html", "model.text", "boilerplate"])
def test_stage_names_and_labels_are_taken(name):
    assert name in load_rules(disable=[name]).disabled


@pytest.mark.parametrize("name", ["classifer.outside-article", "title", "modle.html", "judge.wall"])
def test_an_unknown_name_says_what_is_taken(run, name):
    result = run("clean", "--disable", name, PAGE)
    assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    for accepted in ("rule ids and rule sets", "boilerplate", "classifier, extract, headline, judge, model",
                     "classifier.outside-article", "no-article.wall", *(f"{s}.*" for s in OPEN_STAGES)):
        assert accepted in result.stderr
    with pytest.raises(UnknownNameError):
        load_rules(disable=[name])


# label -> (category, stage), as the stages ask Rules.enabled
ASKED = {"classifier.outside-article": ("boilerplate", "classifier"),
         "classifier.timestamp": ("boilerplate", "classifier"),
         "no-article.wall": ("boilerplate", "judge"), "no-article.links": ("boilerplate", "judge"),
         "extract.precision": ("boilerplate", "extract"), "model.html": ("boilerplate", "extract"),
         "headline": ("title", "headline")}


@pytest.mark.parametrize("name, off", [
    (None, set()),
    ("classifier.outside-article", {"classifier.outside-article"}),
    ("classifier", {"classifier.outside-article", "classifier.timestamp"}),
    ("boilerplate", set(ASKED) - {"headline"}),
    ("judge", {"no-article.wall", "no-article.links"}),
    ("no-article", {"no-article.wall", "no-article.links"}),
    ("model", {"model.html"}),
    ("model.html", {"model.html"}),
    ("extract", {"extract.precision", "model.html"}),
    ("headline", {"headline"}),
])
def test_enabled_answers_for_a_label_the_names_above_it_its_category_and_stage(name, off):
    rules = load_rules(disable=[name] if name else [])
    assert {label for label, (category, stage) in ASKED.items() if not rules.enabled(label, category, stage)} == off


def test_the_classifier_keeps_what_was_disabled():
    every = removed_by(classify.classify(text_doc()), "classifier")
    assert every
    for name in (classifier_label(), "classifier", "boilerplate"):
        assert removed_by(classify.classify(text_doc(), load_rules(disable=[name])), "classifier") == [], name
    assert removed_by(classify.classify(text_doc(), load_rules(disable=["no-article.links"])), "classifier") == every


def test_the_headline_and_the_judge_keep_what_was_disabled():
    doc = classify.classify(text_doc())
    headline.find_headline(doc)
    assert "title" in doc.metadata
    doc = classify.classify(text_doc())
    headline.find_headline(doc, load_rules(disable=["headline"]))
    assert "title" not in doc.metadata and removed_by(doc, "headline") == []
    assert judge.judge(walled()).metadata.get("empty")
    for name in ("no-article.wall", "judge", "boilerplate"):
        doc = judge.judge(walled(), rules=load_rules(disable=[name]))
        assert "empty" not in doc.metadata and removed_by(doc, "judge") == [], name


@pytest.mark.parametrize("name", [None, "classifier", "boilerplate"])
def test_disable_turns_the_classifier_off_on_the_command_line(run, name):
    """Issue 20 item 11: the label explain shows, its stage and its category, on the command line."""
    every = run("clean", PAGE).stdout
    name = name or classifier_label()
    kept = run("clean", "--disable", name, PAGE)
    assert kept.exit_code == 0
    assert len(kept.stdout) > len(every) and "classifier." not in run("explain", "--disable", name, PAGE).stdout
