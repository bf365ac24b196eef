"""`cleannews batch` over a tree of real benchmark pages, HTML (gzipped) and text."""
import json
import os
import shutil
import subprocess
import sys

from conftest import SAMPLES

BENCH = SAMPLES / "bench"
READABILITY = SAMPLES.parent / "benchmarks" / "data" / "readability"
TRUTH = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
WSJ = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"
WDAY = "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1"
SCRAPINGHUB = json.loads((SAMPLES.parent / "benchmarks" / "data" / "scrapinghub" / "ground-truth.json").read_text())
URLS = sorted(page["url"] for page in SCRAPINGHUB.values())[:40]  # real article URLs, English words in their paths


def paragraphs(key, n=3):
    body = [p for p in TRUTH[key]["articleBody"].split("\n") if len(p.split()) > 8]
    return body[:n] + body[-n:]


def make_tree(tmp_path):
    src = tmp_path / "src"
    (src / "html" / "ru").mkdir(parents=True)
    (src / "text").mkdir()
    shutil.copy(BENCH / f"{WSJ}.html.gz", src / "html" / f"{WSJ}.html.gz")
    shutil.copy(BENCH / f"{WDAY}.html.gz", src / "html" / "ru" / "wday.html")  # gzip bytes under a lying name
    shutil.copy(BENCH / f"{WSJ}.txt", src / "text" / "wsj.page")
    shutil.copy(SAMPLES / "themoscowtimes-spy-agencies.raw.txt", src / "text" / "seed.txt")
    return src


