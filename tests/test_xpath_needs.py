"""What an XPath needs of a page: read from its text, never wrong on real pages.

A wrong answer would skip an XPath that selects something (an element trafilatura prunes
stays) or change what a guarded one selects: every trafilatura XPath is checked on the
sample and benchmark pages, which none of these literals may miss."""
import gzip
from pathlib import Path

import pytest
from lxml import etree
from trafilatura import xpaths

from cleannews.pipeline.trafilatura_adapter import load_html
from cleannews.pipeline.xpath_needs import PageAttributes, attributes_needed, guarded, needs, regex_needs

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "samples" / "bench").glob("*.html.gz")) + sorted(
    (ROOT / "benchmarks" / "data" / "readability" / "html").glob("*.html.gz"))[:40]
TRAFILATURA = [(f"{name}[{i}]", expression) for name in sorted(dir(xpaths)) if name.isupper()
               and isinstance(getattr(xpaths, name), list)
               for i, expression in enumerate(getattr(xpaths, name)) if isinstance(expression, etree.XPath)]


@pytest.fixture(scope="module")
def trees():
    return [tree for tree in (load_html(gzip.decompress(p.read_bytes())) for p in PAGES) if tree is not None]


@pytest.mark.parametrize("pattern, literals", [
    ("author|byline", {"author", "byline"}),
    ("author-?name|AuthorName", {"author", "AuthorName"}),                  # the longest run of a branch
    ("^(?:[Cc]omment(?!ary)|comol)", {"omment", "comol"}),                  # a class breaks a run
    ("mvp-post-add-(?:box|wrap)|infinite-?scroll", {"mvp-post-add-", "infinite"}),
    ("(?:ab)+c", {"ab"}),
    ("x*|author", None),                                                    # a branch without a literal
    ("(?i)author", None),                                                   # case ignored
    ("[", None),                                                            # not a regex
])
def test_regex_needs(pattern, literals):
    found = regex_needs(pattern)
    assert (found if found is None else set(found)) == literals


@pytest.mark.parametrize("xpath, expected", [
    (".//*[self::div or self::ul][re:test(@id, 'comment|disqus') or contains(@class, 'comments')]",
     ({"id", "class"}, {"comment", "disqus", "comments"})),
    ("//div[@class='tags']//a[@href] | //p[starts-with(@class, 'entry-tags')]//a[@href]",
     ({"class"}, {"tags", "entry-tags"})),
    ("//*[(contains(@id, 'a') and @hidden) or @role = 'nav']", ({"id", "role"}, {"a", "nav"})),
    ("//*[contains(translate(@role, 'N', 'n'), 'nav')]", None),             # not a test of the attribute
    ("//*[@class='x' or rel='me']", None),                                  # a child element's text
    ("//*[contains(@class, 'x')] | //author", None),                        # a member without a predicate
    ("//*[not(contains(@class, 'x'))]", None),
    ("boolean(//*[contains(@class, 'x')])", None),                          # a function's value
])
def test_needs(xpath, expected):
    found = needs(xpath)
    assert (found if found is None else (set(found.attributes), set(found.literals))) == expected


@pytest.mark.parametrize("label, expression", TRAFILATURA, ids=[label for label, _ in TRAFILATURA])
def test_an_xpath_skipped_selects_nothing(label, expression, trees):
    names = attributes_needed((expression.path,))
    for tree in trees:
        if not PageAttributes(tree, names).may_select(expression.path):
            assert expression(tree) == [], label


@pytest.mark.parametrize("label, expression", TRAFILATURA, ids=[label for label, _ in TRAFILATURA])
def test_a_guarded_xpath_selects_the_same(label, expression, trees):
    quicker = guarded(expression.path)
    if quicker == expression.path:
        return
    compiled = etree.XPath(quicker, namespaces={"re": xpaths.REGEXP_NS})
    for tree in trees:
        assert compiled(tree) == expression(tree), label


@pytest.mark.parametrize("label, expression", TRAFILATURA, ids=[label for label, _ in TRAFILATURA])
def test_an_xpath_guarded_for_a_page_selects_the_same(label, expression, trees):
    """Guarded by the literals each page holds (some tests false(), some guarded by fewer)."""
    for tree in trees:
        page = PageAttributes(tree, {"class", "id", "style"})
        quicker = page.guarded(expression.path)
        if quicker != expression.path:
            compiled = etree.XPath(quicker, namespaces={"re": xpaths.REGEXP_NS})
            assert compiled(tree) == expression(tree), label


def test_guarded_for_a_page_keeps_the_literals_it_holds():
    tree = etree.fromstring("<html><body><div class='post-author'>Ann</div><p id='byline'>x</p></body></html>")
    path = ".//*[re:test(@class, 'author|byline|writer|screenname|journalist') or re:test(@id, 'author')]"
    assert PageAttributes(tree, {"class", "id"}).guarded(path) == (
        ".//*[((contains(@class, 'author')) and re:test(@class, 'author|byline|writer|screenname|journalist'))"
        " or false()]")
    assert PageAttributes(tree, {"id"}).guarded(path) == ".//*[re:test(@class, 'author|byline|writer|screenname|journalist') or false()]"


def test_guarded_reads_like_the_original():
    path = ".//div[re:test(@class, '^[Cc]omment(?!ary)|(?:article|post)-comments') or @id='x']"
    assert guarded(path) == (".//div[((contains(@class, 'omment')) and re:test(@class, "
                             "'^[Cc]omment(?!ary)|(?:article|post)-comments')) or @id='x']")
    assert guarded(".//*[re:test(@class, 'a|b|c|d|e')]") == ".//*[re:test(@class, 'a|b|c|d|e')]"  # too many
    assert guarded(".//*[@title='re:test(@class, \"x\")']") == ".//*[@title='re:test(@class, \"x\")']"


def test_page_attributes_cover_the_whole_document():
    """An XPath from the root (`//`) searches a second <html> the parser put beside the first."""
    tree = load_html("<html><body><p>One</p></body></html><html><body><div class='byline'>Ann</div></body></html>")
    assert tree.getnext() is not None
    assert PageAttributes(tree, {"class"}).may_select("//div[contains(@class, 'byline')]")
    assert not PageAttributes(tree, {"class"}).may_select("//div[contains(@class, 'author')]")
