"""`cleannews learn`: a site's repeated boilerplate into YAML rule sets to review."""
from __future__ import annotations

import os
from pathlib import Path

import click

from cleannews.commands.common import field_options, global_flag, load, notice, rule_options, site_domain
from cleannews.errors import printable

EPILOG = """\b
Examples:
  cleannews learn scraped/ -o rules/learned/
  cleannews learn crawl.warc.gz corpus.jsonl.zst -o rules/learned/ -j 8
  cleannews learn pages/ --site example.com --min-share 0.5 --exclude "Reuters" -o rules/learned/
  cleannews rules test rules/learned/ && cleannews clean --rules rules/learned/ page.html
"""


@click.command(epilog=EPILOG)
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the rule sets, one <site>.yaml per site.")
@click.option("--min-pages", type=click.IntRange(min=2), default=3, show_default=True,
              help="A block is learned when it is on at least this many pages of its site ...")
@click.option("--min-share", type=click.FloatRange(0, 1), default=0.3, show_default=True,
              help="... and on at least this share of them.")
@click.option("--exclude", multiple=True, metavar="PHRASE",
              help="Never learn a block holding this phrase (or matching /regex/); repeatable.")
@click.option("--site", metavar="DOMAIN",
              help="The site of pages that come without a URL (else: the site rule set whose fingerprints they hold).")
@click.option("--include-classified", is_flag=True,
              help="Also learn blocks that the classifier already removes on every page.")
@click.option("--save-counts", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the counts here (see cleannews.learn.Counts.load), to merge with other shards.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores). The rule sets are the same whatever the number.")
@field_options
@rule_options
def learn(sources, output, min_pages, min_share, exclude, site, include_classified, save_counts, jobs,
          text_field, html_field, url_field, id_field, extra_rules, no_builtin_rules, disable):
    """Learn the blocks that recur across each site's pages, as one rule set per site.

    SOURCES are pages (HTML, text, Markdown), folders of them, JSONL corpora
    and WARC files.  Each page is cleaned as `cleannews clean` would; the
    blocks the rules leave are counted per site (the URL's host; for text
    without a URL, --site or the fingerprints of the site rule sets), and
    those on at least --min-pages pages and --min-share of the site's pages
    become exact-phrase rules in OUTPUT/<site>.yaml, each with the pages it
    was on and the blocks it was learned from as its drop examples.  Blocks
    that look like article text are listed as comments, not learned.
    Review the files, then clean with --rules OUTPUT.  The written paths go
    to stdout.
    """
    from cleannews.corpus.records import Fields
    from cleannews.corpus.write import atomic_write
    from cleannews.learn import Options, categorizer, site_sets
    from cleannews.learn import learn as run

    site = site_domain(site)
    # a rule error stops here, before any page; pages cleaned as `clean --site` would
    ruleset = load(extra_rules=extra_rules, no_builtin_rules=no_builtin_rules, disable=disable, site=site)
    options = Options(min_pages=min_pages, min_share=min_share, site=site, jobs=jobs or os.cpu_count() or 1,
                      rules=ruleset.spec, fields=Fields(text_field, html_field, url_field, id_field))

    def report(message: str) -> None:
        click.echo(f"cleannews: {printable(message)}", err=True)

    counts, summary = run(list(sources), options, report=report)
    if save_counts:
        counts.save(save_counts)
    files = counts.rule_sets(min_pages, min_share, exclude=exclude, include_classified=include_classified,
                             sites=site_sets(ruleset), categorize=categorizer(ruleset))
    for name, learned in sorted(files.items()):
        path = output / f"{name}.yaml"
        try:
            atomic_write(path, learned.text)
        except (OSError, ValueError) as exc:  # one site's file (a name too long, a full disk): the others still go
            summary.errors += 1
            report(f"{path}: cannot write the rule set of {name} ({getattr(exc, 'strerror', None) or exc})")
            continue
        click.echo(str(path))
        notice(f"{name}: {counts.pages[name]} pages, {learned.rules} rules, {learned.held} held back", verbose=True)
    quiet = global_flag("quiet")
    if not quiet:
        extra = []
        if summary.no_site:
            extra.append(f"{summary.no_site} without a site (give --site)")
        if summary.skipped:
            extra.append(f"{summary.skipped} WARC records not HTML")
        if summary.errors:
            extra.append(f"{summary.errors} failed")
        notice(f"{summary.pages} pages of {len(counts.pages)} sites, {len(files)} rule sets written to {output}"
               + (f" ({'; '.join(extra)})" if extra else ""))
    return 1 if summary.errors else 0
