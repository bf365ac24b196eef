#!/usr/bin/env python3
"""Speed benchmark for cleannews (issue 9): prints one table, every ratio measured in this run.

    python benchmarks/speed.py                      # all rows
    python benchmarks/speed.py --only html,text     # some rows
    python benchmarks/speed.py --memory-mb 1024     # size of the streamed corpus (row 5)

Rows: 1 HTML pages/s against trafilatura.extract (default settings) on the 181 benchmark
pages; 2 text-path MB/s on a JSONL corpus of the text/ pages against a C4 line filter and a
bare split-lines-and-words loop; 3 the text path with 0/500/5,000/20,000 generated rules;
4 `batch -j2` against `-j1`; 5 peak RSS of the batch process tree streaming a large JSONL
corpus; 6 whole-process time of `cleannews clean` on one small page; 7 the same on real HTML
pages, one at a time (trafilatura's import and a date search are paid by each).  A
benchmark, not a test: the machine is shared, so each comparison alternates its two sides
and keeps the best of several rounds.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
DATA = HERE / "data" / "scrapinghub"
# real pages for the HTML start-up row: cnet-svg-classes once took 4.6 s, its date sending
# dateparser through all of its languages; ehow-1 and the WSJ page also reach dateparser or
# declare a paywall; the NYT page is a large one
STARTUP_PAGES = {"cnet-svg-classes": "readability/html/cnet-svg-classes.", "ehow-1": "readability/html/ehow-1.",
                 "WSJ 042bb7b5": "scrapinghub/html/042bb7b5", "NYT 702d1da6": "scrapinghub/html/702d1da6"}
CLI = [sys.executable, "-m", "cleannews"]


def best(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def alternate(a, b, rounds: int) -> tuple[float, float]:
    """Best time of each side, the sides taking turns so that load on the machine hits both."""
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(best(a, 1))
        tb.append(best(b, 1))
    return min(ta), min(tb)


def html_row(data: Path, rounds: int) -> list:
    import trafilatura

    from cleannews.api import load_rules
    from cleannews.document import Document
    from cleannews.pipeline import clean_document

    pages = [gzip.decompress(p.read_bytes()) for p in sorted((data / "html").glob("*.html.gz"))]
    rules = load_rules()
    clean_document(Document(source="warm", data=pages[0]), rules)
    trafilatura.extract(pages[0])
    ours, theirs = alternate(lambda: [clean_document(Document(source="p", data=d), rules) for d in pages],
                             lambda: [trafilatura.extract(d) for d in pages], rounds)
    n = len(pages)
    return [("HTML pages/s, one process", f"{n / ours:.1f}", f"trafilatura.extract {n / theirs:.1f}",
             f"{theirs / ours:.2f}x", ">= 1.0x (1.3x)", theirs / ours >= 1.0)]


def text_records(data: Path) -> list[str]:
    return [json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}, ensure_ascii=False)
            for p in sorted((data / "text").glob("*.txt"))]


def clean_lines(lines: list[str], rules) -> None:
    from cleannews.corpus.write import metadata
    from cleannews.document import Document
    from cleannews.pipeline import clean_document

    # every round reads the corpus as for the first time: no line's work kept from a round before
    rules.lines.clear()

    for line in lines:
        rec = json.loads(line)
        doc = clean_document(Document(source=rec["id"], data=rec["text"].encode("utf-8")), rules)
        rec["text"] = doc.text
        rec["cleannews"] = metadata(doc)
        json.dumps(rec, ensure_ascii=False)


def c4_filter():
    """datatrove's C4QualityFilter; without spacy (its sentence splitter) the sentence count is off."""
    try:
        import spacy  # noqa: F401
        sentences = 5
    except ImportError:
        sentences = -1
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        return None, "C4 rules (re-implemented)"
    step = C4QualityFilter(min_num_sentences=sentences)

    def run(lines):
        for line in lines:
            rec = json.loads(line)
            doc = Document(text=rec["text"], id=rec["id"])
            step.filter(doc)
            rec["text"] = doc.text
            json.dumps(rec, ensure_ascii=False)
    return run, "datatrove C4QualityFilter" + ("" if sentences > 0 else " (no sentence count: no spacy)")


