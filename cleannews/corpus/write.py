"""Render a cleaned document (txt, json, md) and write files atomically."""
from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import lzma
import os
import tempfile
from pathlib import Path

from cleannews.document import Document

SUFFIX = {"txt": ".txt", "json": ".json", "md": ".md"}  # the output formats of a page, and their file suffixes
FORMATS = tuple(SUFFIX)  # the one list: --format, the `format` setting and render take these


# What the page says of itself, on every document (null where it does not say), so that a reader
# of a corpus can write `d["title"]` without guarding each key: trafilatura's fields for HTML
# (pipeline.extract.META_FIELDS), the headline of a text, the language.
PAGE_KEYS = ("title", "author", "date", "sitename", "url", "hostname", "description", "categories", "tags", "image",
             "pagetype", "paywall", "language")
# What marks a document a corpus user may want to filter out, counted in the batch summary: only
# present when raised (an `empty` document is counted on its own).
FLAGS = ("over_removal", "paywall", "invalid_bytes", "rule_errors")


def metadata(doc: Document) -> dict:
    """What the page is and what was removed from it, and why, every page key in the same place."""
    kept_chars = sum(len(b.text) for b in doc.kept)
    removed = doc.removed
    page = {key: doc.metadata.get(key) for key in PAGE_KEYS}
    meta = {"source": doc.source, **page, **{k: v for k, v in doc.metadata.items() if k not in page},
            "kind": doc.kind, "encoding": doc.encoding,
            "site_rules": doc.site_rules,
            "stats": {"blocks": len(doc.blocks), "kept_blocks": len(doc.kept),
                      "kept_chars": kept_chars, "removed_chars": sum(len(r.text) for r in removed)},
            "removed": [r.as_dict() for r in removed]}
    if not doc.kept:
        meta["empty"] = doc.metadata.get("empty") or empty_reason(doc)
    return meta


def empty_reason(doc: Document) -> str:
    """Why a document has no text: said in its metadata, never papered over with menu junk."""
    if not doc.content.strip():
        return "empty input"
    if not doc.blocks:
        return "no article text found in the page" if doc.kind == "html" else "no text in the input"
    categories = {r.category for r in doc.removed}
    if categories <= {"boilerplate", "title"}:
        return "no article: every block looked like page furniture"
    return "no article: every block was removed (" + ", ".join(sorted(categories)) + ")"


def json_text(value, indent: int | None = None) -> str:
    """JSON as UTF-8 text where it can be written so; with \\u escapes when a string holds a lone
    surrogate (a JSON `"\\ud800"`, a file name that is not UTF-8), which UTF-8 cannot hold."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, indent=indent)
    return text


def render(doc: Document, fmt: str) -> str:
    if fmt == "json":
        return json_text({"text": doc.text, **metadata(doc)}, indent=2) + "\n"
    if fmt == "md":
        title = doc.metadata.get("title")
        body = doc.markdown_body
        return f"# {title}\n\n{body}" if title else body
    return doc.text


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    with atomic_open(path) as fh:
        fh.write(text)


@contextlib.contextmanager
def atomic_open(path: Path, compression: str | None = None, mode: int | None = None, binary: bool = False,
                before_replace=None):
    """A text file that appears at `path` only once complete (temp file, fsync, rename).

    On any error, or Ctrl-C, the temp file goes and `path` is as it was.
    `compression` (gz, bz2, xz, zst) compresses what is written; `mode` is
    the new file's permission bits (default: what the umask leaves);
    `binary` yields a byte stream instead of text; `before_replace(temp
    path)` runs last and may raise to call the whole write off (`fix` checks
    there that the file did not change meanwhile).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            stream = _compressor(raw, compression)
            with (stream if binary else io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape",
                                                         newline="", write_through=True)) as fh:
                yield fh
                fh.flush()
                if stream is not raw:
                    stream.close()  # writes the compressed trailer; raw stays open for fsync
                raw.flush()
                os.fsync(raw.fileno())
        os.chmod(tmp, _default_mode() if mode is None else mode)
        if before_replace is not None:
            before_replace(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class _KeepOpen(io.RawIOBase):
    """Lets a compressor close without closing the file under it."""

    def __init__(self, raw):
        self.raw = raw

    def writable(self):
        return True

    def write(self, b):
        return self.raw.write(b)


def _compressor(raw, compression: str | None):
    if compression is None:
        return _KeepOpen(raw)
    if compression == "gz":
        return gzip.GzipFile(fileobj=_KeepOpen(raw), mode="wb", mtime=0)
    if compression == "bz2":
        return bz2.BZ2File(_KeepOpen(raw), mode="wb")
    if compression == "xz":
        return lzma.LZMAFile(_KeepOpen(raw), mode="wb")
    if compression == "zst":
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(_KeepOpen(raw), closefd=False)
    raise ValueError(f"unknown compression {compression!r}")
