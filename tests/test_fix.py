"""`check` and `fix` on text, Markdown and JSONL files, and as real pre-commit hooks."""
import errno
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


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
    import cleannews.write as write

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
