"""Find the headline of a page: it goes to the title and out of the body.

In text scraped from a page the headline is a short, unpunctuated line above
the article's first real paragraph that the page's shape marks (a breadcrumb
ending with it, a byline or dateline beside it); in Markdown it is the heading
there; in extracted HTML it is a first block repeating the title.  A line is
moved only when it is the headline: anything else stays where it was.
"""
from __future__ import annotations

import regex

from cleannews.document import Document
from cleannews.engine.matching import normalize

BODY_WORDS = 20  # the first kept block this long starts the article body
WINDOW = 12  # lines above the body where a text page's headline is looked for
BYLINE_GAP = 3  # a headline stands at most this many lines from its byline or dateline
_BYLINE = regex.compile(r"^(?:by|von|par|por|di|door|автор)\s", regex.I)
_NOT_A_HEADLINE = regex.compile(r"[.:;,\u3002]$|^(?:by|von|par|por|di|door|автор)\s", regex.I)
_DATE_LIKE = regex.compile(
    r"^[\d\s/.:,-]+$"  # digits and separators only
    r"|\b(?:19|20)\d\d\b.*\d:\d\d"  # a year, then a clock time
    r"|\b\d{1,2}(?:st|nd|rd|th)?\.?,?\s+(?:\p{L}+\.?,?\s+)?(?:19|20)\d\d\b"  # Nov. 19, 2019 / 19. November 2019
    r"|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b"  # 19.11.2019, 2019-11-19, 11/19/19
    r"|\b\d{1,2}[./-]\p{L}{3,9}\.?[./-]\s?(?:19|20)\d\d\b"  # 21.dez.2018, 3-Jun-2021
    r"|\b\d+\s*(?:/|\p{Ll}{1,3})\s*\d+\s*$")  # a counter: Image 1 of 23, Bild 3/10


def find_headline(doc: Document, rules=None) -> Document:
    """`rules` (cleannews.engine.ruleset.Rules): with the stage disabled (--disable headline), no
    line moves to the title."""
    kept = [i for i, b in enumerate(doc.blocks) if b.kept]
    if not kept or (rules is not None and not rules.enabled("headline", "title", "headline")):
        return doc
    if doc.kind == "html":
        title = doc.metadata.get("title")
        first = doc.blocks[kept[0]]
        if title and (normalize(first.text) == normalize(title) or normalize(title).startswith(normalize(first.text))):
            doc.remove(kept[0], "headline", "title", "headline")
        return doc
    body = next((i for i in kept if doc.blocks[i].words >= BODY_WORDS), None)
    if body is None:
        return doc
    before = [i for i in range(body) if _open(doc, i)]
    if doc.kind == "markdown":
        headings = [i for i in before if doc.blocks[i].heading]
        level_one = [i for i in headings if doc.blocks[i].raw.lstrip().startswith("# ")]
        candidates = level_one or headings
        chosen = candidates[-1] if candidates else None
    elif any(not doc.blocks[i].kept for i in range(body)):
        # Text: a headline stands among page furniture that went, above the body; a page
        # whose top lost nothing (a page cleaned already) has had its headline taken.
        chosen = _text_headline(doc, body, before)
    else:
        chosen = None
    if chosen is not None:
        doc.metadata["title"] = doc.blocks[chosen].text
        doc.blocks[chosen].removal = None  # the classifier may have taken it for furniture: it is the title
        doc.remove(chosen, "headline", "title", "headline")
    return doc


def _open(doc: Document, i: int) -> bool:
    """Block `i` may be the headline: kept, or taken by the classifier, which takes the
    headline for furniture (it lies outside the article); a rule's removal is final."""
    removal = doc.blocks[i].removal
    return removal is None or removal.stage == "classifier"


def _text_headline(doc: Document, body: int, before: list[int]) -> int | None:
    """The headline of a text page: the line the page's own shape marks as the title.

    Looked for among the WINDOW lines above the article's first paragraph that may
    be the headline (`before`, see `_open`), on evidence, strongest first: a line
    another line ends with (a breadcrumb, a share box); the headline-like line
    nearest a byline or dateline (above it or below); and failing both, the last
    headline-like line above the article that furniture stands above (a short line
    inside the article, a subheading or a quote, has article text above it).
    """
    window = [i for i in before if i >= body - WINDOW]
    texts = {i: doc.blocks[i].text for i in window}
    candidates = [i for n, i in enumerate(window)
                  if _looks_like_headline(texts[i]) and not _decorates(texts[i], [texts[j] for j in window[:n]])]
    if not candidates:
        return None
    norms = [b.norm or normalize(b.text) for b in doc.blocks]
    for i in reversed(candidates):
        headline = norms[i]
        if any(j != i and _echoes(norm, headline) for j, norm in enumerate(norms) if len(norm) > len(headline) + 2):
            return i
    for i in range(max(0, body - WINDOW), body):
        if _BYLINE.search(doc.blocks[i].text) or _DATE_LIKE.search(doc.blocks[i].text):
            near = [c for c in candidates if 0 < abs(c - i) <= BYLINE_GAP]
            if near:  # the nearest; of two as near, the one below (nearer the body)
                return min(near, key=lambda c: (abs(c - i), -c))
    top = [c for c in candidates if c == 0 or not doc.blocks[c - 1].kept]
    return top[-1] if top else None


def _echoes(text: str, headline: str) -> bool:
    """`text` ends with the headline after a separator: a breadcrumb ("News > Sport >
    <headline>"), a share box ("Share: <headline>").  A line repeated whole tells
    nothing: menus repeat their items."""
    return len(text) > len(headline) + 2 and text.endswith(headline) and not text[-len(headline) - 1].isalnum()


def _looks_like_headline(text: str) -> bool:
    words = len(text.split())
    return (3 <= words <= 30 and len(text) <= 250 and "\t" not in text and not _NOT_A_HEADLINE.search(text)
            and not _DATE_LIKE.search(text) and not text[:1].islower())


def _decorates(text: str, earlier: list[str]) -> bool:
    """The line repeats an earlier headline-like line with words around it
    ("Share options for: <headline>", "Home > News > <headline>")."""
    return any(len(e) < len(text) and e in text and _looks_like_headline(e) for e in earlier)
