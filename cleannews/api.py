"""The Python API: `clean(page)` for people who call cleannews from code."""
from __future__ import annotations

import functools

from cleannews.document import Document
from cleannews.engine.ruleset import Rules, RuleSpec
from cleannews.engine.ruleset import load_rules as _load_rules
from cleannews.pipeline import clean_document


def load_rules(extra=(), builtin: bool = True, disable=(), languages=(), site: str | None = None) -> Rules:
    """The compiled rule sets, cached: loading and compiling happens once per process.

    `extra`: more rule files or folders; `disable`: rule ids, categories or rule
    sets to leave out; `languages`: keep only rules for these (and language-neutral ones);
    any iterable of strings or paths (or one string) for each.  `site`: the domain of pages
    without a URL (see cleannews.engine.ruleset.Rules).
    """
    return load_spec(RuleSpec.of(extra, builtin, disable, languages, site))


@functools.lru_cache(maxsize=8)
def load_spec(spec: RuleSpec) -> Rules:
    """The compiled rules that `spec` names, cached per process (what load_rules, the commands,
    the batch and learn workers and the datatrove steps all load through)."""
    rules = _load_rules(list(spec.extra), builtin=spec.builtin, disable=list(spec.disable),
                        languages=list(spec.languages), site=spec.site)
    rules.spec = spec  # how a worker process loads the same
    return rules


def clean(page: str | bytes, url: str | None = None, rules: Rules | None = None,
          source: str = "<page>") -> Document:
    """Clean one page (HTML, text or Markdown, as str or bytes).

    The result's `.text` is the clean body; `cleannews.corpus.write.metadata(doc)`
    gives title, author, date, site, language and the removal report.
    """
    data = page.encode("utf-8") if isinstance(page, str) else page
    return clean_document(Document(source=source, data=data, url=url), rules or load_rules())
