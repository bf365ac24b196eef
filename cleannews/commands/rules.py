"""`cleannews rules ...`: list, test and validate rule sets."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cleannews.commands.common import load, rule_options


@click.group()
def rules():
    """List, test and validate rule sets."""


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-builtin-rules", is_flag=True, help="Test only the rule files given.")
def rules_test(paths, no_builtin_rules):
    """Run every rule's drop and keep examples (built-in rules, or PATHS)."""
    from cleannews.examples import check_rule

    ruleset = load(paths, no_builtin_rules or bool(paths), ())
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
    ruleset = load(paths, False, ())
    click.echo(f"{len(ruleset.rules)} rules in {len(ruleset.sets)} files: valid", err=True)


@rules.command("list")
@click.option("--category", help="Only this category.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@rule_options
def rules_list(category, as_json, extra_rules, no_builtin_rules, disable):
    """List the rules in force."""
    ruleset = load(extra_rules, no_builtin_rules, disable)
    for r in ruleset.rules:
        if category and r.category != category:
            continue
        scope = ",".join(r.sites) or ",".join(sorted(r.languages or ())) or "any"
        if as_json:
            click.echo(json.dumps({"id": r.id, "category": r.category, "kind": r.kind, "scope": scope,
                                   "examples": len(r.drop) + len(r.keep), "file": f"{r.path}:{r.line}"}))
        else:
            click.echo(f"{r.id:40s} {r.category:11s} {r.kind:8s} {scope:20s} {len(r.drop) + len(r.keep)}")
