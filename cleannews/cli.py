"""The command line: a group of commands, one module each in cleannews/commands.

Data goes to stdout, messages to stderr.
"""
from __future__ import annotations

import sys

import click

from cleannews import __version__
from cleannews.commands.batch import batch
from cleannews.commands.clean import clean
from cleannews.commands.rules import rules


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleannews")
def cli():
    """Strip boilerplate (paywall, newsletter and donation appeals, menus, captions)
    from scraped news pages, and keep the article.

    Exit codes: 0 ok; 1 some inputs failed or rule examples failed; 2 usage
    error; 78 rule or configuration error; 123 internal error.
    """


for command in (clean, batch, rules):
    cli.add_command(command)


def main():
    try:
        cli(prog_name="cleannews")
    except KeyboardInterrupt:
        click.echo("cleannews: interrupted", err=True)
        sys.exit(130)
