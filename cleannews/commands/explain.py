"""`cleannews explain`: one page with what was removed, and why, marked."""
from __future__ import annotations

import click

from cleannews.commands.common import (
    SITE,
    PageCommand,
    favor_option,
    limit_options,
    limits,
    load,
    notice,
    reading_stdin,
    rule_options,
)

EPILOG = """\b
Examples:
  cleannews explain page.html
  cleannews explain page.txt --url https://www.themoscowtimes.com/2021/06/03/x
  cleannews explain page.html --diff | less
  cleannews explain page.txt --disable sites --no-pager
  cleannews explain page.txt --rules rules/learned/ --site example.com
"""


@click.command(cls=PageCommand, epilog=EPILOG)
@click.argument("input", default="-", type=click.Path(exists=True, allow_dash=True, path_type=str))
@click.option("--diff", "as_diff", is_flag=True,
              help="A unified diff from the input blocks to the clean body instead.")
@click.option("--url", help="Where the page came from (site rules, metadata).")
@SITE
@click.option("--pager/--no-pager", default=True, show_default=True,
              help="Page long output on a terminal ($PAGER, or less). Never in a pipe.")
@limit_options
@favor_option
@rule_options
def explain(input, as_diff, url, site, pager, max_bytes, timeout, max_removed, favor, extra_rules, no_builtin_rules, disable):
    """Show one page with every removed block struck through and labelled
    with its category and rule id ('-' or nothing: standard input).

    A header gives the title and metadata (site, language, kind, the site
    rule sets that applied); HTML elements dropped by selector rules before
    extraction come next, then every block of the input in order.  Colour
    only on a terminal; NO_COLOR turns colour off.  cleannews' own output
    (its .meta.json beside it) is cleaned by the rules only, and the header
    says so.
    """
    from cleannews.commands.clean import RULES_ONLY
    from cleannews.corpus import again
    from cleannews.runs.explain import diff, make_console, show
    from cleannews.runs.explain import explain as render

    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable, site=site)
    bounds = limits(max_bytes, timeout, max_removed, favor)
    if input == "-":
        reading_stdin()
    doc, earlier = again.read_page(input, url=url, max_bytes=bounds.max_bytes)
    if earlier is not None:
        notice(f"{doc.source}: {RULES_ONLY}")
    doc = again.clean(doc, earlier, ruleset, bounds)
    notice(f"{doc.source}: {doc.kind}, {len(doc.blocks)} blocks, {len(doc.kept)} kept, "
           f"{len(doc.removed)} removals", verbose=True)
    renderable = diff(doc) if as_diff else render(doc)
    if as_diff and not renderable.plain:
        notice(f"{doc.source}: nothing removed, no diff", verbose=True)
        return  # like diff(1): nothing to show, nothing printed
    show(make_console(), renderable, pager=pager)
