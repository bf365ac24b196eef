"""`check` and `fix` on text, Markdown and JSONL files, and as real pre-commit hooks."""
import codecs
import errno
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from cleannews.cli import cli


@pytest.fixture
def dirty(tmp_path, seed):
    path = tmp_path / "article.txt"
    shutil.copy(seed["raw"], path)
    return path


def test_check_lists_file_line_rule_and_category(dirty, run):
    result = run("check", dirty)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{dirty}:5: donation.enjoying-content-question [donation] Support us" in lines
    assert f"{dirty}:30: themoscowtimes.footer [newsletter] Sign up for our free weekly newsletter" in lines
    assert any(line.startswith(f"{dirty}:57: ") and line.endswith("[related] Read more") for line in lines)
    assert "1 with boilerplate" in result.stderr


def test_fix_removes_only_boilerplate_lines_and_is_idempotent(dirty, run, seed):
    before = dirty.read_text(encoding="utf-8").split("\n")
    os.chmod(dirty, 0o640)
    assert run("fix", dirty).exit_code == 0
    fixed = dirty.read_text(encoding="utf-8")
    assert oct(os.stat(dirty).st_mode & 0o777) == "0o640"
    for appeal in seed["expected"]["removed_must_include"]:
        assert appeal not in fixed.split("\n")
    for paragraph in seed["clean"].split("\n\n"):
        assert paragraph.strip() in fixed
    assert all(line in before for line in fixed.split("\n"))  # nothing invented, lines kept as they were
    assert "\n\n\n" not in fixed
    assert run("check", dirty).exit_code == 0
    assert run("fix", dirty).exit_code == 0
    assert dirty.read_text(encoding="utf-8") == fixed


def test_fix_keeps_crlf_and_the_encoding(tmp_path, run, seed):
    path = tmp_path / "win.txt"
    raw = seed["raw"].read_text(encoding="utf-8").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    path.write_bytes(raw.replace("\n", "\r\n").encode("cp1252", errors="replace"))
    assert run("fix", path).exit_code == 0
    data = path.read_bytes()
    assert b"Support us" not in data and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert "Russia's and Belarus' intelligence agencies" in data.decode("cp1252")


def test_fix_jsonl_rewrites_only_dirty_records(tmp_path, run, seed):
    path = tmp_path / "corpus.jsonl"
    clean_line = json.dumps({"id": 1, "text": "Clean paragraph.\nAnother one."}, separators=(",", ":"))
    path.write_text(clean_line + "\n" + json.dumps({"id": 2, "text": seed["raw"].read_text(encoding="utf-8")}) + "\n",
                    encoding="utf-8")
    result = run("check", path)
    assert result.exit_code == 1 and f"{path}:2: " in result.stdout and f"{path}:1: " not in result.stdout
    assert run("fix", path).exit_code == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == clean_line  # untouched byte for byte
    assert "Support us" not in json.loads(lines[1])["text"]
    assert run("check", path).exit_code == 0


def test_fix_leaves_a_read_only_file_untouched(dirty, run):
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files")
    os.chmod(dirty, 0o444)
    before = dirty.read_bytes()
    result = run("fix", dirty)
    assert result.exit_code == 1 and "read-only; left untouched" in result.stderr
    assert dirty.read_bytes() == before


def test_fix_refuses_a_file_it_may_not_write(dirty, run, monkeypatch):
    """os.access is what decides (root would otherwise write through the mode bits)."""
    before = dirty.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m, **kw: False if str(p) == str(dirty) and m == os.W_OK else real_access(p, m))
    result = run("fix", dirty)
    assert result.exit_code == 1
    assert f"{dirty}: read-only; left untouched" in result.stderr
    assert dirty.read_bytes() == before


def test_fix_with_the_disk_full_leaves_the_original(dirty, run, monkeypatch):
    import cleannews.corpus.write as write

    class Full:
        def __init__(self, raw):
            self.raw = raw

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(write, "_compressor", lambda raw, compression: Full(raw))
    before = dirty.read_bytes()
    result = run("fix", dirty)
    assert result.exit_code == 1
    assert f"{dirty}: cannot write (No space left on device); left untouched" in result.stderr
    assert dirty.read_bytes() == before
    assert [p.name for p in dirty.parent.iterdir()] == ["article.txt"]  # no temp file left behind


