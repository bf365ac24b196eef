"""What a new user trips over in the first hour (issue 15): names that do not exist, inputs
that are not what the command expects, interrupts, flags after the command, data in pipes."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SAMPLES, SEED

RAW = SAMPLES / f"{SEED}.raw.txt"


def _corpus(path, n=12):
    page = RAW.read_text(encoding="utf-8")
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"r{i}", "text": page}) + "\n")
    return path


# -- item 2: a JSONL corpus given to `clean` as if it were a page ------------------------------------

def test_clean_streams_a_jsonl_corpus_told_from_its_bytes(run, tmp_path, seed):
    corpus = _corpus(tmp_path / "corpus.data")  # the name says nothing: the bytes do
    result = run("clean", corpus)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [f"r{i}" for i in range(12)]
    assert all(r["text"] == seed["clean"] for r in records)
    assert "JSONL corpus" in result.stderr
    assert result.stdout == run("clean", "--format", "jsonl", corpus).stdout
    piped = subprocess.run([sys.executable, "-m", "cleannews", "clean"], stdin=open(corpus, "rb"),
                           capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stdout == result.stdout


def test_clean_refuses_a_corpus_with_a_page_format_and_a_warc(run, tmp_path):
    corpus = _corpus(tmp_path / "corpus.jsonl", 3)
    refused = run("clean", "--format", "txt", corpus)
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr == (f"cleannews: {corpus}: a JSONL corpus, not a page: clean it with --format jsonl "
                              "(not --format txt)\n")
    warc = tmp_path / "crawl.warc"
    warc.write_bytes(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    result = run("clean", warc)
    assert result.exit_code == 1 and result.stdout == "" and "cleannews batch" in result.stderr


# -- item 6: unknown names -------------------------------------------------------------------------

@pytest.mark.parametrize("name, hint", [("no.such.rule", "cleannews rules list shows them"),
                                        ("sitez", "did you mean sites?"),
                                        ("newsleter", "did you mean newsletter"),
                                        ("sites/themoscowtimes.co", "did you mean sites/themoscowtimes.com")])
def test_an_unknown_name_to_disable_is_a_usage_error(run, name, hint):
    result = run("clean", "--disable", name, RAW)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"cleannews: --disable {name!r}: no such rule id, category or rule set (")
    assert hint in result.stderr and len(result.stderr.splitlines()) == 1


def test_known_names_to_disable_still_work(run, seed):
    for name in ("sites", "sites/", "sites/themoscowtimes.com", "themoscowtimes.com", "donation",
                 "themoscowtimes.footer", "generic"):
        assert run("clean", "--disable", name, RAW).exit_code == 0, name


def test_an_unknown_name_in_the_configuration_is_a_configuration_error(run, tmp_path, monkeypatch):
    (tmp_path / ".cleannews.yaml").write_text("disable: [sites, social.share-buttons.en]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("clean", RAW)
    assert result.exit_code == 78
    assert result.stderr.startswith(f"cleannews: {tmp_path / '.cleannews.yaml'}: `disable` "
                                    "'social.share-buttons.en': no such rule id")
    assert "did you mean social.share" in result.stderr


def test_an_unknown_category_to_list(run):
    result = run("rules", "list", "--category", "newsleter")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "cleannews: --category 'newsleter': no such category (did you mean newsletter?)\n"


def test_the_readme_names_only_rules_that_exist():
    import re
    import tomllib

    from cleannews import load_rules
    from cleannews.engine.ruleset import known_names

    known = known_names(load_rules().sets)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = []
    for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
        named += tomllib.loads(block)["tool"]["cleannews"].get("disable", [])
    for block in re.findall(r"```(?:sh|yaml|python)\n(.*?)```", readme, re.S):
        named += re.findall(r"--disable,? ([\w./-]+)", block)
    assert named and [n for n in named if n.rstrip("/") not in known] == []


# -- item 7: Ctrl-C --------------------------------------------------------------------------------

def test_ctrl_c_exits_130_everywhere_with_one_line(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    page = RAW.read_bytes()
    for i in range(2500):
        (pages / f"p{i}.txt").write_bytes(page)
    files = sorted(str(p) for p in pages.iterdir())
    commands = {"clean": ["clean"], "explain": ["explain"], "check": ["check", *files],
                "learn": ["learn", str(pages), "-o", str(tmp_path / "learned"), "--site", "x.example", "-j", "1"]}
    # as a terminal starts them: Ctrl-C acted on even where the tests run as a background job
    # (which starts with SIGINT ignored, and Python then never raises KeyboardInterrupt)
    procs = {name: subprocess.Popen([sys.executable, "-m", "cleannews", *args], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                                    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
             for name, args in commands.items()}  # clean and explain wait on standard input
    time.sleep(2.5)
    for proc in procs.values():
        proc.send_signal(signal.SIGINT)
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=60)
        assert (name, proc.returncode, err.decode()) == (name, 130, "cleannews: interrupted\n")


# -- items 8 and 9: outputs that cannot be written, inputs that are not there ------------------------

def test_an_output_under_a_file_is_one_line_and_exit_1(run, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = run("clean", RAW, "-o", tmp_path / "afile" / "out.txt")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (f"cleannews: cannot write {tmp_path / 'afile' / 'out.txt'}: a file stands where "
                             "a folder of the path should be\n")
    corpus = _corpus(tmp_path / "c.jsonl", 2)
    streamed = run("clean", "--format", "jsonl", corpus, "-o", tmp_path / "afile" / "out.jsonl")
    assert streamed.exit_code == 1 and len(streamed.stderr.splitlines()) == 1


def test_an_output_never_overwrites_its_input(run, tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(RAW.read_bytes())
    result = run("clean", page, "-o", page)
    assert result.exit_code == 1 and "is the input" in result.stderr
    assert page.read_bytes() == RAW.read_bytes()


@pytest.mark.parametrize("command", [["clean"], ["explain"], ["learn", "-o", "learned"]])
def test_a_missing_input_is_a_usage_error(run, tmp_path, command):
    missing = tmp_path / "nope.txt"
    result = run(*command, missing)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Path '{missing}' does not exist" in result.stderr


# -- item 11: -q and -v after the command; -v says one line per file --------------------------------------

def test_quiet_and_verbose_after_the_command(run, tmp_path):
    folder = ROOT / "rules" / "generic"
    before = run("-v", "rules", "validate", folder)
    after = run("rules", "validate", "-v", folder)
    assert after.exit_code == 0 and after.stderr == before.stderr and after.stderr.count("\n") > 2
    assert run("rules", "validate", folder, "-q").stderr == ""
    assert run("clean", RAW, "--quiet").stderr == ""
    assert run("-q", "clean", RAW, "-v").exit_code == 2  # still exclusive
    for command in (["batch", RAW, "-o", tmp_path / "out"], ["check", RAW]):
        assert "No such option" not in run(*command, "-v").stderr


def test_verbose_clean_says_one_line_per_file(run, seed):
    plain = run("clean", RAW)
    verbose = run("clean", "-v", RAW)
    assert verbose.stdout == plain.stdout == seed["clean"]
    assert verbose.stderr == f"cleannews: {RAW}: text, 35 blocks, 26 removed, {len(seed['clean']):,} characters kept\n"


def test_verbose_batch_and_check_say_one_line_per_file(run, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.txt", "b.txt"):
        (src / name).write_bytes(RAW.read_bytes())
    (src / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    batch = run("batch", src, "-o", tmp_path / "out", "-j", "1", "-v")
    assert batch.exit_code == 0, batch.stderr
    lines = batch.stderr.split("\n")
    for name in ("a.txt", "b.txt"):
        assert lines.count(f"cleannews: {src / name}: cleaned into {tmp_path / 'out' / name}") == 1
    assert len([line for line in lines if "logo.png" in line and line.endswith("; skipped")]) == 1
    check = run("check", "-v", src / "a.txt", src / "b.txt")
    assert [line for line in check.stderr.split("\n") if line.endswith("found, 0 errors")] == [
        f"cleannews: {src / name}: 25 found, 0 errors" for name in ("a.txt", "b.txt")]
    assert "found" not in run("check", src / "a.txt").stderr.split("\n")[0]


# -- item 12: data in a pipe, even with FORCE_COLOR ----------------------------------------------------------

def test_force_color_never_wraps_or_pads_data_in_a_pipe(tmp_path):
    deep = tmp_path / ("a-long-folder-name-" * 4)
    deep.mkdir()
    page = deep / "page.txt"
    page.write_bytes(RAW.read_bytes())
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    diff = subprocess.run([sys.executable, "-m", "cleannews", "explain", "--diff", page], env=env,
                          capture_output=True, text=True).stdout
    strip = __import__("re").compile(r"\x1b\[[0-9;]*m")
    lines = [strip.sub("", line) for line in diff.splitlines()]
    assert "\x1b[" in diff  # colour, as asked
    assert lines[0] == f"--- {page} (input blocks)" and lines[1] == f"+++ {page} (clean)"
    assert not any(line.endswith(" ") for line in lines)
    listed = subprocess.run([sys.executable, "-m", "cleannews", "rules", "list"], env=env,
                            capture_output=True, text=True).stdout
    assert "─" not in listed  # no box drawn into a pipe
    assert not any(strip.sub("", line).endswith(" ") for line in listed.splitlines())


# -- item 16: clean on a terminal with nothing piped ---------------------------------------------------------

def test_clean_on_a_terminal_says_it_reads_standard_input(tmp_path):
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleannews", "clean"], stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    os.close(slave)
    try:
        time.sleep(0.3)
        os.write(master, b"Just one line of text.\n\x04")  # a line, then Ctrl-D
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert err.decode().startswith("cleannews: reading standard input")
    assert "one line of text" in out.decode()
