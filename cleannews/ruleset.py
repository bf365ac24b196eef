"""Load, validate and compile the YAML rule sets.

A rule file is a mapping: defaults that every rule in it inherits
(`category`, `languages`, `sites`), an optional site header (`site`,
`sitename`, `fingerprints`) and a list of `rules`.  Each rule is one of four
kinds, told by the key it carries:

- block:    `pattern` and/or `phrases`: drop any block they match;
- span:     `start` and `end` matchers: drop from a start block to the first
            end block at most `max_blocks` further on;
- trailer:  `kind: trailer` plus `pattern`/`phrases`: drop the matched block
            and everything after it, when it stands within the last `within`
            blocks;
- selector: `selector`: a CSS selector whose HTML elements go before extraction.

Validation is strict because rule authors write hundreds of these: every
mistake names the file, the line and the rule id, before any page is read.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.resources
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from cleannews.errors import RuleError

CATEGORIES = frozenset({
    "paywall", "newsletter", "donation", "cookie", "social", "related", "navigation",
    "caption", "copyright", "comments", "ads", "signin", "byline", "promo", "boilerplate",
})
MATCH_MODES = ("exact", "start", "end", "contains")
FILE_KEYS = {"description", "category", "languages", "sites", "site", "sitename", "fingerprints", "rules"}
MATCHER_KEYS = {"pattern", "phrases", "match", "ignore_case", "max_words"}
RULE_KEYS = MATCHER_KEYS | {"id", "category", "description", "languages", "sites", "kind",
                            "start", "end", "max_blocks", "within", "selector", "drop", "keep"}
KINDS = ("block", "span", "trailer", "selector")
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
        return required_literals(self.patterns, fold=not self.exact_case) if self.patterns else None

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


@dataclass
class Rule:
    id: str
    category: str
    description: str
    kind: str
    path: Path
    line: int
    languages: frozenset | None = None
    sites: tuple = ()
    match: Matcher | None = None  # block and trailer
    start: Matcher | None = None  # span
    end: Matcher | None = None
    max_blocks: int = 40
    within: int = 12
    selector: str | None = None
    xpath: str | None = None
    drop: list = field(default_factory=list)
    keep: list = field(default_factory=list)
    ruleset: str = ""


@dataclass
class RuleSet:
    name: str  # path below its rules folder, without extension: "generic/newsletter"
    path: Path
    rules: list[Rule]
    site: str | None = None
    sitename: str | None = None
    fingerprints: tuple = ()


class _Mapping(dict):
    line = 0


class _Loader(yaml.SafeLoader):
    """SafeLoader that records line numbers and refuses duplicate keys."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
        seen.add(key)
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def builtin_dir() -> Path:
    """The shipped rule sets: package data when installed, ../rules in a source checkout."""
    installed = importlib.resources.files("cleannews") / "builtin_rules"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "rules"


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise RuleError(root, None, None, "no such rule file or folder")
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_file(path: Path, root: Path | None = None) -> RuleSet:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleError(path, mark.line + 1 if mark else None, None,
                        f"invalid YAML: {exc.problem or exc.context}") from None
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, None, None, f"cannot read: {exc}") from None
    name = str(path.relative_to(root).with_suffix("")) if root and root != path else path.stem
    if data is None:
        return RuleSet(name, path, [])
    if not isinstance(data, dict):
        raise RuleError(path, 1, None, "a rule file must be a mapping with a `rules:` list")
    _check_keys(path, data, FILE_KEYS, None)
    site = _opt(path, data, "site", str, None)
    defaults = {
        "category": _opt(path, data, "category", str, None),
        "languages": _str_list(path, data, "languages", None),
        "sites": [site] if site else _str_list(path, data, "sites", None),
    }
    rules_data = data.get("rules") or []
    if not isinstance(rules_data, list):
        raise RuleError(path, data.line, None, "`rules` must be a list")
    rules = [_rule(path, item, defaults, name) for item in rules_data]
    return RuleSet(name, path, rules, site=site,
                   sitename=_opt(path, data, "sitename", str, None),
                   fingerprints=tuple(_str_list(path, data, "fingerprints", None) or ()))


