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
            blocks; `followed_by: links`: only where no paragraph of running
            text follows it (a "Related" heading above the article's own
            paragraphs is inside the article);
- selector: `selector` (CSS) or `xpath`: HTML elements that go before extraction;
- body:     `kind: body` and a selector or XPath: where the article is on the site's pages
            (a strong signal, not a cut: see cleannews.pipeline.site);
- metadata: `kind: metadata`, `field` (title, author, date) and an XPath: read before
            trafilatura's guesses.

Site rule sets imported from elsewhere (`source:`, see cleannews.engine.ftr) carry no
examples: their upstream tests them on live pages (`source.test_urls`), and a folder of them
holding `index.tsv` is read one site at a time, when a page of that site comes (SiteIndex).

Validation is strict because rule authors write hundreds of these: every
mistake names the file, the line and the rule id, before any page is read.
Each pattern and selector is also compiled and run as cleaning runs it, on a
sample line or page: what compiles but fails when run would fail on every page.
"""
from __future__ import annotations

import contextlib
import functools
import importlib.resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import regex
import yaml

from cleannews.engine import matching, regex_literals
from cleannews.engine.lines import Lines
from cleannews.engine.matching import (DEFAULT_MAX_WORDS, PHRASE_EDGES, REGEX_TIMEOUT, Index, Matcher, Page,
                                       PatternTimeout, normalize)
from cleannews.errors import EXIT_USAGE, CleannewsError, InputError, RuleError

CATEGORIES = frozenset({
    "paywall", "newsletter", "donation", "cookie", "social", "related", "navigation",
    "caption", "copyright", "comments", "ads", "signin", "byline", "promo", "boilerplate",
})
MATCH_MODES = ("exact", "start", "end", "contains")
FILE_KEYS = {"description", "category", "languages", "sites", "site", "subdomains", "sitename", "fingerprints",
             "source", "rules"}
SOURCE_KEYS = {"name", "file", "url", "commit", "licence", "test_urls", "not_used"}
MATCHER_KEYS = {"pattern", "phrases", "match", "ignore_case", "max_words"}
RULE_KEYS = MATCHER_KEYS | {"id", "category", "description", "languages", "sites", "kind",
                            "start", "end", "max_blocks", "within", "followed_by", "selector", "xpath", "field", "drop",
                            "keep"}
KINDS = ("block", "span", "trailer", "selector", "body", "metadata")
FOLLOWED_BY = ("anything", "links")  # what a trailer's block may have after it
HTML_KINDS = ("selector", "body", "metadata")  # what runs on the page's tree, by CSS selector or XPath
METADATA_FIELDS = ("title", "author", "date")
INDEX_FILE = "index.tsv"  # in a folder of site rule sets: read one site at a time (see SiteIndex)
# A pattern longer than this is refused: `regex` takes seconds to compile one of 10,000
# alternatives (14 s for 100,000) and the literal analysis more; a list that long is `phrases:`
MAX_PATTERN_CHARS = 20_000

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
    followed_by: str = "anything"  # trailer: "links", when running text after its block means it is not one
    selector: str | None = None
    xpath: str | None = None
    meta_field: str | None = None  # metadata: what the XPath reads (`field:`)
    imported: bool = False  # from a rule set with `source:` (not written for cleannews, no examples)
    drop: list = field(default_factory=list)
    keep: list = field(default_factory=list)
    ruleset: str = ""

    def select(self, tree, compiled=None, source: str = "<page>") -> list:
        """The elements of `tree` this selector or body rule matches (what a metadata rule reads);
        `compiled`: its XPath compiled, or the part of it that can match this page.  A selector that cannot be evaluated on a page raises
        InputError naming the page and the rule: lxml's own error cannot cross from a worker
        process to the one that reports it, and would end the worker instead of the page."""
        from lxml import etree

        try:
            found = (compiled or etree.XPath(self.xpath))(tree)
        except etree.XPathError as exc:
            raise InputError(source, f"selector rule {self.id!r} ({self.path}:{self.line}) "
                                     f"cannot be evaluated: {exc}") from None
        if self.kind == "metadata":
            return found
        # elements only: an XPath may select text on some pages (`//nav | //p/text()`) and not on
        # the sample page it was checked on
        return [e for e in found if isinstance(getattr(e, "tag", None), str)] if isinstance(found, list) else []


@dataclass
class RuleSet:
    name: str  # path below its rules folder, without extension: "generic/newsletter"
    path: Path
    rules: list[Rule]
    site: str | None = None
    sitename: str | None = None
    fingerprints: tuple = ()
    named: tuple = ()  # (id, line) of every rule the file names, its invalid ones too (`validate`)
    subdomains: bool = True  # `site` covers its subdomains too; False: the domain alone (and www.)
    source: dict | None = None  # where imported rules come from (file, commit, licence)

    def covers(self, host: str | None) -> bool:
        """Whether this site rule set applies to pages of `host` (without its www.): `site:
        example.com` to example.com and, unless `subdomains: false`, any subdomain;
        `site: "*.example.com"` to the subdomains only (as Full-Text RSS's `.example.com.txt`)."""
        return bool(host and self.site) and _covers(self.site, self.subdomains, host)


def _covers(site: str, subdomains: bool, host: str) -> bool:
    if site.startswith("*."):
        return host.endswith(site[1:])
    return host == site or (subdomains and host.endswith("." + site))


class _Mapping(dict):
    """A YAML mapping that knows its line, and the line of each value (`lines`) and of each
    item of a list value (`item_lines`), so that an error points at what is wrong."""

    line = 0
    lines: dict = {}
    item_lines: dict = {}

    def line_of(self, key, item: int | None = None) -> int:
        if item is not None and item < len(self.item_lines.get(key, ())):
            return self.item_lines[key][item]
        return self.lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    """SafeLoader that records line numbers and refuses duplicate keys."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    seen = set()
    lines, item_lines = {}, {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):  # `[a, b]: x`, `{a: 1}: x`: no rule key is one
            raise yaml.MarkedYAMLError(problem=f"a key must be a plain string, not a {key_node.id}",
                                       problem_mark=key_node.start_mark)
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.MarkedYAMLError(problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
        seen.add(key)
        lines[key] = value_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [item.start_mark.line + 1 for item in value_node.value]
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines, mapping.item_lines = lines, item_lines
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def builtin_dir() -> Path:
    """The shipped rule sets: package data when installed, ../rules in a source checkout."""
    installed = importlib.resources.files("cleannews") / "builtin_rules"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "rules"


def rule_files(root: Path, indexed: bool = False) -> list[Path]:
    """The rule files under `root` that load at start-up; with `indexed`, those of indexed
    folders too (SiteIndex: what `validate` checks)."""
    files, folders = _walk(root)
    if indexed:
        files += [p for folder in folders for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(files)


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """The rule files under `root` that load at start-up, and the folders that hold an
    INDEX_FILE, whose files load one site at a time (not listed: thousands of them)."""
    import os

    if root.is_file():
        return [root], []
    if not root.is_dir():
        raise RuleError(root, None, None, "no such rule file or folder")
    files, indexed, folders = [], [], [root]
    while folders:
        folder = folders.pop()
        if (folder / INDEX_FILE).is_file():  # not listed: its thousands of files cost at every start
            indexed.append(folder)
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    folders.append(Path(entry.path))
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    files.append(Path(entry.path))
    return sorted(files), sorted(indexed)


class SiteIndex:
    """A folder of site rule sets, one file a site, with an INDEX_FILE naming each file's
    site: the files are read when a page of their site comes, so that two thousand sites
    cost nothing at start-up nor on the pages of other sites.  The index lines are
    `site<TAB>subdomains (yes/no)<TAB>file<TAB>rule id prefix`; `#` starts a comment.
    A loaded file is kept, as a rule set, for the rest of the run."""

    def __init__(self, folder: Path, base: Path | None):
        self.folder, self.base = folder, base
        self.loaded: dict[str, RuleSet] = {}
        self.folder_name = str(folder.relative_to(base)) if base and folder != base else ""

    @classmethod
    def read(cls, folder: Path, base: Path | None) -> "SiteIndex":
        """The index of `folder`, read (and its mistakes raised) when first asked: a run of pages
        without a URL never reads it."""
        return cls(folder, base)

    @functools.cached_property
    def entries(self) -> list[tuple[str, bool, str, str]]:
        path = self.folder / INDEX_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(path, None, None, f"cannot read: {exc}") from None
        entries = []
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 4 or fields[1] not in ("yes", "no") or "/" in fields[2]:
                raise RuleError(path, number, None, "an index line is: site, subdomains (yes or no), file, "
                                                    f"rule id prefix, apart by tabs; not {line!r}")
            entries.append((fields[0], fields[1] == "yes", fields[2], fields[3]))
        return entries

    @functools.cached_property
    def by_domain(self) -> dict[str, list[tuple[str, bool, str, str]]]:
        found: dict[str, list] = {}
        for entry in self.entries:
            found.setdefault(entry[0].removeprefix("*."), []).append(entry)
        return found

    def name(self, file: str) -> str:
        """The rule set name of one file, as eager loading names it ("sites/ftr/nytimes.com")."""
        return str(Path(self.folder_name, file).with_suffix(""))

    def files_for(self, host: str) -> list[str]:
        labels = host.split(".")
        found = []
        for i in range(len(labels) - 1):
            for site, subdomains, file, _ in self.by_domain.get(".".join(labels[i:]), ()):
                if _covers(site, subdomains, host):
                    found.append(file)
        return found

    def load(self, file: str) -> RuleSet:
        if file not in self.loaded:
            self.loaded[file] = load_file(self.folder / file, self.base)
        return self.loaded[file]

    def rules_like(self, rule_id: str) -> list[Rule]:
        """The rules of the files whose rules' ids start as `rule_id` does (each file's id prefix
        is in the index), the longest prefix first: where a rule of that id would be."""
        files = sorted(((prefix, file) for _, _, file, prefix in self.entries if rule_id.startswith(prefix)),
                       reverse=True)
        return [r for _, file in files for r in self.load(file).rules]

    def rule(self, rule_id: str) -> "Rule | None":
        return next((r for r in self.rules_like(rule_id) if r.id == rule_id), None)

    def names(self) -> set[str]:
        """What --disable may name in this folder: its rule sets and sites (rule ids: rule_known)."""
        found = set()
        for site, _, file, _ in self.entries:
            parts = self.name(file).split("/")
            found.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
            found.add(site)
        return found



def load_file(path: Path, root: Path | None = None, errors: list | None = None) -> RuleSet:
    """The rule set of one file.  With `errors` (a list), every mistake of the file is appended
    to it, a rule with a mistake is left out, and loading goes on (`rules validate`); without,
    the first mistake raises RuleError."""
    mistakes = _Mistakes(strict=errors is None)
    try:
        return _load_file(path, root, mistakes)
    except RuleError as exc:
        if errors is None:
            raise
        mistakes.append(exc)
        return RuleSet(path.stem, path, [])
    finally:
        if errors is not None:
            errors += mistakes


class _Mistakes(list):
    """The mistakes found in one rule file.  Strict (loading rules to clean with), the first one
    is raised where it is found; else each is kept and checking goes on past it, so that a rule
    author sees every mistake of every rule in one run of `rules validate`."""

    def __init__(self, strict: bool):
        super().__init__()
        self.strict = strict

    def take(self, check, *args, default=None):
        """`check(*args)`, or `default` once its RuleError is noted."""
        try:
            return check(*args)
        except RuleError as exc:
            if self.strict:
                raise
            self.append(exc)
            return default


def _load_file(path: Path, root: Path | None, mistakes: _Mistakes) -> RuleSet:
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
    _check_keys(path, data, FILE_KEYS, None, mistakes)
    site = mistakes.take(_site, path, data, default=None)
    source = mistakes.take(_source, path, data, default=None)
    defaults = {
        "imported": source is not None,
        "category": mistakes.take(_opt, path, data, "category", str, None),
        "languages": mistakes.take(_str_list, path, data, "languages", None),
        "sites": [site] if site else mistakes.take(_str_list, path, data, "sites", None),
    }
    rules_data = data.get("rules") or []
    if not isinstance(rules_data, list):
        raise RuleError(path, data.line, None, "`rules` must be a list")
    rules, named = [], []
    for item in rules_data:
        before = len(mistakes)
        rule = mistakes.take(_rule, path, item, defaults, name, mistakes)
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            named.append((item["id"], item.line))
        if rule is not None and len(mistakes) == before:
            rules.append(rule)
    return RuleSet(name, path, rules, site=site,
                   sitename=mistakes.take(_opt, path, data, "sitename", str, None),
                   fingerprints=tuple(mistakes.take(_str_list, path, data, "fingerprints", None) or ()),
                   named=tuple(named), subdomains=mistakes.take(_opt, path, data, "subdomains", bool, True),
                   source=source)


def _site(path: Path, data) -> str | None:
    site = _opt(path, data, "site", str, None)
    if site is not None and not regex.fullmatch(r"(?:\*\.)?[\w-]+(?:\.[\w-]+)*", site):
        raise RuleError(path, data.line_of("site"), None,
                        f"`site` must be a domain (example.com) or every subdomain of one (*.example.com), not {site!r}")
    return site


def _source(path: Path, data) -> dict | None:
    """Where an imported rule set comes from: what its header says, so that a user can trace a
    rule to its upstream file and licence."""
    source = data.get("source")
    if source is None:
        return None
    if not isinstance(source, dict):
        raise RuleError(path, data.line_of("source"), None, "`source` must be a mapping (file, url, commit, licence)")
    unknown = sorted(set(source) - SOURCE_KEYS, key=str)
    if unknown:
        raise RuleError(path, source.line, None,
                        f"unknown key {unknown[0]!r} in `source` (known: {', '.join(sorted(SOURCE_KEYS))})")
    for key in ("file", "licence"):
        if not isinstance(source.get(key), str):
            raise RuleError(path, source.line, None, f"`source` needs `{key}`: the upstream file and its licence")
    return dict(source)


def _rule(path: Path, item, defaults: dict, ruleset: str, mistakes: _Mistakes) -> Rule:
    """The rule of one item of `rules:`; its mistakes go to `mistakes` (see _Mistakes), those
    that leave nothing to check further (no mapping, no id) are raised."""
    if not isinstance(item, dict):
        raise RuleError(path, getattr(item, "line", None), None, "each rule must be a mapping")
    rid = item.get("id")
    if not isinstance(rid, str) or not regex.fullmatch(r"[\w.-]+", rid):
        raise RuleError(path, item.line, None, "a rule needs an `id` of letters, digits, '.', '-' or '_'")
    take = mistakes.take
    _check_keys(path, item, RULE_KEYS, rid, mistakes)
    kind = item.get("kind") or ("span" if "start" in item
                                else "selector" if "selector" in item or "xpath" in item else "block")
    if kind not in KINDS:
        take(_refuse, path, item.line, rid, f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    reads = kind in ("body", "metadata")  # a rule that finds, not removes: no category, no examples to drop
    category = None
    for key in ("category", "drop", "keep") if reads else ():
        if key in item:
            take(_refuse, path, item.line_of(key), rid, f"a {kind} rule removes nothing: it takes no `{key}`")
    if not reads:
        category = take(_opt, path, item, "category", str, defaults["category"], rid)
        if category not in CATEGORIES:
            take(_refuse, path, item.line, rid,
                 f"unknown or missing category {category!r} (one of {', '.join(sorted(CATEGORIES))})")
    if not take(_opt, path, item, "description", str, None, rid):
        take(_refuse, path, item.line, rid, "a rule needs a `description` saying what it drops and why")
    languages = take(_str_list, path, item, "languages", rid) or defaults["languages"]
    rule = Rule(id=rid, category=category, description=item.get("description"), kind=kind, path=path,
                line=item.line, languages=frozenset(languages) if languages else None,
                sites=tuple(take(_str_list, path, item, "sites", rid) or defaults["sites"] or ()),
                drop=take(_examples, path, item, "drop", rid, default=[]),
                keep=take(_examples, path, item, "keep", rid, default=[]), ruleset=ruleset,
                imported=defaults["imported"])
    if kind == "span":
        for key in ("start", "end"):
            if isinstance(item.get(key), dict):
                _check_keys(path, item[key], MATCHER_KEYS, rid, mistakes)
                setattr(rule, key, _matcher(path, item[key], rid, mistakes))
            else:
                take(_refuse, path, item.line, rid, f"a span rule needs a `{key}` matcher mapping")
        rule.max_blocks = take(_opt, path, item, "max_blocks", int, 40, rid, default=40)
    elif kind in HTML_KINDS:
        rule.selector, rule.xpath = take(_html_xpath, path, item, rid, kind, default=(None, None))
        if kind == "metadata":
            rule.meta_field = take(_opt, path, item, "field", str, None, rid)
            if rule.meta_field not in METADATA_FIELDS:
                take(_refuse, path, item.line, rid,
                     f"a metadata rule needs a `field` (one of {', '.join(METADATA_FIELDS)}), not {rule.meta_field!r}")
    elif kind in KINDS:
        rule.match = _matcher(path, item, rid, mistakes)
        rule.within = take(_opt, path, item, "within", int, 12, rid, default=12)
        rule.followed_by = take(_opt, path, item, "followed_by", str, "anything", rid, default="anything")
        if kind != "trailer" and "followed_by" in item:
            take(_refuse, path, item.line_of("followed_by"), rid, "`followed_by` belongs to trailer rules only")
        elif rule.followed_by not in FOLLOWED_BY:
            take(_refuse, path, item.line_of("followed_by"), rid,
                 f"`followed_by` is one of {', '.join(FOLLOWED_BY)}, not {rule.followed_by!r}")
    for key in ("start", "end", "max_blocks") if kind != "span" else ():
        if key in item:
            take(_refuse, path, item.line, rid, f"`{key}` belongs to span rules only")
    for key in ("selector", "xpath") if kind not in HTML_KINDS else ():
        if key in item:
            take(_refuse, path, item.line_of(key), rid, f"`{key}` belongs to {', '.join(HTML_KINDS)} rules only")
    if "field" in item and kind != "metadata":
        take(_refuse, path, item.line_of("field"), rid, "`field` belongs to metadata rules only")
    if not reads and not defaults["imported"] and (not rule.drop or not rule.keep):
        take(_refuse, path, item.line, rid,
             "a rule needs `drop:` and `keep:` examples (what it must remove, what it must leave)")
    return rule


def _html_xpath(path: Path, item, rid: str, kind: str) -> tuple[str | None, str]:
    """The CSS selector (None for an XPath rule) and the XPath a selector, body or metadata
    rule runs, checked as extraction runs it."""
    if ("selector" in item) == ("xpath" in item):
        raise RuleError(path, item.line, rid, f"a {kind} rule needs a `selector` (CSS) or an `xpath`: one of them")
    key = "selector" if "selector" in item else "xpath"
    value = _opt(path, item, key, str, None, rid)
    if not value:
        raise RuleError(path, item.line_of(key), rid, f"`{key}` must not be empty")
    if key == "selector":
        return value, _selector_xpath(path, item.line_of(key), rid, value)
    problem = xpath_problem(value, elements=kind != "metadata")
    if problem:
        raise RuleError(path, item.line_of(key), rid, problem)
    return None, value


def xpath_problem(xpath: str, elements: bool = True) -> str | None:
    """Why an XPath cannot serve as a rule, None when it can: it must compile, alone and each
    member of its union (extraction runs the members a page can match), run on SAMPLE_PAGE,
    and, with `elements`, select elements (not text, a number or attribute values).  The
    same test serves loading and importing (cleannews.engine.ftr), so that what an import
    writes, loading takes."""
    from lxml import etree

    from cleannews.pipeline.xpath_union import union_members

    try:
        compiled = [etree.XPath(e) for e in (xpath, *(member for _, member in union_members(xpath)))]
    except etree.XPathError as exc:
        return f"bad XPath {xpath!r}: {exc}"
    for expression in compiled:
        try:
            found = expression(_sample_tree())
        except etree.XPathError as exc:
            return f"XPath {xpath!r} fails on a sample page: {exc}"
        if elements and not (isinstance(found, list) and all(isinstance(e, etree._Element) for e in found)):
            what = "text or attribute values" if isinstance(found, list) else "a string, number or boolean"
            return f"XPath {xpath!r} selects {what}, not elements"
    return None


def _refuse(path: Path, line: int | None, rid: str | None, reason: str):
    raise RuleError(path, line, rid, reason)


# What every selector is run on when it is loaded: a page of the elements and attributes that
# news pages hold (an SVG icon among them), so that an XPath that compiles but cannot be
# evaluated (`svg|a`: a namespace prefix no HTML page declares) is refused before any page.
SAMPLE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sample</title>
<meta name="description" content="A sample page"><link rel="canonical" href="https://example.com/a"></head>
<body class="page article"><header id="top"><nav class="menu" role="navigation"><ul><li><a href="/">Home</a>
</li></ul></nav></header><main><article itemprop="articleBody"><h1>A headline</h1>
<p class="lead" data-id="1">Text with <b>bold</b>, <span lang="de">Wörter</span> and an icon
<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>.</p><figure><img src="a.png" alt="A photo">
<figcaption>Photo: Agency</figcaption></figure><form action="/subscribe"><input type="email" name="e">
<button type="submit">Sign up</button></form></article></main><aside hidden style="display:none">Ad</aside>
<footer><p>&copy; 2024 Example News</p></footer><iframe src="https://example.com/embed"></iframe></body></html>"""

