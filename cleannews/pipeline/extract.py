"""HTML pages: drop the elements the selector rules name, then let trafilatura
choose the main content and read the metadata.

trafilatura is reached through `trafilatura_adapter` only, which imports it on
first use, so plain-text cleaning starts fast.
"""
from __future__ import annotations

import functools
from urllib.parse import urlsplit

from cleannews.document import Document, Removal
from cleannews.errors import InputError
from cleannews.pipeline import features, model, site
from cleannews.pipeline import trafilatura_adapter as trafilatura
from cleannews.pipeline.xpath_needs import PageAttributes
from cleannews.pipeline.xpath_union import compiled, literal_attributes, union_members

META_FIELDS = ("title", "author", "date", "sitename", "url", "hostname", "description",
               "categories", "tags", "image", "pagetype", "paywall")
PRECISE_MIN_SHARE = 0.5  # a precise extraction under this share of the broad one missed the article
WRAPPER_SHARE = 0.5  # a selected element with more of the page's text than this is a wrapper, kept
FULL_SHARE = 0.2  # a broad extraction under this share of the page's text may have taken the wrong part
RESCUE_CHARS = 1000  # a broad extraction shorter than this may have missed the article: extract again, fully
SECOND_OPINION = 1.5  # readability finding this much more text than the broad extraction: the broad one missed some
LABEL = "model.html"  # what explain names the block model's removals by, and --disable turns off


@functools.cache
def _holds_article():
    from lxml.etree import XPath

    return XPath(".//h1 or .//main or .//*[@itemprop='articleBody']")


def parse(doc: Document):
    """The lxml tree of the page, with its metadata read into `doc.metadata`."""
    tree = trafilatura.load_html(doc.content)
    if tree is None:
        tree = _lenient(doc.content)
    if tree is None:
        raise InputError(doc.source, "HTML could not be parsed")
    meta = trafilatura.metadata(tree, doc.url)
    for key in META_FIELDS:
        value = meta.get(key)
        if value:
            doc.metadata[key] = value
    lang = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].split("_")[0].lower()
    if lang.isalpha() and 2 <= len(lang) <= 3:
        doc.metadata["language"] = lang
    return tree


def _lenient(content: str):
    """The tree lxml's HTML parser makes of a page trafilatura refuses as dubious (a
    malformed doctype line, a page of one element), as a browser renders it; None when
    it holds no text."""
    from lxml import etree
    from lxml.html import document_fromstring

    try:
        tree = document_fromstring(content)
    except (etree.ParserError, ValueError):
        return None
    return tree if tree is not None and tree.text_content().strip() else None


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname
    return host.removeprefix("www.") if host else None


def drop_selected(doc: Document, tree, selectors) -> list[Removal]:
    """Remove the elements matched by selector rules; report each with its text.

    Recall guard: an element that holds the article (an <h1>, <main>, an
    articleBody), most of the page's text or most of its paragraphs' text is a
    wrapper named loosely ("page-with-footer", "newsletter-wrapper" on a page
    that is a newsletter issue), and stays.

    An element inside one dropped before it (a footer's inner "footer-links")
    went with it: reporting it again would count its text twice.

    Only the parts of a selector that can match run: one that needs an attribute
    value no value of that attribute on the page holds (`contains(@class, 'tooltip')`)
    is skipped, which spares most of the XPath work on most pages.  The values
    (`PageAttributes`) are a fifteenth of the page's source, which holds class names
    in its scripts and styles as well: half the time of searching the source, and
    a tenth fewer selectors run.
    """
    removed = []
    dropped = set()
    page_chars = None
    values = _attribute_values(tree, selectors)
    found = None if values is None else _Literals(values)
    for rule in selectors:
        xpath = _viable(rule.xpath, found)
        if xpath is None:
            continue
        for element in rule.select(tree, xpath, doc.source):
            if element.getparent() is None or element.tag in ("body", "main") or _holds_article()(element):
                continue
            if dropped and not dropped.isdisjoint(element.iterancestors()):
                continue  # gone with an element dropped before it, and reported there
            text = " ".join(element.text_content().split())
            if len(text) > 1000:
                if page_chars is None:
                    body = tree.find("body")
                    page_chars = len(" ".join((body if body is not None else tree).text_content().split()))
                    page_prose = site.prose_chars(tree)
                if len(text) > WRAPPER_SHARE * page_chars or site.prose_chars(element) > WRAPPER_SHARE * page_prose:
                    continue
            if text:
                removed.append(Removal(rule.id, rule.category, text, element.sourceline or 0, -1, "selector"))
            element.drop_tree()
            dropped.add(element)
    return removed


