"""cleannews as datatrove pipeline steps: the same cleaning, on one machine, Slurm or Ray.

`pip install "cleannews[datatrove]"`, then put a step between a reader and a writer:

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleannews.integrations.datatrove import CleannewsExtractor

    LocalPipelineExecutor(pipeline=[JsonlReader("raw/"), CleannewsExtractor(), JsonlWriter("clean/")],
                          tasks=8, logging_dir="logs/").run()

- `CleannewsExtractor`: the document's text is a page as scraped (HTML, as
  datatrove's WarcReader gives it; text or Markdown work too).
- `CleannewsFormatter`: the document's text is already text or Markdown (the
  output of an earlier extractor, a text corpus).

Both run exactly what `cleannews batch` runs on a JSONL record
(`cleannews.corpus.records.clean_record`: the kind of page is sniffed from its
content, as everywhere in cleannews), so a document comes out with the same
clean text, byte for byte, and the same report under `metadata["cleannews"]`
(title, author, date, language, site rules, stats, and `removed`: rule,
category and text of every removed block).  They differ in their datatrove
role and in what they flag: the extractor counts inputs that were not HTML
(`not_html`), the formatter inputs that were (`html_input`), so a miswired
pipeline shows in the stats.

Rule options are those of the command line (`rules`, `builtin_rules`,
`disable`, `languages`; see `cleannews.api.load_rules`).  A step holds only
their RuleSpec: datatrove pickles steps to send them to its tasks, and the
compiled rules are loaded in the worker, once per process (`load_spec` is
cached).

Stats, in datatrove's way: `total`, `cleaned`, `forwarded`, `dropped`,
`empty` (documents with no text left), `removed_blocks` and
`removed_<category>` (blocks removed, per category), and per failure kind:
`input_error` (cleannews refused the page, e.g. binary data), `clean_error`
(a bug: please report the document), `timeout`, `broken_process`.  A bad
document is counted, logged once, and dropped, as `cleannews batch` leaves it
out of its output; the task goes on.

Learning rules at scale, `cleannews learn` across tasks: `CleannewsLearnCounts`
counts each task's pages (cleannews.learn.Counts) and writes its shard;
`CleannewsLearnRules`, run once after it, merges the shards and writes one
rule set per site, as `cleannews learn -o` does.
"""
from __future__ import annotations

from pathlib import Path

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.extractors.base import ExtractorSandbox
    from datatrove.utils.logging import logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError('cleannews.integrations.datatrove needs datatrove: pip install "cleannews[datatrove]"') from exc

from cleannews.corpus.records import Fields, clean_record, record_document
from cleannews.corpus.streams import Record
from cleannews.engine.ruleset import RuleSpec
from cleannews.errors import InputError

__all__ = ["CleannewsExtractor", "CleannewsFormatter", "CleannewsLearnCounts", "CleannewsLearnRules"]


