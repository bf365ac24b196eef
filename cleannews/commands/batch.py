"""`cleannews batch`: pages, JSONL corpora and WARC files into a mirrored tree of outputs."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cleannews.commands.common import (FORMAT, SITE, field_options, global_flag, limit_options, limits, load, output_format,
                                       rule_options)

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
@SITE
@field_options
@limit_options
@rule_options
def batch(sources, output, fmt, jobs, resume, site, text_field, html_field, url_field, id_field,
          max_bytes, timeout, max_removed, extra_rules, no_builtin_rules, disable):
    """Clean every page, JSONL corpus and WARC file under SOURCES into OUTPUT.

    Pages: SRC/a/b.html becomes OUTPUT/a/b.txt with OUTPUT/a/b.meta.json
    beside it (txt, md; json holds both).  JSONL corpora (also .gz, .bz2,
    .xz, .zst) keep their names, each record with its text field cleaned and
    a `cleannews` metadata field added.  WARC files become JSONL records of
    their HTML responses.  Bad inputs go to OUTPUT/errors.jsonl, the batch
    goes on, and the exit code is 1.
    """
    from cleannews.batch import Options, run_batch
    from cleannews.corpus import Fields
    from cleannews.summary import progress_bar, print_summary

    ruleset = load(extra_rules, no_builtin_rules, disable, site=site)  # a rule error stops here, before any page
    options = Options(fmt=output_format(fmt), resume=resume, jobs=jobs or os.cpu_count() or 1,
                      fields=Fields(text_field, html_field, url_field, id_field), rules=ruleset.spec,
                      limits=limits(max_bytes, timeout, max_removed))
    quiet = global_flag("quiet")
    try:
        with progress_bar(enabled=False if quiet else None) as progress:
            summary = run_batch(list(sources), output, options, progress=progress)
    except KeyboardInterrupt:
        click.echo("cleannews: interrupted; every output written is complete: rerun with --resume to finish",
                   err=True)
        sys.exit(130)
    if not quiet:
        print_summary(summary, output)
    sys.exit(1 if summary.errors else 0)
