"""Everything cleannews asks of trafilatura, in one place.

Two ways to each answer.  On the release line whose internals this module was written
against (TESTED), it drives trafilatura's own steps to save work: the page parsed by a copy
of trafilatura's parser that does not call Python for each element's class, metadata read
only for the fields cleannews writes, the author search without a deep copy of the page,
both fast extraction passes from one pruned tree, the regex XPaths this module runs skipped
on a page whose attributes cannot match them and guarded elsewhere (xpath_needs), and the
extracted body rendered again with the source's line wrapping undone.  On any other
release, or when one of those internals is missing, it uses trafilatura's public API only
(`bare_extraction`, `extract_metadata`), which gives the same article text less the
unwrapping and less readability's second opinion (`readability_blocks`: its port is not
public API), more slowly.  tests/test_trafilatura_adapter.py runs both ways.  Either
way the date search reads dates in the page's language and English (`_in_page_languages`),
and the metadata says whether the page declares a paywall (`paywall`).
"""
from __future__ import annotations

import copy
import functools
import json
import re
from contextvars import ContextVar
from importlib.metadata import PackageNotFoundError, version
from types import SimpleNamespace

import regex

from cleannews.pipeline.xpath_needs import PageAttributes, attributes_needed, guarded
from cleannews.pipeline.xpath_union import compiled, union_members

TESTED = "2.3."  # the release line whose internals the fast way reads


@functools.cache
def fast_way() -> bool:
    """Whether this trafilatura is the tested line and holds every internal the fast way uses
    (asked on first use: importing trafilatura takes a third of a second)."""
    try:
        if not version("trafilatura").startswith(TESTED):
            return False
        from trafilatura import core, metadata, readability_lxml, settings, utils, xml, xpaths  # noqa: F401

        needed = {core: ("_forum_thread_page", "tree_cleaning", "convert_tags", "extract_content", "baseline",
                         "prune_unwanted_nodes", "RAW_TREE_PRUNE_XPATH", "REMOVE_COMMENTS_AND_LISTS_XPATH",
                         "REMOVE_COMMENTS_XPATH"),
                  metadata: ("examine_meta", "extract_meta_json", "extract_title", "extract_url", "extract_domain",
                             "find_date", "set_date_params", "extract_sitename", "META_URL", "extract_catstags",
                             "examine_title_element", "extract_author", "normalize_authors"),
                  xml: ("xmltotxt",), settings: ("Extractor",), readability_lxml: ("Document",),
                  utils: ("line_processing", "trim", "decode_file", "repair_faulty_html", "is_dubious_html",
                          "HTML_PARSER", "INVALID_XML_CHARS", "DOCTYPE_TAG", "FAULTY_HTML"),
                  xpaths: ("AUTHOR_XPATHS", "AUTHOR_DISCARD_XPATHS", "REGEXP_NS")}
    except (ImportError, PackageNotFoundError):
        return False
    return all(hasattr(module, name) for module, names in needed.items() for name in names)


def load_html(content: str | bytes):
    """The page's tree, as trafilatura.load_html makes it.

    The fast way parses with a copy of trafilatura's parser whose elements get their
    classes (lxml.html's, `form` and `input` theirs) from lxml itself: lxml.html's own
    lookup calls Python for every element the page's processing touches, a few thousand
    a page, a twentieth of its time.  The same tree, of the same classes.
    """
    if not fast_way() or not isinstance(content, (str, bytes)):
        import trafilatura

        return trafilatura.load_html(content)
    from trafilatura import utils

    # trafilatura.utils.load_html, for a page given as text or bytes, with the parser swapped
    content = utils.decode_file(content)
    beginning = content[:50].lower()
    content = _repaired(content, beginning)
    tree, retried = None, False
    try:
        tree = _html_fromstring(content)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, retried = _html_frombytes(content), True
    except Exception:  # trafilatura's way: logged there, the bytes tried next
        pass
    if (tree is None or len(tree) < 1) and not retried:
        tree = _html_frombytes(content)
    if tree is not None and utils.is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


