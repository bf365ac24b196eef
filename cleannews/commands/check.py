"""`cleannews check` and `cleannews fix`: pre-commit hooks for text corpora kept in git."""
from __future__ import annotations

from pathlib import Path

import click

from cleannews.commands.batch import batch
from cleannews.commands.common import field_options, limit_options, limits, load, notice, rule_options
from cleannews.errors import InputError

EPILOG_CHECK = """\b
Examples:
  cleannews check .
  cleannews check corpus/ --exclude 'drafts/*'
  cleannews check articles.jsonl --text-field body
  git ls-files '*.md' | xargs cleannews check
"""
EPILOG_FIX = """\b
Examples:
  cleannews fix corpus/
  cleannews fix corpus/*.txt articles.jsonl.zst
"""
# a folder is walked as `batch` walks it, so its --include/--exclude choose the same files
_WALK_OPTIONS = [param for param in batch.params if param.name in ("include", "exclude")]


def _files(paths, include, exclude, skip, fail):
    """(path, named) for every file to check, in the order given: a file named is checked
    whatever it is (and whatever the globs say, as ruff and black do); a folder is walked as
    `batch` walks it (hidden entries and links to folders passed over, files that are no page
    told by their bytes, --include/--exclude applied) and what it holds but check cannot read
    (WARC archives, and HTML pages, see _run) is skipped and counted."""
    from cleannews.runs.batch import plan_entries

    for path in paths:
        if not path.is_dir():
            yield path, True
            continue
        for entry in plan_entries([path], Path("."), "txt", include, exclude, skip, fail, writes=False):
            if entry.kind == "warc":
                skip(entry.path, "a WARC archive (for `cleannews batch`)")
            else:
                yield entry.path, False


def _run(paths, write, fields, ruleset, bounds, include=(), exclude=()) -> int:
    from cleannews.errors import printable
    from cleannews.runs.fix import NotText, check_path
    from cleannews.runs.summary import counted

    count = {"files": 0, "found": 0, "failed": 0, "skipped": 0}

    def report(error: InputError) -> None:
        count["failed"] += 1
        click.echo(f"cleannews: {printable(str(error))}", err=True)

    def skip(path, why: str) -> None:
        count["skipped"] += 1
        notice(f"{printable(str(path))}: {why}; skipped", verbose=True)

    for path, named in _files(paths, include, exclude, skip, lambda path, why: report(InputError(str(path), why))):
        try:
            findings, errors = check_path(path, ruleset, fields, write=write, limits=bounds)
        except NotText as exc:  # an HTML page: an error when named, passed over in a folder
            if named:
                report(exc)
            else:
                skip(path, exc.reason)
            continue
        except InputError as exc:
            count["files"] += 1
            report(exc)
            continue
        count["files"] += 1
        count["found"] += bool(findings)
        notice(f"{printable(str(path))}: {len(findings)} {'fixed' if write else 'found'}, {len(errors)} errors",
               verbose=True)
        for finding in findings:
            click.echo(("fixed " if write else "") + str(finding))
        for error in errors:  # bad records of a JSONL file: errors, counted, and the exit code says so
            report(error)
    skipped = f", {count['skipped']} skipped" if count["skipped"] else ""
    notice(f"{counted(count['files'], 'file')}, {count['found']} {'fixed' if write else 'with boilerplate'}, "
           f"{counted(count['failed'], 'error')}{skipped}")
    return 1 if count["failed"] or (count["found"] and not write) else 0


def _hook_command(epilog: str):
    """The arguments and options `check` and `fix` share; the command gets `write` and its options."""
    def decorate(f):
        for option in (rule_options, limit_options, field_options,
                       click.argument("paths", nargs=-1, required=True,
                                      type=click.Path(exists=True, path_type=Path))):
            f = option(f)
        command = click.command(epilog=epilog)(f)
        command.params[1:1] = _WALK_OPTIONS  # after PATHS, as in `batch`
        return command
    return decorate


def _hook(write, paths, include, exclude, text_field, html_field, url_field, id_field, max_bytes, timeout,
          max_removed, extra_rules, no_builtin_rules, disable):
    from cleannews.corpus.records import Fields

    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable)
    return _run(paths, write, Fields(text_field, html_field, url_field, id_field), ruleset,
                limits(max_bytes, timeout, max_removed), include, exclude)


@_hook_command(EPILOG_CHECK)
def check(**options):
    """Exit 1 when a text, Markdown or JSONL file still holds boilerplate.

    Lists file, line, rule and category for every block the rule sets would
    remove (rules only: no classifier, no headline).  Exit 0 when all are clean.
    PATHS are files and folders; a folder is walked as `batch` walks it.
    """
    return _hook(False, **options)


@_hook_command(EPILOG_FIX)
def fix(**options):
    """Remove boilerplate from text, Markdown and JSONL files in place.

    Each file is rewritten atomically, only the lines of removed blocks go,
    and fixing a fixed file changes nothing.  A read-only file is left
    untouched and reported.  PATHS are files and folders, as for `check`.
    """
    return _hook(True, **options)