# ... and every pattern and phrase on these lines, as the rule engine runs them on a page's blocks
SAMPLE_LINES = ("Subscribe to our newsletter for $2.99 a month – © 2024 Example News, 4 Mill Road.",
                "Read more: “Council votes on the river park plan” | 12:45 PM",
                "Поделиться · 分享 · Teilen · compartir",
                "Photo: Jane Doe/Reuters")


def _selector_xpath(path: Path, line: int, rid: str, selector: str) -> str:
    """The XPath of a CSS selector, compiled and evaluated as extraction will: the whole union and
    each member alone (extraction runs the members a page can match), on SAMPLE_PAGE."""
    from cssselect import GenericTranslator, SelectorError
    from lxml import etree

    from cleannews.pipeline.xpath_union import union_members

    try:
        xpath = GenericTranslator().css_to_xpath(selector)
        compiled = [etree.XPath(e) for e in (xpath, *(member for _, member in union_members(xpath)))]
    except (SelectorError, etree.XPathError) as exc:
        raise RuleError(path, line, rid, f"bad CSS selector {selector!r}: {exc}") from None
    try:
        for expression in compiled:
            expression(_sample_tree())
    except etree.XPathError as exc:
        raise RuleError(path, line, rid, f"CSS selector {selector!r} fails on a sample page: {exc}") from None
    return xpath


