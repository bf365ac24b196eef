"""`cleannews rules list|show|test|validate`, the shared command-line conventions
(--help examples, -q/-v, `python -m cleannews`) and the rule loading of the Python API."""
import json
import re
import subprocess
import sys

import click
import pytest
from conftest import ROOT, SAMPLES

import cleannews
from cleannews import clean, load_rules
from cleannews.cli import cli

SEED = SAMPLES / "themoscowtimes-spy-agencies.raw.txt"

MISSING_DROP = """\
category: newsletter
languages: [en]
rules:
  - id: my.join-newsletter
    description: The line asking to join the newsletter.
    phrases: [join our newsletter]
    drop:
      - Join our newsletter
      - Sign up for our free weekly newsletter
    keep:
      - Join our newsletter today, the mayor said, and everyone laughed.
      - join our newsletter!

  - id: my.other
    description: A second rule in the file, with passing examples.
    pattern: ^zzz only$
    drop: [zzz only]
    keep: [not zzz only]
"""

GOOD = """\
category: promo
rules:
  - id: my.promo
    description: Our own promo line.
    phrases: [buy the print edition]
    drop: [Buy the print edition!]
    keep: [Readers who buy the print edition get the crossword.]
"""


def rows(stdout: str) -> list[list[str]]:
    """The table rows of `rules list` in a pipe: the header first, columns apart by 2+ spaces."""
    return [re.split(r"\s{2,}", line.strip()) for line in stdout.splitlines() if line.strip()]


# -- rules list ----------------------------------------------------------------------------

def test_list_table(run):
    result = run("rules", "list")
    assert result.exit_code == 0
    table = rows(result.stdout)
    assert table[0] == ["id", "category", "kind", "languages or sites", "examples"]
    ruleset = load_rules()
    listed = ruleset.rules
    assert [r[0] for r in table[1:]] == [r.id for r in listed]
    by_id = {r[0]: r for r in table[1:]}
    assert by_id["newsletter.sign-up"][1:4] == ["newsletter", "block", "en"]
    assert by_id["themoscowtimes.footer"][1:] == ["newsletter", "trailer", "themoscowtimes.com", "2"]
    assert by_id["themoscowtimes.ad-free-appeal"][2] == "span"
    for rule in listed:
        assert by_id[rule.id][-1] == str(len(rule.drop) + len(rule.keep))
    assert result.stderr == f"cleannews: {len(listed)} of {len(listed)} rules " \
                            f"({', '.join(f'{n} {k}' for k, n in sorted(count_kinds(listed).items()))}); " \
                            f"{sum(len(i.entries) for i in ruleset.indexes):,} more site rule sets are read when a " \
                            "page of their site comes (--site DOMAIN lists a site's)\n"
    assert "\x1b" not in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def count_kinds(rules):
    counts = {}
    for r in rules:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    return counts


def test_list_filters(run):
    newsletter = rows(run("rules", "list", "--category", "newsletter").stdout)[1:]
    assert newsletter and {r[1] for r in newsletter} == {"newsletter"}
    two = rows(run("rules", "list", "--category", "newsletter", "--category", "donation").stdout)[1:]
    assert {r[1] for r in two} == {"newsletter", "donation"}

    german = {r[0]: r for r in rows(run("rules", "list", "--language", "de").stdout)[1:]}
    for rule in load_rules().rules:
        applies = rule.languages is None or "de" in rule.languages
        assert (rule.id in german) == applies, rule.id
    assert "cookie.notice.de" in german and "newsletter.sign-up" not in german

    for site in ("themoscowtimes.com", "https://www.themoscowtimes.com/2021/06/03/x"):
        table = rows(run("rules", "list", "--site", site).stdout)
        assert [r[0] for r in table[1:]] == ["themoscowtimes.ad-free-appeal", "themoscowtimes.footer"]

    none = run("rules", "list", "--site", "example.org")
    assert none.exit_code == 0 and none.stdout == ""
    assert none.stderr.startswith("cleannews: 0 of ")


