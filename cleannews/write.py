"""Render a cleaned document (txt, json, md) and write files atomically."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from cleannews.document import Document

FORMATS = ("txt", "json", "md")
SUFFIX = {"txt": ".txt", "json": ".json", "md": ".md"}


def metadata(doc: Document) -> dict:
    """What the page is and what was removed from it, and why."""
    kept_chars = sum(len(b.text) for b in doc.kept)
    removed = doc.removed
    meta = {"source": doc.source, **doc.metadata, "kind": doc.kind, "encoding": doc.encoding,
            "site_rules": doc.site_rules,
            "stats": {"blocks": len(doc.blocks), "kept_blocks": len(doc.kept),
                      "kept_chars": kept_chars, "removed_chars": sum(len(r.text) for r in removed)},
            "removed": [r.as_dict() for r in removed]}
    if not doc.kept:
        meta["empty"] = "no blocks in the input" if not doc.blocks else "every block was removed"
    return meta


def render(doc: Document, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"text": doc.text, **metadata(doc)}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        title = doc.metadata.get("title")
        body = doc.markdown_body
        return f"# {title}\n\n{body}" if title else body
    return doc.text


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
