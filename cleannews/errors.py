"""Errors that end in a one-line message naming the input, never a traceback.

Exit codes follow black and codespell: 0 ok, 1 boilerplate found or some
inputs failed, 2 usage error (click), 78 configuration or rule error
(sysexits EX_CONFIG), 123 internal error, 130 interrupted, 143 terminated.
Commands raise these errors; one place (cleannews.cli) turns each into its
line on stderr and its exit code, so every command fails the same way.
"""

import re

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2
EXIT_CONFIG = 78
EXIT_INTERNAL = 123
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` safe for a terminal and one line long: control characters (ESC above all, newlines
    in a file name) as escapes, as git quotes file names, so no input can drive the terminal or
    split a one-line message."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class CleannewsError(Exception):
    exit_code = EXIT_FOUND


class Failure(CleannewsError):
    """A command that cannot go on, with its whole message and exit code (an output that cannot be
    written, an input of the wrong kind): raised where it is found, reported by cleannews.cli."""

    def __init__(self, message: str, exit_code: int = EXIT_FOUND):
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self):
        return type(self), (str(self), self.exit_code)


class InternalError(CleannewsError):
    """A bug met while cleaning `source`: reported with the input it was on, so that it can be
    reproduced, exit 123."""

    exit_code = EXIT_INTERNAL

    def __init__(self, source: str, exc: BaseException):
        super().__init__(f"{source}: internal error: {type(exc).__name__}: {exc}")


class RefusedError(CleannewsError):
    """The command cannot run as given (an output folder inside an input, a link where cleannews
    would write): said before anything is read or written, exit 2 as for a usage error."""

    exit_code = EXIT_USAGE


class InputError(CleannewsError):
    """One input cannot be cleaned; a batch reports it and goes on."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        super().__init__(f"{source}:{line}: {reason}" if line else f"{source}: {reason}")
        self.source = source
        self.reason = reason
        self.line = line

    def as_dict(self) -> dict:
        """The line of errors.jsonl that reports it."""
        where = {"path": self.source, "line": self.line} if self.line else {"path": self.source}
        return {**where, "error": str(self)}

    def __reduce__(self):  # crosses process boundaries in batch
        return type(self), (self.source, self.reason, self.line)


class RuleError(CleannewsError):
    """A rule file is wrong: raised before any document is touched."""

    exit_code = EXIT_CONFIG

    def __init__(self, path, line: int | None, rule_id: str | None, reason: str):
        where = f"{path}:{line}" if line else str(path)
        who = f" rule {rule_id!r}:" if rule_id else ""
        super().__init__(f"{where}:{who} {reason}")
        self.args_ = (path, line, rule_id, reason)

    def __reduce__(self):
        return type(self), self.args_
