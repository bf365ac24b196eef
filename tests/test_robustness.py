"""Bad input, bad rules, crashes: each case a one-line message naming the input, nothing lost."""
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard

from cleannews import clean
from conftest import SAMPLES

PAGES = sorted((SAMPLES / "bench").glob("*.txt"))


def one_line_error(result, *needles):
    assert result.exit_code == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleannews: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.stderr


# ---- inputs ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [(b"", "empty input"), (b"  \n\t\n  ", "empty input")])
def test_empty_and_blank_files(tmp_path, run, content, reason):
    page = tmp_path / "blank.txt"
    page.write_bytes(content)
    result = run("clean", page, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["text"] == "" and json.loads(result.stdout)["empty"] == reason


COOKIE_WALL = """<html lang="en"><head><title>Before you continue</title></head><body>
<div class="consent"><h1>Before you continue</h1>
<p>We use cookies and data to deliver and maintain our services, measure audience engagement and site statistics.</p>
<p>If you choose to "Accept all," we will also use cookies and data to develop and improve new services.</p>
<button>Reject all</button><button>Accept all</button><a href="/more">More options</a></div></body></html>"""

INDEX_PAGE = """<html lang="en"><head><title>World news | The Daily Example</title></head><body>
<nav><a href="/">Home</a><a href="/world">World</a><a href="/sport">Sport</a></nav>
<main><h1>World</h1><ul>
<li><a href="/a1">Floods hit the north as rivers burst their banks after a week of rain</a></li>
<li><a href="/a2">Election results delayed in three provinces amid counting disputes</a></li>
<li><a href="/a3">Central bank holds rates steady for the fourth month in a row</a></li>
<li><a href="/a4">Talks on the border dispute resume in Geneva next week, officials say</a></li>
</ul></main><footer>© 2024 The Daily Example. All rights reserved.</footer></body></html>"""


@pytest.mark.parametrize("page, reason", [(COOKIE_WALL, "cookie wall"), (INDEX_PAGE, "index page")])
def test_pages_without_an_article_come_out_empty_with_a_reason(page, reason):
    doc = clean(page)
    assert doc.text == ""
    assert reason in doc.metadata["empty"]
    assert doc.removed  # what was there is reported, not silently lost


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(range(256)) * 4,
    b"GIF89a\x01\x00\x01\x00\x80\x01\x02\x03\x04\x05\x06\x07\x08" * 20,
])
def test_binary_files_are_skipped_with_a_message(tmp_path, run, data):
    path = tmp_path / "image.html"
    path.write_bytes(data)
    one_line_error(run("clean", path), str(path), "binary data")


def test_mislabelled_and_unusual_encodings_give_readable_text():
    russian = ("<html><head><meta charset='utf-8'><title>Новости</title></head><body><article>"
               + "<p>Москва — столица России, крупнейший по численности населения город страны и её экономический центр.</p>" * 5
               + "</article></body></html>")
    assert "Москва — столица России" in clean(russian.encode("cp1251")).text
    japanese = ("<html><head><meta charset='shift_jis'></head><body><article>"
                + "<p>東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。経済と文化の中心でもあります。</p>" * 5
                + "</article></body></html>")
    assert "東京は日本の首都" in clean(japanese.encode("shift_jis")).text
    seed = (SAMPLES / "themoscowtimes-spy-agencies.raw.txt").read_text(encoding="utf-8")
    assert "joined forces" in clean(seed.encode("utf-16")).text
    mixed = seed.encode("utf-8").replace(b"Thursday", b"Thurs\xff\xfeday")
    assert "intelligence agencies have joined forces" in clean(mixed).text


def test_deeply_nested_html_gives_a_result_not_a_crash(tmp_path, run):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + "<p>Deep text.</p>" + "</div>" * 100_000 + "</body></html>")
    result = run("clean", page, "--format", "json")
    assert result.exit_code == 0
    assert "empty" in json.loads(result.stdout)


def test_files_over_max_bytes_are_refused(run, seed):
    one_line_error(run("clean", seed["raw"], "--max-bytes", "1000"), str(seed["raw"]), "larger than --max-bytes")


def test_a_document_over_the_time_limit_is_skipped_and_the_batch_goes_on(tmp_path, run, seed):
    src = tmp_path / "src"
    src.mkdir()
    big = "<html><body><article>" + "<p>Word after word after word, a sentence that goes on and on.</p>" * 30_000 + "</article></body></html>"
    (src / "big.html").write_text(big, encoding="utf-8")
    (src / "seed.txt").write_bytes(seed["raw"].read_bytes())
    result = run("batch", src, "-o", tmp_path / "out", "--timeout", "0.5", "-j", "1")
    assert result.exit_code == 1
    assert f"{src / 'big.html'}: took longer than --timeout (0.5 s); skipped" in result.stderr
    assert (tmp_path / "out" / "seed.txt").read_text(encoding="utf-8") == seed["clean"]
    assert not (tmp_path / "out" / "big.txt").exists()


