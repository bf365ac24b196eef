"""HTML pages: drop the elements the selector rules name, then let trafilatura
choose the main content and read the metadata.

trafilatura is imported here only, so plain-text cleaning starts fast.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from cleannews.document import Document, Removal
from cleannews.errors import InputError

META_FIELDS = ("title", "author", "date", "sitename", "url", "hostname", "description",
               "categories", "tags", "image", "pagetype")


def parse(doc: Document):
    """The lxml tree of the page, with its metadata read into `doc.metadata`."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    tree = trafilatura.load_html(doc.content)
    if tree is None:
        raise InputError(doc.source, "HTML could not be parsed")
    meta = extract_metadata(tree, default_url=doc.url).as_dict()
    for key in META_FIELDS:
        value = meta.get(key)
        if value:
            doc.metadata[key] = value
    lang = (tree.get("lang") or tree.get("xml:lang") or "").split("-")[0].split("_")[0].lower()
    if lang.isalpha() and 2 <= len(lang) <= 3:
        doc.metadata["language"] = lang
    return tree


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname
    return host.removeprefix("www.") if host else None


def drop_selected(doc: Document, tree, selectors) -> list[Removal]:
    """Remove the elements matched by selector rules; report each with its text."""
    removed = []
    for rule in selectors:
        for element in tree.xpath(rule.xpath):
            if element.getparent() is None:
                continue  # never the root
            text = " ".join(element.text_content().split())
            if text:
                removed.append(Removal(rule.id, rule.category, text, element.sourceline or 0, -1))
            element.drop_tree()
    return removed


def main_text(doc: Document, tree) -> str:
    import trafilatura

    result = trafilatura.bare_extraction(tree, url=doc.url, include_comments=False,
                                         include_tables=True, with_metadata=False)
    return (result.text if result is not None else "") or ""
