#!/usr/bin/env python3
"""Quality benchmark for cleannews: the referee's numbers, reproduced in one run.

    python benchmarks/quality.py                         # all three sets, every row
    python benchmarks/quality.py --sets readability      # one set
    python benchmarks/quality.py --only cleannews        # some rows: cleannews,trafilatura,readability,c4,asis
    CLEANNEWS=/path/to/cleannews python benchmarks/quality.py

Data: three sets of real pages, each with html/<id>.html.gz (the raw pages), text/<id>.txt
(every visible line of each page, boilerplate included) and ground-truth.json (the
article bodies): data/scrapinghub, the 181 pages of ScrapingHub's article-extraction
benchmark (MIT, see its LICENSE), data/readability, 121 pages of Mozilla
Readability's test suite (Apache-2.0, see its LICENSE; its truth is Readability's own
output, photo captions included, and names each page's title), and data/wcxb, the 709
article pages of WCXB's development split (CC-BY-4.0, see its LICENSE; 2025-26, about
1,200 sites, main content reviewed by hand).  Same data and the same metric as the referee (shared/bench/score.py):
4-gram shingles of \\w+ tokens, per-page TP/FP/FN normalised to sum 1, precision and
recall averaged over pages, F1 of the averages; "appeal lines" are output lines not in
the article body that read like a subscription, newsletter, donation or sign-in appeal.

Rows:
- cleannews, html and text mode: `cleannews batch IN -o OUT --format txt` on a temp
  folder holding <id>.html (or <id>.txt), exactly as the referee runs it;
- trafilatura.extract on the page bytes, default and favor_precision=True (html only);
- readability-lxml (`pip install readability-lxml`; without it, trafilatura's port of
  it, labelled so), its summary's text blocks one a line (html only);
- a C4 line filter over the text pages: datatrove's C4QualityFilter with its line rules
  only (the page-level rules off: no spacy for the sentence count here, and dropping
  a whole page for one curly brace is not line filtering), or, without datatrove, the
  same line rules re-implemented here (c4_lines);
- the text pages left as they are.

Beside the table, for cleannews: titles (pages whose title has the expected words, a
site name after a separator aside, of the pages whose truth names one) and empty pages
(cleannews gave no text where trafilatura's default or readability found 100 words or
more, each with the reason cleannews gives).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
SETS = ("scrapinghub", "readability", "wcxb")
ARTICLE_WORDS = 100  # an extraction this long found an article: cleannews giving nothing must say why

# ---------------------------------------------------------------- the metric (as in score.py)

TOKEN = re.compile(r"\w+")
APPEAL = re.compile(
    r"subscri|newsletter|sign[ -]?up|sign in|log ?in|donat|support (us|our)|"
    r"your inbox|follow (us|him|her)|register|already a (member|subscriber)|"
    r"read more|related:|^related\b|copyright|all rights reserved", re.I)


def shingles(text: str, n: int = 4) -> Counter:
    """Counts of the n-grams of \\w+ tokens (a text shorter than n is one shingle)."""
    toks = TOKEN.findall(text or "")
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def page_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """One page's (TP, FP, FN) shingle counts, normalised to sum 1 ((0, 0, 0) when both are empty)."""
    t, p = shingles(truth), shingles(pred)
    tp = sum(min(c, p.get(k, 0)) for k, c in t.items())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))


def recall(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))


def score(rows) -> tuple[float, float, float]:
    """(F1, P, R): P averaged over pages with output, R over pages with a true body, F1 of the two."""
    P = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    R = statistics.mean(recall(*r) for r in rows if r[0] + r[2] > 0)
    return (2 * P * R / (P + R) if P + R else 0.0), P, R


def norm(s: str) -> str:
    return " ".join(s.split())


def appeal_lines(truth: str, pred: str) -> list[str]:
    """Output lines longer than 6 characters that match APPEAL and are not in the true body."""
    t = norm(truth)
    return [l.strip() for l in pred.splitlines()
            if len(l.strip()) > 6 and APPEAL.search(l) and norm(l) not in t]


def evaluate(truths: dict[str, str], preds: dict[str, str]) -> tuple[float, float, float, int]:
    """(F1, P, R, appeal lines) of the predictions (a missing page counts as empty output)."""
    rows, appeals = [], 0
    for key, truth in truths.items():
        pred = preds.get(key) or ""
        rows.append(page_counts(truth, pred))
        appeals += len(appeal_lines(truth, pred))
    return (*score(rows), appeals)