@functools.cache
def _sample_tree():
    import lxml.html

    return lxml.html.document_fromstring(SAMPLE_PAGE)


def _matcher(path: Path, spec: dict, rid: str, mistakes: _Mistakes) -> Matcher | None:
    """The Matcher of a rule (or of a span's `start`/`end`), None when a mistake leaves none."""
    take = mistakes.take
    phrases = take(_str_list, path, spec, "phrases", rid) or []
    patterns = spec.get("pattern")
    single = isinstance(patterns, str)
    if single:
        patterns = [patterns]
    if patterns is not None and (not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns)):
        take(_refuse, path, spec.line_of("pattern"), rid, "`pattern` must be a string or a list of strings")
        return None

    def pattern_line(i: int) -> int:
        return spec.line_of("pattern", None if single else i)

    size = sum(len(p) for p in patterns or ())
    if size > MAX_PATTERN_CHARS:
        take(_refuse, path, pattern_line(0), rid,
             f"pattern of {size:,} characters (more than {MAX_PATTERN_CHARS:,}; {patterns[0][:40]!r}...): "
             "list many strings as `phrases:`, which match as one prefix tree")
        return None
    if not phrases and not patterns:
        take(_refuse, path, spec.line, rid, "a matcher needs `pattern` or `phrases`")
        return None
    before = len(mistakes)
    mode = take(_opt, path, spec, "match", str, "exact", rid, default="exact")
    if mode not in MATCH_MODES:
        take(_refuse, path, spec.line, rid, f"unknown match {mode!r} (one of {', '.join(MATCH_MODES)})")
    ignore_case = take(_opt, path, spec, "ignore_case", bool, True, rid, default=True)
    max_words = spec.get("max_words", DEFAULT_MAX_WORDS)
    if max_words is not None and (not isinstance(max_words, int) or isinstance(max_words, bool)):
        take(_refuse, path, spec.line, rid, "`max_words` must be an integer or null")
    flags = regex.IGNORECASE | regex.VERSION1 if ignore_case else regex.VERSION1
    for i, p in enumerate(patterns or ()):  # each alone, as the engine compiles them to name the one that fired
        try:
            regex.compile(p, flags)
        except regex.error as exc:
            take(_refuse, path, pattern_line(i), rid, f"bad pattern {p!r}: {exc}")
    if len(mistakes) > before:
        return None
    norms = sorted({normalize(p) for p in phrases if normalize(p)}, key=lambda p: (-len(p), p))
    matcher = Matcher(max_words=max_words, rule_id=rid, mode=mode, phrases=tuple(norms),
                      patterns=tuple(patterns or ()), ignore_case=ignore_case)
    if mode == "exact":
        matcher.exact = frozenset(norms)
    elif norms:
        alternation = "|".join(regex.escape(p) for p in norms)
        edges = PHRASE_EDGES[mode]
        matcher.phrase_source = edges[0] + alternation + edges[1]
    if patterns:
        matcher.flags = flags
        matcher.pattern_source = "|".join(f"(?:{p})" for p in patterns)
    return take(_tried, path, pattern_line(0) if patterns else spec.line, rid, matcher)


