"""The command line: a group of commands, one module each in cleannews/commands.

Data goes to stdout, messages to stderr.
"""
from __future__ import annotations

import os
import sys

import click

from cleannews import __version__
from cleannews.commands.batch import batch
from cleannews.commands.check import check, fix
from cleannews.commands.clean import clean
from cleannews.commands.common import add_global_flags
from cleannews.commands.config import config
from cleannews.commands.explain import explain
from cleannews.commands.learn import learn
from cleannews.commands.rules import rules
from cleannews.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, CleannewsError, printable

EPILOG = """\b
Examples:
  cleannews clean page.html
  cleannews explain page.txt
  cleannews -q batch scraped/ -o clean/
  cleannews rules list --category newsletter
  python -m cleannews --help
"""


class _Group(click.Group):
    """The top group, and the one place where a failure becomes its line on stderr and its exit
    code (README "Exit codes"): commands raise CleannewsError (or return an exit code) and never
    call sys.exit, so every command fails, is interrupted and meets a closed pipe the same way.
    Ctrl-C is exit 130 with one line wherever it lands (click's own handling prints "Aborted!" and
    exits 1, which `check` uses for "found boilerplate")."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()  # a closed pipe met here, not in the interpreter's flush at exit (exit 1)
        except BaseException as exc:  # noqa: BLE001 - each kind gets its line and code in exit_status
            sys.exit(exit_status(exc))
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click turns it into Abort (and a blank line on stderr)
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # before click makes it exit 1
            _quiet_stdout()
            raise click.exceptions.Exit(EXIT_OK) from None


def _quiet_stdout() -> None:
    """Standard output to /dev/null, so that the interpreter's flush at exit meets no closed pipe."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def exit_status(exc: BaseException) -> int:
    """The exit code for what ended a command, its one line written to stderr first.

    A closed standard output (`cleannews clean page | head`) is exit 0 with nothing said, as
    ripgrep and black do: the reader had what it wanted, and `set -o pipefail` scripts go on."""
    if isinstance(exc, SystemExit):
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        click.echo(str(exc.code), err=True)
        return 1
    if isinstance(exc, (click.exceptions.Abort, KeyboardInterrupt)):
        click.echo("cleannews: interrupted", err=True)
        return EXIT_INTERRUPTED
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        exc.show()
        return exc.exit_code
    if isinstance(exc, CleannewsError):
        click.echo(f"cleannews: {printable(str(exc))}", err=True)
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):  # met by the last flush, past the commands
        _quiet_stdout()
        return EXIT_OK
    if isinstance(exc, ImportError):  # a dependency missing from this Python: say which, not a traceback
        click.echo(f"cleannews: cannot run: {exc} (install cleannews with its dependencies: pip install .)",
                   err=True)
        return EXIT_INTERNAL
    if isinstance(exc, Exception):  # a bug outside any input
        click.echo(f"cleannews: internal error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_INTERNAL
    raise exc  # GeneratorExit and the like: not a command's failure


def _version(ctx, given: bool) -> None:
    """The version, and the models' (read only when asked: loading them costs start-up)."""
    if not given or ctx.resilient_parsing:
        return
    from cleannews.pipeline import model

    click.echo(f"cleannews {__version__} (models: {model.version('html')}, {model.version('text')})")
    ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _, given: _version(ctx, given),
              help="Show the version and the block models' versions, and exit.")
@click.option("-q", "--quiet", is_flag=True, help="No notices on stderr (errors still show); also after the command.")
@click.option("-v", "--verbose", is_flag=True, help="More notices on stderr (one per file); also after the command.")
@click.pass_context
def cli(ctx, quiet, verbose):
    """Strip boilerplate (paywall, newsletter and donation appeals, menus, captions)
    from scraped news pages, and keep the article.

    Exit codes: 0 ok; 1 check found boilerplate, some inputs failed, or rule
    examples failed; 2 usage error; 78 rule or configuration error; 123
    internal error; 130 interrupted; 143 terminated (SIGTERM).  A closed
    standard output (`| head`) ends a command quietly with 0.
    """
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other")
    # what the commands read through ctx.find_root().obj (see cleannews.commands.common.notice)
    ctx.obj = {"quiet": quiet, "verbose": verbose}


for command in (clean, explain, batch, check, fix, rules, config, learn):
    add_global_flags(command)  # -q/-v after the command too
    cli.add_command(command)


def main():
    cli(prog_name="cleannews")
