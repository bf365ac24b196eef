"""Rule files: strict validation with file, line and rule id; matching semantics."""
import textwrap

import pytest

from cleannews.errors import RuleError
from cleannews.matching import normalize
from cleannews.ruleset import load_rules

GOOD = """\
category: newsletter
languages: [en]
rules:
  - id: demo.sign-up
    description: Newsletter sign-up line.
    phrases: [sign up for our newsletter]
    drop: [Sign up for our newsletter!]
    keep: [Readers could sign up for our newsletter last year, she said.]
"""


def write(tmp_path, text, name="demo.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rules([path], builtin=False)
    return str(info.value)


def test_good_file_loads(tmp_path):
    rules = load_rules([write(tmp_path, GOOD)], builtin=False)
    [rule] = rules.rules
    assert (rule.id, rule.category, rule.kind, rule.line) == ("demo.sign-up", "newsletter", "block", 4)


@pytest.mark.parametrize("change, expected", [
    (("    phrases:", "    phrasez:"), ":4: rule 'demo.sign-up': unknown key 'phrasez'"),
    (("phrases: [sign up for our newsletter]", "pattern: '(unclosed'"), ":6: rule 'demo.sign-up': bad pattern '(unclosed'"),
    (("category: newsletter", "category: weather"), ":4: rule 'demo.sign-up': unknown or missing category 'weather'"),
    (("    drop: [Sign up for our newsletter!]\n", ""), ":4: rule 'demo.sign-up': a rule needs `drop:` and `keep:`"),
    (("phrases: [sign up for our newsletter]", "phrases: [sign up]\n    max_words: many"), "`max_words` must be an integer"),
    (("languages: [en]", "languages: 7"), "demo.yaml:1: `languages` must be a list of strings"),
    (("  - id: demo.sign-up", "  - id: demo sign up"), ":4: a rule needs an `id`"),
])
def test_mistakes_name_file_line_and_rule(tmp_path, change, expected):
    message = error_of(tmp_path, GOOD.replace(*change))
    assert "demo.yaml" in message
    assert expected in message


def test_unsafe_yaml_tags_are_refused(tmp_path):
    message = error_of(tmp_path, "rules: !!python/object/apply:os.system ['echo owned']\n")
    assert "demo.yaml:1" in message and "invalid YAML" in message


def test_duplicate_keys_and_ids_are_refused(tmp_path):
    assert "duplicate key 'id'" in error_of(tmp_path, GOOD.replace("  - id: demo.sign-up", "  - id: demo.sign-up\n    id: x"))
    write(tmp_path, GOOD)
    write(tmp_path, GOOD, "other.yaml")
    with pytest.raises(RuleError, match="other.yaml:4: rule 'demo.sign-up': duplicate rule id"):
        load_rules([tmp_path], builtin=False)


def test_the_command_line_reports_rule_errors_with_exit_78(tmp_path, run, seed):
    bad = write(tmp_path, GOOD.replace("phrases:", "phrasez:"))
    result = run("clean", seed["raw"], "--rules", bad)
    assert result.exit_code == 78
    assert result.stdout == ""
    assert f"{bad}:4: rule 'demo.sign-up': unknown key 'phrasez'" in result.stderr
    assert "Traceback" not in result.stderr
    assert run("rules", "validate", bad).exit_code == 78


def test_normalize_ignores_case_quotes_spacing_and_edge_punctuation():
    assert normalize("  Don’t   MISS out! ") == "don't miss out"
    assert normalize("— Read more »") == "read more"


def test_phrase_modes_and_word_guard(tmp_path):
    path = write(tmp_path, """\
    category: related
    rules:
      - id: demo.starts
        description: Lines starting with read more.
        phrases: [read more]
        match: start
        max_words: 12
        drop: ["Read more: The other story of the day"]
        keep: ["Readers read more than ever, a survey found, and they read more books than in any year since the survey began."]
    """)
    rules = load_rules([path], builtin=False)
    [rule] = rules.rules
    assert rule.match("Read more: x", "read more: x", 3)
    assert not rule.match("Bread more", "bread more", 2)
    assert not rule.match("Read more " + "x " * 20, "read more " + "x " * 20, 22)


def test_rules_test_command_runs_user_examples(tmp_path, run):
    good = write(tmp_path, GOOD)
    assert run("rules", "test", good).exit_code == 0
    broken = write(tmp_path, GOOD.replace("keep: [", "keep: [Sign up for our newsletter, "), "broken.yaml")
    result = run("rules", "test", broken)
    assert result.exit_code == 1
    assert "broken.yaml:4: rule 'demo.sign-up': keep example 'Sign up for our newsletter'" in result.stdout


def test_disable_by_id_category_and_set(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_rules([path], builtin=False, disable=["demo.sign-up"]).rules == []
    assert load_rules([path], builtin=False, disable=["newsletter"]).rules == []
    assert load_rules([tmp_path], builtin=False, disable=["demo"]).rules == []
