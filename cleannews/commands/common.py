"""What every command shares: rule options, loading, one-line failures."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cleannews.corpus.write import FORMATS
from cleannews.errors import EXIT_CONFIG, CleannewsError, Failure, InternalError

FORMAT = click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
                      help="Output format (default: txt, or the configured format).")


def rule_options(f):
    f = click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="Extra rule file or folder (repeatable).")(f)
    f = click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")(f)
    f = click.option("--disable", multiple=True, metavar="NAME",
                     help="Leave out a rule id, a category, or a rule set such as sites/themoscowtimes.com "
                          "('sites': every site rule set); or turn off a stage or a label explain shows, such as "
                          "classifier or classifier.outside-article (repeatable).")(f)
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


def favor_option(f):
    """How sure the block models must be before they drop a line (see cleannews.pipeline.model)."""
    from cleannews.limits import FAVORS

    return click.option("--favor", type=click.Choice(FAVORS), default=None,
                        help="What the block models favour when in doubt: precision drops more furniture, "
                             "recall keeps every line that might be article [balanced].")(f)


def limits(max_bytes, timeout, max_removed, favor=None):
    """Limits from the flags, else the configuration, else the defaults."""
    from cleannews.limits import Limits

    found = settings(max_bytes=max_bytes, timeout=timeout, max_removed=max_removed, favor=favor)
    return Limits(found["max_bytes"].value, found["timeout"].value, found["max_removed"].value, found["favor"].value)


def global_flag(name: str) -> bool:
    """-q/--quiet or -v/--verbose, given before the command."""
    ctx = click.get_current_context(silent=True)
    return bool(((ctx.find_root().obj if ctx else None) or {}).get(name))


def notice(message: str, *, verbose: bool = False) -> None:
    """A message on stderr, unless -q; with `verbose`, only under -v."""
    if global_flag("quiet") or (verbose and not global_flag("verbose")):
        return
    click.echo(f"cleannews: {message}", err=True)


def load(*, extra_rules=(), no_builtin_rules: bool = False, disable=(), use_config: bool = True,
         site: str | None = None):
    """The compiled rules, from the flags of rule_options (given by name) and the project
    configuration; a rule or configuration error is raised (exit 78; 2 for an unknown name given
    with --disable).  Their RuleSpec (`.spec`) is what a worker process loads the same rules by."""
    from cleannews.api import load_spec
    from cleannews.engine.ruleset import RuleSpec, UnknownNameError

    origin = "command line"
    try:
        if use_config:
            found = settings(rules=extra_rules, builtin_rules=False if no_builtin_rules else None, disable=disable)
            extra_rules, disable = found["rules"].value, found["disable"].value
            builtin, languages = found["builtin_rules"].value, found["languages"].value
            origin = found["disable"].origin
        else:
            builtin, languages = not no_builtin_rules, ()
        return load_spec(RuleSpec.of(extra_rules, builtin, disable, languages, site_domain(site)))
    except UnknownNameError as exc:
        if origin != "command line":  # a name in the configuration file: a configuration error
            raise Failure(f"{origin}: `disable` {exc.name!r}: {exc.detail}", EXIT_CONFIG) from None
        raise


def site_domain(site: str | None) -> str | None:
    """--site as a host name: a domain as given, or the host of a URL; anything else is a usage
    error (learn names a rule set file after it)."""
    if not site:
        return None
    from cleannews.errors import EXIT_USAGE, InputError
    from cleannews.learn import site_of

    try:
        host = site_of(site, "--site")
    except InputError:
        host = None
    if host is None:
        raise Failure(f"--site {site!r}: not a domain or a URL with one", EXIT_USAGE)
    return host


SITE = click.option("--site", metavar="DOMAIN",
                    help="The site of pages that come without a URL: its site rule sets apply (learned ones "
                         "too), as if the page's URL were on it (else: the rule sets whose fingerprints it holds).")


def settings(**flags):
    """The configuration in force: flags given (None: not given) over the config file over defaults."""
    from cleannews.config import resolve

    return resolve(flags)


def output_format(fmt: str | None) -> str:
    """--format, else the configured default format."""
    return fmt or settings()["format"].value


def cannot_write(output, exc: OSError) -> Failure:
    """The failure to raise for an output that cannot be written (a folder in the way, no
    permission, disk full), exit 1: the input was fine, and nothing was written."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        reason = "a file stands where a folder of the path should be"
    else:
        reason = exc.strerror or str(exc)
    return Failure(f"cannot write {output}: {reason}")


class PageCommand(click.Command):
    """A command on one INPUT (clean, explain): a bug met on it is reported with the input's name,
    so that it can be reproduced (cleannews.cli reports every other failure)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (CleannewsError, click.exceptions.ClickException, click.exceptions.Exit, BrokenPipeError,
                ImportError):
            raise  # BrokenPipeError, a missing dependency: cleannews.cli says what they are
        except Exception as exc:  # noqa: BLE001 - a bug on this input
            raise InternalError(ctx.params.get("input", "-"), exc) from exc


def same_file(a, b) -> bool:
    """Whether two paths name one file (an output must never overwrite its input)."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def reading_stdin() -> None:
    """Say so when a command waits on a terminal for standard input: a user who typed just
    `cleannews clean` would otherwise look at a silent prompt."""
    try:
        tty = sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return
    if tty:
        notice("reading standard input (end with Ctrl-D; give a file to read it instead)")


def _set_flag(ctx, param, value):
    """-q/-v given after a command: set on the root context, where `global_flag` reads."""
    if value:
        root = ctx.find_root()
        root.obj = root.obj or {}
        other = "verbose" if param.name == "quiet" else "quiet"
        if root.obj.get(other):
            raise click.UsageError("-q/--quiet and -v/--verbose exclude each other", ctx=ctx)
        root.obj[param.name] = True
    return value


def add_global_flags(command: click.Command) -> None:
    """Give `command` (and, for a group, its commands) -q/--quiet and -v/--verbose, so that they
    work after the command too (`cleannews rules validate -v DIR`), as black's and pytest's do."""
    names = {opt for p in command.params for opt in getattr(p, "opts", ())}
    for name, short, text in (("quiet", "-q", "No notices on stderr (errors still show)."),
                              ("verbose", "-v", "More notices on stderr (one per file).")):
        if f"--{name}" not in names and short not in names:
            command.params.append(click.Option([short, f"--{name}"], is_flag=True, expose_value=False,
                                               callback=_set_flag, help=text))
    for sub in getattr(command, "commands", {}).values():
        add_global_flags(sub)
