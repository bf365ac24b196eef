"""`check` and `fix`: boilerplate in text kept in a corpus, found and removed in place.

Only the rule sets apply here (no classifier, no headline): a hook must be
sure of what it reports.  A fix works on the file's bytes: it deletes the
lines of the removed blocks (and the blank line each leaves) and keeps
every other byte as it was: newlines of every style, bytes that are not
valid in the encoding, the compression, the owner, group and mode, the
links.  A file it cannot rewrite so (an encoding that does not round-trip,
a hard-linked file, an owner it cannot keep, a file that changed while it
was read) is refused, untouched, with a message saying why.
"""
from __future__ import annotations

import codecs
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cleannews.corpus.records import Fields
from cleannews.corpus.streams import BROKEN_MARK, compression, container, open_binary, parse_record
from cleannews.corpus.write import atomic_open, json_text
from cleannews.document import Document
from cleannews.engine.ruleset import Rules
from cleannews.errors import InputError, printable
from cleannews.limits import Limits
from cleannews.pipeline import _guard_over_removal as guard_over_removal
from cleannews.pipeline import clean_document

_LINES = re.compile(r"(\r\n|\r|\n)")


class NotText(InputError):
    """A file `check` does not read (an HTML page, a WARC archive): an error when named, passed
    over when found in a folder, which holds such files beside the text."""


@dataclass
class Finding:
    path: str
    line: int
    rule: str
    category: str
    text: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return printable(f"{self.path}:{self.line}: {self.rule} [{self.category}] {text}")


def scan_text(text: str, ruleset: Rules, source: str, url: str | None = None,
              newline: str | None = None, limits: Limits = Limits()) -> tuple[list, str, dict | None]:
    """The removals the rules make in `text`, the text without their lines (each kept line keeps
    its own newline), and the over-removal flag when the rules would gut the text (then the text
    is left as it is: a fix must never destroy an article).  `newline` is not used any more: the
    text's own newlines stay."""
    removed, over = _removals(text, ruleset, source, url, limits)
    gone = {r.line for r in removed}
    if not gone or over:
        return removed, text, over
    return removed, without_lines(text, gone), None


def _removals(text: str, ruleset: Rules, source: str, url: str | None, limits: Limits):
    """What the rules remove from `text`, less the lines that belong to the text around them
    (see `in_running_text`): a hook runs in other people's repositories, so it removes only what
    is boilerplate beyond doubt."""
    doc = clean_document(Document(source=source, data=text.encode("utf-8", "surrogatepass"), url=url),
                         ruleset, rules_only=True, limits=limits)
    if doc.kind == "html":
        return [], None  # a page still in HTML is for `clean`, not for a text fix
    lines = doc.content.split("\n")  # numbered as the blocks are (pipeline.blocks.split)
    spared = in_running_text(lines, {b.line for b in doc.blocks if b.removal})
    if spared:
        for block in doc.blocks:
            if block.line in spared:
                block.removal = None
        doc.metadata.pop("over_removal", None)  # the guard judges what is really removed
        guard_over_removal(doc, limits.max_removed)
    return doc.removed, doc.metadata.get("over_removal")


# Markdown's own lines: a thematic break, a fence, a table's delimiter row (and a setext underline,
# when under a line of text)
_MARKUP = re.compile(r"(?:[-*_]\s*){3,}|`{3,}|~{3,}|\|?(?:\s*:?-+:?\s*\|)+(?:\s*:?-+:?\s*)?|\+(?:[-=:]+\+)+")
_UNDERLINE = re.compile(r"=+|-+")
_OPENS, _CLOSES = "([{", ")]}"
_RUNS_ON = ",(-\u2013\u2014/&"  # a line ending so is continued by the next
# a line of source code: a statement's end, a block's brackets or keywords, an assignment, a call, a
# comment or a prompt
_CODE = re.compile(r"[;{}]$|^[})\]]|[(\[,]$|^(?:end|fi|done|esac|else|then|do)$|[^=!<>]=[^=]|\w\("
                   r"|^(?://|/?\*|#[\s!]|#include|<|>>>|\$ |\.\.\. )")
_QUOTES = "\"'(\u201c\u2018\u00ab"
_PROSE_WORDS = 5  # a line of a wrapped paragraph holds a few words at least, most of them lower case


