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
    def total(self, n: int | None) -> None:
        pass

    def advance(self) -> None:
        pass


class _Bar:
    def __init__(self, progress):
        self.progress = progress
        self.task = progress.add_task("pages", total=None, rate="0")

    def total(self, n: int | None) -> None:
        self.progress.update(self.task, total=n)

    def advance(self) -> None:
        self.progress.advance(self.task)
        task = self.progress.tasks[0]
        if task.elapsed:
            self.progress.update(self.task, rate=f"{task.completed / task.elapsed:.0f}")


@contextlib.contextmanager
def progress_bar(enabled: bool | None = None):
    """Yield an object told the total (when known) and each finished page."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield Silent()
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    columns = [SpinnerColumn(), TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]} pages/s"), TimeElapsedColumn(), TextColumn("ETA"),
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
    for label, counter in (("top categories", summary.categories), ("top rules", summary.rules)):
        if counter:
            table.add_row(label, ", ".join(f"{name} {chars:,}" for name, chars in counter.most_common(top)))
    console.print(table)
    console.print(f"cleannews: {summary.pages} pages cleaned, {summary.errors} errors", highlight=False)
