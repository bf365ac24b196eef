"""The literal prefilter (matching.required_literals) must never skip a block a pattern matches."""
from cleannews.api import load_rules
from cleannews.matching import required_literals


def test_literals_of_simple_patterns():
    assert required_literals([r"\bwe need your (?:help|support)\b.{0,80}\bjournalism"]) == {"we need your "}
    assert required_literals([r"\b(?:help|support) us\b"]) == {"help us", "support us"}
    assert required_literals([r"(?i:^a (?:message|note) from )[\p{Lu}]\w+:$"]) == {"a message from ", "a note from "}
    assert required_literals(["^Subscribe", r"\bNEWSLETTERS?\b"]) == {"subscribe", "newsletter"}


def test_syntax_only_regex_knows_gets_no_prefilter():
    assert required_literals([r"^[\p{P}\s]+$"]) is None  # nothing required
    assert required_literals(["(?:foo){e<=1}"]) is None  # fuzzy matching
    assert required_literals(["[[a-z]--[aeiou]]x"]) is None  # VERSION1 set operations
    assert required_literals([r"\mword\M"]) is None  # word edges `re` does not know


def test_every_example_a_pattern_matches_holds_one_of_its_literals():
    for rule in load_rules().rules:
        for matcher in (rule.match, rule.start, rule.end):
            if matcher is None or matcher.pattern_re is None or matcher.literals is None:
                continue
            for example in rule.drop + rule.keep:
                for line in [example, *example.split("\n")]:
                    if matcher.pattern_re.search(line):
                        assert any(s in (line if matcher.exact_case else line.casefold())
                                   for s in matcher.literals), (rule.id, line)
