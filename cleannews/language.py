"""Guess a block's or page's language from its stopwords.

The stopword lists are jusText's (it comes with trafilatura), read as files
so that the text path never imports the HTML stack.  The classifier uses the
same lists for stopword density.

The lists differ a lot in size (English 453 words, Finnish 6813) and the big
ones, made from web text, hold common English words too ("the", "of",
"video").  So a hit is weighed as evidence the way a naive Bayes model over
"a word drawn from the list" would: a word from a list of n words counts
log(REFERENCE / n), the weight falling as the list grows.  The best language's
stopwords must also make a share of the sample's words, a bigger share for a
bigger list (Finnish's list holds a third of any English text).  Close
relatives (Russian and Ukrainian, Czech and Slovak, Croatian and Serbian)
can score near each other: the better one is taken, whatever the margin,
since either list serves the classifier far better than none.
"""
from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path

import regex

# ISO 639-1 code -> jusText stoplist name, for the languages news corpora meet most
STOPLISTS = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "ru": "Russian", "uk": "Ukrainian", "pl": "Polish",
    "cs": "Czech", "sk": "Slovak", "sv": "Swedish", "da": "Danish", "fi": "Finnish",
    "no": "Norwegian_Bokmal", "ro": "Romanian", "hu": "Hungarian", "tr": "Turkish",
    "el": "Greek", "bg": "Bulgarian", "hr": "Croatian", "sr": "Serbian", "sl": "Slovenian",
    "id": "Indonesian", "vi": "Vietnamese", "ca": "Catalan", "lt": "Lithuanian", "lv": "Latvian",
    "et": "Estonian", "ar": "Arabic", "fa": "Persian", "he": "Hebrew", "hi": "Hindi",
}
_TOKEN = regex.compile(r"\w+(?:['’]\w+)*")  # a word, "don't" and "l'équipe" one each
_SCRIPTS = [("ja", regex.compile(r"[\p{Hiragana}\p{Katakana}]")), ("ko", regex.compile(r"\p{Hangul}")),
            ("zh", regex.compile(r"\p{Han}"))]
_ANY_SCRIPT = regex.compile(r"[\p{Hiragana}\p{Katakana}\p{Hangul}\p{Han}]")
REFERENCE = 100_000  # the vocabulary a word is drawn from when it is in no list: sets the weights
MIN_SHARE = 0.1  # of the sample's words, the best language's stopwords make at least this much ...
SHARE_LIST = 500  # ... for a list this long; a longer list must cover more: MIN_SHARE * (1 + log10(n / SHARE_LIST))


@functools.lru_cache(maxsize=None)
def stopwords(lang: str | None) -> frozenset:
    name = STOPLISTS.get(lang or "")
    spec = importlib.util.find_spec("justext")
    if not name or spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(spec.submodule_search_locations[0]) / "stoplists" / f"{name}.txt"
    try:
        return frozenset(path.read_text(encoding="utf-8").casefold().split())
    except OSError:
        return frozenset()


@functools.lru_cache(maxsize=1)
def _any_list() -> frozenset:
    """Every word of every stoplist."""
    return frozenset().union(*(stopwords(code) for code in STOPLISTS))


_FIELD = 32  # bits per language in a word's vector: counts up to 4 billion words
_VECTORS: dict[str, int] = {}


def _vector_of(word: str) -> int:
    """The stoplists holding `word` (a stopword), as one integer with a field of _FIELD bits per
    language in STOPLISTS order (1 where the word is in the list): the counts of a sample add up
    in one multiplication and sum per word.  Worked out on first sight, so that a short run does
    not build the table for 70,000 words."""
    found = _VECTORS.get(word)
    if found is None:
        found = _VECTORS[word] = sum(1 << (_FIELD * k) for k, code in enumerate(STOPLISTS) if word in stopwords(code))
    return found


def tally(text: str, max_words: int | None = None) -> tuple[int, int]:
    """The words of `text` (its first `max_words`) and their stopword counts per language, packed
    (see _vector_of): worked out once per block and summed for the page, so that a second
    look at some of the page's blocks (pipeline._settle) costs no second count."""
    folded = _TOKEN.findall(text.casefold())
    if max_words is not None:
        folded = folded[:max_words]
    if not folded:
        return 0, 0
    known = _any_list()
    for word in known.intersection(folded).difference(_VECTORS):
        _vector_of(word)
    return len(folded), sum(map(_VECTORS.__getitem__, filter(known.__contains__, folded)))


def field(lang: str | None) -> int | None:
    """Where `lang`'s count sits in a tally (see `share`); None for a language without stopwords."""
    return list(STOPLISTS).index(lang) if lang in STOPLISTS and stopwords(lang) else None


def share(counted: tuple[int, int], at: int) -> float | None:
    """The share of a block's words that are stopwords of the language at `at` (see `field`)."""
    words, packed = counted
    return ((packed >> (_FIELD * at)) & ((1 << _FIELD) - 1)) / words if words else None


def detect(text: str, max_words: int = 3000) -> str | None:
    """The ISO code of the page's language, or None when it cannot tell."""
    return detect_blocks([text[:50_000]], max_words=max_words)


def detect_blocks(texts: list[str], tallies: list[tuple[int, int]] | None = None,
                  max_words: int = 3000) -> str | None:
    """The language of a page made of `texts` (and their `tally`, when known): read from its
    first `max_words` words."""
    head, size = [], 0
    for text in texts:  # the page's first 5,000 characters, for the scripts without stopwords
        head.append(text[:5000 - size])
        size += len(head[-1]) + 1
        if size >= 5000:
            break
    head = "\n".join(head)[:5000]
    if _ANY_SCRIPT.search(head):  # one scan finds none in most pages
        for code, script in _SCRIPTS:
            if len(script.findall(head)) > 50:
                return code
    total = packed = 0
    for k, text in enumerate(texts):
        n, hits = tallies[k] if tallies is not None else tally(text)
        if total + n > max_words:
            n, hits = tally(text, max_words - total)
        total += n
        packed += hits
        if total >= max_words:
            break
    if total < 5 or not packed:
        return None
    # a word from a list of n words is evidence log(REFERENCE / n) for its language (see above)
    mask = (1 << _FIELD) - 1
    hits = {code: hit for k, code in enumerate(STOPLISTS) if (hit := (packed >> (_FIELD * k)) & mask)}
    evidence = {code: hit * math.log(REFERENCE / len(stopwords(code))) for code, hit in hits.items()}
    best = max(evidence, key=evidence.__getitem__)
    share = MIN_SHARE * (1 + max(0.0, math.log10(len(stopwords(best)) / SHARE_LIST)))
    return best if hits[best] >= max(2, total * share) else None
