"""One page through every stage: decode, extract (HTML), blocks, rules, classify, headline, judge."""
from __future__ import annotations

from collections import Counter

from cleannews import language
from cleannews.document import Document
from cleannews.engine.apply import apply_rules
from cleannews.engine.ruleset import Rules
from cleannews.errors import InputError
from cleannews.limits import Limits, deadline
from cleannews.pipeline import blocks, classify, decode, extract, headline, judge, site
from cleannews.pipeline.blocks import running_text

MIN_FLAGGED_WORDS = 100  # removed running text under this is a box or a teaser, not an article
CJK_CHARS_PER_WORD = 1.5  # Chinese and Japanese: characters to a word, as the guard counts them


def clean_document(doc: Document, ruleset: Rules, rules_only: bool = False, limits: Limits = Limits()) -> Document:
    """Clean `doc` in place.  `rules_only` applies the rule sets and nothing else (no classifier,
    no headline): what `check` and `fix` do to text kept in a corpus.  A document over the
    limits raises InputError naming it."""
    if len(doc.data) > limits.max_bytes:
        raise InputError(doc.source, f"larger than --max-bytes ({limits.max_bytes:,} bytes); skipped")
    with deadline(limits.timeout, doc.source):
        _clean(doc, ruleset, rules_only, favor=limits.favor)
        if doc.kind != "html" and not rules_only:
            _settle(doc, ruleset, limits.favor)
    _guard_over_removal(doc, limits.max_removed)
    return doc


def _settle(doc: Document, ruleset: Rules, favor: str, rounds: int = 4) -> None:
    """Clean the clean text again until nothing changes, so that cleaning clean output is a no-op.

    The classifier reads layout (indentation, blank lines) that the clean text
    no longer has, so a second look can judge a block differently.  That look
    is at the article alone, a fraction of the page, and its removals are
    reported on the original blocks (one kept block is one line of the text).
    """
    for _ in range(rounds):
        text = doc.text
        if not text:
            return
        again = Document(source=doc.source, data=text.encode("utf-8", "surrogatepass"), url=doc.url)
        if "rule_errors" in doc.metadata:
            again.metadata["rule_errors"] = doc.metadata["rule_errors"]
        kept = [i for i, b in enumerate(doc.blocks) if b.kept]
        _clean(again, ruleset, rules_only=False, reuse=[doc.blocks[i] for i in kept], favor=favor)
        if again.text == text:
            return
        for i, block in zip(kept, again.blocks, strict=True):
            if block.removal:
                doc.remove(i, block.removal.rule, block.removal.category, block.removal.stage)
        for key in ("title", "empty"):
            if key in again.metadata and key not in doc.metadata:
                doc.metadata[key] = again.metadata[key]


def _clean(doc: Document, ruleset: Rules, rules_only: bool, reuse: list | None = None,
           favor: str = "balanced") -> None:
    """`reuse`: the blocks of an earlier pass whose clean text `doc` is; a block of the same
    text takes what they worked out (normalised text, word count, rule answers)."""
    decode.decode(doc)
    if doc.kind == "html":
        tree, sites, links = prepare_html(doc, ruleset)
        active = ruleset.active(doc.metadata.get("language"), sites)
        blocks.split(doc, extract.main_text(doc, tree, favor, ruleset, active))
    else:
        blocks.split(doc)
        if reuse is not None:
            for block, earlier in zip(doc.blocks, reuse):
                block.reuse(earlier)
        sites, links = _sites(doc, ruleset, doc.url, doc.content), frozenset()
    ruleset.lines.fill(doc.blocks, counts=doc.kind != "html" or "language" not in doc.metadata)
    if "language" not in doc.metadata:
        lang = language.detect_blocks([b.text for b in doc.blocks], [b.tally for b in doc.blocks])
        if lang:
            doc.metadata["language"] = lang
    apply_rules(doc, ruleset.active(doc.metadata.get("language"), sites), ruleset.lines)
    if not rules_only:
        classify.classify(doc, ruleset, favor)
        headline.find_headline(doc, ruleset)
        judge.judge(doc, links, ruleset)
    if doc.url:
        doc.metadata["url"] = doc.url


