"""Corpus containers: JSONL (plain or compressed) and WARC, streamed record by record.

Every reader yields as it goes and holds one record at a time, so a corpus
of any size streams in constant memory.  A container that breaks off
(a truncated .gz or .zst) yields what came before the break, then raises
InputError naming the input and where it broke.
"""
from __future__ import annotations

import bz2
import io
import json
import lzma
import re
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
    invalid_bytes: dict | None = None  # bytes of the line that were no UTF-8: {"count", "fields"}


def compression(head: bytes) -> str | None:
    return next((name for magic, name in _MAGIC if head.startswith(magic)), None)


def open_binary(path_or_file):
    """The bytes of a file (a path, or a buffered binary stream such as stdin), decompressed
    whatever its name says.  gzip members and zstd frames are read one after another, and a
    broken one is stepped over to the next (see _Frames)."""
    raw = open(path_or_file, "rb") if isinstance(path_or_file, (str, Path)) else path_or_file
    kind = compression(raw.peek(8)[:8]) if hasattr(raw, "peek") else None
    if kind == "gz":
        return io.BufferedReader(_Frames(raw, "gz"))
    if kind == "bz2":
        return bz2.BZ2File(raw)
    if kind == "xz":
        return lzma.LZMAFile(raw)
    if kind == "zst":
        return io.BufferedReader(_Frames(raw, "zst"))
    return raw


BROKEN_MARK = b"\x00cleannews-broken:"  # a NUL byte, which no JSONL text line holds


class _Frames(io.RawIOBase):
    """gzip members or zstandard frames, one after another, decompressed.

    A frame whose data is broken ends in a mark line (BROKEN_MARK and the
    reason, which jsonl_lines reports as an error of its own) and reading
    goes on at the next frame header found after it: a corpus written in
    frames (zstd's streaming writers flush, `cat a.gz b.gz`) keeps every
    frame that is whole.  A stream that ends inside a frame raises EOFError
    after what came before (zstandard's own reader reports a truncated file
    as a clean end)."""

    def __init__(self, raw, kind: str):
        self.raw, self.kind = raw, kind
        self.magic = ZSTD_MAGIC if kind == "zst" else b"\x1f\x8b\x08"
        self.frame = None  # the decompressor of the frame being read
        self.pending, self.at = b"", 0  # decompressed bytes not handed out yet start at `at`
        self.seeking = False  # after a broken frame: looking for the next header
        self.tail = b""  # the last bytes looked at while seeking (a header split between reads)
        self.last = b""  # the last byte handed out (a mark line must start a line)

    def _new(self):
        if self.kind == "zst":
            import zstandard

            return zstandard.ZstdDecompressor().decompressobj()
        return zlib.decompressobj(wbits=31)

    def readable(self):
        return True

    def readinto(self, buffer) -> int:
        while self.at >= len(self.pending):
            chunk = self.raw.read(1 << 16)
            if not chunk:
                if self.frame is not None and not self.frame.eof and not self.seeking:
                    raise EOFError(f"{self.kind} data ends inside a frame (truncated file)")
                return 0
            self.pending, self.at = self._feed(chunk), 0
        n = min(len(buffer), len(self.pending) - self.at)
        buffer[:n] = self.pending[self.at:self.at + n]  # an offset, not a slice of the rest: 64 kB
        self.at += n                                      # of 'x' can decompress to megabytes
        return n

    def _feed(self, chunk: bytes) -> bytes:
        out = []
        while chunk:
            if self.seeking:
                data = self.tail + chunk
                at = data.find(self.magic)
                if at < 0:
                    self.tail = data[-(len(self.magic) - 1):]
                    break
                chunk, self.seeking, self.tail = data[at:], False, b""
            if self.frame is None or self.frame.eof:
                if self.frame is not None and not chunk.strip(b"\x00"):
                    break  # zero padding after the last frame, as tar and dd leave
                self.frame = self._new()
            try:
                out.append(self.frame.decompress(chunk))
            except Exception as exc:  # noqa: BLE001 - zlib.error, zstandard.ZstdError
                reason = str(exc).replace("\n", " ") or type(exc).__name__
                ended = b"".join(out)[-1:] or self.last
                out.append((b"" if ended in (b"", b"\n") else b"\n") + BROKEN_MARK
                           + f"broken {self.kind} data ({reason})".encode() + b"\n")
                self.frame, self.seeking, self.tail, chunk = None, True, b"", chunk[1:]
                continue
            chunk = self.frame.unused_data if self.frame.eof else b""
        data = b"".join(out)
        self.last = data[-1:] or self.last
        return data

    def close(self):
        self.raw.close()
        super().close()


