"""Limits that keep one bad document from hanging or sinking a whole run.

Scraped input holds 200 MB "pages", HTML nested 100,000 levels deep and
patterns that backtrack forever; a batch over millions of pages must refuse
or cut those short, name them, and go on.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from dataclasses import dataclass

from cleannews.errors import InputError


FAVORS = ("precision", "balanced", "recall")  # what the block model favours when it is in doubt


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10_000_000  # news pages are rarely over 3 MB; past this it is not one page
    timeout: float = 60.0  # seconds per document (0: none); trafilatura takes ~30 ms on a usual page
    max_removed: float = 0.5  # share of a document's words the rules may remove before it is flagged
    favor: str = "balanced"  # the block model's threshold, one of FAVORS


class _Expired(BaseException):
    """A BaseException, so that no `except Exception` inside a library swallows it."""


@contextlib.contextmanager
def deadline(seconds: float, source: str):
    """Raise InputError naming `source` when the block takes longer than `seconds`.

    Uses SIGALRM, so it works in the main thread of a process (the CLI, and
    each batch worker); elsewhere it does nothing.
    """
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    armed = True

    def expire(signum, frame):
        if armed:
            raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    # the alarm repeats every 50 ms: an exception raised inside a finaliser or a C callback is
    # swallowed by Python ("unraisable"), the next one lands in ordinary code
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    except _Expired:
        armed = False
        raise InputError(source, f"took longer than --timeout ({seconds:g} s); skipped") from None
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