# trafilatura.utils.INVALID_XML_CHARS, the characters XML forbids, as a pattern and one by one
_XML_INVALID = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]"
_XML_INVALID_CHARS = tuple(map(chr, (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff)))


def _repaired(content: str, beginning: str) -> str:
    """trafilatura's utils.repair_faulty_html, its removal of the characters XML forbids
    made only on a page that holds one: its regex over the whole page takes a fiftieth
    of the page's time, a search for each character a third of that.  Where trafilatura's
    pattern is not the one this reads (`_XML_INVALID`), trafilatura's function runs."""
    from trafilatura import utils

    if utils.INVALID_XML_CHARS.pattern != _XML_INVALID or any(char in content for char in _XML_INVALID_CHARS):
        return utils.repair_faulty_html(content, beginning)
    # the rest of utils.repair_faulty_html, as it is written there
    if "doctype" in beginning:
        firstline, _, rest = content.partition("\n")
        content = utils.DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in content[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            content = utils.FAULTY_HTML.sub(r"\1>", content, count=1)
            break
    return content


def _html_fromstring(content: str | bytes):
    from lxml.html import fromstring

    return fromstring(content, parser=_parser())


def _html_frombytes(content: str):
    try:
        return _html_fromstring(content.encode("utf8", "surrogatepass"))
    except Exception:
        return None


@functools.cache
def _parser():
    """trafilatura's HTML parser, its element classes looked up by lxml (see `load_html`)."""
    from lxml import etree, html
    from trafilatura.utils import HTML_PARSER

    special = getattr(html.HtmlElementClassLookup, "_default_element_classes", None)
    if not isinstance(special, dict):  # an lxml that keeps them elsewhere: trafilatura's parser as it is
        return HTML_PARSER
    lookup = etree.ElementNamespaceClassLookup(etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction,
        entity=html.HtmlEntity))
    lookup.get_namespace(None).update(special)
    parser = HTML_PARSER.copy()
    parser.set_element_class_lookup(lookup)
    return parser


def metadata(tree, url: str | None) -> dict:
    """The page's metadata as a dict of trafilatura's fields.  A URL given with the page names
    it (and its host); categories and tags come one value each."""
    from courlan import extract_domain

    if fast_way():
        meta = _metadata(tree, url).as_dict()
    else:
        from trafilatura import extract_metadata

        meta = _in_page_languages(tree, extract_metadata, tree, default_url=url).as_dict()
    if url:  # the URL the user gave (--url, a record's field) names the page: its host is the site
        meta["url"], meta["hostname"] = url, extract_domain(url, fast=True)
    for field in ("categories", "tags"):  # a page's meta keywords arrive as one "a, b, c" string
        meta[field] = list(dict.fromkeys(v.strip() for value in meta.get(field) or [] for v in value.split(",")
                                         if v.strip()))
    meta["paywall"] = paywall(tree)
    return meta


def paywall(tree) -> bool | None:
    """True where the page says its article is for subscribers, False where it says it is free,
    None where it says nothing.

    A paywalled page serves the crawler a teaser ("Gaming used to be so simple. ... All..."),
    which reads as a short article: only the page's own word tells it apart.  That word is
    schema.org's `isAccessibleForFree` (the markup Google asks of paywalled pages), on the
    article or a part of it (`hasPart`), in JSON-LD or microdata, `false` as a boolean or a
    string in any case.  A metered site (NYT, LA Times) declares it too, and serves the whole
    article to whom it lets through: the flag says what the page declares, not how much of it
    came.
    """
    said = []
    for script in tree.iterfind('.//script[@type]'):
        if "ld+json" in script.get("type") and script.text and "isAccessibleForFree" in script.text:
            said += _ld_free(script.text)
    for element in compiled(".//*[@itemprop='isAccessibleForFree']")(tree):
        said.append(element.get("content") or element.get("href") or element.text_content())
    said = [str(value).strip().lower().rsplit("/", 1)[-1] for value in said]  # "https://schema.org/False"
    if "false" in said:
        return True
    return False if "true" in said else None