def _tried(path: Path, line: int, rid: str, matcher: Matcher) -> Matcher:
    """`matcher`, once its regexes are compiled, the prefilter's reading of its patterns worked
    out and the whole of it run on SAMPLE_LINES as the engine runs it on a page: whatever fails
    there would fail on every page."""
    try:
        index = Index([matcher])
        index.candidates_many(Page(list(SAMPLE_LINES), [len(t.split()) for t in SAMPLE_LINES]))
        for text in SAMPLE_LINES:
            norm = normalize(text)
            matcher(text, norm, len(text.split()))
            matcher.which(text, norm)
    except PatternTimeout:
        raise RuleError(path, line, rid, f"a pattern takes longer than {REGEX_TIMEOUT} s on a sample line "
                        f"(catastrophic backtracking?): {matcher.patterns}") from None
    except Exception as exc:  # noqa: BLE001 - whatever it is, it would fail on a page
        raise RuleError(path, line, rid, f"the matcher fails on a sample line: {type(exc).__name__}: {exc}") from None
    return matcher


def _check_keys(path: Path, data: dict, allowed: set, rid: str | None, mistakes: _Mistakes) -> None:
    for key in sorted(set(data) - allowed, key=str):
        mistakes.take(_refuse, path, getattr(data, "line", None), rid,
                      f"unknown key {key!r} (known: {', '.join(sorted(allowed))})")


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