def container(path: Path) -> str:
    """warc, jsonl or page, from the first decompressed bytes."""
    return classify(path)[0]


def classify(path: Path, skip: bool = False) -> tuple[str, str | None]:
    """(warc, jsonl or page, None) from the first decompressed bytes; with `skip`, ("skip", why)
    for a file that is no page at all (an image, CSS, a font, a JSON document: see filetype)."""
    try:
        with open_binary(path) as fh:
            head = fh.read(4096)
        if head.lstrip(b"\n").startswith(BROKEN_MARK):
            raise ValueError("broken at once")
    except _BROKEN:
        # compressed data that breaks off at once: a gzipped page is read whole (and reported
        # broken there); other compressed files are corpora, whose reader reports the break
        with open(path, "rb") as fh:
            return ("page" if compression(fh.read(8)) in (None, "gz") else "jsonl"), None
    if head.startswith(b"WARC/"):
        return "warc", None
    if _jsonl(head):
        return "jsonl", None
    if skip:
        from cleannews.corpus.filetype import not_a_page

        def whole() -> bytes:
            with open_binary(path) as fh:
                return fh.read(50_000_000)
        why = not_a_page(head, whole)
        if why:
            return "skip", why
    return "page", None


def _jsonl(head: bytes) -> bool:
    """Whether the first line is a JSON object, whatever bytes its strings hold: an invalid byte
    in a record is that record's flaw (see parse_record), never a reason to read a corpus as
    one page."""
    first, newline = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip(), b"\n" in head
    if not first.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(first.decode("utf-8", errors="replace")), dict)
    except ValueError:
        # a long first record runs past 4096 bytes; a page rarely starts with '{"'
        return bool(_OBJECT_START.match(first)) and (len(first) >= 4000 or not newline)


_OBJECT_START = re.compile(rb'\{\s*"')
_MISSING = object()
_UNDECODED = re.compile("[\udc80-\udcff]")  # a byte that was no UTF-8, as surrogateescape keeps it


def jsonl_lines(fh, source: str, max_bytes: int | None = None):
    """(line number, text) for every non-empty line, in bounded memory.

    A line longer than `max_bytes` comes as an InputError value in place of
    its text (read past in pieces, never held whole), and the lines after it
    follow; a break in the stream is raised after the lines before it."""
    for number, raw in raw_lines(fh, source, max_bytes):
        if raw is None:
            yield number, InputError(source, f"record larger than --max-bytes ({max_bytes:,} bytes); skipped", number)
            continue
        if BROKEN_MARK in raw:
            why = raw.split(BROKEN_MARK, 1)[1].decode("utf-8", "replace").strip()
            yield number, InputError(source, f"{why} after line {number - 1}; reading goes on at the next "
                                             "frame, the lines between are lost", number)
            continue
        line = raw.decode("utf-8", errors="surrogateescape").strip()  # parse_record replaces and flags them
        if line:
            yield number, line


def raw_lines(fh, source: str, max_bytes: int | None = None):
    """(line number, bytes with their newline) for every line; None for a line over `max_bytes`."""
    number = 0
    piece = 1 << 20
    try:
        while True:
            raw = fh.readline() if max_bytes is None else fh.readline(max_bytes + 2)
            if not raw:
                return
            number += 1
            if max_bytes is not None and len(raw.rstrip(b"\r\n")) > max_bytes:
                while raw and not raw.endswith(b"\n"):  # the rest of the line, a piece at a time
                    raw = fh.readline(piece)
                yield number, None
                continue
            yield number, raw
    except _BROKEN as exc:
        raise InputError(source, f"stream breaks off after line {number}: {exc or type(exc).__name__}") from None


def parse_record(source: str, number: int, line: str) -> Record:
    """The record on one line.  Bytes that were no UTF-8 (kept by jsonl_lines as surrogateescape
    characters) become U+FFFD, and the record says how many and in which fields: one bad byte
    costs that byte, not the record."""
    bad = len(_UNDECODED.findall(line))
    try:
        data = json.loads(_UNDECODED.sub("\ufffd", line) if bad else line)
    except ValueError as exc:
        raise InputError(source, f"not valid JSON ({exc.msg} at column {exc.colno})", number) from None
    if not isinstance(data, dict):
        raise InputError(source, f"a JSON {type(data).__name__}, not an object", number)
    if not bad:
        return Record(source, number, data)
    as_read = json.loads(line)  # the same record with the bytes as they were: the fields that differ hold them
    fields = [key for key, value in data.items() if as_read.get(key, _MISSING) != value]
    return Record(source, number, data, {"count": bad, "fields": fields})


