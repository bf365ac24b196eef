"""HTML extraction on real pages from the ScrapingHub benchmark (samples/bench, MIT, see LICENSE):
the article stays, the furniture around it goes and is reported, the metadata is read."""
import gzip
from pathlib import Path

import lxml.html
import pytest
from cssselect import GenericTranslator

from cleannews import clean
from cleannews.document import Document
from cleannews.engine.ruleset import Rule
from cleannews.pipeline import features
from cleannews.pipeline.extract import _Literals, _viable, _with_blocks, drop_selected, plain
from cleannews.pipeline.xpath_union import union_members

BENCH = Path(__file__).resolve().parent.parent / "samples" / "bench"
CBSSPORTS = "08f793762792bd252c75fb57544cdf506ffcc04785136cb87503f02364b82b56"
THEHILL = "6ebac05f637ece8aa57c298a2a5e3a8047f546f855d0f29cc683cea60ce85c85"
BUSINESSINSIDER = "fde930b01859de8311c6a14f8aa8c72be0659b551367803deb6736cf3526cf2e"
DAWGSBYNATURE = "6a72de37e8f98f4eee6c0821e593b35ce536cef6c8b424c5e1dd747ebe6621ba"


def page(name: str) -> bytes:
    return gzip.decompress((BENCH / f"{name}.html.gz").read_bytes())


@pytest.fixture(scope="module")
def cleaned():
    cache = {}

    def _cleaned(name):
        if name not in cache:
            cache[name] = clean(page(name), source=name)
        return cache[name]
    return _cleaned


def removed_by(doc, rule: str) -> list[str]:
    return [r.text for r in doc.removed if r.rule == rule]


def test_newsletter_box_and_story_list_go_article_stays(cleaned):
    doc = cleaned(CBSSPORTS)
    assert "Browns DL Sheldon Richardson, however, decided to weigh in on Thursday's fight on Monday" in doc.text
    assert "Pick Six Newsletter" not in doc.text
    assert "Thanks for signing up!" not in doc.text
    assert any("Pick Six Newsletter" in t for t in removed_by(doc, "html.newsletter-box"))
    assert "Gronk, Serena perform with Laker Girls" in page(CBSSPORTS).decode("utf-8")
    assert "Gronk, Serena perform with Laker Girls" not in doc.text


def test_cbssports_metadata(cleaned):
    doc = cleaned(CBSSPORTS)
    assert doc.metadata["title"] == "Browns player on Mason Rudolph's role in fight with Myles Garrett: He asked for it"
    assert doc.metadata["sitename"] == "CBSSports.com"
    assert doc.metadata["language"] == "en"


def test_hover_card_goes_linked_name_stays(cleaned):
    doc = cleaned(THEHILL)
    assert "pleaded guilty to charges he threatened to kill Rep. Ilhan Omar (D-Minn.)" in doc.text
    assert "Hillicon Valley" not in doc.text
    assert any("Hillicon Valley" in t for t in removed_by(doc, "html.hover-card"))
    assert doc.metadata["title"] == "New York man pleads guilty to threatening to kill Omar"
    assert doc.metadata["sitename"] == "The Hill"


def test_hidden_microdata_block_stays_out(cleaned):
    doc = cleaned(BUSINESSINSIDER)
    assert "T-Mobile CEO John Legere is stepping down in May 2020." in doc.text
    assert "10 things in tech SAI" in page(BUSINESSINSIDER).decode("utf-8")
    for furniture in ("10 things in tech SAI", "2019-11-19T08:57:40+01:00", "og-image-logo.png"):
        assert furniture not in doc.text
    assert doc.metadata["title"] == "10 things in tech you need to know today"
    assert not doc.text.startswith("10 things in tech")  # the headline went to the title


def test_table_rows_as_plain_text(cleaned):
    doc = cleaned(DAWGSBYNATURE)
    lines = doc.text.split("\n")
    assert "DL\tDevaroe Lawrence\t28\t38%\tNo stats registered." in lines
    assert not any(line.startswith("| ") for line in lines)
    assert doc.metadata["sitename"] == "Dawgs By Nature"


@pytest.mark.parametrize("line, expected", [
    ("- Sign up for the bundle", "Sign up for the bundle"),
    ("| DL | Eli Ankou | 13 | 18% |", "DL\tEli Ankou\t13\t18%"),
    ("— Rep. Ilhan Omar (@Ilhan) November 19, 2019", "— Rep. Ilhan Omar (@Ilhan) November 19, 2019"),
    ("-5 degrees by morning", "-5 degrees by morning"),
])
def test_plain(line, expected):
    assert plain(line) == expected


def _selector(css: str):
    return Rule(id="test.footer", category="navigation", description="", kind="selector", path=Path("t.yaml"),
                line=1, selector=css, xpath=GenericTranslator().css_to_xpath(css))


