"""trafilatura behind one adapter: the fast way (its internals, on the tested release) gives
what its public API gives, and the public way alone cleans the same pages."""
import gzip
import json
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from cleannews.document import Document
from cleannews.engine.ruleset import load_rules
from cleannews.pipeline import clean_document, trafilatura_adapter
from cleannews.pipeline.extract import META_FIELDS
from cleannews.pipeline.trafilatura_adapter import _author, _title, extract, fast_passes, load_html, metadata, paywall

BENCH = Path(__file__).resolve().parent.parent / "samples" / "bench"
DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"
READABILITY = DATA / "readability" / "html"
WSJ = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"  # scrapinghub: a WSJ teaser


def page(name: str) -> bytes:
    return gzip.decompress((BENCH / f"{name}.html.gz").read_bytes())


def test_the_tested_release_takes_the_fast_way():
    from importlib.metadata import version

    assert trafilatura_adapter.fast_way() == version("trafilatura").startswith(trafilatura_adapter.TESTED)


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".html.gz") for p in BENCH.glob("*.html.gz"))
                         + ["readability/missing-paragraphs", "readability/embedded-videos"])
def test_the_public_api_alone_cleans_the_same_article(name, monkeypatch):
    """A trafilatura whose internals this adapter does not know is used by its public API only:
    slower, and the same article, less the undoing of source line wrapping (a paragraph wrapped
    at 80 columns stays several lines; the same words)."""
    data = (gzip.decompress((READABILITY / f"{name.split('/')[1]}.html.gz").read_bytes()) if "/" in name
            else page(name))
    rules = load_rules()
    fast = clean_document(Document(source=name, data=data), rules)
    monkeypatch.setattr(trafilatura_adapter, "fast_way", lambda: False)
    public = clean_document(Document(source=name, data=data), rules)
    assert public.text.split() == fast.text.split() or (
        len(set(public.text.split()) ^ set(fast.text.split())) <= 0.02 * len(set(fast.text.split())))
    assert public.metadata.get("title")  # trafilatura's own choice of title there


@pytest.mark.parametrize("name", sorted(p.name.removesuffix(".html.gz") for p in BENCH.glob("*.html.gz")))
def test_fast_passes_equal_bare_extraction(name):
    """The two fast extractions sharing one pruned tree give what trafilatura.bare_extraction gives."""
    tree = lxml.html.fromstring(page(name))
    broad, precise = fast_passes(tree, None)
    assert broad.text == extract(tree, None, fast=True, favor_recall=True).text
    assert precise.text == extract(tree, None, fast=True, favor_precision=True).text
    assert broad.text and precise.text


SAMPLES = sorted(p.name.removesuffix(".html.gz") for p in BENCH.glob("*.html.gz"))


@pytest.mark.parametrize("name", SAMPLES)
def test_metadata_equals_extract_metadata(name):
    """Reading the fields we write piece by piece gives what trafilatura's extract_metadata gives,
    but for the title where the page's one <h1> is not in its <title> (see `_title`)."""
    from trafilatura import load_html
    from trafilatura.metadata import extract_metadata

    tree = load_html(page(name))
    ours, theirs = metadata(tree, None), extract_metadata(tree).as_dict()
    if _title(tree):
        assert set(ours["title"].split()) <= set(tree.findtext(".//head/title").split())
        ours["title"] = theirs["title"]
    for field in ("categories", "tags"):  # ours are split at commas
        theirs[field] = list(dict.fromkeys(v.strip() for value in theirs[field] or [] for v in value.split(",")
                                           if v.strip()))
    fields = [k for k in META_FIELDS if k != "paywall"]  # ours alone: trafilatura does not read it
    assert {k: ours[k] for k in fields} == {k: theirs[k] for k in fields}


def test_given_url_names_the_site_and_tags_are_a_list():
    """Issue 15 item 15: --url wins over the page's canonical link; keywords are one tag each."""
    from trafilatura import load_html

    tree = load_html('<html><head><title>Storm | Example</title><meta name="keywords" content="storm, coast, storm">'
                     '<link rel="canonical" href="https://www.example.com/storm"></head><body><h1>Storm</h1>'
                     f'<p>{"The storm reached the coast. " * 20}</p></body></html>')
    meta = metadata(tree, "https://news.mirror.org/x")
    assert meta["url"] == "https://news.mirror.org/x" and "mirror.org" in meta["hostname"]
    assert meta["tags"] == ["storm", "coast"]
    assert "example.com" in metadata(tree, None)["hostname"]


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
    ("<div class='author-name'>Ann <figure>Photo: Bob</figure>Example</div>", "Ann Example"),
    # what is left of the first once pruned is too short: the next one answers
    ("<div class='author-name'><time>1 May</time>X</div><span class='byline'>By Jane Doe</span>", "Jane Doe"),
    ("<p>No byline here.</p>", None),
])
def test_author_equals_extract_author(body, expected):
    from trafilatura.metadata import extract_author

    tree = lxml.html.fromstring(f"<html><head></head><body>{body}</body></html>")
    assert extract_author(tree) == expected
    assert _author(tree) == expected


