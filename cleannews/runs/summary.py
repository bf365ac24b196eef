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
        self.task = progress.add_task("pages", total=None, rate="", done="")
        self.unit = "pages"

    def total(self, n: int | None, unit: str = "pages") -> None:
        self.unit = unit
        self.progress.update(self.task, total=n)

    def advance(self, n: int = 1) -> None:
        self.progress.advance(self.task, n)
        task = self.progress.tasks[0]
        if self.unit == "bytes":
            done = f"{_size(task.completed)}/{_size(task.total or 0)}"
            rate = f"{_size(task.completed / task.elapsed)}/s" if task.elapsed else ""
        else:
            done = f"{task.completed:,.0f}/{task.total:,.0f}" if task.total else f"{task.completed:,.0f}"
            rate = f"{task.completed / task.elapsed:.0f} pages/s" if task.elapsed else ""
        self.progress.update(self.task, rate=rate, done=done)


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
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = [SpinnerColumn(), TextColumn("cleaning"), BarColumn(), TextColumn("{task.fields[done]}"),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn()]
    with Progress(*columns, console=_console(), transient=True) as progress:
        yield _Bar(progress)


def print_summary(summary, output, top: int = 5) -> None:
    from rich.table import Table

    console = _console()
    table = Table(title=f"cleannews batch → {output}", show_header=False, box=None, padding=(0, 2))
    table.add_row("pages", f"{summary.pages:,}")
    table.add_row("kept characters", f"{summary.kept_chars:,}")
    table.add_row("removed characters", f"{summary.removed_chars:,}")
    table.add_row("pages with nothing left", f"{summary.empty:,}")
    if summary.over_removal:
        table.add_row("flagged: rules removed too much", f"{summary.over_removal:,} (over_removal in their metadata)")
    table.add_row("errors", f"{summary.errors:,}" + (f" (see {output}/errors.jsonl)" if summary.errors else ""))
    if summary.resumed:
        table.add_row("already complete (--resume)", f"{summary.resumed:,}")
    if summary.skipped:
        table.add_row("WARC records skipped (not HTML)", f"{summary.skipped:,}")
    if summary.skipped_files:
        kinds = ", ".join(f"{n:,} {what}" for what, n in summary.skipped_files.most_common())
        table.add_row("files skipped (not pages)", f"{sum(summary.skipped_files.values()):,} ({kinds})")
    for label, counter in (("top categories", summary.categories), ("top rules", summary.rules)):
        if counter:
            table.add_row(label, ", ".join(f"{name} {chars:,}" for name, chars in counter.most_common(top)))
    console.print(table)
    skipped = sum(summary.skipped_files.values())
    console.print(f"cleannews: {summary.pages} pages cleaned, {summary.errors} errors"
                  + (f", {skipped} files skipped (not pages)" if skipped else ""), highlight=False)
