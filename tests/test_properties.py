"""Properties that hold for any input (hypothesis)."""
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleannews import clean
from cleannews.errors import InputError
from cleannews.pipeline.blocks import markdown_to_text

LINES = [line for p in [SAMPLES / "themoscowtimes-spy-agencies.raw.txt", *sorted((SAMPLES / "bench").glob("*.txt"))]
         for line in p.read_text(encoding="utf-8").split("\n")]
PROSE = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=200)
PAGE_LINES = st.lists(st.one_of(st.sampled_from(LINES), PROSE, st.just("")), min_size=1, max_size=60)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(PAGE_LINES)
def test_cleaning_clean_output_changes_nothing(lines):
    once = clean("\n".join(lines)).text
    assert clean(once).text == once


@SETTINGS
@given(PAGE_LINES, st.booleans())
def test_nothing_is_invented(lines, markdown):
    """Every output block is an input block, in order (text and Markdown input)."""
    if markdown:
        lines = ["# " + line if i == 0 else line for i, line in enumerate(lines)] + ["[a](https://x.org) [b](https://y.org)"] * 3
    doc = clean("\n".join(lines))
    if doc.kind not in ("text", "markdown"):
        return
    inputs = [markdown_to_text(line)[0] if doc.kind == "markdown" else line.strip() for line in lines]
    position = 0
    for block in doc.text.split("\n\n") if doc.text else []:
        block = block.rstrip("\n")
        assert block in inputs[position:], block
        position = inputs.index(block, position) + 1


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_no_input_makes_it_raise(data):
    try:
        doc = clean(data)
    except InputError as exc:
        assert "binary data" in str(exc)
    else:
        assert isinstance(doc.text, str)


@settings(max_examples=40, deadline=None)
@given(st.text(st.sampled_from("<>/ adivp=\"'&;#x\n"), max_size=2000))
def test_html_soup_never_raises(soup):
    assert isinstance(clean("<html><body>" + soup).text, str)
