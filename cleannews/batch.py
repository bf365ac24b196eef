"""Clean a tree of pages into a mirrored tree of outputs.

Sequential for now; a bad input is reported on stderr with its path and the
reason, and the batch goes on.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from cleannews.document import Document
from cleannews.errors import CleannewsError
from cleannews.pipeline import clean_document
from cleannews.read import read_path, walk
from cleannews.ruleset import Rules
from cleannews.write import SUFFIX, atomic_write, metadata, render


@dataclass
class Summary:
    pages: int = 0
    errors: int = 0


def inputs(sources: list[Path]):
    """(file, path relative to the output folder) for every input file."""
    for src in sources:
        if src.is_dir():
            for path in walk(src):
                yield path, path.relative_to(src)
        else:
            yield src, Path(src.name)


def run_batch(sources: list[Path], output: Path, fmt: str, ruleset: Rules) -> Summary:
    summary = Summary()
    for path, rel in inputs(sources):
        target = output / rel.with_suffix(SUFFIX[fmt])
        try:
            doc = clean_document(read_path(path), ruleset)
            write_outputs(doc, target, fmt)
            summary.pages += 1
        except CleannewsError as exc:
            summary.errors += 1
            print(f"cleannews: {exc}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the batch
            summary.errors += 1
            print(f"cleannews: {path}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return summary


def write_outputs(doc: Document, target: Path, fmt: str) -> None:
    if fmt != "json":
        meta = json.dumps(metadata(doc), ensure_ascii=False, indent=2) + "\n"
        atomic_write(target.with_suffix(".meta.json"), meta)
    atomic_write(target, render(doc, fmt))
