"""`cleannews explain`, `--diff` and the removal report, on the seed page and the benchmark pages.

The terminal tests run the command in a real pseudo-terminal (os.openpty):
colour and the pager there, neither in a pipe, no colour with NO_COLOR.
"""
import fcntl
import gzip
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from conftest import SAMPLES

from cleannews import clean, load_rules
from cleannews.corpus.write import metadata
from cleannews.runs.explain import label

BENCH = sorted((SAMPLES / "bench").glob("*.html.gz"))
SGR = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR_CODES = {*range(30, 39), *range(40, 49), *range(90, 98), *range(100, 108)}


def page_bytes(page):
    return gzip.decompress(page.read_bytes())  # the Python API takes a page, not a gzipped file


def labelled(output: str, text: str) -> str | None:
    """The `[category: rule]` label on the explain line of the block `text`, or None when kept."""
    for line in output.splitlines():
        body = re.sub(r"^\s*\S+ [- ] ", "", line)
        if body.startswith(text):
            found = re.search(r'  \[([a-z]+): ([\w.-]+)(?: "[^\n]*")?\]$', body[len(text):])
            return found.group(1) if found else None
    raise AssertionError(f"block not shown: {text!r}")


def test_explain_seed_labels_the_removed_appeals(seed, run):
    result = run("explain", seed["raw"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == seed["expected"]["title"]
    assert re.search(r"^site\s+The Moscow Times$", out, re.M)
    assert re.search(r"^language\s+en$", out, re.M)
    assert re.search(r"^kind\s+text \(utf-8\)$", out, re.M)
    assert re.search(r"^site rules\s+sites/themoscowtimes.com$", out, re.M)
    assert re.search(r"^blocks\s+35: 9 kept, 26 removed$", out, re.M)
    assert "\x1b" not in out  # not a terminal: no colour
    categories = {labelled(out, appeal) for appeal in seed["expected"]["removed_must_include"]}
    assert None not in categories
    assert categories <= {"donation", "newsletter", "related", "paywall"}
    assert {"donation", "newsletter", "related"} <= categories
    assert labelled(out, seed["expected"]["caption"]) == "caption"
    assert labelled(out, "Enjoying ad-free content?") == "donation"
    assert labelled(out, "Sign up for our free weekly newsletter") == "newsletter"
    assert labelled(out, "Read more") == "related"
    # the kept paragraphs are there, plain, unlabelled, in the order of the input
    paragraphs = seed["clean"].strip().split("\n\n")
    for paragraph in paragraphs:
        assert labelled(out, paragraph) is None
    positions = [out.index(p) for p in paragraphs]
    assert positions == sorted(positions)
    assert out.index("Enjoying ad-free content?") < positions[0] < out.index("Read more")


def test_explain_shows_every_block_with_its_input_line(seed, run):
    out = run("explain", seed["raw"]).stdout
    raw_lines = seed["raw"].read_text(encoding="utf-8").split("\n")
    doc = clean(seed["raw"].read_bytes())
    block_rows = [line for line in out.splitlines() if re.match(r"^\s*\d+ [- ] ", line)]
    assert len(block_rows) == len(doc.blocks) == 35
    for row in block_rows:
        number, mark, rest = re.match(r"^\s*(\d+) ([- ]) (.*)$", row).groups()
        text = re.sub(r'  \[[a-z]+: [\w.-]+(?: "[^\n]*")?\]$', "", rest)
        assert raw_lines[int(number) - 1].strip() == text
        assert (mark == "-") == (rest != text)


def test_explain_rule_options_and_url(seed, run):
    with_site = run("explain", seed["raw"]).stdout
    without = run("explain", seed["raw"], "--disable", "sites").stdout
    assert "themoscowtimes.ad-free-appeal" in with_site
    assert "themoscowtimes." not in without
    assert re.search(r"^site rules\s+none$", without, re.M)
    by_url = run("explain", "--url", "https://www.themoscowtimes.com/2021/06/03/x", input=seed["raw"].read_bytes())
    assert by_url.exit_code == 0
    assert re.search(r"^url\s+https://www.themoscowtimes.com/2021/06/03/x$", by_url.stdout, re.M)
    assert re.search(r"^source\s+<stdin>$", by_url.stdout, re.M)


@pytest.mark.parametrize("page", BENCH, ids=lambda p: p.name[:8])
def test_explain_html_bench_page(page, run):
    doc = clean(page_bytes(page), source=str(page))
    out = run("explain", page).stdout
    assert out.splitlines()[0] == doc.metadata["title"]
    block_rows = [line for line in out.splitlines() if re.match(r"^\s*#\d+ [- ] ", line)]
    assert len(block_rows) == len(doc.blocks) > 0
    if doc.dropped:  # what the selector rules took out of the HTML comes before the blocks, labelled
        assert out.index("Dropped from the HTML (") < out.index("Blocks (")
        for removal in doc.dropped:
            assert f"{removal.text}  {label(removal)}" in out
    else:
        assert "Dropped from the HTML" not in out


def test_diff_seed(seed, run):
    result = run("explain", seed["raw"], "--diff")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {seed['raw']} (input blocks)"
    assert lines[1] == f"+++ {seed['raw']} (clean)"
    assert lines[2].startswith("@@ -1,")
    doc = clean(seed["raw"].read_bytes())
    minus = [line[1:] for line in lines[2:] if line.startswith("-")]
    plus = [line[1:] for line in lines[2:] if line.startswith("+")]
    assert minus == [b.text for b in doc.blocks if not b.kept]  # every removed block, in order
    assert plus == []  # cleaning only removes
    assert "-Enjoying ad-free content?" in lines
    assert "-Sign up for our free weekly newsletter" in lines
    context = [line[1:] for line in lines[2:] if line.startswith(" ")]
    assert set(context) <= set(seed["clean"].strip().split("\n\n"))
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("page", BENCH[:2], ids=lambda p: p.name[:8])
def test_diff_bench_page(page, run):
    doc = clean(page_bytes(page), source=str(page))
    out = run("explain", "--diff", page).stdout
    minus = [line[1:] for line in out.splitlines()[2:] if line.startswith("-")]
    assert minus == [b.text for b in doc.blocks if not b.kept]
    assert (out == "") == all(b.kept for b in doc.blocks)


def test_explain_errors_are_one_line(run, tmp_path):
    missing = tmp_path / "nope.html"
    result = run("explain", missing)
    assert result.exit_code == 2  # a usage error, as for every command (issue 15, item 9)
    assert result.stdout == ""
    assert f"Path '{missing}' does not exist" in result.stderr and "Traceback" not in result.stderr
    bad_rules = tmp_path / "bad.yaml"
    bad_rules.write_text("rules:\n  - id: x\n    pattern: '('\n", encoding="utf-8")
    result = run("explain", "--rules", bad_rules, SAMPLES / "themoscowtimes-spy-agencies.raw.txt")
    assert result.exit_code == 78
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(bad_rules) in result.stderr and "Traceback" not in result.stderr


def test_explain_quiet_and_verbose(seed, run):
    plain = run("explain", seed["raw"])
    assert plain.stderr == ""
    verbose = run("-v", "explain", seed["raw"])
    assert verbose.stdout == plain.stdout
    assert verbose.stderr == f"cleannews: {seed['raw']}: text, 35 blocks, 9 kept, 26 removals\n"
    assert run("-q", "explain", seed["raw"]).stderr == ""
    both = run("-q", "-v", "explain", seed["raw"])
    assert both.exit_code == 2


# -- the removal report in --format json and the batch sidecars ------------------------------

def check_report(report: list, raw_path):
    raw_lines = raw_path.read_text(encoding="utf-8").split("\n")
    doc = clean(raw_path.read_bytes())
    assert report == [r.as_dict() for r in doc.removed]
    for entry in report:
        assert set(entry) - {"matched"} == {"rule", "category", "stage", "text", "line", "block"}
        assert isinstance(entry.get("matched", ""), str)
        assert raw_lines[entry["line"] - 1].strip() == entry["text"]  # the line points into the input
        assert doc.blocks[entry["block"]].text == entry["text"]
    assert [e["block"] for e in report] == sorted(e["block"] for e in report)
    assert {e["category"] for e in report} >= {"donation", "newsletter", "caption", "related"}


def test_report_in_json_output(seed, run):
    as_json = json.loads(run("clean", seed["raw"], "--format", "json").stdout)
    check_report(as_json["removed"], seed["raw"])
    assert as_json["stats"]["removed_chars"] == sum(len(e["text"]) for e in as_json["removed"])


def test_report_in_batch_sidecar(seed, run, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_bytes(seed["raw"].read_bytes())
    result = run("batch", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    sidecar = json.loads((tmp_path / "out" / "page.meta.json").read_text(encoding="utf-8"))
    check_report(sidecar["removed"], src / "page.txt")


def test_report_for_html_names_selector_drops(run):
    page = BENCH[0]
    doc = clean(page_bytes(page), source=str(page))
    report = metadata(doc)["removed"]
    assert report[:len(doc.dropped)] == [r.as_dict() for r in doc.dropped]
    assert all(e["block"] == -1 for e in report[:len(doc.dropped)])


# -- a real terminal --------------------------------------------------------------------------

def in_terminal(args, env_extra=None, rows=24, cols=100):
    """Run `python -m cleannews ARGS` on a pseudo-terminal; everything it wrote, as text."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES",
                        "PAGER", "MANPAGER", "LESS"}}
    env.update(TERM="xterm-256color", **(env_extra or {}))
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "cleannews", *map(str, args)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)  # a guard against a hang, not a timing
            if not ready:
                proc.kill()
                raise AssertionError("the command stopped writing without exiting (a pager waiting?)")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert proc.wait() == 0
    return b"".join(chunks).decode("utf-8", "replace")


def colours(out: str) -> set:
    return {int(code) for params in SGR.findall(out) for code in params.split(";") if code} & COLOUR_CODES


PAGER = "sed 's/^/paged: /'"  # a pager that shows it was used


def test_terminal_has_colour_and_the_pager(seed):
    out = in_terminal(["explain", seed["raw"]], {"PAGER": PAGER})
    assert colours(out)  # category labels, marks
    assert "\x1b[2;9m" in out  # removed blocks dimmed and struck through
    assert "paged: " in out  # 35 blocks are longer than 24 rows
    assert re.search(r"\[\d+;\d+m\[donation: donation\.enjoying-content-question[\] ]", out)


def test_terminal_short_output_is_not_paged(seed):
    out = in_terminal(["explain", seed["raw"]], {"PAGER": PAGER}, rows=200, cols=250)
    assert "paged: " not in out
    assert colours(out)
    no_pager = in_terminal(["explain", "--no-pager", seed["raw"]], {"PAGER": PAGER})
    assert "paged: " not in no_pager and colours(no_pager)


def test_terminal_no_color(seed):
    out = in_terminal(["explain", seed["raw"]], {"PAGER": "cat", "NO_COLOR": "1"})
    assert "Enjoying ad-free content?" in out
    assert not colours(out)
    assert "\x1b[2;9m" in out  # NO_COLOR is about colour: struck-through text stays marked


def test_terminal_diff_in_colour(seed):
    out = in_terminal(["explain", "--diff", seed["raw"]], {"PAGER": "cat"})
    assert "\x1b[31m-Enjoying ad-free content?" in out


def test_pipe_has_no_colour_and_no_pager(seed, run):
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"}}
    env.update(PAGER=PAGER, TERM="xterm-256color")
    piped = subprocess.run([sys.executable, "-m", "cleannews", "explain", str(seed["raw"])],
                           capture_output=True, env=env, stdin=subprocess.DEVNULL)
    assert piped.returncode == 0
    out = piped.stdout.decode("utf-8")
    assert "\x1b" not in out and "paged: " not in out
    assert out == run("explain", seed["raw"]).stdout  # `python -m cleannews` is `cleannews`
    assert all(line == line.rstrip() for line in out.splitlines())  # no padding in a pipe


def test_explain_and_the_report_name_the_phrase_or_pattern_that_matched(seed, run):
    """Issue 16 §7: a rule of many phrases or patterns says which one fired: in explain's label
    and as `matched` in the JSON report (a span names its start and its end)."""
    out = run("explain", seed["raw"]).stdout
    assert "Support us  [donation: donation.enjoying-content-question \"support us\"]" in out
    pattern = next(r for r in load_rules().rules if r.id == "caption.photo-credit-suffix").match.patterns
    assert f'[caption: caption.photo-credit-suffix "{pattern[0]}"]' in out or any(
        f'[caption: caption.photo-credit-suffix "{p}"]' in out for p in pattern)
    report = json.loads(run("clean", seed["raw"], "--format", "json").stdout)["removed"]
    by_text = {r["text"]: r for r in report}
    assert by_text["Sign up for our free weekly newsletter"]["matched"] == "sign up for our free weekly newsletter"
    assert "matched" not in by_text[seed["expected"]["title"]]  # the headline is no rule of phrases


def test_a_rule_of_many_patterns_names_the_one_that_fired(run):
    rule = next(r for r in load_rules().rules if r.id == "paywall.continue-reading.en")
    assert len(rule.match.patterns) > 5
    page = ("The council met on Monday to discuss the budget for next year, officials said.\n\n"
            "You have reached your limit of free articles this month.\n\n"
            "Please subscribe and keep reading\n")
    report = json.loads(run("clean", "--format", "json", input=page.encode()).stdout)["removed"]
    named = {r["text"]: r.get("matched") for r in report if r["rule"] == rule.id}
    assert named["You have reached your limit of free articles this month."] == rule.match.patterns[4]
    assert named["Please subscribe and keep reading"] == rule.match.patterns[0]


def test_what_a_removal_names_matches_the_removed_block_on_its_own():
    """On every sample page, each block a phrase or pattern rule removed names a phrase its
    normalised text holds as the rule matches it, or a pattern that matches its text alone."""
    import regex

    from cleannews.engine.matching import normalize

    rules = load_rules()
    by_id = {r.id: r for r in rules.rules}
    pages = [SAMPLES / "themoscowtimes-spy-agencies.raw.txt", *sorted((SAMPLES / "bench").glob("*.txt"))]
    checked = 0
    for page in pages + BENCH:
        doc = clean(page_bytes(page) if page.suffix == ".gz" else page.read_bytes(), rules=rules)
        for block in doc.blocks:
            removal = block.removal
            rule = by_id.get(removal.rule) if removal else None
            if rule is None or rule.kind == "selector" or not removal.matched:
                continue
            matchers = [m for m in (rule.match, rule.start, rule.end) if m is not None]
            assert any(removal.matched in m.phrases or removal.matched in m.patterns for m in matchers), removal
            if any(removal.matched in m.phrases for m in matchers):
                assert removal.matched in normalize(block.text), removal
            else:
                flags = next(m.flags for m in matchers if removal.matched in m.patterns)
                assert regex.search(removal.matched, block.text, flags), removal
            checked += 1
    assert checked > 100
