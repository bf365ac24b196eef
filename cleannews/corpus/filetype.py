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
    (b"ftyp", 4, "an ISO media file (video or image)"), (b"wOFF", 0, "a font (WOFF)"), (b"wOF2", 0, "a font (WOFF2)"),
    (b"OTTO", 0, "a font (OpenType)"), (b"\x00\x01\x00\x00\x00", 0, "a font (TrueType)"),
    (b"%PDF-", 0, "a PDF document"), (b"PK\x03\x04", 0, "a zip archive"), (b"ID3", 0, "an audio file (MP3)"),
    (b"OggS", 0, "an Ogg media file (audio or video)"), (b"\x1aE\xdf\xa3", 0, "a video (WebM/Matroska)"),
    (b"\x00asm", 0, "WebAssembly"),
]
_SVG = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE svg[^>]*>\s*)*<svg[\s>]",
                  re.S | re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)|^\s*//[^\n]*", re.S | re.M)
_CSS_START = re.compile(r"(?:@(?:charset|import|media|font-face|keyframes|supports|layer|namespace)\b"
                        r"|[\w.#*\[\]=\"':>~+, -]*\{\s*-{0,2}[\w-]+\s*:)")
_CSS_RULE = re.compile(r"[^{};]+\{[^{}]*:[^{}]*\}")
_JS_NAME = re.compile(r"\bfunction\b|=>|\b(?:var|let|const)\s+[\w$]+\s*=|\btypeof\b|\bundefined\b|\brequire\("
                      r"|\bmodule\.exports\b|\b(?:window|document)\.\w")
_BLOCK_OPEN = re.compile(r"\)\s*\{")
_JS_START = re.compile(r"(?:!function|\(function|\(\(\)|[\"']use strict[\"']|(?:window|document|self|globalThis)\.[\w$]"
                       r"|(?:var|let|const|function|import|export|class|async)\s|[\w$]+(?:\.[\w$]+)+\s*\()")
_PROSE_END = re.compile(r"[.!?\"'»”)]\s*$")
# What source code of any language has and prose has not.  Comments go first (they are prose):
# C-like block and line comments, Python docstrings, shell and Python `#` lines (not the C
# preprocessor's `#include`, which is code; a Markdown heading goes too, and leaves its text).
_SOURCE_COMMENT = re.compile(r'/\*.*?(?:\*/|\Z)|^[ \t]*"""(?:[^"]|"(?!""))*(?:"""|\Z)'
                             r"|^[ \t]*(?://|--\s|#(?![a-z]))[^\n]*", re.S | re.M)
_PREPROCESSOR = r"^#\s*(?:include|define|if|ifn?def|endif|else|pragma)\b"
_CODE_LINE = re.compile(
    r"[{};,]$|^[})\]]|[(\[]$"  # blocks and statements of the C family, argument lists, JSON's brackets
    r"|^(?:(?:async\s+)?def|class)\s+\w+.*:$|^(?:if|elif|else|for|while|try|except|finally|with)\b.*:$"  # Python
    r"|^(?:import|from)\s+[\w.]+(?:\s+import\b|\s*$|\s+as\s)|" + _PREPROCESSOR +
    r"|^[\w.$>\[\]'\"-]+\s*(?:[-+*/%|&^.:]|\?\?|<<|>>)?=(?!=)\s*\S"  # assignments
    r"|^[\w$]+(?:\s*,\s*[\w$]+)+\s*:?=[^=]"
    r"|^[\w$]+(?:\.[\w$]+)+\(.*\)[;,]?$|^\w+_\w*\(.*\)$"  # calls
    r"|^(?:return|package|func|(?:pub\s+)?fn)\b|^(?:const|let|var)\s+[\w$]+\s*[=:;]"
    r"|^\"[^\"]*\"\s*:|^@\w+|^<\?php|^(?:fi|done|esac|then|do|end)$|^\w+\s*\(\)\s*\{?$")
