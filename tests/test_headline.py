"""Headlines of text pages: the seed's, and lines that only look like one (dates, counters, table rows)."""
import pytest

from cleannews import clean, load_rules
from cleannews.document import Block, Document
from cleannews.pipeline.headline import _looks_like_headline, find_headline

BODY = ("The two security services signed an agreement on Thursday to work together against what they "
        "called the destructive influence of the West, officials in Moscow said.")


def test_seed_headline(seed):
    doc = clean(seed["raw"].read_bytes())
    assert doc.metadata["title"] == "Russia, Belarus Spy Agencies Join Forces Against ‘Destructive’ West"


@pytest.mark.parametrize("line", [
    "Nov. 19, 2019",
    "November 12, 2018 | BY: Beachbody",
    "Posted on 19. November 2019 by Anna",
    "Опубликовано 19 ноября 2019",
    "Updated 2019-11-19 Reuters staff",
    "Image 1 of 23",
    "Bild 3 von 12",
    "Photo 4 / 10",
    "Pos\t\tPlayer\t\tPlays\t\t%\t\tStats",
    "by Catherine Hollander",
])
def test_not_headlines(line):
    assert not _looks_like_headline(line)


@pytest.mark.parametrize("line", [
    "Russia, Belarus Spy Agencies Join Forces Against ‘Destructive’ West",
    "The 10 best early Black Friday deals on Apple devices",
    "Die elektronische Patientenakte: der lange Marsch ins digitale Gesundheitswesen",
    "Apple Watch Series 3 review",
])
def test_headlines(line):
    assert _looks_like_headline(line)


def text_page(lines, removed=(0,)):
    doc = Document(source="t", kind="text",
                   blocks=[Block(text=line, raw=line, line=n) for n, line in enumerate(lines, 1)])
    for i in removed:
        doc.remove(i, "test.rule", "navigation")
    return doc


def test_the_date_under_the_headline_is_not_taken():
    doc = find_headline(text_page(["Home", "Spy Agencies Join Forces Against the West", "Nov. 19, 2019", BODY]))
    assert doc.metadata["title"] == "Spy Agencies Join Forces Against the West"
    assert doc.blocks[2].kept


def test_a_decorated_copy_of_the_headline_is_not_taken():
    lines = ["Home", "Browns defensive snap counts, stats, and notes: Week 11",
             "Share All sharing options for: Browns defensive snap counts, stats, and notes: Week 11", BODY]
    doc = find_headline(text_page(lines))
    assert doc.metadata["title"] == lines[1]


def test_a_page_that_lost_nothing_on_top_keeps_its_first_line():
    """Clean text cleaned again: its headline went the first time."""
    doc = find_headline(text_page(["A subheading in the article", BODY], removed=()))
    assert "title" not in doc.metadata
    assert all(b.kept for b in doc.blocks)