def jsonl_records(path: Path, source: str | None = None, max_bytes: int | None = None):
    """Records of a JSONL corpus; a line that is not a JSON object (or is too long) comes as an
    InputError value."""
    source = source or str(path)
    with open_binary(path) as fh:
        for number, line in jsonl_lines(fh, source, max_bytes):
            if isinstance(line, InputError):
                yield line
                continue
            try:
                yield parse_record(source, number, line)
            except InputError as exc:
                yield exc


def warc_records(path: Path, counts: dict):
    """HTML response records as Records {id, url, date, html bytes}; other records only counted.

    A damaged record (bytes missing, so it is not followed by the end of a
    record, or its data breaks off) comes as an InputError value, and
    reading goes on at the next record header found after it: one bad spot
    costs one record, not the rest of the archive.  warcio's own warnings
    are kept off stderr; what happened is said in the InputError.
    """
    source, number, start, ends = str(path), 0, 0, 0
    with open(path, "rb") as fh:
        markers = (b"\x1f\x8b\x08",) if fh.read(2) == b"\x1f\x8b" else _WARC_HEADER
        resyncing = False
        while True:
            fh.seek(start)
            damage, resync, seen = None, None, False
            try:
                for record, damage in _warc_iter(fh):
                    seen = True
                    number += 1
                    if damage:
                        resync = record
                        break
                    counts["offset"] = fh.tell()
                    if not record["html"]:
                        counts["skipped"] = counts.get("skipped", 0) + 1
                    else:
                        yield Record(source, number, record["data"])
                    ends = record["end"]
            except _WarcBroken as exc:
                if seen or not resyncing:  # a false header met while looking for the next is no record
                    number += 1
                    damage, resync = str(exc), exc.offset
                else:
                    resync = start
            if resync is None:
                return
            resyncing = True
            start = _next_warc_header(fh, max(resync, ends) + 1, markers)
            if damage and start is None:
                yield InputError(source, f"WARC breaks off in record {number} ({damage}); the records before it "
                                         "are kept", number)
            elif damage:
                yield InputError(source, f"WARC record {number} is damaged ({damage}); skipped, the records "
                                         "after it are read", number)
            if start is None:
                return


class _WarcBroken(Exception):
    def __init__(self, reason: str, offset: int):
        super().__init__(reason)
        self.offset = offset


def _warc_iter(fh):
    """(record summary, None) for each whole record from where `fh` stands; (offset, reason) for a
    damaged one, after which the caller looks for the next header."""
    import contextlib

    from warcio.archiveiterator import ArchiveIterator

    base = fh.tell()
    noise = io.StringIO()
    with contextlib.redirect_stderr(noise):
        iterator = ArchiveIterator(fh)
    offset = base
    while True:
        try:
            with contextlib.redirect_stderr(noise):
                record = next(iterator, None)
                if record is None:
                    return
                ctype = record.http_headers.get_header("Content-Type", "") if record.http_headers else ""
                html = record.rec_type == "response" and "html" in ctype.lower()
                payload = record.content_stream().read() if html else record.raw_stream.read()
                short = getattr(record.raw_stream, "limit", 0)
                errors = iterator.err_count
                iterator.read_to_end()
                offset = iterator.get_record_offset()
                end = offset + iterator.get_record_length()
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on a broken archive
            raise _WarcBroken(_brief(exc), offset) from None
        if short:
            yield offset, "its data ends before its Content-Length"
            return
        if iterator.err_count > errors:
            yield offset, "not followed by the end of a record: bytes missing or a wrong Content-Length"
            return
        yield {"html": html, "end": end, "data": {
            "id": record.rec_headers.get_header("WARC-Record-ID"),
            "url": record.rec_headers.get_header("WARC-Target-URI"),
            "date": record.rec_headers.get_header("WARC-Date"),
            "html": payload,
        }}, None


def _brief(exc: Exception) -> str:
    """warcio's message without the raw bytes it quotes (a gzip header, binary noise)."""
    text = (str(exc) or type(exc).__name__).split(", first line:")[0].split("\n")[0]
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 80 else text[:77] + "..."


_WARC_HEADER = (b"WARC/1.0\r\n", b"WARC/1.1\r\n")


def _next_warc_header(fh, start: int, markers) -> int | None:
    """The offset of the next of `markers` (a WARC version line, or a gzip member) from `start`."""
    window, keep = 1 << 20, 16
    fh.seek(start)
    pos, tail = start, b""
    while True:
        block = fh.read(window)
        if not block:
            return None
        data = tail + block
        hits = [i for i in (data.find(marker) for marker in markers) if i >= 0]
        if hits:
            return pos - len(tail) + min(hits)
        tail = data[-keep:]
        pos += len(block)
