"""Blocks from text and Markdown; headline moved to the title."""
from cleannews import clean
from cleannews.pipeline.blocks import markdown_to_text


def test_markdown_markup_is_stripped_for_rules():
    assert markdown_to_text("## Read [more](https://x.org/a) **now**") == ("Read more now", True)
    assert markdown_to_text("![photo](a.jpg) Caption text") == ("Caption text", False)
    assert markdown_to_text("> quoted *words*") == ("quoted words", False)


def seed_as_markdown(raw: str, title: str) -> str:
    lines = []
    for line in raw.split("\n"):
        if line == title:
            line = f"# {line}"
        elif line in ("Support us", "Read more"):
            line = f"[{line}](https://www.themoscowtimes.com/{line.split()[0].lower()})"
        lines.append(line)
    return "\n".join(lines)


def test_markdown_page_is_cleaned_like_text(seed):
    title = seed["expected"]["title"]
    doc = clean(seed_as_markdown(seed["raw"].read_text(encoding="utf-8"), title))
    assert doc.kind == "markdown"
    assert doc.metadata["title"] == title
    assert doc.text == seed["clean"]
    assert {"Support us", "Read more"} <= {r.text for r in doc.removed}


def test_text_headline_is_moved_out_of_the_body(seed):
    doc = clean(seed["raw"].read_bytes())
    [headline] = [r for r in doc.removed if r.rule == "headline"]
    assert headline.text == seed["expected"]["title"]
    assert headline.line == 8


def test_a_short_line_seen_again_reuses_its_work_and_cleans_the_same():
    """What a short line worked out (normal form, rule answers) is shared by later blocks of the
    same text, on this page or the next, through the run's `Lines` (owned by the rule set);
    long lines are not kept. Sharing changes no output."""
    from conftest import SAMPLES

    from cleannews.api import load_rules
    from cleannews.document import Block
    from cleannews.engine.lines import Lines

    lines = Lines()
    first, again = Block(text="Advertisement", raw="Advertisement"), Block(text="Advertisement", raw="Advertisement")
    lines.fill([first, again])
    assert first.norm == "advertisement" and first.words == 1 and again.memo is first.memo
    long = "word " * 60
    twins = [Block(text=long, raw=long), Block(text=long, raw=long)]
    lines.fill(twins)
    assert twins[0].memo is not twins[1].memo and len(lines) == 1
    lines.clear()
    assert len(lines) == 0

    page = (SAMPLES / "themoscowtimes-spy-agencies.raw.txt").read_text(encoding="utf-8")
    rules = load_rules()
    rules.lines.clear()
    cold = clean(page, rules=rules)
    assert len(rules.lines) > 0
    warm = clean(page, rules=rules)  # every short line's work now comes from the first time
    assert warm.text == cold.text and [r.as_dict() for r in warm.removed] == [r.as_dict() for r in cold.removed]
