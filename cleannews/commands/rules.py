"""`cleannews rules ...`: list, show, test and validate rule sets."""
from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from pathlib import Path

import click

from cleannews.commands.common import load, notice, rule_options
from cleannews.errors import EXIT_USAGE, Failure

LIST_EPILOG = """\b
Examples:
  cleannews rules list
  cleannews rules list --category newsletter --language en
  cleannews rules list --site themoscowtimes.com
  cleannews rules list --rules my-rules/ --json | jq .id
"""
SHOW_EPILOG = """\b
Examples:
  cleannews rules show newsletter.sign-up
  cleannews rules show my.rule --rules my-rules/
"""
TEST_EPILOG = """\b
Examples:
  cleannews rules test
  cleannews rules test my-rules/
  cleannews -v rules test my-rules/site.yaml
"""
VALIDATE_EPILOG = """\b
Examples:
  cleannews rules validate my-rules/
  cleannews rules validate a.yaml b.yaml
"""


@click.group(epilog="""\b
Examples:
  cleannews rules list --category donation
  cleannews rules show donation.support-us-button
  cleannews rules test my-rules/
""")
def rules():
    """List, show, test and validate rule sets."""


def _shown(path: Path) -> str:
    """A rule file as the user would name it: relative to here when below here."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _where(path: Path, line: int) -> str:
    return f"{_shown(path)}:{line}"


@rules.command("test", epilog=TEST_EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--no-builtin-rules", is_flag=True, help="Test only the rule files given.")
def rules_test(paths, no_builtin_rules):
    """Run every rule's drop and keep examples (built-in rules, or PATHS).

    Each example runs against its own rule alone.  A failure is one line on
    stdout: file, line, rule, the example and what went wrong; a drop example
    the rule missed also names the other rules (those tested and, unless
    --no-builtin-rules, the built-in ones) that do drop it.
    """
    from cleannews.engine.examples import check_rule

    ruleset = load(extra_rules=paths, no_builtin_rules=no_builtin_rules or bool(paths), use_config=False)
    # who else drops a missed example: the rules tested, and the built-in ones they would run beside
    neighbours = ruleset.rules if no_builtin_rules or not paths else ruleset.rules + load(use_config=False).rules
    failed = 0
    by_file: dict[Path, list] = {}
    for r in ruleset.rules:
        by_file.setdefault(r.path, []).append(r)
    for path, file_rules in by_file.items():
        file_failed = 0
        for r in file_rules:
            for failure in check_rule(r):
                line = str(failure)
                if failure.expected == "drop" and r.kind != "selector":
                    others = _firing(neighbours, failure.example, r.id)
                    line += (f" (other rules that drop it: {', '.join(others)})" if others
                             else " (no other rule drops it either)")
                click.echo(line)
                file_failed += 1
        examples = sum(len(r.drop) + len(r.keep) for r in file_rules)
        notice(f"{_shown(path)}: {len(file_rules)} rules, {examples} examples, {file_failed} failed",
               verbose=True)
        failed += file_failed
    examples = sum(len(r.drop) + len(r.keep) for r in ruleset.rules)
    notice(f"{len(ruleset.rules)} rules, {examples} examples, {failed} failed")
    return 1 if failed else 0


def _firing(candidates, example: str, skip: str) -> list[str]:
    """The ids of the text rules (other than `skip`) that remove some block of `example` on their own."""
    from cleannews.document import Block, Document
    from cleannews.engine.apply import apply_rules
    from cleannews.engine.ruleset import Active

    fired = []
    for rule in candidates:
        if rule.id == skip or rule.kind == "selector":
            continue
        doc = Document(source="<example>", kind="text")
        doc.blocks = [Block(text=line.strip(), raw=line) for line in example.split("\n") if line.strip()]
        apply_rules(doc, Active([rule]))
        if any(not b.kept for b in doc.blocks):
            fired.append(rule.id)
    return fired


@rules.command("validate", epilog=VALIDATE_EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def rules_validate(paths):
    """Check rule files (keys, types, patterns, selectors, ids) without their examples.

    Every pattern and selector is compiled and run on a sample line or page
    as cleaning runs it, so what would fail on every page fails here.  Every
    mistake of every file given is one line on stderr (file, line, rule id,
    what is wrong), as ruff and codespell report them all, not the first;
    exit 78 when there is one.
    """
    from cleannews.engine.ruleset import validate
    from cleannews.errors import EXIT_CONFIG

    sets, errors = validate(paths)
    for exc in errors:  # errors show under -q too, as every command's do
        click.echo(f"cleannews: {exc}", err=True)
    for rs, bad in sets:
        notice(f"{_shown(rs.path)}: {len(rs.rules)} rules: " + (f"{bad} errors" if bad else "valid"), verbose=True)
    rules_count = sum(len(rs.rules) for rs, _ in sets)
    if errors:
        notice(f"{len(errors)} errors in {sum(1 for _, bad in sets if bad) or len(errors)} of {len(sets)} files "
               f"({rules_count} valid rules)")
        return EXIT_CONFIG  # each error was its line above
    notice(f"{rules_count} rules in {len(sets)} files: valid")


@rules.group("import", epilog="""\b
Examples:
  cleannews rules import ftr ftr-site-config -o my-rules/ftr
  cleannews clean page.html --url https://www.nytimes.com/... --rules my-rules/ftr