@dataclass(frozen=True)
class RuleSpec:
    """Which rules to load, as one plain, frozen, hashable value: it keys the per-process cache
    (cleannews.api.load_spec) and is all a worker process, a datatrove task or a learn shard
    needs to load the very rules the command loaded (a compiled rule set is too big to send).

    `extra`: rule files or folders; `builtin`: the shipped rules too; `disable`: rule ids,
    categories or rule sets left out, stages or their labels turned off; `languages`: only rules for these (and language-neutral
    ones); `site`: the domain of pages without a URL (see Rules).  Build it with `RuleSpec.of`,
    which takes any iterable or a single string for each.
    """

    extra: tuple[str, ...] = ()
    builtin: bool = True
    disable: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    site: str | None = None

    @classmethod
    def of(cls, extra=(), builtin: bool = True, disable=(), languages=(), site: str | None = None,
           absolute: bool = False) -> "RuleSpec":
        """A spec from loose arguments; `absolute`: the extra paths resolved, for a process that
        may start in another folder (a datatrove task on a cluster node)."""
        paths = _strings(extra)
        if absolute:
            paths = tuple(str(Path(p).resolve()) for p in paths)
        return cls(paths, bool(builtin), _strings(disable), _strings(languages), site or None)


def _strings(value) -> tuple[str, ...]:
    """One string or path, or any iterable of them, as a tuple of strings."""
    return (str(value),) if isinstance(value, (str, Path)) or hasattr(value, "__fspath__") else tuple(
        str(v) for v in value)