_LD_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*"?([\w:/.]*)')


def _ld_free(text: str) -> list:
    """The isAccessibleForFree values a JSON-LD script gives the page and its parts; its
    other things (a list of related articles, a product) speak for themselves, not the page.
    A script that does not parse as JSON is read for the key alone."""
    try:
        data = json.loads(text)
    except ValueError:
        return _LD_FREE.findall(text)
    found = []
    todo = data if isinstance(data, list) else [data]
    for item in todo:
        if not isinstance(item, dict):
            continue
        graph = item.get("@graph")
        items = [item, *(graph if isinstance(graph, list) else [])]
        for thing in items:
            if not isinstance(thing, dict):
                continue
            parts = thing.get("hasPart")
            for part in [thing, *(parts if isinstance(parts, list) else [parts])]:
                if isinstance(part, dict) and "isAccessibleForFree" in part:
                    found.append(part["isAccessibleForFree"])
    return found


def _metadata(tree, url: str | None):
    """trafilatura's metadata of the page, read as `trafilatura.metadata.extract_metadata`
    reads it, but only the fields in META_FIELDS: the license search, a tenth of the
    metadata's time, serves no field we write.  The author search does not prune a copy of
    the page (see `_author`).  The fast way only: `fast_way` has checked every piece."""
    from trafilatura import metadata as M

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
    if not meta.url:
        meta.url = M.extract_url(tree, url)
    if meta.url:
        meta.hostname = M.extract_domain(meta.url, fast=True)
    date_params = M.set_date_params(True)  # holds today's date, the latest a page can have
    date_params["url"] = meta.url
    meta.date = _in_page_languages(tree, M.find_date, tree, **date_params)
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
        meta.categories = _catstags("category", tree)
    if not meta.tags:
        meta.tags = _catstags("tag", tree)
    meta.clean_and_trim()
    return meta


# the language the page being searched declares ("" for none; None: not our search, htmldate's own parser)
_PAGE_LANGUAGE: ContextVar[str | None] = ContextVar("cleannews_page_language", default=None)
# htmldate's own settings (extractors.get_external_parser), which it does not expose
_DATEPARSER_SETTINGS = {"NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"],
                        "PREFER_DATES_FROM": "past", "PREFER_LOCALE_DATE_ORDER": True,
                        "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


def _in_page_languages(tree, search, *args, **kwargs):
    """`search(*args, **kwargs)` (trafilatura's date search, or its metadata which runs it) with
    dateparser reading dates in the page's language and English only.

    htmldate's extensive search sends a date-like text it cannot read itself ("1 de diciembre
    de 2017 3:00", "05/29/2007 09:49:00") to dateparser, set to try every language it knows.
    A text no language fits ("por César Salza 1 de diciembre de 2017", "12 Must-Have Tools for
    2026") makes it try all 205 of its locales, compiling each one's patterns: 2 to 4 seconds,
    once a process, which a one-page `clean` paid in full for one date.  The page's declared language and
    English take a tenth of that and read the same dates on every benchmark page (1,011 pages:
    none changes).  htmldate remembers what it parsed by text alone: the memory is cleared for
    each page, so that a date read in one page's languages is not taken for another's, and
    the date of a page does not depend on the pages cleaned before it.  An htmldate without
    this hook runs its own parser.
    """
    if not _hook_dateparser():
        return search(*args, **kwargs)
    from htmldate import extractors

    token = _PAGE_LANGUAGE.set(_declared_language(tree))
    try:
        extractors.try_date_expr.cache_clear()
        return search(*args, **kwargs)
    finally:
        _PAGE_LANGUAGE.reset(token)