def _rule(path: Path, item, defaults: dict, ruleset: str) -> Rule:
    if not isinstance(item, dict):
        raise RuleError(path, getattr(item, "line", None), None, "each rule must be a mapping")
    rid = item.get("id")
    if not isinstance(rid, str) or not regex.fullmatch(r"[\w.-]+", rid):
        raise RuleError(path, item.line, None, "a rule needs an `id` of letters, digits, '.', '-' or '_'")
    _check_keys(path, item, RULE_KEYS, rid)
    kind = item.get("kind") or ("span" if "start" in item else "selector" if "selector" in item else "block")
    if kind not in KINDS:
        raise RuleError(path, item.line, rid, f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    category = _opt(path, item, "category", str, defaults["category"], rid)
    if category not in CATEGORIES:
        raise RuleError(path, item.line, rid,
                        f"unknown or missing category {category!r} (one of {', '.join(sorted(CATEGORIES))})")
    description = _opt(path, item, "description", str, None, rid)
    if not description:
        raise RuleError(path, item.line, rid, "a rule needs a `description` saying what it drops and why")
    languages = _str_list(path, item, "languages", rid) or defaults["languages"]
    rule = Rule(id=rid, category=category, description=description, kind=kind, path=path,
                line=item.line, languages=frozenset(languages) if languages else None,
                sites=tuple(_str_list(path, item, "sites", rid) or defaults["sites"] or ()),
                drop=_examples(path, item, "drop", rid), keep=_examples(path, item, "keep", rid),
                ruleset=ruleset)
    if kind == "span":
        for key in ("start", "end"):
            if not isinstance(item.get(key), dict):
                raise RuleError(path, item.line, rid, f"a span rule needs a `{key}` matcher mapping")
            _check_keys(path, item[key], MATCHER_KEYS, rid)
        rule.start = _matcher(path, item["start"], rid)
        rule.end = _matcher(path, item["end"], rid)
        rule.max_blocks = _opt(path, item, "max_blocks", int, 40, rid)
    elif kind == "selector":
        rule.selector = _opt(path, item, "selector", str, None, rid)
        if not rule.selector:
            raise RuleError(path, item.line, rid, "a selector rule needs a `selector`")
        from cssselect import GenericTranslator, SelectorError

        try:
            rule.xpath = GenericTranslator().css_to_xpath(rule.selector)
        except SelectorError as exc:
            raise RuleError(path, item.line, rid, f"bad CSS selector {rule.selector!r}: {exc}") from None
    else:
        rule.match = _matcher(path, item, rid)
        rule.within = _opt(path, item, "within", int, 12, rid)
    for key in ("start", "end", "max_blocks") if kind != "span" else ():
        if key in item:
            raise RuleError(path, item.line, rid, f"`{key}` belongs to span rules only")
    if not rule.drop or not rule.keep:
        raise RuleError(path, item.line, rid, "a rule needs `drop:` and `keep:` examples (what it must remove, what it must leave)")
    return rule


def _matcher(path: Path, spec: dict, rid: str) -> Matcher:
    phrases = _str_list(path, spec, "phrases", rid) or []
    patterns = spec.get("pattern")
    if isinstance(patterns, str):
        patterns = [patterns]
    if patterns is not None and (not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns)):
        raise RuleError(path, spec.line, rid, "`pattern` must be a string or a list of strings")
    if not phrases and not patterns:
        raise RuleError(path, spec.line, rid, "a matcher needs `pattern` or `phrases`")
    mode = _opt(path, spec, "match", str, "exact", rid)
    if mode not in MATCH_MODES:
        raise RuleError(path, spec.line, rid, f"unknown match {mode!r} (one of {', '.join(MATCH_MODES)})")
    ignore_case = _opt(path, spec, "ignore_case", bool, True, rid)
    max_words = spec.get("max_words", DEFAULT_MAX_WORDS)
    if max_words is not None and (not isinstance(max_words, int) or isinstance(max_words, bool)):
        raise RuleError(path, spec.line, rid, "`max_words` must be an integer or null")
    norms = sorted({normalize(p) for p in phrases if normalize(p)}, key=lambda p: (-len(p), p))
    matcher = Matcher(max_words=max_words, rule_id=rid, mode=mode, phrases=tuple(norms),
                      patterns=tuple(patterns or ()), ignore_case=ignore_case)
    if mode == "exact":
        matcher.exact = frozenset(norms)
    elif norms:
        alternation = "|".join(regex.escape(p) for p in norms)
        edges = _EDGES[mode]
        matcher.phrase_source = edges[0] + alternation + edges[1]
    if patterns:
        matcher.flags = regex.IGNORECASE | regex.VERSION1 if ignore_case else regex.VERSION1
        matcher.pattern_source = "|".join(f"(?:{p})" for p in patterns)
        try:
            matcher.pattern_re  # compiled now: a bad pattern is an error before any page is read
        except regex.error as exc:
            raise RuleError(path, spec.line, rid, f"bad pattern: {exc}") from None
    return matcher


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


