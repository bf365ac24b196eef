"""The literal prefilter (regex_literals.required_literals) must never skip a block a pattern matches."""
from cleannews.api import load_rules
from cleannews.engine.regex_literals import required_literals


def test_literals_of_simple_patterns():
    assert required_literals([r"\bwe need your (?:help|support)\b.{0,80}\bjournalism"]) == {
        "we need your help", "we need your support"}  # rarer than "we need your " or "journalism"
    assert required_literals([r"\b(?:help|support) us\b"]) == {"help us", "support us"}
    assert required_literals([r"(?i:^a (?:message|note) from )[\p{Lu}]\w+:$"]) == {"a message from ", "a note from "}
    assert required_literals(["^Subscribe", r"\bNEWSLETTERS?\b"]) == {"subscribe", "newsletter"}
    # the literal after an optional part, not a common start like "watch " or " for "
    assert all("early plan x47q" in s for s in required_literals([r"^watch (?:to )?(?:our |the )?early plan x47q\b"]))
    assert sorted(s.strip() for s in required_literals(
        [r"^(?:get|try)\b.{0,120}\b\d+ (?:issues|copies) for (?:just )?[$£€]"])) == ["copies for", "issues for"]


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


def test_the_index_never_misses_a_rule_that_matches():
    """Every prefilter of the Index (exact phrases, phrase trees, literal starts, required strings,
    literal endings, first-character sets) together: the candidates it gives a block always include
    every matcher that matches the block when run alone, on rule examples and real page lines."""
    from conftest import SAMPLES

    from cleannews.engine.matching import normalize

    rules = load_rules()
    active = rules.active(None, tuple(s.site for s in rules.sets if s.site))
    lines = {line.strip() for rule in rules.rules for example in rule.drop + rule.keep
             for line in example.split("\n")}
    for page in [SAMPLES / "themoscowtimes-spy-agencies.raw.txt", *sorted((SAMPLES / "bench").glob("*.txt"))]:
        lines |= {line.strip() for line in page.read_text(encoding="utf-8").split("\n")}
    checks = [(active.block_index, [r.match for r in active.blocks]),
              (active.trailer_index, [r.match for r in active.trailers]),
              (active.start_index, [r.start for r in active.spans])]
    matched = 0
    for line in sorted(filter(None, lines)):
        norm, words = normalize(line), len(line.split())
        for index, matchers in checks:
            candidates = set(index.candidates(line, words))
            for k, matcher in enumerate(matchers):
                if matcher(line, norm, words):
                    matched += 1
                    assert k in candidates, (matcher.rule_id, line)
    assert matched > 300  # the check saw real matches, not an empty set


def test_a_page_at_once_gives_each_block_what_it_gets_alone():
    """The Index reads a whole page in one scan and maps each hit back to its block: the candidates
    of every block of real pages must be those the block gets when it is read alone."""
    from conftest import SAMPLES

    from cleannews.engine.matching import Page

    rules = load_rules()
    active = rules.active("en", tuple(s.site for s in rules.sets if s.site))
    pages = [SAMPLES / "themoscowtimes-spy-agencies.raw.txt", *sorted((SAMPLES / "bench").glob("*.txt"))]
    compared = 0
    for path in pages:
        texts = [line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        words = [len(t.split()) for t in texts]
        page = Page(texts, words)
        for index in (active.block_index, active.trailer_index, active.start_index):
            together = index.candidates_many(page)
            for text, n, found in zip(texts, words, together):
                assert list(found) == list(index.candidates(text, n)), text
                compared += bool(found)
    assert compared > 100


def test_odd_spaces_are_every_space_but_space_and_newline():
    """Page.normal skips the whitespace regex when none of these is in the page."""
    import re
    import sys

    from cleannews.engine.matching import ODD_SPACES

    spaces = {chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c))}
    assert set(ODD_SPACES) == spaces - {" ", "\n"}


