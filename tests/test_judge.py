"""Whether what is left of a page is an article: link lists (index pages) and walls are emptied."""
import lxml.html
import pytest

from cleannews.document import Block, Document, Removal
from cleannews.engine.matching import normalize
from cleannews.pipeline.judge import LinkTexts, judge, link_texts

PROSE = ("The council voted on Tuesday to close the old bridge to traffic from next spring, "
         "after engineers found cracks in two of its supports.")


def doc_of(*texts: str) -> Document:
    return Document(source="<test>", blocks=[Block(text=t, raw=t) for t in texts])


def links_of(*texts: str) -> LinkTexts:
    html = "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(texts))
    return link_texts(lxml.html.fromstring(f"<html><body><ul>{html}</ul></body></html>"))


TEXTS = ["Home", "  Sports ", "“Quoted” headline – with a dash!", "Straße", "ﬁnance", "…", "",
         "A long teaser headline that runs on for a while, as teasers do on index pages",
         "x" * 40 + " " + "y" * 40]


@pytest.mark.parametrize("norm", sorted({normalize(t) for t in TEXTS} | {"home page", "sports", "", "strasse"}))
def test_link_texts_answer_as_the_normalised_set(norm):
    """Asked in any order, LinkTexts answers what the set of normalised link texts answers."""
    expected = norm in frozenset(filter(None, map(normalize, TEXTS)))
    assert (norm in LinkTexts(TEXTS)) == expected
    asked = LinkTexts(TEXTS)
    assert "x" not in asked  # a short question first normalises everything ...
    assert (norm in asked) == expected  # ... and a long one after it still answers right


def test_index_page_is_emptied():
    heads = ["Storm closes schools across the county", "Mayor opens new library",
             "Local team wins the cup", "Roadworks on Main Street"]
    doc = judge(doc_of(*heads), links_of("Home", *heads))
    assert not doc.kept
    assert doc.metadata["empty"] == "no article: a list of links (an index page)"


def test_article_with_linked_headings_stays():
    heads = ["Storm closes schools", "What happens next", "Reactions"]
    doc = judge(doc_of(heads[0], PROSE, heads[1], PROSE + " More.", heads[2]), links_of(*heads))
    assert len(doc.kept) == 5 and "empty" not in doc.metadata


def test_linked_prose_alone_does_not_save_an_index_page():
    """A long block counts as prose only when it is not itself a link text."""
    heads = ["Storm closes schools", "Mayor opens new library", PROSE]
    doc = judge(doc_of(*heads), links_of(*heads))
    assert not doc.kept


def test_wall_stub_is_emptied():
    doc = doc_of("Subscribe to keep reading.", "Already a member?")
    doc.dropped.append(Removal("html.paywall", "paywall", "Unlock this article", 1, -1))
    judge(doc)
    assert not doc.kept and doc.metadata["empty"].startswith("no article: a paywall wall")


def test_a_page_judge_empties_is_not_flagged_for_over_removal(run):
    """Issue 16 item 3: each removal names its stage; a paywall stub the judge empties is a page
    with no article, not rules gutting an article."""
    import json

    page = ("A sentence about the council budget vote.\nSubscribe to continue reading\n"
            "You have reached your limit of free articles this month.\n")
    report = json.loads(run("clean", "--format", "json", "-", input=page).stdout)
    assert report["empty"].startswith("no article") and "over_removal" not in report
    stages = {r["rule"]: r["stage"] for r in report["removed"]}
    assert "judge" in stages.values() and "rules" in stages.values()
    assert all(stage == "judge" for rule, stage in stages.items() if rule.startswith("no-article."))
