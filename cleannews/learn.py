"""Learn a site's repeated boilerplate from many of its pages, as YAML rule sets to review.

Every site repeats its furniture on every page.  What the rules and the
classifier leave of it shows up as the same block on many pages of one site;
this module counts blocks per site and turns the frequent ones into a rule
set in the project's own format (`site:`, exact `phrases:` or an anchored
`pattern:`, the blocks it was learned from as `drop:` examples).

A block is counted by its *shape*: the rule engine's normalisation (case,
quotes, spacing, edge punctuation) with numbers and month and weekday names
blanked, so "Updated 12 May" and "Updated 3 June" are one block.  Counts are
8-byte blake2b digests of (site, shape), never the text: a key seen on one
page so far costs 8 bytes in a sorted array, a key seen on more pages one
dict entry.

The work is two passes over the pages, both order-free sums (so the result
is the same whatever the order of the pages or how they were split):

1. `Counts.add_page(site, blocks)` for every page: pages per site, pages per
   block, and two flags per block (left in the clean text on some page;
   sat between article paragraphs on some page).
2. `Counts.add_examples(site, blocks, min_pages, min_share)` for every page
   again (the `learn` command replays a spill file, not the pipeline): the
   text of the blocks that passed pass 1, at most EXAMPLES forms each, the
   smallest ones, so the choice does not depend on order.

Then `Counts.to_rules(...)` writes one YAML text per site.  Shards: build a
Counts per shard, `merge` them (or `save`/`load` across machines), and run
pass 2 against the merged counts (see cleannews.integrations for datatrove).
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
import json
import math
import sys
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import regex

from cleannews.corpus.records import Fields
from cleannews.document import Document
from cleannews.engine.matching import DEFAULT_MAX_WORDS, normalize
from cleannews.engine.ruleset import RuleSpec

KEPT = 1  # the pipeline left the block in the clean text on some page
ARTICLE = 2  # on some page the block stood between two article paragraphs, as one of them
EXAMPLES = 3  # drop examples per rule: the smallest forms of the block
LONG_WORDS = 25  # a longer block is learned only when very frequent ...
LONG_SHARE = 0.8  # ... on at least this share of the site's pages
ARTICLE_WORDS = 15  # a block and both its neighbours this long: it stands inside the article
FLUSH = 1 << 18  # keys seen once, held in a dict before they go to a sorted array
MAX_SITENAMES = 8  # sitenames remembered per site (the most frequent one is written)
HELD_SHOWN = 20  # held-back blocks listed as comments per site
# fingerprints (the lines that tell a page of the site when it comes without a URL): learned
# blocks on at least this share of the site's pages, of at least FINGERPRINT_WORDS words, the
# same on every page (digits too: "since 1887" is a fingerprint, "Updated 3 May" is none), learned
# for no other site
FINGERPRINT_SHARE = 0.5
FINGERPRINT_WORDS = 3
FINGERPRINTS = 5  # per site, the most frequent first

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_NUMBER_RE = r"\d+(?:[.,:/]\d+)*"
_DATE_WORD_RE = rf"\b(?:{_MONTHS}|{_DAYS})\b\.?"
_TOKEN = regex.compile(rf"({_NUMBER_RE})|({_DATE_WORD_RE})|(\s+)|(.)", regex.IGNORECASE)
_SHAPE = regex.compile(rf"{_NUMBER_RE}|{_DATE_WORD_RE}")
_QUOTE_CLASS = {"'": "['’‘`]", '"': "[\"“”«»]"}
_EDGE = r"[\p{P}\p{S}\s]*"
_LEFT = frozenset({"headline"})  # stages whose removal leaves the block in the output (as the title)
# what PyYAML refuses to read, or reads as a line break, even inside quotes: written as \u escapes
_NOT_PRINTABLE = regex.compile("[^\x09\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


# ---- blocks and keys -------------------------------------------------------------------------

def shape(text: str) -> str:
    """What counts as the same block: the rule engine's normal form, numbers and dates blanked."""
    return _SHAPE.sub(lambda m: "0" if m.group()[0].isdigit() else "<d>", normalize(text))


