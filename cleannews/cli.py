"""The command line: `cleannews clean`, `cleannews batch`, `cleannews rules ...`.

Data goes to stdout, messages to stderr.  Exit codes: 0 ok; 1 some inputs
failed (batch) or examples failed (rules test); 2 usage error; 78 a rule file
is wrong; 123 internal error.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cleannews import __version__
from cleannews.errors import EXIT_INTERNAL, CleannewsError, InputError

EPILOG_CLEAN = """\b
Examples:
  cleannews clean page.html
  cat page.txt | cleannews clean --format json
  cleannews clean page.html --url https://www.themoscowtimes.com/a -o article.txt
"""
EPILOG_BATCH = """\b
Examples:
  cleannews batch scraped/ -o clean/
  cleannews batch scraped/ -o clean/ --format json
"""


def rule_options(f):
    f = click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, path_type=Path),
                     help="Extra rule file or folder (repeatable).")(f)
    f = click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")(f)
    f = click.option("--disable", multiple=True, metavar="NAME",
                     help="Leave out a rule id, a category, or a rule set such as sites/themoscowtimes.com "
                          "(repeatable; 'sites' leaves out every site rule set).")(f)
    return f


def _load(extra_rules, no_builtin_rules, disable):
    from cleannews.api import load_rules

    return load_rules(tuple(str(p) for p in extra_rules), not no_builtin_rules, tuple(disable))


def _fail(exc: CleannewsError):
    click.echo(f"cleannews: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleannews")
def cli():
    """Strip boilerplate (paywall, newsletter and donation appeals, menus, captions)
    from scraped news pages, and keep the article.

    Exit codes: 0 ok; 1 some inputs failed or rule examples failed; 2 usage
    error; 78 rule or configuration error; 123 internal error.
    """


@cli.command(epilog=EPILOG_CLEAN)
@click.argument("input", default="-", type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (atomically) instead of stdout.")
@click.option("-f", "--format", "fmt", type=click.Choice(["txt", "json", "md"]), default="txt", show_default=True)
@click.option("--url", help="Where the page came from (site rules, metadata).")
@rule_options
def clean(input, output, fmt, url, extra_rules, no_builtin_rules, disable):
    """Clean one page (HTML, text or Markdown; '-' or nothing: standard input)."""
    from cleannews.pipeline import clean_document
    from cleannews.read import read_path
    from cleannews.write import atomic_write, render

    try:
        ruleset = _load(extra_rules, no_builtin_rules, disable)
        doc = clean_document(read_path(input, url=url), ruleset)
        text = render(doc, fmt)
        if output:
            atomic_write(output, text)
        else:
            sys.stdout.write(text)
    except CleannewsError as exc:
        _fail(exc)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        click.echo(f"cleannews: {input}: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)


@cli.command(epilog=EPILOG_BATCH)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("-f", "--format", "fmt", type=click.Choice(["txt", "json", "md"]), default="txt", show_default=True)
@rule_options
def batch(sources, output, fmt, extra_rules, no_builtin_rules, disable):
    """Clean every file under SOURCES into OUTPUT, mirroring the folder tree.

    SRC/a/b.html becomes OUTPUT/a/b.txt, with OUTPUT/a/b.meta.json beside it
    for txt and md.  A bad input is reported and the batch goes on.
    """
    from cleannews.batch import run_batch

    try:
        ruleset = _load(extra_rules, no_builtin_rules, disable)
    except CleannewsError as exc:
        _fail(exc)
    summary = run_batch(list(sources), output, fmt, ruleset)
    click.echo(f"cleannews: {summary.pages} pages cleaned, {summary.errors} errors", err=True)
    sys.exit(1 if summary.errors else 0)


@cli.group()
def rules():
    """List, test and validate rule sets."""


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-builtin-rules", is_flag=True, help="Test only the rule files given.")
def rules_test(paths, no_builtin_rules):
    """Run every rule's drop and keep examples (built-in rules, plus PATHS)."""
    from cleannews.examples import check_rule

    try:
        ruleset = _load(paths, no_builtin_rules or bool(paths), ())
    except CleannewsError as exc:
        _fail(exc)
    failures = [f for r in ruleset.rules for f in check_rule(r)]
    for failure in failures:
        click.echo(str(failure))
    examples = sum(len(r.drop) + len(r.keep) for r in ruleset.rules)
    click.echo(f"{len(ruleset.rules)} rules, {examples} examples, {len(failures)} failed", err=True)
    sys.exit(1 if failures else 0)


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def rules_validate(paths):
    """Check rule files (keys, types, patterns, ids) without running them."""
    try:
        ruleset = _load(paths, False, ())
    except CleannewsError as exc:
        _fail(exc)
    click.echo(f"{len(ruleset.rules)} rules in {len(ruleset.sets)} files: valid", err=True)


@rules.command("list")
@click.option("--category", help="Only this category.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@rule_options
def rules_list(category, as_json, extra_rules, no_builtin_rules, disable):
    """List the rules in force."""
    try:
        ruleset = _load(extra_rules, no_builtin_rules, disable)
    except CleannewsError as exc:
        _fail(exc)
    rows = [r for r in ruleset.rules if not category or r.category == category]
    for r in rows:
        scope = ",".join(r.sites) or ",".join(sorted(r.languages or ())) or "any"
        if as_json:
            click.echo(json.dumps({"id": r.id, "category": r.category, "kind": r.kind, "scope": scope,
                                   "examples": len(r.drop) + len(r.keep), "file": f"{r.path}:{r.line}"}))
        else:
            click.echo(f"{r.id:40s} {r.category:11s} {r.kind:8s} {scope:20s} {len(r.drop) + len(r.keep)}")


def main():
    try:
        cli(prog_name="cleannews")
    except KeyboardInterrupt:
        click.echo("cleannews: interrupted", err=True)
        sys.exit(130)


__all__ = ["main", "InputError"]
