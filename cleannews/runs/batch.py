"""Clean pages and corpora into a mirrored tree of outputs, on every core.

Inputs are files and folders; each file is a page, a JSONL corpus (plain or
compressed) or a WARC, told by its bytes, and what is no page at all
(images, style sheets, scripts, fonts, JSON documents, FIFOs) is skipped
and counted.  Work goes to worker processes in small chunks; results come
back and are written in input order, so the output is the same whatever
the number of jobs.  Every output file appears atomically (temp file,
rename), so `--resume` can trust any output it finds; one bad input goes
to DST/errors.jsonl and the batch goes on.  No output may overwrite an
input or another output, or be written through a link out of DST.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path

from cleannews.corpus import again
from cleannews.corpus.read import file_problem, walk
from cleannews.corpus.records import Fields, clean_record, dumps, failed_record
from cleannews.corpus.streams import (
    COMPRESSED_SUFFIXES,
    classify,
    compression,
    jsonl_lines,
    open_binary,
    parse_record,
    warc_records,
)
from cleannews.corpus.write import FLAGS, SUFFIX, atomic_open, atomic_write, json_text, metadata, render
from cleannews.document import Document
from cleannews.engine.ruleset import RuleSpec
from cleannews.errors import CleannewsError, InputError, RefusedError, printable
from cleannews.limits import Limits
from cleannews.runs.pool import WORKER, Inline, Pool, start_worker

CHUNK = 32  # records per task: large enough to amortise the pool, small enough to stream
PAGE_CHUNK = 8  # pages per task: a page is cleaned in a few ms, about what sending it costs
ERRORS = "errors.jsonl"
LEFT_OUT = "left out by --include/--exclude"  # why a file named as a source is not cleaned, when a glob says so
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # what atomic_open leaves if killed mid-write


@dataclass(frozen=True)
class Options:
    fmt: str = "txt"
    fields: Fields = Fields()
    resume: bool = False
    jobs: int = 1
    rules: RuleSpec = RuleSpec()  # what each worker loads
    limits: Limits = Limits()
    report: str = "summary"  # how much metadata a corpus record carries (corpus.report_of)
    drop_failed: bool = False  # leave a record that fails out of the output corpus
    include: tuple = ()  # globs: only files matching one of these (relative path or name)
    exclude: tuple = ()  # globs: no file matching one of these


@dataclass
class Summary:
    pages: int = 0
    kept_chars: int = 0
    removed_chars: int = 0
    empty: int = 0
    flags: Counter = field(default_factory=Counter)  # documents by the flags in their metadata (write.FLAGS)
    errors: int = 0
    skipped: int = 0  # WARC records that are not HTML responses
    resumed: int = 0  # outputs already complete, left alone by --resume
    skipped_files: Counter = field(default_factory=Counter)  # files that are no page, by what they are
    again: int = 0  # pages and records that were cleannews output: cleaned by the rules only (corpus.again)
    categories: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)

    def add(self, stats: dict) -> None:
        self.pages += 1
        self.kept_chars += stats["kept"]
        self.removed_chars += stats["removed"]
        self.empty += stats["empty"]
        self.again += stats["again"]
        self.flags.update(stats["flags"])
        self.categories.update(stats["categories"])
        self.rules.update(stats["rules"])


def doc_stats(doc: Document) -> dict:
    """The little a worker sends back about a document (chars per category and rule)."""
    categories, rules = Counter(), Counter()
    for r in doc.removed:
        categories[r.category] += len(r.text)
        rules[r.rule] += len(r.text)
    return {"kept": sum(len(b.text) for b in doc.kept), "removed": sum(categories.values()),
            "empty": not doc.kept, "flags": [flag for flag in FLAGS if doc.metadata.get(flag)],
            "again": again.MARK in doc.metadata, "categories": categories, "rules": rules}


# ---- work done in the workers -------------------------------------------------------------

def _clean_page(page: tuple, fmt: str):
    """(stats, None) or (None, error) for one page (path, target, source label)."""
    path, target, label = page
    try:
        doc = _clean_path(path)
        doc.source = label
        write_outputs(doc, target, fmt)
        return doc_stats(doc), None
    except InputError as exc:
        return None, exc.as_dict()
    except OSError as exc:  # the output could not be written (disk full, folder gone)
        return None, InputError(str(path), f"cannot write its output {target}: {exc.strerror or exc}").as_dict()
    except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
        return None, InputError(str(path), f"internal error: {type(exc).__name__}: {exc}").as_dict()


def _clean_path(path: Path) -> Document:
    """The page at `path` cleaned; cleannews' own output (told by its metadata) by the rules only."""
    doc, earlier = again.read_page(path, max_bytes=WORKER.limits.max_bytes)
    return again.clean(doc, earlier, WORKER.rules, WORKER.limits)