""")
def rules_import():
    """Convert other tools' site rules into cleannews rule sets (ftr: a checkout of
    https://github.com/fivefilters/ftr-site-config)."""


@rules_import.command("ftr", epilog="""\b
Examples:
  cleannews rules import ftr ftr-site-config -o my-rules/ftr
  cleannews rules import ftr ftr-site-config -o rules/sites/ftr   # refresh the shipped ones
""")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the rule sets to (made if missing; an earlier import there is replaced).")
def rules_import_ftr(folder, out):
    """Convert FiveFilters' Full-Text RSS site configs (FOLDER: a checkout of
    ftr-site-config) into one cleannews site rule set a site.

    body, strip, strip_id_or_class, strip_image_src, title, author and date
    become rules; test_url is kept in each file's `source:`; the other
    directives (fetching, multi-page, string replacement) are listed in each
    file as not used.  An XPath that cannot serve is one line on stderr (file,
    line, directive, why) and the rest of its file is kept.  The summary
    (files, rules, directives mapped and not, XPaths refused) goes to stderr.
    Point --rules at OUT, or write into rules/sites/ftr to refresh the shipped ones.
    """
    from cleannews.engine.ftr import import_folder

    try:
        report = import_folder(folder, out)
    except OSError as exc:
        raise Failure(f"rules import ftr: {exc}", EXIT_USAGE) from None
    for refused in report.refused:  # a duplicate line costs nothing: shown under -v
        message = f"{_shown(folder / refused.file)}:{refused.line}: {refused.directive}: {refused.reason}"
        if refused.what == "duplicate":
            notice(message, verbose=True)
        else:
            click.echo(f"cleannews: {message}", err=True)
    notice(f"{_shown(out)}: " + report.summary())


def _select(ruleset, categories, language, site):
    from cleannews.pipeline.extract import host_of

    host = host_of(site) if site else None
    covering = {s.name for s in ruleset.sites_for(host, "")} if host else None  # reads indexed sites' files
    chosen = []
    for r in _listed(ruleset, host):
        if categories and r.category not in categories:
            continue
        if language and r.languages and language not in r.languages:
            continue
        if covering is not None and r.ruleset not in covering:
            continue
        chosen.append(r)
    return chosen


def _listed(ruleset, host: str | None) -> list:
    """The rules a listing goes over: those loaded at start-up, and with a host the sets of the
    indexed sites read for it."""
    return ruleset.rules + [r for s in ruleset.read.values() for r in s.rules] if host else ruleset.rules


def _check_categories(categories) -> None:
    """An unknown --category is a usage error with the closest names, not "0 of 103 rules"."""
    from cleannews.engine.ruleset import CATEGORIES, unknown_message

    for name in categories:
        if name not in CATEGORIES:
            raise Failure(f"--category {name!r}: {unknown_message(name, CATEGORIES, 'category')}", EXIT_USAGE)


def _scope(r) -> str:
    if r.sites:
        return ",".join(r.sites)
    return ",".join(sorted(r.languages)) if r.languages else "any language"


@rules.command("list", epilog=LIST_EPILOG)
@click.option("--category", "categories", multiple=True, metavar="CATEGORY",
              help="Only rules of this category (repeatable).")
@click.option("--language", metavar="LANG",
              help="Only rules that run on pages in this language (rules for any language included).")
