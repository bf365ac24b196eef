"""What an XPath needs of a page to select anything: a literal in some attribute's value.

trafilatura's pruning and author XPaths test an element's `class` and `id` with regular
expressions (`re:test(@class, 'author|byline')`), which lxml answers by calling Python for
every element the XPath visits: on most pages they select nothing, at a millisecond each.
Each such test holds a literal whatever it matches ("author" or "byline"), so a page where
no `class` or `id` value holds one cannot match it, and the XPath need not run there.
`needs` reads those literals from the XPath's text; `may_select` asks a page's attribute
values (`PageAttributes`, gathered once for all the XPaths asked about).  An XPath whose
text does not say (a test of an element's children, an `or` with `self::div`) always runs.
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple

from cleannews.pipeline.xpath_union import union_members

_ATTRIBUTES = r"@[\w:.-]+(?:\s*\|\s*@[\w:.-]+)*"
_LITERAL = r"'[^']*'|\"[^\"]*\""
_ATOM = re.compile(rf"(?P<fn>contains|starts-with|re:test)\(\s*(?P<attrs>{_ATTRIBUTES})\s*,\s*(?P<lit>{_LITERAL})\s*\)"
                   rf"|(?P<attr>@[\w:.-]+)\s*=\s*(?P<value>{_LITERAL})")


class Needs(NamedTuple):
    """A page selects nothing where no value of these attributes holds one of these literals."""
    attributes: frozenset[str]
    literals: frozenset[str]


@functools.lru_cache(maxsize=256)
def needs(xpath: str) -> Needs | None:
    """What `xpath` needs (see Needs), None where its text does not tell: every member of its
    union must have a predicate that is a disjunction of attribute tests with a literal
    (`contains(@a, 'x')`, `starts-with(@a, 'x')`, `@a = 'x'`, `re:test(@a, 'regex')`)."""
    attributes, literals = set(), set()
    for _, member in union_members(xpath):
        bare = _blanked(member)
        if not re.match(r"\s*(?:\.|/|[\w*-]+::|[\w*-]+(?:\[|/|$))", bare) or re.match(r"\s*[\w:-]+\s*\(", bare):
            return None  # a function's value or a parenthesised path: not a plain location path
        found = next(filter(None, (_disjunction(member[start:end]) for start, end in _predicates(bare))), None)
        if found is None:
            return None
        attributes |= found.attributes
        literals |= found.literals
    return Needs(frozenset(attributes), frozenset(literals))


@functools.lru_cache(maxsize=64)
def attributes_needed(xpaths: tuple[str, ...]) -> frozenset[str]:
    """The attributes whose values tell whether any of these XPaths may select anything."""
    return frozenset(name for xpath in xpaths if (found := needs(xpath)) for name in found.attributes)


class PageAttributes:
    """The values of some attributes in one page's document, gathered on first use (an XPath
    over the page for each, a tenth of a millisecond), asked whether an XPath may select
    anything there.  An XPath that needs an attribute not gathered may."""

    def __init__(self, tree, names):
        self.tree, self.names, self._values, self._text = tree, frozenset(names), {}, None

    def values(self, name: str) -> str:
        """The values of one of the attributes, one a line."""
        if name not in self._values:
            self._values[name] = "\n".join(_attribute_path(name)(self.tree))
        return self._values[name]

    def text(self) -> str:
        """The values of all of them, one a line."""
        if self._text is None:
            self._text = "\n".join(self.values(name) for name in sorted(self.names))
        return self._text

    def may_select(self, xpath: str) -> bool:
        found = needs(xpath)
        if found is None or not found.attributes <= self.names:
            return True
        text = self.text()
        return any(literal in text for literal in found.literals)

    def guarded(self, xpath: str) -> str:
        """`xpath` guarded as `guarded` does, with only the literals found on this page: a
        regex test of a gathered attribute holds only where the value holds one of its
        literals, and a literal no gathered value holds is in none of them.  A test none of
        whose literals the page holds is false() (lxml never calls Python for it); one with a
        few there is guarded by those, however many it has in all."""
        tests = _regex_tests(xpath)
        names = frozenset(attribute for attribute, _ in tests if attribute in self.names)
        if not names:
            return guarded(xpath)
        present = frozenset(f"@{attribute}={literal}" for attribute, literals in tests if attribute in names
                            for literal in literals if literal in self.values(attribute))
        return guarded(xpath, names, present)


_REGEX_TEST = re.compile(rf"re:test\(\s*(?P<attr>@[\w:.-]+)\s*,\s*(?P<lit>{_LITERAL})\s*\)")
GUARD_LITERALS = 4  # more contains() tests than this cost the XPath more than the regex calls they spare


@functools.lru_cache(maxsize=1024)
def guarded(xpath: str, names: frozenset[str] = frozenset(), present: frozenset[str] = frozenset()) -> str:
    """`xpath` with each `re:test(@a, 'regex')` that needs a literal (`regex_needs`) guarded by
    `contains()` tests of it: `((contains(@a, 'author') or contains(@a, 'byline')) and
    re:test(@a, ...))`.  The same elements, in the same order: the test holds only where one
    of the literals does.  lxml answers `re:test` by calling Python, `contains` in C: on an
    element without the literal, the call is spared.  A regex needing more than
    GUARD_LITERALS literals is left as it is.

    For a page (`PageAttributes.guarded`): where `a` is one of `names`, whose values on the
    page hold only the literals `present` pairs with it ("@a=literal"), only those guard
    the test, and a test with none of them there is `false()`."""
    bare, parts, end = _blanked(xpath), [], 0
    for match in _REGEX_TEST.finditer(xpath):
        if not bare.startswith("re:test(", match.start()):
            continue  # inside a string
        needed = regex_needs(match["lit"][1:-1])
        if needed is None:
            continue
        if match["attr"][1:] in names:
            needed = frozenset(literal for literal in needed if f"{match['attr']}={literal}" in present)
            if not needed:
                parts += [xpath[end:match.start()], "false()"]
                end = match.end()
                continue
        quoted = [_quoted(literal) for literal in _fewest(needed)]
        if len(quoted) > GUARD_LITERALS or None in quoted:
            continue
        tests = " or ".join(f"contains({match['attr']}, {q})" for q in quoted)
        parts += [xpath[end:match.start()], f"(({tests}) and {match[0]})"]
        end = match.end()
    return "".join(parts) + xpath[end:]


@functools.lru_cache(maxsize=64)
def _attribute_path(name: str):
    from lxml.etree import XPath

    return XPath(f"//@{name}", smart_strings=False)


@functools.lru_cache(maxsize=256)
def _regex_tests(xpath: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The attribute and needed literals of each `re:test` of `xpath` that needs some."""
    bare = _blanked(xpath)
    return tuple((match["attr"][1:], found) for match in _REGEX_TEST.finditer(xpath)
                 if bare.startswith("re:test(", match.start()) and (found := regex_needs(match["lit"][1:-1])))


