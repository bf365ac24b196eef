"""Show what cleaning removed and why: the page with its removals marked, or a diff.

`explain(doc)` is the header (title and metadata), the HTML elements that
selector rules dropped, then every input block in order: kept blocks plain,
removed blocks struck through and dimmed, labelled with category and rule id.
`diff(doc)` is a unified diff from the input blocks to the clean ones.

On a terminal both come in colour, through a pager when longer than the
screen; in a pipe they are plain text, never paged, never wrapped.  Colour
follows rich: NO_COLOR drops colours (strike-through and dim stay: they are
styles, not colours), FORCE_COLOR forces them.
"""
from __future__ import annotations

import difflib
import os
import re

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cleannews.document import Block, Document, Removal

PIPE_WIDTH = 1_000_000  # in a pipe nothing wraps: one block, one line
REMOVED = "strike dim"
CATEGORY_STYLE = {
    "donation": "magenta", "newsletter": "cyan", "paywall": "red", "caption": "blue",
    "related": "green", "navigation": "yellow", "social": "bright_blue", "cookie": "bright_magenta",
    "title": "bold", "boilerplate": "bright_black",
}


def make_console(stderr: bool = False) -> Console:
    """A console for data (stdout) or messages: the width of the terminal only on one.  Colour
    where rich gives it (a terminal, or FORCE_COLOR=1 in a pipe), never wrapping in a pipe."""
    console = Console(stderr=stderr, markup=False, emoji=False, highlight=False)
    if not is_tty(console):
        console = Console(stderr=stderr, markup=False, emoji=False, highlight=False,
                          width=PIPE_WIDTH, soft_wrap=True)
    return console


def is_tty(console: Console) -> bool:
    """Whether the console writes to a real terminal (FORCE_COLOR makes rich's `is_terminal`
    true in a pipe too, where nothing may be wrapped, padded or paged)."""
    try:
        return console.file.isatty()
    except (AttributeError, ValueError, OSError):
        return False


# spaces at the end of a line, maybe before the codes that close its styles
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.M)


def show(console: Console, renderable: RenderableType, pager: bool = True) -> None:
    """Print `renderable`: through a pager on a terminal when it is longer than the screen."""
    if not is_tty(console):
        # rich pads table cells to the column width; a pipe gets the lines without it
        with console.capture() as capture:
            console.print(renderable)
        console.file.write(_TRAILING.sub(r"\1", capture.get()))
        console.file.flush()
        return
    if pager and len(console.render_lines(renderable, pad=False)) > console.height:
        os.environ.setdefault("LESS", "FRX")  # as git does: colours pass, quit at the end of a short page
        with console.pager(styles=True):
            console.print(renderable)
    else:
        console.print(renderable)


def label(removal: Removal) -> Text:
    """`[category: rule]`, and what of the rule matched when the rule says (`[paywall:
    paywall.button.en "subscribe now"]`, a pattern as written in its file): a rule of twenty
    patterns names the one that fired."""
    matched = f' "{removal.matched}"' if removal.matched else ""
    return Text(f"[{removal.category}: {removal.rule}{matched}]",
                style=f"bold {CATEGORY_STYLE.get(removal.category, 'yellow')}")


def header(doc: Document) -> Table:
    meta = doc.metadata
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    removed = len(doc.blocks) - len(doc.kept)
    rows = [
        ("source", doc.source),
        ("url", meta.get("url")),
        ("site", meta.get("sitename") or meta.get("hostname")),
        ("author", meta.get("author")),
        ("date", meta.get("date")),
        ("language", meta.get("language") or "unknown"),
        ("kind", f"{doc.kind} ({doc.encoding})" if doc.encoding else doc.kind),
        ("site rules", ", ".join(doc.site_rules) or "none"),
        ("blocks", f"{len(doc.blocks)}: {len(doc.kept)} kept, {removed} removed"
                   + (f"; {len(doc.dropped)} HTML elements dropped before extraction" if doc.dropped else "")),
    ]
    before = meta.get("cleaned_before")
    if isinstance(before, dict):  # corpus.again: why no classifier, headline or extraction ran
        first = before.get("kind") or "page"
        rows.append(("cleaned before", f"cleannews output of {'an' if first == 'html' else 'a'} {first} page"
                     + (f" ({before['source']})" if before.get("source") else "")
                     + ": cleaned by the rules only; the classifier and headline did not run again, the "
                       "first pass's judgement of what is article stands"))
    for key, value in rows:
        if value:
            grid.add_row(key, str(value))
    return grid


def _row(number: str, block_text: str, removal: Removal | None):
    if removal is None:
        return Text(number, style="dim"), Text(" "), Text(block_text)
    body = Text()  # the style on the text only: the label and the cell padding stay unstruck
    body.append(block_text, style=REMOVED)
    body.append("  ")
    body.append_text(label(removal))
    return Text(number, style="dim"), Text("-", style="bold red"), body


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _number(block: Block, index: int) -> str:
    """The input line for text and Markdown; the block's place for HTML (its lines come from extraction)."""
    return str(block.line) if block.line else f"#{index}"


def explain(doc: Document) -> RenderableType:
    title = doc.metadata.get("title")
    parts: list[RenderableType] = [Text(title or "(no title found)", style="bold underline"), header(doc)]
    if doc.dropped:
        parts += [Text(""), Text("Dropped from the HTML (selector rules, and lines extraction left out):", style="bold")]
        grid = _grid()
        for removal in doc.dropped:
            grid.add_row(*_row(f"L{removal.line}" if removal.line else "", removal.text, removal))
        parts.append(grid)
    parts += [Text(""), Text("Blocks (line, or #block for HTML; '-' removed):" if doc.kind == "html"
                             else "Blocks (input line; '-' removed):", style="bold")]
    if doc.blocks:
        grid = _grid()
        for index, block in enumerate(doc.blocks):
            grid.add_row(*_row(_number(block, index), block.text, block.removal))
        parts.append(grid)
    else:
        parts.append(Text("(no blocks: the page has no text)", style="italic"))
    return Group(*parts)


def diff_lines(doc: Document, context: int = 3) -> list[str]:
    """A unified diff from the input blocks to the clean body, one block per line."""
    before = [b.text for b in doc.blocks]
    after = [b.text for b in doc.kept]
    return list(difflib.unified_diff(before, after, f"{doc.source} (input blocks)",
                                     f"{doc.source} (clean)", n=context, lineterm=""))


def diff(doc: Document, context: int = 3) -> Text:
    text = Text()
    for line in diff_lines(doc, context):
        style = ("bold" if line.startswith(("---", "+++")) else "cyan" if line.startswith("@@")
                 else "red" if line.startswith("-") else "green" if line.startswith("+") else "")
        text.append(line + "\n", style=style)
    text.rstrip()
    return text
