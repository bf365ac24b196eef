"""The rule engine's kinds as they act on a page's blocks (cleannews/engine/apply.py)."""
from cleannews.document import Document
from cleannews.engine.ruleset import load_rules
from cleannews.pipeline import clean_document

OPENING = ("The council voted on Monday to fund the new bridge over the river, ending a debate "
           "that had lasted for most of the year.")
LATER = ("Studies that scanned the brains of long-time volunteers found stronger links between "
         "the regions that plan and the regions that raise alarms.")


def rules_only(lines: list[str]) -> Document:
    data = "\n\n".join(lines).encode("utf-8")
    return clean_document(Document(source="t.txt", data=data, metadata={"language": "en"}), load_rules(),
                          rules_only=True)


def test_a_trailer_takes_the_links_after_its_heading():
    doc = rules_only([OPENING, OPENING.replace("Monday", "Tuesday"), "Related stories",
                      "Council names a new head of planning", "Bridge closed for repairs until May"])
    assert [b.text for b in doc.kept] == [OPENING, OPENING.replace("Monday", "Tuesday")]
    assert {b.removal.rule for b in doc.blocks[2:]} == {"related.read-more-trailer"}


def test_a_trailer_heading_above_running_text_stands_inside_the_article():
    """"Trending" above the article's later paragraphs (a page of wcxb lost four of them):
    a paragraph after the heading says the heading is not the start of a list of links."""
    doc = rules_only([OPENING, "Trending", LATER, "Council names a new head of planning"])
    assert LATER in [b.text for b in doc.kept]
    assert not any(b.removal and b.removal.rule == "related.read-more-trailer" for b in doc.blocks)


def test_a_trailer_that_takes_anything_takes_running_text_too():
    """A comment thread's first header takes the comments, paragraphs and all (the default)."""
    comment = "I read the report twice and I still think the council should have waited for the survey."
    doc = rules_only([OPENING, OPENING.replace("Monday", "Tuesday"), OPENING.replace("bridge", "school"),
                      "Jane Doe on November 19, 2019 at 4:14 pm said:", comment])
    assert [b.text for b in doc.kept] == [OPENING, OPENING.replace("Monday", "Tuesday"),
                                          OPENING.replace("bridge", "school")]
