"""Clean pages and corpora into a mirrored tree of outputs, on every core.

Inputs are files and folders; each file is a page, a JSONL corpus (plain or
compressed) or a WARC, told by its bytes.  Work goes to a process pool in
small chunks; results come back and are written in input order, so the
output is the same whatever the number of jobs.  Every output file appears
atomically (temp file, rename), so `--resume` can trust any output it
finds; one bad input goes to DST/errors.jsonl and the batch goes on.
"""
from __future__ import annotations

import json
import signal
import sys
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cleannews.corpus import Fields, clean_record, dumps
from cleannews.document import Document
from cleannews.errors import InputError
from cleannews.limits import Limits
from cleannews.read import read_path, walk
from cleannews.streams import (COMPRESSED_SUFFIXES, compression, container, jsonl_lines, open_binary, parse_record,
                               warc_records)
from cleannews.write import SUFFIX, atomic_open, atomic_write, metadata, render

CHUNK = 32  # records per task: large enough to amortise the pool, small enough to stream
PAGE_CHUNK = 8  # pages per task: a page is cleaned in a few ms, about what sending it costs


@dataclass(frozen=True)
class Options:
    fmt: str = "txt"
    fields: Fields = Fields()
    resume: bool = False
    jobs: int = 1
    rules: tuple = ((), True, (), ())  # cleannews.api.load_rules arguments: what each worker loads
    limits: Limits = Limits()


@dataclass
class Summary:
    pages: int = 0
    kept_chars: int = 0
    removed_chars: int = 0
    empty: int = 0
    over_removal: int = 0  # documents the rules would gut (see Limits.max_removed)
    errors: int = 0
    skipped: int = 0  # WARC records that are not HTML responses
    resumed: int = 0  # outputs already complete, left alone by --resume
    categories: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)

    def add(self, stats: dict) -> None:
        self.pages += 1
        self.kept_chars += stats["kept"]
        self.removed_chars += stats["removed"]
        self.empty += stats["empty"]
        self.over_removal += stats["over_removal"]
        self.categories.update(stats["categories"])
        self.rules.update(stats["rules"])


def doc_stats(doc: Document) -> dict:
    """The little a worker sends back about a document (chars per category and rule)."""
    categories, rules = Counter(), Counter()
    for r in doc.removed:
        categories[r.category] += len(r.text)
        rules[r.rule] += len(r.text)
    return {"kept": sum(len(b.text) for b in doc.kept), "removed": sum(categories.values()),
            "empty": not doc.kept, "over_removal": "over_removal" in doc.metadata,
            "categories": categories, "rules": rules}


# ---- work done in the workers -------------------------------------------------------------

_RULES, _LIMITS = None, Limits()


def _init_worker(rule_args, limits: Limits, pool: bool = True) -> None:
    global _RULES, _LIMITS
    from cleannews.api import load_rules

    if pool:  # Ctrl-C is the main process's to handle: workers just stop when it shuts the pool
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _die_with_parent()
    _RULES, _LIMITS = load_rules(*rule_args), limits


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the batch process dies (kill -9 leaves no orphans)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own pipe closing ends the workers, later


def _clean_pages(pages: list[tuple[Path, Path]], fmt: str) -> list:
    return [_clean_page(path, target, fmt) for path, target in pages]


def _clean_page(path: Path, target: Path, fmt: str):
    try:
        doc = _clean_path(path)
        write_outputs(doc, target, fmt)
        return doc_stats(doc), None
    except InputError as exc:
        return None, exc.as_dict()
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        return None, InputError(str(path), f"internal error: {type(exc).__name__}: {exc}").as_dict()


def _clean_path(path: Path) -> Document:
    from cleannews.pipeline import clean_document

    return clean_document(read_path(path, max_bytes=_LIMITS.max_bytes), _RULES, limits=_LIMITS)


