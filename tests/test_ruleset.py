"""Rule files: strict validation with file, line and rule id; matching semantics."""
import textwrap
from pathlib import Path

import pytest

from cleannews.engine.matching import normalize
from cleannews.engine.ruleset import load_rules
from cleannews.errors import RuleError

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


# -- issue 14 §5 and issue 15 item 10: every mistake, where it is, in bounded time ----------------------

def test_a_list_or_mapping_as_a_key_names_file_and_line(tmp_path, run):
    for key in ("[a, b]", "{a: 1}"):
        path = write(tmp_path, GOOD.replace("    drop:", f"    {key}: 1\n    drop:"), f"key{len(key)}.yaml")
        with pytest.raises(RuleError) as info:
            load_rules([path], builtin=False)
        assert f"{path}:7: invalid YAML: a key must be a plain string" in str(info.value)
        result = run("clean", "--rules", path, "-")
        assert result.exit_code == 78 and "Traceback" not in result.stderr
        assert result.stderr == f"cleannews: {info.value}\n"


def test_a_bad_pattern_in_a_list_points_at_its_own_line(tmp_path):
    text = GOOD.replace("    phrases: [sign up for our newsletter]",
                        "    pattern:\n      - ^sign up\\b\n      - '[unclosed'\n      - ^subscribe\\b")
    message = error_of(tmp_path, text)
    assert ":8: rule 'demo.sign-up': bad pattern '[unclosed': unterminated character set" in message


def test_a_pattern_of_100000_alternatives_is_refused_at_once(tmp_path):
    """It never finished loading (the literal analysis grew faster than linearly); now it is
    refused naming file, line and rule, in a subprocess so that a regression fails, not hangs."""
    import subprocess
    import sys

    pattern = "^(?:" + "|".join(f"word{i}" for i in range(100_000)) + ")$"
    path = write(tmp_path, GOOD.replace("phrases: [sign up for our newsletter]", f"pattern: '{pattern}'"))
    result = subprocess.run([sys.executable, "-m", "cleannews", "rules", "validate", path],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 78
    assert result.stderr.startswith(f"cleannews: {path}:6: rule 'demo.sign-up': pattern of {len(pattern):,} characters")
    assert "phrases" in result.stderr


def test_rules_validate_reports_every_error_of_every_file(tmp_path, run):
    rule = GOOD[GOOD.index("  - id:"):]
    one = write(tmp_path, GOOD.replace("phrases: [sign up for our newsletter]", "pattern: '(x'")
                + rule.replace("demo.sign-up", "demo.two").replace("    description: Newsletter sign-up line.\n", ""),
                "one.yaml")
    two = write(tmp_path, GOOD.replace("demo.sign-up", "demo.three").replace("phrases:", "phrasez:")
                + rule.replace("demo.sign-up", "demo.four"), "two.yaml")
    three = write(tmp_path, GOOD.replace("demo.sign-up", "demo.four"), "three.yaml")  # a duplicate id
    result = run("rules", "validate", one, two, three)
    assert result.exit_code == 78 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:5] == [
        f"cleannews: {one}:6: rule 'demo.sign-up': bad pattern '(x': missing ) at position 2",
        f"cleannews: {one}:9: rule 'demo.two': a rule needs a `description` saying what it drops and why",
        f"cleannews: {two}:4: rule 'demo.three': unknown key 'phrasez' (known: category, description, drop, end, "
        "field, followed_by, id, ignore_case, keep, kind, languages, match, max_blocks, max_words, pattern, phrases, selector, "
        "sites, start, within, xpath)",
        f"cleannews: {two}:4: rule 'demo.three': a matcher needs `pattern` or `phrases`",
        f"cleannews: {three}:4: rule 'demo.four': duplicate rule id (first in {two}:9)"]
    assert lines[5] == "cleannews: 5 errors in 3 of 3 files (1 valid rules)"


def test_load_rules_takes_any_iterable(tmp_path):
    from cleannews.api import load_rules as cached

    path = write(tmp_path, GOOD)
    by_list = cached(extra=[str(path)], builtin=False)
    assert [r.id for r in by_list.rules] == ["demo.sign-up"]
    assert cached(extra=(p for p in [path]), builtin=False) is by_list  # a generator, a Path: the same
    assert cached(extra=str(path), builtin=False) is by_list
    assert cached(extra=[path], disable=["newsletter"], builtin=False).rules == []


def test_site_names_the_site_of_pages_without_a_url(tmp_path):
    rules = load_rules(site="www.themoscowtimes.com")
    assert [s.name for s in rules.sites_for(None, "no fingerprint here")] == ["sites/themoscowtimes.com"]
    assert [s.name for s in rules.sites_for("example.com", "The Moscow Times")] == []  # a URL wins
    assert [s.name for s in load_rules().sites_for(None, "The Moscow Times")] == ["sites/themoscowtimes.com"]


def test_phrases_inline_or_one_per_line_in_any_order_are_one_rule(tmp_path):
    """The shipped files write phrases one a line, sorted (issue 16 §7); a user's file may keep
    writing them inline, in any order, with repeats: the rule is the same."""
    inline = GOOD.replace("phrases: [sign up for our newsletter]",
                          "phrases: [sign up for our newsletter, join our mailing list, Sign up for our newsletter]")
    listed = GOOD.replace("phrases: [sign up for our newsletter]",
                          "phrases:\n      - join our mailing list\n      - sign up for our newsletter")
    a = load_rules([write(tmp_path, inline, "a.yaml")], builtin=False).rules[0].match
    b = load_rules([write(tmp_path, listed, "b.yaml")], builtin=False).rules[0].match
    assert (a.exact, a.phrases, a.phrase_source) == (b.exact, b.phrases, b.phrase_source)
    assert a.exact == {"sign up for our newsletter", "join our mailing list"}