def _clean_record(rec, fields: Fields, report: str, drop: bool):
    """(output line or None, stats or None, error or None) for one record.

    JSONL records arrive as (source, line number, raw line) and are parsed
    here, so the main process only reads lines and the JSON work spreads
    over the workers.  A record that fails is kept, text unchanged, with the
    error in its `cleannews` field (unless `drop`); a line that is no JSON
    object cannot be a record and is only reported."""
    if isinstance(rec, InputError):
        return None, None, rec.as_dict()
    try:
        if isinstance(rec, tuple):
            rec = parse_record(*rec)
    except InputError as exc:
        return None, None, exc.as_dict()
    try:
        out, doc = clean_record(rec, fields, WORKER.rules, WORKER.limits, report=report)
        return dumps(out), doc_stats(doc), None
    except InputError as exc:
        error = exc.as_dict()
    except Exception as exc:  # noqa: BLE001 - one bad record never stops the corpus
        error = InputError(rec.source, f"internal error: {type(exc).__name__}: {exc}", rec.line).as_dict()
    return (None if drop else dumps(failed_record(rec, fields, error["error"]))), None, error


# ---- planning in the main process ------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One input file and where its output goes."""

    kind: str  # page, jsonl or warc
    path: Path
    target: Path
    label: str  # the path relative to its source root: the `source` in the page's metadata
    size: int  # bytes on disk, for the progress bar


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


def refuse_overlap(sources: list[Path], output: Path) -> None:
    """An output folder that is, or is inside, an input folder would have its outputs cleaned as
    inputs (and `-o SRC` would replace the pages with their text): refused before anything runs."""
    out = output.resolve()
    for src in sources:
        where = src.resolve()
        if src.is_dir() and out.is_relative_to(where):
            raise RefusedError(f"{output}: the output folder is {'the' if out == where else 'inside the'} input "
                               f"folder {src}; its outputs would be read as inputs: choose an output folder "
                               "outside the inputs")


def plan(sources: list[Path], output: Path, fmt: str):
    """(kind, input file, output file) for every input, the folder tree mirrored (see `plan_entries`);
    for readers of the inputs (`learn`), which write no outputs: no input is refused."""
    return [(e.kind, e.path, e.target) for e in plan_entries(sources, output, fmt, writes=False)]


