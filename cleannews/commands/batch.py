"""`cleannews batch`: pages, JSONL corpora and WARC files into a mirrored tree of outputs."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import click

from cleannews.commands.common import (
    FORMAT,
    SITE,
    field_options,
    global_flag,
    favor_option,
    limit_options,
    limits,
    load,
    notice,
    output_format,
    rule_options,
)
from cleannews.errors import EXIT_INTERRUPTED, EXIT_TERMINATED, Failure, printable

EPILOG = """\b
Examples:
  cleannews batch scraped/ -o clean/
  cleannews batch corpus.jsonl.zst crawl.warc.gz -o clean/ -j 8
  cleannews batch scraped/ -o clean/ --resume      # after a crash or Ctrl-C
"""


@click.command(epilog=EPILOG)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@FORMAT
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores). The output is the same whatever the number.")
@click.option("--resume", is_flag=True, help="Skip inputs whose output is already complete.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only files whose path (relative to its source) or name matches (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Leave out files whose path (relative to its source) or name matches (repeatable).")
@click.option("--report", type=click.Choice(["full", "summary", "none"]), default="summary", show_default=True,
              help="Metadata in each JSONL record's `cleannews` field: full (every removed block's text), "
                   "summary (stats, flags, characters removed per category), none.")
@click.option("--drop-failed", is_flag=True,
              help="Leave a record that fails out of the output corpus (default: kept, text unchanged, the "
                   "error in its `cleannews` field).")
@SITE
@field_options
@limit_options
@favor_option
@rule_options
def batch(sources, output, fmt, jobs, resume, include, exclude, report, drop_failed, site, text_field, html_field,
          url_field, id_field, max_bytes, timeout, max_removed, favor, extra_rules, no_builtin_rules, disable):
    """Clean every page, JSONL corpus and WARC file under SOURCES into OUTPUT.

    Pages: SRC/a/b.html becomes OUTPUT/a/b.txt with OUTPUT/a/b.meta.json
    beside it (txt, md; json holds both).  JSONL corpora (also .gz, .bz2,
    .xz, .zst) keep their names, each record with its text field cleaned and
    a `cleannews` metadata field added.  WARC files become JSONL records of
    their HTML responses.  Files that are no page (images, CSS, scripts,
    fonts, JSON documents, FIFOs: told from the bytes) are skipped and
    counted.  Bad inputs go to OUTPUT/errors.jsonl, the batch goes on, and
    the exit code is 1.  cleannews' own output (a .meta.json beside it, a
    json output, a record's `cleannews` field) is cleaned by the rules only:
    with the same rules it comes out the same.
    """
    from cleannews.corpus.records import Fields
    from cleannews.runs.batch import Options, run_batch
    from cleannews.runs.summary import print_summary, progress_bar

    # a rule error stops here, before any page
    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable, site=site)
    options = Options(fmt=output_format(fmt), resume=resume, jobs=jobs or os.cpu_count() or 1,
                      fields=Fields(text_field, html_field, url_field, id_field), rules=ruleset.spec,
                      limits=limits(max_bytes, timeout, max_removed, favor), report=report, drop_failed=drop_failed,
                      include=include, exclude=exclude)
    quiet = global_flag("quiet")
    named = set(sources)  # a file named on the command line and not cleaned is always said
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with progress_bar(enabled=False if quiet else None) as progress:
            summary = run_batch(list(sources), output, options, progress=progress,
                                on_skip=lambda path, why: notice(f"{printable(str(path))}: {why}; skipped",
                                                                 verbose=path not in named),
                                on_done=lambda path, target: notice(f"{printable(str(path))}: cleaned into "
                                                                    f"{printable(str(target))}", verbose=True))
    except (KeyboardInterrupt, _Terminated) as exc:
        terminated = isinstance(exc, _Terminated)
        raise Failure(f"{'terminated' if terminated else 'interrupted'}; every output written is complete: "
                      "rerun with --resume to finish", EXIT_TERMINATED if terminated else EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not quiet:
        print_summary(summary, output)
    return 1 if summary.errors else 0


class _Terminated(BaseException):
    """SIGTERM, handled as Ctrl-C is: workers stopped, temp files removed, exit 143."""


def _terminate(signum, frame):
    raise _Terminated()