def in_running_text(lines: list[str], gone: set[int]) -> set[int]:
    """The lines of `gone` (1-based) that are part of the paragraph or listing around them.

    Rules judge one line at a time, and a short line is furniture on its own
    (a close button, a menu word) but not inside a code listing (`}`, `});`)
    or a wrapped paragraph (a sentence ending "home." on a line of its own).
    So a line is spared when, with no blank line between:
    - it is punctuation only and beside a line of code, or holds a bracket
      opened or closed on another line (a listing's `{ ... });` across blank
      lines), or is Markdown's markup (a fence, a rule, a table row: plain
      text scraped from Markdown holds them too);
    - it goes on with the sentence of the paragraph line before it, or its
      own sentence goes on in the paragraph line after it;
    - it is one of a stretch of one-word lines between two kept lines that
      are code (or one is, and the stretch is indented inside its block), or
      whose paragraph runs on across it.
    A menu (short lines, no code, no sentence) spares nothing.  Lines are
    spared until none is left to spare: a spared line is kept text to the
    lines beside it."""
    from cleannews.pipeline.blocks import ends_as_sentence

    def text(n: int) -> str:
        return lines[n - 1].strip() if 0 < n <= len(lines) else ""

    def bare(n: int) -> bool:
        return not any(c.isalnum() for c in text(n))

    def words(n: int) -> list[str]:
        return [word for word in text(n).split() if any(c.isalnum() for c in word)]

    def code(n: int) -> bool:
        return bool(_CODE.search(text(n)))

    def lowered(found: list[str]) -> int:
        """How many of these words start in lower case (as running text's do, a menu's do not)."""
        return sum(w.lstrip(_QUOTES)[:1].islower() for w in found)

    def prose(n: int) -> bool:
        """Line n reads as a paragraph's (not a menu's, a headline's or a list of names)."""
        found = words(n)
        return len(found) >= _PROSE_WORDS and 2 * lowered(found) >= len(found)

    def prose_on(n: int) -> bool:
        """Line n is a paragraph's line whose sentence goes on into the next line."""
        return prose(n) and not ends_as_sentence(text(n))

    def starts_low(n: int) -> bool:
        """Line n starts as a sentence goes on ("home.", "and then"; not "iPhone")."""
        return (text(n).lstrip(_QUOTES).split(maxsplit=1) or [""])[0].islower()

    def indent(n: int) -> int:
        line = lines[n - 1].expandtabs()
        return len(line) - len(line.lstrip())

    paired = _paired(lines)
    spared = {n for n in gone if bare(n) and (n in paired or _MARKUP.fullmatch(text(n)))}
    while True:
        removed = gone - spared

        def kept(n: int) -> bool:
            return bool(text(n)) and n not in removed

        def listing(n: int) -> bool:  # a punctuation line beside code, or a heading's underline
            return bare(n) and (kept(n - 1) and (code(n - 1) or _UNDERLINE.fullmatch(text(n)))
                                or kept(n + 1) and code(n + 1))

        def continues(n: int) -> bool:  # the paragraph line before goes on here, and ends here or after
            return (kept(n - 1) and prose_on(n - 1) and (starts_low(n) or text(n - 1)[-1] in _RUNS_ON)
                    and (ends_as_sentence(text(n)) or kept(n + 1) and prose(n + 1)))

        def continued(n: int) -> bool:  # a sentence starts here and goes on in the paragraph line after
            found = words(n)
            return (kept(n + 1) and prose(n + 1) and starts_low(n + 1) and not ends_as_sentence(text(n))
                    and 2 * lowered(found) >= len(found) > 0)
        more = {n for n in removed if listing(n) or continues(n) or continued(n)}
        for first, last in _stretches(removed):  # one-word lines inside a listing or a paragraph
            stretch = range(first, last + 1)
            if (kept(first - 1) and kept(last + 1) and all(len(words(n)) <= 1 for n in stretch)
                    and (code(first - 1) and code(last + 1)
                         or prose_on(first - 1) and (prose(last + 1) or starts_low(last + 1))
                         or (code(first - 1) or code(last + 1)) and min(map(indent, stretch)) > indent(first - 1))):
                more.update(stretch)
        if not more:
            return spared
        spared |= more


def _stretches(numbers: set[int]):
    """(first, last) of each run of consecutive numbers."""
    ordered = sorted(numbers)
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            yield ordered[start], ordered[i - 1]
            start = i


def _paired(lines: list[str]) -> set[int]:
    """The lines holding a bracket that opens or closes one on another line: a listing's
    `{` and `});` belong to it however many blank lines stand between."""
    stack: list[tuple[str, int]] = []
    found: set[int] = set()
    for number, line in enumerate(lines, 1):
        for c in line:
            if c in _OPENS:
                stack.append((c, number))
            elif c in _CLOSES and stack and _OPENS[_CLOSES.index(c)] == stack[-1][0]:
                opened = stack.pop()[1]
                if opened != number:
                    found.update((opened, number))
    return found


def _findings(path: str, removed, over: dict | None, line: int | None = None) -> list[Finding]:
    found = [Finding(path, line or r.line, r.rule, r.category, r.text) for r in removed]
    if over:
        found.insert(0, Finding(path, line or 1, "over-removal", "guard",
                                f"the rules would remove {over['share']:.0%} of the words (limit {over['limit']:.0%}); "
                                "left as it is, check the rules"))
    return found