def test_list_json_and_user_rules(run, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(GOOD, encoding="utf-8")
    lines = run("rules", "list", "--json", "--rules", mine).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(load_rules().rules) + 1
    promo = next(r for r in records if r["id"] == "my.promo")
    assert promo == {"id": "my.promo", "category": "promo", "kind": "block", "scope": "any language",
                     "languages": None, "sites": [], "ruleset": "mine", "examples": 2, "file": f"{mine}:3"}
    only = [json.loads(line) for line in
            run("rules", "list", "--json", "--no-builtin-rules", "--rules", mine).stdout.splitlines()]
    assert [r["id"] for r in only] == ["my.promo"]
    footer = [json.loads(line) for line in
              run("rules", "list", "--json", "--site", "themoscowtimes.com").stdout.splitlines()]
    assert footer[1]["sites"] == ["themoscowtimes.com"] and footer[1]["kind"] == "trailer"
    assert run("-q", "rules", "list").stderr == ""


# -- rules show ----------------------------------------------------------------------------

def test_show_rule(run):
    rule = next(r for r in load_rules().rules if r.id == "themoscowtimes.footer")
    result = run("rules", "show", "themoscowtimes.footer")
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0] == "themoscowtimes.footer"
    assert re.search(rf"^file\s+rules/sites/themoscowtimes\.com\.yaml:{rule.line}$", out, re.M)
    assert re.search(r"^kind\s+trailer$", out, re.M)
    assert re.search(r"^category\s+newsletter$", out, re.M)
    assert re.search(r"^sites\s+themoscowtimes\.com$", out, re.M)
    assert re.search(r"^limits\s+blocks of at most 40 words; within the last 40 blocks$", out, re.M)
    assert rule.description in out
    # the rule as written, with its file's line numbers, and nothing of the rule after it
    source = rule.path.read_text(encoding="utf-8").split("\n")
    assert re.search(rf"^\s*{rule.line}\s+- id: themoscowtimes\.footer$", out, re.M)
    assert re.search(r"phrases:\n\s*\d+\s+- sign up for our free weekly newsletter$", out, re.M)
    assert "within: 40" in out
    assert "id: themoscowtimes.ad-free-appeal" not in out
    assert source[rule.line - 1].strip() == "- id: themoscowtimes.footer"
    assert "Examples (0 failing):" in out
    assert re.search(r"^drop ok\s+Sign up for our free weekly newsletter$", out, re.M)
    assert re.search(r"^keep ok\s+Readers can sign up", out, re.M)


