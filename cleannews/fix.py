"""`check` and `fix`: boilerplate in text kept in a corpus, found and removed in place.

Only the rule sets apply here (no classifier, no headline): a hook must be
sure of what it reports.  A fix deletes the lines of the removed blocks and
leaves every other byte as it was, so fixing a fixed file changes nothing.
"""
from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cleannews.corpus import Fields
from cleannews.document import Document
from cleannews.errors import InputError
from cleannews.limits import Limits
from cleannews.pipeline import clean_document
from cleannews.read import read_path
from cleannews.ruleset import Rules
from cleannews.streams import container, jsonl_lines, open_binary, parse_record
from cleannews.write import atomic_open


@dataclass
class Finding:
    path: str
    line: int
    rule: str
    category: str
    text: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"{self.path}:{self.line}: {self.rule} [{self.category}] {text}"


def scan_text(text: str, ruleset: Rules, source: str, url: str | None = None,
              newline: str | None = None, limits: Limits = Limits()) -> tuple[list, str, dict | None]:
    """The removals the rules make in `text`, the text without their lines (joined by `newline`,
    by default the text's own), and the over-removal flag when the rules would gut the text
    (then the text is left as it is: a fix must never destroy an article)."""
    doc = clean_document(Document(source=source, data=text.encode("utf-8", "surrogatepass"), url=url),
                         ruleset, rules_only=True, limits=limits)
    if doc.kind == "html":
        return [], text, None  # a page still in HTML is for `clean`, not for a text fix
    gone = {r.line for r in doc.removed}
    over = doc.metadata.get("over_removal")
    if not gone or over:
        return doc.removed, text, over
    return doc.removed, _without_lines(text, gone, newline or ("\r\n" if "\r\n" in text else "\n")), None


def _findings(path: str, removed, over: dict | None, line: int | None = None) -> list[Finding]:
    found = [Finding(path, line or r.line, r.rule, r.category, r.text) for r in removed]
    if over:
        found.insert(0, Finding(path, line or 1, "over-removal", "guard",
                                f"the rules would remove {over['share']:.0%} of the words (limit {over['limit']:.0%}); "
                                "left as it is, check the rules"))
    return found


def _without_lines(text: str, gone: set[int], newline: str) -> str:
    """`text` minus the lines in `gone` (1-based), and the blank line each leaves doubled."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    dropped_last = False
    for number, line in enumerate(lines, 1):
        if number in gone:
            dropped_last = True
            continue
        if dropped_last and not line.strip() and (not kept or not kept[-1].strip()):
            continue  # the blank line around a removed block
        dropped_last = False
        kept.append(line)
    return newline.join(kept)


def check_path(path: Path, ruleset: Rules, fields: Fields, write: bool = False,
               limits: Limits = Limits()) -> list[Finding]:
    """The findings in one file (text, Markdown or JSONL); with `write`, the file is fixed in place."""
    kind = container(path)
    if kind == "warc":
        raise InputError(str(path), "a WARC archive; use `cleannews batch` for it")
    if kind == "jsonl":
        findings, fixed, changed = _check_jsonl(path, ruleset, fields, limits)
        if write and changed:
            _replace(path, "".join(fixed), encoding="utf-8")
        return findings
    doc = read_path(path, max_bytes=limits.max_bytes)
    from cleannews.decode import decode

    decode(doc)
    if doc.kind == "html":
        raise InputError(str(path), "an HTML page; `check` and `fix` work on text, Markdown and JSONL")
    removed, fixed, over = scan_text(doc.content, ruleset, str(path), limits=limits,
                                     newline="\r\n" if b"\r\n" in doc.data else "\n")
    if write and fixed != doc.content:
        _replace(path, fixed, encoding=doc.encoding or "utf-8")
    return _findings(str(path), removed, over)


def _check_jsonl(path: Path, ruleset: Rules, fields: Fields, limits: Limits):
    """Findings, the lines of the fixed file, and whether any record changed.

    A line that is not a JSON object is kept as it is and reported."""
    findings, out, changed = [], [], False
    with open_binary(path) as fh:
        for number, line in jsonl_lines(fh, str(path)):
            try:
                record = parse_record(str(path), number, line)
            except InputError as exc:
                findings.append(Finding(str(path), number, "invalid-record", "error", exc.reason))
                out.append(line + "\n")
                continue
            text = record.data.get(fields.text)
            if not isinstance(text, str):
                out.append(line + "\n")
                continue
            removed, fixed, over = scan_text(text, ruleset, f"{path}:{number}", record.data.get(fields.url),
                                             limits=limits)
            findings += _findings(str(path), removed, over, line=number)
            if fixed != text:
                changed = True
                out.append(json.dumps({**record.data, fields.text: fixed}, ensure_ascii=False) + "\n")
            else:
                out.append(line + "\n")
    return findings, out, changed


def _replace(path: Path, text: str, encoding: str) -> None:
    """Rewrite `path` atomically, keeping its permissions; a read-only file is refused, untouched."""
    if not os.access(path, os.W_OK):
        raise InputError(str(path), "read-only; left untouched")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    try:
        data = text.encode(encoding, errors="surrogateescape")
    except (UnicodeEncodeError, LookupError):
        data = text.encode("utf-8")
    try:
        with atomic_open(path, mode=mode, binary=True) as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError(str(path), f"cannot write ({exc.strerror or exc}); left untouched") from None
