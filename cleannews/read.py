"""Read inputs: one file, standard input, or every file under a folder."""
from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from pathlib import Path

from cleannews.document import Document
from cleannews.errors import InputError
from cleannews.limits import Limits

MAX_BYTES = Limits.max_bytes


def read_path(path: str | Path, url: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """A Document holding the raw bytes of `path` ("-" is standard input)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        source = "<stdin>"
    else:
        source = str(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except IsADirectoryError:
            raise InputError(source, "is a folder (use `cleannews batch` for folders)") from None
        except OSError as exc:
            raise InputError(source, exc.strerror or str(exc)) from None
    if data[:2] == b"\x1f\x8b":  # pages are often stored gzipped, whatever their name says
        data = _gunzip(source, data, max_bytes)
    if len(data) > max_bytes:
        raise InputError(source, f"larger than --max-bytes ({max_bytes:,} bytes); skipped")
    return Document(source=source, data=data, url=url)


def _gunzip(source: str, data: bytes, max_bytes: int) -> bytes:
    try:
        return gzip.GzipFile(fileobj=io.BytesIO(data)).read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(source, f"broken gzip data: {exc}") from None


def walk(root: Path):
    """Every regular file under `root`, sorted, hidden files and folders skipped.

    Symlinked folders are not followed (a link loop or a link to / must not
    turn a batch into a crawl of the machine)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