def block_key(site: str, text: str) -> int | None:
    """The 60-bit key of a block of `site` (None: nothing left to compare)."""
    form = shape(text)
    if not form:
        return None
    digest = hashlib.blake2b(f"{site}\x00{form}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 4


def page_blocks(doc: Document) -> list[tuple[str, bool, bool]]:
    """(text, kept, article) for each block of a cleaned page that no rule removed.

    `kept`: the pipeline left it in the clean text (the classifier did not
    remove it either), or made it the title.  `article`: it is a long block kept between two long
    kept blocks, a paragraph of the article on this page.
    """
    candidates = [b for b in doc.blocks if b.removal is None or b.removal.stage in _LEFT
                  or b.removal.stage == "classifier"]
    kept = [b for b in candidates if b.removal is None or b.removal.stage in _LEFT]
    long_ = [len(b.text.split()) >= ARTICLE_WORDS for b in kept]
    inside = {id(b) for i, b in enumerate(kept)
              if long_[i] and 0 < i < len(kept) - 1 and long_[i - 1] and long_[i + 1]}
    return [(b.text, b.removal is None or b.removal.stage in _LEFT, id(b) in inside) for b in candidates]


def page_site(doc: Document, ruleset=None, default: str | None = None) -> str | None:
    """The site a cleaned page belongs to: its URL's host (the record's, the WARC's, or the
    HTML's own metadata), else `default`, else the site rule set whose fingerprints it holds.
    A URL with no host name in it raises InputError naming the page (see site_of)."""
    host = site_of(doc.url or doc.metadata.get("url"), doc.source)
    if not host and doc.metadata.get("hostname"):
        host = site_of(doc.metadata["hostname"], doc.source)
    if host:
        return host
    if default:
        return default
    if ruleset is not None:
        found = sorted(s.site for s in ruleset.sites_for(None, doc.content))
        if found:
            return found[0]
    return None


_LABEL = r"[\p{L}\p{N}_](?:[\p{L}\p{N}_-]{0,61}[\p{L}\p{N}_])?"
_HOST = regex.compile(rf"(?:{_LABEL}\.)*{_LABEL}|[0-9a-f]*:[0-9a-f:.]*")  # a domain name, or an IPv6 address
MAX_HOST = 253  # characters of a domain name, at most


def is_host(name: str) -> bool:
    """Whether `name` is a host name (lowercase, no `www.`): what a site rule set is named and
    keyed by, its file name included."""
    return len(name) <= MAX_HOST and _HOST.fullmatch(name) is not None


def site_of(url: str | None, source: str) -> str | None:
    """The site of a URL: its host, lowercase, less `www.` and a final dot; None without a host.
    A URL that cannot be read ("http://[x") or whose host is no host name (a NUL byte, a space)
    raises InputError naming `source`, the page: one page's error, not a rule set named after it
    (a file name cannot hold a NUL byte)."""
    from cleannews.errors import InputError
    from cleannews.pipeline.extract import host_of

    try:
        host = host_of(url)
    except ValueError as exc:  # urlsplit: "Invalid IPv6 URL"
        raise InputError(source, f"URL {url!r} cannot be read ({exc}); page not learned") from None
    if not host:
        return None
    host = host.rstrip(".").lower()
    if not is_host(host):
        raise InputError(source, f"URL {url!r}: {host!r} is no host name; page not learned")
    return host


def keyed(site: str, blocks) -> list[tuple[int, int, str]]:
    """(key, flags, text) for each block with a key."""
    out = []
    for text, kept, article in blocks:
        key = block_key(site, text)
        if key is not None:
            out.append((key, (KEPT if kept else 0) | (ARTICLE if article else 0), text))
    return out


# ---- counts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LearnedSet:
    """One site's learned rule set: its YAML text, and how many rules it holds and how many
    blocks were held back for review (counted as they were decided, not read back from the text,
    where only the first HELD_SHOWN held blocks are listed)."""

    text: str
    rules: int
    held: int


class Counts:
    """Pages per site and pages per block, mergeable; the texts of the blocks worth a rule.

        counts = Counts()
        for site, blocks in pages:                  # blocks: (text, kept, article), see page_blocks
            counts.add_page(site, blocks)
        for site, blocks in pages:                  # the same pages again
            counts.add_examples(site, blocks, min_pages=3, min_share=0.3)
        files = counts.to_rules(min_pages=3, min_share=0.3)   # {site: YAML text}

    `a.merge(b)` adds b's counts (and examples) to a's; `save(path)` and
    `Counts.load(path)` carry them between processes or machines.  Every
    operation is a sum, an OR or a minimum: the result never depends on the
    order of pages or shards.
    """

    def __init__(self):
        self.pages: Counter = Counter()  # site -> pages
        self.sitenames: dict[str, Counter] = {}  # site -> sitename -> pages
        self.examples: dict[str, dict[int, dict[str, str]]] = {}  # site -> key -> normal form -> text
        self._multi: dict[int, int] = {}  # key -> pages << 2 | flags, for keys on two pages or more
        self._recent: dict[int, int] = {}  # key -> flags, for keys on one page so far
        self._once: list[array] = []  # sorted arrays of key << 2 | flags, keys on one page so far

    # pass 1
    def add_page(self, site: str, blocks, sitename: str | None = None) -> None:
        """Count one page of `site`: `blocks` are (text, kept, article) tuples (see page_blocks)."""
        self.add_keys(site, [(k, f) for k, f, _ in keyed(site, blocks)], sitename)

    def add_keys(self, site: str, keys, sitename: str | None = None) -> None:
        """add_page for blocks already keyed: (key, flags) pairs."""
        self.pages[site] += 1
        if sitename:
            names = self.sitenames.setdefault(site, Counter())
            names[sitename] += 1
            if len(names) > MAX_SITENAMES * 2:
                self.sitenames[site] = Counter(dict(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SITENAMES]))
        seen: dict[int, int] = {}
        for key, flags in keys:
            seen[key] = seen.get(key, 0) | flags
        for key, flags in seen.items():
            self._count(key, 1, flags)

    def _count(self, key: int, n: int, flags: int) -> None:
        multi = self._multi
        value = multi.get(key)
        if value is not None:
            multi[key] = (value + (n << 2)) | flags
            return
        earlier = self._recent.pop(key, None)
        if earlier is None:
            earlier = self._find_once(key)
        if earlier is not None:
            multi[key] = ((n + 1) << 2) | flags | earlier
        elif n > 1:
            multi[key] = (n << 2) | flags
        else:
            self._recent[key] = flags
            if len(self._recent) >= FLUSH:
                self._flush()

    def _find_once(self, key: int) -> int | None:
        low = key << 2
        for level in self._once:
            i = bisect.bisect_left(level, low)
            if i < len(level) and level[i] >> 2 == key:
                return level[i] & 3  # now in _multi: the array entry is dead, dropped at the next merge
        return None

    def _flush(self) -> None:
        """Keys seen once go from the dict to a sorted array (8 bytes each); arrays of like size merge."""
        if self._recent:
            self._once.append(array("Q", sorted((k << 2) | f for k, f in self._recent.items())))
            self._recent = {}
        while len(self._once) > 1 and len(self._once[-2]) <= 2 * len(self._once[-1]):
            b, a = self._once.pop(), self._once.pop()
            multi = self._multi
            self._once.append(array("Q", (x for x in heapq.merge(a, b) if (x >> 2) not in multi)))

    def _entries(self):
        """(key, pages, flags) for every key."""
        for key, value in self._multi.items():
            yield key, value >> 2, value & 3
        for key, flags in self._recent.items():
            yield key, 1, flags
        multi = self._multi
        for level in self._once:
            for x in level:
                if (x >> 2) not in multi:
                    yield x >> 2, 1, x & 3

    def block_pages(self, site: str, text: str) -> tuple[int, int]:
        """(pages holding the block, flags) for a block of `site`."""
        key = block_key(site, text)
        if key is None:
            return 0, 0
        value = self._multi.get(key)
        if value is not None:
            return value >> 2, value & 3
        flags = self._recent.get(key)
        if flags is None:
            flags = self._find_once(key)
        return (0, 0) if flags is None else (1, flags)

    def __len__(self) -> int:
        """The number of distinct blocks counted."""
        dead = sum(1 for level in self._once for x in level if (x >> 2) in self._multi)
        return len(self._multi) + len(self._recent) + sum(map(len, self._once)) - dead

    def merge(self, other: "Counts") -> "Counts":
        """Add `other`'s counts and examples to these; returns self."""
        self.pages.update(other.pages)
        for site, names in other.sitenames.items():
            self.sitenames.setdefault(site, Counter()).update(names)
        for key, n, flags in other._entries():
            self._count(key, n, flags)
        for site, found in other.examples.items():
            mine = self.examples.setdefault(site, {})
            for key, forms in found.items():
                for form, text in forms.items():
                    _add_form(mine.setdefault(key, {}), form, text)
        return self

    # pass 2
    def needed(self, site: str, min_pages: int, min_share: float) -> int:
        """Pages a block of `site` must be on to be learned."""
        return max(min_pages, 2, math.ceil(min_share * self.pages[site] - 1e-9))

    def add_examples(self, site: str, blocks, min_pages: int, min_share: float) -> None:
        """Keep the texts of this page's blocks that recur often enough (pass 2, after every add_page)."""
        self.add_keyed_examples(site, keyed(site, blocks), min_pages, min_share)

    def add_keyed_examples(self, site: str, blocks, min_pages: int, min_share: float) -> None:
        """add_examples for blocks already keyed: (key, flags, text)."""
        need = self.needed(site, min_pages, min_share)
        found = None
        for key, _, text in blocks:
            value = self._multi.get(key)
            if value is not None and value >> 2 >= need:
                if found is None:
                    found = self.examples.setdefault(site, {})
                _add_form(found.setdefault(key, {}), normalize(text), text)

    # output
    def to_rules(self, min_pages: int = 3, min_share: float = 0.3, exclude=(), include_classified: bool = False,
                 sites: dict | None = None, categorize=None) -> dict[str, str]:
        """{site: YAML text} for every site with a block to learn (see rule_sets)."""
        return {site: learned.text for site, learned in self.rule_sets(
            min_pages, min_share, exclude, include_classified, sites, categorize).items()}

    def rule_sets(self, min_pages: int = 3, min_share: float = 0.3, exclude=(), include_classified: bool = False,
                  sites: dict | None = None, categorize=None) -> dict[str, "LearnedSet"]:
        """{site: LearnedSet} for every site with a block to learn.

        `exclude`: phrases (found anywhere in the block, compared like rule
        phrases) or /regex/ never to learn.  `include_classified`: also learn
        blocks that the classifier removed on every page.  `sites`: site ->
        RuleSet already loaded for it (its fingerprints are copied).
        `categorize(text)`: a category for a block, or None for boilerplate.
        Thresholds lower than those given to add_examples find no texts to write.
        """
        excluded = _exclusions(exclude)
        out = {}
        sites_of: dict[str, set] = {}  # normal form -> the sites it was learned for
        for site, found in self.examples.items():
            for forms in found.values():
                for form in forms:
                    sites_of.setdefault(form, set()).add(site)
        for site in sorted(self.examples):
            total = self.pages[site]
            need = self.needed(site, min_pages, min_share)
            learned, held = [], []
            for key, forms in self.examples[site].items():
                value = self._multi.get(key)
                if value is None or value >> 2 < need:
                    continue
                count, flags = value >> 2, value & 3
                texts = [forms[f] for f in sorted(forms)]
                if any(excluded(t) for t in texts):
                    continue
                if not flags & KEPT and not include_classified:
                    continue  # the classifier removes it wherever it stands
                words = max(len(t.split()) for t in texts)
                item = (count, key, texts, flags, words)
                if flags & ARTICLE:
                    held.append((*item, "stands between article paragraphs on some page"))
                elif words > LONG_WORDS and count < LONG_SHARE * total:
                    held.append((*item, f"{words} words: a block this long is learned only on "
                                        f"{LONG_SHARE:.0%} of the pages or more"))
                else:
                    learned.append(item)
            if learned or held:
                prints = _fingerprints(learned, total, lambda form: len(sites_of.get(form, ())) > 1)
                text = _render(site, total, min_pages, min_share, learned, held, self.sitenames.get(site),
                               (sites or {}).get(site), categorize, prints)
                out[site] = LearnedSet(text, rules=len(learned), held=len(held))
        return out

    # files
    def save(self, path: Path) -> None:
        """Write the counts to `path` (atomically): a JSON header line, then the keys as 8-byte arrays."""
        from cleannews.corpus.write import atomic_open

        self._flush()
        while len(self._once) > 1:  # one sorted array
            b, a = self._once.pop(), self._once.pop()
            self._once.append(array("Q", (x for x in heapq.merge(a, b) if (x >> 2) not in self._multi)))
        once = self._once[0] if self._once else array("Q")
        once = array("Q", (x for x in once if (x >> 2) not in self._multi))
        self._once = [once] if once else []
        keys = array("Q", self._multi.keys())
        values = array("Q", self._multi.values())
        header = {"format": "cleannews-counts", "version": 1, "pages": dict(self.pages),
                  "sitenames": {s: dict(c) for s, c in self.sitenames.items()},
                  "examples": {s: {f"{k:x}": forms for k, forms in found.items()} for s, found in self.examples.items()},
                  "multi": len(keys), "once": len(once)}
        with atomic_open(path, binary=True) as fh:
            fh.write(json.dumps(header, ensure_ascii=False, sort_keys=True).encode() + b"\n")
            for arr in (keys, values, once):
                if sys.byteorder != "little":
                    arr = array("Q", arr)
                    arr.byteswap()
                fh.write(arr.tobytes())

    @classmethod
    def load(cls, path: Path) -> "Counts":
        """Counts written by `save`; a file that is not one raises InputError naming it."""
        from cleannews.errors import InputError

        try:
            with open(path, "rb") as fh:
                header = json.loads(fh.readline())
                arrays = []
                for n in (header["multi"], header["multi"], header["once"]):
                    arr = array("Q")
                    arr.frombytes(fh.read(8 * n))
                    if len(arr) != n:
                        raise ValueError("truncated")
                    if sys.byteorder != "little":
                        arr.byteswap()
                    arrays.append(arr)
            if header.get("format") != "cleannews-counts":
                raise ValueError("no cleannews-counts header")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(str(path), f"not a counts file written by cleannews learn ({exc})") from None
        counts = cls()
        counts.pages = Counter(header["pages"])
        counts.sitenames = {s: Counter(c) for s, c in header["sitenames"].items()}
        counts.examples = {s: {int(k, 16): forms for k, forms in found.items()}
                           for s, found in header["examples"].items()}
        counts._multi = dict(zip(arrays[0], arrays[1]))
        counts._once = [arrays[2]] if arrays[2] else []
        return counts


