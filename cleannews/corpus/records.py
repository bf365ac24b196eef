"""Records of a corpus (JSONL lines, WARC responses) through the same pipeline as pages."""
from __future__ import annotations

from dataclasses import dataclass

from cleannews.corpus import again
from cleannews.corpus.streams import Record
from cleannews.corpus.write import json_text, metadata
from cleannews.document import Document
from cleannews.engine.ruleset import Rules
from cleannews.errors import InputError
from cleannews.limits import Limits


@dataclass(frozen=True)
class Fields:
    """Which fields of a record hold the page and its identity."""

    text: str = "text"
    html: str = "html"
    url: str = "url"
    id: str = "id"


REPORTS = ("full", "summary", "none")


def record_document(record: Record, fields: Fields, cleaned: bool = False) -> Document:
    """The page a record holds, as a Document to clean: its HTML field when present, else its text
    field, with its URL; named `source:line`.  The one place a record becomes a page (batch,
    clean --format jsonl, learn and the datatrove steps), so each judges a record the same way.
    `cleaned`: the record is cleannews output, whose text field holds the clean text (its HTML
    field, when kept, is the page the first pass cleaned).  Raises InputError when the record
    holds no page."""
    data = record.data
    page = None if cleaned else data.get(fields.html)
    if page is None:
        page = data.get(fields.text)
    if page is None:
        raise InputError(record.source, f"record has no {fields.html!r} or {fields.text!r} field", record.line)
    if not isinstance(page, (str, bytes)):
        raise InputError(record.source, f"field holds a JSON {type(page).__name__}, not a page", record.line)
    url = data.get(fields.url)
    return Document(source=f"{record.source}:{record.line}" if record.line else record.source,
                    data=page.encode("utf-8", "surrogatepass") if isinstance(page, str) else page,
                    url=url if isinstance(url, str) else None)


def clean_record(record: Record, fields: Fields, ruleset: Rules, limits: Limits = Limits(),
                 report: str = "full") -> tuple[dict, Document]:
    """The record with its text field set to the clean text and a `cleannews` metadata field added.

    Every other field is kept as it was (page bytes from a WARC excepted).
    An HTML field, when present, is what gets cleaned; else the text field.  A record that
    cleannews cleaned before (its `cleannews` field) has its text field cleaned by the rules only
    (see corpus.again).  `report` says how much of the metadata goes in (see `report_of`).
    """
    earlier = again.record_metadata(record.data, fields.text)
    doc = record_document(record, fields, cleaned=earlier is not None)
    try:
        again.clean(doc, earlier, ruleset, limits)
    except InputError as exc:  # say which record, by line
        raise InputError(record.source, exc.reason, record.line) from None
    if record.invalid_bytes:
        doc.metadata["invalid_bytes"] = record.invalid_bytes
    out = {k: v for k, v in record.data.items() if not isinstance(v, bytes)}
    out[fields.text] = doc.text
    meta = report_of(metadata(doc), report)
    if meta is not None:
        out["cleannews"] = meta
    return out, doc


def report_of(meta: dict, report: str) -> dict | None:
    """What of a document's metadata a corpus record carries.

    The full removal report (every removed block's text) makes a corpus
    about 2.5 times its input; `summary` keeps what a corpus user filters
    on (kind, language, title, stats, flags, characters removed per
    category) and `none` adds no field at all."""
    meta = {k: v for k, v in meta.items() if k != "source"}
    if report == "none":
        return None
    if report == "summary":
        removed = meta.pop("removed", [])
        by_category: dict = {}
        for r in removed:
            by_category[r["category"]] = by_category.get(r["category"], 0) + len(r["text"])
        meta["removed_chars"] = dict(sorted(by_category.items()))
    return meta


def failed_record(record: Record, fields: Fields, error: str) -> dict:
    """A record that could not be cleaned, kept as it came (text unchanged, page bytes from a WARC
    left out) with the error in its `cleannews` field: a corpus loses no record to one failure."""
    data = record.data
    out = {k: v for k, v in data.items() if not isinstance(v, bytes)}
    if fields.text not in out and any(isinstance(v, bytes) for v in data.values()):
        out[fields.text] = ""  # a WARC response: no text was there to keep
    out["cleannews"] = {"error": error}
    if record.invalid_bytes:
        out["cleannews"]["invalid_bytes"] = record.invalid_bytes
    return out


def dumps(record: dict) -> str:
    """One JSONL line.  A string holding a lone surrogate (`"\\ud800"` in the input JSON) cannot
    be written as UTF-8: that record is written with \\u escapes instead, the same value."""
    return json_text(record) + "\n"
