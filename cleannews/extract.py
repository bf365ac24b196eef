"""HTML pages: drop the elements the selector rules name, then let trafilatura
choose the main content and read the metadata.

trafilatura is imported here only, so plain-text cleaning starts fast.
"""
from __future__ import annotations

import copy
import functools
import re
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

    Only the parts of a selector that can match run: one that needs an attribute
    value the page's source does not contain (`contains(@class, 'tooltip')`) is
    skipped, which spares most of the XPath work on most pages.
    """
    removed = []
    page_chars = None
    found = _Literals(doc.content) if doc.content else None  # the page's source, which `tree` was parsed from
    for rule in selectors:
        xpath = _viable(rule.xpath, found)
        if xpath is None:
            continue
        for element in xpath(tree):
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


class _Literals(dict):
    """Whether each literal occurs in the page's source, looked up once."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source

    def __missing__(self, literal: str) -> bool:
        self[literal] = literal in self.source
        return self[literal]


_ATTRIBUTE_LITERAL = re.compile(r"(?:contains|starts-with)\(@[\w:-]+,\s*'([^'&<\"]+)'\)|@[\w:-]+\s*=\s*'([^'&<\"]+)'")


@functools.lru_cache(maxsize=4096)
def _branches(xpath: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The members of a selector's XPath union, each with the literals it needs in the
    page's source: the values of its `contains(@a, 'x')`, `starts-with(@a, 'x')` and
    `@a = 'x'` tests, all needed when no `or` or `not(` makes one optional (a member
    with those needs nothing).  An attribute value holds its literal as the page has
    it, unless written with character references."""
    members, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(xpath):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "|" and depth == 0:
            members.append(xpath[start:i].strip())
            start = i + 1
    members.append(xpath[start:].strip())
    result = []
    for member in members:
        bare = re.sub(r"'[^']*'|\"[^\"]*\"", "''", member)
        needs = () if re.search(r"(?<![\w.-])(?:or(?![\w.-])|not\s*\()", bare) else tuple(
            a or b for a, b in _ATTRIBUTE_LITERAL.findall(member))
        result.append((needs, member))
    return tuple(result)


@functools.lru_cache(maxsize=4096)
def _xpath(expression: str):
    from lxml.etree import XPath

    return XPath(expression)


def _viable(xpath: str, found: _Literals):
    """The compiled XPath of the union members that can match this page, None if none can
    (all of them when the page's source is not known)."""
    if found is None:
        return _xpath(xpath)
    members = [member for needs, member in _branches(xpath) if all(found[literal] for literal in needs)]
    if not members:
        return None
    return _xpath(xpath if len(members) == len(_branches(xpath)) else " | ".join(members))


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
    broad, result = _fast_passes(doc, tree)
    broad = broad.text
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


def _fast_passes(doc: Document, tree):
    """The broad (`fast, favor_recall`) and precise (`fast, favor_precision`) extractions,
    as `_extract` gives them, pruning the raw tree once for both.

    trafilatura.bare_extraction copies the tree and prunes it with the same raw-tree
    XPaths in both modes, an eighth of the page's time; here one copy is pruned once
    and each mode runs the rest of trafilatura's sequence (core.trafilatura_sequence
    with comments off and fast on: cleaning, extraction, the baseline rescue in recall
    mode).  That sequence is trafilatura's internals: where they are missing (another
    version), or on a forum thread (pruned differently by mode), bare_extraction runs.
    tests/test_extract.py holds both ways equal on the sample pages.
    """
    try:
        from trafilatura import core
        from trafilatura.xml import xmltotxt

        steps = (core._forum_thread_page, core._prepare_tree, core.extract_content, core.baseline,
                 core.prune_unwanted_nodes, core.RAW_TREE_PRUNE_XPATH, core.REMOVE_COMMENTS_AND_LISTS_XPATH,
                 core.REMOVE_COMMENTS_XPATH)
    except (ImportError, AttributeError):
        steps = None
    if steps is None or core._forum_thread_page(tree):
        return (_extract(doc, tree, fast=True, favor_recall=True),
                _extract(doc, tree, fast=True, favor_precision=True))
    raw = core.prune_unwanted_nodes(copy.copy(tree), core.RAW_TREE_PRUNE_XPATH)
    raw = core.prune_unwanted_nodes(raw, core.REMOVE_COMMENTS_AND_LISTS_XPATH)
    results = []
    for focus in ("recall", "precision"):
        options = _options(focus, doc.url)
        cleaned, _ = core._prepare_tree(raw, options, doc.url)
        if focus == "precision":
            cleaned = core.prune_unwanted_nodes(cleaned, core.REMOVE_COMMENTS_XPATH)
        body, text = core.extract_content(cleaned, options)
        if len(text) < options.min_extracted_size and focus != "precision":
            b_body, b_text, b_len = core.baseline(raw)
            if b_len > len(text):
                body, text = b_body, b_text
        if options.max_tree_size and len(body) > options.max_tree_size:
            results.append(_extract(doc, tree, fast=True, favor_recall=focus == "recall",
                                    favor_precision=focus == "precision"))
            continue
        text = xmltotxt(body, options.formatting) if len(text) >= options.min_output_size else ""
        results.append(SimpleNamespace(text=text, body=body) if text else _NOTHING)
    return tuple(results)


@functools.cache
def _prototype(focus: str):
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", fast=True, precision=focus == "precision",
                     recall=focus == "recall", comments=False, tables=True)


def _options(focus: str, url: str | None):
    """bare_extraction's options for a fast pass; built once, as reading the config takes time."""
    options = copy.copy(_prototype(focus))
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


def _deficient(body) -> bool:
    """No paragraph text, or more tables than paragraphs: where trafilatura's comparison
    prefers readability's extraction to its own (external.py, _prefer_readability)."""
    return body is None or not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p"))