def prepare_html(doc: Document, ruleset: Rules):
    """A decoded HTML page as extraction takes it: its tree less the elements selector rules
    drop (reported in `doc.dropped`), the site rule sets that apply, and the page's link texts
    (read before the selectors cut any)."""
    tree = extract.parse(doc)
    sites = _sites(doc, ruleset, doc.url or doc.metadata.get("url"), doc.content)
    early = ruleset.active(doc.metadata.get("language"), sites)
    links = judge.link_texts(tree)
    if early.metadata:  # the site's own XPaths come before trafilatura's guesses
        doc.metadata.update(site.site_metadata(tree, early, doc.source))
    # Imported strips (early.strips) are not dropped: even guarded by site.usable_strips they
    # cost F1 on the pages of covered sites (benchmarks/README.md, "Site rules")
    doc.dropped = extract.drop_selected(doc, tree, early.selectors)
    return tree, sites, links


def _guard_over_removal(doc: Document, limit: float) -> None:
    """Flag a document cleaning may have gutted, so that a corpus user can find it: the rules
    removed more than `limit` of its words (a rule matching article text shows up here first),
    or more of what reads as article went than stayed: in html, the running text (ten words
    or more, ending as a sentence) the extraction or the block model left out; in text, the
    lines the classifier took from between the article's kept lines (a code listing, a
    table), or, where a line or two is all that stayed, the running text it took anywhere.
    Comments and teasers after the article do not count.  A page
    judged no article at all (a wall, a stub) is not flagged: there the rules did their
    work, and the metadata says why it is empty."""
    if "empty" in doc.metadata:
        return
    cjk = doc.metadata.get("language") in ("zh", "ja")
    words_of = {id(b): _words(b.text, cjk) if cjk else b.words for b in doc.blocks}
    total = sum(words_of.values())
    by_rules = sum(words_of[id(b)] for b in doc.blocks if b.removal and b.removal.stage == "rules")
    if total >= 20 and by_rules / total > limit:
        doc.metadata["over_removal"] = {"share": round(by_rules / total, 3), "limit": limit, "stage": "rules"}
        return
    kept = sum(words_of[id(b)] for b in doc.blocks if b.kept)
    removed = Counter()
    for removal in doc.dropped:  # html: running text the extraction or the block model left out
        words = _words(removal.text, cjk)
        if removal.stage == "extract" and running_text(removal.text, words):
            removed["extract"] += words
    taken = [(i, words_of[id(b)]) for i, b in enumerate(doc.blocks) if b.removal and b.removal.stage == "classifier"]
    inside = [i for i, b in enumerate(doc.blocks) if b.kept]
    if inside:  # text: what the classifier took from between the article's own lines (listings, tables)
        removed["classifier"] = sum(w for i, w in taken if inside[0] < i < inside[-1])
    if len(inside) <= 2:  # a line or two left: no "between"; the running text it took anywhere
        removed["classifier"] = max(removed["classifier"], sum(
            w for i, w in taken if running_text(doc.blocks[i].text, w)))
    stage, words = max(removed.items(), key=lambda item: item[1], default=("", 0))
    if words >= MIN_FLAGGED_WORDS and words > kept:
        doc.metadata["over_removal"] = {"share": round(words / (words + kept), 3), "limit": 0.5, "stage": stage}


def _words(text: str, cjk: bool) -> int:
    """A text's words as the guard counts them: by spaces, or in Chinese and Japanese, which write
    none, a word to CJK_CHARS_PER_WORD characters (else a paragraph would count as one word)."""
    if cjk:
        return round(len("".join(text.split())) / CJK_CHARS_PER_WORD)
    return len(text.split())


def _sites(doc: Document, ruleset: Rules, url: str | None, content: str) -> tuple[str, ...]:
    found = ruleset.sites_for(extract.host_of(url), content)
    doc.site_rules = [s.name for s in found]
    for s in found:
        if s.sitename and not doc.metadata.get("sitename"):
            doc.metadata["sitename"] = s.sitename
    return tuple(s.site for s in found)
