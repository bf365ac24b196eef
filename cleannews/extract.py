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

import regex

from cleannews.document import Document, Removal
from cleannews.errors import InputError

META_FIELDS = ("title", "author", "date", "sitename", "url", "hostname", "description",
               "categories", "tags", "image", "pagetype")
PRECISE_MIN_SHARE = 0.5  # a precise extraction under this share of the broad one missed the article
WRAPPER_SHARE = 0.5  # a selected element with more of the page's text than this is a wrapper, kept
LONG_BLOCK_WORDS = 40  # a paragraph this long is article text even where the precise extraction left it out
RESCUE_CHARS = 1000  # a broad extraction shorter than this may have missed the article: extract again, fully


@functools.cache
def _holds_article():
    from lxml.etree import XPath

    return XPath(".//h1 or .//main or .//*[@itemprop='articleBody']")


def parse(doc: Document):
    """The lxml tree of the page, with its metadata read into `doc.metadata`."""
    import trafilatura

    tree = trafilatura.load_html(doc.content)
    if tree is None:
        tree = _lenient(doc.content)
    if tree is None:
        raise InputError(doc.source, "HTML could not be parsed")
    meta = _metadata(tree, doc.url).as_dict()
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


def _metadata(tree, url: str | None):
    """trafilatura's metadata of the page, read as `trafilatura.metadata.extract_metadata`
    reads it, but only the fields in META_FIELDS: the license search, a tenth of the
    metadata's time, serves no field we write.  The author search does not prune a copy of
    the page (see `_author`).  Where trafilatura's pieces are missing (another version),
    extract_metadata runs whole."""
    from trafilatura import metadata as M

    try:
        pieces = (M.examine_meta, M.extract_meta_json, M.extract_title, M.extract_url, M.extract_domain,
                  M.find_date, M.set_date_params, M.extract_sitename, M.META_URL, M.extract_catstags)
    except AttributeError:
        pieces = None
    if pieces is None:
        return M.extract_metadata(tree, default_url=url)
    meta = M.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = M.extract_meta_json(tree, meta)
    except Exception:  # trafilatura guards it the same way: json_metadata.py has bugs
        pass
    if not meta.title:
        meta.title = _title(tree) or M.extract_title(tree)
    if not meta.author:
        meta.author = _author(tree)
    if url:  # the URL the user gave (--url, a record's field) names the page: its host is the site
        meta.url = url
    elif not meta.url:
        meta.url = M.extract_url(tree, url)
    if meta.url:
        meta.hostname = M.extract_domain(meta.url, fast=True)
    date_params = M.set_date_params(True)  # holds today's date, the latest a page can have
    date_params["url"] = meta.url
    meta.date = M.find_date(tree, **date_params)
    if not meta.sitename:
        meta.sitename = M.extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url:
        match = M.META_URL.match(meta.url)
        if match:
            meta.sitename = match[1]
    if not meta.categories:
        meta.categories = M.extract_catstags("category", tree)
    if not meta.tags:
        meta.tags = M.extract_catstags("tag", tree)
    meta.clean_and_trim()
    for field in ("categories", "tags"):  # a page's meta keywords arrive as one "a, b, c" string
        values = getattr(meta, field) or []
        setattr(meta, field, list(dict.fromkeys(v.strip() for value in values for v in value.split(",") if v.strip())))
    return meta


def _title(tree) -> str | None:
    """The page's <title> where its one <h1> does not agree with it, else None.

    trafilatura takes a page's only <h1> as its title when no metadata names one; an
    <h1> is also a section's or a site's heading ("Health Center", "About This Site").
    Where the <title> does not hold the <h1>'s words, the <title> is what the page
    says it is (less a site name after a separator: trafilatura's own split).
    """
    from trafilatura import metadata as M

    h1s = tree.findall(".//h1")
    if len(h1s) != 1:
        return None
    h1 = " ".join(h1s[0].text_content().split())
    whole, first, second = M.examine_title_element(tree)
    if not whole or not h1 or set(_WORDS.findall(h1.lower())) <= set(_WORDS.findall(whole.lower())):
        return None
    parts = [part for part in (first, second) if part]
    return max(parts, key=len) if parts else whole


_WORDS = re.compile(r"\w+")


