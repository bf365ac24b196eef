"""`cleannews batch`: a tree of pages into a mirrored tree of outputs."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.commands.common import FORMAT, load, rule_options

EPILOG = """\b
Examples:
  cleannews batch scraped/ -o clean/
  cleannews batch scraped/ -o clean/ --format json
"""


@click.command(epilog=EPILOG)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@FORMAT
@rule_options
def batch(sources, output, fmt, extra_rules, no_builtin_rules, disable):
    """Clean every file under SOURCES into OUTPUT, mirroring the folder tree.

    SRC/a/b.html becomes OUTPUT/a/b.txt, with OUTPUT/a/b.meta.json beside it
    for txt and md.  A bad input is reported and the batch goes on.
    """
    from cleannews.batch import run_batch

    ruleset = load(extra_rules, no_builtin_rules, disable)
    summary = run_batch(list(sources), output, fmt, ruleset)
    click.echo(f"cleannews: {summary.pages} pages cleaned, {summary.errors} errors", err=True)
    sys.exit(1 if summary.errors else 0)
