"""Matching blocks against many rules at once: the normalised form phrases are compared in,
one rule's Matcher, and the Index that puts the matchers of a page's rule sets behind one cheap
prefilter (exact phrases by dict, phrases by prefix-tree regex, patterns by the literal text
they require), so the cost of a rule stays near zero.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from dataclasses import dataclass

import regex

DEFAULT_MAX_WORDS = 40  # recall guard: a long block is article text far more often than an appeal
REGEX_TIMEOUT = 0.25  # seconds per pattern and block: a pathological pattern must not hang a batch

_PUNCT_EDGES = regex.compile(r"^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$")
_SPACES = regex.compile(r"\s{2,}|[^\S ]")  # what `\s+` -> " " changes, leaving single spaces be
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
                         "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def normalize(text: str) -> str:
    """The form phrases are compared in: case, quotes, spacing and edge punctuation ignored."""
    text = _SPACES.sub(" ", text.translate(_QUOTES).casefold())
    if text[:1].isalnum() and text[-1:].isalnum():  # no edge to strip (saves a regex call)
        return text
    return _PUNCT_EDGES.sub("", text)


class PatternTimeout(Exception):
    def __init__(self, rule_id: str):
        super().__init__(rule_id)
        self.rule_id = rule_id


@dataclass
class Matcher:
    """A block test: exact phrases (one set lookup), other phrases and patterns (one regex each)."""

    exact: frozenset = frozenset()
    # the regexes' source, compiled on first use: a cached rule set (see load_rules) holds no
    # compiled regex, and a page in English never compiles the Russian rules
    phrase_source: str | None = None
    pattern_source: str | None = None
    flags: int = 0
    max_words: int | None = DEFAULT_MAX_WORDS
    rule_id: str = ""
    # what the regexes were made of, so that many matchers combine into one (see Index)
    mode: str = "exact"
    phrases: tuple = ()
    patterns: tuple = ()
    ignore_case: bool = True

    @functools.cached_property
    def exact_case(self) -> bool:
        """The patterns tell case everywhere: their literals are looked for as written."""
        return not self.ignore_case and not any(_INLINE_IGNORECASE.search(p) for p in self.patterns)

    @functools.cached_property
    def literals(self) -> frozenset | None:
        """Strings one of which a block's text holds when the patterns match, casefolded
        unless `exact_case` (see Index)."""
        self.ending  # noqa: B018 - worked out with the literals, so that the rule cache keeps both
        return required_literals(self.patterns, fold=not self.exact_case) if self.patterns else None

    @functools.cached_property
    def ending(self) -> tuple[frozenset, tuple] | None:
        """A finer prefilter than `literals` when some patterns end on a literal at `$`:
        (strings one of which the text holds, strings it ends with), a match of a pattern
        meaning one or the other (`caption.photo-credit-suffix` ends `(?:ru|com|de|..)$`, and
        "de", "es" are in nearly every block).  None when no pattern ends so, or some pattern
        requires nothing that can be told (see Index)."""
        if not self.patterns or self.flags & regex.MULTILINE:
            return None
        fold = not self.exact_case
        anywhere: set[str] = set()
        ends: set[str] = set()
        for pattern in self.patterns:
            tail = _pattern_tail(pattern, fold)
            if tail:
                ends |= tail
                continue
            strings = _pattern_literals(pattern, fold)
            if not strings or len(anywhere) + len(strings) > MAX_REQUIRED:
                return None
            anywhere |= strings
        return (frozenset(_shortest(anywhere)), tuple(sorted(ends))) if ends else None

    @functools.cached_property
    def phrase_re(self) -> regex.Pattern | None:
        return regex.compile(self.phrase_source) if self.phrase_source is not None else None

    @functools.cached_property
    def pattern_re(self) -> regex.Pattern | None:
        return regex.compile(self.pattern_source, self.flags) if self.pattern_source is not None else None

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("phrase_re", "pattern_re")}

    def __call__(self, text: str, norm: str, words: int) -> bool:
        if self.max_words is not None and words > self.max_words:
            return False
        if norm in self.exact:
            return True
        if self.phrase_re is not None and self.phrase_re.search(norm):
            return True
        if self.pattern_re is not None:
            try:
                return self.pattern_re.search(text, timeout=REGEX_TIMEOUT) is not None
            except TimeoutError:
                raise PatternTimeout(self.rule_id) from None
        return False


_EDGES = {"start": (r"^(?:", r")(?!\w)"), "end": (r"(?<!\w)(?:", r")$"),
          "contains": (r"(?<!\w)(?:", r")(?!\w)")}


def _trie(phrases, escape=regex.escape) -> str:
    """One regex matching any of `phrases`, as a prefix tree: a search costs what one phrase costs."""
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(root)


def _top_level_alternation(pattern: str) -> bool:
    """Whether `pattern` has a `|` outside every group and set."""
    depth = 0
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


def _literal_head(pattern: str) -> str | None:
    """The literal text a pattern's every match starts with (lowercase ASCII), when it is `^` and
    at least PREFIX letters; None otherwise (alternation at the top, classes, escapes ...)."""
    if not pattern.startswith("^"):
        return None
    if _top_level_alternation(pattern):  # then not every branch is anchored
        return None
    head = ""
    for ch in pattern[1:]:
        if not (ch.isascii() and (ch.isalnum() or ch == " ")):
            if ch in "?*{" and head:
                head = head[:-1]  # the last letter is optional or repeated
            break
        head += ch
    return head.lower()[:Index.PREFIX] if len(head) >= Index.PREFIX else None


_INLINE_FLAGS = regex.compile(r"\(\?[a-zA-Z]")


def _first_class(pattern: str, flags: int) -> str | None:
    """`[...]` when `pattern` is `^` then that set at least once (`^[\\p{P}\\s]+$`): every match
    starts with that set; None otherwise (or when in doubt: inline flags, nested sets, MULTILINE)."""
    if not pattern.startswith("^[") or flags & regex.MULTILINE:
        return None
    if _top_level_alternation(pattern):  # then not every branch starts so
        return None
    if _INLINE_FLAGS.search(pattern):
        return None
    pos = 2 + (pattern[2:3] == "^")
    pos += pattern[pos:pos + 1] == "]"  # a `]` first in a set is a character
    while pos < len(pattern):
        ch = pattern[pos]
        if ch == "\\":
            pos += 2
            continue
        if ch == "[":
            return None  # a nested set (VERSION1)
        if ch == "]":
            break
        pos += 1
    else:
        return None
    rest = pattern[pos + 1:]
    if rest[:1] in ("*", "?") or (rest[:1] == "{" and not regex.match(r"\{[1-9]\d*(?:,\d*)?\}", rest)):
        return None
    return pattern[1:pos + 1]


MAX_LITERALS = 64  # strings one requirement may list; past this a pattern runs on every block
# alternatives one group may list for the strings it requires (the strings of all branches
# together): past this the group requires nothing that is told, so that reading a pattern of
# thousands of alternatives stays linear (it took 3 s for 10,000 and did not end for 100,000)
MAX_REQUIRED = 256
LETTER_ODDS = 4.0  # see _expected_hits
_P_CLASS = regex.compile(r"(\\\\)|\\[pP](?:\{[^}]*\}|\w)")  # \p{..}: a class, which `re` does not know
_INLINE_IGNORECASE = regex.compile(r"\(\?[\w-]*i")  # (?i), (?i:...), (?mi) ...
_BAD_BRACE = regex.compile(r"(\\\\|\\\{)|\{(?!\d+(?:,\d*)?\}|,\d+\})")  # `{` not a repeat: fuzzy matching in `regex`


def required_literals(patterns, fold: bool = True) -> frozenset | None:
    """Strings (casefolded unless `fold` is false) one of which every match of any of `patterns`
    contains; None when a pattern requires none that can be told (then it runs on every block).

    The patterns are read with Python's own `re` parser (\\p{..} classes stood in by \\w), and
    what `re` would read differently from `regex` (nested sets, set operations, fuzzy
    repeats) is not read at all.  A class, a `.` or an optional part ends a literal; short
    alternations are expanded (`(?:help|support) us` gives "help us", "support us").
    """
    found: set[str] = set()
    for pattern in patterns:
        strings = _pattern_literals(pattern, fold)
        if not strings:
            return None
        found |= strings
        if len(found) > MAX_REQUIRED:  # a list of that many patterns: no prefilter (see MAX_REQUIRED)
            return None
    return frozenset(_shortest(found))


def _parse(pattern: str):
    """`pattern` parsed by Python's own `re` parser (`\\p{..}` read as a class), or None for
    syntax only `regex` knows: such a pattern gets no prefilter."""
    plain = _P_CLASS.sub(lambda m: m.group(1) or r"\w", pattern)
    if not _plain_sets(pattern) or any(m.group(1) is None for m in _BAD_BRACE.finditer(plain)):
        return None
    import re._parser as sre_parse  # only when rules are indexed

    try:
        return sre_parse.parse(plain, 0)
    except Exception:  # noqa: BLE001 - whatever `re` cannot read
        return None


def _pattern_literals(pattern: str, fold: bool) -> set[str] | None:
    tree = _parse(pattern)
    if tree is None:
        return None
    found = _seq_required(list(tree))
    if not found or "" in found:
        return None
    return {s.casefold() for s in found} if fold else found


def _pattern_tail(pattern: str, fold: bool) -> set[str] | None:
    """The strings one of which ends the text whenever `pattern` matches: the literal run just
    before a final `$` (no MULTILINE), e.g. `(?:ru|com)$` gives "ru", "com"; None otherwise."""
    import re
    from re import _constants as c

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
    from re import _constants as c

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
    from re import _constants as c

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


_WORD_CHAR = regex.compile(r"\w")  # `\w` as the phrase regexes read it
_EDGE_ONLY = regex.compile(r"[\p{P}\p{S}\s]*")  # what `normalize` strips from a block's ends
# Python's `re` is faster here, and its `\s` holds every character `regex`'s does (and \x1c-\x1f)
_NOT_NEWLINE_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_ALL_SPACES = re.compile(r"\s{2,}|[^\S ]")
# the characters but " " and "\n" that `re`'s \s matches (tests/test_prefilter.py checks)
_ODD_SPACES = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


class Index:
    """Many matchers as one test, for the rule sets of a page.

    Most blocks match no rule, so the blocks of a page meet a prefilter
    together: one Aho-Corasick scan of the whole page (pyahocorasick, in C)
    for each kind of string the matchers need: their phrases in the
    normalised page, the strings their patterns require in the casefolded
    page, and those of case-sensitive patterns in the page as written.  A
    hit tells the block it falls in and the matchers that need that string.
    Patterns that no inner string announces are found by how a line starts
    or ends: a literal start, a `^[set]` start, a literal at `$` (one
    multiline regex over the page each).  Only the matchers a block may
    match then run, one by one, in rule order, so the first rule to claim a
    block is the same as when each rule runs alone, and a pattern that times
    out is still named (PatternTimeout).  Patterns that require nothing that
    can be told run on every block.
    """

    PREFIX = 4  # letters of a pattern's literal start used as its key

    def __init__(self, matchers: list[Matcher]):
        self.matchers = matchers
        self.limits = [m.max_words for m in matchers]
        self.max_words = None if None in self.limits else max(self.limits, default=0)
        self.heads: dict[str, list[int]] = {}  # literal start of anchored patterns -> matchers
        self.firsts: list[tuple[int, str, int]] = []  # (matcher, `[set]`, flags): patterns `^[set]`
        self.ends: list[tuple[int, bool, tuple]] = []  # (matcher, casefolded?, strings at `$`), see Matcher.ending
        phrases: dict[str, list[int]] = {}  # normalised phrase -> matchers
        literals: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}  # casefolded? -> string -> matchers
        always = set()  # matchers tested on every block
        for i, m in enumerate(matchers):
            for phrase in m.exact | set(m.phrases if m.phrase_source is not None else ()):
                phrases.setdefault(phrase, []).append(i)
            if (m.phrase_source is not None and not m.phrases) or (m.pattern_source is not None and not m.patterns):
                always.add(i)  # built by hand, its regexes unknown to the prefilter
            elif m.patterns:
                heads = [_literal_head(p) for p in m.patterns]
                # a required string longer than a literal start is the finer test (generated
                # rules share heads like "read" by the hundred, each with its own longer phrase)
                if None not in heads and not (m.literals and min(map(len, m.literals)) > self.PREFIX):
                    for head in set(heads):
                        self.heads.setdefault(head, []).append(i)
                    continue
                firsts = [_first_class(p, m.flags) for p in m.patterns]
                if None not in firsts:
                    self.firsts += [(i, f, m.flags) for f in firsts]
                    continue
                needed = m.literals
                if needed is None:
                    always.add(i)
                    continue
                if m.ending is not None:
                    needed, ends = m.ending
                    self.ends.append((i, not m.exact_case, ends))
                for s in needed:
                    literals[not m.exact_case].setdefault(s, []).append(i)
        self.always = sorted(always)
        # the strings patterns end on, looked for at every line end (casefolded, as written)
        self.end_res = [(re.compile("(?:" + _trie(sorted(found), re.escape) + ")$", re.M), kind)
                        for found, kind in (({s for _, fold, ends in self.ends if fold for s in ends}, "folded"),
                                            ({s for _, fold, ends in self.ends if not fold for s in ends}, "joined"))
                        if found]
        # literal starts, looked for at every line start of the casefolded page
        self.head_re = re.compile("^(?:" + _trie(sorted(self.heads), re.escape) + ")", re.M) if self.heads else None
        self.phrases = _automaton(phrases)
        self.folded = _automaton(literals[True])
        self.as_written = _automaton(literals[False])

    def candidates(self, text: str, words: int | None = None) -> list[int]:
        """The matchers that may match one block (see `candidates_many`)."""
        return self.candidates_many(Page([text], [len(text.split()) if words is None else words]))[0]

    def candidates_many(self, page: "Page") -> list[list[int]]:
        """For each block of `page`, the matchers that may match it, in rule order: a superset
        of those that do."""
        if page.parts is not None:  # a block of several lines: each on its own
            return [self.candidates_many(part)[0] for part in page.parts]
        found: list = [None] * len(page.texts)  # block -> set of matchers, None while it has none
        if self.phrases is not None:
            normal, line_of = page.normal, page.line_of("normal")
            for end, (size, owners) in self.phrases.iter(normal):
                start = end - size + 1
                if _bounded(normal, start, end + 1):
                    i = line_of(start)
                    found[i] = (found[i] or set()).union(owners)
        for strings, kind in ((self.folded, "folded"), (self.as_written, "joined")):
            if strings is not None:
                line_of = page.line_of(kind)
                for end, (_, owners) in strings.iter(getattr(page, kind)):
                    i = line_of(end)
                    found[i] = (found[i] or set()).union(owners)
        if self.head_re is not None:
            line_of = page.line_of("folded")
            for m in self.head_re.finditer(page.folded):
                i = line_of(m.start())
                found[i] = (found[i] or set()).union(self.heads[m.group()])
        for k, first, flags in self.firsts:
            line_of = page.line_of("joined")
            for m in _line_start_re(first, flags).finditer(page.joined):
                i = line_of(m.start())
                found[i] = (found[i] or set()).union((k,))
        for end_re, kind in self.end_res:
            line_of, texts, folded_lines = page.line_of(kind), page.texts, page.folded_lines
            for m in end_re.finditer(getattr(page, kind)):
                i = line_of(m.start())
                text, folded = texts[i], folded_lines[i]
                extra = [k for k, fold, ends in self.ends if _ends_with(folded if fold else text, ends)]
                if extra:
                    found[i] = (found[i] or set()).union(extra)
        limits, always, max_words, words = self.limits, self.always, self.max_words, page.words
        out: list = [()] * len(found)
        for i in (range(len(found)) if always else [i for i, hits in enumerate(found) if hits]):
            n = words[i]
            if max_words is None or n <= max_words:
                hits = found[i]
                ids = sorted(hits.union(always)) if hits else always
                out[i] = [k for k in ids if limits[k] is None or n <= limits[k]]
        return out


def _ends_with(text: str, ends: tuple) -> bool:
    return text.endswith(ends) or (text.endswith("\n") and text[:-1].endswith(ends))  # `$`: or before a last newline


@functools.lru_cache(maxsize=1024)
def _line_start_re(first: str, flags: int) -> regex.Pattern:
    """`first` (a set, see _first_class) at the start of any line of a page."""
    return regex.compile("^" + first, flags | regex.MULTILINE)


def _automaton(strings: dict[str, list[int]]):
    """An Aho-Corasick automaton of `strings`, each giving (its length, its matchers); None if empty."""
    if not strings:
        return None
    import ahocorasick

    found = ahocorasick.Automaton()
    for s, owners in strings.items():
        found.add_word(s, (len(s), tuple(owners)))
    found.make_automaton()
    return found


class Page:
    """The blocks of a page as every Index reads them: joined by newlines, normalised and
    casefolded once for all (a block holding a newline is read on its own, `parts`)."""

    def __init__(self, texts: list[str], words: list[int]):
        self.texts, self.words = texts, words
        self.joined = "\n".join(texts)
        self.single = len(texts) == 1  # then a newline inside the block is no block edge
        self.parts = None
        self._starts: dict[str, list[int]] = {}  # kind of text -> its line starts (see line_of)
        if not self.single and self.joined.count("\n") != len(texts) - 1:
            self.parts = [Page([t], [n]) for t, n in zip(texts, words)]

    @functools.cached_property
    def normal(self) -> str:
        """`normalize` of every block, but for the edge punctuation it strips."""
        text = self.joined
        if not text.isascii():
            for old, new in _QUOTES.items():
                text = text.replace(chr(old), new)
        text = text.casefold()
        if "  " in text or any(c in text for c in _ODD_SPACES):  # else the regex would change nothing
            text = (_ALL_SPACES if self.single else _NOT_NEWLINE_SPACES).sub(" ", text)
        return text

    @functools.cached_property
    def folded(self) -> str:
        return self.joined.casefold()

    @functools.cached_property
    def folded_lines(self) -> list[str]:
        return [self.folded] if self.single else self.folded.split("\n")

    def line_of(self, kind: str):
        """The function from a position in the `kind` text ("normal", "folded", "joined") to its block."""
        if self.single:
            return lambda pos: 0
        starts = self._starts.get(kind)
        if starts is None:
            # casefolding only lengthens the page, normalising (from the casefolded page) only
            # shortens it: each leaves every line its length when it leaves the page its length
            text = getattr(self, kind)
            before = {"normal": "folded", "folded": "joined"}.get(kind)
            if before and len(text) == len(getattr(self, before)):
                starts = self.line_of(before).args[0]
            else:
                starts = list(itertools.accumulate(
                    map(operator.add, map(len, text.split("\n")), itertools.repeat(1)), initial=0))
            self._starts[kind] = starts
        return functools.partial(_line_at, starts)


def _line_at(starts: list[int], pos: int) -> int:
    return bisect.bisect_right(starts, pos) - 1


def _bounded(normal: str, start: int, end: int) -> bool:
    """Whether a phrase found at normal[start:end] may match as a phrase regex does on the block's
    normalised text: with no word character just before and after it, unless only what
    `normalize` strips from the block's ends lies between it and the block's edge (`_menu_`)."""
    if start and _word_at(normal, start - 1):
        line_start = normal.rfind("\n", 0, start) + 1
        if _EDGE_ONLY.fullmatch(normal, line_start, start) is None:
            return False
    if end < len(normal) and _word_at(normal, end):
        line_end = normal.find("\n", end)
        if _EDGE_ONLY.fullmatch(normal, end, len(normal) if line_end < 0 else line_end) is None:
            return False
    return True


def _word_at(text: str, pos: int) -> bool:
    """`\\w` at text[pos], without the regex call for ASCII (where `\\w` is letters, digits, `_`)."""
    c = text[pos]
    if c.isascii():
        return c.isalnum() or c == "_"
    return _WORD_CHAR.match(c) is not None