def c4_rules(lines):
    """The C4 line rules, when datatrove is missing: terminal punctuation, 3+ words, no javascript/policy."""
    policy = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
    for line in lines:
        rec = json.loads(line)
        kept = []
        for row in rec["text"].splitlines():
            row = row.strip()
            low = row.lower()
            if (row.endswith((".", "?", "!", '"')) and not row.endswith("...") and len(row.split()) >= 3
                    and "javascript" not in low and not any(p in low for p in policy)):
                kept.append(row)
        rec["text"] = "\n".join(kept)
        json.dumps(rec, ensure_ascii=False)


def bare_loop(lines):
    for line in lines:
        rec = json.loads(line)
        n = 0
        for row in rec["text"].splitlines():
            n += len(row.split())
        json.dumps(rec, ensure_ascii=False)


def text_row(data: Path, rounds: int) -> list:
    from cleannews.api import load_rules

    lines = text_records(data)
    size = sum(len(x.encode("utf-8")) for x in lines) / 1e6
    rules = load_rules()
    clean_lines(lines[:2], rules)
    c4, c4_name = c4_filter()
    c4 = c4 or c4_rules
    ours, theirs = alternate(lambda: clean_lines(lines, rules), lambda: c4(lines), rounds)
    bare = best(lambda: bare_loop(lines), rounds)
    return [("Text MB/s, one process", f"{size / ours:.2f}", f"{c4_name} {size / theirs:.1f}; bare loop {size / bare:.0f}",
             f"{theirs / ours:.2f}x", ">= 2x (4x)", theirs / ours >= 2)]


def rules_row(data: Path, rounds: int, counts=(0, 500, 5000, 20000)) -> list:
    from gen_rules import generate

    from cleannews.api import load_rules

    lines = text_records(data)
    size = sum(len(x.encode("utf-8")) for x in lines) / 1e6
    tmp = Path(tempfile.mkdtemp(prefix="cn-rules-"))
    speeds = {}
    try:
        for count in counts:
            extra = (str(generate(count, tmp / str(count))),) if count else ()
            t = time.perf_counter()
            rules = load_rules(extra)
            load = time.perf_counter() - t
            # the first pass also builds each language's index and compiles the patterns it
            # meets: a cost paid once per process, reported apart from the speed that lasts
            first = best(lambda: clean_lines(lines, rules), 1)
            speeds[count] = (size / best(lambda: clean_lines(lines, rules), rounds), load, size / first)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    curve = ", ".join(f"{c:,}: {s:.2f} MB/s (first pass {f:.2f}, load {l:.1f} s)" for c, (s, l, f) in speeds.items())
    kept = speeds[5000][0] / speeds[0][0] if 5000 in speeds and 0 in speeds else float("nan")
    return [("Text path with N extra rules", f"{kept:.0%} of 0-rule speed at 5,000", curve, f"{kept:.2f}",
             ">= 0.5 at 5,000", kept >= 0.5)]


def make_pages(data: Path, folder: Path, count: int) -> None:
    pages = sorted((data / "text").glob("*.txt"))
    folder.mkdir(parents=True)
    for i in range(count):
        src = pages[i % len(pages)]
        shutil.copy(src, folder / f"{i:05d}-{src.name}")


def cores_row(data: Path, rounds: int, pages: int = 2000) -> list:
    """Twice: pages and outputs in memory (tmpfs, when the machine has /dev/shm), which measures
    the use of the cores, and on the disk of the temp folder, where each output file's fsync
    (see write.atomic_open) waits on the disk."""
    rows = []
    places = [("in memory (tmpfs)", "/dev/shm")] if Path("/dev/shm").is_dir() else []
    for where, folder in places + [("on disk, fsync per file", None)]:
        tmp = Path(tempfile.mkdtemp(prefix="cn-cores-", dir=folder))
        try:
            make_pages(data, tmp / "in", pages)

            def run(jobs) -> float:
                shutil.rmtree(tmp / "out", ignore_errors=True)  # before the clock starts
                t = time.perf_counter()
                subprocess.run(CLI + ["-q", "batch", str(tmp / "in"), "-o", str(tmp / "out"), "-j", str(jobs)],
                               check=True)
                return time.perf_counter() - t
            times = [(run(1), run(2)) for _ in range(rounds)]
            one, two = min(t[0] for t in times), min(t[1] for t in times)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        rows.append((f"batch -j2 vs -j1, {pages:,} text pages, {where}", f"{pages / two:.0f} pages/s",
                     f"-j1 {pages / one:.0f} pages/s", f"{one / two:.2f}x", ">= 1.7x", one / two >= 1.7))
    return rows


