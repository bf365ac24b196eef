"""`check` and `fix` take folders, walked as `batch` walks them (issue 20 item 13)."""
import gzip
import json
import shutil

import pytest
from conftest import ROOT

from cleannews.runs.batch import plan_entries

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
HTML = "<!DOCTYPE html><html><head><title>A</title></head><body><p>Hi</p></body></html>"


@pytest.fixture
def scrape(tmp_path, seed):
    """A folder as a corpus repository holds: text, Markdown, compressed text, JSONL, and what is
    no text at all (an image, a script, an HTML page, a hidden folder)."""
    root = tmp_path / "corpus"
    raw = seed["raw"].read_text(encoding="utf-8")
    (root / "news" / "2024").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "assets").mkdir()
    (root / "news" / "a.txt").write_text(raw, encoding="utf-8")
    (root / "news" / "2024" / "b.md").write_text(raw, encoding="utf-8")
    (root / "news" / "2024" / "c.txt.gz").write_bytes(gzip.compress(raw.encode()))
    (root / "records.jsonl").write_text(json.dumps({"id": 1, "text": raw}) + "\n", encoding="utf-8")
    (root / "clean.txt").write_text("A paragraph of an article, nothing else in it.\n", encoding="utf-8")
    (root / ".git" / "d.txt").write_text(raw, encoding="utf-8")
    (root / "assets" / "e.txt").write_text(raw, encoding="utf-8")
    (root / "assets" / "logo.png").write_bytes(PNG)
    (root / "assets" / "app.js").write_text("function f(){return 1}\nvar x = f();\nif (x) { f(); }\n", encoding="utf-8")
    (root / "page.html").write_text(HTML, encoding="utf-8")
    return root


def reported(result) -> set[str]:
    """The files `check` lists findings in."""
    return {line.split(":", 1)[0] for line in result.stdout.splitlines()}


def test_check_walks_a_folder_as_batch_does(scrape, run, monkeypatch):
    monkeypatch.chdir(scrape)
    result = run("-v", "check", ".")
    assert result.exit_code == 1, result.stderr
    assert reported(result) == {"news/a.txt", "news/2024/b.md", "news/2024/c.txt.gz", "records.jsonl", "assets/e.txt"}
    checked = {line.split(": ")[1] for line in result.stderr.splitlines() if line.endswith(" found, 0 errors")}
    walked = {e.path.relative_to(scrape).as_posix() for e in plan_entries([scrape], scrape, "txt", writes=False)}
    assert checked == walked - {"page.html"}  # batch's walk, less the HTML page check does not read
    # the image, the script and the page are skipped (said under -v), not errors
    assert "6 files, 5 with boilerplate, 0 errors, 3 skipped" in result.stderr


def test_check_takes_the_batch_globs_and_says_what_it_skips(scrape, run):
    result = run("-v", "check", scrape, "--exclude", "assets/*", "--exclude", "*.jsonl")
    assert reported(result) == {str(scrape / p) for p in ("news/a.txt", "news/2024/b.md",
                                                                   "news/2024/c.txt.gz")}
    assert f"{scrape / 'page.html'}: an HTML page" in result.stderr
    only = run("check", scrape, "--include", "*.md")
    assert reported(only) == {str(scrape / "news" / "2024" / "b.md")}


def test_fix_fixes_a_folder_in_place_and_leaves_the_rest(scrape, run, seed):
    before = {p: p.read_bytes() for p in scrape.rglob("*") if p.is_file()}
    result = run("fix", scrape / "news", scrape / "clean.txt")
    assert result.exit_code == 0, result.stderr
    assert "Support us" not in (scrape / "news" / "a.txt").read_text(encoding="utf-8")
    assert b"Support us" not in gzip.decompress((scrape / "news" / "2024" / "c.txt.gz").read_bytes())
    changed = {p.relative_to(scrape).as_posix() for p, data in before.items() if p.read_bytes() != data}
    assert changed == {"news/a.txt", "news/2024/b.md", "news/2024/c.txt.gz"}
    assert run("check", scrape / "news").exit_code == 0


def test_a_folder_of_clean_text_passes_and_an_html_page_named_is_still_an_error(tmp_path, run):
    (tmp_path / "ok.txt").write_text("A paragraph of an article, nothing else in it.\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    assert run("check", tmp_path).exit_code == 0
    named = run("check", tmp_path / "page.html")
    assert named.exit_code == 1 and "an HTML page" in named.stderr


def test_check_on_the_benchmark_text_folder_reads_every_page(tmp_path, run):
    """A real folder: 121 readability pages as text, one error-free pass."""
    folder = tmp_path / "text"
    shutil.copytree(ROOT / "benchmarks" / "data" / "readability" / "text", folder)
    result = run("check", folder)
    assert result.exit_code == 1 and "121 files" in result.stderr and "0 errors" in result.stderr
    assert reported(result) <= {str(p) for p in folder.iterdir()}
