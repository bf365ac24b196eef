"""Apply the active rule sets to a document's blocks.

Spans and trailers run first (they see the page as it came), then block
rules; the first rule to claim a block is the one the report names.
"""
from __future__ import annotations

from cleannews.document import Document
from cleannews.engine.lines import Lines
from cleannews.engine.matching import Page, PatternTimeout
from cleannews.engine.ruleset import Active
from cleannews.pipeline.blocks import running_text

TRAILER_PROSE_WORDS = 20  # a block this long that ends as a sentence is a paragraph, not a link


def apply_rules(doc: Document, active: Active, lines: Lines | None = None) -> Document:
    """Remove the blocks the active rules match.  `lines`: the run's shared line facts (the rule
    set's own, `Rules.lines`); blocks made elsewhere (rule examples) get fresh ones."""
    (lines or Lines()).fill(doc.blocks, counts=False)
    blocks = doc.blocks
    n = len(blocks)
    if not n:
        return doc
    # a pattern that ran out of time once is not run again on this document (nor on its clean
    # text judged again: pipeline._settle hands the errors on)
    timed_out: set = set(doc.metadata.get("rule_errors", ()))

    def test(matcher, i):
        if matcher.rule_id in timed_out:
            return False
        # a Matcher's answer depends on the text alone: kept on the block, so that a round of
        # `pipeline._settle` (the same texts again) does not search again
        block = blocks[i]
        memo = block.memo
        seen = memo.get(id(matcher))
        if seen is not None and seen[0] is matcher:
            return seen[1]
        try:
            found = matcher(block.text, block.norm, block.words)
        except PatternTimeout as exc:
            timed_out.add(exc.rule_id)
            errors = doc.metadata.setdefault("rule_errors", [])
            if exc.rule_id not in errors:  # the clean text judged again meets the same pattern
                errors.append(exc.rule_id)
            return False
        memo[id(matcher)] = (matcher, found)
        return found

    def remove(j, rule, matcher=None):
        """Block j removed by `rule`, naming what in `matcher` matched it (the first rule to claim
        a block is the one the report names)."""
        block = blocks[j]
        if block.removal is None:
            doc.remove(j, rule.id, rule.category)
            if matcher is not None:
                block.removal.matched = matcher.which(block.text, block.norm)

    pages: dict = {}  # the blocks an index reads -> their Page, shared by the indexes

    def candidates(index, first=0):
        """The candidates of blocks[first:] (see Index.candidates_many), kept on each block: only
        the blocks that do not know theirs yet (from a block of the same text) are read."""
        todo = tuple(i for i in range(first, n) if index not in blocks[i].memo)
        if todo:
            page = pages.get(todo)
            if page is None:
                page = pages[todo] = Page([blocks[i].text for i in todo], [blocks[i].words for i in todo])
            for i, found in zip(todo, index.candidates_many(page)):
                blocks[i].memo[index] = found
        return [b.memo[index] for b in blocks[first:]]

    spans, trailers, block_rules = active.spans, active.trailers, active.blocks
    if spans:
        starts = [(i, set(found)) for i, found in enumerate(candidates(active.start_index)) if found]
        for k, rule in enumerate(spans):
            after = -1  # a span's blocks are not searched for its next start
            for i, found in starts:
                if i <= after or k not in found or not test(rule.start, i):
                    continue
                end = next((j for j in range(i, min(n, i + rule.max_blocks + 1)) if test(rule.end, j)), None)
                if end is not None:
                    for j in range(i, end + 1):
                        remove(j, rule, rule.start if j == i else rule.end if j == end else None)
                    after = end
    if trailers:
        first = max(0, n - max(r.within for r in trailers))
        hits = candidates(active.trailer_index, first)  # short lists: no set made for each block
        for k, rule in enumerate(trailers):
            for i in range(max(0, n - rule.within), n):
                if k in hits[i - first] and test(rule.match, i) \
                        and not (rule.followed_by == "links" and _prose_after(blocks, i)):
                    for j in range(i, n):
                        remove(j, rule, rule.match if j == i else None)
                    break
    if block_rules:
        for i, found in enumerate(candidates(active.block_index)):
            if blocks[i].removal is not None:
                continue
            for k in found:
                rule = block_rules[k]
                if test(rule.match, i):
                    remove(i, rule, rule.match)
                    break
    return doc


def _prose_after(blocks, i: int) -> bool:
    """Whether a block after a trailer's heading (one no rule took) reads as article text: then
    the heading ("Trending", "Related") stands inside the article, not above a list of links."""
    return any(b.removal is None and running_text(b.text, b.words, TRAILER_PROSE_WORDS) for b in blocks[i + 1:])
