"""cleannews' own output, cleaned again: by the rules only, the first pass's judgement standing.

A corpus is cleaned in several passes, often by different people.  The first
pass saw the page as it came (HTML markup, layout) and judged from it what is
article: the extraction, the block models, the classifier, the headline.  Its
clean text has lost what that judgement read, so judging the text again from
the text alone took lines the first pass rightly kept (25 of the 181
scrapinghub pages changed so, 1 to 5 blocks each).  cleannews' output is told
by the metadata written with it: a `.meta.json` beside a `.txt` or `.md`
page, the metadata in a `--format json` file, a corpus record's `cleannews`
field.  Such a document is cleaned with the rule sets alone, as `check` and
`fix` clean: rules added since (the second person's own) still apply, and
with the same rules nothing changes.  Its first-pass metadata (title, author,
date, language, flags) is carried over, and `cleaned_before` says that the
document was cleannews output and what that first pass started from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cleannews.corpus.read import MAX_BYTES, read_path
from cleannews.corpus.write import PAGE_KEYS
from cleannews.document import Document, Removal
from cleannews.engine.ruleset import Rules
from cleannews.limits import Limits

MARK = "cleaned_before"  # the metadata key of a document recognised as cleannews output
SIDECAR = ".meta.json"  # what batch writes beside a txt or md page (runs.batch.write_outputs)
# What the first pass worked out of its own input (corpus.write.metadata): the new pass writes its
# own; `cleaned_before` keeps these few of the first pass's
FIRST_PASS = ("source", "kind", "encoding", "site_rules", "stats")
NOT_CARRIED = frozenset({*FIRST_PASS, "removed", "removed_chars", "empty", "text", "error", MARK})


@dataclass(frozen=True)
class Earlier:
    """What cleannews wrote with a document it cleaned: the metadata, and whether the text is
    Markdown (the `.md` output of a Markdown page: its lines as written, markup and all) or plain
    text (the rest: `.txt` and json outputs, a record's text field, each line a block's plain
    text; the `.md` output of any other page is its plain text under a `# title`)."""

    meta: dict
    markdown: bool = False


def is_metadata(value, record: bool = False) -> bool:
    """Whether `value` is metadata cleannews wrote of a document it cleaned: an object with `kind`
    and `stats` (and `source`, which a corpus record's `cleannews` field leaves out).  A record
    that failed (`{"error": ...}`) was not cleaned; a `.meta.json` of some other tool is no mark."""
    return (isinstance(value, dict) and isinstance(value.get("kind"), str) and isinstance(value.get("stats"), dict)
            and "error" not in value and (record or isinstance(value.get("source"), str)))


def json_output(data: bytes) -> dict | None:
    """The object of a `--format json` output (`text` and the metadata), else None."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return None
    value = _json(data)
    return value if is_metadata(value) and isinstance(value.get("text"), str) else None


def _json(data: bytes | None):
    """The JSON value of `data` (a byte order mark and bytes that are not UTF-8 allowed), None
    when it holds none."""
    try:
        return None if data is None else json.loads(data.decode("utf-8-sig", errors="surrogateescape"))
    except (ValueError, RecursionError):
        return None


def _head(path: Path, max_bytes: int) -> bytes | None:
    """The file's bytes, None when it cannot be read or is longer than `max_bytes`."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError:
        return None
    return data if len(data) <= max_bytes else None


def sidecar_of(path: Path) -> Path:
    """Where batch put the metadata of the page `path` (a.txt, a.md -> a.meta.json; a.txt.gz too)."""
    return path.with_name(path.name.removesuffix(".gz")).with_suffix(SIDECAR)


def read_sidecar(path: Path, max_bytes: int = MAX_BYTES) -> dict | None:
    """The cleannews metadata written beside the page `path`; None when there is none, or what is
    there cannot be read or is not cleannews' (the page is then cleaned as any page)."""
    meta = sidecar_of(path)
    value = None if meta == path else _json(_head(meta, max_bytes))
    return value if is_metadata(value) else None


def what_json_is(path: Path) -> str | None:
    """"page" for a `--format json` output, "metadata" for a `.meta.json` batch wrote, None for
    other JSON: what batch makes of a JSON document found among the inputs."""
    data = _head(path, MAX_BYTES)
    if data is None:
        return None
    if json_output(data) is not None:
        return "page"
    return "metadata" if path.name.endswith(SIDECAR) and is_metadata(_json(data)) else None


def read_page(path: str | Path, url: str | None = None, max_bytes: int = MAX_BYTES) -> tuple[Document, Earlier | None]:
    """The page at `path` ("-": standard input) and, when it is cleannews output, the metadata
    written with it (else None).  A `--format json` output gives its `text` as the page; a
    Markdown output loses the `# title` heading that the output format added (it adds it again)."""
    doc = read_path(path, url=url, max_bytes=max_bytes)
    found = json_output(doc.data)
    if found is not None:
        doc.data = found.pop("text").encode("utf-8", "surrogatepass")
        return doc, Earlier(found)
    if str(path) == "-":
        return doc, None
    found = read_sidecar(Path(path), max_bytes)
    if found is None:
        return doc, None
    md = Path(path).name.removesuffix(".gz").endswith(".md")
    if md and found.get("title"):
        heading = f"# {found['title']}\n\n".encode("utf-8", "surrogatepass")
        if doc.data.startswith(heading):
            doc.data = doc.data[len(heading):]
    return doc, Earlier(found, markdown=md and found.get("kind") == "markdown")


def record_metadata(data: dict, text_field: str) -> Earlier | None:
    """The `cleannews` field of a corpus record that cleannews cleaned (its text field holds the
    clean text), else None."""
    found = data.get("cleannews")
    return Earlier(found) if is_metadata(found, record=True) and isinstance(data.get(text_field), str) else None


def clean(doc: Document, earlier: Earlier | None, ruleset: Rules, limits: Limits = Limits()) -> Document:
    """`doc` cleaned: by the rules only when `earlier` (what cleannews wrote with it) is given,
    its metadata carried over; else as any page."""
    from cleannews.pipeline import clean_document

    if earlier is None:
        return clean_document(doc, ruleset, limits=limits)
    meta = earlier.meta
    # the first pass's page keys before cleaning: its language chooses the rules, its URL the site
    for key in PAGE_KEYS:
        if key in meta:
            doc.metadata[key] = meta[key]
    if doc.url is None and isinstance(meta.get("url"), str):
        doc.url = meta["url"]
    clean_document(doc, ruleset, rules_only=True, limits=limits)
    as_written(doc, earlier.markdown)
    for key, value in meta.items():  # its flags and the rest: what the new pass did not find itself
        if key not in NOT_CARRIED:
            doc.metadata.setdefault(key, value)
    if not doc.kept and meta.get("empty"):
        doc.metadata.setdefault("empty", meta["empty"])  # why the first pass found no article
    before = meta.get(MARK)
    doc.metadata[MARK] = before if isinstance(before, dict) else {k: meta[k] for k in FIRST_PASS if k in meta}
    return doc


def as_written(doc: Document, markdown: bool) -> None:
    """The text read back as the kind cleannews wrote it (see Earlier), whatever it looks like,
    its lines as written less those the rules removed.

    The pipeline tells the kind of a page from its text.  Plain text that
    reads as Markdown (a `# comment` in a code listing, `**Abstract:**`,
    `snake_case`) lost its markup as Markdown's plain text (9 of the 709 wcxb
    pages cleaned again); Markdown that reads as plain text lost the
    indentation of its lines (3 of the wcxb text pages as `.md`).  The rules'
    verdicts, made on the other reading, stand line by line."""
    from cleannews.pipeline import blocks

    kind = "markdown" if markdown else "text"
    if doc.kind == kind or doc.kind not in ("markdown", "text"):
        return
    removals = {b.line: b.removal for b in doc.blocks if b.removal}
    doc.kind, doc.blocks = kind, []
    blocks.split(doc)
    for i, block in enumerate(doc.blocks):
        was = removals.get(block.line)
        if was is not None:
            block.removal = Removal(was.rule, was.category, block.text, block.line, i, was.stage, was.matched)
