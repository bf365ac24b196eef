#!/usr/bin/env python3
"""Quality benchmark for cleannews (issue 3): the referee's numbers, reproduced in one run.

    python benchmarks/quality.py                         # every row
    python benchmarks/quality.py --only cleannews        # some rows: cleannews,trafilatura,c4,asis
    CLEANNEWS=/path/to/cleannews python benchmarks/quality.py

Data: the 181 pages of ScrapingHub's article-extraction benchmark (MIT, see
data/scrapinghub/LICENSE): html/<id>.html.gz (the raw pages), text/<id>.txt (every
visible line of each page, boilerplate included) and ground-truth.json (the article
bodies).  Same data and the same metric as the referee (shared/bench/score.py):
4-gram shingles of \\w+ tokens, per-page TP/FP/FN normalised to sum 1, precision and
recall averaged over pages, F1 of the averages; "appeal lines" are output lines not in
the article body that read like a subscription, newsletter, donation or sign-in appeal.

Rows:
- cleannews, html and text mode: `cleannews batch IN -o OUT --format txt` on a temp
  folder holding <id>.html (or <id>.txt), exactly as the referee runs it;
- trafilatura.extract on the page bytes, default and favor_precision=True (html only);
- a C4 line filter over the text pages: datatrove's C4QualityFilter with its line rules
  only (the page-level rules off: no spacy for the sentence count here, and dropping
  a whole page for one curly brace is not line filtering), or, without datatrove, the
  same line rules re-implemented here (c4_lines);
- the text pages left as they are.
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
DATA = HERE / "data" / "scrapinghub"

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

def load(data: Path) -> dict[str, str]:
    gt = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: v.get("articleBody", "") for key, v in gt.items()}


def html_bytes(data: Path, key: str) -> bytes:
    return gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())


def text_page(data: Path, key: str) -> str:
    return (data / "text" / f"{key}.txt").read_text(encoding="utf-8")


def cleannews_exe() -> list[str]:
    if os.environ.get("CLEANNEWS"):
        return shlex.split(os.environ["CLEANNEWS"])
    exe = Path(sys.executable).with_name("cleannews")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleannews"]


def cleannews_batch(data: Path, keys, mode: str, exe: list[str]) -> dict[str, str]:
    """`cleannews batch IN -o OUT --format txt` over <id>.html or <id>.txt, as score.py runs it."""
    tmp = Path(tempfile.mkdtemp(prefix="cn-quality-"))
    try:
        src, dst = tmp / "in", tmp / "out"
        src.mkdir()
        for key in keys:
            if mode == "html":
                (src / f"{key}.html").write_bytes(html_bytes(data, key))
            else:
                shutil.copy(data / "text" / f"{key}.txt", src / f"{key}.txt")
        proc = subprocess.run(exe + ["batch", str(src), "-o", str(dst), "--format", "txt"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"[{mode}] cleannews batch exited {proc.returncode}: {proc.stderr.strip()[-600:]}",
                  file=sys.stderr)
        preds = {}
        for key in keys:
            out = dst / f"{key}.txt"
            preds[key] = out.read_text(encoding="utf-8") if out.exists() else ""
        return preds
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
    ap.add_argument("--data", type=Path, default=DATA, help="folder with html/, text/ and ground-truth.json")
    ap.add_argument("--only", default="cleannews,trafilatura,c4,asis", help="rows to run, comma-separated")
    args = ap.parse_args()
    only = set(args.only.split(","))
    truths = load(args.data)
    keys = list(truths)
    rows = []  # (system, html result or None, text result or None)

    def step(name: str) -> bool:
        if name in only:
            print(f"... {name}", file=sys.stderr, flush=True)
        return name in only

    if step("cleannews"):
        exe = cleannews_exe()
        rows.append(("cleannews", evaluate(truths, cleannews_batch(args.data, keys, "html", exe)),
                     evaluate(truths, cleannews_batch(args.data, keys, "text", exe))))
    if step("trafilatura"):
        import trafilatura

        pages = {k: html_bytes(args.data, k) for k in keys}
        for label, kw in (("default", {}), ("favor_precision", {"favor_precision": True})):
            preds = {k: trafilatura.extract(pages[k], **kw) or "" for k in keys}
            rows.append((f"trafilatura.extract, {label}", evaluate(truths, preds), None))
    texts = {k: text_page(args.data, k) for k in keys}
    if step("c4"):
        fn, name = c4_filter()
        rows.append((f"C4 line filter ({name})", None, evaluate(truths, {k: fn(t) for k, t in texts.items()})))
    if step("asis"):
        rows.append(("text left as it is", None, evaluate(truths, texts)))

    v = versions()
    print(f"{time.strftime('%Y-%m-%d')}; {len(keys)} pages; cleannews {v['cleannews']}, "
          f"trafilatura {v['trafilatura']}, datatrove {v['datatrove']}, Python {v['python']}")
    print()
    print("| system | html F1 | P | R | appeal lines | text F1 | P | R | appeal lines |")
    print("|---|---|---|---|---|---|---|---|---|")
    for system, html, text in rows:
        print("| " + " | ".join([system] + fmt(html) + fmt(text)) + " |")


if __name__ == "__main__":
    main()