@pytest.mark.parametrize("name", SAMPLES)
def test_load_html_makes_trafilaturas_tree(name):
    """The fast way parses with its own copy of trafilatura's parser: the same tree, its
    elements of the same classes (a <form> a FormElement)."""
    import trafilatura

    data = page(name)
    for content in (data, data.decode("utf-8", "replace")):
        ours, theirs = load_html(content), trafilatura.load_html(content)
        assert lxml.etree.tostring(ours) == lxml.etree.tostring(theirs)
        assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]


@pytest.mark.parametrize("content", ["", "plain text", "<p>One paragraph</p>", "<html/>",
                                     "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
                                     '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"><html><body>'
                                     '<form><input name="q"><label>Search</label></form></body></html>'])
def test_load_html_takes_what_trafilatura_takes(content):
    import trafilatura

    ours, theirs = load_html(content), trafilatura.load_html(content)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert lxml.etree.tostring(ours) == lxml.etree.tostring(theirs)
        assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]


@pytest.mark.parametrize("content", ['<!DOCTYPE html SYSTEM "about:legacy-compat"/>\n<html><body>x</body></html>',
                                     "<!doctype html>\n<html lang='en'/>\n<body><p>a</p></body>",
                                     "<html><body><p>a\x00b\x0bc\ufffe</p></body></html>",
                                     "\n\n\n\n<html lang='en'/>", "<html><p>\x1f</p>\n<html x/>"])
def test_repair_is_trafilaturas(content):
    """The characters XML forbids are searched one by one, and the rest of the repair is
    trafilatura's as it is written there."""
    from trafilatura import utils

    forbidden = {chr(c) for c in range(0x10000) if utils.INVALID_XML_CHARS.match(chr(c))}
    assert forbidden == set(trafilatura_adapter._XML_INVALID_CHARS)
    beginning = content[:50].lower()
    assert trafilatura_adapter._repaired(content, beginning) == utils.repair_faulty_html(content, beginning)


def test_the_wsj_teaser_is_marked_paywalled():
    """Issue 20 item 17: the page declares `"isAccessibleForFree": false`; what comes out is the
    67-word teaser ending "All...", and the document says so."""
    doc = clean_document(Document(source=WSJ, data=page(WSJ)), load_rules())
    assert doc.metadata["paywall"] is True
    assert len(doc.text.split()) < 100 and doc.text.rstrip().endswith("All...")


@pytest.mark.parametrize("corpus, name, expected", [
    ("scrapinghub", "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34", True),  # NYT, microdata
    ("scrapinghub", "098bb3e96c0acdf36efdcde45fb9cca3f8c82c7cb2071b76097a1b96155f1eb2", True),  # LA Times, "False"
    ("scrapinghub", "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1", False),  # declared free
    ("readability", "cnet-svg-classes", None),                                                  # says nothing
])
def test_paywall_of_real_pages(corpus, name, expected):
    tree = load_html(gzip.decompress((DATA / corpus / "html" / f"{name}.html.gz").read_bytes()))
    assert metadata(tree, None)["paywall"] is expected


def _ld(data) -> str:
    return f'<script type="application/ld+json">{data if isinstance(data, str) else json.dumps(data)}</script>'


@pytest.mark.parametrize("head, expected", [
    (_ld({"@type": "NewsArticle", "isAccessibleForFree": False}), True),
    (_ld({"@type": "NewsArticle", "isAccessibleForFree": "False"}), True),
    (_ld({"@type": "NewsArticle", "isAccessibleForFree": "https://schema.org/False"}), True),
    (_ld({"@type": "NewsArticle", "hasPart": [{"@type": "WebPageElement", "isAccessibleForFree": "false",
                                               "cssSelector": ".paywall"}]}), True),
    (_ld({"@graph": [{"@type": "WebSite"}, {"@type": "Article", "isAccessibleForFree": False}]}), True),
    (_ld([{"@type": "Article", "isAccessibleForFree": "True"}]), False),
    (_ld('{"@type": "Article", "isAccessibleForFree": false, }'), True),  # not JSON: the key is read alone
    ('<meta itemprop="isAccessibleForFree" content="False">', True),
    # another article in a list the page holds is not the page
    (_ld({"@type": "ItemList", "itemListElement": [{"@type": "Article", "isAccessibleForFree": False}]}), None),
    ("", None),
])
def test_paywall_as_declared(head, expected):
    tree = lxml.html.fromstring(f"<html><head>{head}</head><body><p>{'Text. ' * 40}</p></body></html>")
    assert paywall(tree) is expected


