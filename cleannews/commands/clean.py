"""`cleannews clean`: one page to stdout or a file."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.commands.common import FORMAT, fail, load, rule_options
from cleannews.errors import EXIT_INTERNAL, CleannewsError

EPILOG = """\b
Examples:
  cleannews clean page.html
  cat page.txt | cleannews clean --format json
  cleannews clean page.html --url https://www.themoscowtimes.com/a -o article.txt
"""


@click.command(epilog=EPILOG)
@click.argument("input", default="-", type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically) instead of stdout.")
@FORMAT
@click.option("--url", help="Where the page came from (site rules, metadata).")
@rule_options
def clean(input, output, fmt, url, extra_rules, no_builtin_rules, disable):
    """Clean one page (HTML, text or Markdown; '-' or nothing: standard input)."""
    from cleannews.pipeline import clean_document
    from cleannews.read import read_path
    from cleannews.write import atomic_write, render

    ruleset = load(extra_rules, no_builtin_rules, disable)
    try:
        text = render(clean_document(read_path(input, url=url), ruleset), fmt)
        if output:
            atomic_write(output, text)
        else:
            sys.stdout.write(text)
    except CleannewsError as exc:
        fail(exc)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        click.echo(f"cleannews: {input}: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