def test_show_user_rule_with_failing_examples(run, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(MISSING_DROP, encoding="utf-8")
    out = run("rules", "show", "my.join-newsletter", "--rules", mine).stdout
    assert re.search(rf"^file\s+{re.escape(str(mine))}:4$", out, re.M)
    assert "Examples (2 failing):" in out
    assert re.search(r"^drop FAIL Sign up for our free weekly newsletter$", out, re.M)
    assert "the rule did not fire on 'Sign up for our free weekly newsletter'" in out
    assert re.search(r"^keep FAIL join our newsletter!$", out, re.M)
    assert "id: my.other" not in out  # the next rule is not part of this one


def test_show_unknown_rule(run):
    result = run("rules", "show", "newsletter.sign-upp")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cleannews: no rule 'newsletter.sign-upp' (did you mean newsletter.sign-up")
    assert len(result.stderr.splitlines()) == 1
    assert run("rules", "show", "qqqqqq").stderr.endswith("(cleannews rules list shows them)\n")


# -- rules test and validate ---------------------------------------------------------------

def test_rules_test_builtin_pass(run):
    result = run("rules", "test")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert result.stderr.endswith(", 0 failed\n")


def test_rules_test_failures_name_example_and_rules(run, tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(MISSING_DROP, encoding="utf-8")
    result = run("rules", "test", mine)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{mine}:4: rule 'my.join-newsletter': drop example "
                               "'Sign up for our free weekly newsletter': the rule did not fire on ")
    # which rule did fire on it: the built-in ones it would run beside
    others = re.search(r"\(other rules that drop it: (.*)\)$", lines[0]).group(1).split(", ")
    assert "newsletter.sign-up" in others and "my.other" not in others
    assert lines[1] == (f"{mine}:4: rule 'my.join-newsletter': keep example 'join our newsletter!': "
                        "the rule removed 'join our newsletter!'")
    assert result.stderr == "cleannews: 2 rules, 6 examples, 2 failed\n"
    alone = run("rules", "test", "--no-builtin-rules", mine).stdout.splitlines()
    assert alone[0].endswith("(no other rule drops it either)")
    assert run("-q", "rules", "test", mine).stderr == ""
    verbose = run("-v", "rules", "test", mine).stderr
    assert verbose == f"cleannews: {mine}: 2 rules, 6 examples, 2 failed\ncleannews: 2 rules, 6 examples, 2 failed\n"


def test_rules_validate(run, tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MISSING_DROP, encoding="utf-8")  # examples are not run
    result = run("rules", "validate", tmp_path)
    assert result.exit_code == 0
    assert result.stderr == "cleannews: 3 rules in 2 files: valid\n"  # the files given, not the built-in ones
    verbose = run("-v", "rules", "validate", tmp_path).stderr.splitlines()
    assert verbose[:2] == [f"cleannews: {tmp_path / 'a.yaml'}: 1 rules: valid",
                           f"cleannews: {tmp_path / 'b.yaml'}: 2 rules: valid"]
    assert run("-q", "rules", "validate", tmp_path).stderr == ""
    wrong = tmp_path / "wrong"  # a new folder: rule loading is cached per path within a process
    wrong.mkdir()
    (wrong / "c.yaml").write_text(GOOD.replace("promo\n", "promotion\n", 1), encoding="utf-8")
    bad = run("-q", "rules", "validate", wrong)
    assert bad.exit_code == 78
    assert bad.stderr.startswith(f"cleannews: {wrong / 'c.yaml'}:3: rule 'my.promo': unknown or missing category")


# -- the familiar command line -------------------------------------------------------------

def all_commands(group, path=()):
    yield path, group
    if isinstance(group, click.Group):
        for name, command in group.commands.items():
            yield from all_commands(command, path + (name,))


@pytest.mark.parametrize("path", [p for p, _ in all_commands(cli)], ids=lambda p: " ".join(p) or "cleannews")
def test_every_help_shows_examples(run, path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    examples = result.stdout.split("Examples:\n", 1)[1]
    lines = [line.strip() for line in examples.splitlines() if line.strip()]
    assert lines and all("cleannews" in line for line in lines)
    for name in path[-1:]:
        assert any(name in line for line in lines)


def test_quiet_and_verbose_exclude_each_other(run):
    result = run("-q", "-v", "rules", "list")
    assert result.exit_code == 2
    assert "-q/--quiet and -v/--verbose exclude each other" in result.stderr


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cleannews", "clean", str(SEED)], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == (SAMPLES / "themoscowtimes-spy-agencies.clean.txt").read_text(encoding="utf-8")
    helped = subprocess.run([sys.executable, "-m", "cleannews", "--help"], capture_output=True, text=True)
    assert helped.stdout.startswith("Usage: cleannews ")
    assert "explain" in helped.stdout and "rules" in helped.stdout


def test_shell_completion_script():
    env = {"_CLEANNEWS_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"}
    script = subprocess.run([sys.executable, "-m", "cleannews"], capture_output=True, text=True,
                            env=env).stdout
    assert "_cleannews_completion" in script and "complete " in script
    words = subprocess.run([sys.executable, "-m", "cleannews"], capture_output=True, text=True,
                           env={**env, "_CLEANNEWS_COMPLETE": "bash_complete", "COMP_WORDS": "cleannews ex",
                                "COMP_CWORD": "1"}).stdout
    assert "plain,explain" in words.split()


def test_readme_documents_each_command_and_completion():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in ("### `cleannews explain", "### `cleannews rules", "## Shell completion"):
        assert heading in readme
    assert "_CLEANNEWS_COMPLETE=bash_source cleannews" in readme
    assert "load_rules(" in readme


# -- rule loading in the Python API --------------------------------------------------------

def test_load_rules_api(tmp_path):
    assert cleannews.load_rules.__doc__
    builtin = load_rules()
    assert load_rules() is builtin  # compiled once per process
    assert {s.name for s in builtin.sets} >= {"generic/newsletter", "sites/themoscowtimes.com"}
    no_sites = load_rules(disable=("sites",))
    assert not any(r.sites for r in no_sites.rules)
    assert "newsletter.sign-up" not in {r.id for r in load_rules(disable=("newsletter",)).rules}
    mine = tmp_path / "mine.yaml"
    mine.write_text(GOOD, encoding="utf-8")
    extra = load_rules(extra=(str(mine),))
    assert {r.id for r in extra.rules} == {r.id for r in builtin.rules} | {"my.promo"}
    alone = load_rules(extra=(str(mine),), builtin=False)
    assert [r.id for r in alone.rules] == ["my.promo"]
    page = SEED.read_text(encoding="utf-8").replace("Lukashenko visited", "Buy the print edition!\nLukashenko visited")
    doc = clean(page, rules=extra)
    removal = next(r for r in doc.removed if r.text == "Buy the print edition!")
    assert (removal.rule, removal.category) == ("my.promo", "promo")
    assert "Buy the print edition!" not in doc.text
    assert not any(r.rule == "my.promo" for r in clean(page, rules=builtin).removed)
