"""Read inputs: one file, standard input, or every file under a folder."""
from __future__ import annotations

import errno
import gzip
import io
import os
import stat
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


def walk(root: Path, skip=None, fail=None):
    """Every regular file under `root`, sorted, hidden files and folders skipped.

    Symlinked folders are not followed (a link loop or a link to / must not
    turn a batch into a crawl of the machine).  A FIFO, socket or device is
    never opened (reading a FIFO blocks for ever): it goes to `skip(path,
    why)`, as do symlinked folders; a dangling link, a link loop or a folder
    that cannot be listed goes to `fail(path, why)`.  Both default to
    leaving the entry out."""
    skip = skip or (lambda path, why: None)
    fail = fail or (lambda path, why: None)

    def unlistable(exc: OSError) -> None:
        fail(Path(exc.filename), f"cannot read the folder: {exc.strerror or exc}")

    for folder, dirs, files in os.walk(root, onerror=unlistable):
        for name in [d for d in dirs if not d.startswith(".") and os.path.islink(os.path.join(folder, d))]:
            skip(Path(folder) / name, "a symlink to a folder (not followed)")
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            why = file_problem(path)
            if why is None:
                yield path
            elif why[0] == "skip":
                skip(path, why[1])
            else:
                fail(path, why[1])


def file_problem(path: Path) -> tuple[str, str] | None:
    """None for a regular file (or a link to one); else ("skip", why) for a special file, or
    ("fail", why) for an entry that cannot be read at all.  Never opens the file."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "fail", "a symlink loop; skipped"
        if os.path.islink(path):
            return "fail", "a symlink to nothing (dangling); skipped"
        return "fail", f"{exc.strerror or exc}; skipped"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "skip", "a folder"
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return "skip", f"{kind}, not a page (never opened)"
