"""XPaths as cleannews runs them: compiled once, and the members of a union (`a | b | c`), each
with the literals it needs to match."""
from __future__ import annotations

import functools
import re

_ATTRIBUTE_LITERAL = re.compile(r"(?:contains|starts-with)\(@([\w:-]+),\s*'([^'&<\"]+)'\)|@([\w:-]+)\s*=\s*'([^'&<\"]+)'")


@functools.lru_cache(maxsize=4096)
def compiled(expression: str):
    """`expression` compiled, once for the run (lxml compiles a string XPath at each call)."""
    from lxml.etree import XPath

    return XPath(expression)


@functools.lru_cache(maxsize=4096)
def union_members(xpath: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The members of a selector's XPath union, each with the literals it needs in the
    page's source: the values of its `contains(@a, 'x')`, `starts-with(@a, 'x')` and
    `@a = 'x'` tests, all needed when no `or` or `not(` makes one optional (a member
    with those needs nothing).  An attribute value holds its literal as the page has
    it, unless written with character references."""
    members, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(xpath):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "|" and depth == 0:
            members.append(xpath[start:i].strip())
            start = i + 1
    members.append(xpath[start:].strip())
    result = []
    for member in members:
        bare = re.sub(r"'[^']*'|\"[^\"]*\"", "''", member)
        needs = () if re.search(r"(?<![\w.-])(?:or(?![\w.-])|not\s*\()", bare) else tuple(
            b or d for _, b, _, d in _ATTRIBUTE_LITERAL.findall(member))
        result.append((needs, member))
    return tuple(result)


@functools.lru_cache(maxsize=4096)
def literal_attributes(xpath: str) -> frozenset[str]:
    """The attributes whose values hold the literals `union_members` reads from `xpath`: a
    page where none of their values holds a member's literal cannot match that member."""
    return frozenset(a or c for a, _, c, _ in _ATTRIBUTE_LITERAL.findall(xpath))