def _attribute_values(tree, selectors) -> str | None:
    """The values of the attributes the selectors' literals are tested on, one a line; None
    where one of those attributes has a prefixed name, which XPath cannot ask for without
    a namespace (every member then runs)."""
    names = frozenset(name for rule in selectors for name in literal_attributes(rule.xpath))
    if any(":" in name for name in names):
        return None
    return PageAttributes(tree, names).text()


class _Literals(dict):
    """Whether each literal occurs in a text (the page's attribute values), looked up once."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def __missing__(self, literal: str) -> bool:
        self[literal] = literal in self.text
        return self[literal]


def _viable(xpath: str, found: _Literals):
    """The compiled XPath of the union members that can match this page, None if none can
    (all of them when the page's attribute values are not known)."""
    if found is None:
        return compiled(xpath)
    members = [member for needs, member in union_members(xpath) if all(found[literal] for literal in needs)]
    if not members:
        return None
    return compiled(xpath if len(members) == len(union_members(xpath)) else " | ".join(members))


def candidates(doc: Document, tree, page: features.PageText) -> tuple[list[str], set[str], set[str]]:
    """The lines the article is chosen from (trafilatura's broad extraction, one block a line,
    as it renders them: "- " list items, "| " table rows), the lines of its precise one, and
    the lines readability added.

    Both passes run in trafilatura's fast mode, without the readability/jusText
    comparison (a third of the page's time).  trafilatura's port of readability runs
    where the broad pass leaves a third of the page's text or more (two news pages in
    three, a quarter of the 1,011 benchmark pages; 4 ms a page there): it scores containers by their paragraphs, and finds an article
    that trafilatura's passes cut short (text in bare divs, a body split by boxes,
    wrappers marked hidden).  A broad extraction
    that is short (RESCUE_CHARS) or has no paragraphs is extracted again in recall
    mode with the comparison when readability finds half as much again
    (SECOND_OPINION, trafilatura's own test for preferring readability there), and
    the longer text stands.  A broad extraction that holds a small share of the page's text
    (FULL_SHARE) took the wrong container now and then (a sidebar, an intro): the
    default extraction with the comparison is made (one page in 25), and where it
    finds half as much again it stands.  Where readability still finds half as much
    again, its blocks that the broad extraction lacks join the lines,
    in page order, for the model to judge: nothing either extractor keeps is out of
    reach.  A precise extraction under half the broad one, or without paragraphs, is
    made again with the comparison.
    """
    broad, result = trafilatura.fast_passes(tree, doc.url)
    # readability finds no more than the page holds: where the broad pass holds two thirds of
    # it, readability cannot find half as much again, and is not asked
    asked = SECOND_OPINION * _chars(broad.text) < len(page.text)
    second = trafilatura.readability_blocks(tree) if asked else []
    found = None if second is None else sum(_chars(block) for block in second)
    if len(broad.text) < RESCUE_CHARS or trafilatura.deficient(broad.body):
        if not broad.text or found is None or found > SECOND_OPINION * _chars(broad.text):  # None: extract again anyway
            full = trafilatura.extract(tree, doc.url, favor_recall=True)
            if len(full.text) > len(broad.text):
                broad = full
    if len(broad.text) < FULL_SHARE * len(page.text):
        full = trafilatura.extract(tree, doc.url)
        if len(full.text) > 1.5 * len(broad.text):
            broad = full
    if len(result.text) < PRECISE_MIN_SHARE * len(broad.text) or trafilatura.deficient(result.body):
        result = trafilatura.extract(tree, doc.url, favor_precision=True)
    lines = [line.strip() for line in broad.text.split("\n") if plain(line)]
    added = set()
    if found and found > SECOND_OPINION * _chars(broad.text):
        lines, added = _with_blocks(lines, second, page)
    return lines, {line.strip() for line in result.text.split("\n")}, added


def _chars(text: str) -> int:
    """The characters of a text less its spaces, as the page's text (features.PageText) counts them."""
    return len(features.squeeze(text))


def _with_blocks(lines: list[str], blocks: list[str], page: features.PageText) -> tuple[list[str], set[str]]:
    """`lines` and the `blocks` whose start none of them holds, in the order the page has them
    (a block the page's text does not hold goes last); and the blocks added."""
    have = "".join(features.squeeze(plain(line)) for line in lines)
    extra = [block for block in blocks if features.squeeze(block)[:features.PROBE_CHARS] not in have]
    if not extra:
        return lines, set()
    places, at = [], 0
    for line in lines:  # document order, as features.page_features finds them
        probe = features.squeeze(plain(line))[:features.PROBE_CHARS]
        found = page.text.find(probe, at) if probe else -1
        if found >= 0:
            at = found
        places.append(at)
    merged = list(zip(places, range(len(lines)), lines))
    for n, block in enumerate(extra):
        found = page.text.find(features.squeeze(block)[:features.PROBE_CHARS])
        merged.append((found if found >= 0 else len(page.text), len(lines) + n, block))
    merged.sort()
    return [line for _, _, line in merged], set(extra)


def main_text(doc: Document, tree, favor: str = "balanced", rules=None, active=None) -> str:
    """The article text, one block a line: the broad extraction, less the lines taken for
    furniture: those outside the core both passes agree on (`features.prior`), unless the
    block model is confident they are article, and those the model is confident are
    furniture (`model.keep`: trained on many sites' pages, it reads each line's place in the
    page, its markup and its shape; see cleannews/pipeline/features.py).
    The lines that go are reported in `doc.dropped` with the model's score, so that
    `explain` shows why; the rules and the judge still see every line kept.  `rules`
    (cleannews.engine.ruleset.Rules): with `model.html` disabled, every line stays.
    `active` (the rules that apply to the page): their site body rules tell the model
    where the site puts its articles."""
    page = features.PageText(tree)
    lines, precise, added = candidates(doc, tree, page)
    if not lines:
        return ""
    if rules is not None and not rules.enabled(LABEL, "boilerplate", "extract"):
        return "\n".join(plain(line) for line in lines)
    rows = features.page_features(lines, precise, page, site_body(doc, tree, active, lines), added)
    scores = model.scores("html", rows, features.FEATURES)
    keep = model.keep("html", scores, features.prior(lines, rows), favor)
    for line, score, kept in zip(lines, scores, keep):
        if not kept:
            doc.dropped.append(Removal(LABEL, "boilerplate", plain(line), 0, -1, "extract",
                                       matched=f"p={score:.2f}"))
    return "\n".join(plain(line) for line, kept in zip(lines, keep) if kept)


def site_body(doc: Document, tree, active, lines: list[str]):
    """The site's body (site.SiteBody) on this page, None when no body rule applies.  Body
    rules passed over as stale are said in the metadata (`stale_site_rules`), so that whoever
    keeps the site's rules sees which to mend."""
    if active is None or not active.bodies:
        return None
    found = site.body(tree, active, sum(len(plain(line)) for line in lines), doc.source)
    if found.stale:
        doc.metadata["stale_site_rules"] = [{"rule": rule, "reason": reason} for rule, reason in found.stale]
    return found


def plain(line: str) -> str:
    """A line of trafilatura's text as plain text: no list bullet, table cells apart by tabs."""
    line = line.strip()
    if line.startswith("- "):
        return line[2:]
    if len(line) > 2 and line.startswith("| ") and line.endswith(" |"):
        return "\t".join(cell.strip() for cell in line[2:-2].split(" | "))
    return line