@functools.cache
def _hook_dateparser() -> bool:
    """Route htmldate's one way to dateparser (extractors.get_external_parser) through
    `_date_parser`, once a process; False where this htmldate has no such hook.  Outside
    `_in_page_languages` (another library's date search in the same process) htmldate's
    own parser answers, as before."""
    try:
        from htmldate import extractors
    except ImportError:
        return False
    own = getattr(extractors, "get_external_parser", None)
    if own is None or not hasattr(getattr(extractors, "try_date_expr", None), "cache_clear"):
        return False

    def external_parser():
        declared = _PAGE_LANGUAGE.get()
        return own() if declared is None else _date_parser(_languages(declared))

    extractors.get_external_parser = external_parser
    return True


@functools.lru_cache(maxsize=64)
def _date_parser(languages: tuple[str, ...]):
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages), settings=_DATEPARSER_SETTINGS)


def _declared_language(tree) -> str:
    """<html lang>, else the page's content-language or og:locale: "es", "en-US", "pt_BR"."""
    declared = tree.get("lang") or tree.get("xml:lang")
    if not declared:
        found = compiled('.//head/meta[@http-equiv="content-language" or @http-equiv="Content-Language"'
                       ' or @property="og:locale"]/@content')(tree)
        declared = found[0] if found else ""
    return declared


@functools.lru_cache(maxsize=256)
def _languages(declared: str) -> tuple[str, ...]:
    """The declared language and English, in dateparser's codes ("es", "zh-Hant") as far as it knows them."""
    from dateparser.data.languages_info import language_order

    code = declared.strip().replace("_", "-").split(",")[0].strip()
    return tuple(dict.fromkeys(c for c in (code, code.split("-")[0].lower(), "en") if c in language_order))