def plan_entries(sources: list[Path], output: Path, fmt: str, include=(), exclude=(), skip=None,
                 fail=None, writes: bool = True, json_pages: bool = False) -> list[Entry]:
    """Every input file and its output, the folder tree of each source mirrored in `output`.

    Two inputs never share an output file (sidecars and errors.jsonl
    included).  Two pages that would (a/b.html and a/b.txt) keep their whole
    names instead (a/b.html.txt, a/b.txt.txt); inputs of different sources
    that still would (d1/page.txt, d2/page.txt) go under a folder named for
    their source (d1/page.txt.txt, d2/page.txt.txt).  The names depend only on
    the inputs, so a rerun and `--resume` find the same ones.  `skip(path,
    why)` hears of files that are no page; `fail(path, why)` of entries that
    cannot be read.  A file named in `sources` is never passed over in silence: a FIFO or device
    named there goes to `fail`, and one that --include/--exclude leave out to `skip` as LEFT_OUT.
    `json_pages`: cleannews' own `--format json` outputs are pages (batch cleans their text
    again; check and learn, which read a file as it is, pass them over as JSON data).  The
    errors.jsonl of an earlier batch is skipped, never read as a corpus.
    """
    skip = skip or (lambda path, why: None)
    fail = fail or (lambda path, why: None)
    found = []  # (source number, path, path relative to its source)
    for number, src in enumerate(sources):
        if src.is_dir():
            found += [(number, path, path.relative_to(src)) for path in walk(src, skip, fail)]
            continue
        problem = file_problem(src)
        if problem:  # named on the command line: a FIFO or device there is a mistake, said as an error
            fail(src, f"{problem[1]}: name a page, a corpus or a folder" if problem[0] == "skip" else problem[1])
        else:
            found.append((number, src, Path(src.name)))
    planned = []
    for number, path, rel in found:
        def matches(globs, posix=rel.as_posix(), name=rel.name) -> bool:
            return any(fnmatch.fnmatch(posix, g) or fnmatch.fnmatch(name, g) for g in globs)

        if (include and not matches(include)) or matches(exclude):
            if path == sources[number]:
                skip(path, LEFT_OUT)
            continue
        try:
            kind, why = classify(path, skip=True)
            size = os.stat(path).st_size
            squeeze = None
            if kind in ("jsonl", "warc"):
                with open(path, "rb") as fh:
                    squeeze = compression(fh.read(8))
        except OSError as exc:
            fail(path, f"cannot read: {exc.strerror or exc}; skipped")
            continue
        if kind == "skip" and why == "JSON data":  # cleannews' own output: a json page, a page's metadata
            made = again.what_json_is(path)
            if made == "page" and json_pages:
                kind, why = "page", None
            elif made == "metadata":
                why = "cleannews metadata (read with its page)"
        elif kind == "jsonl" and path.name == ERRORS and _is_error_log(path):
            kind, why = "skip", "cleannews' error log"
        if kind == "skip":
            skip(path, why)
            continue
        planned.append([kind, path, rel, number, squeeze, size])
    return _without_collisions(planned, sources, output, fmt, writes)


def _is_error_log(path: Path) -> bool:
    """Whether `path` is the errors.jsonl of an earlier batch (lines of `path`, `line`, `error`):
    a report of that run, not a corpus to clean again."""
    try:
        with open(path, "rb") as fh:
            first = json.loads(fh.readline(1_000_000))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(first, dict) and "error" in first and "path" in first and set(first) <= {"path", "line", "error"}


def _without_collisions(planned: list, sources: list[Path], output: Path, fmt: str, writes: bool) -> list[Entry]:
    def files(kind, target):  # what an entry writes
        return (target,) if kind != "page" or fmt == "json" else (target, target.with_suffix(".meta.json"))

    def name(kind, rel, squeeze, base, whole):
        if kind != "page":
            return corpus_output(base, rel, kind, squeeze)
        return base / rel.parent / (rel.name + SUFFIX[fmt]) if whole else output_path(base, rel, fmt)

    labels = _source_labels(sources)
    targets = [name(kind, rel, squeeze, output, False) for kind, _, rel, _, squeeze, _ in planned]
    for step in ("whole names", "source folders", "numbers"):
        claims = Counter(f for (kind, *_), t in zip(planned, targets) for f in files(kind, t))
        claims[output / ERRORS] += 1
        clash = [i for i, ((kind, *_), t) in enumerate(zip(planned, targets))
                 if any(claims[f] > 1 for f in files(kind, t))]
        if not clash:
            break
        for i in clash:
            kind, _, rel, number, squeeze, _ = planned[i]
            if step == "whole names":
                if kind == "page":
                    targets[i] = name(kind, rel, squeeze, output, True)
            elif step == "source folders":
                targets[i] = name(kind, rel, squeeze, output / labels[number], kind == "page")
            else:
                base = name(kind, rel, squeeze, output / labels[number], kind == "page")
                targets[i] = base.with_name(f"{base.name}~{i + 1}{base.suffix}")
    inputs = {path.resolve() for _, path, *_ in planned} if writes else set()
    for (kind, path, *_), target in zip(planned, targets):
        for f in files(kind, target):
            if f.resolve() in inputs:
                raise RefusedError(f"{path}: its output {f} would overwrite an input; choose an output folder "
                                   "that holds no inputs")
    return [Entry(kind, path, target, rel.as_posix() if path != sources[number] else path.name, size)
            for (kind, path, rel, number, _, size), target in zip(planned, targets)]


