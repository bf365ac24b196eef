"""Apply the active rule sets to a document's blocks.

Spans and trailers run first (they see the page as it came), then block
rules; the first rule to claim a block is the one the report names.
"""
from __future__ import annotations

from cleannews.document import Document
from cleannews.matching import PatternTimeout
from cleannews.ruleset import Active


def apply_rules(doc: Document, active: Active) -> Document:
    blocks = doc.blocks
    n = len(blocks)
    if not n:
        return doc
    norms = [b.norm for b in blocks]
    words = [b.words for b in blocks]

    timed_out: set = set()  # a pattern that ran out of time once is not run again on this document

    def test(matcher, i):
        if matcher.rule_id in timed_out:
            return False
        # a Matcher's answer depends on the text alone: kept on the block, so that a round of
        # `pipeline._settle` (the same texts again) does not search again
        memo = blocks[i].memo
        seen = memo.get(id(matcher))
        if seen is not None and seen[0] is matcher:
            return seen[1]
        try:
            found = matcher(blocks[i].text, norms[i], words[i])
        except PatternTimeout as exc:
            timed_out.add(exc.rule_id)
            doc.metadata.setdefault("rule_errors", []).append(exc.rule_id)
            return False
        memo[id(matcher)] = (matcher, found)
        return found

    def candidates(index, i):
        memo = blocks[i].memo
        found = memo.get(index)
        if found is None:
            found = memo[index] = index.candidates(blocks[i].text, norms[i], words[i])
        return found

    spans, trailers, block_rules = active.spans, active.trailers, active.blocks
    if spans:
        starts = [set(candidates(active.start_index, i)) for i in range(n)]
        for k, rule in enumerate(spans):
            i = 0
            while i < n:
                if k in starts[i] and test(rule.start, i):
                    end = next((j for j in range(i, min(n, i + rule.max_blocks + 1)) if test(rule.end, j)), None)
                    if end is not None:
                        for j in range(i, end + 1):
                            doc.remove(j, rule.id, rule.category)
                        i = end
                i += 1
    if trailers:
        index = active.trailer_index
        within = max(r.within for r in trailers)
        hits = {i: set(candidates(index, i)) for i in range(max(0, n - within), n)}
        for k, rule in enumerate(trailers):
            for i in range(max(0, n - rule.within), n):
                if k in hits[i] and test(rule.match, i):
                    for j in range(i, n):
                        doc.remove(j, rule.id, rule.category)
                    break
    if block_rules:
        index = active.block_index
        for i in range(n):
            if blocks[i].removal is not None:
                continue
            for k in candidates(index, i):
                rule = block_rules[k]
                if test(rule.match, i):
                    doc.remove(i, rule.id, rule.category)
                    break
    return doc
