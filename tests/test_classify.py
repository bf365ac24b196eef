"""The plain-text classifier on real pages from the ScrapingHub benchmark (samples/bench/<id>.txt).

The pages are cleaned with no rules at all, so what goes is the classifier's
doing; article lines are quoted from the benchmark's ground truth.
"""
import pytest
from conftest import SAMPLES

from cleannews import clean, load_rules
from cleannews.document import Block, Document
from cleannews.engine.lines import Lines
from cleannews.pipeline.classify import FEATURES, classify, line_features

BENCH = SAMPLES / "bench"
NEWSNATION = "076f4f33bf75059db581bedf36e76fb65e89a8f7752db3339aa3ea11c5122f32"  # en, nav menus, related tags
MACRUMORS = "232a43fb15abde807427b2a7bf4f772e27b8760554370956d8291df4e8166dbf"  # en, reader comments below
NBC = "51d066b0602c9421d8d6410bc4b931700978409a3faa2a984e8fbde519ad7241"  # en, article itself indented
COMWRAP = "ba07d1e64775f4090e39116c382111f5a2cfe9528dd179673f4e9bfcea370c15"  # de, company blog post


def cleaned(page_id, **kwargs):
    rules = load_rules(builtin=False, **kwargs)
    return clean((BENCH / f"{page_id}.txt").read_bytes(), rules=rules, source=page_id)


def kept_lines(doc):
    return {b.text for b in doc.blocks if b.kept}


def removed_by_classifier(doc):
    return {b.text for b in doc.blocks if b.removal and b.removal.rule.startswith("classifier.")}


@pytest.mark.parametrize("page_id, article, boilerplate", [
    (NEWSNATION,
     ["In case you are living in Delhi-NCR, chances are you have an app or two to find out the latest air quality",
      "So now you know that there IS an oxygen bar in Delhi. Are you planning to visit?"],
     ["Bollywood News", "Delhi Pollution", "Terms of Use", "Photo Gallery"]),
    (MACRUMORS,
     ["It would be hardly surprising if Apple completely moves past its butterfly keyboards",
      "The entry-level 13-inch MacBook Pro was last updated in July"],
     ["Buyer's Guide: MacBook Pro (Buy Now)", "Top Rated Comments", "Rating: 36 Votes",
      "2 days ago at 07:52 am"]),
    (NBC,
     ["Officers arrested Webb in the hallway and carried the girl to safety",
      "\"Come on, sweetheart. You are going to be OK,\" an officer told the girl."],
     # teaser headlines between the article's paragraphs stay (recall first: a subheading looks the same)
     ["NBC 5 Investigates", "#SomethingGood", "KXAS Public Inspection File", "Send Feedback"]),
    (COMWRAP,
     ["Auf Europas größter Expo und Conference für die Digitalbranche werden dieses Jahr mehr als 40.000 Besucher",
      "Dabei unterstützt die Software eZ Platform Entwickler, Redakteure und Marketer dabei"],
     ["Weitere Beiträge zum Thema", "Kompetenzen", "ImpressumDatenschutz"]),
], ids=["newsnation-en", "macrumors-en-comments", "nbc-en-indented", "comwrap-de"])
def test_article_kept_boilerplate_removed(page_id, article, boilerplate):
    doc = cleaned(page_id)
    for paragraph in article:
        assert paragraph in doc.text, paragraph
    gone = removed_by_classifier(doc)
    for line in boilerplate:
        assert line not in kept_lines(doc), line
        assert line in gone, line


def test_removals_are_reported_as_boilerplate():
    doc = cleaned(NEWSNATION)
    removals = [b.removal for b in doc.blocks if b.removal and b.removal.stage == "classifier"]
    assert removals and {(r.rule, r.category) for r in removals} == {("classifier.model", "boilerplate")}
    assert all(r.matched.startswith("p=") for r in removals)  # the model's score, for explain


def test_headline_survives_for_the_title():
    doc = cleaned(NEWSNATION)
    title = "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?"
    assert doc.metadata["title"] == title
    assert title not in kept_lines(doc)


def test_rules_win_where_they_matched():
    page = (BENCH / f"{NEWSNATION}.txt").read_bytes()
    doc = clean(page, rules=load_rules(builtin=False))
    line = "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?"
    first = next(i for i, b in enumerate(doc.blocks) if b.text == line)
    fresh = Document(source="t", kind="text", metadata={"language": "en"},
                     blocks=[Block(text=b.text, raw=b.raw, line=b.line) for b in doc.blocks])
    Lines().fill(fresh.blocks)
    fresh.remove(first, "test.rule", "navigation")
    classify(fresh)
    assert fresh.blocks[first].removal.rule == "test.rule"


def test_html_blocks_are_left_alone():
    text = "In case you are living in Delhi-NCR, chances are you have an app or two. " * 4
    doc = Document(source="t", kind="html", metadata={"language": "en"},
                   blocks=[Block(text=t, raw=t) for t in ["Home", "News", text, "Sports", "Contact"]])
    classify(doc)
    assert all(b.kept for b in doc.blocks)


def test_cjk_lines_count_characters():
    """One CJK character carries about a word: a CJK paragraph is long, its menu items short."""
    body = "这是一篇关于城市空气污染的新闻报道，记者采访了多位专家和居民，他们表示情况正在改善。" * 2
    lines = ["  首页", "  新闻", "  体育", body, body.replace("城市", "乡村"), body.replace("专家", "医生"), "  联系我们"]
    doc = Document(source="t", kind="text", metadata={"language": "zh"},
                   blocks=[Block(text=line.strip(), raw=line) for line in lines])
    rows = line_features(doc, list(range(len(lines))))
    column = {name: i for i, name in enumerate(FEATURES)}
    assert [row[column["class_good"]] for row in rows] == [0, 0, 0, 1, 1, 1, 0]
    assert [row[column["indented"]] for row in rows] == [1, 1, 1, 0, 0, 0, 1]


def test_a_clock_time_alone_heads_an_update_and_keeps_the_story_whole():
    """A live story ("The Latest") heads each update with its time: the updates are one article;
    a line with a date or a name beside the time (a comment or post header) is still a timestamp."""
    para = ("Authorities say the man who was stabbed on the train had tried to stop a robbery, "
            "and the police are looking for witnesses who were in the car at the time. ") * 2
    lines = ["Home", "News", "10 p.m.", para, para.replace("train", "bus"), "4:14 p.m.",
             para.replace("man", "woman"), para.replace("police", "officers"), "Contact"]
    doc = Document(source="t", kind="text", metadata={"language": "en"},
                   blocks=[Block(text=t, raw=t, line=i * 2 + 1) for i, t in enumerate(lines)])
    classify(doc)
    assert [line for line in lines if line in kept_lines(doc) and len(line) > 100] == [lines[i] for i in (3, 4, 6, 7)]

    lines[5] = "Jane Doe on November 19, 2019 at 4:14 pm"
    doc = Document(source="t", kind="text", metadata={"language": "en"},
                   blocks=[Block(text=t, raw=t, line=i * 2 + 1) for i, t in enumerate(lines)])
    rows = line_features(doc, list(range(len(lines))))
    assert [i for i, row in enumerate(rows) if row[FEATURES.index("why_timestamp")]] == [5]


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.txt")), ids=lambda p: p.name[:8])
def test_cleaning_is_idempotent(path):
    """The clean text, cleaned again, comes out the same (all rules and the classifier)."""
    once = clean(path.read_bytes()).text
    assert clean(once).text == once
