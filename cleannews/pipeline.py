"""One page through every stage: decode, extract (HTML), blocks, rules, headline."""
from __future__ import annotations

from cleannews import blocks, classify, decode, headline, language, rules
from cleannews.document import Document
from cleannews.extract import host_of
from cleannews.ruleset import Rules


def clean_document(doc: Document, ruleset: Rules, rules_only: bool = False) -> Document:
    """Clean `doc` in place.  `rules_only` applies the rule sets and nothing else (no classifier,
    no headline): what `check` and `fix` do to text kept in a corpus."""
    decode.decode(doc)
    if doc.kind == "html":
        from cleannews import extract

        tree = extract.parse(doc)
        sites = _sites(doc, ruleset, doc.url or doc.metadata.get("url"), doc.content)
        early = ruleset.active(doc.metadata.get("language"), sites)
        doc.dropped = extract.drop_selected(doc, tree, early.selectors)
        blocks.split(doc, extract.main_text(doc, tree))
    else:
        blocks.split(doc)
        sites = _sites(doc, ruleset, doc.url, doc.content)
    if "language" not in doc.metadata:
        lang = language.detect("\n".join(b.text for b in doc.blocks))
        if lang:
            doc.metadata["language"] = lang
    rules.apply_rules(doc, ruleset.active(doc.metadata.get("language"), sites))
    if not rules_only:
        classify.classify(doc)
        headline.find_headline(doc)
    if doc.url:
        doc.metadata["url"] = doc.url
    return doc


def _sites(doc: Document, ruleset: Rules, url: str | None, content: str) -> tuple[str, ...]:
    found = ruleset.sites_for(host_of(url), content)
    doc.site_rules = [s.name for s in found]
    for s in found:
        if s.sitename and not doc.metadata.get("sitename"):
            doc.metadata["sitename"] = s.sitename
    return tuple(s.site for s in found)