def _fewest(literals) -> list[str]:
    """The literals less those holding another of them (which holds wherever they do)."""
    return sorted(literal for literal in literals
                  if not any(other != literal and other in literal for other in literals))


def _quoted(literal: str) -> str | None:
    return f"'{literal}'" if "'" not in literal else f'"{literal}"' if '"' not in literal else None


def _blanked(xpath: str) -> str:
    """`xpath` with the insides of its string literals blanked, at the same positions."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: m[0][0] + " " * (len(m[0]) - 2) + m[0][0], xpath)


def _predicates(bare: str):
    """(start, end) of the text inside each outermost [...] of a blanked path."""
    depth, start = 0, 0
    for i, ch in enumerate(bare):
        if ch == "[":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                yield start, i


def _split(text: str, word: str) -> list[str]:
    """`text` split at `word` (or, and) outside brackets, parentheses and strings."""
    bare = _blanked(text)
    parts, depth, start = [], 0, 0
    for match in re.finditer(rf"[\[(]|[\])]|(?<![\w:@.-]){word}(?![\w:.-])", bare):
        token = match[0]
        if token in "[(":
            depth += 1
        elif token in "])":
            depth -= 1
        elif depth == 0:
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts]


def _disjunction(text: str) -> Needs | None:
    """What a predicate needs when it is a disjunction of attribute tests, else None."""
    attributes, literals = set(), set()
    for alternative in _split(text, "or"):
        found = _conjunction(alternative)
        if found is None:
            return None
        attributes |= found.attributes
        literals |= found.literals
    return Needs(frozenset(attributes), frozenset(literals))


def _conjunction(text: str) -> Needs | None:
    """What one alternative needs: the first of its conjuncts that says."""
    for part in _split(text, "and"):
        while part.startswith("(") and part.endswith(")") and _closes_last(part):
            part = part[1:-1].strip()
        if len(_split(part, "or")) > 1:
            found = _disjunction(part)
        elif len(_split(part, "and")) > 1:
            found = _conjunction(part)
        else:
            found = _atom(part)
        if found is not None:
            return found
    return None


def _closes_last(text: str) -> bool:
    """Whether the '(' opening `text` is closed by its last character."""
    depth = 0
    for i, ch in enumerate(_blanked(text)):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(text) - 1
    return False


def _atom(text: str) -> Needs | None:
    match = _ATOM.fullmatch(text)
    if match is None:
        return None
    if match["attr"]:
        return Needs(frozenset([match["attr"][1:]]), frozenset([match["value"][1:-1]]))
    names = frozenset(name.strip()[1:] for name in match["attrs"].split("|"))
    literal = match["lit"][1:-1]
    if match["fn"] != "re:test":
        return Needs(names, frozenset([literal]))
    found = regex_needs(literal)
    return Needs(names, found) if found else None


@functools.lru_cache(maxsize=256)
def regex_needs(pattern: str) -> frozenset[str] | None:
    """Literals one of which every match of `pattern` holds (case as written), None where
    there are none: a branch without a literal, or the pattern ignoring case.  Read with
    Python's own regex parser, which lxml's `re:test` compiles with; a Python without it
    (a private module) reads no literals."""
    try:
        from re import _parser
    except ImportError:
        return None
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _sequence(list(parsed))


def _sequence(items) -> frozenset[str] | None:
    """The most telling literals a sequence of regex items needs: one of its runs of literal
    characters, or what one of its groups, branches or repeats (at least once) needs."""
    from re import _constants as sre

    best, run = None, []

    def consider(found):
        nonlocal best
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    for op, argument in [*items, (None, None)]:
        if op is sre.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is sre.BRANCH:
            branches = [_sequence(list(branch)) for branch in argument[1]]
            if all(branches):
                consider(frozenset().union(*branches))
        elif op is sre.SUBPATTERN and not argument[1] & re.IGNORECASE:
            consider(_sequence(list(argument[3])))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and argument[0] >= 1:
            consider(_sequence(list(argument[2])))
    return best
