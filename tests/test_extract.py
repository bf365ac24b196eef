"""HTML extraction on real pages from the ScrapingHub benchmark (samples/bench, MIT, see LICENSE):
the article stays, the furniture around it goes and is reported, the metadata is read."""
import gzip
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import pytest
from cssselect import GenericTranslator

from cleannews import clean
from cleannews.document import Document
from cleannews.extract import (
    META_FIELDS, _author, _branches, _extract, _fast_passes, _Literals, _metadata, _title, _viable, drop_selected, plain)

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


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".html.gz") for p in BENCH.glob("*.html.gz")))
def test_fast_passes_equal_bare_extraction(name):
    """The two fast extractions sharing one pruned tree give what trafilatura.bare_extraction gives."""
    tree = lxml.html.fromstring(page(name))
    doc = Document(source=name, url=None)
    broad, precise = _fast_passes(doc, tree)
    assert broad.text == _extract(doc, tree, fast=True, favor_recall=True).text
    assert precise.text == _extract(doc, tree, fast=True, favor_precision=True).text
    assert broad.text and precise.text


@pytest.mark.parametrize("line, expected", [
    ("- Sign up for the bundle", "Sign up for the bundle"),
    ("| DL | Eli Ankou | 13 | 18% |", "DL\tEli Ankou\t13\t18%"),
    ("— Rep. Ilhan Omar (@Ilhan) November 19, 2019", "— Rep. Ilhan Omar (@Ilhan) November 19, 2019"),
    ("-5 degrees by morning", "-5 degrees by morning"),
])
def test_plain(line, expected):
    assert plain(line) == expected


def _selector(css: str):
    return SimpleNamespace(id="test.footer", category="navigation", xpath=GenericTranslator().css_to_xpath(css))


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


def test_nested_selected_elements_reported_once():
    tree = lxml.html.fromstring(
        "<html><body><h1>Headline</h1><p>Article text.</p><div class='site-footer'>"
        "<div class='footer-links'>Terms</div><div class='footer-note'>Privacy</div></div></body></html>")
    removed = drop_selected(Document(source="<test>"), tree, [_selector("div[class*=footer]")])
    assert [r.text for r in removed] == ["TermsPrivacy"]  # the outer one only, not its two inner ones again
    assert "Terms" not in tree.text_content()


def test_selector_members_and_the_literals_they_need():
    xpath = GenericTranslator().css_to_xpath("div[class*=tooltip] span, footer, [role=dialog]")
    assert [needs for needs, _ in _branches(xpath)] == [("tooltip",), (), ("dialog",)]
    optional = "descendant-or-self::div[@id = 'a' or @class = 'b'] | descendant-or-self::p[not(@class = 'c')]"
    assert [needs for needs, _ in _branches(optional)] == [(), ()]


def test_selector_runs_only_the_members_the_page_can_match():
    xpath = GenericTranslator().css_to_xpath("div[class*=tooltip], div[id*=footer]")
    assert _viable(xpath, _Literals("<div class='x'>no such class</div>")) is None
    tree = lxml.html.fromstring("<html><body><div id='site-footer'>Terms</div><div class='tooltip'>T</div></body></html>")
    some = _viable(xpath, _Literals("<div id='site-footer'>Terms</div>"))
    assert [e.get("id") for e in some(tree)] == ["site-footer"]
    assert len(_viable(xpath, _Literals("tooltip footer"))(tree)) == 2


SAMPLES = sorted(p.name.removesuffix(".html.gz") for p in BENCH.glob("*.html.gz"))


@pytest.mark.parametrize("name", SAMPLES)
def test_metadata_equals_extract_metadata(name):
    """Reading the fields we write piece by piece gives what trafilatura's extract_metadata gives,
    but for the title where the page's one <h1> is not in its <title> (see `_title`)."""
    from trafilatura import load_html
    from trafilatura.metadata import extract_metadata

    tree = load_html(page(name))
    ours, theirs = _metadata(tree, None).as_dict(), extract_metadata(tree).as_dict()
    if _title(tree):
        assert set(ours["title"].split()) <= set(tree.findtext(".//head/title").split())
        ours["title"] = theirs["title"]
    for field in ("categories", "tags"):  # ours are split at commas
        theirs[field] = list(dict.fromkeys(v.strip() for value in theirs[field] or [] for v in value.split(",")
                                           if v.strip()))
    assert {k: ours[k] for k in META_FIELDS} == {k: theirs[k] for k in META_FIELDS}


def test_given_url_names_the_site_and_tags_are_a_list():
    """Issue 15 item 15: --url wins over the page's canonical link; keywords are one tag each."""
    from trafilatura import load_html

    tree = load_html('<html><head><title>Storm | Example</title><meta name="keywords" content="storm, coast, storm">'
                     '<link rel="canonical" href="https://www.example.com/storm"></head><body><h1>Storm</h1>'
                     f'<p>{"The storm reached the coast. " * 20}</p></body></html>')
    meta = _metadata(tree, "https://news.mirror.org/x").as_dict()
    assert meta["url"] == "https://news.mirror.org/x" and "mirror.org" in meta["hostname"]
    assert meta["tags"] == ["storm", "coast"]
    assert "example.com" in _metadata(tree, None).as_dict()["hostname"]


@pytest.mark.parametrize("head, h1, expected", [
    ("Babies Who Eat Peanuts Early May Avoid Allergy", "Allergies Health Center",
     "Babies Who Eat Peanuts Early May Avoid Allergy"),          # a section's heading in the <h1>
    ("Storm hits the coast | The Daily Example", "Storm hits the coast", None),  # they agree: trafilatura's way
    ("The Daily Example: Storm hits the coast tonight", "Daily Example", None),
])
def test_title_is_the_title_element_where_the_h1_disagrees(head, h1, expected):
    from trafilatura import load_html

    tree = load_html(f"<html><head><title>{head}</title></head><body><h1>{h1}</h1><p>{'Text. ' * 40}</p></body></html>")
    assert _title(tree) == expected


@pytest.mark.parametrize("body, expected", [
    # the first byline sits in a sidebar, which trafilatura prunes before searching
    ("<div class='sidebar'><span class='byline'>By Side Bar</span></div><p class='byline'>By Jane Doe</p>",
     "Jane Doe"),
    # a pruned <time> inside the byline changes its text: the search runs on a pruned copy
    ("<p class='byline'>By John Roe <time>5 May 2020</time></p>", "John Roe"),
    ("<div class='author-name'>Ann Example</div>", "Ann Example"),
    ("<p>No byline here.</p>", None),
])
def test_author_equals_extract_author(body, expected):
    from trafilatura.metadata import extract_author

    tree = lxml.html.fromstring(f"<html><head></head><body>{body}</body></html>")
    assert extract_author(tree) == expected
    assert _author(tree) == expected