def records(n, seed_raw):
    return [json.dumps({"id": i, "text": seed_raw}) for i in range(n)]


def test_truncated_zst_keeps_the_records_before_the_break(tmp_path, run, seed):
    buffer = io.BytesIO()
    writer = zstandard.ZstdCompressor().stream_writer(buffer, closefd=False)
    pages = [p.read_text(encoding="utf-8") for p in PAGES]
    lines = [json.dumps({"id": i, "text": pages[i % len(pages)][i:]}) for i in range(300)]
    for i, line in enumerate(lines):
        writer.write((line + "\n").encode())
        if i % 20 == 19:
            writer.flush(zstandard.FLUSH_BLOCK)  # as a streaming writer of a big corpus does
    writer.close()
    data = buffer.getvalue()
    (tmp_path / "c.jsonl.zst").write_bytes(data[: len(data) // 2])
    result = run("batch", tmp_path / "c.jsonl.zst", "-o", tmp_path / "out")
    assert result.exit_code == 1 and "c.jsonl.zst: stream breaks off after line" in result.stderr
    with zstandard.open(tmp_path / "out" / "c.jsonl.zst", "rb") as fh:
        kept = [json.loads(line)["id"] for line in fh.read().splitlines()]
    assert kept == list(range(len(kept))) and len(kept) > 5


def test_truncated_warc_keeps_the_records_before_the_break(tmp_path, run):
    from test_corpus import write_warc

    write_warc(tmp_path / "full.warc.gz")
    data = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.6)])
    result = run("batch", tmp_path / "cut.warc.gz", "-o", tmp_path / "out")
    assert result.exit_code == 1 and "cut.warc.gz:4: WARC breaks off in record 4" in result.stderr
    kept = [json.loads(line) for line in gzip.open(tmp_path / "out" / "cut.jsonl.gz", "rt", encoding="utf-8")]
    assert 1 <= len(kept) < 7 and all(r["text"] for r in kept)


def test_jsonl_bad_records_are_reported_by_line_and_the_rest_goes_on(tmp_path, run, seed):
    raw = seed["raw"].read_text(encoding="utf-8")
    lines = records(3, raw) + ['{"id": 3, "text": ', "42", '{"id": 5}', json.dumps({"id": 6, "text": "x" * 3000}),
                               json.dumps({"id": 7, "text": 7})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("batch", tmp_path / "c.jsonl", "-o", tmp_path / "out", "--max-bytes", "2000").exit_code == 1
    errors = {e["line"]: e["error"] for e in map(json.loads, (tmp_path / "out" / "errors.jsonl").read_text().splitlines())}
    assert set(errors) == {1, 2, 3, 4, 5, 6, 7, 8}  # the seed records are over 2000 bytes too
    assert "not valid JSON" in errors[4] and "a JSON int, not an object" in errors[5]
    assert "has no 'html' or 'text' field" in errors[6] and "larger than --max-bytes" in errors[7]
    assert "holds a JSON int, not a page" in errors[8]
    assert run("batch", tmp_path / "c.jsonl", "-o", tmp_path / "out2").exit_code == 1
    kept = [json.loads(line)["id"] for line in (tmp_path / "out2" / "c.jsonl").read_text().splitlines()]
    assert kept == [0, 1, 2, 5, 6, 7]  # records that fail are kept, text unchanged, the error beside it
    failed = [json.loads(line) for line in (tmp_path / "out2" / "c.jsonl").read_text().splitlines()][-1]
    assert failed["text"] == 7 and "holds a JSON int, not a page" in failed["cleannews"]["error"]
    assert run("batch", tmp_path / "c.jsonl", "-o", tmp_path / "out3", "--drop-failed").exit_code == 1
    kept = [json.loads(line)["id"] for line in (tmp_path / "out3" / "c.jsonl").read_text().splitlines()]
    assert kept == [0, 1, 2, 6]


# ---- rules ----------------------------------------------------------------------------------

def test_a_catastrophic_pattern_is_cut_short_and_reported(tmp_path, seed, monkeypatch):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "evil.yaml").write_text("""\
category: ads
rules:
  - id: evil.backtracking
    description: A pattern that backtracks forever on a long run of a's ((a+)+$ the regex package optimises).
    pattern: (a|aa)+$
    max_words: null
    drop: [aaaa]
    keep: [ab!]
""", encoding="utf-8")
    from cleannews.api import load_rules

    page = ("a" * 60 + "!\n\n") * 3 + seed["raw"].read_text(encoding="utf-8")
    from cleannews.matching import Matcher, PatternTimeout

    timeouts, call = [], Matcher.__call__

    def counting(self, *args):
        try:
            return call(self, *args)
        except PatternTimeout:
            timeouts.append(self.rule_id)
            raise
    monkeypatch.setattr(Matcher, "__call__", counting)
    started = time.monotonic()
    doc = clean(page, rules=load_rules((str(rules_dir),)))
    assert time.monotonic() - started < 10
    assert doc.metadata["rule_errors"] == ["evil.backtracking"]
    assert timeouts == ["evil.backtracking"]  # three bad blocks, one time limit spent: the rule is dropped for the page
    assert doc.text == seed["clean"]  # the other rules did their work


