"""What the block model sees of each line of an HTML page's broad extraction.

A line of trafilatura's text has lost the markup that tells an article's paragraph
from a caption, a byline or a related-story teaser; the page still has it.  Each line
is found again in the page (its first characters, spaces ignored, searched in the
page's text in document order), and described by the element that holds it: its tag,
the landmarks above it (figure, aside, nav, footer...), the words its ancestors'
class and id attributes are made of (caption, byline, related, share...), how much of
it is links.  Beside that: whether the precise extraction kept it, where it stands
against the core both passes agree on, its own shape (words, sentence end,
punctuation) and its neighbours'.

Nothing here names a site: class and id words are read as a designer's vocabulary,
the same on every site.  The names and the order of FEATURES are the model file's
contract (cleannews/models/*.json lists them; a mismatch refuses the model).
"""
from __future__ import annotations

import bisect
import math

import regex

from cleannews.pipeline.blocks import ends_as_sentence, running_text

# words of class and id attributes, by what they mark; matched as whole words of the
# attribute ("ad" in "ad-slot", not in "header")
VOCABULARY = {
    "caption": r"caption|credit|figcaption|photo|image|img|media|gallery|video|picture",
    "byline": r"byline|author|writer|contributor|bio|avatar",
    "related": r"related|recirc|teaser|card|promo|recommend\w*|more|also|popular|trending|most|read|next|prev\w*"
               r"|latest|outbrain|taboola|list|feed",
    "share": r"share|social|sharing|follow|facebook|twitter|whatsapp|email|print",
    "appeal": r"newsletter|subscribe|subscription|signup|sign|paywall|register|donate|donation|membership|cta",
    "comment": r"comments?|discussion|disqus|replies|reply",
    "footer": r"footer|foot|copyright|legal|disclaimer",
    "nav": r"header|masthead|nav|navigation|menu|breadcrumbs?|topbar|toolbar|skip",
    "aside": r"sidebar|widget|rail|aside|aux|secondary|complementary",
    "ad": r"ad|ads|advert\w*|sponsor\w*|banner|dfp|gpt",
    "body": r"article|story|content|body|post|entry|main|text|prose|richtext|rte|paragraph|copy",
    "meta": r"meta|date|time|timestamp|dateline|published|updated|info|details",
    "tag": r"tags?|topics?|categor\w*|keywords?|label",
}
_GROUPS = tuple(VOCABULARY)
_WORDS = regex.compile(r"(?<![a-z])(?:" + "|".join(f"(?P<{k}>{v})" for k, v in VOCABULARY.items()) + r")(?![a-z])")
_CAMEL = regex.compile(r"(?<=[a-z])(?=[A-Z])")

# elements whose text is a block of its own (a line of the extraction comes from one)
BLOCK_TAGS = {"p": "p", "li": "li", "dd": "li", "dt": "li", "h1": "h1", "h2": "h", "h3": "h", "h4": "h", "h5": "h",
              "h6": "h", "td": "cell", "th": "cell", "blockquote": "quote", "figcaption": "caption",
              "caption": "caption", "pre": "code", "div": "div", "section": "div", "article": "div",
              "header": "div", "footer": "div", "aside": "div", "main": "div", "figure": "div", "nav": "div",
              "form": "div", "body": "div", "table": "div", "ul": "div", "ol": "div", "dl": "div", "address": "div"}
_KINDS = ("p", "li", "h1", "h", "cell", "quote", "caption", "code", "div")
# landmarks above a line, whatever their class
LANDMARKS = ("figure", "aside", "nav", "footer", "header", "article", "main", "form", "table", "blockquote",
             "time", "button", "a", "ul")
_SKIP = frozenset(("script", "style", "noscript", "template", "svg", "head", "title", "iframe"))
NONE = 30  # the distance of a class word that no ancestor has (levels)
_PUNCT = regex.compile(r"[,.;:!?，。；：！？]")
_DIGIT = regex.compile(r"\d")
_SEPARATORS = regex.compile(r"[|•·»›/]")

FEATURES = (
    "words", "chars", "sentence_end", "list_item", "table_row", "punctuation", "digits", "capitalised",
    "separators", "word_length",
    "precise", "region", "position", "core_distance", "precise_share", "lines", "page_words", "word_share",
    "prev_precise", "next_precise", "prev_words", "next_words", "precise_around", "in_main", "main_share",
    "found", "depth", "link_density", "in_link", "block_share",
    *(f"tag_{k}" for k in _KINDS),
    *(f"under_{t}" for t in LANDMARKS),
    "article_body",
    *(f"class_{g}" for g in _GROUPS),
    "site_body", "readability_only",
)