def _literal_head(pattern: str) -> str | None:
    """The literal text a pattern's every match starts with (lowercase ASCII), when it is `^` and
    at least PREFIX letters; None otherwise (alternation at the top, classes, escapes ...)."""
    if not pattern.startswith("^"):
        return None
    depth = 0
    escaped = in_class = False
    for ch in pattern:  # a top-level `|` means not every branch is anchored
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
            return None
    head = ""
    for ch in pattern[1:]:
        if not (ch.isascii() and (ch.isalnum() or ch == " ")):
            if ch in "?*{" and head:
                head = head[:-1]  # the last letter is optional or repeated
            break
        head += ch
    return head.lower()[:Index.PREFIX] if len(head) >= Index.PREFIX else None


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


def _pattern_literals(pattern: str, fold: bool) -> set[str] | None:
    plain = _P_CLASS.sub(lambda m: m.group(1) or r"\w", pattern)
    if not _plain_sets(pattern) or any(m.group(1) is None for m in _BAD_BRACE.finditer(plain)):
        return None
    import re._parser as sre_parse  # Python's own regex parser: only when rules are indexed

    try:
        tree = sre_parse.parse(plain, 0)
    except Exception:  # noqa: BLE001 - syntax only `regex` knows: no prefilter for this pattern
        return None
    found = _seq_required(list(tree))
    if not found or "" in found:
        return None
    return {s.casefold() for s in found} if fold else found


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
                needed = m.literals
                if needed is None:
                    always.add(i)
                    continue
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


def _check_keys(path: Path, data: dict, allowed: set, rid: str | None) -> None:
    unknown = sorted(set(data) - allowed, key=str)
    if unknown:
        raise RuleError(path, getattr(data, "line", None), rid,
                        f"unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})")


def _opt(path, data, key, typ, default, rid=None):
    value = data.get(key, default)
    if value is not None and (not isinstance(value, typ) or (typ is int and isinstance(value, bool))):
        raise RuleError(path, getattr(data, "line", None), rid,
                        f"`{key}` must be {typ.__name__}, not {type(value).__name__}")
    return value


def _str_list(path, data, key, rid):
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(path, getattr(data, "line", None), rid, f"`{key}` must be a list of strings")
    return value


def _examples(path, data, key, rid):
    value = _str_list(path, data, key, rid) or []
    return [v.rstrip("\n") for v in value]


class Rules:
    """Every loaded rule set, with the per-document selection cached."""

    def __init__(self, sets: list[RuleSet]):
        self.sets = sets
        self.spec: tuple = ()  # set by cleannews.api.load_rules
        self.rules = [r for s in sets for r in s.rules]
        prints: dict[str, list] = {}  # a phrase may name a site in several sets (built-in and learned)
        for s in sets:
            for fp in s.fingerprints:
                prints.setdefault(fp, []).append(s)
        self._fingerprints = prints
        self._fingerprint_re = (regex.compile("|".join(regex.escape(f) for f in sorted(prints, key=len, reverse=True)))
                                if prints else None)

    def sites_for(self, host: str | None, content: str) -> list[RuleSet]:
        """The site rule sets that apply: by URL host, or by fingerprint phrases when there is no URL."""
        site_sets = [s for s in self.sets if s.site]
        if host:
            return [s for s in site_sets if host == s.site or host.endswith("." + s.site)]
        if self._fingerprint_re is None:
            return []
        found = {s.name for m in self._fingerprint_re.finditer(content[:200_000]) for s in self._fingerprints[m.group()]}
        return [s for s in site_sets if s.name in found]

    def active(self, language: str | None, sites: tuple[str, ...]) -> "Active":
        return self._active(language, sites)

    @functools.lru_cache(maxsize=256)
    def _active(self, language, sites):
        def applies(rule):
            if rule.languages and language and language not in rule.languages:
                return False
            return not rule.sites or any(s in sites for s in rule.sites)
        return Active([r for r in self.rules if applies(r)])


