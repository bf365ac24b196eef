"""Matching blocks against many rules at once: the normalised form phrases are compared in,
one rule's Matcher, and the Index that puts the matchers of a page's rule sets behind one cheap
prefilter (exact phrases by dict, phrases by prefix-tree regex, patterns by the literal text
they require, which cleannews.engine.regex_literals reads), so the cost of a rule stays near zero.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from dataclasses import dataclass

import regex

from cleannews.engine import regex_literals

DEFAULT_MAX_WORDS = 40  # recall guard: a long block is article text far more often than an appeal
REGEX_TIMEOUT = 0.25  # seconds per pattern and block: a pathological pattern must not hang a batch

_PUNCT_EDGES = regex.compile(r"^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$")
_SPACES = regex.compile(r"\s{2,}|[^\S ]")  # what `\s+` -> " " changes, leaving single spaces be
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
                         "\u00a0": " ", "\u2009": " ", "\u202f": " "})


# the ASCII characters _PUNCT_EDGES strips, as it reads them (asked of it, not written out)
_ASCII_EDGES = "".join(c for c in map(chr, range(128)) if _PUNCT_EDGES.fullmatch(c))


def normalize(text: str) -> str:
    """The form phrases are compared in: case, quotes, spacing and edge punctuation ignored.

    Every line of a page is normalised, so each step runs only where it can change
    something (half the cost of the text path's line facts went here): the quotes
    table only on text holding a character it maps (all but "`" are beyond ASCII);
    the spacing regex only on text holding two spaces or an unprintable character
    (every whitespace character but " " is one); and the edges stripped by
    `str.strip` when the characters it stops at are ASCII, whose membership of
    _PUNCT_EDGES's class _ASCII_EDGES holds, the regex being asked otherwise."""
    if not text.isascii() or "`" in text:
        text = _straighten(text)
    text = text.casefold()
    if "  " in text or not text.isprintable():
        text = _SPACES.sub(" ", text)
    if text[:1].isalnum() and text[-1:].isalnum():  # no edge to strip
        return text
    stripped = text.strip(_ASCII_EDGES)
    if stripped[:1].isascii() and stripped[-1:].isascii():
        return stripped
    return _PUNCT_EDGES.sub("", text)


def _straighten(text: str) -> str:
    """`text.translate(_QUOTES)`, one `str.replace` a character: ten times faster on text beyond
    ASCII, where `translate` looks up every character in the table (no replacement makes a
    character the table maps, so the order does not matter)."""
    for old, new in _QUOTES.items():
        text = text.replace(chr(old), new)
    return text


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
        return regex_literals.required_literals(self.patterns, fold=not self.exact_case) if self.patterns else None

    @functools.cached_property
    def ending(self) -> tuple[frozenset, tuple] | None:
        """A finer prefilter than `literals` when some patterns end on a literal at `$`:
        (strings one of which the text holds, strings it ends with), a match of a pattern
        meaning one or the other (`caption.photo-credit-suffix` ends `(?:ru|com|de|..)$`, and
        "de", "es" are in nearly every block).  None when no pattern ends so, or some pattern
        requires nothing that can be told (see Index)."""
        if not self.patterns or self.flags & regex.MULTILINE:
            return None
        return regex_literals.ending_literals(self.patterns, fold=not self.exact_case)

    @functools.cached_property
    def phrase_re(self) -> regex.Pattern | None:
        return regex.compile(self.phrase_source) if self.phrase_source is not None else None

    @functools.cached_property
    def pattern_re(self) -> regex.Pattern | None:
        return regex.compile(self.pattern_source, self.flags) if self.pattern_source is not None else None

    @functools.cached_property
    def each_pattern_re(self) -> tuple:
        """Each pattern on its own, compiled only when a removal is to name the one that matched."""
        return tuple(regex.compile(p, self.flags) for p in self.patterns)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("phrase_re", "pattern_re", "each_pattern_re")}

    def which(self, text: str, norm: str) -> str:
        """The phrase (normalised) or the pattern that makes this matcher match a block it matches:
        what `explain` and the JSON report name, so that a rule of 20 patterns tells which one
        fired.  Only asked of the few blocks a rule removes, so each pattern runs alone here."""
        if norm in self.exact:
            return norm
        if self.phrase_re is not None:
            found = self.phrase_re.search(norm)
            if found:
                return found.group()
        for pattern, compiled in zip(self.patterns, self.each_pattern_re):
            try:
                if compiled.search(text, timeout=REGEX_TIMEOUT) is not None:
                    return pattern
            except TimeoutError:
                continue
        return self.patterns[0] if len(self.patterns) == 1 else ""

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


PHRASE_EDGES = {"start": (r"^(?:", r")(?!\w)"), "end": (r"(?<!\w)(?:", r")$"),
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


_INLINE_IGNORECASE = regex.compile(r"\(\?[\w-]*i")  # (?i), (?i:...), (?mi) ...


_WORD_CHAR = regex.compile(r"\w")  # `\w` as the phrase regexes read it
_EDGE_ONLY = regex.compile(r"[\p{P}\p{S}\s]*")  # what `normalize` strips from a block's ends
# Python's `re` is faster here, and its `\s` holds every character `regex`'s does (and \x1c-\x1f)
_NOT_NEWLINE_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_ALL_SPACES = re.compile(r"\s{2,}|[^\S ]")
# the characters but " " and "\n" that `re`'s \s matches (tests/test_prefilter.py checks)
ODD_SPACES = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
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
        # every string patterns end on, by whether it is looked for in the casefolded block: a
        # block ending with none is no matcher's (one `str.endswith` a block; a regex at every
        # line end of the page cost three times that, trying most characters)
        self.end_strings = {fold: tuple(sorted({s for _, f, ends in self.ends if f == fold for s in ends}))
                            for fold in (True, False)}
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
        if self.ends:
            folded_ends, written_ends = self.end_strings[True], self.end_strings[False]
            folded_lines = page.folded_lines if folded_ends else page.texts
            for i, (text, folded) in enumerate(zip(page.texts, folded_lines)):
                # (a block ending with a newline: `$` may match before it, see _ends_with)
                if folded.endswith(folded_ends) or text.endswith(written_ends) or text.endswith("\n"):
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
            text = _straighten(text)
        text = text.casefold()
        if "  " in text or any(c in text for c in ODD_SPACES):  # else the regex would change nothing
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
