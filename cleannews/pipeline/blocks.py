"""Split a page's text into blocks, the unit rules keep or drop.

Plain text and Markdown from scrapers put one paragraph, menu item or
button label per line, so a block is a non-empty line.  Markdown keeps its
markup in `raw` while rules see the plain text.
"""
from __future__ import annotations

import regex

from cleannews.document import Block, Document

SENTENCE_END = frozenset(".!?…。！？")
CLOSERS = "\"'”’»)]）」』"  # quotes and brackets a sentence may end inside
RUNNING_WORDS = 10  # a line this long that ends as a sentence reads as article text


def ends_as_sentence(text: str) -> bool:
    """Whether the text ends as a sentence does (a closing quote or bracket aside)."""
    return text.rstrip(CLOSERS)[-1:] in SENTENCE_END


def running_text(text: str, words: int, min_words: int = RUNNING_WORDS) -> bool:
    """Whether a line of `words` words reads as article text rather than a link, a label or a
    heading: `min_words` or more, ending as a sentence."""
    return words >= min_words and ends_as_sentence(text)


_MD_IMAGE = regex.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = regex.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = regex.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_EMPHASIS = regex.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE_LIST = regex.compile(r"^\s*(?:>\s?)+")


def split(doc: Document, text: str | None = None) -> Document:
    """Fill `doc.blocks` from `text` (the extracted body for HTML) or the decoded content."""
    markdown = doc.kind == "markdown"
    for number, line in enumerate((doc.content if text is None else text).split("\n"), 1):
        if not line.strip():
            continue
        plain, heading = markdown_to_text(line) if markdown else (line.strip(), False)
        if plain:
            doc.blocks.append(Block(text=plain, raw=line.rstrip(), line=number if text is None else 0,
                                    heading=heading))
    return doc


def markdown_to_text(line: str) -> tuple[str, bool]:
    heading = _MD_HEADING.match(line)
    text = heading.group(2) if heading else _MD_QUOTE_LIST.sub("", line)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return " ".join(text.split()), bool(heading)
