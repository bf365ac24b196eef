"""What every command shares: rule options, loading, one-line failures."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.errors import CleannewsError

FORMAT = click.option("-f", "--format", "fmt", type=click.Choice(["txt", "json", "md"]), default=None,
                      help="Output format (default: txt, or the configured format).")


def rule_options(f):
    f = click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="Extra rule file or folder (repeatable).")(f)
    f = click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")(f)
    f = click.option("--disable", multiple=True, metavar="NAME",
                     help="Leave out a rule id, a category, or a rule set such as sites/themoscowtimes.com "
                          "(repeatable; 'sites' leaves out every site rule set).")(f)
    return f


def field_options(f):
    """Which fields of a JSONL record hold the page, its URL and its id."""
    for name, default, what in (("id", "id", "the record id"), ("url", "url", "the page URL"),
                                ("html", "html", "HTML to clean (preferred when present)"),
                                ("text", "text", "text to clean; receives the clean text")):
        f = click.option(f"--{name}-field", default=default, show_default=True, help=f"JSONL field with {what}.")(f)
    return f


def limit_options(f):
    """The limits that keep one bad input from sinking a run (defaults in cleannews.limits)."""
    f = click.option("--max-removed", type=click.FloatRange(0, 1), default=None, metavar="SHARE",
                     help="Flag a document when the rules remove more than this share of its words [0.5].")(f)
    f = click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
                     help="Time one document may take; 0: no limit [60].")(f)
    f = click.option("--max-bytes", type=click.IntRange(min=1), default=None, metavar="N",
                     help="Refuse a page or record larger than N bytes [10,000,000].")(f)
    return f


def limits(max_bytes, timeout, max_removed):
    """Limits from the flags, else the configuration, else the defaults."""
    from cleannews.limits import Limits

    try:
        found = settings(max_bytes=max_bytes, timeout=timeout, max_removed=max_removed)
    except CleannewsError as exc:
        fail(exc)
    return Limits(found["max_bytes"].value, found["timeout"].value, found["max_removed"].value)


def global_flag(name: str) -> bool:
    """-q/--quiet or -v/--verbose, given before the command."""
    ctx = click.get_current_context(silent=True)
    return bool(((ctx.find_root().obj if ctx else None) or {}).get(name))


def notice(message: str, *, verbose: bool = False) -> None:
    """A message on stderr, unless -q; with `verbose`, only under -v."""
    if global_flag("quiet") or (verbose and not global_flag("verbose")):
        return
    click.echo(f"cleannews: {message}", err=True)


def load(extra_rules, no_builtin_rules, disable, use_config: bool = True):
    """The compiled rules, from the flags and the project configuration; or a one-line error and exit 78."""
    from cleannews.api import load_rules

    try:
        if use_config:
            found = settings(rules=extra_rules, builtin_rules=False if no_builtin_rules else None, disable=disable)
            extra_rules, disable = found["rules"].value, found["disable"].value
            builtin, languages = found["builtin_rules"].value, found["languages"].value
        else:
            builtin, languages = not no_builtin_rules, ()
        return load_rules(tuple(str(p) for p in extra_rules), builtin, tuple(disable), tuple(languages))
    except CleannewsError as exc:
        fail(exc)


def settings(**flags):
    """The configuration in force: flags given (None: not given) over the config file over defaults."""
    from cleannews.config import resolve

    return resolve(flags)


def output_format(fmt: str | None) -> str:
    """--format, else the configured default format."""
    try:
        return fmt or settings()["format"].value
    except CleannewsError as exc:
        fail(exc)


def fail(exc: CleannewsError):
    click.echo(f"cleannews: {exc}", err=True)
    sys.exit(exc.exit_code)