def without_lines(text: str, gone: set[int]) -> str:
    """`text` minus the lines in `gone` (1-based; lines end at \\r\\n, \\r or \\n, as the pipeline
    counts them), and the blank line each leaves doubled, or trailing when the last block went;
    every kept line keeps its own newline."""
    parts = _LINES.split(text)
    lines = [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    kept: list[tuple[str, str]] = []
    dropped_last = tail_dropped = False
    for number, (line, end) in enumerate(lines, 1):
        if number in gone:
            dropped_last = tail_dropped = True
            continue
        if dropped_last and not line.strip() and (not kept or not kept[-1][0].strip()):
            continue  # the blank line around a removed block
        dropped_last = False
        tail_dropped = tail_dropped and not line.strip()
        kept.append((line, end))
    while tail_dropped and kept and not kept[-1][0].strip():
        kept.pop()  # the blank line that stood before the file's last block, removed
    return "".join(line + end for line, end in kept)


@dataclass
class _Original:
    """The file as read: where it really is, its bytes (decompressed) and its identity."""

    path: Path  # the target of any symlink
    raw: bytes  # as on disk
    data: bytes  # decompressed
    squeeze: str | None
    stat: os.stat_result


def _read(path: Path, max_bytes: int) -> _Original:
    real = Path(os.path.realpath(path))  # a symlink is fixed through: its target changes, the link stays
    try:
        with open(real, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(str(path), "not a regular file; left untouched")
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise InputError(str(path), f"larger than --max-bytes ({max_bytes:,} bytes); skipped")
    squeeze = compression(raw[:8])
    data = raw
    if squeeze:
        import io

        try:
            with open_binary(io.BufferedReader(io.BytesIO(raw))) as fh:
                data = fh.read(max_bytes + 1)
        except Exception as exc:  # noqa: BLE001 - any broken compressed data
            raise InputError(str(path), f"broken {squeeze} data ({exc}); left untouched") from None
        if len(data) > max_bytes:
            raise InputError(str(path), f"larger than --max-bytes ({max_bytes:,} bytes) once decompressed; skipped")
        if BROKEN_MARK in data:
            raise InputError(str(path), f"broken {squeeze} data; left untouched")
    return _Original(real, raw, data, squeeze, info)


def check_path(path: Path, ruleset: Rules, fields: Fields, write: bool = False,
               limits: Limits = Limits()) -> tuple[list[Finding], list[InputError]]:
    """The findings in one file (text, Markdown or JSONL) and its bad records; with `write`, the
    file is fixed in place.  A file that cannot be checked at all raises InputError."""
    from cleannews.corpus.read import file_problem

    problem = file_problem(path)  # a FIFO given by name would block the hook for ever
    if problem:
        raise InputError(str(path), problem[1])
    kind = container(path)
    if kind == "warc":
        raise NotText(str(path), "a WARC archive; use `cleannews batch` for it")
    original = _read(path, limits.max_bytes)
    if kind == "jsonl":
        findings, errors, fixed = _check_jsonl(path, original.data, ruleset, fields, limits)
        if write and fixed != original.data:
            _replace(path, original, fixed)
        return findings, errors
    doc = _decode(path, original.data)
    if doc.kind == "html":
        raise NotText(str(path), "an HTML page; `check` and `fix` work on text, Markdown and JSONL")
    removed, over = _removals(doc.content, ruleset, str(path), None, limits)
    gone = {r.line for r in removed}
    if write and gone and not over:
        bom, text, encoding = _lossless(path, original.data, doc.encoding or "utf-8")
        fixed = bom + without_lines(text, gone).encode(encoding, errors="surrogateescape")
        if fixed != original.data:
            _replace(path, original, fixed)
    return _findings(str(path), removed, over), []


_UNMARKED = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _decode(path: Path, data: bytes) -> Document:
    """The file read as a page is; UTF-16 or UTF-32 without a BOM, which a page reader takes for
    binary data (its NUL bytes), in the byte order its bytes read in."""
    from cleannews.pipeline.decode import decode

    try:
        return decode(Document(source=str(path), data=data))
    except InputError:
        encoding = _unmarked(data)
        if encoding is None:
            raise
    doc = decode(Document(source=str(path), data=data.decode(encoding).encode("utf-8")))
    doc.encoding = encoding  # what writes the fixed text back
    return doc


def _unmarked(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 byte order that detection finds `data` in, when every byte reads so."""
    from cleannews.pipeline.decode import _detect

    found = _detect(data)
    encoding = found and codecs.lookup(found).name
    if encoding not in _UNMARKED:
        return None
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def _lossless(path: Path, data: bytes, encoding: str) -> tuple[bytes, str, str]:
    """(BOM, text, encoding): the text of `data` after its BOM in the encoding that writes it
    back, every byte kept (bytes invalid there as escapes); refused when the bytes would not come
    back the same.  `utf-16` and `utf-32` read a BOM of either byte order but write the machine's:
    the BOM is kept as it was and the text goes through the byte order it names."""
    bom = b""
    try:
        name = codecs.lookup(encoding).name
        if name in ("utf-16", "utf-32"):
            bom, encoding = next(((mark, order) for mark, order in _BOMS
                                  if order.startswith(name) and data.startswith(mark)), (b"", encoding))
        text = data[len(bom):].decode(encoding, errors="surrogateescape")
        if bom + text.encode(encoding, errors="surrogateescape") == data:
            return bom, text, encoding
    except (LookupError, UnicodeError):
        pass
    raise InputError(str(path), f"its bytes do not survive a round trip through {encoding}; left untouched "
                                "(nothing would be kept byte for byte)")


def _check_jsonl(path: Path, data: bytes, ruleset: Rules, fields: Fields, limits: Limits):
    """Findings, bad records, and the bytes of the fixed file.

    Lines are handled as bytes: a record without boilerplate, a blank line,
    a line that is no record stay byte for byte; a fixed record keeps its
    line's leading and trailing whitespace and newline."""
    findings, errors, out = [], [], []
    lines = data.split(b"\n")
    for number, line in enumerate(lines, 1):
        end = b"\n" if number < len(lines) else b""
        out.append(line + end)
        body = line.strip()
        if not body:
            continue

        def bad(reason: str) -> None:
            errors.append(InputError(str(path), reason, number))
        if len(body) > limits.max_bytes:
            bad(f"record larger than --max-bytes ({limits.max_bytes:,} bytes); left as it is")
            continue
        try:
            record = parse_record(str(path), number, body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            bad(f"not UTF-8 (byte {exc.start + 1}); left as it is")
            continue
        except InputError as exc:
            bad(exc.reason + "; left as it is")
            continue
        text = record.data.get(fields.text)
        if text is None:
            bad(f"record has no {fields.text!r} field; left as it is")
            continue
        if not isinstance(text, str):
            bad(f"field {fields.text!r} holds a JSON {type(text).__name__}, not text; left as it is")
            continue
        url = record.data.get(fields.url)
        try:
            removed, over = _removals(text, ruleset, f"{path}:{number}", url if isinstance(url, str) else None, limits)
        except InputError as exc:
            bad(exc.reason)
            continue
        findings += _findings(str(path), removed, over, line=number)
        gone = {r.line for r in removed}
        if gone and not over:
            fixed = without_lines(text, gone)
            ascii_only = body.isascii() and b"\\u" in body  # written with \u escapes: keep them
            new = (json.dumps({**record.data, fields.text: fixed}, ensure_ascii=True) if ascii_only
                   else json_text({**record.data, fields.text: fixed}))
            start = len(line) - len(line.lstrip())
            tail = line[len(line.rstrip()):]
            out[-1] = line[:start] + new.encode("utf-8") + tail + end
    return findings, errors, b"".join(out)


def _replace(path: Path, original: _Original, data: bytes) -> None:
    """Rewrite the file atomically with `data`, compressed as it was, keeping mode, owner and
    group; a read-only or hard-linked file, an owner that cannot be kept, or a file changed since
    it was read is refused, untouched."""
    target, info = original.path, original.stat
    if not os.access(path, os.W_OK):
        raise InputError(str(path), "read-only; left untouched")
    if info.st_nlink > 1:
        raise InputError(str(path), f"has {info.st_nlink} hard links; a rewrite would split them; left untouched")

    def settle(tmp: str) -> None:
        """Owner and group as they were, and the file as it was read (else a write would lose what
        was added meanwhile)."""
        mine = os.stat(tmp)
        if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
            try:
                os.chown(tmp, info.st_uid, info.st_gid)
            except OSError:
                raise InputError(str(path), "owned by another user or group, which a rewrite cannot keep; "
                                            "left untouched") from None
        try:
            now = os.stat(target)
            with open(target, "rb") as fh:
                same = fh.read(len(original.raw) + 1) == original.raw
        except OSError:
            same = False
        if not same or (now.st_ino, now.st_dev, now.st_size, now.st_mtime_ns) != (
                info.st_ino, info.st_dev, info.st_size, info.st_mtime_ns):
            raise InputError(str(path), "changed while it was being fixed; left untouched (run fix again)")

    try:
        with atomic_open(target, original.squeeze, mode=stat.S_IMODE(info.st_mode), binary=True,
                         before_replace=settle) as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError(str(path), f"cannot write ({exc.strerror or exc}); left untouched") from None
