"""`cleannews check` and `cleannews fix`: pre-commit hooks for text corpora kept in git."""
from __future__ import annotations

from pathlib import Path

import click

from cleannews.commands.common import field_options, limit_options, limits, load, notice, rule_options
from cleannews.errors import InputError

EPILOG_CHECK = """\b
Examples:
  cleannews check corpus/*.txt
  cleannews check articles.jsonl --text-field body
  git ls-files '*.md' | xargs cleannews check
"""
EPILOG_FIX = """\b
Examples:
  cleannews fix corpus/*.txt
  cleannews fix articles.jsonl
"""


def _run(paths, write, fields, ruleset, bounds) -> int:
    from cleannews.errors import printable
    from cleannews.runs.fix import check_path

    found = failed = 0
    for path in paths:
        try:
            findings, errors = check_path(path, ruleset, fields, write=write, limits=bounds)
        except InputError as exc:
            failed += 1
            click.echo(f"cleannews: {printable(str(exc))}", err=True)
            continue
        found += bool(findings)
        notice(f"{printable(str(path))}: {len(findings)} {'fixed' if write else 'found'}, {len(errors)} errors",
               verbose=True)
        for finding in findings:
            click.echo(("fixed " if write else "") + str(finding))
        for error in errors:  # bad records of a JSONL file: errors, counted, and the exit code says so
            failed += 1
            click.echo(f"cleannews: {printable(str(error))}", err=True)
    notice(f"{len(paths)} files, {found} {'fixed' if write else 'with boilerplate'}, {failed} errors")
    return 1 if failed or (found and not write) else 0


def _hook_command(epilog: str):
    """The arguments and options `check` and `fix` share; the command gets `write` and its options."""
    def decorate(f):
        for option in (rule_options, limit_options, field_options,
                       click.argument("paths", nargs=-1, required=True,
                                      type=click.Path(exists=True, dir_okay=False, path_type=Path))):
            f = option(f)
        return click.command(epilog=epilog)(f)
    return decorate


def _hook(write, paths, text_field, html_field, url_field, id_field, max_bytes, timeout, max_removed,
          extra_rules, no_builtin_rules, disable):
    from cleannews.corpus.records import Fields

    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable)
    return _run(paths, write, Fields(text_field, html_field, url_field, id_field), ruleset,
                  limits(max_bytes, timeout, max_removed))


@_hook_command(EPILOG_CHECK)
def check(**options):
    """Exit 1 when a text, Markdown or JSONL file still holds boilerplate.

    Lists file, line, rule and category for every block the rule sets would
    remove (rules only: no classifier, no headline).  Exit 0 when all are clean.
    """
    return _hook(False, **options)


@_hook_command(EPILOG_FIX)
def fix(**options):
    """Remove boilerplate from text, Markdown and JSONL files in place.

    Each file is rewritten atomically, only the lines of removed blocks go,
    and fixing a fixed file changes nothing.  A read-only file is left
    untouched and reported.
    """
    return _hook(True, **options)