PROBE_CHARS = 40  # a line is found in the page by this many of its first characters, spaces squeezed out


def squeeze(text: str) -> str:
    """`text` without its spaces: a line of the extraction as the page's text (PageText) holds it."""
    return "".join(text.split())


class PageText:
    """The page's text with spaces squeezed out, and which element holds each piece: where a
    line of the extraction came from."""

    def __init__(self, tree):
        parts, starts, owners = [], [], []
        at = 0

        def add(text, owner):
            nonlocal at
            squeezed = squeeze(text)
            if squeezed:
                parts.append(squeezed)
                starts.append(at)
                owners.append(owner)
                at += len(squeezed)

        stack = [tree]
        while stack:  # document order, without recursion (a deep page would overflow it)
            node = stack.pop()
            if isinstance(node, tuple):
                add(*node)
                continue
            tag = node.tag
            if not isinstance(tag, str) or tag in _SKIP:
                if node.tail and node.getparent() is not None:
                    stack.append((node.tail, node.getparent()))
                continue
            if node.tail and node.getparent() is not None:
                stack.append((node.tail, node.getparent()))
            stack.extend(reversed(node))
            if node.text:
                add(node.text, node)
        self.text, self.starts, self.owners = "".join(parts), starts, owners

    def find(self, line: str, start: int = 0):
        """The element holding the start of `line` (None when the page does not hold it),
        searched from `start` on, then from the top; and where the next search starts."""
        squeezed = squeeze(line)
        for probe in (squeezed[:PROBE_CHARS], squeezed[:12]):
            if not probe:
                break
            at = self.text.find(probe, start)
            if at < 0:
                at = self.text.find(probe)
            if at >= 0:
                return self.owners[bisect.bisect_right(self.starts, at) - 1], at + len(probe)
        return None, start


def _class_words(element, cache: dict) -> int:
    """The vocabulary groups an element's class and id are made of, as bits."""
    found = cache.get(element)
    if found is None:
        found = 0
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if names.strip():
            names = _CAMEL.sub("-", names).lower()
            for match in _WORDS.finditer(names):
                found |= 1 << _GROUPS.index(match.lastgroup)
        cache[element] = found
    return found


def _block_of(element):
    while element is not None and isinstance(element.tag, str) and element.tag not in BLOCK_TAGS:
        element = element.getparent()
    return element


def _links(block, cache: dict) -> tuple[int, float]:
    """A block's text length and the share of it inside links."""
    found = cache.get(block)
    if found is None:
        total = len("".join(block.itertext()))
        linked = sum(len("".join(a.itertext())) for a in block.iter("a"))
        found = cache[block] = (total, linked / total if total else 0.0)
    return found


def _dom(element, line_chars: int, caches) -> list[float]:
    """The DOM part of a row: what holds the line, and what lies above it up to the root."""
    classes, links = caches
    if element is None:
        return [0.0, 0.0, 0.0, 0.0, 0.0] + [0.0] * len(_KINDS) + [0.0] * (len(LANDMARKS) + 1) + [NONE] * len(_GROUPS)
    block = _block_of(element)
    kind = BLOCK_TAGS.get(block.tag, "div") if block is not None else "div"
    total, density = _links(block, links) if block is not None else (0, 0.0)
    under = dict.fromkeys(LANDMARKS, 0.0)
    distance = [NONE] * len(_GROUPS)
    article_body, in_link = 0.0, 0.0
    node, level = element, 0
    while node is not None:
        tag = node.tag
        if isinstance(tag, str):
            if tag in under:
                under[tag] = 1.0
            if tag == "a" and level <= 2:
                in_link = 1.0
            if node.get("itemprop") == "articleBody":
                article_body = 1.0
            bits = _class_words(node, classes)
            if bits:
                for g in range(len(_GROUPS)):
                    if bits >> g & 1 and distance[g] == NONE:
                        distance[g] = level
        node = node.getparent()
        level += 1
    return ([1.0, float(level), density, in_link, min(1.0, line_chars / total) if total else 1.0]
            + [float(kind == k) for k in _KINDS] + list(under.values()) + [article_body] + distance)