def _catstags(kind: str, tree) -> list[str]:
    """trafilatura's search for categories or tags (metadata.extract_catstags), run only on a
    page with a link it could accept: its XPaths keep a link whose href holds "/tag" or
    "/categor" ("/tags/", "/category/"), and on a page without one only the category's meta-tag
    fallback can answer (five of its XPaths a page, a twentieth of the page's time, saved)."""
    from trafilatura import metadata as M

    stem = "/" + kind.rstrip("y")
    if compiled(f"boolean(.//a[contains(@href, '{stem}')])")(tree):
        return M.extract_catstags(kind, tree)
    if kind != "category":
        return []
    from trafilatura.utils import line_processing

    found = compiled('.//head//meta[@property="article:section" or contains(@name, "subject")][@content]')(tree)
    return [r for r in dict.fromkeys(line_processing(e.attrib["content"]) for e in found if e.attrib["content"]) if r]


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
    lose a pruned descendant is read from a copy of it pruned the same way (the discard
    XPaths test an element's own tag and attributes: the copy loses what the page's copy
    would).  XPaths of a shape this does not read send the page to extract_author.  An
    XPath that needs a literal the page's attributes do not hold (xpath_needs) does not
    run: on a third of the pages searched, no class or id holds "author" or "byline".
    """
    from trafilatura import metadata as M
    from trafilatura.utils import trim

    tests = _discard_tests()
    if tests is None:
        return M.extract_author(tree)
    up, down = tests
    from trafilatura import core
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

    page = PageAttributes(tree, attributes_needed(_paths(AUTHOR_XPATHS)))
    copied = False  # whether the answer is now the pruned copy's, which holds `tree` alone
    for expression in AUTHOR_XPATHS:
        if not page.may_select(expression.path):
            continue
        for element in _quick(expression, page)(tree):
            if any(m.getparent() is not None for m in up(element)):
                continue
            # the XPaths search the whole document: a page parsed into two <html> has a second
            # root beside `tree`, which the copy of `tree` does not hold
            inside = element is tree or tree in element.iterancestors()
            if copied and not inside:
                continue
            if down(element):  # its text as in the pruned copy: the discarded parts less
                if not inside:
                    return M.extract_author(tree)
                copied = True
                element = core.prune_unwanted_nodes(copy.deepcopy(element), AUTHOR_DISCARD_XPATHS)
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
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, REGEXP_NS

    for expression in (*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS):
        if _LOOKS_AROUND.search(_unquoted(expression.path)):
            return None
    steps = []
    for expression in AUTHOR_DISCARD_XPATHS:
        for _, member in union_members(expression.path):
            step = member[3:] if member.startswith(".//") else member[2:] if member.startswith("//") else ""
            bare = _unquoted(step)
            while _PREDICATE.search(bare):
                bare = _PREDICATE.sub("", bare)
            if not step or not re.fullmatch(r"[\w:*-]+", bare):
                return None
            steps.append(step)
    namespaces = {"re": REGEXP_NS}
    return (XPath(guarded(" | ".join("ancestor-or-self::" + step for step in steps)), namespaces=namespaces),
            XPath(guarded(" | ".join("descendant::" + step for step in steps)), namespaces=namespaces))


_LOOKS_AROUND = re.compile(r"ancestor|preceding|following|parent::|\.\.|position\(|last\(|\[\s*\d")
_PREDICATE = re.compile(r"\[[^\[\]]*\]")


def _unquoted(xpath: str) -> str:
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", xpath)


# elements the port's summary holds text in, one line each: the innermost of them
_PORT_BLOCKS = frozenset(("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th",
                          "dd", "dt", "figcaption", "div"))


def readability_blocks(tree) -> list[str] | None:
    """The text blocks trafilatura's port of readability finds on the page, in document order
    (innermost block elements of its summary, spaces squeezed); None where this trafilatura
    has no port to ask.  A second opinion on where the article is: it scores containers by
    their paragraphs' text, where trafilatura's passes read the markup."""
    if not fast_way():
        return None
    from lxml.html import fromstring
    from trafilatura.readability_lxml import Document as Readability

    try:
        summary = fromstring(Readability(copy.deepcopy(tree), min_text_length=25).summary())
    except Exception:  # the port gives up on some trees (empty, no body): nothing found
        return []
    blocks = []
    for element in summary.iter(*_PORT_BLOCKS):
        if any(True for _ in element.iterdescendants(*_PORT_BLOCKS)):
            continue
        text = " ".join(element.text_content().split())
        if text:
            blocks.append(text)
    return blocks


_NOTHING = SimpleNamespace(text="", body=None)


def extract(tree, url: str | None, **options):
    """trafilatura's extraction of the page: `.text`, "" when there is none, and `.body`."""
    import trafilatura

    result = trafilatura.bare_extraction(tree, url=url, include_comments=False,
                                         include_tables=True, with_metadata=False, **options)
    if result is None or not result.text:
        return _NOTHING
    return _rendered(result.body) if fast_way() else SimpleNamespace(text=result.text, body=result.body)


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
        text, tail = element.text, element.tail
        if not (text and "\n" in text or tail and "\n" in tail):
            continue  # most elements: nothing to undo, and no ancestors to look up
        if element.tag == "code" or next(element.iterancestors("code"), None) is not None:
            continue
        if text and "\n" in text:
            element.text = _WRAP.sub(" ", text)
        if tail and "\n" in tail:
            element.tail = _WRAP.sub(" ", tail)
    text = xmltotxt(body, False)
    return SimpleNamespace(text=text, body=body) if text else _NOTHING