def test_check_refuses_html_with_a_message(tmp_path, run):
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><body><p>Hi</p></body></html>", encoding="utf-8")
    result = run("check", page)
    assert result.exit_code == 1 and "an HTML page" in result.stderr


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


@pytest.mark.slow
def test_pre_commit_hooks_fail_on_dirty_and_pass_after_fix(tmp_path, seed):
    """The real pre-commit framework installs cleannews from this repository and runs the hooks."""
    repo = tmp_path / "corpus"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copy(seed["raw"], repo / "article.txt")
    git(repo, "add", "article.txt")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}

    def hook(name):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), name, "--files", "article.txt"],
                              cwd=repo, capture_output=True, text=True, env=env)

    failed = hook("cleannews-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "donation.enjoying-content-question [donation] Support us" in failed.stdout
    fixed = hook("cleannews-fix")
    assert "Support us" not in (repo / "article.txt").read_text(encoding="utf-8")
    assert fixed.returncode == 1  # pre-commit fails a hook that changed files, so the user re-adds them
    passed = hook("cleannews-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr


# ---- fix keeps every byte it does not remove ---------------------------------------------------

LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def removed_lines(run, path) -> set[int]:
    """The lines `check` reports (file:line: rule [category] text)."""
    return {int(line[len(str(path)) + 1:].split(":", 1)[0]) for line in run("check", path).stdout.splitlines()}


def assert_only_lines_removed(before: bytes, after: bytes, gone: set[int]):
    """`after` is `before` minus whole lines (each kept line byte for byte, its own newline with
    it): the lines of the removed blocks, and blank lines only."""
    old, new = LINE.findall(before), LINE.findall(after)
    assert gone
    i = 0
    for number, line in enumerate(old, 1):
        if i < len(new) and new[i] == line and number not in gone:
            i += 1
        else:
            assert number in gone or not line.strip(), (number, line)
    assert i == len(new), "the fixed file holds a line the original does not"


def seed_bytes(seed, newline=b"\n"):
    return seed["raw"].read_bytes().replace(b"\n", newline)


@pytest.mark.parametrize("make", [
    pytest.param(lambda seed: seed_bytes(seed, b"\r"), id="cr-only"),
    pytest.param(lambda seed: b"".join(line + (b"\r\n" if i % 3 == 0 else b"\n" if i % 3 == 1 else b"\r")
                                       for i, line in enumerate(seed_bytes(seed).split(b"\n"))), id="mixed"),
    pytest.param(lambda seed: seed_bytes(seed).replace(b"Support us", b"Support\xff us", 1)
                 .replace(b"intelligence", b"intel\xffligence", 1), id="stray-invalid-byte"),
    pytest.param(lambda seed: codecs.BOM_UTF16_LE + seed["raw"].read_text(encoding="utf-8").encode("utf-16-le"),
                 id="utf-16"),
    pytest.param(lambda seed: seed_bytes(seed, b"\r\n").rstrip(b"\r\n"), id="no-final-newline"),
])
def test_fix_removes_whole_lines_and_keeps_every_other_byte(tmp_path, run, seed, make):
    path = tmp_path / "page.txt"
    before = make(seed)
    path.write_bytes(before)
    gone = removed_lines(run, path)
    assert run("fix", path).exit_code == 0
    after = path.read_bytes()
    if before.startswith(codecs.BOM_UTF16_LE):
        before, after = before.decode("utf-16").encode("utf-8"), after.decode("utf-16").encode("utf-8")
        assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    assert_only_lines_removed(before, after, gone)


def test_fix_keeps_a_gzipped_file_gzipped(tmp_path, run, seed):
    path = tmp_path / "page.txt.gz"
    path.write_bytes(gzip.compress(seed_bytes(seed, b"\r\n")))
    gone = removed_lines(run, path)
    assert run("fix", path).exit_code == 0
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert_only_lines_removed(seed_bytes(seed, b"\r\n"), gzip.decompress(path.read_bytes()), gone)


def test_fix_jsonl_keeps_clean_records_blank_lines_and_crlf_byte_for_byte(tmp_path, run, seed):
    path = tmp_path / "corpus.jsonl"
    clean = b'  {"id": 1,   "text": "Clean paragraph."}  \r\n'
    dirty = json.dumps({"id": 2, "text": seed["raw"].read_text(encoding="utf-8")}).encode() + b"\r\n"
    path.write_bytes(clean + b"\r\n" + dirty + clean)
    assert run("fix", path).exit_code == 0
    lines = path.read_bytes().split(b"\n")
    assert lines[0] + b"\n" == clean and lines[1] == b"\r" and lines[3] + b"\n" == clean
    assert lines[2].endswith(b"}\r") and "Support us" not in json.loads(lines[2])["text"]


def test_fix_goes_through_a_symlink_and_keeps_it(tmp_path, run, seed):
    target, link = tmp_path / "real.txt", tmp_path / "link.txt"
    shutil.copy(seed["raw"], target)
    link.symlink_to(target)
    assert run("fix", link).exit_code == 0
    assert link.is_symlink() and "Support us" not in target.read_text(encoding="utf-8")


def test_fix_refuses_a_hard_linked_file_and_leaves_both_names(tmp_path, run, seed):
    path, other = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(seed["raw"], path)
    os.link(path, other)
    result = run("fix", path)
    assert result.exit_code == 1 and "has 2 hard links" in result.stderr
    assert os.stat(path).st_ino == os.stat(other).st_ino and path.read_bytes() == seed["raw"].read_bytes()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_fix_keeps_the_owner_and_group(tmp_path, run, seed):
    path = tmp_path / "theirs.txt"
    shutil.copy(seed["raw"], path)
    os.chown(path, 1234, 5678)
    assert run("fix", path).exit_code == 0
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (1234, 5678)
    assert "Support us" not in path.read_text(encoding="utf-8")


def test_fix_refuses_a_file_that_changed_while_it_ran(tmp_path, run, seed, monkeypatch):
    import cleannews.runs.fix as fix

    path = tmp_path / "growing.txt"
    shutil.copy(seed["raw"], path)
    scan = fix._removals

    def scan_then_append(*args, **kwargs):  # another program appends while the rules run
        found = scan(*args, **kwargs)
        with open(path, "ab") as fh:
            fh.write(b"\nA paragraph added meanwhile.\n")
        return found
    monkeypatch.setattr(fix, "_removals", scan_then_append)
    result = run("fix", path)
    assert result.exit_code == 1 and "changed while it was being fixed; left untouched" in result.stderr
    assert path.read_bytes() == seed["raw"].read_bytes() + b"\nA paragraph added meanwhile.\n"


# ---- bad records and what check prints ---------------------------------------------------------

def test_bad_jsonl_records_are_errors_in_check_and_fix(tmp_path, run, seed):
    path = tmp_path / "mixed.jsonl"
    lines = [json.dumps({"id": 1, "text": "Fine text."}), "{broken", json.dumps({"id": 3}),
             json.dumps({"id": 4, "text": 5})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = path.read_bytes()
    for command in ("check", "fix"):
        result = run(command, path)
        assert result.exit_code == 1, command
        assert "fixed" not in result.stdout
        assert f"{path}:2: not valid JSON" in result.stderr and f"{path}:3: record has no 'text' field" in result.stderr
        assert f"{path}:4: field 'text' holds a JSON int" in result.stderr
        assert "3 errors" in result.stderr
    assert path.read_bytes() == before


def test_check_escapes_control_characters_it_prints(tmp_path, run):
    path = tmp_path / "esc.txt"
    path.write_text("An article paragraph that is long enough to stay here.\n\n"
                    "Sign up for our free weekly newsletter\x1b]0;pwned\x07\x1b[31m\n", encoding="utf-8")
    result = run("check", path)
    assert "newsletter" in result.stdout and "\\x1b" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize("command", ["check", "fix", "batch"])
def test_a_missing_input_is_a_usage_error(tmp_path, run, command):
    args = [command, tmp_path / "nope.txt"] + (["-o", tmp_path / "out"] if command == "batch" else [])
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_check_never_opens_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    result = subprocess.run([sys.executable, "-m", "cleannews", "check", tmp_path / "pipe.txt"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "pipe.txt: a FIFO" in result.stderr


# ---- a hook removes only what is boilerplate beyond doubt (issue 20 item 1) ---------------------

READABILITY = ROOT / "benchmarks" / "data" / "readability" / "text"


def test_fix_keeps_the_code_listing_of_a_real_article(tmp_path, run):
    """001 holds a JavaScript listing whose `}`, `};` and `});` lines the symbols-only rule took."""
    path = tmp_path / "001.txt"
    shutil.copy(READABILITY / "001.txt", path)
    lines = path.read_text(encoding="utf-8").split("\n")
    listing = "\n".join(lines[32:74])  # lines 33-74: cow.js and its test suite
    assert listing.startswith("// cow.js") and listing.endswith("});")
    found = removed_lines(run, path)
    assert not found & set(range(33, 75))
    assert {121, 123} <= found  # the footer's "Contact" and copyright still go
    assert run("fix", path).exit_code == 0
    fixed = path.read_text(encoding="utf-8")
    assert listing in fixed and "Nicolas Perriault — Tweet at me" not in fixed


CODE_AND_PROSE = {
    "python": ("Here is how the loader reads every record and skips the empty ones in the file:\n\n"
               "def load(path):\n    rows = [\n        parse(line)\n        for line in open(path)\n    ]\n"
               "    for row in rows:\n        if row is None:\n            continue\n        print(row)\n"
               "    return rows\n\nThat is all the loader needs.\n"),
    "ruby": ("The loop below skips the empty items:\n\nitems.each do |item|\n  if item.nil?\n    next\n  end\n"
             "  puts item\nend\n"),
    "go-blank-before-brace": ("The handler closes the file in every case:\n\n"
                              "func handle(w http.ResponseWriter, r *http.Request) {\n\tf, err := os.Open(name)\n"
                              "\tif err != nil {\n\t\treturn\n\t}\n\n}\n\nNothing else is needed.\n"),
    "markdown": ("---\ntitle: Parsing dates\n---\n\nParsing dates\n=============\n\nHere is how:\n\n"
                 "```python\nfrom datetime import date\nprint(date.today())\n```\n\n"
                 "| Name | Value |\n|------|-------|\n| a    | 1     |\n\n* * *\n\nThat's all.\n"),
    "wrapped-paragraph": ("After three weeks at sea and a storm that nearly sank the boat, the crew finally came\n"
                          "home.\nThe captain said that anyone who wanted to hear the whole story could get in "
                          "touch via\nContact\ndetails that the harbour office keeps for the families of the crew.\n"),
}


@pytest.mark.parametrize("name", CODE_AND_PROSE)
def test_short_lines_inside_a_listing_or_a_paragraph_are_not_furniture(tmp_path, run, name):
    """`}`, `]`, a fence, `continue`, `next`, "home." and "Contact" each matched a rule alone; in
    their listing or paragraph they are its text."""
    path = tmp_path / ("page.md" if name == "markdown" else "page.txt")
    path.write_text(CODE_AND_PROSE[name], encoding="utf-8")
    result = run("check", path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert run("fix", path).exit_code == 0
    assert path.read_text(encoding="utf-8") == CODE_AND_PROSE[name]


def test_furniture_that_stands_alone_still_goes(tmp_path, run):
    """An ad label between two one-line paragraphs, a menu of its own, a lone close button."""
    path = tmp_path / "page.txt"
    path.write_text("The council voted five to two on Tuesday to approve the new budget for the city.\n"
                    "Advertisement\nThe measure now goes to the mayor, who is expected to sign it this week.\n\n"
                    "Home\nNews\nContact\n\n×\n", encoding="utf-8")
    assert removed_lines(run, path) == {2, 5, 7, 9}


# ---- UTF-16 and UTF-32 go back through the byte order that read them (issue 20 item 10) -----------

@pytest.mark.parametrize("bom, encoding", [
    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (b"", "utf-16-be"), (b"", "utf-16-le"), (b"", "utf-32-be"), (b"", "utf-32-le"),
])
def test_fix_writes_utf16_and_utf32_in_the_byte_order_they_came_in(tmp_path, run, seed, bom, encoding):
    path = tmp_path / "page.txt"
    text = seed["raw"].read_text(encoding="utf-8")
    path.write_bytes(bom + text.encode(encoding))
    gone = removed_lines(run, path)
    result = run("fix", path)
    assert result.exit_code == 0, result.stderr
    after = path.read_bytes()
    assert after.startswith(bom) and after[len(bom):].decode(encoding).startswith(text.split("\n")[6])
    assert_only_lines_removed(text.encode(), after[len(bom):].decode(encoding).encode(), gone)
    assert run("check", path).exit_code == 0


# ---- the hooks match compressed corpora (issue 20 item 12) ----------------------------------------

def hook_patterns() -> dict:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: re.compile(hook["files"]) for hook in hooks}


@pytest.mark.parametrize("name, matched", [
    ("article.txt", True), ("corpus/article.txt.gz", True), ("corpus.jsonl.zst", True), ("notes.md.bz2", True),
    ("a.text.xz", True), ("a.markdown", True), ("dump.ndjson.gz", True), ("corpus.jsonl", True),
    ("page.html", False), ("page.html.gz", False), ("data.json", False), ("logo.png", False),
    ("article.txt.gz.bak", False), ("archive.gz", False),
])
def test_the_hooks_match_text_markdown_and_jsonl_plain_or_compressed(name, matched):
    patterns = hook_patterns()
    assert set(patterns) == {"cleannews-check", "cleannews-fix"}
    for pattern in patterns.values():
        assert bool(pattern.search(name)) == matched, (pattern.pattern, name)


@pytest.mark.slow
def test_pre_commit_hooks_run_on_compressed_corpora(tmp_path, seed):
    import zstandard

    repo = tmp_path / "corpus"
    repo.mkdir()
    git(repo, "init", "-q")
    text = seed["raw"].read_text(encoding="utf-8")
    (repo / "article.txt.gz").write_bytes(gzip.compress(text.encode()))
    (repo / "corpus.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(
        (json.dumps({"id": 1, "text": text}) + "\n").encode()))
    git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache")}

    def hook(name):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), name, "--all-files"],
                              cwd=repo, capture_output=True, text=True, env=env)

    failed = hook("cleannews-check")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "article.txt.gz:5: donation" in failed.stdout and "corpus.jsonl.zst:1: donation" in failed.stdout
    hook("cleannews-fix")
    assert b"Support us" not in gzip.decompress((repo / "article.txt.gz").read_bytes())
    passed = hook("cleannews-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr


# ---- a fix that removes the last block leaves no blank line behind it (issue 20 item 19) ----------

@pytest.mark.parametrize("newline, final", [("\n", "\n"), ("\r\n", "\r\n"), ("\r\n", ""), ("\n", "\n\n")])
def test_fix_removing_the_last_block_leaves_no_blank_line_at_the_end(tmp_path, run, seed, newline, final):
    """The seed's last blocks (an appeal, then "Read more") go: the file ends with the article's
    last paragraph and its own newline."""
    path = tmp_path / "page.txt"
    text = seed["raw"].read_text(encoding="utf-8").rstrip("\n")
    path.write_bytes((text.replace("\n", newline) + final).encode())
    assert 57 in removed_lines(run, path)
    assert run("fix", path).exit_code == 0
    assert path.read_bytes().endswith(f"Ryanair flight diversion.{newline}".encode())


def test_fix_of_a_real_page_ends_at_its_last_kept_line(tmp_path, run):
    path = tmp_path / "001.txt"
    shutil.copy(READABILITY / "001.txt", path)
    assert run("fix", path).exit_code == 0
    assert path.read_text(encoding="utf-8").endswith("  Carnet fr\n")