def _add_form(forms: dict[str, str], form: str, text: str) -> None:
    """Keep the smallest text of each normal form, and the EXAMPLES smallest forms."""
    old = forms.get(form)
    if old is None or text < old:
        forms[form] = text
    if len(forms) > EXAMPLES:
        del forms[max(forms)]


def _exclusions(exclude):
    """A test for blocks never to learn: phrases (anywhere, compared as rule phrases) or /regex/."""
    phrases, patterns = [], []
    for item in exclude:
        if len(item) > 2 and item.startswith("/") and item.endswith("/"):
            patterns.append(regex.compile(item[1:-1], regex.IGNORECASE))
        elif normalize(item):
            phrases.append(regex.compile(r"(?<!\w)" + regex.escape(normalize(item)) + r"(?!\w)"))

    def excluded(text: str) -> bool:
        norm = normalize(text)
        return any(p.search(norm) for p in phrases) or any(p.search(text) for p in patterns)
    return excluded


# ---- the YAML --------------------------------------------------------------------------------

def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax, which YAML reads), safe for any text."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: "\\u%04x" % ord(m.group()) if ord(m.group()) < 0x10000
                              else "\\U%08x" % ord(m.group()), quoted)


def pattern_for(texts: list[str]) -> str | None:
    """An anchored pattern matching every text, its numbers (and dates, where they vary) open.

    None when the texts do not line up token by token.
    """
    tokens = [_TOKEN.findall(normalize(t)) for t in texts]
    if len({len(t) for t in tokens}) != 1 or not tokens[0]:
        return None
    parts = []
    for column in zip(*tokens):
        number, date, space, char = column[0]
        if number:
            parts.append(_NUMBER_RE)
        elif date and len({c[1] for c in column}) > 1:
            parts.append(f"(?:{_MONTHS}|{_DAYS})\\.?")
        elif space:
            parts.append(r"\s+")
        else:
            literal = date or char
            if len({(c[1] or c[3]) for c in column}) > 1:
                return None
            parts.append("".join(_QUOTE_CLASS.get(ch) or regex.escape(ch) for ch in literal))
    pattern = "^" + _EDGE + "".join(parts) + _EDGE + "$"
    compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)
    return pattern if all(compiled.search(t) for t in texts) else None


