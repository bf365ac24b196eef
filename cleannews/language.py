"""Guess a block's or page's language from its stopwords.

The stopword lists are jusText's (it comes with trafilatura), read as files
so that the text path never imports the HTML stack.  The classifier uses the
same lists for stopword density.
"""
from __future__ import annotations

import functools
import importlib.util
from collections import Counter
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
_WORD = regex.compile(r"\w+")
_SCRIPTS = [("ja", regex.compile(r"[\p{Hiragana}\p{Katakana}]")), ("ko", regex.compile(r"\p{Hangul}")),
            ("zh", regex.compile(r"\p{Han}"))]


@functools.lru_cache(maxsize=None)
def stopwords(lang: str | None) -> frozenset:
    name = STOPLISTS.get(lang or "")
    spec = importlib.util.find_spec("justext")
    if not name or spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(spec.submodule_search_locations[0]) / "stoplists" / f"{name}.txt"
    try:
        return frozenset(w.strip().casefold() for w in path.read_text(encoding="utf-8").split() if w.strip())
    except OSError:
        return frozenset()


def detect(text: str, max_words: int = 3000) -> str | None:
    """The ISO code of the page's language, or None when it cannot tell."""
    sample = text[:50_000]
    for code, script in _SCRIPTS:
        if len(script.findall(sample[:5000])) > 50:
            return code
    words = Counter(w.casefold() for w in _WORD.findall(sample)[:max_words])
    total = sum(words.values())
    if total < 5:
        return None
    best, best_hits = None, 0
    for code in STOPLISTS:
        hits = sum(n for w, n in words.items() if w in stopwords(code))
        if hits > best_hits:
            best, best_hits = code, hits
    return best if best_hits >= max(2, total * 0.1) else None