class Active:
    """The rules that apply to one document, grouped by kind."""

    def __init__(self, rules: list[Rule]):
        self.blocks = [r for r in rules if r.kind == "block"]
        self.spans = [r for r in rules if r.kind == "span"]
        self.trailers = [r for r in rules if r.kind == "trailer"]
        self.selectors = [r for r in rules if r.kind == "selector"]

    @functools.cached_property
    def block_index(self) -> Index:
        return Index([r.match for r in self.blocks])

    @functools.cached_property
    def start_index(self) -> Index:
        return Index([r.start for r in self.spans])

    @functools.cached_property
    def trailer_index(self) -> Index:
        return Index([r.match for r in self.trailers])


def load_rules(extra: list[str | Path] = (), builtin: bool = True, disable: list[str] = (),
               languages: list[str] = ()) -> Rules:
    """Load the built-in rule sets and any extra files or folders.

    `disable` names rule ids, categories or rule sets ("sites/themoscowtimes.com",
    or "sites" for every site set) to leave out.
    """
    roots = ([builtin_dir()] if builtin else []) + [Path(p) for p in extra]
    sets, seen = [], {}
    for root in roots:
        for rs in _load_root(root):
            path = rs.path
            for rule in rs.rules:
                if rule.id in seen:
                    raise RuleError(path, rule.line, rule.id, f"duplicate rule id (first in {seen[rule.id]})")
                seen[rule.id] = f"{rule.path}:{rule.line}"
            sets.append(rs)
    off = set(disable)

    def disabled(name: str) -> bool:
        return any(name == d or name.startswith(d.rstrip("/") + "/") for d in off)

    sets = [s for s in sets if not disabled(s.name) and not (s.site and s.site in off)]
    wanted = set(languages)
    for s in sets:
        s.rules = [r for r in s.rules if r.id not in off and r.category not in off
                   and (not wanted or not r.languages or r.languages & wanted)]
    return Rules(sets)


CACHE_FILES = 32  # cached rule folders kept; the least recently used go first


def cache_dir() -> Path | None:
    """Where parsed rule sets are kept between runs: $CLEANNEWS_CACHE_DIR (empty: no cache),
    else $XDG_CACHE_HOME/cleannews, else ~/.cache/cleannews."""
    import os

    if "CLEANNEWS_CACHE_DIR" in os.environ:
        return Path(os.environ["CLEANNEWS_CACHE_DIR"]) if os.environ["CLEANNEWS_CACHE_DIR"] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleannews"


def _load_root(root: Path):
    """The rule sets of a file or folder, from the cache when its files are byte for byte the
    ones cached (YAML parsing and validation take most of a short run; regexes compile on
    first use either way).  A cache that cannot be read or written is passed by silently.
    Uncached, the files load one by one as the caller asks, so errors come in the same order."""
    import hashlib
    import pickle
    import sys

    from cleannews import __version__

    paths = rule_files(root)
    base = root if root.is_dir() else None
    folder = cache_dir()
    cached = None
    if folder is not None:
        try:
            key = hashlib.blake2b(repr((__version__, sys.version, regex.__version__, str(root), str(base))).encode(),
                                  digest_size=20)
            key.update(Path(__file__).read_bytes())  # this code, which made the cached objects
            for path in paths:
                key.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes() + b"\0")
            cached = folder / f"rules-{key.hexdigest()}.pickle"
            with open(cached, "rb") as fh:
                sets = pickle.load(fh)
            cached.touch()
            return sets
        except Exception:  # noqa: BLE001 - no cache, a stale or broken one: load the files
            pass
    return _load_files(paths, base, cached)


def _load_files(paths: list[Path], base: Path | None, cached: Path | None):
    sets = []
    for path in paths:
        sets.append(load_file(path, base))
        yield sets[-1]
    if cached is not None:
        for m in (m for s in sets for r in s.rules for m in (r.match, r.start, r.end) if m is not None):
            m.literals  # noqa: B018 - computed once, kept in the cache
        _write_cache(cached, sets)


def _write_cache(target: Path, sets: list[RuleSet]) -> None:
    import os
    import pickle
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".rules-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(sets, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        old = sorted(target.parent.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[CACHE_FILES:]:
            stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only home or a full disk: run without a cache
        with contextlib.suppress(Exception):
            os.unlink(tmp)
