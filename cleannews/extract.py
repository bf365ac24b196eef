"""HTML pages: drop the elements the selector rules name, then let trafilatura
choose the main content and read the metadata.

trafilatura is imported here only, so plain-text cleaning starts fast.
"""
from __future__ import annotations

import functools
from types import SimpleNamespace
from urllib.parse import urlsplit

from cleannews.document import Document, Removal
from cleannews.errors import InputError

META_FIELDS = ("title", "author", "date", "sitename", "url", "hostname", "description",
               "categories", "tags", "image", "pagetype")
PRECISE_MIN_SHARE = 0.5  # a precise extraction under this share of the broad one missed the article
WRAPPER_SHARE = 0.5  # a selected element with more of the page's text than this is a wrapper, kept
LONG_BLOCK_WORDS = 40  # a paragraph this long is article text even where the precise extraction left it out


@functools.cache
def _holds_article():
    from lxml.etree import XPath

    return XPath(".//h1 or .//main or .//*[@itemprop='articleBody']")


def parse(doc: Document):
    """The lxml tree of the page, with its metadata read into `doc.metadata`."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    tree = trafilatura.load_html(doc.content)
    if tree is None:
        raise InputError(doc.source, "HTML could not be parsed")
    meta = extract_metadata(tree, default_url=doc.url).as_dict()
    for key in META_FIELDS:
        value = meta.get(key)
        if value:
            doc.metadata[key] = value
    lang = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].split("_")[0].lower()
    if lang.isalpha() and 2 <= len(lang) <= 3:
        doc.metadata["language"] = lang
    return tree


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname
    return host.removeprefix("www.") if host else None


def drop_selected(doc: Document, tree, selectors) -> list[Removal]:
    """Remove the elements matched by selector rules; report each with its text.

    Recall guard: an element that holds the article (an <h1>, <main>, an
    articleBody) or most of the page's text is a wrapper named loosely
    ("page-with-footer"), and stays.
    """
    removed = []
    page_chars = None
    for rule in selectors:
        for element in tree.xpath(rule.xpath):
            if element.getparent() is None or element.tag in ("body", "main") or _holds_article()(element):
                continue
            text = " ".join(element.text_content().split())
            if len(text) > 1000:
                if page_chars is None:
                    body = tree.find("body")
                    page_chars = len(" ".join((body if body is not None else tree).text_content().split()))
                if len(text) > WRAPPER_SHARE * page_chars:
                    continue
            if text:
                removed.append(Removal(rule.id, rule.category, text, element.sourceline or 0, -1))
            element.drop_tree()
    return removed


def main_text(doc: Document, tree) -> str:
    """The article text, one block a line: a broad extraction filtered by a precise one.

    trafilatura's precision mode drops more page furniture (teasers, sign-up
    boxes, link lists) but now and then a heading or paragraph of the article
    too; its default keeps those but also the furniture.  A line of the broad
    extraction stays when the precise one agrees, when it is a long paragraph,
    or when it stands alone between two agreed lines (a subheading, a last
    sentence split off).  A precise extraction under half the size of the
    broad one missed the article, and the broad one stands as it is.  The
    lines that go are reported in `doc.dropped`.

    The precise extraction runs first in trafilatura's fast mode, without the
    readability/jusText comparison (a third of the page's time).  That
    comparison only replaces an extraction that is short or has no paragraphs,
    so only such a result is extracted again with it.
    """
    broad = _extract(doc, tree, fast=True, favor_recall=True).text
    result = _extract(doc, tree, fast=True, favor_precision=True)
    if len(result.text) < PRECISE_MIN_SHARE * len(broad) or _deficient(result.body):
        result = _extract(doc, tree, favor_precision=True)
    precise = result.text
    lines = [line for line in broad.split("\n") if line.strip()]
    if len(precise) < PRECISE_MIN_SHARE * len(broad):
        return "\n".join(plain(line) for line in lines)
    agreed = {line.strip() for line in precise.split("\n")}
    keep = [line.strip() in agreed or len(line.split()) >= LONG_BLOCK_WORDS for line in lines]
    for i in range(1, len(lines) - 1):
        if not keep[i] and keep[i - 1] and keep[i + 1]:
            keep[i] = True
    for line, kept in zip(lines, keep):
        if not kept:
            doc.dropped.append(Removal("extract.precision", "boilerplate", line.strip(), 0, -1))
    return "\n".join(plain(line) for line, kept in zip(lines, keep) if kept)


def plain(line: str) -> str:
    """A line of trafilatura's text as plain text: no list bullet, table cells apart by tabs."""
    line = line.strip()
    if line.startswith("- "):
        return line[2:]
    if len(line) > 2 and line.startswith("| ") and line.endswith(" |"):
        return "\t".join(cell.strip() for cell in line[2:-2].split(" | "))
    return line


_NOTHING = SimpleNamespace(text="", body=None)


def _extract(doc: Document, tree, **options):
    """trafilatura's extraction of the page: `.text`, "" when there is none, and `.body`."""
    import trafilatura

    result = trafilatura.bare_extraction(tree, url=doc.url, include_comments=False,
                                         include_tables=True, with_metadata=False, **options)
    if result is None or not result.text:
        return _NOTHING
    return result


def _deficient(body) -> bool:
    """No paragraph text, or more tables than paragraphs: where trafilatura's comparison
    prefers readability's extraction to its own (external.py, _prefer_readability)."""
    return body is None or not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p"))
