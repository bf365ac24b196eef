"""`cleannews clean`: one page to stdout or a file."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.commands.common import fail, field_options, limit_options, limits, load, output_format, rule_options
from cleannews.errors import EXIT_INTERNAL, CleannewsError, InputError

EPILOG = """\b
Examples:
  cleannews clean page.html
  cat page.txt | cleannews clean --format json
  cleannews clean page.html --url https://www.themoscowtimes.com/a -o article.txt
  cat corpus.jsonl | cleannews clean --format jsonl - > clean.jsonl
"""


@click.command(epilog=EPILOG)
@click.argument("input", default="-", type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically) instead of stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(["txt", "json", "md", "jsonl"]), default=None,
              help="Output format (default: txt, or the configured format); jsonl reads INPUT as a "
                   "JSONL corpus and streams it.")
@click.option("--url", help="Where the page came from (site rules, metadata).")
@field_options
@limit_options
@rule_options
def clean(input, output, fmt, url, text_field, html_field, url_field, id_field,
          max_bytes, timeout, max_removed, extra_rules, no_builtin_rules, disable):
    """Clean one page (HTML, text or Markdown; '-' or nothing: standard input).

    With --format jsonl, INPUT is a JSONL corpus (plain or compressed),
    cleaned and written record by record, so it works in pipes of any size.
    """
    from cleannews.pipeline import clean_document
    from cleannews.read import read_path
    from cleannews.write import atomic_write, render

    ruleset = load(extra_rules, no_builtin_rules, disable)
    fmt, bounds = output_format(fmt), limits(max_bytes, timeout, max_removed)
    if fmt == "jsonl":
        from cleannews.corpus import Fields

        sys.exit(_stream(input, output, Fields(text_field, html_field, url_field, id_field), ruleset, bounds))
    try:
        doc = clean_document(read_path(input, url=url, max_bytes=bounds.max_bytes), ruleset, limits=bounds)
        text = render(doc, fmt)
        if output:
            atomic_write(output, text)
        else:
            sys.stdout.write(text)
    except CleannewsError as exc:
        fail(exc)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        click.echo(f"cleannews: {input}: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)


def _stream(input: str, output: Path | None, fields, ruleset, bounds) -> int:
    """Records in, records out, one at a time; a bad line is reported and skipped."""
    import contextlib

    from cleannews.corpus import clean_record, dumps
    from cleannews.streams import jsonl_records
    from cleannews.write import atomic_open

    source = "<stdin>" if input == "-" else input
    failed = False
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(atomic_open(output)) if output else sys.stdout
        try:
            for record in jsonl_records(sys.stdin.buffer if input == "-" else Path(input), source):
                try:
                    if isinstance(record, InputError):
                        raise record
                    out.write(dumps(clean_record(record, fields, ruleset, bounds)[0]))
                    out.flush()
                except InputError as exc:
                    failed = True
                    click.echo(f"cleannews: {exc}", err=True)
        except InputError as exc:  # the stream itself broke off
            click.echo(f"cleannews: {exc}", err=True)
            return 1
    return 1 if failed else 0