def keep_example(text: str) -> str:
    """A sentence that holds the block but is not it: what an exact rule must leave."""
    return f'A reader quoted the page in a letter: "{text}", and the editor answered.'


def _fingerprints(learned, total: int, shared) -> list[str]:
    """The lines that tell a page of the site in text without a URL (see FINGERPRINT_SHARE):
    `learned` items (count, key, texts, flags, words); `shared(form)`: learned for another site too.
    A block is counted by its shape, numbers blanked; one normal form on all its pages (one text)
    means its numbers never changed, and the line is looked for as it is."""
    found = []
    for count, _, texts, _, words in learned:
        if len(texts) != 1 or words < FINGERPRINT_WORDS or count < FINGERPRINT_SHARE * total:
            continue  # several texts: its numbers or dates change from page to page
        text = texts[0]
        if shared(normalize(text)) or _NOT_PRINTABLE.search(text):
            continue
        found.append((-count, text))
    return [text for _, text in sorted(found)[:FINGERPRINTS]]


def _render(site, total, min_pages, min_share, learned, held, sitenames, ruleset, categorize,
            learned_prints=()) -> str:
    sitename = None
    if sitenames:
        sitename = sorted(sitenames.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    if ruleset is not None and ruleset.sitename:
        sitename = ruleset.sitename
    fingerprints = list(ruleset.fingerprints) if ruleset is not None and ruleset.fingerprints else []
    fingerprints += [f for f in learned_prints if f not in fingerprints]
    lines = [
        f"# Learned by `cleannews learn` from {total} pages of {site}: blocks on at least",
        f"# {max(min_pages, 2)} pages and {min_share:.0%} of them, that the other rules left.",
        "# Review before you commit: delete any rule whose block is article text (a statement",
        "# reprinted on many pages, a disclaimer you want kept), then `cleannews rules test` this file.",
        f"description: {q(f'Blocks repeated across the pages of {site}, learned from {total} pages.')}",
        f"site: {q(site)}",
    ]
    if sitename:
        lines.append(f"sitename: {q(sitename)}")
    if fingerprints:
        lines.append(f"fingerprints: [{', '.join(q(f) for f in fingerprints)}]")
    lines.append("category: boilerplate")
    lines.append("rules:" if learned else "rules: []")
    used = set()
    for count, key, texts, flags, words in sorted(learned, key=lambda i: (-i[0], i[2], i[1])):
        rid = _rule_id(site, key, used)
        share = count / total
        left = "left in the clean text on some of them" if flags & KEPT else "removed by the classifier on all of them"
        description = f"Repeated on {count} of {total} pages ({share:.0%}); {left}."
        category = categorize(texts[0]) if categorize else None
        pattern = pattern_for(texts) if any(shape(t) != normalize(t) for t in texts) and len(texts) > 1 else None
        lines.append(f"  - id: {rid}")
        if category and category != "boilerplate":
            lines.append(f"    category: {category}")
        lines.append(f"    description: {q(description)}")
        if pattern:
            lines.append(f"    pattern: {q(pattern)}")
        else:
            lines.append("    phrases:")
            lines += [f"      - {q(t)}" for t in texts]
        if words > DEFAULT_MAX_WORDS:  # the rule engine's guard against long blocks, lifted for this exact one
            lines.append("    max_words: null  # a long block, learned because it is on most pages")
        lines.append("    drop:")
        lines += [f"      - {q(t)}" for t in texts]
        lines.append("    keep:")
        lines.append(f"      - {q(keep_example(texts[0]))}")
    if held:
        lines.append("# Held back (repeated, but maybe article text; add a rule by hand if it is furniture):")
        for count, _, texts, _, _, why in sorted(held, key=lambda i: (-i[0], i[2], i[1]))[:HELD_SHOWN]:
            lines.append(f"#   {q(_clip(texts[0]))}: on {count} of {total} pages ({count / total:.0%}); {why}")
        if len(held) > HELD_SHOWN:
            lines.append(f"#   ... and {len(held) - HELD_SHOWN} more")
    return "\n".join(lines) + "\n"


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _rule_id(site: str, key: int, used: set) -> str:
    """learned.<site>.<hex>: the same block gets the same id when learned again."""
    digits = 6
    name = regex.sub(r"[^\w.-]", "-", site)
    while True:
        rid = f"learned.{name}.{key:015x}"[:len(f"learned.{name}.") + digits]
        if rid not in used:
            used.add(rid)
            return rid
        digits += 2


def spill_line(site: str, blocks) -> str:
    """One page's keyed blocks (from `keyed`) as a line of a spill file: what pass 1 writes so that
    pass 2 (Counts.add_keyed_examples) reads them back instead of cleaning every page again, in
    `learn` and in the datatrove steps alike (gzip-compressed JSON lines; see read_spill)."""
    return json.dumps([site, [[k, t] for k, _, t in blocks]], ensure_ascii=False) + "\n"


def read_spill(path: Path):
    """(site, [(key, 0, text)]) for each page of a spill file written with spill_line."""
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            site, blocks = json.loads(line)
            yield site, [(k, 0, t) for k, t in blocks]


def site_sets(rules) -> dict:
    """site -> the first rule set loaded for it that names it (fingerprints or sitename): what a
    learned rule set of the site borrows them from (Counts.rule_sets `sites`)."""
    sites = {}
    for s in rules.sets:
        if s.site and s.site not in sites and (s.fingerprints or s.sitename):
            sites[s.site] = s
    return sites


def categorizer(rules):
    """category(text): the category of the first built-in block or trailer rule that matches the
    block with its length limit lifted, else None."""
    import dataclasses

    matchers = [(dataclasses.replace(r.match, max_words=None), r.category)
                for r in rules.rules if r.kind in ("block", "trailer") and r.match]

    def category(text: str) -> str | None:
        norm = normalize(text)
        for matcher, cat in matchers:
            try:
                if matcher(text, norm, len(text.split())):
                    return cat
            except Exception:  # noqa: BLE001 - a pattern timing out only loses the category
                pass
        return None
    return category


# ---- the learn command's two passes over files, JSONL corpora and WARC ------------------------

CHUNK = 16  # pages or records per task


@dataclass(frozen=True)
class Options:
    min_pages: int = 3
    min_share: float = 0.3
    site: str | None = None  # the site of pages that come without a URL
    jobs: int = 1
    rules: RuleSpec = RuleSpec()  # what each worker loads
    fields: Fields = Fields()  # which fields of a JSONL record hold the page


@dataclass
class Summary:
    pages: int = 0  # pages counted
    no_site: int = 0  # pages whose site could not be told: not counted
    skipped: int = 0  # WARC records that are not HTML responses
    errors: int = 0


def _learn_doc(doc: Document, default_site: str | None):
    """(site, sitename, [(key, flags, text)]) of one page, or None when its site is unknown."""
    from cleannews.pipeline import clean_document
    from cleannews.runs.pool import WORKER

    site_of(doc.url, doc.source)  # a URL with no host name in it is this page's error, before it is cleaned
    clean_document(doc, WORKER.rules)
    site = page_site(doc, WORKER.rules, default_site)
    if site is None:
        return None
    return site, doc.metadata.get("sitename"), keyed(site, page_blocks(doc))


def _guarded(source: str, line, work):
    from cleannews.errors import InputError

    try:
        return work(), None
    except InputError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the run
        return None, str(InputError(source, f"internal error: {type(exc).__name__}: {exc}", line))


def _learn_page(path: Path, default_site):
    """(result of _learn_doc, None) or (None, error) for one page file, in a worker."""
    from cleannews.corpus.read import read_path

    return _guarded(str(path), None, lambda: _learn_doc(read_path(path), default_site))


def _learn_record(rec, fields, default_site):
    """The same for one record of a corpus (or the InputError that stands for a broken line)."""
    from cleannews.corpus.records import record_document
    from cleannews.errors import InputError

    if isinstance(rec, InputError):
        return None, str(rec)
    url = rec.data.get(fields.url)
    if url is not None and not isinstance(url, str):  # batch cleans it all the same; learn needs its site
        return None, str(InputError(rec.source, f"field {fields.url!r} holds a JSON {type(url).__name__}, "
                                                "not a URL; record not learned", rec.line))
    return _guarded(rec.source, rec.line, lambda: _learn_doc(record_document(rec, fields), default_site))


def _lost(item, reason: str):
    """The result of a page or record whose worker process died (the run goes on without it)."""
    from cleannews.errors import InputError

    if isinstance(item, Path):
        return None, str(InputError(str(item), reason))
    return None, str(InputError(item.source, reason, getattr(item, "line", None)))


def _tasks(sources: list[Path], options: Options, summary: Summary, report):
    """(function, args) for every chunk of work, in input order."""
    from cleannews.corpus.streams import jsonl_records, warc_records
    from cleannews.errors import InputError
    from cleannews.runs.batch import plan

    pages = []
    for kind, path, _ in plan(sources, Path("."), "txt"):
        if kind == "page":
            pages.append(path)
            if len(pages) >= CHUNK:
                yield _learn_page, pages, (options.site,)
                pages = []
            continue
        counts: dict = {}
        records = warc_records(path, counts) if kind == "warc" else jsonl_records(path)
        chunk = []
        try:
            for rec in records:
                chunk.append(rec)
                if len(chunk) >= CHUNK:
                    yield _learn_record, chunk, (options.fields, options.site)
                    chunk = []
        except InputError as exc:
            report(str(exc))
        if chunk:
            yield _learn_record, chunk, (options.fields, options.site)
        summary.skipped += counts.get("skipped", 0)
    if pages:
        yield _learn_page, pages, (options.site,)


def learn(sources: list[Path], options: Options, report=None, progress=None) -> tuple[Counts, Summary]:
    """Count every page under `sources` (pass 1), then keep the texts of the frequent blocks (pass 2).

    The blocks of each page go to a compressed spill file between the passes,
    so pass 2 reads them back instead of cleaning every page again.
    """
    import gzip
    import tempfile
    from collections import deque

    from cleannews.limits import Limits
    from cleannews.runs.pool import Inline, Pool, start_worker

    summary = Summary()
    counts = Counts()

    def _report(message: str) -> None:
        summary.errors += 1
        if report is not None:
            report(message)

    with tempfile.TemporaryDirectory(prefix="cleannews-learn-") as tmp:
        spill_path = Path(tmp) / "blocks.jsonl.gz"
        with gzip.open(spill_path, "wt", encoding="utf-8", compresslevel=1) as spill:
            def take(results) -> None:
                for result, error in results:
                    if error is not None:
                        _report(error)
                    elif result is None:
                        summary.no_site += 1
                    else:
                        site, sitename, blocks = result
                        summary.pages += 1
                        counts.add_keys(site, [(k, f) for k, f, _ in blocks], sitename)
                        spill.write(spill_line(site, blocks))
                    if progress is not None:
                        progress()

            # the batch's pool: a worker that dies (out of memory, a crash in a C library) costs
            # its page, not the run; tasks kept in a window of a few per worker, taken in order
            if options.jobs <= 1:
                executor = Inline(start_worker, (options.rules, Limits(), False))
            else:
                executor = Pool(options.jobs, start_worker, (options.rules,), None)
            window: deque = deque()
            try:
                for fn, items, args in _tasks(sources, options, summary, _report):
                    window.append(executor.submit(fn, items, *args, lost=_lost))
                    while len(window) > options.jobs * 4:
                        take(window.popleft().result())
                while window:
                    take(window.popleft().result())
            except BaseException:
                executor.shutdown(kill=True)
                raise
            executor.shutdown()
        for site, blocks in read_spill(spill_path):
            counts.add_keyed_examples(site, blocks, options.min_pages, options.min_share)
    return counts, summary
