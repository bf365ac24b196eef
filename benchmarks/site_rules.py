#!/usr/bin/env python3
"""What the imported site rules (rules/sites/ftr, issue 21) do on the benchmark pages.

    python benchmarks/site_rules.py                 # scrapinghub and wcxb, every page
    python benchmarks/site_rules.py --sets wcxb

The referee (../shared/bench/score.py) runs `cleannews batch` without URLs, so site rules
apply there only by fingerprints, which imported rule sets do not have.  This script
cleans each page with its URL (ground-truth.json), with and without the site rules
(`--disable sites`), and scores with the referee's own metric (imported from score.py):
html F1 / P / R on the pages of covered sites and on all pages.  It also counts the site
files whose body XPaths match their pages, and what the body would do as a guarded cut
(lines outside it dropped when it holds half the extracted text): the signal the block
model is to learn from.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORE = Path("/work/shared/bench/score.py")


def referee():
    spec = importlib.util.spec_from_file_location("score", SCORE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(name: str):
    truth = json.loads((HERE / "data" / name / "ground-truth.json").read_text(encoding="utf-8"))
    for key, value in truth.items():
        if value.get("type", "article") != "article" or not value.get("url"):
            continue
        data = gzip.decompress((HERE / "data" / name / "html" / f"{key}.html.gz").read_bytes())
        yield key, value["url"], value.get("articleBody", ""), data


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="scrapinghub,wcxb")
    args = ap.parse_args()

    from cleannews.api import load_rules
    from cleannews.document import Document
    from cleannews.errors import CleannewsError
    from cleannews.pipeline import clean_document, extract, site

    score = referee()
    with_sites, without = load_rules(), load_rules(disable=["sites"])
    rows = defaultdict(list)  # (set, pages, variant) -> referee rows
    body_sites, matched_sites, strips_stale, meta_filled = set(), set(), 0, defaultdict(int)
    for name in args.sets.split(","):
        for key, url, truth, data in pages(name):
            host = extract.host_of(url)
            covered = [s for s in with_sites.sites_for(host, "") if s.name.startswith("sites/ftr/")]
            texts = {}
            for variant, rules in (("sites", with_sites), ("none", without)):
                try:
                    texts[variant] = clean_document(Document(source=key, data=data, url=url), rules).text
                except CleannewsError:
                    texts[variant] = ""
            for variant, text in texts.items():
                rows[name, "all", variant].append(score.page_counts(truth, text))
                if covered:
                    rows[name, "covered", variant].append(score.page_counts(truth, text))
            if not covered:
                continue
            doc = Document(source=key, data=data, url=url)
            from cleannews.pipeline import decode

            decode.decode(doc)
            tree = extract.parse(doc)
            active = with_sites.active(None, tuple(s.site for s in covered))
            if active.bodies:
                body_sites.add(covered[0].name)
                found = site.body(tree, active)
                if found:
                    matched_sites.add(covered[0].name)
                guarded = site.body(tree, active, extracted_chars=len(texts["sites"]))
                cut = "\n".join(line for line in texts["sites"].split("\n") if not guarded or guarded.holds(line))
            else:
                cut = texts["sites"]
            rows[name, "covered", "body-cut"].append(score.page_counts(truth, cut))
            strips_stale += bool(site.usable_strips(tree, active, doc.content)[1])
            for field in site.site_metadata(tree, active):
                meta_filled[field] += 1
    print("| set | pages | n | site rules | F1 | P | R |")
    print("|---|---|---|---|---|---|---|")
    for (name, which, variant), found in sorted(rows.items()):
        f1, p, r = score.score(found)
        print(f"| {name} | {which} | {len(found)} | {variant} | {f1:.3f} | {p:.3f} | {r:.3f} |")
    print(f"\nsite files with body rules and pages in the sets: {len(body_sites)}; whose body XPath matches "
          f"at least one of their pages: {len(matched_sites)}; covered pages with a strip left out as stale: "
          f"{strips_stale}; metadata read by site rules: {dict(meta_filled)}")
    print("body files not matching:", sorted(body_sites - matched_sites), file=sys.stderr)


if __name__ == "__main__":
    main()