class _CleannewsStep(PipelineStep):
    """What both steps share: rule options, lazy rules, the per-document loop and its stats."""

    def __init__(self, rules=(), builtin_rules: bool = True, disable=(), languages=(),
                 url_key: str = "url", html_key: str = "html", drop_empty: bool = False,
                 timeout: float | None = None):
        """
        Args:
            rules: extra rule files or folders (`--rules`); made absolute here, so a task
                started elsewhere (a Slurm node, a Ray worker) finds them on a shared file system.
            builtin_rules: False leaves out the shipped rules (`--no-builtin-rules`).
            disable: rule ids, categories or rule sets to leave out (`--disable`).
            languages: keep only the rules for these languages (and language-neutral ones).
            url_key: the metadata key with the page URL (site rules and metadata use it).
            html_key: the metadata key with the page's HTML: when a document has it, that is
                what gets cleaned (into `text`), as `cleannews batch` prefers a record's
                `html` field to its `text` field (`--html-field`).
            drop_empty: drop documents left with no text (counted as `empty` either way);
                `cleannews batch` keeps them, so the default does too.
            timeout: seconds per document; when given, pages are cleaned in a sandbox
                process (datatrove's ExtractorSandbox) and one that runs longer is counted
                as `timeout` and dropped.  None (the default): in the task's own process.
        """
        super().__init__()
        self.rule_spec = RuleSpec.of(rules, builtin_rules, disable, languages, absolute=True)
        self.url_key = url_key
        self.html_key = html_key
        self.drop_empty = drop_empty
        self.timeout = timeout
        self._warned: set = set()

    @property
    def ruleset(self):
        """The compiled rules, loaded on first use in this process (and cached for the process)."""
        from cleannews.api import load_spec

        return load_spec(self.rule_spec)

    def check_rules(self):
        """Load the rules now: a wrong rule file raises RuleError here, before any task starts."""
        self.ruleset
        return self

    def clean_page(self, fields: dict, source: str):
        """(clean text, report) for one page's fields (text, html, url), or (None, (stat, message))
        when it fails.

        Failures are returned, not raised, so they come back the same way from the sandbox
        process (where an exception would kill it).
        """
        try:
            out, _doc = clean_record(Record(source, 0, fields), Fields(), self.ruleset)
        except InputError as exc:
            return None, ("input_error", f"cleannews: {source}: {exc.reason}, dropped")
        except Exception as exc:  # noqa: BLE001 - one bad document never stops the task
            return None, ("clean_error", f"cleannews: {source}: internal error: {type(exc).__name__}: {exc} "
                                         "(a bug: please report the document), dropped")
        return out["text"], out["cleannews"]

    def note_kind(self, kind: str) -> None:
        """Subclasses count the inputs that are not what they expect."""

    def _warn_once(self, what: str, message: str) -> None:
        if what not in self._warned:
            self._warned.add(what)
            logger.warning(f"{message} (counted as {what!r}; this message appears once per task)")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        self.ruleset  # loaded before the sandbox forks, so it starts with them compiled
        if self.timeout is None:
            yield from self._run(data, self.clean_page)
        else:
            with ExtractorSandbox(timeout=self.timeout, warmup_text=({"text": ""}, "<warmup>")) as sandbox:
                yield from self._run(data, lambda *args: sandbox.process_document(args, self.clean_page))

    def _run(self, data: DocumentsPipeline, clean) -> DocumentsPipeline:
        for doc in data:
            self.stat_update(StatHints.total)
            record = _record(doc, self.url_key, self.html_key)
            with self.track_time():
                try:
                    result = clean(record.data, record.source)
                except TimeoutError:
                    self.stat_update("timeout", StatHints.dropped)
                    self._warn_once("timeout", f"cleannews: {doc.id}: took longer than {self.timeout} s, dropped")
                    continue
                except EOFError:
                    self.stat_update("broken_process", StatHints.dropped)
                    self._warn_once("broken_process", f"cleannews: {doc.id}: the sandbox process died, dropped")
                    continue
            text, report = result
            if text is None:
                what, message = report
                self.stat_update(what, StatHints.dropped)
                self._warn_once(what, message)
                continue
            doc.text = text
            doc.metadata["cleannews"] = report
            self.stat_update("cleaned")
            self.note_kind(report["kind"])
            removed = report["removed"]
            if removed:
                self.stat_update("removed_blocks", value=len(removed))
                categories: dict = {}
                for r in removed:
                    categories[r["category"]] = categories.get(r["category"], 0) + 1
                for category, n in sorted(categories.items()):
                    self.stat_update(f"removed_{category}", value=n)
            if not text:
                self.stat_update("empty")
                if self.drop_empty:
                    self.stat_update(StatHints.dropped)
                    continue
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc


def _record(doc, url_key: str, html_key: str) -> Record:
    """A datatrove document as the record batch would see (text, url, html fields; Fields()), so
    that cleannews.corpus.records makes it a page and judges its fields' types the same way."""
    fields = {"text": doc.text}
    for name, key in (("url", url_key), ("html", html_key)):
        if doc.metadata.get(key) is not None:
            fields[name] = doc.metadata[key]
    return Record(str(doc.id), 0, fields)


class CleannewsExtractor(_CleannewsStep):
    """Scraped pages (HTML, as datatrove's WarcReader gives them) to clean text and a removal report.

    What `cleannews clean` and `cleannews batch` do to a page: trafilatura for
    the main content and metadata, then the rule sets.  Takes the rule options
    of the command line; see the module's docstring for stats and errors.
    """

    name = "🧹 cleannews"
    type = "🛢 - EXTRAC"

    def note_kind(self, kind: str) -> None:
        if kind != "html":
            self.stat_update("not_html")


class CleannewsFormatter(_CleannewsStep):
    """Text or Markdown already extracted (a text corpus, an earlier extractor's output) to clean text.

    The rule sets (and the classifier and headline stages) on the text, as
    `cleannews batch` does to a text record.  Takes the rule options of the
    command line; see the module's docstring for stats and errors.
    """

    name = "🧹 cleannews"
    type = "✂️ - FORMAT"

    def note_kind(self, kind: str) -> None:
        if kind == "html":
            self.stat_update("html_input")


# ---- learn at scale: pass 1 per task, then one merge -------------------------------------------

