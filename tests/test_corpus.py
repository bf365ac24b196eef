"""Corpora: JSONL (plain and compressed) and WARC through `cleannews batch` and `clean --format jsonl`."""
import bz2
import gzip
import io
import json
import lzma
import os
import subprocess
import sys

import pytest
import zstandard
from conftest import SAMPLES, shingle_recall
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BENCH = SAMPLES / "bench"
TRUTH = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
PAGES = sorted(p for p in BENCH.glob("*.txt"))


def corpus_records(n: int, seed_raw: str) -> list[dict]:
    """n records: the seed page every fourth record, else windows of 40 lines of real scraped pages."""
    texts = [p.read_text(encoding="utf-8").split("\n") for p in PAGES]
    records = []
    for i in range(n):
        if i % 4 == 0:
            text = seed_raw
        else:
            lines = texts[i % len(texts)]
            start = (i * 7) % max(1, len(lines) - 40)
            text = "\n".join(lines[start:start + 40])
        records.append({"id": f"r{i:05d}", "text": text, "lang_hint": "x", "n": i})
    return records


def write_jsonl(path, records, bad=True, opener=open):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if bad:
        lines[10:10] = ["{not json", "[1, 2]", '{"id": "no-text-field"}']
    with opener(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """A 2,000-record gzipped corpus and its batch output at -j2."""
    seed_raw = (SAMPLES / "themoscowtimes-spy-agencies.raw.txt").read_text(encoding="utf-8")
    seed_clean = (SAMPLES / "themoscowtimes-spy-agencies.clean.txt").read_text(encoding="utf-8")
    root = tmp_path_factory.mktemp("corpus")
    records = corpus_records(2000, seed_raw)
    write_jsonl(root / "corpus.jsonl.gz", records, opener=gzip.open)
    out = root / "out"
    result = subprocess.run([sys.executable, "-m", "cleannews", "batch", root / "corpus.jsonl.gz", "-o", out, "-j", "2"],
                            capture_output=True, text=True)
    return {"root": root, "records": records, "out": out, "result": result, "seed_clean": seed_clean}


def test_jsonl_corpus_keeps_order_and_fields_and_reports_bad_lines(big_corpus):
    result, out = big_corpus["result"], big_corpus["out"]
    assert result.returncode == 1  # the three bad lines
    assert result.stdout == ""
    with gzip.open(out / "corpus.jsonl.gz", "rt", encoding="utf-8") as fh:
        cleaned = [json.loads(line) for line in fh]
    # the record without a text field is kept as it came, the error in its `cleannews` field; the two
    # lines that are no JSON object cannot be records
    ids = [r["id"] for r in big_corpus["records"]]
    assert [r["id"] for r in cleaned] == ids[:10] + ["no-text-field"] + ids[10:]
    assert cleaned[10] == {"id": "no-text-field", "cleannews": {
        "error": f"{big_corpus['root'] / 'corpus.jsonl.gz'}:13: record has no 'html' or 'text' field"}}
    del cleaned[10]
    for before, after in zip(big_corpus["records"], cleaned):
        assert after["n"] == before["n"] and after["lang_hint"] == "x"
        assert set(after["cleannews"]) >= {"removed_chars", "stats", "kind"}  # --report summary
        assert "removed" not in after["cleannews"]
    for after in cleaned[::4]:
        assert after["text"] == big_corpus["seed_clean"]
        assert after["cleannews"]["title"].startswith("Russia, Belarus Spy Agencies")
    errors = read_jsonl(out / "errors.jsonl")
    assert [(e["line"], e["error"].split(": ", 1)[1]) for e in errors] == [
        (11, "not valid JSON (Expecting property name enclosed in double quotes at column 2)"),
        (12, "a JSON list, not an object"),
        (13, "record has no 'html' or 'text' field"),
    ]
    assert all(e["path"].endswith("corpus.jsonl.gz") for e in errors)
    assert "corpus.jsonl.gz:12: a JSON list, not an object" in result.stderr
    assert "2000 pages cleaned, 3 errors" in result.stderr


def test_output_is_the_same_whatever_the_jobs(big_corpus, run, tmp_path):
    src = tmp_path / "part.jsonl"
    write_jsonl(src, big_corpus["records"][:300])
    outputs = []
    for jobs in ("1", "2"):
        run("batch", src, "-o", tmp_path / jobs, "-j", jobs)
        outputs.append((tmp_path / jobs / "part.jsonl").read_bytes())
    assert outputs[0] == outputs[1]
    with gzip.open(big_corpus["out"] / "corpus.jsonl.gz", "rb") as fh:
        lines = [fh.readline() for _ in range(301)]
    mine = outputs[0].splitlines(keepends=True)
    assert mine[:10] + mine[11:] == lines[:10] + lines[11:]  # the failed record names another path


@pytest.mark.parametrize("suffix, opener, reader", [
    (".bz2", bz2.open, bz2.open), (".xz", lzma.open, lzma.open),
    (".zst", lambda p, m, encoding: io.TextIOWrapper(zstandard.open(p, "wb"), encoding=encoding),
     lambda p, m: zstandard.open(p, "rb")),
])
def test_compressed_corpora_stream_and_stay_compressed(tmp_path, run, seed, suffix, opener, reader):
    records = corpus_records(40, seed["raw"].read_text(encoding="utf-8"))
    write_jsonl(tmp_path / "plain.jsonl", records, bad=False)
    write_jsonl(tmp_path / f"c.jsonl{suffix}", records, bad=False, opener=opener)
    assert run("batch", tmp_path / "plain.jsonl", tmp_path / f"c.jsonl{suffix}", "-o", tmp_path / "out").exit_code == 0
    with reader(tmp_path / "out" / f"c.jsonl{suffix}", "rb") as fh:
        assert fh.read() == (tmp_path / "out" / "plain.jsonl").read_bytes()


def test_truncated_gzip_keeps_what_came_before(tmp_path, run, seed):
    records = corpus_records(400, seed["raw"].read_text(encoding="utf-8"))
    write_jsonl(tmp_path / "c.jsonl.gz", records, bad=False, opener=gzip.open)
    data = (tmp_path / "c.jsonl.gz").read_bytes()
    (tmp_path / "c.jsonl.gz").write_bytes(data[: len(data) // 2])
    result = run("batch", tmp_path / "c.jsonl.gz", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "c.jsonl.gz: stream breaks off after line" in result.stderr
    with gzip.open(tmp_path / "out" / "c.jsonl.gz", "rt", encoding="utf-8") as fh:
        kept = [json.loads(line)["id"] for line in fh]
    assert 10 < len(kept) < 400
    assert kept == [r["id"] for r in records[: len(kept)]]


def write_warc(path):
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in sorted(BENCH.glob("*.html.gz")):
            key = page.name.split(".")[0]
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(TRUTH[key]["url"], "response",
                                                          payload=io.BytesIO(gzip.decompress(page.read_bytes())),
                                                          http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.com/a.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG...."), http_headers=image))
        writer.write_record(writer.create_warc_record("https://example.com/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_warc_html_responses_become_records(tmp_path, run):
    write_warc(tmp_path / "crawl.warc.gz")
    result = run("batch", tmp_path / "crawl.warc.gz", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in gzip.open(tmp_path / "out" / "crawl.jsonl.gz", "rt", encoding="utf-8")]
    assert [r["url"] for r in records] == [TRUTH[p.name.split(".")[0]]["url"] for p in sorted(BENCH.glob("*.html.gz"))]
    for record in records:
        assert record["id"].startswith("<urn:uuid:") and record["date"].startswith("20")
        assert record["cleannews"]["kind"] == "html" and "html" not in record
        key = next(k for k, v in TRUTH.items() if v["url"] == record["url"])
        assert shingle_recall(TRUTH[key]["articleBody"], record["text"]) > 0.8
    assert "WARC records skipped (not HTML)" in result.stderr


def test_resume_trusts_only_complete_outputs(tmp_path, run, seed):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(4):
        (src / f"p{i}.txt").write_bytes(seed["raw"].read_bytes())
    out = tmp_path / "out"
    assert run("batch", src, "-o", out).exit_code == 0
    (out / "p2.txt").unlink()  # as if killed before p2's output was renamed into place
    (out / ".p2.txt.x1y2.tmp").write_text("half a file")
    os.utime(out / "p0.txt", (1, 1))
    result = run("batch", src, "-o", out, "--resume")
    assert result.exit_code == 0
    assert (out / "p2.txt").read_text(encoding="utf-8") == seed["clean"]
    assert os.stat(out / "p0.txt").st_mtime == 1  # complete, left alone
    assert "1 page cleaned" in result.stderr and "already complete" in result.stderr


def test_clean_jsonl_streams_record_by_record(seed):
    """A record comes out before the next goes in: pipes of any size work."""
    proc = subprocess.Popen([sys.executable, "-m", "cleannews", "clean", "--format", "jsonl", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for i in range(3):
            proc.stdin.write(json.dumps({"id": i, "text": seed["raw"].read_text(encoding="utf-8")}) + "\n")
            proc.stdin.flush()
            record = json.loads(proc.stdout.readline())
            assert record["id"] == i and record["text"] == seed["clean"]
        proc.stdin.write("[]\n")
        proc.stdin.close()
        assert proc.wait(timeout=60) == 1
        assert "<stdin>:4: a JSON list, not an object" in proc.stderr.read()
    finally:
        proc.kill()


def run_in_terminal(args, env=None) -> bytes:
    """Run a command with a pseudo-terminal as stdin, stdout and stderr; everything it wrote."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "TERM": "xterm-256color", **(env or {})})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=120)
    os.close(master)
    return out


def test_progress_bar_on_a_terminal_only(tmp_path):
    args = [sys.executable, "-m", "cleannews", "batch", SAMPLES, "-o"]
    on_terminal = run_in_terminal(args + [tmp_path / "tty"])
    assert b"cleaning" in on_terminal and b"pages/s" in on_terminal and b"\x1b[" in on_terminal
    piped = subprocess.run(args + [tmp_path / "pipe"], capture_output=True)
    assert b"pages/s" not in piped.stderr and b"\x1b[" not in piped.stderr
    assert b"pages cleaned" in piped.stderr  # the summary still comes
    quiet = subprocess.run([sys.executable, "-m", "cleannews", "-q", "batch", SAMPLES, "-o", tmp_path / "q"],
                           capture_output=True)
    assert quiet.returncode == 0 and quiet.stderr == b""


@pytest.mark.parametrize("report, keys", [
    ("full", {"removed", "stats", "kind"}), ("summary", {"removed_chars", "stats", "kind"}), ("none", None)])
def test_report_says_how_much_metadata_each_record_carries(tmp_path, run, seed, report, keys):
    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_records(8, seed["raw"].read_text(encoding="utf-8")), bad=False)
    assert run("batch", src, "-o", tmp_path / "out", "--report", report).exit_code == 0
    out = read_jsonl(tmp_path / "out" / "c.jsonl")
    assert out[0]["text"] == seed["clean"]
    if keys is None:
        assert all("cleannews" not in r for r in out)
        return
    assert all(set(r["cleannews"]) >= keys for r in out)
    if report == "summary":
        assert "removed" not in out[0]["cleannews"] and out[0]["cleannews"]["removed_chars"]["donation"] > 0
        full = tmp_path / "full"
        run("batch", src, "-o", full, "--report", "full")
        assert (tmp_path / "out" / "c.jsonl").stat().st_size < 0.7 * (full / "c.jsonl").stat().st_size


def test_progress_is_in_bytes_of_input_when_a_corpus_is_in_the_batch(tmp_path, seed):
    from cleannews.runs.batch import Options, run_batch

    class Recorder:
        def __init__(self):
            self.unit, self.totals, self.done = None, [], 0

        def total(self, n, unit="pages"):
            self.totals.append(n)
            self.unit = unit

        def advance(self, n=1):
            self.done += n

    src = tmp_path / "src"
    src.mkdir()
    write_jsonl(src / "c.jsonl.gz", corpus_records(100, seed["raw"].read_text(encoding="utf-8")), opener=gzip.open)
    (src / "page.txt").write_bytes(seed["raw"].read_bytes())
    size = sum(p.stat().st_size for p in src.iterdir())
    recorder = Recorder()
    run_batch([src], tmp_path / "out", Options(jobs=2), progress=recorder)
    assert recorder.unit == "bytes" and recorder.totals == [size] and recorder.done == size
    pages = Recorder()
    run_batch([src / "page.txt"], tmp_path / "out2", Options(jobs=1), progress=pages)
    assert pages.unit == "pages" and pages.totals == [1] and pages.done == 1


def test_clean_jsonl_goes_on_past_a_lone_surrogate(tmp_path, run):
    lines = '{"id": "r1", "text": "One line."}\n{"id": "r2\\ud800", "text": "Two lines."}\n{"id": "r3", "text": "Three."}\n'
    result = subprocess.run([sys.executable, "-m", "cleannews", "clean", "--format", "jsonl", "-"], input=lines,
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["r1", "r2\ud800", "r3"]


# ---- a corpus stays a corpus whatever bytes its strings hold (issue 20 item 3) -------------

def corpus_with_invalid_bytes(seed_raw: str) -> bytes:
    """Three records of real pages: the first with a byte that is no UTF-8 in its id, the second
    with one in its text, the third whole."""
    texts = [seed_raw] + [p.read_text(encoding="utf-8") for p in PAGES[:2]]
    lines = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False).encode() for i, t in enumerate(texts)]
    lines[0] = lines[0].replace(b'"r0"', b'"r\xff0"')
    lines[1] = lines[1].replace(b'"text": "', b'"text": "\xfe', 1)
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("suffix, squeeze", [("", bytes), (".gz", gzip.compress), (".zst", zstandard.compress)])
def test_a_corpus_with_invalid_bytes_stays_a_corpus_and_flags_them(tmp_path, run, seed, suffix, squeeze):
    src = tmp_path / f"u.jsonl{suffix}"
    src.write_bytes(squeeze(corpus_with_invalid_bytes(seed["raw"].read_text(encoding="utf-8"))))
    result = run("batch", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [src.name]  # not u.txt
    assert "3 pages cleaned, 0 errors, 2 pages flagged invalid_bytes" in result.stderr
    with (gzip.open if suffix == ".gz" else zstandard.open if suffix == ".zst" else open)(
            tmp_path / "out" / src.name, "rb") as fh:
        out = [json.loads(line) for line in fh.read().splitlines()]
    assert [r["id"] for r in out] == ["r\ufffd0", "r1", "r2"]
    assert out[0]["text"] == seed["clean"]
    assert [r["cleannews"].get("invalid_bytes") for r in out] == [
        {"count": 1, "fields": ["id"]}, {"count": 1, "fields": ["text"]}, None]


def test_clean_streams_a_corpus_with_invalid_bytes_as_a_corpus(tmp_path, seed):
    src = tmp_path / "u.jsonl"
    src.write_bytes(corpus_with_invalid_bytes(seed["raw"].read_text(encoding="utf-8")))
    result = subprocess.run([sys.executable, "-m", "cleannews", "clean", src], capture_output=True)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 3 and out[1]["cleannews"]["invalid_bytes"] == {"count": 1, "fields": ["text"]}


def test_every_record_carries_every_page_key(tmp_path, run, seed):
    from cleannews.corpus.write import PAGE_KEYS

    src = tmp_path / "c.jsonl"
    write_jsonl(src, corpus_records(8, seed["raw"].read_text(encoding="utf-8")), bad=False)
    assert run("batch", src, "-o", tmp_path / "out").exit_code == 0
    for record in read_jsonl(tmp_path / "out" / "c.jsonl"):
        assert [key for key in PAGE_KEYS if key not in record["cleannews"]] == []
    assert read_jsonl(tmp_path / "out" / "c.jsonl")[1]["cleannews"]["author"] is None
