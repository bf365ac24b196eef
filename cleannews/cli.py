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
from cleannews.errors import EXIT_INTERNAL

EXIT_INTERRUPTED = 130

EPILOG = """\b
Examples:
  cleannews clean page.html
  cleannews explain page.txt
  cleannews -q batch scraped/ -o clean/
  cleannews rules list --category newsletter
  python -m cleannews --help
"""


class _Group(click.Group):
    """The top group: Ctrl-C is exit 130 with one line, wherever it lands (click's own
    handling prints "Aborted!" and exits 1, which `check` uses for "found boilerplate")."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("cleannews: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before click turns it into Abort (and a blank line on stderr)
            click.echo("cleannews: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="cleannews")
@click.option("-q", "--quiet", is_flag=True, help="No notices on stderr (errors still show); also after the command.")
@click.option("-v", "--verbose", is_flag=True, help="More notices on stderr (one per file); also after the command.")
@click.pass_context
def cli(ctx, quiet, verbose):
    """Strip boilerplate (paywall, newsletter and donation appeals, menus, captions)
    from scraped news pages, and keep the article.

    Exit codes: 0 ok; 1 check found boilerplate, some inputs failed, or rule
    examples failed; 2 usage error; 78 rule or configuration error; 123
    internal error; 130 interrupted.
    """
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other")
    # what the commands read through ctx.find_root().obj (see cleannews.commands.common.notice)
    ctx.obj = {"quiet": quiet, "verbose": verbose}


for command in (clean, explain, batch, check, fix, rules, config, learn):
    add_global_flags(command)  # -q/-v after the command too
    cli.add_command(command)


def main():
    try:
        cli(prog_name="cleannews")
    except KeyboardInterrupt:
        click.echo("cleannews: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader of our output went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except ImportError as exc:  # a dependency missing from this Python: say which, not a traceback
        click.echo(f"cleannews: cannot run: {exc} (install cleannews with its dependencies: pip install .)",
                   err=True)
        sys.exit(EXIT_INTERNAL)
    except Exception as exc:  # noqa: BLE001 - a bug outside the commands' own handling
        click.echo(f"cleannews: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