def test_batch_mirrors_the_tree_and_writes_metadata(tmp_path, run, seed):
    src, dst = make_tree(tmp_path), tmp_path / "out"
    result = run("batch", src, "-o", dst, "--format", "txt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "4 pages cleaned, 0 errors" in result.stderr
    outputs = sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file())
    assert outputs == sorted([f"html/{WSJ}.txt", f"html/{WSJ}.meta.json", "html/ru/wday.txt", "html/ru/wday.meta.json",
                              "text/wsj.txt", "text/wsj.meta.json", "text/seed.txt", "text/seed.meta.json"])
    assert (dst / "text" / "seed.txt").read_text(encoding="utf-8") == seed["clean"]
    wsj = (dst / "html" / f"{WSJ}.txt").read_text(encoding="utf-8")
    for para in paragraphs(WSJ):
        assert para in wsj
    assert "Subscribe" not in wsj.split("\n")
    wday = (dst / "html" / "ru" / "wday.txt").read_text(encoding="utf-8")
    for para in paragraphs(WDAY, 2):
        assert para in wday
    meta = json.loads((dst / "html" / "ru" / "wday.meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "html" and meta["language"] == "ru"
    assert meta["title"] and meta["sitename"]
    text_meta = json.loads((dst / "text" / "wsj.meta.json").read_text(encoding="utf-8"))
    assert text_meta["kind"] == "text"


def test_batch_json_format_has_no_sidecars(tmp_path, run):
    src, dst = make_tree(tmp_path), tmp_path / "out"
    assert run("batch", src / "text", "-o", dst, "--format", "json").exit_code == 0
    assert sorted(p.name for p in dst.iterdir()) == ["seed.json", "wsj.json"]
    record = json.loads((dst / "seed.json").read_text(encoding="utf-8"))
    assert record["title"].startswith("Russia, Belarus Spy Agencies")


def test_batch_goes_on_past_a_bad_file(tmp_path, run):
    src, dst = make_tree(tmp_path), tmp_path / "out"
    (src / "text" / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (src / "text" / "nul.txt").write_bytes(b"text\x00" * 100)  # NUL bytes inside a text: binary, skipped
    result = run("batch", src, "-o", dst)
    assert result.exit_code == 1
    assert "broken.html.gz: broken gzip data" in result.stderr
    assert "4 pages cleaned, 1 error, 1 page flagged paywall, 1 file skipped (not pages)" in result.stderr
    assert (dst / "text" / "seed.txt").exists()
    assert "Traceback" not in result.stderr


def test_colliding_outputs_keep_whole_names(tmp_path, run):
    src, dst = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(BENCH / f"{WSJ}.txt", src / "page.txt")
    shutil.copy(BENCH / f"{WSJ}.html.gz", src / "page.html")
    assert run("batch", src, "-o", dst).exit_code == 0
    assert sorted(p.name for p in dst.iterdir() if p.suffix == ".txt") == ["page.html.txt", "page.txt.txt"]


def scrape_folder(tmp_path):
    """A folder as a scraper leaves it: pages beside their images, styles, scripts, fonts, data."""
    src = make_tree(tmp_path)
    assets = src / "assets"
    assets.mkdir()
    (assets / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (assets / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200))
    (assets / "font.woff2").write_bytes(b"wOF2\x00\x01\x00\x00" + bytes(200))
    (assets / "icon.svg").write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
    (assets / "style.css").write_text("body {\n  margin: 0;\n  color: #222;\n}\n.nav a { color: red; }\n")
    (assets / "app.js").write_text("(function () {\n  var x = document.querySelector('.nav');\n"
                                   "  x.addEventListener('click', function () { x.remove(); });\n})();\n")
    (assets / "min.js").write_text("function f(){return 1}")
    (src / "data.json").write_text(json.dumps({"pages": [1, 2, 3], "site": "example"}, indent=2))
    (src / "urls.txt").write_text("".join(url + "\n" for url in URLS))
    (src / "page.php").write_bytes((BENCH / f"{WSJ}.txt").read_bytes())  # a page under any name
    return src


def test_a_scrape_folder_skips_what_is_not_a_page_told_from_the_bytes(tmp_path, run):
    src, dst = scrape_folder(tmp_path), tmp_path / "out"
    result = run("batch", src, "-o", dst)
    assert result.exit_code == 0, result.stderr
    assert "5 pages cleaned, 0 errors, 1 page flagged paywall, 9 files skipped (not pages)" in result.stderr
    skipped = next(line for line in result.stderr.splitlines() if "files skipped (not pages)" in line)
    assert "9 (2 JavaScript, " in skipped and ", 1 list of URLs" in skipped and ", 1 PNG image" in skipped
    assert not (dst / "assets").exists() and not (dst / "data.txt").exists() and not (dst / "urls.txt").exists()
    assert (dst / "page.txt").exists()


def test_include_and_exclude_choose_files_by_glob(tmp_path, run):
    src, dst = scrape_folder(tmp_path), tmp_path / "out"
    assert run("batch", src, "-o", dst, "--include", "*.txt", "--include", "html/*").exit_code == 0
    assert sorted(str(p.relative_to(dst)) for p in dst.rglob("*.txt")) == [
        f"html/{WSJ}.txt", "html/ru/wday.txt", "text/seed.txt"]
    assert run("batch", src, "-o", tmp_path / "o2", "--exclude", "html", "--exclude", "html/*",
               "--exclude", "*.page").exit_code == 0
    assert sorted(str(p.relative_to(tmp_path / "o2")) for p in (tmp_path / "o2").rglob("*.txt")) == [
        "page.txt", "text/seed.txt"]


def test_page_metadata_source_is_relative_to_the_source_root(tmp_path, run):
    src, dst = make_tree(tmp_path), tmp_path / "out"
    assert run("batch", src, "-o", dst).exit_code == 0
    assert json.loads((dst / "html" / "ru" / "wday.meta.json").read_text())["source"] == "html/ru/wday.html"
    assert run("batch", src / "text" / "seed.txt", "-o", tmp_path / "one").exit_code == 0
    assert json.loads((tmp_path / "one" / "seed.meta.json").read_text())["source"] == "seed.txt"


# ---- what is named and not done is said (issue 20 item 4) ----------------------------------

def test_a_device_named_on_the_command_line_is_an_error_naming_it(tmp_path, run):
    result = run("batch", "/dev/zero", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "cleannews: /dev/zero: a device, not a page (never opened)" in result.stderr
    assert "0 pages cleaned, 1 error" in result.stderr
    assert json.loads((tmp_path / "out" / "errors.jsonl").read_text())["path"] == "/dev/zero"


def test_a_fifo_is_an_error_when_named_and_skipped_when_found_in_a_folder(tmp_path, run):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLES / "themoscowtimes-spy-agencies.raw.txt", src / "seed.txt")
    os.mkfifo(src / "pipe")
    walked = run("batch", src, "-o", tmp_path / "o1")
    assert walked.exit_code == 0, walked.stderr
    assert "1 page cleaned, 0 errors, 1 file skipped (not pages)" in walked.stderr
    named = run("batch", src / "seed.txt", src / "pipe", "-o", tmp_path / "o2")
    assert named.exit_code == 1
    assert f"cleannews: {src / 'pipe'}: a FIFO, not a page (never opened)" in named.stderr
    assert (tmp_path / "o2" / "seed.txt").exists()


def test_a_named_file_that_is_skipped_is_said_without_verbose(tmp_path, run):
    src = scrape_folder(tmp_path)
    logo, seed = src / "assets" / "logo.png", src / "text" / "seed.txt"
    result = run("batch", logo, seed, "-o", tmp_path / "out", "--exclude", "seed.txt")
    assert result.exit_code == 0, result.stderr
    assert f"cleannews: {logo}: a PNG image; skipped" in result.stderr
    assert f"cleannews: {seed}: left out by --include/--exclude; skipped" in result.stderr
    assert "0 pages cleaned, 0 errors, 1 file skipped (not pages)" in result.stderr
    walked = run("batch", src, "-o", tmp_path / "o2")  # found in a folder: counted, not listed
    assert "logo.png" not in walked.stderr


# ---- every metadata key on every page (issue 20 item 16) -----------------------------------

def test_every_meta_json_has_every_page_key_null_when_unknown(tmp_path, run):
    from cleannews.corpus.write import PAGE_KEYS

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(READABILITY / "text" / "base-url.txt", src / "untitled.txt")  # text mode finds no title in it
    shutil.copy(BENCH / f"{WDAY}.html.gz", src / "wday.html")
    assert run("batch", src, "-o", tmp_path / "out").exit_code == 0
    untitled = json.loads((tmp_path / "out" / "untitled.meta.json").read_text())
    wday = json.loads((tmp_path / "out" / "wday.meta.json").read_text())
    for meta in (untitled, wday):
        assert [key for key in PAGE_KEYS if key not in meta] == []
        assert list(meta)[1:len(PAGE_KEYS) + 1] == list(PAGE_KEYS)  # the same place on every page
    assert untitled["title"] is None and untitled["author"] is None and untitled["kind"] == "text"
    assert wday["title"] and wday["language"] == "ru"
    assert run("batch", src, "-o", tmp_path / "json", "--format", "json").exit_code == 0
    assert json.loads((tmp_path / "json" / "untitled.json").read_text())["title"] is None


# ---- the summary in a log file (issue 20 item 19) ------------------------------------------

def test_the_summary_in_a_file_is_unpadded_unwrapped_and_counts_in_good_english(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(BENCH / f"{WSJ}.html.gz", src / "wsj.html")  # declares a paywall
    (src / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (src / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    out = tmp_path / ("a-long-output-folder-name-" * 4) / "out"
    with open(tmp_path / "log", "w") as log:  # stderr redirected to a file, as `2> log` does
        code = subprocess.run([sys.executable, "-m", "cleannews", "batch", src, "-o", out, "-j", "1"],
                              stdout=subprocess.DEVNULL, stderr=log).returncode
    assert code == 1
    lines = (tmp_path / "log").read_text().splitlines()
    assert [line for line in lines if line != line.rstrip()] == []
    errors = next(line for line in lines if line.lstrip().startswith("errors"))
    assert errors.split()[-1] == f"{out}/errors.jsonl)"  # the whole row on one line
    assert "1 PNG image" in next(line for line in lines if "files skipped (not pages)" in line)
    assert "flagged: behind a paywall" in "\n".join(lines)
    assert lines[-1] == "cleannews: 1 page cleaned, 1 error, 1 page flagged paywall, 1 file skipped (not pages)"


def test_an_eta_only_once_the_rate_is_steady():
    import io

    from rich.console import Console
    from rich.progress import Progress

    from cleannews.runs.summary import _Bar, eta

    # the report: two chunks of 8 pages in at once after 3 s promised the end of 121 in a second
    assert eta(16, 121, 3.2, 2) == ""
    assert eta(16, 121, 1.0, 5) == ""
    assert eta(16, 121, 3.2, 3) == "ETA 0:00:21"  # the average rate so far: 5 pages/s
    assert eta(120, 121, 3600.0, 50) == "ETA 0:00:30"
    assert eta(5, None, 10.0, 5) == ""  # no total, no ETA
    with Progress(console=Console(file=io.StringIO())) as progress:
        bar = _Bar(progress)
        bar.total(121)
        bar.advance(8)
        bar.advance(8)
        assert progress.tasks[0].fields["eta"] == ""
