"""cleannews' own output cleaned again: by the rules only, and with the same rules nothing changes
(issue 20 item 7).  Real pages: the scrapinghub and readability benchmark sets.

Judged again from its text alone, the output of 25 of the 181 scrapinghub pages and 20 of
the 121 readability pages lost lines (1 to 5 blocks) that the HTML pass kept; the pages named
here were among them.  Cleaned by the rules only, 9 of the 709 wcxb pages still changed: their
text reads as Markdown, and Markdown's plain text drops the markup (two are named here).
"""
import gzip
import json
import shutil

import pytest
from conftest import ROOT

DATA = ROOT / "benchmarks" / "data"
WSJ = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"  # a paywalled page: paywall: true
PAGES = {"scrapinghub": ["0d46122928b6f468cc4bbc694051d0dbae5702bc75a16dab82a99b58daf150a0",
                         "11ea381ad92b5448cf66eae62f52ac565361a244c8881615fc6a7bb523cc0c32",
                         "20b2b64916b00b25203c9f1bf14248922f4d522f18328e9f876cce116df0083e",
                         "21486419bb109c5a62a68957f528e6ff29c92f58d8d3c1f2837c86ff3f3e11f9", WSJ],
         "readability": ["heise", "replace-brs", "lwn-1", "toc-missing"],
         # plain text that reads as Markdown: `# initialize git` in a listing, `**Abstract:**`
         "wcxb": ["0437", "0388"]}
N = sum(map(len, PAGES.values()))
CARRIED = ("title", "author", "date", "sitename", "url", "language", "paywall")


def html_pages(folder, pages=PAGES):
    """The pages, unzipped, as a scrape folder holds them: SET-NAME.html."""
    folder.mkdir()
    for name, ids in pages.items():
        for key in ids:
            (folder / f"{name}-{key}.html").write_bytes(gzip.decompress((DATA / name / "html" / f"{key}.html.gz")
                                                                        .read_bytes()))
    return folder


def all_pages():
    return {name: sorted(p.name.removesuffix(".html.gz") for p in (DATA / name / "html").glob("*.html.gz"))
            for name in ("scrapinghub", "readability")}


def outputs(folder, suffix):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*" + suffix)) if not p.name.endswith(".meta.json")}


def meta(path):
    return json.loads(path.read_text(encoding="utf-8"))


def corpus(path, pages=PAGES):
    """A JSONL corpus of the pages: id, url and the HTML."""
    with open(path, "w", encoding="utf-8") as fh:
        for name, ids in pages.items():
            for key in ids:
                html = gzip.decompress((DATA / name / "html" / f"{key}.html.gz").read_bytes())
                fh.write(json.dumps({"id": f"{name}-{key}", "html": html.decode("utf-8", "replace")}) + "\n")
    return path


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_batch_output_cleaned_again_by_batch_and_clean_is_the_same(tmp_path, run):
    src, out, again = html_pages(tmp_path / "src"), tmp_path / "out", tmp_path / "again"
    assert run("batch", src, "-o", out, "-j", "1").exit_code == 0
    result = run("batch", out, "-o", again, "-j", "1")
    assert result.exit_code == 0, result.stderr
    first, second = outputs(out, ".txt"), outputs(again, ".txt")
    assert len(first) == N and second == first
    assert f"{N} pages (cleaned_before in their metadata" in result.stderr
    assert f"{N} files skipped (not pages)" in result.stderr  # the sidecars, read with their pages
    for name, text in first.items():
        cleaned = run("clean", out / name)
        assert cleaned.stdout.encode("utf-8") == text, name
        assert "cleaned by the rules only" in cleaned.stderr
        before, after = meta(out / name.replace(".txt", ".meta.json")), meta(again / name.replace(".txt", ".meta.json"))
        assert {k: after[k] for k in CARRIED} == {k: before[k] for k in CARRIED}
        assert after["cleaned_before"] == {k: before[k] for k in ("source", "kind", "encoding", "site_rules", "stats")}
        assert after["kind"] == "text" and after["cleaned_before"]["kind"] == "html"
    assert meta(again / f"scrapinghub-{WSJ}.meta.json")["paywall"] is True
    assert meta(again / "wcxb-0437.meta.json")["kind"] == "text"  # what it is, whatever it looks like
    third = tmp_path / "third"  # a third pass: the first pass is still the one that judged the page
    assert run("batch", again, "-o", third, "-j", "1").exit_code == 0
    assert outputs(third, ".txt") == first
    assert meta(third / f"scrapinghub-{WSJ}.meta.json")["cleaned_before"]["source"] == f"scrapinghub-{WSJ}.html"


