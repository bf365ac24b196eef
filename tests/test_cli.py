"""cleannews.cli: one place turns what ends a command into its line on stderr and its exit code."""
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES, SEED

from cleannews.errors import EXIT_INTERNAL

PAGE = SAMPLES / f"{SEED}.raw.txt"


@pytest.mark.parametrize("args", [
    ["clean", PAGE],
    ["explain", "--no-pager", PAGE],
    ["rules", "list", "--json"],
], ids=["clean", "explain", "rules-list"])
def test_a_closed_stdout_ends_every_command_quietly_with_exit_0(args):
    """`cleannews ... | head`: the reader went away; no traceback, no message, exit 0 in each command."""
    proc = subprocess.Popen([sys.executable, "-m", "cleannews", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the command writes a byte: its first write meets a broken pipe
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, stderr
    assert stderr == ""


def test_a_bug_on_a_page_names_the_page_and_exits_123(run, monkeypatch):
    import cleannews.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cleannews.pipeline, "clean_document", broken)
    result = run("explain", "--no-pager", PAGE)
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr == f"cleannews: {PAGE}: internal error: RuntimeError: boom\n"


def test_a_bug_outside_any_input_is_one_line_and_exit_123(run, monkeypatch):
    import cleannews.commands.config

    def broken(**flags):
        raise KeyError("nowhere")

    monkeypatch.setattr(cleannews.commands.config, "settings", broken)
    result = run("config")
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr == "cleannews: internal error: KeyError: 'nowhere'\n"


def test_a_failure_raised_in_a_helper_is_its_line_and_code(run, tmp_path):
    """Helpers raise (here: an output that cannot be written); cleannews.cli says it once, exit 1."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("clean", PAGE, "-o", blocker / "out.txt")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cleannews: cannot write {blocker / 'out.txt'}: ")
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_an_unknown_rule_is_a_usage_error(run):
    result = run("rules", "show", "no.such.rule")
    assert result.exit_code == 2 and result.stderr.startswith("cleannews: no rule 'no.such.rule'")


def test_the_output_formats_are_defined_once():
    """--format of every command, the `format` setting and the renderer take one list."""
    import cleannews.config
    from cleannews.commands.batch import batch
    from cleannews.commands.clean import clean
    from cleannews.corpus.write import FORMATS, SUFFIX

    def choices(command):
        return tuple(next(p for p in command.params if p.name == "fmt").type.choices)

    assert cleannews.config.FORMATS is FORMATS and tuple(SUFFIX) == FORMATS
    assert choices(batch) == FORMATS
    assert choices(clean) == (*FORMATS, "jsonl")  # and a corpus streamed record by record


def test_clean_json_has_every_page_key_null_when_the_page_does_not_say(run):
    """A page without a title (the readability suite's base-url, as text) still has `title`."""
    import json

    from cleannews.corpus.write import PAGE_KEYS

    page = ROOT / "benchmarks" / "data" / "readability" / "text" / "base-url.txt"
    report = json.loads(run("clean", page, "--format", "json").stdout)
    assert report["title"] is None and report["date"] is None and report["tags"] is None
    assert list(report)[:len(PAGE_KEYS) + 2] == ["text", "source", *PAGE_KEYS]
    seed = json.loads(run("clean", PAGE, "--format", "json").stdout)
    assert list(seed)[:len(PAGE_KEYS) + 2] == list(report)[:len(PAGE_KEYS) + 2] and seed["title"]


def test_every_field_html_extraction_reads_is_a_page_key():
    from cleannews.corpus.write import PAGE_KEYS
    from cleannews.pipeline.extract import META_FIELDS

    assert set(META_FIELDS) <= set(PAGE_KEYS)