def test_selected_wrapper_holding_the_article_stays():
    tree = lxml.html.fromstring(
        "<html><body><div class='page-with-footer'><h1>Headline</h1><p>Article text.</p>"
        "<div class='site-footer'>Terms and privacy</div></div></body></html>")
    removed = drop_selected(Document(source="<test>"), tree, [_selector("div[class*=footer]")])
    assert [r.text for r in removed] == ["Terms and privacy"]
    assert "Article text." in tree.text_content()
    assert "Terms and privacy" not in tree.text_content()


def test_selected_element_with_most_of_the_page_text_stays():
    article = " ".join(["A sentence of the article that goes on."] * 40)
    tree = lxml.html.fromstring(
        f"<html><body><div class='footer-padding'><p>{article}</p></div><p>Short lead.</p></body></html>")
    assert drop_selected(Document(source="<test>"), tree, [_selector("div[class*=footer]")]) == []
    assert article in tree.text_content()


def test_selected_element_with_most_of_the_paragraphs_stays():
    """A page that is one newsletter issue: its wrapper's class names a newsletter, and it holds
    the article's paragraphs though menus and testimonials fill the rest of the page."""
    article = "".join(f"<p>Paragraph {i} of this month's issue explains one protocol in detail.</p>" for i in range(30))
    menu = "".join(f"<li><a href='/{i}'>Menu entry {i} of the site</a></li>" for i in range(200))
    tree = lxml.html.fromstring(f"<html><body><ul>{menu}</ul><div class='newsletter-wrapper'>{article}</div>"
                                "<div class='newsletter-signup'><p>Sign up for the newsletter.</p></div></body></html>")
    removed = drop_selected(Document(source="<test>"), tree, [_selector("div[class*=newsletter]")])
    assert [r.text for r in removed] == ["Sign up for the newsletter."]
    assert "Paragraph 29 of this month's issue" in tree.text_content()


def test_nested_selected_elements_reported_once():
    tree = lxml.html.fromstring(
        "<html><body><h1>Headline</h1><p>Article text.</p><div class='site-footer'>"
        "<div class='footer-links'>Terms</div><div class='footer-note'>Privacy</div></div></body></html>")
    removed = drop_selected(Document(source="<test>"), tree, [_selector("div[class*=footer]")])
    assert [r.text for r in removed] == ["TermsPrivacy"]  # the outer one only, not its two inner ones again
    assert "Terms" not in tree.text_content()


def test_selector_members_and_the_literals_they_need():
    xpath = GenericTranslator().css_to_xpath("div[class*=tooltip] span, footer, [role=dialog]")
    assert [needs for needs, _ in union_members(xpath)] == [("tooltip",), (), ("dialog",)]
    optional = "descendant-or-self::div[@id = 'a' or @class = 'b'] | descendant-or-self::p[not(@class = 'c')]"
    assert [needs for needs, _ in union_members(optional)] == [(), ()]


def test_selector_runs_only_the_members_the_page_can_match():
    xpath = GenericTranslator().css_to_xpath("div[class*=tooltip], div[id*=footer]")
    assert _viable(xpath, _Literals("<div class='x'>no such class</div>")) is None
    tree = lxml.html.fromstring("<html><body><div id='site-footer'>Terms</div><div class='tooltip'>T</div></body></html>")
    some = _viable(xpath, _Literals("<div id='site-footer'>Terms</div>"))
    assert [e.get("id") for e in some(tree)] == ["site-footer"]
    assert len(_viable(xpath, _Literals("tooltip footer"))(tree)) == 2


def test_readability_blocks_join_the_lines_in_page_order():
    """Blocks the broad pass lacks go where the page has them; one it holds is not repeated; one
    the page's text does not hold (readability rewrote it) goes last."""
    tree = lxml.html.fromstring("<html><body><h1>Storm closes the harbour</h1><div>The ferry stopped "
                                "at noon, the port authority said.</div><p>Fishing boats stayed in.</p>"
                                "<div>Crews will check the pier on Monday.</div></body></html>")
    lines = ["Storm closes the harbour", "Fishing boats stayed in."]
    blocks = ["The ferry stopped at noon, the port authority said.", "Fishing boats stayed in.",
              "Crews will check the pier on Monday.", "A block readability made up."]
    merged, added = _with_blocks(lines, blocks, features.PageText(tree))
    assert merged == ["Storm closes the harbour", "The ferry stopped at noon, the port authority said.",
                      "Fishing boats stayed in.", "Crews will check the pier on Monday.", "A block readability made up."]
    assert added == {blocks[0], blocks[2], blocks[3]}
    assert _with_blocks(lines, lines, features.PageText(tree)) == (lines, set())
