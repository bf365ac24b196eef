"""Records of a corpus (JSONL lines, WARC responses) through the same pipeline as pages."""
from __future__ import annotations

import json
from dataclasses import dataclass

from cleannews.document import Document
from cleannews.errors import InputError
from cleannews.limits import Limits
from cleannews.pipeline import clean_document
from cleannews.ruleset import Rules
from cleannews.streams import Record
from cleannews.write import metadata


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold the page and its identity."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    id: str = "id"


def clean_record(record: Record, fields: Fields, ruleset: Rules, limits: Limits = Limits()) -> tuple[dict, Document]:
    """The record with its text field set to the clean text and a `cleannews` metadata field added.

    Every other field is kept as it was (page bytes from a WARC excepted).
    An HTML field, when present, is what gets cleaned; else the text field.
    """
    data = record.data
    page = data.get(fields.html)
    if page is None:
        page = data.get(fields.text)
    if page is None:
        raise InputError(record.source, f"record has no {fields.html!r} or {fields.text!r} field", record.line)
    if not isinstance(page, (str, bytes)):
        raise InputError(record.source, f"field holds a JSON {type(page).__name__}, not a page", record.line)
    url = data.get(fields.url)
    doc = Document(source=f"{record.source}:{record.line}", data=page.encode("utf-8", "surrogatepass") if isinstance(page, str) else page,
                   url=url if isinstance(url, str) else None)
    try:
        clean_document(doc, ruleset, limits=limits)
    except InputError as exc:  # say which record, by line
        raise InputError(record.source, exc.reason, record.line) from None
    out = {k: v for k, v in data.items() if not isinstance(v, bytes)}
    out[fields.text] = doc.text
    meta = metadata(doc)
    meta.pop("source", None)
    out["cleannews"] = meta
    return out, doc


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"
