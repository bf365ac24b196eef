"""trafilatura behind one adapter: the fast way (its internals, on the tested release) gives
what its public API gives, and the public way alone cleans the same pages."""
import gzip
from pathlib import Path

import lxml.html
import pytest

from cleannews.document import Document
from cleannews.engine.ruleset import load_rules
from cleannews.pipeline import clean_document, trafilatura_adapter
from cleannews.pipeline.extract import META_FIELDS
from cleannews.pipeline.trafilatura_adapter import _author, _title, extract, fast_passes, metadata

BENCH = Path(__file__).resolve().parent.parent / "samples" / "bench"
READABILITY = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "readability" / "html"


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
    assert {k: ours[k] for k in META_FIELDS} == {k: theirs[k] for k in META_FIELDS}


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
    ("<p>No byline here.</p>", None),
])
def test_author_equals_extract_author(body, expected):
    from trafilatura.metadata import extract_author

    tree = lxml.html.fromstring(f"<html><head></head><body>{body}</body></html>")
    assert extract_author(tree) == expected
    assert _author(tree) == expected
