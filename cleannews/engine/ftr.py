"""Full-Text RSS site configs (github.com/fivefilters/ftr-site-config) as cleannews site rule sets.

FiveFilters' community has kept extraction rules for two thousand news sites since 2011,
in the public domain (CC0).  Each `example.com.txt` holds directives, one a line; those
that say where the article is or what to remove from it become rules, the others (fetching,
multi-page, string replacement, login) mean nothing to text already fetched and are listed
as not used, per file, so that nothing is dropped silently:

    body:               kind: body          (where the article is: a signal, see pipeline/site.py)
    strip:              selector (XPath)    (elements removed before extraction)
    strip_id_or_class:  selector            (elements whose class or id contains the string)
    strip_image_src:    selector            (images whose src contains the string)
    title/author/date:  kind: metadata      (read before trafilatura's guesses)
    test_url:           source.test_urls    (pages the site's rules were written for)

`strip_id_or_class` keeps Full-Text RSS's meaning, a substring of the class or id, written
as a union of two `contains()` tests so that the extraction's prefilter skips it on pages
whose source lacks the string.  File names give the scope, as upstream: `example.com.txt`
covers example.com and www.example.com, `.example.com.txt` every subdomain but those
(`site: "*.example.com"`, written to `_.example.com.yaml`).  `global.txt` applies to every
site upstream and is left out: site rules must not change the pages of other sites.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cleannews.engine.ruleset import INDEX_FILE, xpath_problem

UPSTREAM = "https://github.com/fivefilters/ftr-site-config"
ID_PREFIX = "ftr."
KINDS = {"body": "body", "strip": "selector", "strip_id_or_class": "selector", "strip_image_src": "selector",
         "title": "metadata", "author": "metadata", "date": "metadata"}
SKIPPED_FILES = {"global.txt": "rules for every site upstream: left out, site rules must not change other sites' pages",
                 "LICENSE.txt": "the licence, copied beside"}
COPIED = ("LICENSE.txt", "SOURCE.md")  # kept beside the rules: the licence, and which commit they are
_LINE = re.compile(r"([A-Za-z_]+)(?:\((.*?)\))?\s*:(.*)")
_DOMAIN = re.compile(r"\.?[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)


@dataclass
class Refused:
    """A directive left out of the rules: its file, line and why."""

    file: str
    line: int
    directive: str
    reason: str
    what: str = "xpath"  # xpath (cannot serve), duplicate (an earlier line says it), line (no directive)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.directive}: {self.reason}"


@dataclass
class Converted:
    """One site config as a rule set: the YAML mapping, and what it used and did not."""

    stem: str  # the output file's name without .yaml
    site: str
    subdomains: bool
    data: dict
    mapped: Counter = field(default_factory=Counter)  # directive -> lines made into rules or kept
    not_used: dict = field(default_factory=dict)  # directive -> its line numbers
    refused: list = field(default_factory=list)


@dataclass
class Report:
    files: int = 0
    skipped: list = field(default_factory=list)  # (file, reason)
    sites: list = field(default_factory=list)  # Converted
    rules: Counter = field(default_factory=Counter)  # kind or field -> rules made

    @property
    def refused(self) -> list[Refused]:
        return [r for c in self.sites for r in c.refused]

    def summary(self) -> str:
        mapped = Counter()
        unused = Counter()
        for c in self.sites:
            mapped += c.mapped
            unused.update({d: len(lines) for d, lines in c.not_used.items()})
        refused = Counter(r.what for r in self.refused)

        def counts(counter, n=None):
            return ", ".join(f"{k} {v:,}" for k, v in counter.most_common(n))

        return (f"{self.files:,} files read, {len(self.sites):,} site rule sets written"
                + (f" ({len(self.skipped)} files skipped: {', '.join(f for f, _ in self.skipped)})" if self.skipped else "")
                + f"; {sum(self.rules.values()):,} rules made ({counts(self.rules)})"
                + f"; directives mapped: {sum(mapped.values()):,} ({counts(mapped)})"
                + f"; not used: {sum(unused.values()):,} ({counts(unused, 12)}"
                + (", ..." if len(unused) > 12 else "") + ")"
                + f"; {refused['xpath']} XPaths refused, {refused['duplicate']} duplicate lines and "
                f"{refused['line']} lines that are no directive left out")


def site_of(name: str) -> tuple[str, str, bool] | None:
    """The output stem, site and subdomain scope of an upstream file name; None for a file
    that names no site."""
    if not name.endswith(".txt") or not _DOMAIN.fullmatch(name[:-4]):
        return None
    domain = name[:-4].lower()
    if domain.startswith("."):
        return "_" + domain, "*" + domain, False
    domain = domain.removeprefix("www.")  # upstream drops www. from the host before it looks
    return domain, domain, False


def convert(path: Path, meta: dict) -> Converted:
    """The rule set of one site config; `meta`: where the folder comes from (url, commit, licence)."""
    stem, site, subdomains = site_of(path.name)
    result = Converted(stem, site, subdomains, {})
    rules, seen, ids = [], set(), set()
    test_urls = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _LINE.fullmatch(line)
        if not found:
            result.refused.append(Refused(path.name, number, line[:40], "not a directive (`name: value`)", "line"))
            continue
        directive, value = found.group(1).lower(), found.group(3).strip()
        if directive == "test_url" and value:
            test_urls.append(value)
            result.mapped[directive] += 1
            continue
        if directive not in KINDS or found.group(2) is not None:
            result.not_used.setdefault(found.group(1) if found.group(2) is None else f"{found.group(1)}(...)",
                                       []).append(number)
            continue
        rule = _rule(path.name, number, directive, value, stem, result)
        if rule is None:
            continue
        if (directive, value) in seen:
            result.refused.append(Refused(path.name, number, directive, "the same as an earlier line", "duplicate"))
            continue
        seen.add((directive, value))
        while rule["id"] in ids:  # two values of one digest: unlikely, but ids must be unique
            rule["id"] += "x"
        ids.add(rule["id"])
        rules.append(rule)
        result.mapped[directive] += 1
    scope = (f"every subdomain of {site[2:]} (not {site[2:]} nor www.{site[2:]})" if site.startswith("*.")
             else f"{site} and www.{site}")
    source = {"name": "Full-Text RSS site config", "file": path.name, "url": meta["url"]}
    if meta.get("commit"):
        source["commit"] = meta["commit"]
    source["licence"] = meta["licence"]
    if test_urls:
        source["test_urls"] = test_urls
    if result.not_used:
        source["not_used"] = {d: lines for d, lines in result.not_used.items()}
    result.data = {"description": f"Site rules for {scope}, from Full-Text RSS's {path.name}.", "site": site}
    if not site.startswith("*."):
        result.data["subdomains"] = subdomains
    result.data.update({"category": "boilerplate", "source": source, "rules": rules})
    return result


def _rule(file: str, number: int, directive: str, value: str, stem: str, result: Converted) -> dict | None:
    """The rule of one directive line, None when refused (noted in `result.refused`)."""
    kind = KINDS[directive]
    if directive in ("strip_id_or_class", "strip_image_src"):
        literal = value.replace("'", "").replace('"', "")  # as upstream does
        if not literal:
            result.refused.append(Refused(file, number, directive, "empty"))
            return None
        xpath = (f"//*[contains(@class, '{literal}')] | //*[contains(@id, '{literal}')]"
                 if directive == "strip_id_or_class" else f"//img[contains(@src, '{literal}')]")
    else:
        xpath = value
    problem = xpath_problem(xpath, elements=kind != "metadata") if xpath else "empty"
    if problem:
        result.refused.append(Refused(file, number, directive, problem))
        return None
    name = {"selector": "strip", "body": "body"}.get(kind, directive)
    digest = hashlib.blake2b(f"{directive}\0{value}".encode(), digest_size=3).hexdigest()
    rule = {"id": f"{ID_PREFIX}{stem}.{name}-{digest}"}
    if kind != "selector":
        rule["kind"] = kind
    if kind == "metadata":
        rule["field"] = directive
    rule["xpath"] = xpath
    what = {"body": "where the article is", "metadata": f"the page's {directive}"}.get(
        kind, "elements removed before extraction" if directive == "strip"
        else f"elements whose class or id contains {value!r}" if directive == "strip_id_or_class"
        else f"images whose src contains {value!r}")
    rule["description"] = f"{what} (`{directive}:`, {file} line {number})"
    return rule


def source_meta(folder: Path) -> dict:
    """Where the folder comes from: its upstream, commit (git, or named in SOURCE.md) and licence."""
    import subprocess

    commit = None
    if (folder / ".git").exists():
        done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True)
        commit = done.stdout.strip() or None
    if commit is None and (folder / "SOURCE.md").is_file():
        found = re.search(r"\bcommit\s+([0-9a-f]{7,40})\b", (folder / "SOURCE.md").read_text(errors="replace"))
        commit = found.group(1) if found else None
    licence = "see the upstream repository (no LICENSE.txt in the folder imported)"
    if (folder / "LICENSE.txt").is_file():
        text = (folder / "LICENSE.txt").read_text(errors="replace")
        licence = ("CC0-1.0 (public domain)" if "publicdomain/zero" in text
                   else "as LICENSE.txt beside says: " + " ".join(text.split()[:12]))
    return {"url": UPSTREAM, "commit": commit, "licence": licence}


def import_folder(folder: Path, out: Path) -> Report:
    """Convert every site config of `folder` into `out`: one YAML rule set a site, an
    INDEX_FILE so that they load one site at a time, and the upstream licence and source
    notes beside.  Rule sets of an earlier import that upstream no longer has are removed;
    a folder that holds other files is refused (OSError names it), not mixed."""
    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if out.exists() and any(out.iterdir()) and not (out / INDEX_FILE).is_file():
        raise FileExistsError(f"{out}: not empty, and not a folder `rules import` wrote (no {INDEX_FILE})")
    meta = source_meta(folder)
    report = Report(files=len(files))
    by_stem = {}
    for path in files:
        if path.name in SKIPPED_FILES or site_of(path.name) is None:
            report.skipped.append((path.name, SKIPPED_FILES.get(path.name, "names no site")))
            continue
        stem = site_of(path.name)[0]
        if stem in by_stem:  # www.example.com.txt beside example.com.txt: upstream reads the latter
            report.skipped.append((path.name, f"upstream reads {by_stem[stem].name} for this site"))
            continue
        by_stem[stem] = path
    for stem, path in sorted(by_stem.items()):
        converted = convert(path, meta)
        report.sites.append(converted)
        for rule in converted.data["rules"]:
            report.rules[rule.get("field") or rule.get("kind", "strip")] += 1
    _write(out, folder, report, meta)
    return report


def _write(out: Path, folder: Path, report: Report, meta: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    written = set()
    index = [f"# Site rule sets converted from Full-Text RSS's site configs ({meta['url']}"
             + (f", commit {meta['commit']}" if meta.get("commit") else "") + f"), {meta['licence']}.",
             "# Written by `cleannews rules import ftr`: one line a file, read at start-up; a file is read",
             "# when a page of its site is cleaned.  site, subdomains, file, rule id prefix, apart by tabs."]
    for c in report.sites:
        name = f"{c.stem}.yaml"
        header = [f"# {c.data['description']}",
                  f"# Converted by `cleannews rules import ftr` from {c.data['source']['file']} of {meta['url']}"
                  + (f" (commit {meta['commit'][:12]})" if meta.get("commit") else "") + ",",
                  f"# licence {meta['licence']}: LICENSE.txt beside.  Change it upstream and import again.",
                  "# Not used here: " + (", ".join(f"{d} (line{'s' if len(n) > 1 else ''} {', '.join(map(str, n))})"
                                                   for d, n in c.not_used.items()) or "none") + "."]
        body = yaml.dump(c.data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                         default_flow_style=False)
        (out / name).write_text("\n".join(header) + "\n" + body, encoding="utf-8")
        written.add(name)
        index.append(f"{c.site}\t{'yes' if c.subdomains else 'no'}\t{name}\t{ID_PREFIX}{c.stem}.")
    (out / INDEX_FILE).write_text("\n".join(index) + "\n", encoding="utf-8")
    for stale in out.glob("*.yaml"):
        if stale.name not in written:
            stale.unlink()
    for name in COPIED:
        if (folder / name).is_file():
            shutil.copyfile(folder / name, out / name)


class _Dumper(yaml.SafeDumper):
    """Line numbers (`not_used`) on one line: a list of numbers a line each reads as rules."""


_Dumper.add_representer(list, lambda dumper, items: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", items, flow_style=bool(items) and all(isinstance(i, int) for i in items)))