def page_features(lines: list[str], precise: set[str], page: PageText, body=None,
                  added: set[str] = frozenset()) -> list[list[float]]:
    """One row of FEATURES for each line of the broad extraction (as trafilatura renders it:
    "- " list items, "| " table rows) and of the blocks readability `added` to it.  `body`
    (pipeline.site.SiteBody): where the site's own rules put the article, when they match this
    page; a stale rule was passed over before (site.body), so a line outside a matching body is
    a strong sign, not a verdict."""
    n = len(lines)
    if not n:
        return []
    inside = [line in precise for line in lines]
    agreed = [i for i, k in enumerate(inside) if k]
    first, last = (agreed[0], agreed[-1]) if agreed else (n, -1)
    words = [len(line.split()) for line in lines]
    page_words = sum(words) or 1
    precise_words = sum(w for w, k in zip(words, inside) if k)
    found, at = [], 0
    for line in lines:  # in document order, mostly: each search starts where the last one ended
        element, at = page.find(_probe(line), at)
        found.append(element)
    within, share = _main_container(lines, found)
    caches = ({}, {})
    rows = []
    for i, line in enumerate(lines):
        text = line[2:] if line.startswith(("- ", "| ")) else line
        tokens = text.split()
        chars = len(text)
        if not agreed:
            region, distance = -2.0, 1.0
        elif i < first:
            region, distance = -1.0, (first - i) / n
        elif i > last:
            region, distance = 1.0, (i - last) / n
        else:
            region, distance = 0.0, 0.0
        around = inside[max(0, i - 3):i] + inside[i + 1:i + 4]
        row = [
            math.log1p(len(tokens)), math.log1p(chars), float(ends_as_sentence(text)),
            float(line.startswith("- ")), float(line.startswith("| ")),
            *shares(text, tokens),
            float(len(_SEPARATORS.findall(text))), chars / (len(tokens) or 1),
            float(inside[i]), region, i / n, distance, precise_words / page_words, math.log1p(n),
            math.log1p(page_words), words[i] / page_words,
            float(inside[i - 1]) if i else -1.0, float(inside[i + 1]) if i + 1 < n else -1.0,
            math.log1p(words[i - 1]) if i else -1.0, math.log1p(words[i + 1]) if i + 1 < n else -1.0,
            sum(around) / len(around) if around else 0.0, within[i], share,
        ]
        in_body = (1.0 if body.holds(_probe(line)) else 0.0) if body else -1.0
        rows.append(row + _dom(found[i], chars, caches) + [in_body, float(line in added)])
    return rows


def shares(text: str, tokens: list[str]) -> tuple[float, float, float]:
    """A line's punctuation marks per word, digits per character, and share of words that start
    with a capital: what tells a sentence from a menu, a score line or a headline (both models)."""
    words = len(tokens) or 1
    return (len(_PUNCT.findall(text)) / words, len(_DIGIT.findall(text)) / (len(text) or 1),
            sum(t[:1].isupper() for t in tokens) / words)


def _probe(line: str) -> str:
    """The start of a line as the page has it: no list bullet, a table row's first cell."""
    if line.startswith("| "):
        return line[2:].split(" | ")[0]
    return line[2:] if line.startswith("- ") else line


def _main_container(lines: list[str], found: list):
    """Whether each line lies in the article's container, and that container's share of the
    lines' words.  The container is the deepest element holding most of the running text
    (lines of ten words or more that end as sentences): teasers and boxes that the
    extraction took from elsewhere on the page lie outside it."""
    weight: dict = {}
    chains = []
    total = 0
    for line, element in zip(lines, found):
        chain = list(element.iterancestors()) if element is not None else []
        if element is not None:
            chain.insert(0, element)
        chains.append(chain)
        words = len(line.split())
        if running_text(line, words):
            total += words
            for node in chain:
                weight[node] = weight.get(node, 0) + words
    main = None
    if total:
        best = -1
        for node, w in weight.items():
            depth = sum(1 for _ in node.iterancestors())
            if w >= 0.6 * total and depth > best:
                main, best = node, depth
    if main is None:
        return [0.5] * len(lines), 0.0
    within = [1.0 if main in chain else 0.0 for chain in chains]
    words = [len(line.split()) for line in lines]
    return within, sum(w for w, k in zip(words, within) if k) / (sum(words) or 1)


LONG_LINE_WORDS = 40  # a paragraph this long is article text even where the precise pass left it out


def prior(lines: list[str], rows: list[list[float]]) -> list[bool]:
    """The hand-written rule the model may overrule: a line leaves the broad extraction when the
    precise pass left it out *and* it stands outside the core both passes agree on (a teaser
    list, a byline box, a footer), unless it is long, or ends as a sentence after the core (a
    closing note).  A precise pass holding under half the words missed the article: then
    every line stays."""
    region, share = FEATURES.index("region"), FEATURES.index("precise_share")
    keep = []
    for line, row in zip(lines, rows):
        if row[region] == -2.0 or row[share] < 0.5 or row[region] == 0.0:
            keep.append(True)
            continue
        keep.append(len(line.split()) >= LONG_LINE_WORDS
                    or (row[region] == 1.0 and not line.startswith("- ") and ends_as_sentence(line)))
    return keep