def test_rule_options_travel_as_one_frozen_hashable_spec(tmp_path):
    """What the commands, the batch and learn workers and the datatrove steps load rules by: one
    RuleSpec (not a tuple of positional values where True meant "no built-in rules")."""
    import dataclasses
    import pickle

    from cleannews.api import load_rules as cached
    from cleannews.api import load_spec
    from cleannews.engine.ruleset import RuleSpec
    from cleannews.runs.batch import Options

    path = write(tmp_path, GOOD)
    rules = cached(extra=[path], builtin=False, site="Example.org")
    spec = rules.spec
    assert spec == RuleSpec(extra=(str(path),), builtin=False, site="Example.org")
    assert hash(spec) == hash(RuleSpec.of(str(path), builtin=False, site="Example.org"))
    assert pickle.loads(pickle.dumps(spec)) == spec
    assert load_spec(spec) is rules  # a worker given the spec loads the very same rules
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.builtin = True
    assert Options().rules == RuleSpec() and RuleSpec().builtin is True
    assert RuleSpec.of(["rel"], absolute=True).extra == (str(Path("rel").resolve()),)


FIVE_MISTAKES = """\
category: newsletter
rules:
  - id: demo.one
    category: weather
    phrasez: [sign up]
    pattern: '(unclosed'
    drop: [Sign up]
    keep: [They sign up for it, she said.]
  - id: demo.one
    description: The same id again.
    phrases: [join us]
    drop: [Join us]
    keep: [They join us for dinner, she said.]
"""


def test_rules_validate_shows_every_mistake_of_a_rule_at_once(tmp_path, run):
    """Issue 20 item 14: an unknown key, an unknown category, a bad regex, a missing description
    and a duplicate id, four of them in one rule: one run shows all five, each with file, line, rule id."""
    path = write(tmp_path, FIVE_MISTAKES)
    result = run("rules", "validate", path)
    assert result.exit_code == 78 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1] == "cleannews: 5 errors in 1 of 1 files (0 valid rules)"
    found = sorted(lines[:-1])
    assert [line.split(": ", 2)[1] for line in found] == [f"{path}:{n}" for n in (3, 3, 3, 6, 9)]
    for needle in ("rule 'demo.one': unknown key 'phrasez'", "rule 'demo.one': unknown or missing category 'weather'",
                   "rule 'demo.one': a rule needs a `description`", f"rule 'demo.one': duplicate rule id (first in {path}:3)"):
        assert sum(needle in line for line in lines) == 1, needle
    assert f"cleannews: {path}:6: rule 'demo.one': bad pattern '(unclosed'" in result.stderr
    with pytest.raises(RuleError, match="unknown key 'phrasez'"):  # loading to clean stops at the first
        load_rules([path], builtin=False)


SELECTOR = """\
category: ads
rules:
  - id: demo.icons
    description: Icon links.
    selector: '{selector}'
    drop: ['<a href="/">x</a>']
    keep: ['<p>x</p>']
"""


@pytest.mark.parametrize("selector", ["svg|a", "a[xlink|href]", "footer, svg|*"])
def test_a_selector_is_run_on_a_sample_page_before_any_page(tmp_path, run, selector):
    """Issue 20 item 5: `svg|a` compiles to an XPath lxml compiles, and fails on every page it is
    evaluated on (an undefined namespace prefix): `rules validate` and `clean` refuse it, naming
    file, line and rule, exit 78, before any page."""
    path = write(tmp_path, SELECTOR.format(selector=selector))
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>An article paragraph.</p><a href='/'>Home</a></body></html>", encoding="utf-8")
    for args in (("rules", "validate", path), ("clean", "--rules", path, page),
                 ("batch", page, "-o", tmp_path / "out", "--rules", path)):
        result = run(*args)
        assert result.exit_code == 78, args
        assert result.stderr.startswith(f"cleannews: {path}:5: rule 'demo.icons': "), args
        assert "sample page" in result.stderr or "bad CSS selector" in result.stderr
        assert "Traceback" not in result.stderr and "Process" not in result.stderr


def test_a_selector_that_fails_on_a_page_is_one_error_naming_page_and_rule(tmp_path):
    """What passes the sample page and still raises on some page is that page's InputError,
    which crosses from a worker process (lxml's own error cannot), naming the rule."""
    import pickle

    import lxml.html

    from cleannews.errors import InputError

    [rule] = load_rules([write(tmp_path, SELECTOR.format(selector="a"))], builtin=False).rules
    tree = lxml.html.document_fromstring("<html><body><a href='/'>x</a></body></html>")
    assert [e.tag for e in rule.select(tree)] == ["a"]
    rule.xpath = "descendant-or-self::svg:a"  # as `svg|a` translates
    with pytest.raises(InputError) as info:
        rule.select(tree, source="page.html")
    assert str(info.value).startswith(f"page.html: selector rule 'demo.icons' ({rule.path}:3) cannot be evaluated")
    assert str(pickle.loads(pickle.dumps(info.value))) == str(info.value)


@pytest.mark.parametrize("pattern, line", [("a)|(b", 6), ("(?P<x>a)(?P=y)", 6)])
def test_a_pattern_is_compiled_alone_and_run_on_a_sample_line(tmp_path, pattern, line):
    """`a)|(b` compiles inside the rule's joined regex `(?:a)|(b)` but not alone, which is how
    the engine compiles it to name the pattern that fired: refused at loading, not on a page."""
    text = GOOD.replace("phrases: [sign up for our newsletter]", f"pattern: '{pattern}'")
    assert f"demo.yaml:{line}: rule 'demo.sign-up': bad pattern" in error_of(tmp_path, text)