def _author(tree):
    """trafilatura's author search (metadata.extract_author) without its deep copy of the page.

    extract_author prunes a copy of the page (comments, sidebars, dates, figures: the
    AUTHOR_DISCARD_XPATHS) and takes the first fitting text its AUTHOR_XPATHS find there;
    copying and pruning the whole page was a third of the search's time.  Those XPaths test an
    element's own tag and attributes, so they find in the copy what they find in the page,
    less what sits in a pruned part: here each element found is tested instead, its
    ancestors against the discard XPaths (pruned with one: skipped).  One whose text would
    lose a pruned descendant sends the page to extract_author itself, as does a version of
    trafilatura whose XPaths this does not read.
    """
    from trafilatura import metadata as M
    from trafilatura.utils import trim

    tests = _discard_tests()
    if tests is None:
        return M.extract_author(tree)
    up, down = tests
    from trafilatura.xpaths import AUTHOR_XPATHS

    for expression in AUTHOR_XPATHS:
        for element in expression(tree):
            if any(m.getparent() is not None for m in up(element)):
                continue
            if down(element):
                return M.extract_author(tree)
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return M.normalize_authors(None, content)
    return None


@functools.cache
def _discard_tests():
    """AUTHOR_DISCARD_XPATHS as two XPaths on one element: the ancestors-or-self it matches,
    and the descendants.  None unless every member of their unions is one step from the
    root or the context (`.//*[...]`, `//time`) and no XPath involved looks at an element's
    position, ancestors or siblings: the shape this rewrite reads right."""
    from lxml.etree import XPath

    from trafilatura import metadata

    try:
        from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, REGEXP_NS
    except ImportError:
        return None
    if not hasattr(metadata, "normalize_authors"):  # what _author calls on the text found
        return None
    for expression in (*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS):
        if _LOOKS_AROUND.search(_unquoted(expression.path)):
            return None
    steps = []
    for expression in AUTHOR_DISCARD_XPATHS:
        for _, member in _branches(expression.path):
            step = member[3:] if member.startswith(".//") else member[2:] if member.startswith("//") else ""
            bare = _unquoted(step)
            while _PREDICATE.search(bare):
                bare = _PREDICATE.sub("", bare)
            if not step or not re.fullmatch(r"[\w:*-]+", bare):
                return None
            steps.append(step)
    namespaces = {"re": REGEXP_NS}
    return (XPath(" | ".join("ancestor-or-self::" + step for step in steps), namespaces=namespaces),
            XPath(" | ".join("descendant::" + step for step in steps), namespaces=namespaces))


_LOOKS_AROUND = re.compile(r"ancestor|preceding|following|parent::|\.\.|position\(|last\(|\[\s*\d")
_PREDICATE = re.compile(r"\[[^\[\]]*\]")


