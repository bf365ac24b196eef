"""Corpus containers: JSONL (plain or compressed) and WARC, streamed record by record.

Every reader yields as it goes and holds one record at a time, so a corpus
of any size streams in constant memory.  A container that breaks off
(a truncated .gz or .zst) yields what came before the break, then raises
InputError naming the input and where it broke.
"""
from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import zlib
from dataclasses import dataclass
from pathlib import Path

from cleannews.errors import InputError

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_MAGIC = [(b"\x1f\x8b", "gz"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (ZSTD_MAGIC, "zst")]
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
_BROKEN = (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


@dataclass
class Record:
    """One record of a corpus: where it stands, and the JSON object or the bytes of a page."""

    source: str
    line: int  # JSONL line or WARC record number, 1-based
    data: dict


def compression(head: bytes) -> str | None:
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def open_binary(path_or_file):
    """The bytes of a file (a path, or a buffered binary stream such as stdin), decompressed
    whatever its name says."""
    raw = open(path_or_file, "rb") if isinstance(path_or_file, (str, Path)) else path_or_file
    kind = compression(raw.peek(8)[:8]) if hasattr(raw, "peek") else None
    if kind == "gz":
        return gzip.GzipFile(fileobj=raw)
    if kind == "bz2":
        return bz2.BZ2File(raw)
    if kind == "xz":
        return lzma.LZMAFile(raw)
    if kind == "zst":
        return io.BufferedReader(_ZstdReader(raw))
    return raw


class _ZstdReader(io.RawIOBase):
    """Zstandard frames, one after another; a stream that ends inside a frame raises EOFError
    (zstandard's own stream reader reports such a truncated file as a clean end)."""

    def __init__(self, raw):
        import zstandard

        self.raw, self.zstd = raw, zstandard
        self.frame = zstandard.ZstdDecompressor().decompressobj()
        self.pending = b""
        self.started = False

    def readable(self):
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            chunk = self.raw.read(1 << 16)
            if not chunk:
                if self.started and not self.frame.eof:
                    raise EOFError("zstd data ends inside a frame (truncated file)")
                return 0
            self.pending = self._feed(chunk)
        n = min(len(buffer), len(self.pending))
        buffer[:n], self.pending = self.pending[:n], self.pending[n:]
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if self.frame.eof:  # the next frame of a multi-frame file
                self.frame = self.zstd.ZstdDecompressor().decompressobj()
            self.started = True
            try:
                out.append(self.frame.decompress(chunk))
            except self.zstd.ZstdError as exc:
                raise ValueError(f"broken zstd data: {exc}") from None
            chunk = self.frame.unused_data if self.frame.eof else b""
        return b"".join(out)

    def close(self):
        self.raw.close()
        super().close()


def container(path: Path) -> str:
    """warc, jsonl or page, from the first decompressed bytes."""
    try:
        with open_binary(path) as fh:
            head = fh.read(4096)
    except _BROKEN:
        # compressed data that breaks off at once: a gzipped page is read whole (and reported
        # broken there); other compressed files are corpora, whose reader reports the break
        with open(path, "rb") as fh:
            return "page" if compression(fh.read(8)) in (None, "gz") else "jsonl"
    if head.startswith(b"WARC/"):
        return "warc"
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
    if first.startswith(b"{"):
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "page"
        except ValueError:
            # a long first record runs past 4096 bytes; a page rarely starts with '{"'
            return "jsonl" if first.startswith(b'{"') else "page"
    return "page"


def jsonl_lines(fh, source: str):
    """(line number, text) for every non-empty line; a break in the stream is reported after the rest."""
    number = 0
    try:
        for number, raw in enumerate(fh, 1):
            line = raw.decode("utf-8", errors="replace").strip()
            if line:
                yield number, line
    except _BROKEN as exc:
        raise InputError(source, f"stream breaks off after line {number}: {exc or type(exc).__name__}") from None


def parse_record(source: str, number: int, line: str) -> Record:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise InputError(source, f"not valid JSON ({exc.msg} at column {exc.colno})", number) from None
    if not isinstance(data, dict):
        raise InputError(source, f"a JSON {type(data).__name__}, not an object", number)
    return Record(source, number, data)


def jsonl_records(path: Path, source: str | None = None):
    """Records of a JSONL corpus; a line that is not a JSON object comes as an InputError value."""
    source = source or str(path)
    with open_binary(path) as fh:
        for number, line in jsonl_lines(fh, source):
            try:
                yield parse_record(source, number, line)
            except InputError as exc:
                yield exc


def warc_records(path: Path, counts: dict):
    """HTML response records as Records {id, url, date, html bytes}; other records only counted."""
    from warcio.archiveiterator import ArchiveIterator

    source, number = str(path), 0
    with open(path, "rb") as fh:
        try:
            for record in ArchiveIterator(fh):
                number += 1
                ctype = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                html = record.rec_type == "response" and "html" in ctype.lower()
                payload = record.content_stream().read() if html else record.raw_stream.read()
                if getattr(record.raw_stream, "limit", 0):  # fewer bytes than its Content-Length
                    raise EOFError(f"record {number} is cut short")
                if not html:
                    counts["skipped"] = counts.get("skipped", 0) + 1
                    continue
                yield Record(source, number, {
                    "id": record.rec_headers.get_header("WARC-Record-ID"),
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "date": record.rec_headers.get_header("WARC-Date"),
                    "html": payload,
                })
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a broken archive
            raise InputError(source, f"WARC breaks off after record {number - 1}: {exc or type(exc).__name__}") from None