class Rules:
    """Every loaded rule set, with the per-document selection cached.

    `site`: the domain of pages that come without a URL (`--site`): its site
    rule sets apply to them instead of those whose fingerprints they hold.
    """

    def __init__(self, sets: list[RuleSet], site: str | None = None, disabled=(), indexes=(), keep=None):
        self.sets = sets
        self.indexes = list(indexes)  # folders of site rule sets read one site at a time (SiteIndex)
        self._keep = keep  # what a set read from an index keeps of its rules (--disable, languages)
        # the sets read from indexes since, for the pages of their sites: apart from `sets` and
        # `rules` (what loaded at start-up), which stay the same whatever pages a process cleans
        self.read: dict[Path, RuleSet] = {}
        self.site = site
        self.disabled = frozenset(disabled)  # what --disable named (see `enabled`)
        self.lines = Lines()  # what each line's text worked out, shared by the pages this rule set cleans
        self.spec: RuleSpec | None = None  # how it was loaded, set by cleannews.api.load_spec
        self.rules = [r for s in sets for r in s.rules]
        prints: dict[str, list] = {}  # a phrase may name a site in several sets (built-in and learned)
        for s in sets:
            for fp in s.fingerprints:
                prints.setdefault(fp, []).append(s)
        self._fingerprints = prints
        self._fingerprint_re = (regex.compile("|".join(regex.escape(f) for f in sorted(prints, key=len, reverse=True)))
                                if prints else None)

    def sites_for(self, host: str | None, content: str) -> list[RuleSet]:
        """The site rule sets that apply: by URL host, else by `site`, else by the fingerprint
        phrases the content holds."""
        host = host or self.site
        if host:
            for index in self.indexes:
                for file in index.files_for(host):
                    self.add(index.load(file))
            return [s for s in (*self.sets, *self.read.values()) if s.covers(host)]
        site_sets = [s for s in self.sets if s.site]
        if self._fingerprint_re is None:
            return []
        found = {s.name for m in self._fingerprint_re.finditer(content[:200_000]) for s in self._fingerprints[m.group()]}
        return [s for s in site_sets if s.name in found]

    def add(self, rs: RuleSet) -> None:
        """Take in a rule set read from an index, once, less what --disable left out."""
        if rs.path in self.read:
            return
        self.read[rs.path] = self._keep(rs) if self._keep is not None else rs
        if self.read[rs.path] is None:
            self.read[rs.path] = RuleSet(rs.name, rs.path, [])

    def find(self, rule_id: str) -> Rule | None:
        """The rule of this id, in the loaded sets or in an index (read then)."""
        found = next((r for r in self.rules if r.id == rule_id), None)
        for index in self.indexes if found is None else ():
            found = index.rule(rule_id)
            if found is not None:
                self.add(index.load(found.path.name))
                return next((r for r in self.read[found.path].rules if r.id == rule_id), None)
        return found

    def enabled(self, label: str, category: str | None = None, stage: str | None = None) -> bool:
        """Whether a stage after the rules may make a removal it labels `label` (of `category`,
        made by `stage`): not when --disable named the label, a name above it (`classifier` for
        `classifier.outside-article`, `model` for `model.html`), its category or its stage.
        Disabled rules are left out when they load; the stages ask here before each removal."""
        off = self.disabled
        if not off:
            return True
        if category in off or stage in off:
            return False
        parts = label.split(".")
        return not any(".".join(parts[:i]) in off for i in range(1, len(parts) + 1))

    def active(self, language: str | None, sites: tuple[str, ...]) -> "Active":
        return self._active(language, sites)

    @functools.lru_cache(maxsize=256)
    def _active(self, language, sites):
        def applies(rule):
            if rule.languages and language and language not in rule.languages:
                return False
            return not rule.sites or any(s in sites for s in rule.sites)
        read = [r for s in self.read.values() if s.site in sites for r in s.rules]
        return Active([r for r in self.rules + read if applies(r)])


