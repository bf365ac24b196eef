"""The shipped rule sets: every rule's own examples pass, and the files are well formed.

Rules are data, so they are tested as data (codespell lints its dictionaries
the same way): each rule's `drop:` and `keep:` examples run against it, and a
lint pass checks ids, languages and phrases across the files in rules/.
"""
from __future__ import annotations

from collections import Counter

import pytest
import yaml

from cleannews.api import load_rules
from cleannews.document import Block, Document
from cleannews.engine.apply import apply_rules
from cleannews.engine.examples import check_rule
from cleannews.engine.matching import normalize
from cleannews.engine.ruleset import builtin_dir, rule_files

RULES = load_rules().rules
ROOT = builtin_dir()
FILES = rule_files(ROOT)


def _raw_rules():
    """(path, file mapping, rule mapping) for every rule as written in the YAML."""
    for path in FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("rules") or []:
            yield path, data, item


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule):
    failures = check_rule(rule)
    assert not failures, "\n".join(str(f) for f in failures)


def test_rule_ids_unique():
    counts = Counter(item["id"] for _, _, item in _raw_rules())
    assert [rid for rid, n in counts.items() if n > 1] == []


def test_generic_ids_prefixed_by_file_category():
    """rules/generic/<category>.yaml holds rules with ids `<category>.<name>` of that category."""
    wrong = []
    for path, data, item in _raw_rules():
        if path.parent.name != "generic":
            continue
        category = item.get("category", data.get("category"))
        if category != path.stem or not item["id"].startswith(path.stem + "."):
            wrong.append(f"{path.name}: {item['id']} ({category})")
    assert wrong == []


def test_every_rule_says_where_it_applies():
    """A text rule names its languages or sites; `languages: []` marks one language-neutral on purpose.

    Selector rules match HTML structure, which has no language, so they need not say.
    """
    unsaid = [f"{path.name}: {item['id']}" for path, data, item in _raw_rules()
              if "selector" not in item
              and not any(key in item or key in data for key in ("languages", "sites", "site"))]
    assert unsaid == []


def test_languages_are_iso_codes():
    bad = [f"{path.name}: {item['id']}: {lang!r}" for path, data, item in _raw_rules()
           for lang in (item.get("languages", data.get("languages")) or [])
           if not (isinstance(lang, str) and len(lang) == 2 and lang.islower())]
    assert bad == []


def test_phrases_not_duplicated_within_a_rule():
    """Two phrases that normalise alike are one phrase written twice."""
    dupes = []
    for path, _, item in _raw_rules():
        for spec in (item, item.get("start") or {}, item.get("end") or {}):
            phrases = spec.get("phrases") or []
            counts = Counter(normalize(p) for p in phrases)
            dupes += [f"{path.name}: {item['id']}: {p!r}" for p, n in counts.items() if n > 1]
    assert dupes == []


def test_keep_examples_survive_every_rule_of_their_language():
    """A keep example is article text: no other built-in rule for that language may remove it either."""
    rules = load_rules()
    lost = []
    for rule in RULES:
        if rule.kind == "selector" or rule.sites:
            continue
        for lang in sorted(rule.languages or {None}, key=str):
            active = rules.active(lang, ())
            for example in rule.keep:
                doc = Document(source="<example>", kind="text")
                doc.blocks = [Block(text=line.strip(), raw=line) for line in example.split("\n") if line.strip()]
                apply_rules(doc, active)
                lost += [f"{rule.id} [{lang}]: {b.text!r} removed by {b.removal.rule}"
                         for b in doc.blocks if not b.kept]
    assert lost == []


def phrase_order(phrase: str) -> tuple:
    """The order phrase lists are written in: case-insensitive, then as written."""
    return (phrase.casefold(), phrase)


def _phrase_lists():
    """(path, line, sequence node) of every `phrases:` list as written, at any depth (span
    rules hold theirs under `start:` and `end:`)."""
    for path in FILES:
        stack = [yaml.compose(path.read_text(encoding="utf-8"))]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == "phrases":
                        yield path, key.start_mark.line + 1, value
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)


def test_phrase_lists_are_one_per_line_and_sorted():
    """Issue 16 §7: a list of 80 phrases written inline makes a whole-paragraph diff of every
    change; one phrase a line, sorted, makes it one line, and shows a duplicate beside its twin."""
    wrong, lists = [], 0
    for path, line, node in _phrase_lists():
        lists += 1
        where = f"{path.relative_to(ROOT)}:{line}"
        if not isinstance(node, yaml.SequenceNode) or node.flow_style:
            wrong.append(f"{where}: write the phrases as a block list, one `- phrase` a line")
            continue
        lines = [item.start_mark.line for item in node.value]
        if len(set(lines)) != len(lines):
            wrong.append(f"{where}: two phrases on one line")
        phrases = [item.value for item in node.value]
        for before, after in zip(phrases, phrases[1:]):
            if phrase_order(after) < phrase_order(before):
                wrong.append(f"{where}: {after!r} comes before {before!r} (phrases are sorted, case-insensitively)")
                break
    assert lists > 50 and wrong == []


def test_phrases_are_well_formed():
    """A phrase is one line of text that normalises to itself less case and edges: no
    surrounding spaces, no newline, not a YAML number or boolean, something left to match."""
    bad = []
    for path, line, node in _phrase_lists():
        for item in node.value:
            value = yaml.safe_load(yaml.serialize(item))
            where = f"{path.relative_to(ROOT)}:{item.start_mark.line + 1}: {value!r}"
            if not isinstance(value, str):
                bad.append(f"{where}: not a string (quote it)")
            elif value != value.strip() or "\n" in value or not normalize(value):
                bad.append(f"{where}: spaces at an edge, a newline, or nothing to match")
    assert bad == []


def test_every_rule_file_loads_without_a_mistake():
    """Fields known, kinds, categories and match modes known, patterns and selectors compile, every
    rule with its examples: the strict loader's every error over every file, not only the first."""
    from cleannews.engine.ruleset import load_file

    errors: list = []
    for path in FILES:
        load_file(path, ROOT, errors)
    assert [str(e) for e in errors] == []
