"""What a file in a scrape folder is, when it is not a page: told from its first bytes.

A real scrape folder holds images, style sheets, scripts, fonts and JSON
data beside the pages.  A batch skips those (counted, not errors), and it
must tell them from the bytes: names lie (`page.php` holding a PNG,
`styles` without an extension), and a page must never be skipped for its
name.
"""
from __future__ import annotations

import json
import re

# (magic bytes, offset, what the file is)
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image"), (b"\xff\xd8\xff", 0, "a JPEG image"), (b"GIF87a", 0, "a GIF image"),
    (b"GIF89a", 0, "a GIF image"), (b"WEBP", 8, "a WebP image"), (b"\x00\x00\x01\x00", 0, "an icon"),
    (b"ftyp", 4, "a video or image (ISO media)"), (b"wOFF", 0, "a font (WOFF)"), (b"wOF2", 0, "a font (WOFF2)"),
    (b"OTTO", 0, "a font (OpenType)"), (b"\x00\x01\x00\x00\x00", 0, "a font (TrueType)"),
    (b"%PDF-", 0, "a PDF document"), (b"PK\x03\x04", 0, "a zip archive"), (b"ID3", 0, "an audio file (MP3)"),
    (b"OggS", 0, "an audio or video file (Ogg)"), (b"\x1aE\xdf\xa3", 0, "a video (WebM/Matroska)"),
    (b"\x00asm", 0, "WebAssembly"),
]
_SVG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE svg[^>]*>\s*)*<svg[\s>]",
                  re.S | re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)|^\s*//[^\n]*", re.S | re.M)
_CSS_START = re.compile(r"(?:@(?:charset|import|media|font-face|keyframes|supports|layer|namespace)\b"
                        r"|[\w.#*\[\]=\"':>~+, -]*\{\s*-{0,2}[\w-]+\s*:)")
_CSS_RULE = re.compile(r"[^{};]+\{[^{}]*:[^{}]*\}")
_JS_WORD = re.compile(r"\b(?:function|return|typeof|undefined)\b|\b(?:var|let|const)\s+[\w$]|=>|\(function")
_JS_START = re.compile(r"(?:!function|\(function|\(\(\)|[\"']use strict[\"']|(?:window|document|self|globalThis)\.[\w$]"
                       r"|(?:var|let|const|function|import|export|class|async)\s|[\w$]+(?:\.[\w$]+)+\s*\()")
_PROSE_END = re.compile(r"[.!?\"'»”)]\s*$")


def not_a_page(head: bytes, whole=None) -> str | None:
    """Why the file whose first bytes are `head` is not a page (None: it may be one).

    `whole` reads the whole file, asked for only when `head` looks like JSON
    that is not JSONL (a JSON document is data, not a page)."""
    for magic, offset, what in _MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return what
    if _SVG.match(head[:4096]):
        return "an SVG image"
    from cleannews.pipeline.decode import is_binary

    if is_binary(head):
        return "binary data"
    text = head[:8192].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text[:1] in "{[" and whole is not None:
        return "JSON data" if _is_json(whole()) else None
    return _code(text)


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _code(text: str) -> str | None:
    """CSS or JavaScript: lines that end in braces and semicolons, not sentences."""
    if text.startswith("<"):
        return None
    bare = _COMMENT.sub(" ", text)
    if _JS_START.match(bare.lstrip()) and bare.count(";") + bare.count("{") >= 2:
        return "JavaScript"
    if _CSS_START.match(bare.lstrip()) and ";" in bare:
        return "CSS"
    if bare.count("{") < 2 or bare.count("}") < 2:
        return None
    lines = [line.strip() for line in bare.splitlines() if line.strip()]
    if not lines:
        return None
    codelike = sum(line.endswith(("{", "}", ";", ",", "(", ")", "[", "]")) or line.startswith(("}", "//", "@"))
                   for line in lines)
    marks = sum(bare.count(c) for c in "{};")
    dense = len(lines) <= 3 and marks * 40 > len(bare)  # minified: one long line of code
    if not dense and (len(lines) < 3 or codelike < 0.7 * len(lines)):
        return None
    if sum(bool(_PROSE_END.search(line)) for line in lines) > 0.3 * len(lines):
        return None
    if len(_CSS_RULE.findall(bare)) * 2 >= bare.count("{"):
        return "CSS"
    return "JavaScript" if _JS_WORD.search(bare) else "code or data (braces and semicolons, no sentences)"
