"""`cleannews config`: the configuration in force, and where each value came from."""
from __future__ import annotations

import json

import click

from cleannews.commands.common import load, settings

EPILOG = """\b
Examples:
  cleannews config
  cleannews config --json
"""


@click.command(epilog=EPILOG)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of lines.")
def config(as_json):
    """Print the configuration in force (.cleannews.yaml or [tool.cleannews] in
    pyproject.toml, found upward from here) and where each value came from.

    The rules it names are loaded as `clean` loads them: a rule folder that
    is not there, a rule file with a mistake or an unknown name to disable is
    its one-line error and exit 78, as `clean` would give (the settings are
    printed first, so that you see where the value came from).
    """
    from cleannews.config import KEYS

    found = settings()
    if as_json:
        click.echo(json.dumps({k: {"value": s.value, "from": s.origin} for k, s in found.items()}, indent=2))
    else:
        for key, setting in found.items():
            click.echo(f"{key} = {json.dumps(setting.value)}    # from {setting.origin}: {KEYS[key][2]}")
    load()
