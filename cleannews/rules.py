"""Apply the active rule sets to a document's blocks.

Spans and trailers run first (they see the page as it came), then block
rules; the first rule to claim a block is the one the report names.
"""
from __future__ import annotations

from cleannews.document import Document
from cleannews.ruleset import Active, PatternTimeout, normalize


def apply_rules(doc: Document, active: Active) -> Document:
    blocks = doc.blocks
    n = len(blocks)
    if not n:
        return doc
    norms = [normalize(b.text) for b in blocks]
    words = [len(b.text.split()) for b in blocks]

    def test(matcher, i):
        try:
            return matcher(blocks[i].text, norms[i], words[i])
        except PatternTimeout as exc:
            errors = doc.metadata.setdefault("rule_errors", [])
            if exc.rule_id not in errors:
                errors.append(exc.rule_id)
            return False

    for rule in active.spans:
        i = 0
        while i < n:
            if test(rule.start, i):
                end = next((j for j in range(i, min(n, i + rule.max_blocks + 1)) if test(rule.end, j)), None)
                if end is not None:
                    for j in range(i, end + 1):
                        doc.remove(j, rule.id, rule.category)
                    i = end
            i += 1
    for rule in active.trailers:
        for i in range(max(0, n - rule.within), n):
            if test(rule.match, i):
                for j in range(i, n):
                    doc.remove(j, rule.id, rule.category)
                break
    for i in range(n):
        if blocks[i].removal is not None:
            continue
        for rule in active.blocks:
            if test(rule.match, i):
                doc.remove(i, rule.id, rule.category)
                break
    return doc
