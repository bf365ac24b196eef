"""What is worked out once for a line of text, shared across the pages of a run.

A short line ("Advertisement", a menu item, a share button) comes back on page after
page of a site: half the lines of the 181 benchmark pages repeat one seen before.  Its
normal form, its stopword counts and the rule engine's answers for it are worked out once
and shared by every block of the same text.  The rule set a run loads owns one `Lines`
(`Rules.lines`); a run may clear it or size it.  Long lines (article text) are seldom
seen twice and keep their own.
"""
from __future__ import annotations

from cleannews.engine.matching import normalize
from cleannews.language import tally

MAX_CHARS = 200  # lines longer than this are article text, seldom seen twice: not shared
MAX_LINES = 20_000  # distinct lines whose work is kept (a few MB)


class Lines:
    def __init__(self, max_lines: int = MAX_LINES, max_chars: int = MAX_CHARS):
        self.max_lines, self.max_chars = max_lines, max_chars
        self.known: dict[str, list] = {}  # line text -> [norm, tally or None, memo]

    def __len__(self) -> int:
        return len(self.known)

    def clear(self) -> None:
        self.known.clear()

    def fill(self, blocks, counts: bool = True) -> None:
        """Give each block its normal form, its memo (the rule engine's answers for its text, and
        what the text classifier reads of it) and, with `counts`, its stopword counts (an HTML
        page whose language its markup names needs none): a line seen before takes what was
        worked out for it then."""
        known = self.known
        for block in blocks:
            if block.norm is not None and (block.tally or not counts):
                continue  # filled already (or took an earlier pass's work)
            text = block.text
            facts = known.get(text)
            if facts is None:
                facts = [normalize(text), None, {}]
                if len(text) <= self.max_chars:
                    if len(known) >= self.max_lines:
                        known.clear()  # bounded memory; the common lines come back at once
                    known[text] = facts
            if counts and facts[1] is None:
                facts[1] = tally(text)
            block.norm, block.memo = facts[0], facts[2]
            block.tally = facts[1] or ()
