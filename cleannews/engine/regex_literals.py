"""What text a regex pattern requires, read with Python's own regex parser: the strings the
prefilter (cleannews.engine.matching.Index) looks for before it runs a pattern at all.

This is the one module that reads `re`'s private parser (`re._parser`, `re._constants`):
Python may change or drop them in any release.  If they cannot be imported, AVAILABLE is
false and every function here answers "nothing that can be told" (None): each pattern then
runs on every block, slower, with the same output.  The prefilter never decides what a
block is, only which matchers may skip it, so a reading that fails or errs towards None
costs speed, never a removal (tests/test_prefilter.py holds the invariant).
"""
from __future__ import annotations

import functools
import re

import regex

try:
    import re._constants as c
    import re._parser as _parser
except ImportError:  # a Python whose private regex parser moved: no prefilter
    c = _parser = None

AVAILABLE = _parser is not None


def _unreadable_is_none(read):
    """A reading that fails (a parse tree of a shape this code does not know) tells nothing."""
    @functools.wraps(read)
    def guarded(pattern: str, fold: bool):
        try:
            return read(pattern, fold)
        except Exception:  # noqa: BLE001 - any failure means: no prefilter for this pattern
            return None
    return guarded

MAX_LITERALS = 64  # strings one requirement may list; past this a pattern runs on every block
# alternatives one group may list for the strings it requires (the strings of all branches
# together): past this the group requires nothing that is told, so that reading a pattern of
# thousands of alternatives stays linear (it took 3 s for 10,000 and did not end for 100,000)
MAX_REQUIRED = 256
LETTER_ODDS = 4.0  # see _expected_hits
_P_CLASS = regex.compile(r"(\\\\)|\\[pP](?:\{[^}]*\}|\w)")  # \p{..}: a class, which `re` does not know
_BAD_BRACE = regex.compile(r"(\\\\|\\\{)|\{(?!\d+(?:,\d*)?\}|,\d+\})")  # `{` not a repeat: fuzzy matching in `regex`


def required_literals(patterns, fold: bool = True) -> frozenset | None:
    """Strings (casefolded unless `fold` is false) one of which every match of any of `patterns`
    contains; None when a pattern requires none that can be told (then it runs on every block).

    The patterns are read with Python's own `re` parser (\\p{..} classes stood in by \\w), and
    what `re` would read differently from `regex` (nested sets, set operations, fuzzy
    repeats) is not read at all.  A class, a `.` or an optional part ends a literal; short
    alternations are expanded (`(?:help|support) us` gives "help us", "support us").
    """
    if not AVAILABLE:
        return None
    found: set[str] = set()
    for pattern in patterns:
        strings = _pattern_literals(pattern, fold)
        if not strings:
            return None
        found |= strings
        if len(found) > MAX_REQUIRED:  # a list of that many patterns: no prefilter (see MAX_REQUIRED)
            return None
    return frozenset(_shortest(found))


def ending_literals(patterns, fold: bool) -> tuple[frozenset, tuple] | None:
    """(strings one of which the text holds, strings it ends with) such that a match of any of
    `patterns` means one or the other: a finer prefilter than `required_literals` when some
    patterns end on a literal at `$` (see Matcher.ending).  None when no pattern ends so, or
    some pattern requires nothing that can be told."""
    if not AVAILABLE:
        return None
    anywhere: set[str] = set()
    ends: set[str] = set()
    for pattern in patterns:
        tail = _pattern_tail(pattern, fold)
        if tail:
            ends |= tail
            continue
        strings = _pattern_literals(pattern, fold)
        if not strings or len(anywhere) + len(strings) > MAX_REQUIRED:
            return None
        anywhere |= strings
    return (frozenset(_shortest(anywhere)), tuple(sorted(ends))) if ends else None


def _parse(pattern: str):
    """`pattern` parsed by Python's own `re` parser (`\\p{..}` read as a class), or None for
    syntax only `regex` knows: such a pattern gets no prefilter."""
    plain = _P_CLASS.sub(lambda m: m.group(1) or r"\w", pattern)
    if not _plain_sets(pattern) or any(m.group(1) is None for m in _BAD_BRACE.finditer(plain)):
        return None
    try:
        return _parser.parse(plain, 0)
    except Exception:  # noqa: BLE001 - whatever `re` cannot read
        return None


@_unreadable_is_none
def _pattern_literals(pattern: str, fold: bool) -> set[str] | None:
    tree = _parse(pattern)
    if tree is None:
        return None
    found = _seq_required(list(tree))
    if not found or "" in found:
        return None
    return {s.casefold() for s in found} if fold else found


