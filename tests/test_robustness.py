"""Bad input, bad rules, crashes: each case a one-line message naming the input, nothing lost."""
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import zstandard
from conftest import SAMPLES

from cleannews import clean

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
    from cleannews.engine.matching import Matcher, PatternTimeout

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
    # the other rules did their work (the made-up lines themselves are the block model's call)
    assert doc.text.replace("a" * 60 + "!\n\n", "") == seed["clean"]


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


def wait_for_outputs(out, count=10):
    """Until the batch writing into `out` has written `count` pages (a minute at most): mid-batch."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.txt"))) < count:
        time.sleep(0.05)


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


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "term", "kill"])
def test_interrupted_batch_leaves_only_complete_outputs_and_resume_finishes(tmp_path, many_pages, sig):
    src, full = many_pages
    out = tmp_path / "out"
    proc = start_batch(src, out)
    wait_for_outputs(out)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert not workers_left(out), "worker processes outlived the batch"
    if sig != signal.SIGKILL:
        assert proc.returncode == (130 if sig == signal.SIGINT else 143)
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


# ---- one bad entry never stops, hangs or empties a batch ------------------------------------------

def batch_cli(*args, timeout=120, preexec_fn=None):
    return subprocess.run([sys.executable, "-m", "cleannews", "batch", *map(str, args)], capture_output=True,
                          timeout=timeout, preexec_fn=preexec_fn)


def test_bad_entries_in_a_tree_are_one_line_each_and_the_rest_is_cleaned(tmp_path, seed):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    raw = seed["raw"].read_bytes()
    (src / "good.txt").write_bytes(raw)
    (src / os.fsdecode(b"caf\xe9.txt")).write_bytes(raw)  # a name that is not UTF-8
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (src / "loop").symlink_to(src / "loop")
    os.mkfifo(src / "pipe.txt")  # opened for reading, it would block the batch for ever
    (src / "corpus.jsonl").write_text('{"id": "r1", "text": "A line of text."}\n'
                                      '{"id": "r2\\ud800", "text": "Another line of text."}\n', encoding="utf-8")
    result = batch_cli(src, "-o", out)
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(Path(e["path"]).name for e in errors) == ["dangling.txt", "loop"]
    assert "dangling" in errors[0]["error"] and "symlink loop" in errors[1]["error"]
    assert (out / "good.txt").read_text(encoding="utf-8") == seed["clean"]
    assert (out / os.fsdecode(b"caf\xe9.txt")).read_text(encoding="utf-8") == seed["clean"]
    meta = json.loads((out / os.fsdecode(b"caf\xe9.meta.json")).read_bytes())
    assert meta["source"] == os.fsdecode(b"caf\xe9.txt")
    ids = [json.loads(line)["id"] for line in (out / "corpus.jsonl").read_bytes().splitlines()]
    assert ids == ["r1", "r2\ud800"]
    assert b"1 FIFO" in result.stderr and not (out / "pipe.txt").exists()


def test_a_full_disk_is_one_line_per_output_and_resume_repairs_it(tmp_path, seed):
    """Files may not grow past 20 kB (RLIMIT_FSIZE: writes fail with EFBIG, as a full disk's do)."""
    import resource

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(3):
        (src / f"p{i}.txt").write_bytes(seed["raw"].read_bytes())
    lines = [json.dumps({"id": i, "text": seed["raw"].read_text(encoding="utf-8")}) for i in range(20)]
    (src / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    full = batch_cli(src, "-o", out, preexec_fn=small_files)
    assert full.returncode == 1 and b"Traceback" not in full.stderr
    assert b"big.jsonl: cannot write its output" in full.stderr
    assert all((out / f"p{i}.txt").read_text(encoding="utf-8") == seed["clean"] for i in range(3))
    assert not (out / "big.jsonl").exists() and not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert "big.jsonl" in (out / "errors.jsonl").read_text(encoding="utf-8")
    resumed = batch_cli(src, "-o", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert len((out / "big.jsonl").read_text(encoding="utf-8").splitlines()) == 20
    assert not (out / "errors.jsonl").exists()  # the failure it repaired is no longer listed


# ---- streams keep every record that can be read ----------------------------------------------------

def test_a_huge_jsonl_line_is_refused_in_bounded_memory_and_the_next_lines_follow(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(b'{"id": 0, "text": "Before the big one."}\n')
        fh.write(b'{"id": 1, "text": "' + b"x" * 60_000_000 + b'"}\n')  # 60 MB in one line, 60 kB gzipped
        fh.write(b'{"id": 2, "text": "After the big one."}\n')
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "cleannews", "batch", str(path),
                             "-o", str(tmp_path / "out"), "-j", "1"], capture_output=True, text=True, timeout=300)
    assert "c.jsonl.gz:2: record larger than --max-bytes" in result.stderr
    assert int(result.stdout) < 150_000  # kB: the line was never held whole (that took over 250 MB)
    kept = [json.loads(line)["id"] for line in gzip.open(tmp_path / "out" / "c.jsonl.gz", "rt")]
    assert kept == [0, 2]


@pytest.mark.parametrize("kind", ["zst", "gz"])
def test_every_intact_frame_around_a_broken_one_is_kept(tmp_path, run, kind):
    """Three zstd frames (or gzip members, as `cat a.gz b.gz c.gz` makes), the second one broken."""
    def pack(data):
        return zstandard.ZstdCompressor().compress(data) if kind == "zst" else gzip.compress(data, mtime=0)
    frames = [pack("".join(json.dumps({"id": f * 10 + i, "text": f"Record {f}.{i} of the corpus."}) + "\n"
                           for i in range(10)).encode()) for f in range(3)]
    broken = frames[1][:20] + bytes(b ^ 0x55 for b in frames[1][20:])
    name = f"c.jsonl.{kind}"
    (tmp_path / name).write_bytes(frames[0] + broken + frames[2])
    result = run("batch", tmp_path / name, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{name}:11: broken {kind} data" in result.stderr and "after line 10; reading goes on" in result.stderr
    data = (tmp_path / "out" / name).read_bytes()
    data = zstandard.ZstdDecompressor().decompressobj().decompress(data) if kind == "zst" else gzip.decompress(data)
    assert [json.loads(line)["id"] for line in data.splitlines()] == list(range(10)) + list(range(20, 30))


def three_page_warc(path, gzip_records):
    import random

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    starts = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip_records)
        for i in range(3):
            starts.append(fh.tell())
            words = random.Random(i).choices(PAGES[i].read_text(encoding="utf-8").split(), k=600)
            body = f"<html><body><article><p>{' '.join(words)}</p></article></body></html>".encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=headers))
        starts.append(fh.tell())
    return starts


