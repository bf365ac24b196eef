"""Clean a tree of pages into a mirrored tree of outputs.

Sequential for now; a bad input is reported on stderr with its path and the
reason, and the batch goes on.
"""
from __future__ import annotations

import json
from collections import Counter
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


def plan(sources: list[Path], output: Path, fmt: str) -> list[tuple[Path, Path]]:
    """(input file, output file) for every input, the folder tree mirrored.

    Two inputs that would share an output (a/b.html and a/b.txt) keep their
    whole names instead (a/b.html.txt, a/b.txt.txt), so neither is lost.
    """
    pairs = []
    for src in sources:
        if src.is_dir():
            pairs += [(path, path.relative_to(src)) for path in walk(src)]
        else:
            pairs.append((src, Path(src.name)))
    claims = Counter(output_path(output, rel, fmt) for _, rel in pairs)
    return [(path, target if claims[target] == 1 else output / rel.parent / (rel.name + SUFFIX[fmt]))
            for path, rel in pairs for target in [output_path(output, rel, fmt)]]


def run_batch(sources: list[Path], output: Path, fmt: str, ruleset: Rules) -> Summary:
    summary = Summary()
    for path, target in plan(sources, output, fmt):
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


def output_path(output: Path, rel: Path, fmt: str) -> Path:
    """OUTPUT/a/b.txt for SRC/a/b.html (and for SRC/a/b.html.gz)."""
    if rel.suffix == ".gz":
        rel = rel.with_suffix("")
    return output / rel.with_suffix(SUFFIX[fmt])


def write_outputs(doc: Document, target: Path, fmt: str) -> None:
    if fmt != "json":
        meta = json.dumps(metadata(doc), ensure_ascii=False, indent=2) + "\n"
        atomic_write(target.with_suffix(".meta.json"), meta)
    atomic_write(target, render(doc, fmt))