# ---------------------------------------------------------------- the systems

def html_bytes(data: Path, key: str) -> bytes:
    return gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())


def text_page(data: Path, key: str) -> str:
    return (data / "text" / f"{key}.txt").read_text(encoding="utf-8")


def cleannews_exe() -> list[str]:
    if os.environ.get("CLEANNEWS"):
        return shlex.split(os.environ["CLEANNEWS"])
    exe = Path(sys.executable).with_name("cleannews")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleannews"]


def cleannews_batch(data: Path, keys, mode: str, exe: list[str]) -> dict[str, dict]:
    """`cleannews batch IN -o OUT --format json` over <id>.html or <id>.txt, as score.py runs
    it (there with --format txt, whose text is the JSON's "text"): each page's JSON report."""
    tmp = Path(tempfile.mkdtemp(prefix="cn-quality-"))
    try:
        src, dst = tmp / "in", tmp / "out"
        src.mkdir()
        for key in keys:
            if mode == "html":
                (src / f"{key}.html").write_bytes(html_bytes(data, key))
            else:
                shutil.copy(data / "text" / f"{key}.txt", src / f"{key}.txt")
        proc = subprocess.run(exe + ["batch", str(src), "-o", str(dst), "--format", "json"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"[{mode}] cleannews batch exited {proc.returncode}: {proc.stderr.strip()[-600:]}",
                  file=sys.stderr)
        reports = {}
        for key in keys:
            out = dst / f"{key}.json"
            reports[key] = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        return reports
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def words(text: str | None) -> list[str]:
    return TOKEN.findall((text or "").lower())


SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", ": ", " _", " [")


def title_matches(got: str | None, want: str) -> bool:
    """Same words, or the same words as a run of the parts one of them has between
    separators ("Headline | Site", "Site: Headline")."""
    if words(got) == words(want):
        return True
    for a, b in ((got or "", want), (want, got or "")):
        for sep in SEPARATORS:
            parts = a.split(sep)
            runs = (sep.join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1))
            if len(parts) > 1 and any(words(run) == words(b) for run in runs):
                return True
    return False


def titles(gt: dict, reports: dict[str, dict]) -> tuple[int, int]:
    """(pages whose title cleannews found, pages whose truth names a title)."""
    named = [key for key, v in gt.items() if v.get("title")]
    return sum(title_matches(reports[key].get("title"), gt[key]["title"]) for key in named), len(named)


def empties(reports: dict[str, dict], found: dict[str, str]) -> list[tuple[str, int, str]]:
    """Pages cleannews left empty where another extractor found an article: (page, words
    the other found, the reason cleannews gives)."""
    return [(key, len(found[key].split()), report.get("empty", "no reason given"))
            for key, report in reports.items()
            if not (report.get("text") or "").strip() and len(found.get(key, "").split()) >= ARTICLE_WORDS]


def readability_text(page: bytes) -> str:
    """readability-lxml's article, one text block a line; trafilatura's port when it is missing."""
    from lxml.html import fromstring

    try:
        from readability import Document
    except ImportError:
        from trafilatura.readability_lxml import Document
    try:
        summary = fromstring(Document(fromstring(page)).summary())
    except Exception:  # noqa: BLE001 - a page it cannot read gives nothing, as for any peer
        return ""
    blocks = [" ".join(el.text_content().split()) for el in summary.iter("p", "h1", "h2", "h3", "h4", "h5", "h6",
                                                                          "li", "pre", "blockquote", "td")
              if not any(a.tag in ("p", "li", "blockquote", "td") for a in el.iterancestors())]
    return "\n".join(b for b in blocks if b) or " ".join(summary.text_content().split())


def readability_name() -> str:
    try:
        from importlib.metadata import version

        return f"readability-lxml {version('readability-lxml')}"
    except Exception:  # noqa: BLE001
        return "readability (trafilatura's port)"


CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")


def c4_lines(text: str) -> str:
    """C4's line rules as datatrove's C4QualityFilter applies them (page-level rules off):
    a line is kept when no word is over 1000 characters and, citations like [1] removed, it
    ends in . ? ! " or ' (not ...), has at least 3 words and mentions neither javascript nor
    a cookie or policy phrase."""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        words = line.split()
        if any(len(w) > 1000 for w in words):
            continue
        line = CITATION.sub("", line)
        if not line.endswith((".", "?", "!", '"', "'")) or line.endswith("..."):
            continue
        if len(words) < 3:
            continue
        low = line.lower()
        if "javascript" in low or any(p in low for p in POLICY):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def c4_filter():
    """(function text -> kept text, its name): datatrove's filter when importable, else c4_lines."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        return c4_lines, "C4 line rules (re-implemented, datatrove missing)"
    step = C4QualityFilter(min_num_sentences=-1, filter_curly_bracket=False, filter_lorem_ipsum=False)

    def run(text: str) -> str:
        doc = Document(text=text, id="page")
        return doc.text if step.filter(doc) is True else ""
    return run, "datatrove C4QualityFilter, line rules"


# ---------------------------------------------------------------- the table

def versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": sys.version.split()[0]}
    for name in ("cleannews", "trafilatura", "datatrove"):
        try:
            out[name] = version(name)
        except Exception:  # noqa: BLE001
            out[name] = "missing"
    return out


def fmt(res) -> list[str]:
    if res is None:
        return ["-", "-", "-", "-"]
    f1, p, r, appeals = res
    return [f"{f1:.3f}", f"{p:.3f}", f"{r:.3f}", str(appeals)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="folder holding the sets (each html/, text/, ground-truth.json)")
    ap.add_argument("--sets", default=",".join(SETS), help="sets to run, comma-separated")
    ap.add_argument("--only", default="cleannews,trafilatura,readability,c4,asis", help="rows to run, comma-separated")
    args = ap.parse_args()
    v = versions()
    print(f"{time.strftime('%Y-%m-%d')}; cleannews {v['cleannews']}, trafilatura {v['trafilatura']}, "
          f"datatrove {v['datatrove']}, {readability_name()}, Python {v['python']}")
    for name in args.sets.split(","):
        run_set(name, args.data / name, set(args.only.split(",")))


def run_set(name: str, data: Path, only: set[str]) -> None:
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    truths = {key: v.get("articleBody", "") for key, v in gt.items()}
    keys = list(truths)
    rows, notes = [], []  # rows: (system, html result or None, text result or None)

    def step(row: str) -> bool:
        if row in only:
            print(f"... {name}: {row}", file=sys.stderr, flush=True)
        return row in only

    pages = {k: html_bytes(data, k) for k in keys}
    found = {}  # the others' extractions, for the empty-page count
    if step("trafilatura"):
        import trafilatura

        for label, kw in (("default", {}), ("favor_precision", {"favor_precision": True})):
            preds = {k: trafilatura.extract(pages[k], **kw) or "" for k in keys}
            rows.append((f"trafilatura.extract, {label}", evaluate(truths, preds), None))
            if label == "default":
                found = dict(preds)
    if step("readability"):
        preds = {k: readability_text(pages[k]) for k in keys}
        rows.append((readability_name(), evaluate(truths, preds), None))
        found = {k: max(found.get(k, ""), preds[k], key=lambda t: len(t.split())) for k in keys}
    if step("cleannews"):
        exe = cleannews_exe()
        reports = {mode: cleannews_batch(data, keys, mode, exe) for mode in ("html", "text")}
        texts = {mode: {k: r.get("text") or "" for k, r in reports[mode].items()} for mode in reports}
        rows.insert(0, ("cleannews", evaluate(truths, texts["html"]), evaluate(truths, texts["text"])))
        for mode in ("html", "text"):
            got, named = titles(gt, reports[mode])
            if named:
                notes.append(f"cleannews {mode} titles: {got} of {named} ({got / named:.0%})")
            if found:
                empty = empties(reports[mode], found)
                notes.append(f"cleannews {mode} empty where another found {ARTICLE_WORDS}+ words: {len(empty)}"
                             + "".join(f"\n  {key}: {count} words; {why}" for key, count, why in empty))
    texts = {k: text_page(data, k) for k in keys}
    if step("c4"):
        fn, c4 = c4_filter()
        rows.append((f"C4 line filter ({c4})", None, evaluate(truths, {k: fn(t) for k, t in texts.items()})))
    if step("asis"):
        rows.append(("text left as it is", None, evaluate(truths, texts)))

    print()
    print(f"{name}: {len(keys)} pages")
    print()
    print("| system | html F1 | P | R | appeal lines | text F1 | P | R | appeal lines |")
    print("|---|---|---|---|---|---|---|---|---|")
    for system, html, text in rows:
        print("| " + " | ".join([system] + fmt(html) + fmt(text)) + " |")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
