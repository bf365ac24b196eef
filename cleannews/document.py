"""The one type that flows through every stage of the pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field

from cleannews.language import tally
from cleannews.matching import normalize


# The stages that remove text, in pipeline order: HTML elements named by selector rules, lines
# the extraction left out, blocks the rule sets matched, the text classifier's verdicts, the
# headline moved to the title, and a page judged to hold no article.
STAGES = ("selector", "extract", "rules", "classifier", "headline", "judge")


@dataclass
class Removal:
    """Why a block left the body: the rule, its category, the stage, and where it stood."""

    rule: str
    category: str
    text: str
    line: int  # 1-based line of the block in the decoded input (0: came out of HTML extraction)
    block: int  # position among the document's blocks
    stage: str = "rules"  # one of STAGES
    # the phrase (normalised) or pattern of the rule that fired, where a rule of many names one
    matched: str = ""

    def as_dict(self) -> dict:
        out = {"rule": self.rule, "category": self.category, "stage": self.stage, "text": self.text,
               "line": self.line, "block": self.block}
        if self.matched:
            out["matched"] = self.matched
        return out


SHARED_MAX_CHARS = 200  # lines longer than this are article text, seldom seen twice: not shared
SHARED_MAX_LINES = 20_000  # distinct lines whose work is kept (a few MB)
_SHARED: dict[str, dict] = {}  # line text -> what Block.__getattr__ worked out for it


@dataclass
class Block:
    """A paragraph or line: the unit that rules keep or drop.

    `text` is what rules see and what plain-text output prints; `raw` is the
    block as written in the input (Markdown markup kept), so Markdown output
    never invents anything.
    """

    text: str
    raw: str
    line: int = 0
    removal: Removal | None = None
    heading: bool = False  # a Markdown heading or an HTML <h*>: a headline candidate

    @property
    def kept(self) -> bool:
        return self.removal is None

    # Worked out once per block, on first use, and shared by rules, classifier, headline and the
    # rounds of `pipeline._settle` (which hand them on to the same text's block: see `reuse`).
    # Not functools.cached_property: on Python 3.11 it takes a lock on every read.
    _LAZY = {
        "norm": lambda self: normalize(self.text),  # the form phrases are compared in
        "words": lambda self: len(self.text.split()),
        "tally": lambda self: tally(self.text),  # words and stopwords per language
        "memo": lambda self: {},  # what rules found in this text: an Index's candidates, a Matcher's answer
    }

    def __post_init__(self):
        shared = _SHARED.get(self.text)  # a line seen before: its work is done (see __getattr__)
        if shared:
            self.__dict__.update(shared)

    def __getattr__(self, name: str):
        make = Block._LAZY.get(name)
        if make is None:
            raise AttributeError(name)
        # a short line ("Advertisement", a menu item) comes back on page after page of a site:
        # what it worked out once is shared by every block of the same text (half the lines
        # of the 181 benchmark pages repeat a line seen before); a long one keeps its own
        text = self.text
        shared = _SHARED.get(text) if len(text) <= SHARED_MAX_CHARS else {}
        if shared is None:
            if len(_SHARED) >= SHARED_MAX_LINES:
                _SHARED.clear()  # bounded memory; the common lines come back at once
            shared = _SHARED[text] = {}
        value = shared.get(name)
        if value is None:
            value = shared[name] = make(self)
        self.__dict__[name] = value
        return value

    def reuse(self, other: "Block") -> None:
        """Take what `other`, a block with the same text, has worked out already."""
        if other.text == self.text:
            for key in ("norm", "words", "tally", "memo"):
                if key in other.__dict__:
                    self.__dict__[key] = other.__dict__[key]


@dataclass
class Document:
    source: str  # a path, "<stdin>" or a record id: what error messages name
    data: bytes = b""
    url: str | None = None
    encoding: str | None = None
    kind: str = ""  # html | text | markdown, sniffed from the content
    content: str = ""  # decoded input
    blocks: list[Block] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)
    site_rules: list[str] = field(default_factory=list)  # the site rule sets that applied
    dropped: list[Removal] = field(default_factory=list)  # HTML elements removed by selector rules

    @property
    def kept(self) -> list[Block]:
        return [b for b in self.blocks if b.removal is None]

    @property
    def removed(self) -> list[Removal]:
        return self.dropped + [b.removal for b in self.blocks if b.removal is not None]

    @property
    def text(self) -> str:
        """The clean body: kept blocks, one paragraph each."""
        kept = [b.text for b in self.kept]
        return "\n\n".join(kept) + "\n" if kept else ""

    @property
    def markdown_body(self) -> str:
        kept = [b.raw if self.kind == "markdown" else b.text for b in self.kept]
        return "\n\n".join(kept) + "\n" if kept else ""

    def remove(self, index: int, rule: str, category: str, stage: str = "rules") -> None:
        """Mark block `index` removed by `stage`; the first rule to claim a block keeps it."""
        block = self.blocks[index]
        if block.removal is None:
            block.removal = Removal(rule, category, block.text, block.line, index, stage)