@pytest.mark.parametrize("corpus, name, date", [
    ("readability", "cnet-svg-classes", "2017-12-01"),  # "1 de diciembre de 2017 3:00", lang="es"
    ("readability", "ehow-1", "2007-05-29"),            # <meta name="publishdate" content="05/29/2007 09:49:00">
    ("readability", "pixnet", "2013-12-28"),
    ("scrapinghub", "5f9c5ed5d64dfe682d9bde13b9b4f032a3ebdbf165c06ec49c0705bcbe106e3b", "2019-11-20"),
    ("scrapinghub", "7de5241947a5f7147fe9787c6f6fa16685bfe66e6c35510a68780f27690dc4f0", "2019-11-19"),
])
@pytest.mark.parametrize("way", ["fast", "public"])
def test_dates_dateparser_reads_are_the_same_in_the_page_languages(corpus, name, date, way, monkeypatch):
    """The benchmark pages whose date htmldate hands to dateparser: the date found with every
    language dateparser knows (before issue 20 item 18) is found with the page's and English."""
    if way == "public":
        monkeypatch.setattr(trafilatura_adapter, "fast_way", lambda: False)
    tree = load_html(gzip.decompress((DATA / corpus / "html" / f"{name}.html.gz").read_bytes()))
    assert metadata(tree, None)["date"] == date


def test_a_one_page_clean_does_not_try_every_language_for_a_date():
    """Issue 20 item 18: the date search of `cnet-svg-classes` (lang="es") sent dateparser a
    text no language fits, and it tried all 205 of its locales (2 to 4 s, the whole of a
    one-page clean); now Spanish and English only.  Counted in a fresh process, where no
    locale is loaded yet."""
    script = f"""
import gzip, json
from dateparser.languages import locale
tried = set()
is_applicable = locale.Locale.is_applicable
def counted(self, *args, **kwargs):
    tried.add(self.shortname)
    return is_applicable(self, *args, **kwargs)
locale.Locale.is_applicable = counted
from cleannews.document import Document
from cleannews.engine.ruleset import load_rules
from cleannews.pipeline import clean_document
data = gzip.decompress(open({str(READABILITY / "cnet-svg-classes.html.gz")!r}, "rb").read())
doc = clean_document(Document(source="cnet", data=data), load_rules())
print(json.dumps([doc.metadata.get("date"), sorted(tried)]))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    date, tried = json.loads(out.splitlines()[-1])
    assert date == "2017-12-01"
    assert set(tried) <= {"es", "en"}


def test_other_date_searches_keep_htmldate_parser():
    """The hook answers cleannews' own searches only: htmldate called by someone else in the
    same process gets its parser of every language, as it would without cleannews."""
    from htmldate import extractors

    tree = load_html(gzip.decompress((READABILITY / "cnet-svg-classes.html.gz").read_bytes()))
    metadata(tree, None)  # installs the hook
    theirs = extractors.get_external_parser()
    assert theirs.languages is None
    ours = trafilatura_adapter._date_parser(("es", "en"))  # the same settings, fewer languages
    assert all(getattr(ours._settings, key) == getattr(theirs._settings, key)
               for key in trafilatura_adapter._DATEPARSER_SETTINGS)


def test_readability_blocks_find_what_the_broad_pass_cut(monkeypatch):
    """trafilatura's port of readability, block by block: on a page whose article the fast broad
    pass cuts at a box (wcxb 0061), its blocks hold the paragraphs after it, in page order; and
    the page's tree is left as it was (the port works on a copy)."""
    tree = load_html(gzip.decompress((DATA / "wcxb" / "html" / "0061.html.gz").read_bytes()))
    before = lxml.html.tostring(tree)
    broad, _ = fast_passes(tree, None)
    blocks = trafilatura_adapter.readability_blocks(tree)
    late = "As a customer, having a grasp of tipping etiquette is essential"
    assert late not in broad.text
    assert any(block.startswith(late) for block in blocks)
    assert all(block == " ".join(block.split()) for block in blocks)
    assert lxml.html.tostring(tree) == before
    monkeypatch.setattr(trafilatura_adapter, "fast_way", lambda: False)
    assert trafilatura_adapter.readability_blocks(tree) is None
