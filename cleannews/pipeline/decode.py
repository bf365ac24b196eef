"""Bytes to text, and the kind of page the text is (HTML, Markdown or plain text).

Scraped bytes lie about their encoding as often as not, and file extensions
lie about their content, so both are decided from the bytes themselves.
"""
from __future__ import annotations

import codecs
import re

from cleannews.document import Document
from cleannews.errors import InputError

_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_TAG = re.compile(r"</?(?:p|div|span|a|br|li|ul|h[1-6]|article|section|table|img|meta)\b[^>]*>", re.I)
_MD = re.compile(r"^(?:#{1,6}\s+\S|\s*[-*+]\s+\[|\s*>\s)|\[[^\]\n]+\]\([^)\s]+\)|^\s*(?:\*\*|__)\S", re.M)


def decode(doc: Document) -> Document:
    """Fill `content`, `encoding` and `kind` from `data`."""
    data = doc.data
    if is_binary(data):
        raise InputError(doc.source, "binary data (an image, an archive?), not a page; skipped")
    doc.content, doc.encoding = _to_text(data)
    if "\r" in doc.content:  # most pages hold none: one search instead of two replacements' scans
        doc.content = doc.content.replace("\r\n", "\n").replace("\r", "\n")
    doc.kind = sniff(doc.content)
    return doc


_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13, 27))


def is_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes at the start, unless a UTF-16/32 BOM says why."""
    head = data[:4096]
    if not head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    return b"\x00" in head or len(head) - len(head.translate(None, _CONTROL)) > len(head) * 0.1


def _to_text(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        try:
            codec = codecs.lookup(name).name
            # a declaration readable as ASCII bytes cannot be in UTF-16/32: it lies
            if codec != "utf-8" and not codec.startswith(("utf-16", "utf-32")):
                text = data.decode(name)
                return _unless_implausible(data, text, name)
        except (LookupError, UnicodeDecodeError):
            pass  # unknown or wrong declaration: detect instead
    best = _detect(data)
    if best is not None:
        return data.decode(best, errors="replace"), best
    return data.decode("utf-8", errors="replace"), "utf-8"


def _detect(data: bytes, trust_declaration: bool = True) -> str | None:
    from charset_normalizer import from_bytes  # brought by trafilatura

    best = from_bytes(data[:200_000], preemptive_behaviour=trust_declaration).best()
    return best.encoding if best is not None and best.encoding else None


_TAGS = re.compile(r"<[^>]*>|&\w+;")
_WORD = re.compile(r"[^\W\d_]{3,}")


def implausibility(text: str) -> float:
    """How unlike text in any language `text` reads: charset_normalizer's mess ratio (odd
    symbols, accents in odd places) plus the share of words whose case flips inside them
    (Cyrillic bytes read as KOI8-R when they are cp1251 come out as "пПТЙЧ")."""
    from charset_normalizer.md import mess_ratio

    sample = _TAGS.sub(" ", text[:100_000])[:30_000]
    words = _WORD.findall(sample)
    flips = sum(any(a.islower() and b.isupper() for a, b in zip(w, w[1:])) for w in words)
    return mess_ratio(sample, 1.0) + (flips / len(words) if words else 0.0)


def _unless_implausible(data: bytes, text: str, declared: str) -> tuple[str, str]:
    """The declared charset's text, unless it reads as mojibake and detection is confident of
    another charset whose text reads well (pages declare iso-8859-1 over cp1251 bytes)."""
    mine = implausibility(text)
    if mine < 0.1:
        return text, declared
    other = _detect(data, trust_declaration=False)
    if other is None or codecs.lookup(other).name == codecs.lookup(declared).name:
        return text, declared
    theirs = data.decode(other, errors="replace")
    return (theirs, other) if implausibility(theirs) < mine / 2 else (text, declared)


def _markup_first(head: str) -> bool:
    """A page of markup starts with a tag; one that starts with text is HTML only when tags
    are as dense as text (a line each, about): a blog post quoting HTML code is text."""
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        return True
    return len(_TAG.findall(head)) >= head.count("\n")


def sniff(text: str) -> str:
    """html, markdown or text, from the content alone."""
    head = text[:20_000]
    if "<" in head and (_HTML.search(head[:4096]) or len(_TAG.findall(head)) >= 5) and _markup_first(head):
        return "html"
    if any(c in head for c in "#[>*_") and len(_MD.findall(head)) >= 3:  # what every markdown mark starts with
        return "markdown"
    return "text"