def tree_rss(pid: int) -> int:
    """Resident set size of a process and its descendants, in bytes (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def memory_row(data: Path, megabytes: int) -> list:
    tmp = Path(tempfile.mkdtemp(prefix="cn-mem-"))
    try:
        lines = text_records(data)
        corpus, written, i = tmp / "corpus.jsonl", 0, 0
        with open(corpus, "w", encoding="utf-8") as fh:
            while written < megabytes * 1e6:
                line = lines[i % len(lines)] + "\n"
                fh.write(line)
                written += len(line.encode("utf-8"))
                i += 1
        t = time.perf_counter()
        proc = subprocess.Popen(CLI + ["-q", "batch", str(corpus), "-o", str(tmp / "out"), "-j", "2"])
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.2)
        secs = time.perf_counter() - t
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [(f"Peak RSS, batch -j2 streaming {written / 1e6:,.0f} MB JSONL", f"{peak / 2**20:.0f} MB",
             f"{i:,} records in {secs:.0f} s", "", "< 300 MB", peak < 300 * 2**20)]


def cleannews_exe() -> str:
    exe = Path(sys.executable).with_name("cleannews")  # the install being measured, not another on PATH
    return str(exe) if exe.exists() else shutil.which("cleannews")


def startup_row(rounds: int) -> list:
    tmp = Path(tempfile.mkdtemp(prefix="cn-start-"))
    page = tmp / "page.txt"
    page.write_text("Spy agencies\n\nThe agencies said on Monday that the report was accurate.\n\n"
                    "Sign up for our newsletter\n", encoding="utf-8")
    exe = cleannews_exe()
    subprocess.run([exe, "clean", str(page)], capture_output=True)  # fills any cache
    secs = best(lambda: subprocess.run([exe, "clean", str(page)], capture_output=True, check=True), rounds)
    shutil.rmtree(tmp, ignore_errors=True)
    return [("Start-up: cleannews clean one small page", f"{secs:.2f} s", "whole process", "", "< 0.5 s", secs < 0.5)]


def html_startup_row(rounds: int) -> list:
    """Each page cleaned by a process of its own, as `cleannews clean page.html` is run: what a
    page costs once (imports, a date parser's languages) is paid every time."""
    exe = cleannews_exe()
    times = {}
    for name, start in STARTUP_PAGES.items():
        page = next((HERE / "data").glob(f"{start}*html.gz"))
        command = [exe, "clean", str(page)]
        subprocess.run(command, capture_output=True)  # fills any cache
        times[name] = best(lambda: subprocess.run(command, capture_output=True, check=True), rounds)
    slowest = max(times.values())
    return [(f"Start-up: cleannews clean one real HTML page ({len(times)} pages)", f"{slowest:.2f} s slowest",
             "whole process; " + ", ".join(f"{name} {secs:.2f} s" for name, secs in times.items()), "", "< 1 s",
             slowest < 1)]


def versions() -> str:
    from importlib.metadata import version

    import cleannews

    parts = [f"cleannews {cleannews.__version__}", f"Python {sys.version.split()[0]}"]
    for name in ("trafilatura", "lxml", "regex", "pyahocorasick", "datatrove"):
        try:
            parts.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001
            pass
    return ", ".join(parts)


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {os.cpu_count()}, {model}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="folder with html/*.html.gz and text/*.txt")
    ap.add_argument("--only", default="html,text,rules,cores,memory,startup,startup-html")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-mb", type=int, default=1024)
    ap.add_argument("--pages", type=int, default=2000, help="pages for the cores row")
    args = ap.parse_args()
    only = set(args.only.split(","))
    print(f"{time.strftime('%Y-%m-%d')}; {machine()}; {versions()}")
    print()
    print("| measure | cleannews | against | ratio | target | met |")
    print("|---|---|---|---|---|---|", flush=True)
    steps = [("html", lambda: html_row(args.data, args.rounds)), ("text", lambda: text_row(args.data, args.rounds)),
             ("rules", lambda: rules_row(args.data, 2)), ("cores", lambda: cores_row(args.data, 2, args.pages)),
             ("memory", lambda: memory_row(args.data, args.memory_mb)), ("startup", lambda: startup_row(5)),
             ("startup-html", lambda: html_startup_row(3))]
    for name, step in steps:
        if name in only:
            print(f"... {name}", file=sys.stderr, flush=True)
            for what, ours, against, ratio, target, met in step():  # each row as soon as it is measured
                print(f"| {what} | {ours} | {against} | {ratio} | {target} | {'yes' if met else 'no'} |", flush=True)


if __name__ == "__main__":
    main()