def _clean_records(records, fields: Fields):
    """(output line, stats) or (None, error) per record, in order.

    JSONL records arrive as (source, line number, raw line) and are parsed
    here, so the main process only reads lines and the JSON work spreads
    over the workers."""
    results = []
    for rec in records:
        try:
            if isinstance(rec, tuple):
                rec = parse_record(*rec)
            out, doc = clean_record(rec, fields, _RULES, _LIMITS)
            results.append((dumps(out), doc_stats(doc)))
        except InputError as exc:
            results.append((None, exc.as_dict()))
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the corpus
            source, line = (rec[0], rec[1]) if isinstance(rec, tuple) else (rec.source, rec.line)
            results.append((None, InputError(source, f"internal error: {type(exc).__name__}: {exc}", line).as_dict()))
    return results


# ---- planning and ordering in the main process ----------------------------------------------

def output_path(output: Path, rel: Path, fmt: str) -> Path:
    """OUTPUT/a/b.txt for SRC/a/b.html (and for SRC/a/b.html.gz)."""
    if rel.suffix == ".gz":
        rel = rel.with_suffix("")
    return output / rel.with_suffix(SUFFIX[fmt])


def corpus_output(output: Path, rel: Path, kind: str, squeeze: str | None) -> Path:
    """A JSONL corpus keeps its name; a WARC becomes .jsonl; the compression stays."""
    name = rel.name
    for suffix in COMPRESSED_SUFFIXES:
        name = name.removesuffix(suffix)
    if kind == "warc":
        name = name.removesuffix(".warc").removesuffix(".arc") + ".jsonl"
    return output / rel.parent / (name + ("." + squeeze if squeeze else ""))


def plan(sources: list[Path], output: Path, fmt: str):
    """(kind, input file, output file) for every input, the folder tree mirrored.

    Two pages that would share an output (a/b.html and a/b.txt) keep their
    whole names instead (a/b.html.txt, a/b.txt.txt), so neither is lost.
    """
    pairs = []
    for src in sources:
        if src.is_dir():
            pairs += [(path, path.relative_to(src)) for path in walk(src)]
        else:
            pairs.append((src, Path(src.name)))
    planned = []
    for path, rel in pairs:
        kind = container(path)
        if kind == "page":
            planned.append((kind, path, rel, output_path(output, rel, fmt)))
        else:
            with open(path, "rb") as fh:
                squeeze = compression(fh.read(8))
            planned.append((kind, path, rel, corpus_output(output, rel, kind, squeeze)))
    claims = Counter(target for *_, target in planned)
    return [(kind, path, target if claims[target] == 1 or kind != "page"
             else output / rel.parent / (rel.name + SUFFIX[fmt]))
            for kind, path, rel, target in planned]


class _Inline:
    """The executor for -j1: runs each task at once, in this process."""

    def __init__(self, rule_args, limits):
        _init_worker(rule_args, limits, pool=False)

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


