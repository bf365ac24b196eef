#!/usr/bin/env python3
"""Write the golden outputs that tests/test_golden.py holds cleaning to, byte for byte.

    python tests/golden/make.py              # every set
    python tests/golden/make.py samples-text # some sets

Run it after a change that is meant to change what cleaning gives, and review the diff of
tests/golden/*.jsonl as part of the change: a refactor is safe when no line moves.

One JSONL file per set and mode (a few thousand small files would swamp a review), one line
per page: its id, the txt output and the json report less `source` (a path, which differs
from machine to machine).  The report's 40,000 removal entries would be most of the bytes,
so each is written as a row `[line, block, category, rule, text, {other fields}]`, a text
longer than SHORT characters as its start and a digest of the whole (still byte for byte:
any change in the text changes the digest).  Pages are cleaned in-process with one loaded rule set, as
`cleannews clean` and `batch` clean them: the same bytes in, the same Document out.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SAMPLES = ROOT / "samples"
BENCH = ROOT / "benchmarks" / "data"
SHORT = 48  # removed texts up to this long are kept as they are


def _pages(folder: Path, suffix: str) -> list[tuple[str, Path]]:
    return [(p.name[: -len(suffix)], p) for p in sorted(folder.glob("*" + suffix))]


def sets() -> dict[str, list[tuple[str, Path]]]:
    """Golden set name -> its pages as (id, path): the sample pages, and each benchmark set in
    html mode (the raw pages) and text mode (every visible line of the same pages)."""
    out = {
        "samples-html": _pages(SAMPLES / "bench", ".html.gz"),
        "samples-text": [("themoscowtimes-spy-agencies", SAMPLES / "themoscowtimes-spy-agencies.raw.txt"),
                         *_pages(SAMPLES / "bench", ".txt")],
    }
    for name in ("scrapinghub", "readability"):
        out[f"{name}-html"] = _pages(BENCH / name / "html", ".html.gz")
        out[f"{name}-text"] = _pages(BENCH / name / "text", ".txt")
    return out


def read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def line(key: str, path: Path, rules) -> str:
    """The golden line of one page: what its txt and json outputs are, as one JSON object."""
    from cleannews import clean
    from cleannews.corpus.write import render

    doc = clean(read(path), rules=rules, source=key)
    report = json.loads(render(doc, "json"))
    report.pop("source", None)
    report.pop("text", None)  # it is the txt output, kept once
    report["removed"] = [_row(r) for r in report.get("removed", ())]
    return json.dumps({"id": key, "txt": render(doc, "txt"), "json": report}, ensure_ascii=False)


def _row(removal: dict) -> list:
    import hashlib

    removal = dict(removal)
    row = [removal.pop(k, None) for k in ("line", "block", "category", "rule", "text")]
    text = row[4]
    if isinstance(text, str) and len(text) > SHORT:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
        row[4] = f"{text[:SHORT - 8]}… {len(text)} chars #{digest}"
    return row + [removal] if removal else row


def golden_path(name: str) -> Path:
    return HERE / f"{name}.jsonl"


def read_golden(name: str) -> dict[str, str]:
    """id -> golden line of the set `name` (empty when the file is not there)."""
    path = golden_path(name)
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {json.loads(text)["id"]: text for text in lines}


def main(argv: list[str]) -> int:
    import os
    import tempfile

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("CLEANNEWS_CACHE_DIR", tempfile.mkdtemp(prefix="cleannews-golden-"))
    from cleannews import load_rules
    from cleannews.corpus.write import atomic_write

    everything = sets()
    wanted = argv or list(everything)
    unknown = [w for w in wanted if w not in everything]
    if unknown:
        print(f"make.py: no golden set {unknown[0]!r} (one of {', '.join(everything)})", file=sys.stderr)
        return 2
    rules = load_rules()
    for name in wanted:
        lines = [line(key, path, rules) for key, path in everything[name]]
        atomic_write(golden_path(name), "".join(text + "\n" for text in lines))
        print(f"{golden_path(name).relative_to(ROOT)}: {len(lines)} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