def fast_passes(tree, url: str | None):
    """The broad (`fast, favor_recall`) and precise (`fast, favor_precision`) extractions,
    as `extract` gives them, pruning the raw tree once for both.

    trafilatura.bare_extraction copies the tree and prunes it with the same raw-tree
    XPaths in both modes, an eighth of the page's time; here one copy is pruned once
    and each mode runs the rest of trafilatura's sequence (core.trafilatura_sequence
    with comments off and fast on: cleaning and tag conversion as core._prepare_tree
    does them, less the backup copy only the readability/jusText comparison reads,
    extraction, the baseline rescue in recall mode).  That sequence is trafilatura's
    internals: on another version, or on a forum thread (pruned differently by mode),
    bare_extraction runs.  tests/test_trafilatura_adapter.py holds both ways equal on the sample pages.

    The raw-tree XPaths test classes and ids with regular expressions: one the page's
    classes and ids cannot match (xpath_needs) does not run, which on most pages leaves the
    tree unpruned and uncopied; the others run guarded (`_quick`).  The comment pruning of
    the precise pass is asked of the page's attributes too: cleaning and tag conversion
    rename tags and write rend, href and the like, never a class or an id.
    """
    if fast_way():
        from trafilatura import core
    if not fast_way() or core._forum_thread_page(tree):
        return (extract(tree, url, fast=True, favor_recall=True),
                extract(tree, url, fast=True, favor_precision=True))
    page = PageAttributes(tree, attributes_needed(_paths(
        core.RAW_TREE_PRUNE_XPATH, core.REMOVE_COMMENTS_AND_LISTS_XPATH, core.REMOVE_COMMENTS_XPATH)))
    raw = tree  # copied before the first pruning that may remove something
    for expressions in (core.RAW_TREE_PRUNE_XPATH, core.REMOVE_COMMENTS_AND_LISTS_XPATH):
        live = [_quick(expression, page) for expression in expressions if page.may_select(expression.path)]
        if live:
            raw = core.prune_unwanted_nodes(copy.copy(raw) if raw is tree else raw, live)
    comments = [_quick(expression, page) for expression in core.REMOVE_COMMENTS_XPATH
                if page.may_select(expression.path)]
    results = []
    for focus in ("recall", "precision"):
        options = _options(focus, url)
        # cleaning changes the tree it is given: the last pass may have the pruned copy itself
        given = raw if focus == "precision" and raw is not tree else copy.copy(raw)
        cleaned = core.convert_tags(core.tree_cleaning(given, options), options, url)
        if focus == "precision" and comments:
            cleaned = core.prune_unwanted_nodes(cleaned, comments)
        body, text = core.extract_content(cleaned, options)
        if len(text) < options.min_extracted_size and focus != "precision":
            b_body, b_text, b_len = core.baseline(raw)
            if b_len > len(text):
                body, text = b_body, b_text
        if options.max_tree_size and len(body) > options.max_tree_size:
            results.append(extract(tree, url, fast=True, favor_recall=focus == "recall",
                                   favor_precision=focus == "precision"))
            continue
        results.append(_rendered(body) if len(text) >= options.min_output_size else _NOTHING)
    return tuple(results)


def _paths(*expressions) -> tuple[str, ...]:
    return tuple(expression.path for group in expressions for expression in group)


def _quick(expression, page: PageAttributes):
    """trafilatura's XPath with its regex tests guarded by the literals the page's attributes
    hold (`PageAttributes.guarded`): the same elements, a third to two thirds faster; the
    XPath itself where there is nothing to guard."""
    quicker = page.guarded(expression.path)
    return expression if quicker == expression.path else _guarded(quicker) or expression


@functools.lru_cache(maxsize=1024)
def _guarded(path: str):
    """`path`, compiled once; None where it does not compile (the original runs instead)."""
    from lxml.etree import XPath, XPathError
    from trafilatura.xpaths import REGEXP_NS

    try:
        return XPath(path, namespaces={"re": REGEXP_NS})
    except XPathError:
        return None


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


def deficient(body) -> bool:
    """No paragraph text, or more tables than paragraphs: where trafilatura's comparison
    prefers readability's extraction to its own (external.py, _prefer_readability)."""
    return body is None or compiled("not(.//p//text()) or count(.//table) > count(.//p)")(body)
