"""Matching blocks against many rules at once: the normalised form phrases are compared in,
one rule's Matcher, and the Index that puts the matchers of a page's rule sets behind one cheap
prefilter (exact phrases by dict, phrases by prefix-tree regex, patterns by the literal text
they require), so the cost of a rule stays near zero.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

DEFAULT_MAX_WORDS = 40  # recall guard: a long block is article text far more often than an appeal
REGEX_TIMEOUT = 0.25  # seconds per pattern and block: a pathological pattern must not hang a batch

_PUNCT_EDGES = regex.compile(r"^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$")
_SPACES = regex.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
                         "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def normalize(text: str) -> str:
    """The form phrases are compared in: case, quotes, spacing and edge punctuation ignored."""
    text = _SPACES.sub(" ", text.translate(_QUOTES).casefold())
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
            if not strings:
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


class _FirstChar:
    """Whether a text can start a match of a pattern `^[set]...`: the set matched at the start of
    the text's first three characters (under full case folding one set item matches at most
    three, "ﬃ" ~ "ffi"), remembered for the first KEEP starts seen."""

    KEEP = 2048  # starts remembered, at most (an Index lives as long as its rule selection is cached)

    def __init__(self, source: str, flags: int):
        self.source, self.flags, self.seen = source, flags, {}

    @functools.cached_property
    def set_re(self) -> regex.Pattern:
        return regex.compile(self.source, self.flags)

    def __call__(self, text: str) -> bool:
        start = text[:3]
        found = self.seen.get(start)
        if found is None:
            found = self.set_re.match(start) is not None
            if len(self.seen) < self.KEEP:  # the common starts come early; the rest are matched each time
                self.seen[start] = found
        return found


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
GOOD_LITERAL = 5  # letters: a required string this long is as good a prefilter as a longer one
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
    for node in seq:
        strings = _finite(node)
        if strings is not None:
            longer = {a + b for a in run for b in strings}
            options.append(run)  # what the run holds so far is required too, in fewer strings
            run = longer if len(longer) <= MAX_LITERALS else strings
            continue
        options += [run, _node_required(node)]
        run = {""}
    options.append(run)
    options = [_shortest(o) for o in options if o and "" not in o]
    # strings of GOOD_LITERAL letters are rare enough in a block: then the fewest strings, then the longest
    return max(options, key=lambda o: (min(GOOD_LITERAL, *map(len, o)), -len(o), min(map(len, o)))) if options else None


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
        out: set[str] = set()
        for branch in av[1]:
            strings = _seq_required(list(branch))
            if not strings:
                return None
            out |= strings
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _seq_required(list(av[2]))
    return None


class Index:
    """Many matchers as one test, for the rule sets of a page.

    Most blocks match no rule, so a block first meets a prefilter: the words
    limit, a dict lookup of its normalized text for exact phrases, one
    prefix-tree regex for every other phrase (per match mode), and a dict
    lookup of its first letters for the patterns anchored on a literal start.
    Only a block that passes is tested by groups of GROUP matchers (each with
    its own phrase tree), and only the matchers that may match run one by one,
    in rule order, so the first rule to claim a block is the same as when each
    rule runs alone.  Patterns that start otherwise run on every block, each
    alone (a `regex` alternation of many patterns costs more than the patterns
    one by one), so a pattern that times out is still named (PatternTimeout).
    """

    GROUP = 48
    PREFIX = 4  # letters of a pattern's literal start used as its key

    def __init__(self, matchers: list[Matcher]):
        self.matchers = matchers
        self.limits = [m.max_words for m in matchers]
        self.max_words = None if None in self.limits else max(self.limits, default=0)
        self.exact: dict[str, list[int]] = {}
        self.heads: dict[str, list[int]] = {}  # literal start of anchored patterns -> matchers
        self.firsts: list[tuple[int, list]] = []  # (matcher, a _FirstChar per pattern): patterns `^[set]`
        self.ends: list[tuple[int, bool, tuple]] = []  # (matcher, casefolded?, strings at `$`), see Matcher.ending
        literals: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}  # casefolded? -> string -> matchers
        always = set()  # matchers tested on every block
        for i, m in enumerate(matchers):
            for phrase in m.exact:
                self.exact.setdefault(phrase, []).append(i)
            if (m.phrase_source is not None and not m.phrases) or (m.pattern_source is not None and not m.patterns):
                always.add(i)  # built by hand, its regexes unknown to the prefilter
            elif m.patterns:
                heads = [_literal_head(p) for p in m.patterns]
                if None not in heads:
                    for head in set(heads):
                        self.heads.setdefault(head, []).append(i)
                    continue
                firsts = [_first_class(p, m.flags) for p in m.patterns]
                if None not in firsts:
                    self.firsts.append((i, [_FirstChar(f, m.flags) for f in firsts]))
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
        # the required strings, one scan of the casefolded block and one of the block as written
        self.scans = [(fold, _Scan(found, self.limits)) for fold, found in literals.items() if found]
        self.groups = []
        for start in range(0, len(matchers), self.GROUP):
            indices = range(start, min(start + self.GROUP, len(matchers)))
            phrase_re = self._phrases(indices)
            if phrase_re is not None:
                self.groups.append((phrase_re, indices))
        self.phrase_re = self._phrases(range(len(matchers))) if len(self.groups) > 1 else (
            self.groups[0][0] if self.groups else None)

    def _phrases(self, indices):
        by_mode: dict[str, set] = {}
        for i in indices:
            m = self.matchers[i]
            if m.mode != "exact" and m.phrases and m.phrase_source is not None:
                by_mode.setdefault(m.mode, set()).update(m.phrases)
        if not by_mode:
            return None
        return regex.compile("|".join(_EDGES[mode][0] + _trie(sorted(phrases)) + _EDGES[mode][1]
                                      for mode, phrases in sorted(by_mode.items())))

    def candidates(self, text: str, norm: str, words: int, folded: str | None = None) -> list[int]:
        """The matchers that may match the block, in rule order (a superset of those that do).

        `folded` is `text.casefold()`, when the caller has it."""
        if self.max_words is not None and words > self.max_words:
            return []
        found = self.always
        extra = self.exact.get(norm)
        if self.heads:
            head = self.heads.get(text[:2 * self.PREFIX].casefold()[:self.PREFIX])
            if head:
                extra = extra + head if extra else head
        for fold, scan in self.scans:
            if scan.words is None or words <= scan.words:
                if fold and folded is None:
                    folded = text.casefold()
                present = set(scan.literal_re.findall(folded if fold else text))
                if present:
                    extra = list(extra or ())
                    for s in present:
                        extra += scan.owners[s]
        for i, firsts in self.firsts:
            if any(first(text) for first in firsts):
                extra = list(extra or ())
                extra.append(i)
        if self.ends:
            for i, fold, ends in self.ends:
                if fold and folded is None:
                    folded = text.casefold()
                end = folded if fold else text
                if end.endswith(ends) or (end.endswith("\n") and end[:-1].endswith(ends)):  # `$`: or before a last newline
                    extra = list(extra or ())
                    extra.append(i)
        if self.phrase_re is not None and self.phrase_re.search(norm) is not None:
            for phrase_re, indices in self.groups:
                if phrase_re.search(norm) is not None:
                    extra = (extra or []) + list(indices)
        if extra:
            found = sorted(set(found).union(extra))
        limits = self.limits
        return [i for i in found if limits[i] is None or words <= limits[i]]


class _Scan:
    """The strings some matchers require, found in a block in one pass of Python's `re` (several
    times faster here than `regex`, and than `in` tests string by string): a lookahead at each
    position gives the longest string starting there, and `owners` adds those that are its prefixes."""

    def __init__(self, literals: dict[str, list[int]], limits: list):
        import re

        self.owners = {s: sorted({i for k in range(1, len(s) + 1) for i in literals.get(s[:k], ())})
                       for s in literals}
        self.literal_re = re.compile("(?=(" + _trie(sorted(literals), re.escape) + "))")
        needed = [limits[i] for found in literals.values() for i in found]
        self.words = None if None in needed else max(needed)  # longer blocks need no scan
