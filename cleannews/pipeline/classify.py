"""Classify the lines of a plain-text page as article or boilerplate.

jusText's method with lines as blocks.  Each block still kept after the
rules gets a class from its own shape: length (characters, CJK counted
heavier, since one CJK character carries about a word), the density of the
page language's stopwords, sentence punctuation at the end, and indentation
(scrapers indent list items, and menus are lists).  The article is the
densest run of good blocks, widened over the sentences touching it: what
lies outside it (menus, teasers of other stories, footers) goes; inside it
only what names itself furniture (a timestamp, a copyright line) goes.

The headline usually sits just above the article as a short line; it goes
with the rest outside the article, and `headline.find_headline` takes it
from there as the title.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import regex

from cleannews import language
from cleannews.document import Document
from cleannews.engine.lines import Lines
from cleannews.pipeline import features, model
from cleannews.pipeline.blocks import ends_as_sentence

# block classes
GOOD, NEAR, SHORT, BAD = "good", "neargood", "short", "bad"

LENGTH_LOW = 70  # characters (CJK weighted): shorter blocks are "short"
LENGTH_HIGH = 200  # longer blocks with enough stopwords are good on their own
STOPWORDS_LOW = 0.25  # stopword density below this: bad
STOPWORDS_HIGH = 0.32  # at or above: good (when long) or near-good
CJK_WEIGHT = 3  # one CJK character counts as this many characters
# What a block adds to the run that holds it, by (class, indented): a share of its size
# (capped at MAX_GAIN) for good and near-good blocks, a fixed cost for short and bad ones.
# The strict table finds a run of good paragraphs; a page without one is read
# again with the relaxed table, where near-good blocks count too.
STRICT = {(GOOD, False): 1.0, (GOOD, True): 0.5, (NEAR, False): 0.25, (NEAR, True): 0.125,
          (SHORT, False): -20, (SHORT, True): -20, (BAD, False): -60, (BAD, True): -60}
RELAXED = {**STRICT, (NEAR, False): 0.5, (NEAR, True): 0.25, (SHORT, False): 0, (BAD, False): -10}
ALONE = {SHORT: -5, BAD: -20}  # what a short or bad block costs when it stands as a paragraph of its own
MIN_GAPS = 0.1  # blank lines between blocks, at least this share of them, for paragraphs to tell
MIN_ARTICLE = 600  # a run of good blocks scoring less is no article: look again counting near-good ones
DEEP_BODY = 2  # running text sits deeper than the margin only with this many times the long lines there
FIRST_SHARE = 0.7  # an earlier run this close to the best one is the article
MAX_GAIN = 400  # what one good block earns at most: many paragraphs beat one long notice

_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_TIME = regex.compile(r"(?<!\d)\d{1,2}:\d\d(?!\d)")  # a clock time: post and comment headers
# A clock time alone on its line heads an update of a live or running story ("4:14 p.m."): article text
_BARE_TIME = regex.compile(r"\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?\s*(?:uhr|h|[A-Z]{2,4})?\.?", regex.I)


def classify(doc: Document, rules=None, favor: str = "balanced") -> Document:
    """Drop the boilerplate lines of a text or Markdown page that the rules left: what lies
    outside the article's run (`prior`), unless the text model is confident it is article,
    and what the model is confident is furniture (cleannews/pipeline/model.py).
    `rules` (cleannews.engine.ruleset.Rules): what --disable turned off of this stage is kept."""
    kept = [i for i, b in enumerate(doc.blocks) if b.kept]
    if doc.kind not in ("text", "markdown") or len(kept) < 3:
        return doc
    if rules is not None and not rules.enabled(LABEL, "boilerplate", "classifier"):
        return doc
    rows = feature_array(doc, kept)
    scores = model.scores("text", rows, FEATURES)
    for index, score, stays in zip(kept, scores, model.keep("text", scores, prior(rows), favor)):
        if not stays:
            doc.remove(index, LABEL, "boilerplate", "classifier")
            doc.blocks[index].removal.matched = f"p={score:.2f}"
    return doc


LABEL = "classifier.model"
_CLASSES = (GOOD, NEAR, SHORT, BAD)
_REASONS = ("repeated", "copyright", "timestamp", "menu", "few-stopwords", "list")
_URL = regex.compile(r"https?://|www\.|\.(?:com|org|net)\b")
_BULLET = regex.compile(r"^\s*(?:[-*•·>]|\d+[.)])\s")
FEATURES = (
    *(f"class_{c}" for c in _CLASSES), *(f"why_{r}" for r in _REASONS),
    "density", "size", "words", "sentence_end", "indented", "alone", "gap_before", "gap_after", "bullet",
    "heading", "in_run", "run_found", "relaxed", "run_distance", "position", "run_share", "repeated",
    "digits", "capitalised", "punctuation", "url", "prev_class", "next_class", "prev_size", "next_size",
    "good_around", "lines", "good_share", "page_words", "word_share",
)
_RANK = {GOOD: 3.0, NEAR: 2.0, SHORT: 1.0, BAD: 0.0}


def prior(rows) -> list[bool]:
    """The hand-written rule the model may overrule (jusText's method): outside the densest run
    of good blocks everything goes (menus, teasers, footers), inside it what names itself
    furniture (a clock-time header, a copyright line); a page without a run keeps its lines.
    `rows`: line_features' lists or feature_array's array."""
    x = np.asarray(rows, dtype=np.float64)
    if not len(x):
        return []
    run, found = x[:, FEATURES.index("in_run")], x[:, FEATURES.index("run_found")]
    timestamp, copyright = x[:, FEATURES.index("why_timestamp")], x[:, FEATURES.index("why_copyright")]
    return (((found == 0) | (run != 0)) & (timestamp == 0) & (copyright == 0)).tolist()


def line_features(doc: Document, kept: list[int]) -> list[list[float]]:
    """feature_array's rows as lists of floats (what benchmarks/train.py keeps and pickles)."""
    return feature_array(doc, kept).tolist()


def feature_array(doc: Document, kept: list[int]) -> np.ndarray:
    """One row of FEATURES for each kept block: what jusText's method makes of it (its class,
    the densest run of good blocks and whether the block is in it), its layout (indentation,
    blank lines around it), its own shape and its neighbours'.  Not what the rules removed
    around it: removing a furniture line must not change what counts as the article.

    Made a column at a time as the array the model walks (reading a list per row back into
    one cost a seventh of the model's time), each value the float the same arithmetic on
    Python numbers gives: sums and quotients of small integers, which float64 holds
    exactly, and logarithms by `math`, so the trees see the numbers they were trained on."""
    if not kept:
        return np.empty((0, len(FEATURES)))
    Lines().fill(doc.blocks)  # a document made outside the pipeline; filled ones are left as they are
    lang = doc.metadata.get("language")
    stops = language.field(lang)
    cjk = lang in ("zh", "ja", "ko")
    blocks = [doc.blocks[i] for i in kept]
    texts = [b.text for b in blocks]
    shapes = [_shape(b, cjk) for b in blocks]
    sizes = [shape[0] for shape in shapes]
    sentences = [shape[3] for shape in shapes]
    indented = _indented([b.raw for b in blocks], sizes, sentences)
    alone = _alone(doc, kept, indented)
    seen = Counter(texts)
    densities = [language.share(b.tally, stops) for b in blocks] if stops is not None else [None] * len(blocks)
    found = [_classify(text, size, ind, sentence, density, seen)
             for text, size, ind, sentence, density in zip(texts, sizes, indented, sentences, densities)]
    classes = [cls for cls, _ in found]
    score, start, end = _region(_gains(found, sizes, indented, alone, STRICT))
    relaxed = score < MIN_ARTICLE
    if relaxed:
        score, start, end = _region(_gains(found, sizes, indented, alone, RELAXED))
    if score > 0:
        start, end = _widen(sentences, classes, indented, start, end)
    n = len(kept)
    pos = np.arange(n)
    words = np.array([b.words for b in blocks])
    page_words = int(words.sum()) or 1
    run_words = int(words[start:end + 1].sum()) if score > 0 else 0
    # each block's line number and its neighbours' in the page (a blank line between: a gap)
    numbers = np.array([b.line for b in doc.blocks])
    at = np.array(kept)
    line = numbers[at]
    before = numbers[np.maximum(at - 1, 0)]
    after = numbers[np.minimum(at + 1, len(numbers) - 1)]
    good = np.array([c in (GOOD, NEAR) for c in classes])
    goods = np.concatenate(([0], np.cumsum(good)))  # goods[k]: the good and near-good blocks before position k
    low, high = np.maximum(pos - 3, 0), np.minimum(pos + 4, n)  # three blocks either side
    around = (pos - low) + (high - pos - 1)
    ranks = np.array([_RANK[c] for c in classes])
    shape = np.fromiter(itertools.chain.from_iterable(shapes), np.float64, n * len(shapes[0])).reshape(n, -1)
    if score <= 0:
        in_run, distance = 0.0, 1.0
    else:
        in_run = ((start <= pos) & (pos <= end)).astype(np.float64)
        distance = np.where(pos < start, (start - pos) / n, np.where(pos > end, (pos - end) / n, 0.0))
    column = {
        "density": [-1.0 if d is None else d for d in densities], "size": shape[:, 1], "words": shape[:, 2],
        "sentence_end": shape[:, 3], "indented": indented, "alone": alone,
        "gap_before": (line != 0) & (at > 0) & (line - before > 1),
        "gap_after": (line != 0) & (at < len(numbers) - 1) & (after - line > 1),
        "bullet": [_bulleted(b.raw) for b in blocks], "heading": [b.heading for b in blocks],
        "in_run": in_run, "run_found": float(score > 0), "relaxed": float(relaxed), "run_distance": distance,
        "position": pos / n, "run_share": run_words / page_words, "repeated": [math.log(seen[t]) for t in texts],
        "punctuation": shape[:, 4], "digits": shape[:, 5], "capitalised": shape[:, 6], "url": shape[:, 7],
        "prev_class": np.concatenate(([-1.0], ranks[:-1])), "next_class": np.concatenate((ranks[1:], [-1.0])),
        "prev_size": np.concatenate(([-1.0], shape[:-1, 1])), "next_size": np.concatenate((shape[1:, 1], [-1.0])),
        "good_around": np.divide(goods[pos] - goods[low] + goods[high] - goods[pos + 1], around,
                                 out=np.zeros(n), where=around > 0),
        "lines": math.log1p(n), "good_share": int(goods[n]) / n, "page_words": math.log1p(page_words),
        "word_share": words / page_words,
    }
    rows = np.empty((n, len(FEATURES)))
    rows[:, :len(_ONE_HOT_COLUMNS)] = _ONE_HOT[[_ONE_HOT_ROW[f] for f in found]]
    for k, name in enumerate(FEATURES[len(_ONE_HOT_COLUMNS):], len(_ONE_HOT_COLUMNS)):
        rows[:, k] = column[name]
    return rows


def _bulleted(raw: str) -> bool:
    """Whether a line starts as a list item (_BULLET).  The regex, run on every line, cost a
    third of the page's other features together: it is asked only of a line whose first
    character past the indent is beyond ASCII (where `\\s` and `\\d` are the regex module's
    to tell) or an ASCII bullet or digit."""
    first = raw.lstrip()[:1]
    return (not first.isascii() or first in _ASCII_BULLET_STARTS) and _BULLET.match(raw) is not None


_ASCII_BULLET_STARTS = frozenset("-*>0123456789")
# the one-hot columns (class_*, why_*) of each (class, reason) _classify gives: row
# _ONE_HOT_ROW[class, reason] of _ONE_HOT
_ONE_HOT_COLUMNS = (*_CLASSES, *_REASONS)
_ONE_HOT_ROW = {(cls, why): k for k, (cls, why) in
                enumerate((cls, why) for cls in _CLASSES for why in (*_REASONS, "short", "good", "neargood"))}
_ONE_HOT = np.array([[float(cls == c) for c in _CLASSES] + [float(why == r) for r in _REASONS]
                     for cls, why in _ONE_HOT_ROW])
_SHAPE = {False: "classify.shape", True: "classify.shape.cjk"}  # memo keys, by whether CJK counts heavier


def _shape(block, cjk: bool) -> tuple:
    """What the classifier reads of a line's text alone: (size, log1p(size), log1p(words),
    ends as a sentence, punctuation, digits, capitalised, holds a URL).  Kept in the block's
    memo (see engine.lines.Lines), which the blocks of the same text share: a menu item met on
    page after page, and every line of the clean text judged again (pipeline._settle), are
    read once."""
    found = block.memo.get(_SHAPE[cjk])
    if found is None:
        text = block.text
        tokens = text.split()
        size = _size(text, cjk)
        found = block.memo[_SHAPE[cjk]] = (size, math.log1p(size), math.log1p(len(tokens)), ends_as_sentence(text),
                                           *features.shares(text, tokens), float(bool(_URL.search(text))))
    return found


def _size(text: str, cjk: bool) -> int:
    if not cjk:
        return len(text)
    return len(text) + (CJK_WEIGHT - 1) * len(_CJK.findall(text))


def _indented(raws: list[str], sizes: list[int], sentences: list[bool]) -> list[bool]:
    """Which blocks sit deeper than the page's running text.

    Scrapers indent list items by their depth, and menus are lists; the
    running text is at the depth holding most long sentences (often none,
    sometimes inside a list of its own).
    """
    depths = [len(raw) - len(raw.lstrip()) for raw in raws]
    mass = Counter()
    for depth, size, sentence in zip(depths, sizes, sentences):
        if size >= LENGTH_HIGH and sentence:
            mass[depth] += size
    body, most = mass.most_common(1)[0] if mass else (0, 0)
    if most < DEEP_BODY * mass[0]:
        body = 0
    return [depth > body for depth in depths]


def _alone(doc: Document, kept: list[int], indented: list[bool]) -> list[bool]:
    """Which blocks stand at the margin as paragraphs of their own, a blank line above and below.

    Scrapers put a blank line between paragraphs and none between the items of
    a list or the links of a menu; on a page without blank lines it tells nothing.
    """
    lines = [b.line for b in doc.blocks]
    if not lines or not lines[-1]:
        return [False] * len(kept)
    gaps = sum(b > a + 1 for a, b in zip(lines, lines[1:]))
    if gaps < MIN_GAPS * len(lines):
        return [False] * len(kept)
    last = len(lines) - 1
    return [not ind and (i == 0 or lines[i - 1] < lines[i] - 1) and (i == last or lines[i + 1] > lines[i] + 1)
            for i, ind in zip(kept, indented)]


def _classify(text: str, size: int, indented: bool, sentence: bool, density: float | None,
              seen: Counter) -> tuple[str, str]:
    """The block's own class and, for a bad one, the reason.  `density`: the share of its words
    that are stopwords (None for a language without a list)."""
    if seen[text] > 1 and size < LENGTH_LOW and not sentence:
        return BAD, "repeated"
    if "©" in text:
        return BAD, "copyright"
    if size < LENGTH_LOW:
        if _TIME.search(text) and not _BARE_TIME.fullmatch(text):
            return BAD, "timestamp"
        if indented and not sentence:
            return BAD, "menu"
        return SHORT, "short"
    if density is None:
        density = STOPWORDS_HIGH if sentence else STOPWORDS_LOW
    if density < STOPWORDS_LOW:
        if _TIME.search(text) and not sentence:  # "Published Nov 3, 2019 at 4:10 PM | Updated ...": a dateline
            return BAD, "timestamp"
        return BAD, "few-stopwords"
    if indented and not sentence:
        return BAD, "list"
    if density >= STOPWORDS_HIGH and size >= LENGTH_HIGH:
        return GOOD, "good"
    return NEAR, "neargood"


def _gains(found: list[tuple[str, str]], sizes: list[int], indented: list[bool], alone: list[bool],
           table: dict) -> list[int]:
    """What each block adds to the run that holds it."""
    gains = []
    for pos, (cls, why) in enumerate(found):
        if why == "timestamp":
            gains.append(-MAX_GAIN)
            continue
        gain = table[cls, indented[pos]]
        if cls in (GOOD, NEAR):
            gain = int(gain * min(sizes[pos], MAX_GAIN))
        elif alone[pos]:
            gain = max(gain, ALONE[cls])
        gains.append(gain)
    return gains


def _region(gains: list[int]) -> tuple[int, int, int]:
    """The article's run of blocks: (score, start, end).

    Blocks earn or cost what `gains` says; each run is the best stretch
    between points where the running sum falls to nothing.  The article is
    the first run scoring at least FIRST_SHARE of the best one: comments
    and story lists come after it and can outweigh it.
    """
    runs = []
    best, best_span, total, start = 0, (-1, -1), 0, 0
    for pos, gain in enumerate(gains):
        if total <= 0:
            if gain <= 0:
                continue
            if best > 0:
                runs.append((best, *best_span))
            best, total, start = 0, 0, pos
        total += gain
        if total > best:
            best, best_span = total, (start, pos)
    if best > 0:
        runs.append((best, *best_span))
    if not runs:
        return 0, -1, -1
    top = max(score for score, _, _ in runs)
    return next(run for run in runs if run[0] >= FIRST_SHARE * top)


def _widen(sentences: list[bool], classes: list[str], indented: list[bool], start: int,
           end: int) -> tuple[int, int]:
    """The article's run, widened over the sentences right above and below it.

    A short opening paragraph, a one-line closing sentence cost the run more than
    they earn and fall outside it; a sentence at the margin, touching the article,
    is article text (menus, teasers and buttons do not end as sentences).
    """
    def prose(pos: int) -> bool:
        return classes[pos] != BAD and not indented[pos] and sentences[pos]

    while start > 0 and prose(start - 1):
        start -= 1
    while end < len(sentences) - 1 and prose(end + 1):
        end += 1
    return start, end
