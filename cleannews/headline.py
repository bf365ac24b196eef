"""Find the headline of a page: it goes to the title and out of the body.

In text scraped from a page the headline is the last short, unpunctuated
line before the article's first real paragraph; in Markdown it is the
heading there; in extracted HTML it is a first block repeating the title.
"""
from __future__ import annotations

import regex

from cleannews.document import Document
from cleannews.ruleset import normalize

BODY_WORDS = 20  # the first kept block this long starts the article body
_NOT_A_HEADLINE = regex.compile(r"[.:;,\u3002]$|^(?:by|von|par|por|di|door|автор)\s", regex.I)
_DATE_LIKE = regex.compile(r"^[\d\s/.:,-]+$|\b(?:19|20)\d\d\b.*\d:\d\d")


def find_headline(doc: Document) -> Document:
    kept = [i for i, b in enumerate(doc.blocks) if b.kept]
    if not kept:
        return doc
    if doc.kind == "html":
        title = doc.metadata.get("title")
        first = doc.blocks[kept[0]]
        if title and (normalize(first.text) == normalize(title) or normalize(title).startswith(normalize(first.text))):
            doc.remove(kept[0], "headline", "title")
        return doc
    body = next((i for i in kept if len(doc.blocks[i].text.split()) >= BODY_WORDS), None)
    if body is None:
        return doc
    before = [i for i in kept if i < body]
    if doc.kind == "markdown":
        headings = [i for i in before if doc.blocks[i].heading]
        level_one = [i for i in headings if doc.blocks[i].raw.lstrip().startswith("# ")]
        candidates = level_one or headings
        chosen = candidates[-1] if candidates else None
    else:
        chosen = next((i for i in reversed(before) if _looks_like_headline(doc.blocks[i].text)), None)
    if chosen is not None:
        doc.metadata["title"] = doc.blocks[chosen].text
        doc.remove(chosen, "headline", "title")
    return doc


def _looks_like_headline(text: str) -> bool:
    words = len(text.split())
    return (3 <= words <= 30 and len(text) <= 250 and not _NOT_A_HEADLINE.search(text)
            and not _DATE_LIKE.search(text) and not text[:1].islower())