@click.option("--site", metavar="DOMAIN", help="Only the rules of this site's rule set (a domain or a URL).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@rule_options
def rules_list(categories, language, site, as_json, extra_rules, no_builtin_rules, disable):
    """List the rules in force: id, category, kind, languages or sites, and
    the number of examples."""
    from rich import box
    from rich.table import Table

    from cleannews.runs.explain import is_tty, make_console, show

    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable)
    _check_categories(categories)
    chosen = _select(ruleset, set(categories), language, site)
    if as_json:
        for r in chosen:
            click.echo(json.dumps({
                "id": r.id, "category": r.category, "kind": r.kind, "scope": _scope(r),
                "languages": sorted(r.languages) if r.languages else None, "sites": list(r.sites),
                "ruleset": r.ruleset, "examples": len(r.drop) + len(r.keep), "file": f"{r.path}:{r.line}"},
                ensure_ascii=False))
    elif chosen:
        console = make_console()
        table = Table(box=box.SIMPLE_HEAD if is_tty(console) else None, pad_edge=False)
        table.add_column("id", style="bold", no_wrap=True)
        table.add_column("category")
        table.add_column("kind")
        table.add_column("languages or sites")
        table.add_column("examples", justify="right")
        for r in chosen:
            table.add_row(r.id, r.category or "-", _kind(r), _scope(r), str(len(r.drop) + len(r.keep)))
        show(console, table)
    kinds = Counter(_kind(r) for r in chosen)
    indexed = sum(len(index.entries) for index in ruleset.indexes)
    notice(f"{len(chosen)} of {len(_listed(ruleset, None))} rules"
           + (f" ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})" if chosen else "")
           + (f"; {indexed:,} more site rule sets are read when a page of their site comes "
              "(--site DOMAIN lists a site's)" if indexed and not site else ""))


def _kind(r) -> str:
    return f"metadata:{r.meta_field}" if r.kind == "metadata" else r.kind


@rules.command("show", epilog=SHOW_EPILOG)
@click.argument("rule_id", metavar="ID")
@rule_options
def rules_show(rule_id, extra_rules, no_builtin_rules, disable):
    """Show one rule: its file and line, description, matchers as written,
    and its examples with whether each passes."""
    from rich.console import Group
    from rich.syntax import Syntax
    from rich.table import Table
    from rich.text import Text

    from cleannews.engine.examples import check_rule
    from cleannews.runs.explain import make_console, show

    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable)
    rule = ruleset.find(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, [r.id for r in ruleset.rules], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (cleannews rules list shows them)"
        raise Failure(f"no rule {rule_id!r}{hint}", EXIT_USAGE)

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for key, value in (("file", _where(rule.path, rule.line)), ("rule set", rule.ruleset),
                       ("kind", _kind(rule)), ("category", rule.category or "- (removes nothing)"),
                       ("languages", ", ".join(sorted(rule.languages)) if rule.languages else "any"),
                       ("sites", ", ".join(rule.sites) or "any"), ("limits", _limits(rule)),
                       ("description", rule.description)):
        grid.add_row(key, value)
    failures = {(f.expected, f.example): f.detail for f in check_rule(rule)}
    examples = Table.grid(padding=(0, 1))
    examples.add_column(no_wrap=True)
    examples.add_column(no_wrap=True)
    examples.add_column(overflow="fold")
    for expected, items in (("drop", rule.drop), ("keep", rule.keep)):
        for example in items:
            detail = failures.get((expected, example))
            status = Text("FAIL", style="bold red") if detail else Text("ok", style="green")
            body = Text(example)
            if detail:
                body.append(f"\n{detail}", style="red")
            examples.add_row(expected, status, body)
    source = _source(rule.path, rule.line)
    parts = [Text(rule.id, style="bold underline"), grid, Text(""),
             Text("As written:", style="bold"),
             Syntax(source, "yaml", start_line=rule.line, line_numbers=True, word_wrap=True,
                    background_color="default"),
             Text(""), Text(f"Examples ({len(failures)} failing):", style="bold"), examples]
    show(make_console(), Group(*parts))


def _limits(rule) -> str:
    if rule.kind in ("selector", "body", "metadata"):
        return f"selector {rule.selector!r}" if rule.selector else f"XPath {rule.xpath!r}"
    if rule.kind == "span":
        return (f"at most {rule.max_blocks} blocks from start to end; "
                f"start {_words(rule.start)}, end {_words(rule.end)}")
    words = _words(rule.match)
    return f"{words}; within the last {rule.within} blocks" if rule.kind == "trailer" else words


def _words(matcher) -> str:
    return "any length" if matcher.max_words is None else f"blocks of at most {matcher.max_words} words"


def _source(path: Path, line: int) -> str:
    """The lines of the rule as written in its file: its list item, up to the next one."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return ""
    first = lines[line - 1]
    dash = len(first) - len(first.lstrip(" -")) - 2 if first.lstrip().startswith("-") else None
    if dash is None:
        return first
    taken = [first]
    for text in lines[line:]:
        indent = len(text) - len(text.lstrip())
        if text.strip() and not text.lstrip().startswith("#") and indent <= dash:
            break
        taken.append(text)
    while taken and (not taken[-1].strip() or taken[-1].lstrip().startswith("#")):
        taken.pop()  # blank lines and the comments that head the next rule
    return "\n".join(taken)
