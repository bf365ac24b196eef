"""What a site's own rules say about one of its pages: where the article is (`body` rules),
its title, author and date (`metadata` rules), and which of its strips to trust.

Site rules go stale: a site changes its layout and the XPath written for the old one
matches nothing, a teaser, or the article itself.  So none of these is a verdict.  A body
is a strong signal for the block model, given only when it holds at least BODY_SHARE of
what the extraction found without it; a strip that would take more than STRIP_SHARE of
the article's text is left out, and said.  Each function is pure: a tree and the rules in,
values out; the pipeline decides what to do with them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from cleannews.engine.ruleset import Active, Rule
from cleannews.errors import InputError
from cleannews.pipeline.xpath_union import union_members

BODY_SHARE = 0.5  # a body holding less of the extraction's text than this is stale, or a teaser
STRIP_SHARE = 0.5  # a strip taking more of the article's text than this is stale
MIN_ARTICLE_CHARS = 500  # a body under this is too small to measure strips against: the page's text is
MAX_TITLE_CHARS = 400  # a metadata match longer than this took a block of text, not a title
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BY = re.compile(r"^by\s+", re.IGNORECASE)


@dataclass
class SiteBody:
    """Where the site's rules put the article: the elements one body rule matched, their text,
    and why the body rules before it were passed over (rule id, reason)."""

    rule: Rule | None = None
    elements: list = field(default_factory=list)
    text: str = ""
    stale: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.elements)

    def holds(self, line: str) -> bool:
        """Whether a line of extracted text stands inside the body (spacing aside)."""
        line = " ".join(line.split())
        return bool(line) and line in self.text


def text_of(element) -> str:
    """The text a reader sees in an element: no scripts or styles, spacing collapsed."""
    return " ".join("".join(_visible_text()(element)).split())


@functools.cache
def _visible_text():
    from lxml.etree import XPath

    return XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::noscript "
                 "or ancestor::template)]")


def _outermost(elements: list) -> list:
    """The elements none of the others holds (a union may match a parent and its child)."""
    chosen = set(map(id, elements))
    return [e for e in elements if not any(id(a) in chosen for a in e.iterancestors())]


def _select(rule: Rule, tree, source: str = "<page>") -> list | None:
    """What `rule` matches, None when it cannot be evaluated on this page (it is stale then)."""
    try:
        return rule.select(tree, source=source)
    except InputError:
        return None


def body(tree, active: Active, extracted_chars: int | None = None, source: str = "<page>") -> SiteBody:
    """The article's place by the site's body rules: the first, in file order, that matches
    elements holding at least BODY_SHARE of `extracted_chars` (the length of what the
    extraction found without it; None: not compared).  Empty (false) when none does; the
    rules passed over are in `stale`.  A match of several elements is taken whole, as
    Full-Text RSS takes it."""
    found = SiteBody()
    for rule in active.bodies:
        elements = _select(rule, tree, source)
        if elements is None:
            found.stale.append((rule.id, "cannot be evaluated on this page"))
            continue
        elements = _outermost([e for e in elements if isinstance(getattr(e, "tag", None), str)])
        if not elements:
            found.stale.append((rule.id, "matches nothing"))
            continue
        text = " ".join(text_of(e) for e in elements)
        if extracted_chars is not None and len(text) < BODY_SHARE * extracted_chars:
            found.stale.append((rule.id, f"holds {len(text):,} characters, under half of the "
                                         f"{extracted_chars:,} extracted without it"))
            continue
        found.rule, found.elements, found.text = rule, elements, text
        break
    return found


@functools.cache
def _paragraphs():
    from lxml.etree import XPath

    return XPath("descendant-or-self::p")


def prose_chars(tree) -> int:
    """The characters of the page's paragraphs: where its article is, most often, whatever the
    site's body rule says (a paywalled page keeps its teaser in the box a strip removes)."""
    return sum(len(text_of(p)) for p in _paragraphs()(tree))


def site_metadata(tree, active: Active, source: str = "<page>") -> dict:
    """The title, author and date the site's metadata rules read: for each field the first
    rule, in file order, that gives a value (several authors joined by "; ").  A date is
    given as YYYY-MM-DD, as trafilatura gives it, or not at all."""
    found = {}
    for rule in active.metadata:
        if rule.meta_field in found:
            continue
        value = _value(rule, _select(rule, tree, source))
        if value:
            found[rule.meta_field] = value
    return found


def _value(rule: Rule, result) -> str | None:
    if result is None:
        return None
    items = result if isinstance(result, list) else [result]
    texts = []
    for item in items:
        text = text_of(item) if isinstance(getattr(item, "tag", None), str) else " ".join(str(item).split())
        if text and text not in texts and len(text) <= MAX_TITLE_CHARS:
            texts.append(text)
    if not texts:
        return None
    if rule.meta_field == "date":
        return _date(texts[0])
    if rule.meta_field == "author":  # "By Jane Doe", as a byline has it; trafilatura gives the name
        return "; ".join(dict.fromkeys(_BY.sub("", t) for t in texts))
    return texts[0]


def _date(text: str) -> str | None:
    """An ISO date in what the rule read, else nothing (trafilatura's date stands): a written-out
    date would need dateparser, whose search through every locale costs a second a page."""
    iso = _ISO_DATE.search(text)
    return iso.group() if iso else None


def usable_strips(tree, active: Active, content: str | None = None,
                  source: str = "<page>") -> tuple[list[Rule], list[tuple[str, str]]]:
    """The selector rules of `active` to drop elements by: its own selectors and the imported
    strips (`active.strips`), less the site strips that would take more than STRIP_SHARE of
    the article's text (the site's body, when one matches with MIN_ARTICLE_CHARS or more,
    else the page's) or of the text of the page's paragraphs, with those left out as (rule
    id, reason).  Rules that belong to no
    site pass untouched, at no cost.  `content`: the page's source, which spares evaluating
    a strip whose attribute values it does not contain."""
    selectors = active.selectors + active.strips
    site_strips = [r for r in selectors if r.sites]
    if not site_strips:
        return selectors, []
    article = body(tree, active, source=source).text
    if len(article) < MIN_ARTICLE_CHARS:
        page = tree.find("body")
        article = text_of(page if page is not None else tree)
    prose = prose_chars(tree)
    stale, reasons = set(), []
    for rule in site_strips:
        if content is not None and not any(all(lit in content for lit in needs)
                                           for needs, _ in union_members(rule.xpath)):
            continue
        elements = _outermost(_select(rule, tree, source) or [])
        taken = sum(len(text_of(e)) for e in elements)
        taken_prose = sum(prose_chars(e) for e in elements)
        if article and taken > STRIP_SHARE * len(article):
            stale.add(rule.id)
            reasons.append((rule.id, f"would remove {taken:,} of the article's {len(article):,} characters"))
        elif prose and taken_prose > STRIP_SHARE * prose:
            stale.add(rule.id)
            reasons.append((rule.id, f"would remove {taken_prose:,} of the {prose:,} characters of the page's paragraphs"))
    return [r for r in selectors if r.id not in stale], reasons