def test_normalize_gives_what_its_three_regex_steps_give():
    """normalize skips a step that cannot change the text and strips ASCII edges with str.strip:
    the same result as quotes, casefold, the spacing regex and the edge regex run every time."""
    import random
    import sys

    import regex

    from cleannews.engine.matching import _PUNCT_EDGES, _QUOTES, _SPACES, normalize

    def reference(text):
        return _PUNCT_EDGES.sub("", _SPACES.sub(" ", text.translate(_QUOTES).casefold()))

    # every space but " " is unprintable: the spacing regex has nothing to do on printable text
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert [c for c in regex.findall(r"\s", every) if c.isprintable()] == [" "]
    alphabet = " \t\n\r\xa0\u2009\u202f\u3000\x1c\x85`’‘“”«».,!?-–—…()[]\"'#aZéẞ中1_\u0301\xad"
    rng = random.Random(7)
    texts = ["", " ", "...", "« Hello »", "`quoted`", "Read  more\t»", "ẞig.", "—", "a.\n"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8))) for _ in range(5_000)]
    assert [normalize(t) for t in texts] == [reference(t) for t in texts]


def test_a_block_of_several_lines_is_read_on_its_own():
    """Blocks are lines, but a caller may hand the Index a block holding newlines: the page is
    then read block by block, and each gets what it gets alone."""
    from cleannews.engine.matching import Page

    index = load_rules().active("en", ()).block_index
    texts = ["Advertisement", "Sign up for our\nfree newsletter", "The minister said on Monday."]
    words = [len(t.split()) for t in texts]
    together = index.candidates_many(Page(texts, words))
    assert [list(found) for found in together] == [list(index.candidates(t, n)) for t, n in zip(texts, words)]
    assert together[0] and together[1] and not together[2]


def test_reading_a_pattern_of_thousands_of_alternatives_is_bounded():
    """Issue 14 §5: the literal analysis grew faster than linearly (3 s for 10,000 alternatives,
    no end for 100,000).  A group of more than MAX_REQUIRED alternatives now requires nothing
    that is told: the pattern runs on every block, and the others keep their prefilter."""
    from cleannews.engine.regex_literals import MAX_REQUIRED

    def word(i: int) -> str:  # no prefix common to all (`re` would read "word" out of word0|word1|...)
        return "".join(chr(97 + (i // 26 ** k) % 26) for k in range(3))

    many = "|".join(word(i) for i in range(MAX_REQUIRED + 1))
    assert required_literals([f"^(?:{many})$"]) is None
    assert required_literals([f"^(?:{many}) and a tail$"]) == {" and a tail"}  # what else it requires
    few = "|".join(word(i) for i in range(MAX_REQUIRED))
    assert len(required_literals([f"\\b(?:{few})\\b"])) == MAX_REQUIRED
    assert required_literals([word(i) for i in range(MAX_REQUIRED + 1)]) is None  # a list of that many


def test_without_re_private_parser_there_is_no_prefilter_and_the_same_output(monkeypatch):
    """Issue 16 §6: `re._parser` is private to Python.  When it cannot be imported, the pattern
    reading says "nothing that can be told", every pattern runs on every block, and the sample
    pages clean to the same text and report as with the prefilter."""
    import gzip
    import importlib
    import sys

    from conftest import SAMPLES

    from cleannews import clean
    from cleannews.corpus.write import render
    from cleannews.engine import regex_literals
    from cleannews.engine.ruleset import load_rules as load_uncached

    pages = [SAMPLES / "themoscowtimes-spy-agencies.raw.txt", *sorted((SAMPLES / "bench").glob("*.txt")),
             *sorted((SAMPLES / "bench").glob("*.html.gz"))]
    def read(path):
        return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()

    with_prefilter = load_rules()
    want = [(render(doc, "txt"), render(doc, "json"))
            for doc in (clean(read(p), rules=with_prefilter, source=p.name) for p in pages)]
    always_before = len(with_prefilter.active("en", ()).block_index.always)
    monkeypatch.setenv("CLEANNEWS_CACHE_DIR", "")  # no cached reading from a run with the parser
    monkeypatch.setitem(sys.modules, "re._parser", None)  # `import re._parser` now raises ImportError
    try:
        importlib.reload(regex_literals)
        assert not regex_literals.AVAILABLE
        assert regex_literals.required_literals(["^Subscribe"]) is None
        without = load_uncached()
        assert len(without.active("en", ()).block_index.always) > always_before  # the prefilter is off
        got = [(render(doc, "txt"), render(doc, "json"))
               for doc in (clean(read(p), rules=without, source=p.name) for p in pages)]
    finally:
        monkeypatch.undo()
        importlib.reload(regex_literals)
    assert regex_literals.AVAILABLE
    assert got == want
