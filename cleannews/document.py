"""The one type that flows through every stage of the pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Block:
    """A paragraph or line: the unit that rules keep or drop.

    `text` is what rules see and what plain-text output prints; `raw` is the
    block as written in the input (Markdown markup kept), so Markdown output
    never invents anything.  `norm`, `tally` and `memo` are filled once the page is
    split (`lines.Lines.fill`): the form phrases are compared in, the words and
    stopwords per language, and the rule engine's answers for this text (and what the
    text classifier reads of it alone).
    """

    text: str
    raw: str
    line: int = 0
    removal: Removal | None = None
    heading: bool = False  # a Markdown heading or an HTML <h*>: a headline candidate
    words: int = -1  # whitespace-separated words of `text` (set from it when not given)
    norm: str | None = None  # None until filled
    tally: tuple = ()
    memo: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.words < 0:
            self.words = len(self.text.split())

    @property
    def kept(self) -> bool:
        return self.removal is None

    def reuse(self, other: "Block") -> None:
        """Take what `other`, a block with the same text, has worked out already."""
        if other.text == self.text:
            self.norm, self.tally, self.memo = other.norm, other.tally, other.memo


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