class CleannewsLearnCounts(PipelineStep):
    """Pass 1 of `cleannews learn` in each task: count the blocks each page's site repeats.

    Put it right after a reader of raw pages (it cleans each page itself, to see
    its blocks; the documents go on unchanged).  Each task writes
    `<output_folder>/counts/<rank>.counts` (cleannews.learn.Counts.save) and
    `<output_folder>/blocks/<rank>.jsonl.gz` (the keyed blocks of its pages, which
    the merge reads back instead of cleaning every page again).  `output_folder`
    is a local or shared path (Counts.save writes files atomically, not to fsspec URLs).
    Then run CleannewsLearnRules once over the same folder.
    """

    name = "🧮 cleannews learn: count"
    type = "📊 - STATS"

    def __init__(self, output_folder, site: str | None = None, rules=(), builtin_rules: bool = True,
                 disable=(), languages=(), url_key: str = "url", html_key: str = "html"):
        """`site`: the site of pages that come without a URL (`--site`); the rule options and
        the keys are CleannewsExtractor's."""
        super().__init__()
        self.output_folder = str(Path(output_folder).resolve())
        self.site = site
        self.rule_spec = RuleSpec.of(rules, builtin_rules, disable, languages, absolute=True)
        self.url_key, self.html_key = url_key, html_key

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        from cleannews.api import load_spec
        from cleannews.corpus.write import atomic_open
        from cleannews.learn import Counts, keyed, page_blocks, page_site, spill_line
        from cleannews.pipeline import clean_document

        ruleset = load_spec(self.rule_spec)
        counts = Counts()
        folder = Path(self.output_folder)
        with atomic_open(folder / "blocks" / f"{rank:05d}.jsonl.gz", "gz") as spill:
            for doc in data or ():
                self.stat_update(StatHints.total)
                with self.track_time():
                    try:
                        page_doc = record_document(_record(doc, self.url_key, self.html_key), Fields())
                        clean_document(page_doc, ruleset)
                        site = page_site(page_doc, ruleset, self.site)
                        if site is None:
                            self.stat_update("no_site")
                        else:
                            blocks = keyed(site, page_blocks(page_doc))
                            counts.add_keys(site, [(k, f) for k, f, _ in blocks], page_doc.metadata.get("sitename"))
                            spill.write(spill_line(site, blocks))
                            self.stat_update("counted")
                    except Exception as exc:  # noqa: BLE001 - one bad page never stops the task
                        self.stat_update("input_error" if isinstance(exc, InputError) else "clean_error")
                        logger.warning(f"cleannews learn: {doc.id}: {exc}")
                yield doc
        counts.save(folder / "counts" / f"{rank:05d}.counts")


class CleannewsLearnRules(PipelineStep):
    """The merge of `cleannews learn`: every task's counts, then the learned rule sets.

    Run it alone, with one task, after CleannewsLearnCounts (as the `depends=` of its
    executor): it merges `<input_folder>/counts/*.counts`, reads the blocks back to
    keep the texts of the frequent ones (pass 2), and writes one
    `<output_folder>/<site>.yaml` per site, as `cleannews learn -o` does.  The options
    are the command's (`min_pages`, `min_share`, `exclude`, `include_classified`) and
    the rule options (the learned rules borrow the sites' fingerprints and categories).
    """

    name = "🧮 cleannews learn: merge"
    type = "📊 - STATS"

    def __init__(self, input_folder, output_folder, min_pages: int = 3, min_share: float = 0.3, exclude=(),
                 include_classified: bool = False, rules=(), builtin_rules: bool = True, disable=(), languages=()):
        super().__init__()
        self.input_folder = str(Path(input_folder).resolve())
        self.output_folder = str(Path(output_folder).resolve())
        self.min_pages, self.min_share = min_pages, min_share
        self.exclude, self.include_classified = tuple(exclude), include_classified
        self.rule_spec = RuleSpec.of(rules, builtin_rules, disable, languages, absolute=True)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is not None:
            yield from data
        if rank != 0:
            return
        from cleannews.api import load_spec
        from cleannews.corpus.write import atomic_write
        from cleannews.learn import Counts, categorizer, read_spill, site_sets

        ruleset = load_spec(self.rule_spec)
        folder = Path(self.input_folder)
        counts = Counts()
        for path in sorted((folder / "counts").glob("*.counts")):
            counts.merge(Counts.load(path))
            self.stat_update("shards")
        for path in sorted((folder / "blocks").glob("*.jsonl.gz")):
            for site, blocks in read_spill(path):
                counts.add_keyed_examples(site, blocks, self.min_pages, self.min_share)
        files = counts.rule_sets(self.min_pages, self.min_share, exclude=self.exclude,
                                 include_classified=self.include_classified, sites=site_sets(ruleset),
                                 categorize=categorizer(ruleset))
        for site, learned in sorted(files.items()):
            atomic_write(Path(self.output_folder) / f"{site}.yaml", learned.text)
            self.stat_update("rule_sets")
            self.stat_update("rules", value=learned.rules)
        self.stat_update("sites", value=len(counts.pages))