class Active:
    """The rules that apply to one document, grouped by kind."""

    def __init__(self, rules: list[Rule]):
        self.blocks = [r for r in rules if r.kind == "block"]
        self.spans = [r for r in rules if r.kind == "span"]
        self.trailers = [r for r in rules if r.kind == "trailer"]
        # imported strips go through cleannews.pipeline.site.usable_strips (a stale one would take the
        # article) before any is dropped: on the benchmark pages, dropped unguarded, they cost F1
        self.selectors = [r for r in rules if r.kind == "selector" and not r.imported]
        self.strips = [r for r in rules if r.kind == "selector" and r.imported]
        self.bodies = [r for r in rules if r.kind == "body"]
        self.metadata = [r for r in rules if r.kind == "metadata"]

    @functools.cached_property
    def block_index(self) -> Index:
        return Index([r.match for r in self.blocks])

    @functools.cached_property
    def start_index(self) -> Index:
        return Index([r.start for r in self.spans])

    @functools.cached_property
    def trailer_index(self) -> Index:
        return Index([r.match for r in self.trailers])


class UnknownNameError(CleannewsError):
    """A rule id, category or rule set named (in --disable, --category, `disable`) that does not exist."""

    exit_code = EXIT_USAGE

    def __init__(self, what: str, name: str, detail: str):
        super().__init__(f"{what} {name!r}: {detail}")
        self.name, self.detail = name, detail

    def __reduce__(self):
        return type(self), ("--disable", self.name, self.detail)


def load_rules(extra: Iterable[str | Path] = (), builtin: bool = True, disable: Iterable[str] = (),
               languages: Iterable[str] = (), site: str | None = None) -> Rules:
    """Load the built-in rule sets and any extra files or folders (any iterable of paths).

    `disable` names rule ids, categories or rule sets ("sites/themoscowtimes.com",
    or "sites" for every site set) to leave out, and stages after the rules or
    their labels to turn off ("classifier", "classifier.outside-article": see
    Rules.enabled); a name that is none of these raises UnknownNameError (a typo
    would otherwise disable nothing, silently).
    `site`: see Rules.
    """
    extra = [extra] if isinstance(extra, (str, Path)) else list(extra)
    disable = [disable] if isinstance(disable, str) else list(disable)
    languages = [languages] if isinstance(languages, str) else list(languages)
    roots = ([builtin_dir()] if builtin else []) + [Path(p) for p in extra]
    sets, seen, indexes = [], {}, []
    for root in roots:
        for rs in _load_root(root):
            for rule in rs.rules:
                duplicate = _duplicate(seen, rule.path, rule.line, rule.id)
                if duplicate is not None:
                    raise duplicate
            sets.append(rs)
        indexes += _indexes(root)
    off = set(disable)
    if builtin:
        check_names(off, sets, "--disable", indexes)
    else:
        check_names(off, sets + list(_load_root(builtin_dir())), "--disable", indexes + _indexes(builtin_dir()))
    wanted = set(languages)

    def disabled(name: str) -> bool:
        return any(name == d or name.startswith(d.rstrip("/") + "/") for d in off)

    def keep(s: RuleSet) -> RuleSet | None:
        if disabled(s.name) or (s.site and s.site in off):
            return None
        s.rules = [r for r in s.rules if r.id not in off and r.category not in off
                   and (not wanted or not r.languages or r.languages & wanted)]
        return s

    sets = [s for s in map(keep, sets) if s is not None]
    indexes = [i for i in indexes if not disabled(i.folder_name)]  # a folder of them all disabled
    return Rules(sets, site=site, disabled=off, indexes=indexes, keep=keep)


def _indexes(root: Path) -> list[SiteIndex]:
    base = root if root.is_dir() else None
    return [SiteIndex.read(folder, base) for folder in _walk(root)[1]]


def _duplicate(seen: dict, path: Path, line: int, rid: str) -> RuleError | None:
    """None for the first rule of an id (remembered in `seen`), the error for any other."""
    where = f"{path}:{line}"
    first = seen.setdefault(rid, where)
    return None if first == where else RuleError(path, line, rid, f"duplicate rule id (first in {first})")


def validate(paths: Iterable[str | Path]) -> tuple[list[tuple[RuleSet, int]], list[RuleError]]:
    """Every mistake of every rule file under `paths` (files or folders; not the built-in rules
    beside them), each with its file, line and rule id, a file's in line order; and each file's
    rule set (its valid rules) with its number of mistakes.  A duplicate id is told among every
    rule the files name, a rule with other mistakes too."""
    errors: list[RuleError] = []
    sets, seen = [], {}
    for root in map(Path, paths):
        try:
            files = rule_files(root, indexed=True)
        except RuleError as exc:
            errors.append(exc)
            continue
        for path in files:
            found: list[RuleError] = []
            rs = load_file(path, root if root.is_dir() else None, errors=found)
            twice = set()
            for rid, line in rs.named:
                duplicate = _duplicate(seen, path, line, rid)
                if duplicate is not None:
                    found.append(duplicate)
                    twice.add((rid, line))
            rs.rules = [r for r in rs.rules if (r.id, r.line) not in twice]
            found.sort(key=lambda e: e.args_[1] or 0)
            errors += found
            sets.append((rs, len(found)))
        if root.is_dir():
            errors += _index_mistakes(root, [rs for rs, _ in sets])
    return sets, errors