@pytest.mark.parametrize("gzip_records", [False, True], ids=["warc", "warc.gz"])
def test_a_damaged_warc_record_is_skipped_and_the_records_after_it_are_kept(tmp_path, run, gzip_records):
    name = "crawl.warc.gz" if gzip_records else "crawl.warc"
    starts = three_page_warc(tmp_path / name, gzip_records)
    data = (tmp_path / name).read_bytes()
    middle = (starts[1] + starts[2]) // 2
    (tmp_path / name).write_bytes(data[:middle] + data[middle + 300:])  # 300 bytes gone from record 2
    result = run("batch", tmp_path / name, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{name}:2: WARC record 2 is damaged" in result.stderr and "WARNING" not in result.stderr
    opener = gzip.open if gzip_records else open
    with opener(tmp_path / "out" / ("crawl.jsonl.gz" if gzip_records else "crawl.jsonl"), "rt") as fh:
        assert [json.loads(line)["url"] for line in fh] == ["https://example.com/0", "https://example.com/2"]


# ---- outputs never overwrite, collide or escape ------------------------------------------------------

@pytest.mark.parametrize("where", [".", "out"], ids=["output-is-input", "output-inside-input"])
def test_an_output_folder_inside_an_input_is_refused(tmp_path, run, seed, where):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed["raw"], src / "page.txt")
    result = run("batch", src, "-o", src / where)
    assert result.exit_code == 2 and "inside the input" in result.stderr or "is the input" in result.stderr
    assert sorted(p.name for p in src.iterdir()) == ["page.txt"]
    assert (src / "page.txt").read_bytes() == seed["raw"].read_bytes()


