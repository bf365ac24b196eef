"""What a batch tells the person running it: a progress bar on a terminal, a summary at the end.

Both go to stderr; the progress bar only when stderr is a terminal, so logs
and pipes get the summary alone.
"""
from __future__ import annotations

import contextlib
import sys


def _console():
    from rich.console import Console

    return Console(stderr=True)


class Silent:
    def total(self, n: int | None, unit: str = "pages") -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


class _Bar:
    """Pages when only pages are cleaned (their count is known); else bytes of input read, since
    the number of records in a corpus is unknown until it is read."""

    def __init__(self, progress):
        self.progress = progress
        self.task = progress.add_task("pages", total=None, rate="", done="", eta="")
        self.unit = "pages"
        self.steps = 0

    def total(self, n: int | None, unit: str = "pages") -> None:
        self.unit = unit
        self.progress.update(self.task, total=n)

    def advance(self, n: int = 1) -> None:
        self.progress.advance(self.task, n)
        self.steps += 1
        task = self.progress.tasks[0]
        done, total, elapsed = task.completed, task.total, task.elapsed or 0.0
        if self.unit == "bytes":
            shown = f"{_size(done)}/{_size(total or 0)}"
            rate = f"{_size(done / elapsed)}/s" if elapsed else ""
        else:
            shown = f"{done:,.0f}/{total:,.0f}" if total else f"{done:,.0f}"
            rate = f"{done / elapsed:.0f} pages/s" if elapsed else ""
        self.progress.update(self.task, rate=rate, done=shown, eta=eta(done, total, elapsed, self.steps))


MIN_SECONDS, MIN_STEPS = 3.0, 3  # an ETA before this would rest on the start-up and the first burst


def eta(done: float, total: float | None, elapsed: float, steps: int) -> str:
    """"ETA h:mm:ss" at the average rate so far; nothing until enough time and results have passed
    for a rate to mean something: the first results come in a burst (every worker finishes its
    first chunk at once), and a rate read from it promised the end of 121 pages in a second."""
    if not total or not done or elapsed < MIN_SECONDS or steps < MIN_STEPS:
        return ""
    left = round(max(0.0, total - done) * elapsed / done)
    return f"ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}"


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


@contextlib.contextmanager
def progress_bar(enabled: bool | None = None):
    """Yield an object told the total (when known) and each finished page (or bytes read)."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield Silent()
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("cleaning"), BarColumn(), TextColumn("{task.fields[done]}"),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("{task.fields[eta]}")]
    with Progress(*columns, console=_console(), transient=True) as progress:
        yield _Bar(progress)


def print_summary(summary, output, top: int = 5, terminal: bool | None = None) -> None:
    """The summary table, then one line.  On a terminal, a table that fits it; else (a log file,
    a pipe) plain lines, as long as they need to be and no longer: no padding to a width, no row
    broken in two."""
    title = f"cleannews batch → {output}"
    rows = summary_rows(summary, output, top)
    if terminal is None:
        terminal = sys.stderr.isatty()
    if terminal:
        from rich.table import Table

        table = Table(title=title, show_header=False, box=None, padding=(0, 2))
        for label, value in rows:
            table.add_row(label, value)
        console = _console()
        console.print(table)
        console.print(summary_line(summary), highlight=False)
        return
    width = max(len(label) for label, _ in rows)
    lines = [title, *(f"  {label:<{width}}  {value}" for label, value in rows), summary_line(summary)]
    sys.stderr.write("".join(line.rstrip() + "\n" for line in lines))
    sys.stderr.flush()


# What each flag in a document's metadata means, for the summary's reader.
FLAG_MEANINGS = {"over_removal": "rules removed too much", "paywall": "behind a paywall",
                 "invalid_bytes": "bytes that were no UTF-8 replaced", "rule_errors": "a rule ran over its time limit"}


def summary_rows(summary, output, top: int = 5) -> list[tuple[str, str]]:
    rows = [("pages", f"{summary.pages:,}"), ("kept characters", f"{summary.kept_chars:,}"),
            ("removed characters", f"{summary.removed_chars:,}"), ("pages with nothing left", f"{summary.empty:,}")]
    if summary.again:
        rows.append(("cleannews output, rules only", f"{counted(summary.again, 'page')} (cleaned_before in their "
                                                     "metadata: the first pass's judgement stands)"))
    for flag, n in sorted(summary.flags.items()):
        rows.append((f"flagged: {FLAG_MEANINGS.get(flag, flag)}", f"{counted(n, 'page')} ({flag} in their metadata)"))
    rows.append(("errors", f"{summary.errors:,}" + (f" (see {output}/errors.jsonl)" if summary.errors else "")))
    if summary.resumed:
        rows.append(("already complete (--resume)", f"{summary.resumed:,}"))
    if summary.skipped:
        rows.append(("WARC records skipped (not HTML)", f"{summary.skipped:,}"))
    if summary.skipped_files:
        kinds = ", ".join(counted_kind(n, what) for what, n in summary.skipped_files.most_common())
        rows.append(("files skipped (not pages)", f"{sum(summary.skipped_files.values()):,} ({kinds})"))
    for label, counter in (("top categories", summary.categories), ("top rules", summary.rules)):
        if counter:
            rows.append((label, ", ".join(f"{name} {chars:,}" for name, chars in counter.most_common(top))))
    return rows


def summary_line(summary) -> str:
    """The last line, which scripts and tests read: pages, errors, flags, files skipped."""
    parts = [f"{counted(summary.pages, 'page')} cleaned", counted(summary.errors, "error")]
    parts += [f"{counted(n, 'page')} flagged {flag}" for flag, n in sorted(summary.flags.items())]
    skipped = sum(summary.skipped_files.values())
    if skipped:
        parts.append(f"{counted(skipped, 'file')} skipped (not pages)")
    return "cleannews: " + ", ".join(parts)


def counted(n: int, noun: str) -> str:
    """"1 page", "2 pages", "0 errors"."""
    return f"{n} {noun if n == 1 else _plural(noun)}"


def counted_kind(n: int, what: str) -> str:
    """How many files of a kind that filetype names with its article: "1 PNG image", "3 PNG images",
    "2 symlinks to a folder"; a kind without an article is a mass noun ("2 JavaScript")."""
    article, _, noun = what.partition(" ")
    if article not in ("a", "an"):
        return f"{n} {what}"
    cut = min([i for i in (noun.find(" of "), noun.find(" to "), noun.find(" (")) if i >= 0] or [len(noun)])
    return f"{n} {noun if n == 1 else _plural(noun[:cut]) + noun[cut:]}"


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "x", "sh", "ch")) else "s")