def _source_labels(sources: list[Path]) -> list[str]:
    """A folder name for each source (its own name; numbered when two share one)."""
    names = [src.resolve().name or "root" for src in sources]
    counts = Counter(names)
    return [name if counts[name] == 1 else f"{name}-{i + 1}" for i, name in enumerate(names)]


# ---- running it ------------------------------------------------------------------------------

class _ErrorLog:
    """DST/errors.jsonl: one line per failure, written as they come.

    Never through a link (a symlink there is refused before the run); with
    `--resume`, the errors of inputs whose outputs are complete are kept and
    those of inputs tried again are dropped (they recur if they still fail).
    A log that cannot be written (disk full) is said once; the errors still
    go to stderr and count."""

    def __init__(self, path: Path, keep: list[dict]):
        self.path, self.fh, self.broken, self.count = path, None, False, 0
        if keep:
            atomic_write(path, "".join(json_text(e) + "\n" for e in keep))
        else:
            path.unlink(missing_ok=True)

    def add(self, error: dict, echo: bool = True) -> None:
        self.count += 1
        if echo:
            print(f"cleannews: {printable(error['error'])}", file=sys.stderr)
        if self.broken:
            return
        try:
            if self.fh is None:
                flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
                self.fh = os.fdopen(os.open(self.path, flags, 0o666), "a", encoding="utf-8")
            self.fh.write(json_text(error) + "\n")
            self.fh.flush()
        except OSError as exc:
            self.broken = True
            print(f"cleannews: {self.path}: cannot write the error log ({exc.strerror or exc}); "
                  "errors go to stderr only", file=sys.stderr)

    def close(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass


def _old_errors(path: Path, complete: set[str]) -> list[dict]:
    """The errors of an earlier run that belong to inputs left alone now (complete outputs)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return []
    kept = []
    with os.fdopen(fd, "rb") as fh:
        for line in fh:
            try:
                error = json.loads(line)
            except ValueError:
                continue
            if isinstance(error, dict) and error.get("path") in complete:
                kept.append(error)
    return kept


def _remove_stale_temps(output: Path) -> None:
    """Temp files an interrupted run left (a kill leaves no time to remove them)."""
    for folder, dirs, files in os.walk(output):
        for name in files:
            if _TEMP.match(name):
                try:
                    os.unlink(os.path.join(folder, name))
                except OSError:
                    pass


def _remove_temps_of(entries: list[Entry], fmt: str) -> None:
    """The temp files of these pages' outputs (and sidecars), which a killed worker leaves."""
    for entry in entries:
        names = [entry.target] + ([entry.target.with_suffix(".meta.json")] if fmt != "json" else [])
        for name in names:
            for tmp in name.parent.glob(f".{glob_escape(name.name)}.*.tmp"):
                if _TEMP.match(tmp.name):
                    try:
                        tmp.unlink()
                    except OSError:
                        pass


class _Sink:
    """A corpus output being written: a write error (disk full) fails this corpus, not the batch."""

    def __init__(self, target: Path, squeeze: str | None):
        self.manager = atomic_open(target, squeeze)
        self.fh = self.manager.__enter__()
        self.error: str | None = None

    def write(self, line: str) -> None:
        if self.error is None:
            try:
                self.fh.write(line)
            except (OSError, ValueError) as exc:
                self.fail(exc)

    def fail(self, exc: BaseException) -> None:
        self.error = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        try:  # the temp file goes; closing it can fail the same way (buffered bytes), said already
            self.manager.__exit__(type(exc), exc, exc.__traceback__)
        except (OSError, ValueError):
            pass

    def finish(self) -> str | None:
        """None when the output is in place; else why it is not."""
        if self.error is None:
            try:
                self.manager.__exit__(None, None, None)
            except OSError as exc:
                self.error = exc.strerror or str(exc)
        return self.error

    def abort(self) -> None:
        if self.error is None:
            self.error = "interrupted"
            try:
                self.manager.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
            except (OSError, ValueError, KeyboardInterrupt):
                pass


def run_batch(sources: list[Path], output: Path, options: Options, progress=None, on_skip=None,
              on_done=None) -> Summary:
    """Clean everything under `sources` into `output`, telling `progress` (see summary.progress_bar),
    `on_skip(path, why)` of each file that is no page (or a named one a glob leaves out) and
    `on_done(path, target)` of each page written."""
    from cleannews.runs.summary import Silent

    progress = progress or Silent()
    summary = Summary()
    refuse_overlap(sources, output)
    errors_path = output / ERRORS
    if errors_path.is_symlink():
        raise RefusedError(f"{errors_path} is a symlink; cleannews never writes through a link: remove it")
    early: list[dict] = []

    def skipped(path, why) -> None:
        if why != LEFT_OUT:  # chosen by the user, not a file that is no page
            summary.skipped_files[why.split(",")[0].split(" (")[0]] += 1
        if on_skip is not None:
            on_skip(path, why)

    def failed(path, why) -> None:
        early.append(InputError(str(path), why).as_dict())

    entries = plan_entries(sources, output, options.fmt, options.include, options.exclude, skipped, failed,
                           json_pages=True)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CleannewsError(f"{output}: cannot create the output folder ({exc.strerror or exc})") from None
    root = output.resolve()
    complete = set()
    if options.resume:
        _remove_stale_temps(output)
        complete = {i for i, e in enumerate(entries) if e.target.exists()}
    errors = _ErrorLog(errors_path, _old_errors(errors_path, {str(entries[i].path) for i in complete})
                       if options.resume else [])
    todo = [i for i in range(len(entries)) if i not in complete]
    summary.resumed = len(complete)
    if all(entries[i].kind == "page" for i in todo):
        progress.total(len(todo))
    else:  # a corpus's record count is unknown until read: progress in bytes of input
        progress.total(sum(entries[i].size for i in todo), unit="bytes")
    bytes_mode = not all(entries[i].kind == "page" for i in todo)

    def report(error: dict, echo: bool = True) -> None:
        summary.errors += 1
        errors.add(error, echo)

    for error in early:
        report(error)
    limit = options.limits.timeout
    if options.jobs <= 1 and not limit:
        executor = Inline(start_worker, (options.rules, options.limits, False))
    else:
        executor = Pool(options.jobs, start_worker, (options.rules, options.limits),
                        limit + max(2.0, limit * 0.1) if limit else None,
                        f"took longer than --timeout ({limit:g} s), in a call the time limit cannot interrupt: its "
                        "worker was stopped; skipped")
    window: deque = deque()  # what to do with each result, in input order
    depth = max(2, options.jobs * 4)
    written: list[int] = []  # entries whose outputs this run wrote
    sinks: set = set()  # corpus outputs still being written: on a crash their temp files go
    inflight: set = set()  # pages sent to the workers whose results are not in

    def push(then) -> None:
        window.append(then)
        while len(window) > depth:
            window.popleft()()

    try:
        pages: list = []

        def send_pages() -> None:
            if not pages:
                return
            batch = list(pages)
            inflight.update(batch)
            task = executor.submit(_clean_page, [(entries[i].path, entries[i].target, entries[i].label)
                                                 for i in batch], options.fmt, lost=_lost_page)

            def then(task=task, batch=batch) -> None:
                inflight.difference_update(batch)
                for i, (stats, error) in zip(batch, task.result()):
                    if error:
                        report(error)
                    else:
                        summary.add(stats)
                        written.append(i)
                        if on_done is not None:
                            on_done(entries[i].path, entries[i].target)
                    progress.advance(entries[i].size if bytes_mode else 1)
            push(then)
            pages.clear()

        for i in todo:
            entry = entries[i]
            if not entry.target.parent.resolve().is_relative_to(root):  # a symlink in OUTPUT pointing away
                report(InputError(str(entry.path), f"output path leaves the output folder ({entry.target}); "
                                                   "skipped").as_dict())
                continue
            if entry.kind == "page":
                pages.append(i)
                if len(pages) >= PAGE_CHUNK:
                    send_pages()
            else:
                send_pages()
                _push_corpus(i, entry, options, executor, push, report, summary, sinks, written, progress,
                             bytes_mode)
        send_pages()
        while window:
            window.popleft()()
    except BaseException:  # Ctrl-C, SIGTERM, a bug: no half-written output stays
        executor.shutdown(kill=True)
        _remove_temps_of([entries[i] for i in inflight], options.fmt)  # of a worker that had to be killed
        for sink in list(sinks):
            sink.abort()
        errors.close()
        raise
    executor.shutdown()
    for i in written:  # an output that is gone (the folder removed under the batch) is not done
        entry = entries[i]
        if not entry.target.exists():
            report(InputError(str(entry.path), f"its output {entry.target} is gone (removed while the batch ran?); "
                                               "rerun with --resume").as_dict(), echo=summary.errors < 20)
    errors.close()
    return summary


def _lost_page(page, reason: str):
    return None, InputError(str(page[0]), reason).as_dict()


def _lost_record(fields: Fields, drop: bool):
    def lost(rec, reason: str):
        if isinstance(rec, InputError):
            return None, None, rec.as_dict()
        try:
            rec = parse_record(*rec) if isinstance(rec, tuple) else rec
        except InputError as exc:
            return None, None, exc.as_dict()
        error = InputError(rec.source, reason, rec.line).as_dict()
        return (None if drop else dumps(failed_record(rec, fields, error["error"]))), None, error
    return lost


def _push_corpus(i, entry, options, executor, push, report, summary, sinks, written, progress, bytes_mode) -> None:
    """Queue a corpus in chunks; its output is written in order and appears when the last chunk is in."""
    try:
        with open(entry.path, "rb") as fh:
            squeeze = compression(fh.read(8))
        sink = _Sink(entry.target, squeeze)
    except OSError as exc:
        report(InputError(str(entry.path), f"cannot write its output {entry.target}: {exc.strerror or exc}").as_dict())
        return
    sinks.add(sink)
    counts: dict = {}
    lost = _lost_record(options.fields, options.drop_failed)
    position = {"done": 0}
    try:
        if entry.kind == "warc":
            records = warc_records(entry.path, counts)
        else:
            records = _jsonl_lines(entry.path, options.limits.max_bytes, counts)
        for chunk, offset in _chunks(records, report, str(entry.path), counts):
            task = executor.submit(_clean_record, chunk, options.fields, options.report, options.drop_failed,
                                   lost=lost)

            def then(task=task, offset=offset) -> None:
                for line, stats, error in task.result():
                    if line is not None:
                        sink.write(line)
                    if error:
                        report(error)
                    elif stats:
                        summary.add(stats)
                    if not bytes_mode:
                        progress.advance()
                if bytes_mode:
                    progress.advance(max(0, min(offset, entry.size) - position["done"]))
                    position["done"] = max(position["done"], min(offset, entry.size))
            push(then)
    except BaseException:
        sinks.discard(sink)
        sink.abort()
        raise
    summary.skipped += counts.get("skipped", 0)  # counted as the reader went

    def finish() -> None:
        sinks.discard(sink)
        why = sink.finish()
        if why is None:
            written.append(i)
        else:
            report(InputError(str(entry.path), f"cannot write its output {entry.target}: {why}").as_dict())
        if bytes_mode and entry.size > position["done"]:
            progress.advance(entry.size - position["done"])
    push(finish)


def _jsonl_lines(path: Path, max_bytes: int, counts: dict):
    with open(path, "rb") as raw, open_binary(raw) as fh:
        for number, line in jsonl_lines(fh, str(path), max_bytes):
            counts["offset"] = raw.tell()
            yield line if isinstance(line, InputError) else (str(path), number, line)


def _chunks(records, report, source: str, counts: dict):
    """(list of CHUNK records, input bytes read so far); a stream that breaks off is reported, what
    came before is kept."""
    buffer = []
    try:
        for rec in records:
            buffer.append(rec)
            if len(buffer) >= CHUNK:
                yield buffer, counts.get("offset", 0)
                buffer = []
    except InputError as exc:
        report(exc.as_dict())
    if buffer:
        yield buffer, counts.get("offset", 0)


def write_outputs(doc: Document, target: Path, fmt: str) -> None:
    """The page's output, its metadata sidecar first: an output file means both are complete."""
    if fmt != "json":
        atomic_write(target.with_suffix(".meta.json"), json_text(metadata(doc), indent=2) + "\n")
    atomic_write(target, render(doc, fmt))