def _unquoted(xpath: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", xpath)


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

    An element inside one dropped before it (a footer's inner "footer-links")
    went with it: reporting it again would count its text twice.

    Only the parts of a selector that can match run: one that needs an attribute
    value the page's source does not contain (`contains(@class, 'tooltip')`) is
    skipped, which spares most of the XPath work on most pages.
    """
    removed = []
    dropped = set()
    page_chars = None
    found = _Literals(doc.content) if doc.content else None  # the page's source, which `tree` was parsed from
    for rule in selectors:
        xpath = _viable(rule.xpath, found)
        if xpath is None:
            continue
        for element in xpath(tree):
            if element.getparent() is None or element.tag in ("body", "main") or _holds_article()(element):
                continue
            if dropped and not dropped.isdisjoint(element.iterancestors()):
                continue  # gone with an element dropped before it, and reported there
            text = " ".join(element.text_content().split())
            if len(text) > 1000:
                if page_chars is None:
                    body = tree.find("body")
                    page_chars = len(" ".join((body if body is not None else tree).text_content().split()))
                if len(text) > WRAPPER_SHARE * page_chars:
                    continue
            if text:
                removed.append(Removal(rule.id, rule.category, text, element.sourceline or 0, -1, "selector"))
            element.drop_tree()
            dropped.add(element)
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
    """The article text, one block a line: a broad extraction, less the furniture around it.

    trafilatura's precision mode drops more page furniture (teasers, sign-up
    boxes, link lists) but now and then a heading, a list or a paragraph of the
    article too; its default keeps those but also the furniture.  So the broad
    extraction is the body, and a line leaves it only on evidence that it is
    furniture: the precise extraction left it out *and* it stands outside the
    article, before the first line both agree on or after the last one (a
    teaser list, a byline box, a footer).  Inside the article nothing goes for
    the precise pass's sake, and after it a sentence stays (a closing paragraph
    or note); the rules and the judge still see every line.  A precise
    extraction under half the size of the broad one missed the article, and the
    broad one stands as it is.  The lines that go are reported in `doc.dropped`.

    Both passes run in trafilatura's fast mode, without the readability/jusText
    comparison (a third of the page's time).  A broad extraction that is short
    (RESCUE_CHARS) or has no paragraphs may have missed the article (text in
    bare divs, wrappers marked hidden): when trafilatura's readability port
    finds half as much again, the page is extracted again in recall mode with
    the comparison (trafilatura's own test for preferring readability there),
    and the longer text stands.  The port alone is cheap; the full pass is not,
    so it runs only where the port says there is more.
    """
    broad, result = _fast_passes(doc, tree)
    if (len(broad.text) < RESCUE_CHARS or _deficient(broad.body)) and _readability_chars(tree) > 1.5 * len(broad.text):
        full = _extract(doc, tree, favor_recall=True)
        if len(full.text) > len(broad.text):
            broad = full
    broad = broad.text
    if len(result.text) < PRECISE_MIN_SHARE * len(broad) or _deficient(result.body):
        result = _extract(doc, tree, favor_precision=True)
    precise = result.text
    lines = [line.strip() for line in broad.split("\n") if line.strip()]
    agreed = {line.strip() for line in precise.split("\n")}
    inside = [i for i, line in enumerate(lines) if line in agreed]
    if len(precise) < PRECISE_MIN_SHARE * len(broad) or not inside:
        return "\n".join(plain(line) for line in lines)
    first, last = inside[0], inside[-1]
    keep = [first <= i <= last or line in agreed or len(line.split()) >= LONG_BLOCK_WORDS
            or (i > last and _sentence(line)) for i, line in enumerate(lines)]
    for line, kept in zip(lines, keep):
        if not kept:
            doc.dropped.append(Removal("extract.precision", "boilerplate", line, 0, -1, "extract"))
    return "\n".join(plain(line) for line, kept in zip(lines, keep) if kept)


def _readability_chars(tree) -> int:
    """The length of the text trafilatura's port of readability finds on the page."""
    from lxml.html import fromstring
    from trafilatura.readability_lxml import Document as Readability

    try:
        summary = Readability(copy.deepcopy(tree), min_text_length=25).summary()
        return len(" ".join(fromstring(summary).text_content().split()))
    except Exception:  # the port gives up on some trees (empty, no body): nothing found
        return 0


_SENTENCE_END = tuple(".!?…。！？")


def _sentence(line: str) -> bool:
    """A line that ends as a sentence does, and is not a list item (teaser lists are)."""
    return not line.startswith("- ") and line.rstrip("\"'”’»)]").endswith(_SENTENCE_END)


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
    return _rendered(result.body)


# a newline the source wrapped a paragraph with: the next line indented, or going on in lower case
_WRAP = regex.compile(r"[ \t]*\n(?:[ \t]+|(?=\p{Ll}))\s*")


def _rendered(body):
    """The extraction's text, one block a line, with the source's line wrapping undone.

    An HTML source wraps long paragraphs at 80 columns; trafilatura keeps those newlines,
    so one paragraph would reach the rules and the precise-pass comparison as five
    short lines.  A browser shows the wrapped newline as a space, and so does this
    (code keeps its lines; a <br> is an element of its own and stays a line break).
    A wrapped line is indented, or goes on in lower case; trafilatura's baseline rescue
    joins whole blocks with newlines in one element, and those stay lines.
    """
    from trafilatura.xml import xmltotxt

    if body is None:
        return _NOTHING
    for element in body.iter():
        if element.tag == "code" or next(element.iterancestors("code"), None) is not None:
            continue
        if element.text and "\n" in element.text:
            element.text = _WRAP.sub(" ", element.text)
        if element.tail and "\n" in element.tail:
            element.tail = _WRAP.sub(" ", element.tail)
    text = xmltotxt(body, False)
    return SimpleNamespace(text=text, body=body) if text else _NOTHING


def _fast_passes(doc: Document, tree):
    """The broad (`fast, favor_recall`) and precise (`fast, favor_precision`) extractions,
    as `_extract` gives them, pruning the raw tree once for both.

    trafilatura.bare_extraction copies the tree and prunes it with the same raw-tree
    XPaths in both modes, an eighth of the page's time; here one copy is pruned once
    and each mode runs the rest of trafilatura's sequence (core.trafilatura_sequence
    with comments off and fast on: cleaning and tag conversion as core._prepare_tree
    does them, less the backup copy only the readability/jusText comparison reads,
    extraction, the baseline rescue in recall mode).  That sequence is trafilatura's
    internals: where they are missing (another version), or on a forum thread (pruned
    differently by mode), bare_extraction runs.
    tests/test_extract.py holds both ways equal on the sample pages.
    """
    try:
        from trafilatura import core
        steps = (core._forum_thread_page, core.tree_cleaning, core.convert_tags, core.extract_content, core.baseline,
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
        cleaned = core.convert_tags(core.tree_cleaning(copy.copy(raw), options), options, doc.url)
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
        results.append(_rendered(body) if len(text) >= options.min_output_size else _NOTHING)
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