def test_an_output_that_would_overwrite_an_input_is_refused(tmp_path, run, seed):
    out = tmp_path / "out"
    out.mkdir()
    (out / "c.jsonl").write_text(json.dumps({"id": 1, "text": "Text."}) + "\n", encoding="utf-8")
    before = (out / "c.jsonl").read_bytes()
    result = run("batch", out / "c.jsonl", "-o", out)
    assert result.exit_code == 2 and "would overwrite an input" in result.stderr
    assert (out / "c.jsonl").read_bytes() == before


def test_inputs_of_two_sources_never_share_an_output(tmp_path, run, seed):
    for name, data in (("d1", seed["raw"].read_bytes()), ("d2", b"The second page, a different one.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.txt").write_bytes(data)
    (tmp_path / "d2" / "other.txt").write_bytes(b"A page only d2 has.\n")
    out = tmp_path / "out"
    assert run("batch", tmp_path / "d1", tmp_path / "d2", "-o", out).exit_code == 0
    assert (out / "d1" / "page.txt.txt").read_text(encoding="utf-8") == seed["clean"]
    assert (out / "d2" / "page.txt.txt").read_text(encoding="utf-8") == "The second page, a different one.\n"
    assert (out / "other.txt").exists()
    again = run("batch", tmp_path / "d1", tmp_path / "d2", "-o", out, "--resume")
    assert again.exit_code == 0 and "already complete" in again.stderr and "0 pages cleaned" in again.stderr


def test_nothing_is_written_through_a_link_out_of_the_output_folder(tmp_path, run, seed):
    shutil.copy(seed["raw"], tmp_path / "page.txt")
    (tmp_path / "broken.txt").write_bytes(b"\x1f\x8b\x08\x00garbage")
    out, outside = tmp_path / "out", tmp_path / "outside.jsonl"
    out.mkdir()
    outside.write_text("precious\n")
    (out / "errors.jsonl").symlink_to(outside)
    for extra in ((), ("--resume",)):
        result = run("batch", tmp_path / "page.txt", tmp_path / "broken.txt", "-o", out, *extra)
        assert result.exit_code == 2 and "errors.jsonl is a symlink" in result.stderr
    assert outside.read_text() == "precious\n"


def test_an_output_folder_removed_during_the_batch_is_not_a_success(tmp_path, many_pages):
    src, _ = many_pages
    out = tmp_path / "out"
    proc = start_batch(src, out)
    wait_for_outputs(out)
    shutil.rmtree(out, ignore_errors=True)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert "is gone (removed while the batch ran?); rerun with --resume" in stderr


def test_resume_removes_the_temp_files_a_killed_run_left(tmp_path, run, seed):
    shutil.copy(seed["raw"], tmp_path / "page.txt")
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    stale = [out / ".page.txt.k3j_9x2a.tmp", out / "sub" / ".c.jsonl.abcdefgh.tmp"]
    for path in stale:
        path.write_text("half a file")
    (out / "notes.tmp").write_text("not ours")
    assert run("batch", tmp_path / "page.txt", "-o", out, "--resume").exit_code == 0
    assert not any(p.exists() for p in stale) and (out / "notes.tmp").exists()


def test_error_lines_stay_one_line_whatever_the_file_name(tmp_path, run, seed):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed["raw"], src / "good.txt")
    (src / "dang\nling\x1b[2J").symlink_to(tmp_path / "nowhere")
    result = run("-q", "batch", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"cleannews: {src}/dang\\x0aling\\x1b[2J: a symlink to nothing (dangling); skipped"]


def test_an_output_folder_that_cannot_be_made_is_one_line(tmp_path, run, seed):
    (tmp_path / "afile").write_text("x")
    result = run("batch", seed["raw"], "-o", tmp_path / "afile" / "out")
    assert result.exit_code == 1 and result.stderr.strip().splitlines() == [
        f"cleannews: {tmp_path / 'afile' / 'out'}: cannot create the output folder (Not a directory)"]


def test_clean_holds_its_timeout_on_one_huge_page(tmp_path):
    """`clean` cleans its page in a child it can stop, so --timeout holds inside a native call too."""
    import subprocess
    import sys

    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<p>word and more words here.</p>" * 200_000 + "</body></html>")
    result = subprocess.run([sys.executable, "-m", "cleannews", "clean", "--timeout", "1", "--max-bytes",
                             "100000000", page], capture_output=True, text=True)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--timeout (1 s)" in result.stderr and "huge.html" in result.stderr