def test_json_and_markdown_outputs_cleaned_again_are_the_same(tmp_path, run):
    src = html_pages(tmp_path / "src")
    for fmt in ("json", "md"):
        out, again = tmp_path / f"out-{fmt}", tmp_path / f"again-{fmt}"
        assert run("batch", src, "-o", out, "-j", "1", "--format", fmt).exit_code == 0
        result = run("batch", out, "-o", again, "-j", "1", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        first, second = outputs(out, "." + fmt), outputs(again, "." + fmt)
        assert len(first) == N
        if fmt == "md":
            assert second == first
            continue
        assert "skipped" not in result.stderr  # json outputs are pages again
        for name, data in first.items():
            before, after = json.loads(data), json.loads(second[name])
            assert after["text"] == before["text"], name
            assert after["cleaned_before"]["kind"] == "html" and after["title"] == before["title"]
            assert json.loads(run("clean", out / name, "--format", "json").stdout)["text"] == before["text"]
    # the json output's text, written as txt, is the txt output
    txt = tmp_path / "txt"
    assert run("batch", tmp_path / "out-json", "-o", txt, "-j", "1").exit_code == 0
    assert outputs(txt, ".txt") == {
        n.replace(".json", ".txt"): json.loads(d)["text"].encode("utf-8") for n, d in outputs(tmp_path / "out-json",
                                                                                              ".json").items()}


def test_text_pages_cleaned_again_are_the_same(tmp_path, run):
    """Pages that came as text or Markdown, as txt and as md outputs: a Markdown page's `.md`
    output keeps the indentation of its lines (read as plain text it lost it)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("0390", "2684", "0383"):  # Markdown pages, their lines indented
        shutil.copy(DATA / "wcxb" / "text" / f"{name}.txt", src / f"wcxb-{name}.txt")
    shutil.copy(DATA / "readability" / "text" / "toc-missing.txt", src / "toc-missing.txt")
    for fmt in ("txt", "md"):
        out, again = tmp_path / f"out-{fmt}", tmp_path / f"again-{fmt}"
        assert run("batch", src, "-o", out, "-j", "1", "--format", fmt).exit_code == 0
        assert run("batch", out, "-o", again, "-j", "1", "--format", fmt).exit_code == 0
        first = outputs(out, "." + fmt)
        assert len(first) == 4 and outputs(again, "." + fmt) == first
    assert meta(tmp_path / "again-md" / "wcxb-0390.meta.json")["kind"] == "markdown"


def test_a_corpus_batch_wrote_cleaned_again_is_the_same(tmp_path, run):
    src, out, again = tmp_path / "src", tmp_path / "out", tmp_path / "again"
    src.mkdir()
    corpus(src / "pages.jsonl")
    assert run("batch", src, "-o", out, "-j", "1").exit_code == 0
    result = run("batch", out, "-o", again, "-j", "1")
    assert result.exit_code == 0, result.stderr
    first, second = records(out / "pages.jsonl"), records(again / "pages.jsonl")
    assert len(first) == N and [r["text"] for r in second] == [r["text"] for r in first]
    assert [r["html"] for r in second] == [r["html"] for r in first]  # every field kept
    for before, after in zip(first, second):
        assert after["cleannews"]["cleaned_before"]["kind"] == "html"
        assert {k: after["cleannews"][k] for k in CARRIED} == {k: before["cleannews"][k] for k in CARRIED}
    streamed = run("clean", "--format", "jsonl", out / "pages.jsonl")  # a pipe, record by record
    assert [r["text"] for r in map(json.loads, filter(None, streamed.stdout.split("\n")))] == [r["text"] for r in first]


def test_a_record_that_failed_or_carries_no_metadata_is_cleaned_in_full(tmp_path, run):
    """Only cleannews' metadata marks a record: one that failed (`{"error": ...}`, text
    unchanged) or one whose `cleannews` field is something else has its HTML cleaned."""
    src = tmp_path / "src"
    src.mkdir()
    corpus(src / "pages.jsonl", {"scrapinghub": [WSJ]})
    plain = run("batch", src, "-o", tmp_path / "plain", "-j", "1")
    assert plain.exit_code == 0
    clean_text = records(tmp_path / "plain" / "pages.jsonl")[0]["text"]
    record = records(src / "pages.jsonl")[0]
    for mark in ({"error": "took too long"}, {"note": "ours"}, "yes"):
        (src / "pages.jsonl").write_text(json.dumps({**record, "text": "raw", "cleannews": mark}) + "\n")
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        assert run("batch", src, "-o", tmp_path / "out", "-j", "1").exit_code == 0
        out = records(tmp_path / "out" / "pages.jsonl")[0]
        assert out["text"] == clean_text and "cleaned_before" not in out["cleannews"]


def test_a_sidecar_that_is_not_cleannews_metadata_is_no_mark(tmp_path, run):
    """A .meta.json of another tool, or one that cannot be read, leaves the page cleaned as any
    page (the classifier and headline run, as on the text from standard input)."""
    src, out = html_pages(tmp_path / "src", {"scrapinghub": PAGES["scrapinghub"][:1]}), tmp_path / "out"
    assert run("batch", src, "-o", out, "-j", "1").exit_code == 0
    page = next(out.glob("*.txt"))
    in_full = run("clean", "-", "--format", "json", input=page.read_bytes())
    assert "cleaned by the rules only" not in in_full.stderr
    expected = json.loads(in_full.stdout)
    for sidecar in ('{"title": "From another tool", "stats": {}}', "{broken", '{"source": "x", "kind": "html"}'):
        page.with_suffix(".meta.json").write_text(sidecar)
        result = run("clean", page, "--format", "json")
        assert result.exit_code == 0 and "cleaned by the rules only" not in result.stderr
        got = json.loads(result.stdout)
        assert "cleaned_before" not in got and got["text"] == expected["text"]


def test_rules_added_since_still_apply(tmp_path, run):
    """The second person's own rules clean the first pass's output; the rest stands."""
    src, out, again = html_pages(tmp_path / "src", {"readability": ["heise"]}), tmp_path / "out", tmp_path / "again"
    assert run("batch", src, "-o", out, "-j", "1").exit_code == 0
    text = (out / "readability-heise.txt").read_text(encoding="utf-8")
    paragraphs = text.rstrip("\n").split("\n\n")
    line = paragraphs[-1]
    rule = tmp_path / "ours.yaml"
    rule.write_text("description: Our own rules.\ncategory: related\nrules:\n"
                    "  - id: ours.last-line\n    description: The last line of heise's pages, for this test.\n"
                    f"    phrases: [{json.dumps(line)}]\n    max_words: 400\n"
                    f"    drop: [{json.dumps(line)}]\n    keep: [Another line.]\n", encoding="utf-8")
    result = run("batch", out, "-o", again, "-j", "1", "--rules", rule)
    assert result.exit_code == 0, result.stderr
    assert (again / "readability-heise.txt").read_text(encoding="utf-8") == "\n\n".join(paragraphs[:-1]) + "\n"
    removed = meta(again / "readability-heise.meta.json")["removed"]
    assert [r["rule"] for r in removed] == ["ours.last-line"]


def test_explain_says_why_the_classifier_did_not_run(tmp_path, run):
    src, out = html_pages(tmp_path / "src", {"readability": ["replace-brs"]}), tmp_path / "out"
    assert run("batch", src, "-o", out, "-j", "1").exit_code == 0
    result = run("explain", out / "readability-replace-brs.txt", "--no-pager")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("cleaned before"))
    assert "of an html page (readability-replace-brs.html)" in row
    assert "rules only" in row and "classifier and headline did not run" in row
    assert "cleaned by the rules only" in result.stderr


def test_the_error_log_of_a_batch_is_not_a_corpus(tmp_path, run):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(DATA / "readability" / "text" / "heise.txt", out / "heise.txt")
    (out / "errors.jsonl").write_text(json.dumps({"path": "src/x.html", "error": "src/x.html: broken"}) + "\n")
    result = run("batch", out, "-o", tmp_path / "again", "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert "1 page cleaned, 0 errors" in result.stderr and "1 cleannews' error log" in result.stderr
    assert not (tmp_path / "again" / "errors.jsonl").exists()


@pytest.mark.slow
def test_every_benchmark_page_cleaned_again_is_the_same(tmp_path, run):
    """All 302 HTML pages of both sets, as pages and as a corpus."""
    src, out, again = html_pages(tmp_path / "src", all_pages()), tmp_path / "out", tmp_path / "again"
    corpus(tmp_path / "pages.jsonl", all_pages())
    assert run("batch", src, tmp_path / "pages.jsonl", "-o", out, "-j", "2").exit_code == 0
    assert run("batch", out, "-o", again, "-j", "2").exit_code == 0
    first = outputs(out, ".txt")
    assert len(first) == 302 and outputs(again, ".txt") == first
    assert ([r["text"] for r in records(again / "pages.jsonl")]
            == [r["text"] for r in records(out / "pages.jsonl")])