@_unreadable_is_none
def _pattern_tail(pattern: str, fold: bool) -> set[str] | None:
    """The strings one of which ends the text whenever `pattern` matches: the literal run just
    before a final `$` (no MULTILINE), e.g. `(?:ru|com)$` gives "ru", "com"; None otherwise."""
    tree = _parse(pattern)
    if tree is None:
        return None
    seq = list(tree)
    if tree.state.flags & re.MULTILINE or not seq or seq[-1] not in ((c.AT, c.AT_END), (c.AT, c.AT_END_STRING)):
        return None
    run = {""}
    for node in reversed(seq[:-1]):
        strings = _finite(node)
        if strings is None:
            break
        longer = {a + b for a in strings for b in run}
        if len(longer) > MAX_LITERALS:
            break
        run = longer
    if "" in run:
        return None
    return {s.casefold() for s in run} if fold else run


def _plain_sets(pattern: str) -> bool:
    """No `[` inside a set and no `&&`, `||`, `--`, `~~` (set operations in regex's VERSION1)."""
    in_set = escaped = False
    prev = ""
    for ch in pattern:
        if escaped:
            escaped, prev = False, ""
        elif ch == "\\":
            escaped = True
        elif in_set:
            if ch == "[" or (ch in "&|-~" and prev == ch):
                return False
            if ch == "]" and prev not in ("[", "^["):
                in_set = False
            prev = "^[" if prev == "[" and ch == "^" else ch
        elif ch == "[":
            in_set, prev = True, "["
    return True


def _finite(node) -> set[str] | None:
    """The few strings a parsed node can match, or None (a class, `.`, a repeat, too many)."""
    op, av = node
    if op is c.LITERAL:
        return {chr(av)}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}  # consumes nothing
    if op is c.IN:
        return {chr(v) for _, v in av} if len(av) <= 8 and all(o is c.LITERAL for o, _ in av) else None
    if op is c.SUBPATTERN:
        return _seq_finite(list(av[-1]))
    if op is c.ATOMIC_GROUP:
        return _seq_finite(list(av))
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            strings = _seq_finite(list(branch))
            if strings is None or len(out | strings) > MAX_LITERALS:
                return None
            out |= strings
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[1] <= 1:
        strings = _seq_finite(list(av[2])) if av[1] == 1 else set()
        return None if strings is None else strings | ({""} if av[0] == 0 else set())
    return None


def _seq_finite(seq) -> set[str] | None:
    out = {""}
    for node in seq:
        strings = _finite(node)
        if strings is None:
            return None
        out = {a + b for a in out for b in strings}
        if len(out) > MAX_LITERALS:
            return None
    return out


def _seq_required(seq) -> set[str] | None:
    """The best set of strings one of which every match of the sequence contains."""
    options, run = [], {""}
    fixed = ""  # the text of the nodes since the last one that can match more than one string
    for node in seq:
        strings = _finite(node)
        if strings is not None and len(strings) == 1:
            fixed += next(iter(strings))
        else:
            options.append({fixed})  # a literal after an optional part: "x47q" in `^read (?:the )?x47q`
            fixed = ""
        if strings is not None:
            longer = {a + b for a in run for b in strings}
            options.append(run)  # what the run holds so far is required too, in fewer strings
            run = longer if len(longer) <= MAX_LITERALS else strings
            continue
        options += [run, _node_required(node)]
        run = {""}
    options += [run, {fixed}]
    options = [_shortest(o) for o in options if o and "" not in o]
    return min(options, key=_expected_hits) if options else None


def _expected_hits(strings: set[str]) -> float:
    """How often a block may hold one of `strings`, roughly: each letter or digit makes a string
    LETTER_ODDS times rarer (spaces and punctuation do not: " for " is as common as "for")."""
    return sum(LETTER_ODDS ** -sum(c.isalnum() for c in s) for s in strings)


def _shortest(strings: set[str]) -> set[str]:
    """Without the strings that hold another one of the set (that one is present whenever they are)."""
    return {s for s in strings if not any(t != s and t in s for t in strings)}


def _node_required(node) -> set[str] | None:
    op, av = node
    if op is c.SUBPATTERN:
        return _seq_required(list(av[-1]))
    if op is c.ATOMIC_GROUP:
        return _seq_required(list(av))
    if op is c.BRANCH:
        if len(av[1]) > MAX_REQUIRED:  # a requirement that long tells little, and `_shortest` is quadratic
            return None
        out: set[str] = set()
        for branch in av[1]:
            strings = _seq_required(list(branch))
            if not strings:
                return None
            out |= strings
            if len(out) > MAX_REQUIRED:
                return None
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _seq_required(list(av[2]))
    return None


