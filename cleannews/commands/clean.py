"""`cleannews clean`: one page to stdout or a file."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.commands.common import (
    SITE,
    PageCommand,
    cannot_write,
    field_options,
    favor_option,
    limit_options,
    limits,
    load,
    notice,
    output_format,
    reading_stdin,
    rule_options,
    same_file,
)
from cleannews.corpus.write import FORMATS
from cleannews.errors import Failure, InputError

# said when the page is cleannews output (corpus.again), by clean and explain
RULES_ONLY = ("cleannews output (the metadata written with it says so): cleaned by the rules only, the first "
              "pass's judgement of what is article standing; to judge it again, clean its text without that "
              "metadata (from standard input: `cleannews clean - < FILE`)")

EPILOG = """\b
Examples:
  cleannews clean page.html
  cat page.txt | cleannews clean --format json
  cleannews clean page.html --url https://www.themoscowtimes.com/a -o article.txt
  cleannews clean --rules rules/learned/ --site example.com page.txt
  cat corpus.jsonl | cleannews clean --format jsonl - > clean.jsonl
"""


@click.command(cls=PageCommand, epilog=EPILOG)
@click.argument("input", default="-", type=click.Path(exists=True, allow_dash=True, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically) instead of stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice([*FORMATS, "jsonl"]), default=None,
              help="Output format (default: txt, or the configured format); jsonl reads INPUT as a "
                   "JSONL corpus and streams it (the default for an input that is one).")
@click.option("--url", help="Where the page came from (site rules, metadata).")
@SITE
@field_options
@limit_options
@favor_option
@rule_options
def clean(input, output, fmt, url, site, text_field, html_field, url_field, id_field,
          max_bytes, timeout, max_removed, favor, extra_rules, no_builtin_rules, disable):
    """Clean one page (HTML, text or Markdown; '-' or nothing: standard input).

    With --format jsonl, INPUT is a JSONL corpus (plain or compressed),
    cleaned and written record by record, so it works in pipes of any size.
    An INPUT whose bytes are a JSONL corpus is streamed so without the flag;
    with --format txt, json or md it is refused.
    """
    from cleannews.corpus.again import read_page
    from cleannews.corpus.write import atomic_write, render

    if output and input != "-" and same_file(input, output):
        raise Failure(f"{output}: is the input; write the clean page elsewhere")
    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable, site=site)
    given, bounds = fmt, limits(max_bytes, timeout, max_removed, favor)
    fmt = output_format(fmt)
    if input == "-":
        reading_stdin()
    kind = fmt if fmt == "jsonl" else _container(input)
    if kind == "warc":
        raise Failure(f"{_shown(input)}: a WARC archive, not a page: clean it with `cleannews batch`")
    if kind == "jsonl" and fmt != "jsonl":
        if given:
            raise Failure(f"{_shown(input)}: a JSONL corpus, not a page: clean it with --format jsonl "
                          f"(not --format {given})")
        notice(f"{_shown(input)}: a JSONL corpus: cleaned record by record, as with --format jsonl")
        fmt = "jsonl"
    if fmt == "jsonl":
        from cleannews.corpus.records import Fields

        return _stream(input, output, Fields(text_field, html_field, url_field, id_field), ruleset, bounds)
    doc, earlier = read_page(input, url=url, max_bytes=bounds.max_bytes)
    if earlier is not None:
        notice(f"{doc.source}: {RULES_ONLY}")
    doc = _clean_within_limit(doc, earlier, ruleset, bounds)
    text = render(doc, fmt)
    notice(f"{doc.source}: {doc.kind}, {len(doc.blocks)} blocks, {len(doc.removed)} removed, "
           f"{len(doc.text):,} characters kept" + (f" ({doc.metadata['empty']})" if 'empty' in doc.metadata else ""),
           verbose=True)
    if output:
        try:
            atomic_write(output, text)
        except OSError as exc:
            raise cannot_write(output, exc) from None
    else:
        sys.stdout.write(text)
    return 0


def _clean_within_limit(doc, earlier, ruleset, bounds):
    """The page cleaned (by the rules only when `earlier`, the metadata of cleannews output, is
    given: corpus.again), with --timeout held from outside: the in-process alarm cannot stop a
    native call (libxml2 on a huge tree), so the page is cleaned in a forked child that is
    killed past the limit (a little over it, so the alarm's own message wins when it can)."""
    from functools import partial

    from cleannews.corpus import again
    from cleannews.errors import InputError
    from cleannews.runs.pool import call_with_limit

    limit = bounds.timeout + max(2.0, bounds.timeout * 0.1) if bounds.timeout else None
    ok, result = call_with_limit(partial(again.clean, limits=bounds), (doc, earlier, ruleset), limit)
    if not ok:
        raise InputError(doc.source, f"took longer than --timeout ({bounds.timeout:g} s): {result}")
    return result


def _shown(input: str) -> str:
    return "<stdin>" if input == "-" else input


def _container(input: str) -> str:
    """warc, jsonl or page, told from the first bytes as `batch` tells them (standard input: from
    what is buffered, without consuming it)."""
    import io

    from cleannews.corpus.streams import container

    if input != "-":
        try:
            return container(Path(input))
        except OSError:
            return "page"  # read_path names the input and the error
    try:
        head = sys.stdin.buffer.peek(4096)[:4096]
        return container(io.BufferedReader(io.BytesIO(head)))
    except (AttributeError, OSError, TypeError, ValueError):  # no buffer to peek, or compressed data cut short
        return "page"


def _stream(input: str, output: Path | None, fields, ruleset, bounds) -> int:
    """Records in, records out, one at a time, as batch writes them (summary report; a
    record that fails kept with its text unchanged); a line that is no record is
    reported and skipped."""
    import contextlib

    from cleannews.corpus.records import clean_record, dumps, failed_record
    from cleannews.corpus.streams import jsonl_records
    from cleannews.corpus.write import atomic_open

    source = _shown(input)
    failed = records = 0
    with contextlib.ExitStack() as stack:
        try:
            out = stack.enter_context(atomic_open(output)) if output else sys.stdout
        except OSError as exc:
            raise cannot_write(output, exc) from None
        try:
            for record in jsonl_records(sys.stdin.buffer if input == "-" else Path(input), source, bounds.max_bytes):
                try:
                    records += 1
                    if isinstance(record, InputError):
                        raise record
                    out.write(dumps(clean_record(record, fields, ruleset, bounds, report="summary")[0]))
                except InputError as exc:  # kept, text unchanged, as batch keeps it
                    failed += 1
                    click.echo(f"cleannews: {exc}", err=True)
                    if not isinstance(record, InputError):
                        out.write(dumps(failed_record(record, fields, str(exc))))
                out.flush()
        except InputError as exc:  # the stream itself broke off
            click.echo(f"cleannews: {exc}", err=True)
            return 1
    notice(f"{source}: {records} records, {records - failed} cleaned, {failed} failed", verbose=True)
    return 1 if failed else 0