def test_over_removal_is_flagged_in_metadata_summary_and_check(tmp_path, run, seed):
    greedy = tmp_path / "greedy.yaml"
    greedy.write_text("""\
category: ads
rules:
  - id: greedy.everything
    description: A careless rule that matches any block with a comma.
    pattern: ","
    max_words: null
    drop: ["a, b"]
    keep: [ab]
""", encoding="utf-8")
    doc_meta = json.loads(run("clean", seed["raw"], "--rules", greedy, "--format", "json").stdout)
    assert doc_meta["over_removal"]["limit"] == 0.5 and doc_meta["over_removal"]["share"] > 0.5
    summary = run("batch", seed["raw"], "-o", tmp_path / "out", "--rules", greedy)
    assert "flagged: rules removed too much" in summary.stderr
    copy = tmp_path / "page.txt"
    copy.write_bytes(seed["raw"].read_bytes())
    checked = run("check", copy, "--rules", greedy)
    assert checked.exit_code == 1 and f"{copy}:1: over-removal [guard]" in checked.stdout
    run("fix", copy, "--rules", greedy)
    assert copy.read_bytes() == seed["raw"].read_bytes()  # a gutting fix is not applied
    assert "over_removal" not in json.loads(run("clean", seed["raw"], "--rules", greedy, "--format", "json",
                                                "--max-removed", "0.99").stdout)


# ---- outputs --------------------------------------------------------------------------------

def test_output_paths_never_leave_the_output_folder(tmp_path, run, seed):
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    (src / "a").mkdir(parents=True)
    (src / "a" / "page.txt").write_bytes(seed["raw"].read_bytes())
    (src / "ok.txt").write_bytes(seed["raw"].read_bytes())
    out.mkdir()
    elsewhere.mkdir()
    (out / "a").symlink_to(elsewhere)
    result = run("batch", src, "-o", out)
    assert result.exit_code == 1
    assert "output path leaves the output folder" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert (out / "ok.txt").exists()


def start_batch(src, out, *extra):
    # Ctrl-C as a terminal sends it: a shell's background job (a CI runner's `cmd &`) hands its
    # children SIGINT ignored, and Python then leaves it ignored
    return subprocess.Popen([sys.executable, "-m", "cleannews", "batch", src, "-o", out, "-j", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.fixture(scope="module")
def many_pages(tmp_path_factory):
    src = tmp_path_factory.mktemp("many")
    # enough work that an interrupt sent once 10 outputs exist lands mid-batch (~1 s at -j2)
    for i in range(200):
        (src / f"p{i:03d}.txt").write_bytes(PAGES[i % len(PAGES)].read_bytes())
    lines = [json.dumps({"id": i, "text": PAGES[i % len(PAGES)].read_text(encoding="utf-8")}) for i in range(100)]
    (src / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    full = tmp_path_factory.mktemp("full")
    subprocess.run([sys.executable, "-m", "cleannews", "-q", "batch", src, "-o", full, "-j", "2"], check=True)
    return src, full


def workers_left(out, wait=10.0):
    """Processes whose command line names `out`, still running after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        alive = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(out).encode() in (proc / "cmdline").read_bytes():
                    alive.append(proc.name)
            except OSError:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_batch_leaves_only_complete_outputs_and_resume_finishes(tmp_path, many_pages, sig):
    src, full = many_pages
    out = tmp_path / "out"
    proc = start_batch(src, out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.txt"))) < 10:
        time.sleep(0.05)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert not workers_left(out), "worker processes outlived the batch"
    if sig == signal.SIGINT:
        assert proc.returncode == 130
        assert "rerun with --resume" in proc.stderr.read()
        assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]  # nothing half-written left
    expected = tree(full)
    partial = {k: v for k, v in tree(out).items() if not k.endswith(".tmp")}
    assert 0 < len(partial) < len(expected)
    for name, data in partial.items():
        assert data == expected[name], name  # every output there is complete
    resumed = subprocess.run([sys.executable, "-m", "cleannews", "batch", src, "-o", out, "--resume"],
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert {k: v for k, v in tree(out).items() if not k.endswith(".tmp")} == expected


def test_a_missing_dependency_is_one_line_not_a_traceback(seed):
    """A Python without cssselect (say, the project imported without `pip install`)."""
    code = ("import sys; sys.modules['cssselect'] = None; sys.argv = ['cleannews', 'clean', sys.argv[1]]; "
            "from cleannews.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, str(seed["raw"])], capture_output=True, text=True,
                            env={**os.environ, "CLEANNEWS_CACHE_DIR": ""})
    assert result.returncode == 123
    assert result.stderr.strip().splitlines() == [
        "cleannews: cannot run: import of cssselect halted; None in sys.modules "
        "(install cleannews with its dependencies: pip install .)"]
