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
              newline: str | None = None) -> tuple[list, str]:
    """The removals the rules make in `text`, and the text without their lines (joined by `newline`,
    by default the text's own)."""
    doc = clean_document(Document(source=source, data=text.encode("utf-8", "surrogatepass"), url=url),
                         ruleset, rules_only=True)
    if doc.kind == "html":
        return [], text  # a page still in HTML is for `clean`, not for a text fix
    gone = {r.line for r in doc.removed}
    if not gone:
        return [], text
    return doc.removed, _without_lines(text, gone, newline or ("\r\n" if "\r\n" in text else "\n"))


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


def check_path(path: Path, ruleset: Rules, fields: Fields, write: bool = False) -> list[Finding]:
    """The findings in one file (text, Markdown or JSONL); with `write`, the file is fixed in place."""
    kind = container(path)
    if kind == "warc":
        raise InputError(str(path), "a WARC archive; use `cleannews batch` for it")
    if kind == "jsonl":
        findings, fixed = _check_jsonl(path, ruleset, fields)
        if write and findings:
            _replace(path, "".join(fixed), encoding="utf-8")
        return findings
    doc = read_path(path)
    from cleannews.decode import decode

    decode(doc)
    if doc.kind == "html":
        raise InputError(str(path), "an HTML page; `check` and `fix` work on text, Markdown and JSONL")
    removed, fixed = scan_text(doc.content, ruleset, str(path), newline="\r\n" if b"\r\n" in doc.data else "\n")
    findings = [Finding(str(path), r.line, r.rule, r.category, r.text) for r in removed]
    if write and findings:
        _replace(path, fixed, encoding=doc.encoding or "utf-8")
    return findings


def _check_jsonl(path: Path, ruleset: Rules, fields: Fields):
    findings, out = [], []
    with open_binary(path) as fh:
        for number, line in jsonl_lines(fh, str(path)):
            record = parse_record(str(path), number, line)
            text = record.data.get(fields.text)
            if not isinstance(text, str):
                out.append(line + "\n")
                continue
            removed, fixed = scan_text(text, ruleset, f"{path}:{number}", record.data.get(fields.url))
            findings += [Finding(str(path), number, r.rule, r.category, r.text) for r in removed]
            out.append(json.dumps({**record.data, fields.text: fixed}, ensure_ascii=False) + "\n"
                       if removed else line + "\n")
    return findings, out


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