def _index_mistakes(root: Path, sets: list[RuleSet]) -> list[RuleError]:
    """What an indexed folder under `root` says unlike its files: a file missing or not in the
    index (it would never load), a site, scope or rule id prefix other than its file's."""
    errors = []
    by_path = {rs.path: rs for rs in sets}
    for folder in _walk(root)[1]:
        try:
            index = SiteIndex.read(folder, root)
            index.entries  # noqa: B018 - read now, to report its mistakes here
        except RuleError as exc:
            errors.append(exc)
            continue
        listed = set()
        for number, (site, subdomains, file, prefix) in enumerate(index.entries, 1):
            listed.add(file)
            rs = by_path.get(folder / file)
            where = f"{INDEX_FILE} entry {number} ({file})"
            if rs is None:
                errors.append(RuleError(folder / INDEX_FILE, None, None, f"{where}: no such rule file"))
            elif (rs.site, rs.subdomains) != (site, subdomains) and not (site.startswith("*.") and rs.site == site):
                errors.append(RuleError(rs.path, None, None, f"{where} says site {site!r} (subdomains "
                                        f"{'yes' if subdomains else 'no'}), the file {rs.site!r}"))
            elif any(not rid.startswith(prefix) for rid, _ in rs.named):
                errors.append(RuleError(rs.path, None, None, f"{where}: a rule id does not start with {prefix!r}"))
        for path in sorted(folder.glob("*.y*ml")):
            if path.name not in listed:
                errors.append(RuleError(path, None, None, f"not in {INDEX_FILE} beside: it would never load"))
    return errors


# What the stages after the rules label their removals with (`explain` shows it, the JSON report
# names it as the removal's `rule`): stage -> labels.  --disable takes a stage (all of its
# labels), a label, a name above labels (`no-article`) or their category (`boilerplate`); see
# Rules.enabled.  Below the stages in OPEN_STAGES any name is taken: their labels name what
# the classifier, extraction or a model found (`model.html`) and change as models are added.
STAGE_LABELS = {
    "classifier": ("classifier.outside-article", "classifier.timestamp", "classifier.copyright"),
    "headline": ("headline",),
    "judge": ("no-article.wall", "no-article.links"),
    "extract": ("extract.precision",),
    "model": (),
}
OPEN_STAGES = ("classifier", "extract", "model")


def stage_names() -> set[str]:
    """The stages of STAGE_LABELS, their labels and every name above a label."""
    names = set(STAGE_LABELS)
    for labels in STAGE_LABELS.values():
        for label in labels:
            parts = label.split(".")
            names.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return names


def known_names(sets: list[RuleSet]) -> set[str]:
    """What --disable takes: rule ids, categories, rule sets, the folders above them, site domains,
    and the stages after the rules with their labels (besides any `model.*`, `extract.*`)."""
    names = set(CATEGORIES) | stage_names()
    for s in sets:
        names.update(r.id for r in s.rules)
        parts = s.name.split("/")
        names.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        if s.site:
            names.add(s.site)
    return names


def check_names(names, sets: list[RuleSet], what: str, indexes=()) -> None:
    """UnknownNameError for the first of `names` that names no rule, category or rule set of
    `sets` or of the indexed folders `indexes` (a rule id there is looked up in its one file)."""
    if not names:
        return
    known = known_names(sets)
    for index in indexes:
        known |= index.names()
    for name in sorted(names):
        if name.rstrip("/") in known or any(index.rule(name) for index in indexes):
            continue
        known |= {r.id for index in indexes for r in index.rules_like(name)}  # the closest ids are there
        if not regex.fullmatch(rf"(?:{'|'.join(OPEN_STAGES)})\.[\w.-]+", name):
            raise UnknownNameError(what, name, unknown_message(name, known, "rule id, category or rule set",
                                                               "nor a stage or a label of one")
                                   + f"; {what} takes rule ids and rule sets (cleannews rules list shows them), "
                                   f"the categories {', '.join(sorted(CATEGORIES))}, and the stages "
                                   f"{', '.join(sorted(STAGE_LABELS))} or a label explain shows for one ("
                                   + ", ".join([label for labels in STAGE_LABELS.values() for label in labels]
                                               + [f"{s}.*" for s in OPEN_STAGES]) + ")")


def unknown_message(name: str, known, kind: str, otherwise: str = "cleannews rules list shows them") -> str:
    """No such `kind`, with the closest known names (as `rules show` does), else `otherwise`."""
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else otherwise
    return f"no such {kind} ({hint})"


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

    paths = _walk(root)[0]  # an indexed folder's files load later, one site at a time (SiteIndex)
    base = root if root.is_dir() else None
    folder = cache_dir()
    cached = None
    if folder is not None:
        try:
            key = hashlib.blake2b(repr((__version__, sys.version, regex.__version__, str(root), str(base),
                                        regex_literals.AVAILABLE)).encode(), digest_size=20)
            for code in (__file__, matching.__file__, regex_literals.__file__):  # the code that made the cached objects
                key.update(Path(code).read_bytes())
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
