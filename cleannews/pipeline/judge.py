"""Decide whether what is left of a page is an article at all.

A cookie wall, a paywall stub or an index page leaves a few lines after
cleaning ("More options", a teaser, a list of headlines).  Presenting those
as an article is worse than an empty text: a corpus fills with them.  Such
a page is emptied, each block reported, and its metadata says why.
"""
from __future__ import annotations

from cleannews.document import Document
from cleannews.engine.lines import Lines
from cleannews.engine.matching import normalize

WALLS = frozenset({"cookie", "paywall", "signin"})
WALL_WORDS = 30  # what a wall leaves around its appeal; a news brief is longer
LINK_SHARE = 0.8  # share of kept blocks that are whole link texts on an index page
PROSE_WORDS = 20  # a block this long that is not a link text is article prose


def link_texts(tree) -> "LinkTexts":
    """The texts of the page's links (worth knowing before extraction loses them)."""
    return LinkTexts({a.text_content() for a in tree.iter("a")})


class LinkTexts:
    """A page's link texts, asked whether a normalised block text is one of them.

    Normalising every link text cost as much as the rest of judging; most are short
    ("Home", "Sports") and a block is only ever looked for among those long enough to
    normalise to it (casefolding makes a character at most three), so texts are
    normalised longest first, as far as the shortest block asked about needs.
    """

    def __init__(self, texts):
        self.texts = sorted(texts, key=len, reverse=True)
        self.normalised = set()
        self.done = 0  # texts[:done] are in `normalised`

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __contains__(self, norm: str) -> bool:
        if not norm:
            return False
        texts, done = self.texts, self.done
        while done < len(texts) and 3 * len(texts[done]) >= len(norm):
            self.normalised.add(normalize(texts[done]))
            done += 1
        self.done = done
        return norm in self.normalised


def judge(doc: Document, links=frozenset(), rules=None) -> Document:
    """`links`: the page's link texts (`link_texts`), or a set of normalised ones; `rules`
    (cleannews.engine.ruleset.Rules): a verdict --disable turned off empties nothing."""
    kept = [i for i, b in enumerate(doc.blocks) if b.kept]
    if not kept:
        return doc

    def enabled(label: str) -> bool:
        return rules is None or rules.enabled(label, "boilerplate", "judge")

    Lines().fill(doc.blocks, counts=False)  # a document made outside the pipeline; filled ones are left
    walls = {r.category for r in doc.removed} & WALLS
    if walls and sum(doc.blocks[i].words for i in kept) < WALL_WORDS and enabled("no-article.wall"):
        return _empty(doc, kept, "no-article.wall", f"no article: a {'/'.join(sorted(walls))} wall or stub")
    if links and len(kept) >= 3 and enabled("no-article.links") and _index_page(doc, kept, links):
        return _empty(doc, kept, "no-article.links", "no article: a list of links (an index page)")
    return doc


def _index_page(doc: Document, kept: list[int], links) -> bool:
    """Whether the kept blocks are link texts (LINK_SHARE of them) and none is prose.

    The longest blocks are looked up first and the answer is known at the first
    prose block or once too few links are left, which on an article is the first
    block: its lookup is the cheapest (see LinkTexts).
    """
    blocks = sorted((doc.blocks[i] for i in kept), key=lambda b: len(b.text), reverse=True)
    not_linked = 0
    for block in blocks:
        if block.norm not in links:
            if block.words >= PROSE_WORDS:
                return False
            not_linked += 1
            if len(kept) - not_linked < LINK_SHARE * len(kept):
                return False
    return True


def _empty(doc: Document, kept: list[int], rule: str, reason: str) -> Document:
    for i in kept:
        doc.remove(i, rule, "boilerplate", "judge")
    doc.metadata["empty"] = reason
    return doc