def run_batch(sources: list[Path], output: Path, options: Options, progress=None) -> Summary:
    """Clean everything under `sources` into `output`, telling `progress` (see summary.progress_bar)."""
    from cleannews.summary import Silent

    progress = progress or Silent()
    summary = Summary()
    output.mkdir(parents=True, exist_ok=True)
    window: deque = deque()  # what to do with each result, in input order
    limit = max(2, options.jobs * 4)
    executor = (_Inline(options.rules, options.limits) if options.jobs <= 1 else
                ProcessPoolExecutor(options.jobs, initializer=_init_worker, initargs=(options.rules, options.limits)))
    errors_path, errors = output / "errors.jsonl", None
    if not options.resume:
        errors_path.unlink(missing_ok=True)  # errors of an earlier run would mislead
    sinks: set = set()  # corpus outputs still being written: on a crash their temp files go
    try:
        def report(error: dict) -> None:
            nonlocal errors
            summary.errors += 1
            if errors is None:
                errors = open(errors_path, "a", encoding="utf-8")
            errors.write(json.dumps(error, ensure_ascii=False) + "\n")
            errors.flush()
            print(f"cleannews: {error['error']}", file=sys.stderr)

        def take(line, stats, out=None) -> None:
            if line is None:
                report(stats)
            else:
                if out is not None:
                    out.write(line)
                summary.add(stats)
            progress.advance()

        def push(then) -> None:
            window.append(then)
            while len(window) > limit:
                window.popleft()()

        planned = plan(sources, output, options.fmt)
        if all(kind == "page" for kind, *_ in planned):
            progress.total(len(planned))  # a corpus's record count is unknown until read
        root = output.resolve()
        pages: list = []  # pages go to the workers in chunks, like records

        def send_pages() -> None:
            if pages:
                future = executor.submit(_clean_pages, list(pages), options.fmt)
                push(lambda future=future: [take(*_page_result(r)) for r in future.result()])
                pages.clear()

        for kind, path, target in planned:
            if not target.parent.resolve().is_relative_to(root):  # a symlink in OUTPUT pointing away
                report(InputError(str(path), f"output path leaves the output folder ({target}); skipped").as_dict())
                continue
            if options.resume and target.exists():
                summary.resumed += 1
                continue
            if kind == "page":
                pages.append((path, target))
                if len(pages) >= PAGE_CHUNK:
                    send_pages()
            else:
                send_pages()
                _push_corpus(kind, path, target, options, executor, push, take, report, summary, sinks)
        send_pages()
        while window:
            window.popleft()()
    except BaseException:  # Ctrl-C, a kill signal turned exception, a bug: no half-written output stays
        executor.shutdown(wait=True, cancel_futures=True)
        for sink in list(sinks):
            sink.__exit__(*sys.exc_info())
        raise
    finally:
        executor.shutdown(wait=True)
        if errors is not None:
            errors.close()
    return summary


def _page_result(result):
    stats, error = result
    return (None, error) if error else ("", stats)


def _push_corpus(kind, path, target, options, executor, push, take, report, summary, sinks) -> None:
    """Queue a corpus in chunks; its output is written in order and appears when the last chunk is in."""
    with open(path, "rb") as fh:
        squeeze = compression(fh.read(8))
    sink = atomic_open(target, squeeze)
    out = sink.__enter__()
    sinks.add(sink)
    counts: dict = {}
    try:
        if kind == "warc":
            records = warc_records(path, counts)
        else:
            records = _jsonl_lines(path)
        for chunk in _chunks(records, report, str(path)):
            future = executor.submit(_clean_records, chunk, options.fields)
            push(lambda future=future: [take(line, stats, out) for line, stats in future.result()])
    except BaseException:
        sinks.discard(sink)
        sink.__exit__(*sys.exc_info())
        raise
    summary.skipped += counts.get("skipped", 0)  # counted as the reader went

    def finish() -> None:
        sinks.discard(sink)
        sink.__exit__(None, None, None)
    push(finish)


def _jsonl_lines(path: Path):
    with open_binary(path) as fh:
        for number, line in jsonl_lines(fh, str(path)):
            yield str(path), number, line


def _chunks(records, report, source: str):
    """Lists of CHUNK records; a stream that breaks off is reported, what came before is kept."""
    buffer = []
    try:
        for rec in records:
            buffer.append(rec)
            if len(buffer) >= CHUNK:
                yield buffer
                buffer = []
    except InputError as exc:
        report(exc.as_dict())
    if buffer:
        yield buffer


def write_outputs(doc: Document, target: Path, fmt: str) -> None:
    """The page's output, its metadata sidecar first: an output file means both are complete."""
    if fmt != "json":
        meta = json.dumps(metadata(doc), ensure_ascii=False, indent=2) + "\n"
        atomic_write(target.with_suffix(".meta.json"), meta)
    atomic_write(target, render(doc, fmt))
