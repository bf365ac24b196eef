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
from cleannews.pipeline import clean_document

_LINES = re.compile(r"(\r\n|\r|\n)")


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
    doc = clean_document(Document(source=source, data=text.encode("utf-8", "surrogatepass"), url=url),
                         ruleset, rules_only=True, limits=limits)
    if doc.kind == "html":
        return [], None  # a page still in HTML is for `clean`, not for a text fix
    return doc.removed, doc.metadata.get("over_removal")


def _findings(path: str, removed, over: dict | None, line: int | None = None) -> list[Finding]:
    found = [Finding(path, line or r.line, r.rule, r.category, r.text) for r in removed]
    if over:
        found.insert(0, Finding(path, line or 1, "over-removal", "guard",
                                f"the rules would remove {over['share']:.0%} of the words (limit {over['limit']:.0%}); "
                                "left as it is, check the rules"))
    return found


def without_lines(text: str, gone: set[int]) -> str:
    """`text` minus the lines in `gone` (1-based; lines end at \\r\\n, \\r or \\n, as the pipeline
    counts them), and the blank line each leaves doubled; every kept line keeps its own newline."""
    parts = _LINES.split(text)
    lines = [(parts[i], parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    kept: list[tuple[str, str]] = []
    dropped_last = False
    for number, (line, end) in enumerate(lines, 1):
        if number in gone:
            dropped_last = True
            continue
        if dropped_last and not line.strip() and (not kept or not kept[-1][0].strip()):
            continue  # the blank line around a removed block
        dropped_last = False
        kept.append((line, end))
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
        raise InputError(str(path), "a WARC archive; use `cleannews batch` for it")
    original = _read(path, limits.max_bytes)
    if kind == "jsonl":
        findings, errors, fixed = _check_jsonl(path, original.data, ruleset, fields, limits)
        if write and fixed != original.data:
            _replace(path, original, fixed)
        return findings, errors
    from cleannews.pipeline.decode import decode

    doc = decode(Document(source=str(path), data=original.data))
    if doc.kind == "html":
        raise InputError(str(path), "an HTML page; `check` and `fix` work on text, Markdown and JSONL")
    removed, over = _removals(doc.content, ruleset, str(path), None, limits)
    gone = {r.line for r in removed}
    if write and gone and not over:
        text, encoding = _lossless(path, original.data, doc.encoding or "utf-8")
        fixed = without_lines(text, gone).encode(encoding, errors="surrogateescape")
        if fixed != original.data:
            _replace(path, original, fixed)
    return _findings(str(path), removed, over), []


def _lossless(path: Path, data: bytes, encoding: str) -> tuple[str, str]:
    """The text of `data` in `encoding`, every byte kept (bytes invalid there as escapes); refused
    when the bytes would not come back the same."""
    try:
        text = data.decode(encoding, errors="surrogateescape")
        if text.encode(encoding, errors="surrogateescape") == data:
            return text, encoding
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