_CODE_TOKEN = re.compile(
    r"\)\s*\{|\};|\);|=>|&&|\|\||[!=]==?|::|->|:=|\+\+|[-+*/]=|\bdef\s+\w+\(|\bfunction\b\s*[\w$]*\s*\("
    r"|\w\([^()\n]*\)\s*[;{:]$|^(?:import|from)\s+[\w.]+|\$\{|" + _PREPROCESSOR +
    r"|\bself\.\w|\brequire\(|\bmodule\.exports\b|\b(?:window|document)\.\w", re.M)
_WORD = re.compile(r"[^\W\d_]+[,.;:!?'\"”’)]*\Z")
_URL_LINE = re.compile(r"(?:https?|ftp)://[^\s/$.?#][^\s]*\Z|www\.[^\s/]+\.[a-z]{2,}(?:/\S*)?\Z", re.I)


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
    if text[:1] in "{[" and whole is not None and _is_json(whole()):
        return "JSON data"
    return _urls(text) or _code(text)


def _is_json(data: bytes) -> bool:
    """Whether `data` is one JSON document, whatever bytes its strings hold (an invalid byte in a
    string leaves it JSON data)."""
    try:
        try:
            json.loads(data)
        except UnicodeDecodeError:
            json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        return False
    return True


def _urls(text: str) -> str | None:
    """A list of links (a crawl's frontier, a sitemap as text) is no article, however English its
    paths read."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    urls = sum(bool(_URL_LINE.match(line)) for line in lines)
    return "a list of URLs" if urls and urls >= 0.8 * len(lines) else None


def _code(text: str) -> str | None:
    """CSS, JavaScript or other source code: lines that are statements, not sentences."""
    if text.startswith("#!/"):
        return "a script"
    if text.startswith("<?php"):
        return "source code"
    if text.startswith("<"):
        return None
    bare = _COMMENT.sub(" ", text)
    if (_JS_START.match(bare.lstrip()) and bare.count(";") + bare.count("{") >= 2
            and (";" in bare or _JS_NAME.search(bare) or _BLOCK_OPEN.search(bare))):
        return "JavaScript"
    if _CSS_START.match(bare.lstrip()) and ";" in bare:
        return "CSS"
    if "\n```" in "\n" + text:  # Markdown with code in fences: a page about code
        return None
    if _braces(bare) and len(_CSS_RULE.findall(bare)) * 2 >= bare.count("{"):
        return "CSS"
    if _braces(bare) or _statements(text):
        return "JavaScript" if _JS_NAME.search(_SOURCE_COMMENT.sub("", bare)) else "source code"
    return None


def _braces(bare: str) -> bool:
    """Lines that end in braces and semicolons (CSS, JavaScript, the C family), or one long
    minified line of them."""
    if bare.count("{") < 2 or bare.count("}") < 2:
        return False
    lines = [line.strip() for line in bare.splitlines() if line.strip()]
    if not lines:
        return False
    codelike = sum(line.endswith(("{", "}", ";", ",", "(", ")", "[", "]")) or line.startswith(("}", "//", "@"))
                   for line in lines)
    marks = sum(bare.count(c) for c in "{};")
    dense = len(lines) <= 3 and marks * 40 > len(bare)  # minified: one long line of code
    if not dense and (len(lines) < 3 or codelike < 0.7 * len(lines)):
        return False
    return sum(bool(_PROSE_END.search(line)) for line in lines) <= 0.3 * len(lines)


def _statements(text: str) -> bool:
    """Most lines are statements of some language (blocks, assignments, imports, definitions),
    few read as sentences, and the text holds operators prose has no use for."""
    bare = _SOURCE_COMMENT.sub("", text)
    lines = [line.strip() for line in bare.splitlines() if line.strip()]
    if not lines:
        return False
    size = sum(map(len, lines))
    prose = sum(len(line) for line in lines if _sentence(line))
    code = sum(len(line) for line in lines if _CODE_LINE.search(line) and not _sentence(line))
    tokens = len(_CODE_TOKEN.findall(bare))
    if len(lines) <= 2:
        return code == size and tokens >= 1 and not prose
    return code >= 0.5 * size and prose <= 0.15 * size and tokens >= max(2, 0.05 * len(lines))


def _sentence(line: str) -> bool:
    words = line.split()
    return len(words) >= 6 and sum(bool(_WORD.match(w)) for w in words) >= 0.8 * len(words)
