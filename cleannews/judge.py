"""Decide whether what is left of a page is an article at all.

A cookie wall, a paywall stub or an index page leaves a few lines after
cleaning ("More options", a teaser, a list of headlines).  Presenting those
as an article is worse than an empty text: a corpus fills with them.  Such
a page is emptied, each block reported, and its metadata says why.
"""
from __future__ import annotations

from cleannews.document import Document
from cleannews.matching import normalize

WALLS = frozenset({"cookie", "paywall", "signin"})
WALL_WORDS = 30  # what a wall leaves around its appeal; a news brief is longer
LINK_SHARE = 0.8  # share of kept blocks that are whole link texts on an index page
PROSE_WORDS = 20  # a block this long that is not a link text is article prose


def link_texts(tree) -> frozenset:
    """The normalised texts of the page's links (worth knowing before extraction loses them)."""
    return frozenset(filter(None, map(normalize, {a.text_content() for a in tree.iter("a")})))


def judge(doc: Document, links: frozenset = frozenset()) -> Document:
    kept = [i for i, b in enumerate(doc.blocks) if b.kept]
    if not kept:
        return doc
    words = [doc.blocks[i].words for i in kept]
    walls = {r.category for r in doc.removed} & WALLS
    if walls and sum(words) < WALL_WORDS:
        return _empty(doc, kept, "no-article.wall", f"no article: a {'/'.join(sorted(walls))} wall or stub")
    if links and len(kept) >= 3:
        linked = [doc.blocks[i].norm in links for i in kept]
        prose = any(n >= PROSE_WORDS and not is_link for n, is_link in zip(words, linked))
        if sum(linked) >= LINK_SHARE * len(kept) and not prose:
            return _empty(doc, kept, "no-article.links", "no article: a list of links (an index page)")
    return doc


def _empty(doc: Document, kept: list[int], rule: str, reason: str) -> Document:
    for i in kept:
        doc.remove(i, rule, "boilerplate")
    doc.metadata["empty"] = reason
    return doc
