"""Issue 21: FiveFilters' Full-Text RSS site configs as cleannews site rule sets: the
importer, the shipped rules/sites/ftr (read one site at a time), the body and metadata
kinds and their guards, on synthetic files and on real benchmark pages."""
import gzip
import json
import textwrap
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import ROOT

from cleannews.api import load_rules
from cleannews.document import Document
from cleannews.engine.ftr import import_folder
from cleannews.engine.ruleset import INDEX_FILE, Active, builtin_dir, load_file, validate
from cleannews.errors import RuleError
from cleannews.pipeline import clean_document, decode, extract, site

SNAPSHOT = Path("/work/shared/ftr-site-config")
SHIPPED = builtin_dir() / "sites" / "ftr"
DATA = ROOT / "benchmarks" / "data"

SITE = """\
# a comment
title: //h1
author: //span[@class="byline"]
date: //time/@datetime
body: //div[@id="story"]
strip: //div[@class="share"]
strip: //p[contain(@class, "x")]
strip_id_or_class: promo
strip_image_src: pixel.gif
single_page_link: //a[@rel="print"]
find_string: <b>
replace_string: <strong>
http_header(user-agent): Mozilla
prune: no
test_url: https://example.com/a/1
"""


def ftr_folder(tmp_path, files: dict) -> Path:
    folder = tmp_path / "ftr"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    (folder / "LICENSE.txt").write_text("See https://creativecommons.org/publicdomain/zero/1.0/\n")
    (folder / "SOURCE.md").write_text("Upstream commit e607dc10ea432381ac04ee09f77a2d79212fc566\n")
    return folder


def page_of(html: str):
    return lxml.html.document_fromstring(html)


# -- the importer ---------------------------------------------------------------------------

def test_every_directive_is_a_rule_or_listed_not_used(tmp_path):
    out = tmp_path / "out"
    report = import_folder(ftr_folder(tmp_path, {"example.com.txt": SITE, ".example.org.txt": "strip: //aside\n"}), out)
    data = yaml.safe_load((out / "example.com.yaml").read_text())
    assert (data["site"], data["subdomains"]) == ("example.com", False)
    assert data["source"]["licence"].startswith("CC0") and data["source"]["file"] == "example.com.txt"
    assert data["source"]["commit"] == "e607dc10ea432381ac04ee09f77a2d79212fc566"
    assert data["source"]["test_urls"] == ["https://example.com/a/1"]
    assert data["source"]["not_used"] == {"single_page_link": [10], "find_string": [11], "replace_string": [12],
                                          "http_header(...)": [13], "prune": [14]}
    kinds = [(r.get("kind", "selector"), r.get("field")) for r in data["rules"]]
    assert kinds == [("metadata", "title"), ("metadata", "author"), ("metadata", "date"), ("body", None),
                     ("selector", None), ("selector", None), ("selector", None)]
    assert data["rules"][5]["xpath"] == "//*[contains(@class, 'promo')] | //*[contains(@id, 'promo')]"
    assert data["rules"][6]["xpath"] == "//img[contains(@src, 'pixel.gif')]"
    header = (out / "example.com.yaml").read_text().split("\ndescription:")[0]
    assert "example.com.txt" in header and "CC0" in header and "prune (line 14)" in header
    wildcard = yaml.safe_load((out / "_.example.org.yaml").read_text())
    assert wildcard["site"] == "*.example.org" and "subdomains" not in wildcard
    assert (out / "LICENSE.txt").is_file() and (out / "SOURCE.md").is_file()
    assert report.rules == {"strip": 4, "title": 1, "author": 1, "date": 1, "body": 1}
    summary = report.summary()
    assert summary.startswith("3 files read, 2 site rule sets written (1 files skipped: LICENSE.txt)")
    assert "1 XPaths refused" in summary and "not used: 5" in summary
    sets, errors = validate([out])
    assert errors == [] and sum(len(rs.rules) for rs, _ in sets) == 8


def test_an_xpath_lxml_cannot_use_is_reported_with_file_and_line_and_the_rest_kept(tmp_path, run):
    folder = ftr_folder(tmp_path, {"example.com.txt": SITE, "example.net.txt": "body: //div[\nstrip: //nav\n"})
    result = run("rules", "import", "ftr", folder, "-o", tmp_path / "out")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"cleannews: {folder / 'example.com.txt'}:7: strip: XPath '//p[contain(@class, \"x\")]' "
                               "fails on a sample page: Unregistered function")
    assert lines[1].startswith(f"cleannews: {folder / 'example.net.txt'}:1: body: bad XPath '//div['")
    assert "2 XPaths refused" in lines[-1] and "Traceback" not in result.stderr
    net = load_file(tmp_path / "out" / "example.net.yaml")
    assert [r.xpath for r in net.rules] == ["//nav"]


def test_a_second_import_replaces_the_first_and_other_folders_are_refused(tmp_path, run):
    out = tmp_path / "out"
    import_folder(ftr_folder(tmp_path, {"a.com.txt": "strip: //nav\n", "b.com.txt": "strip: //nav\n"}), out)
    (tmp_path / "ftr" / "b.com.txt").unlink()
    import_folder(tmp_path / "ftr", out)
    assert sorted(p.name for p in out.glob("*.yaml")) == ["a.com.yaml"]
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    result = run("rules", "import", "ftr", tmp_path / "ftr", "-o", other)
    assert result.exit_code == 2 and "not empty" in result.stderr and (other / "notes.txt").exists()


@pytest.mark.slow
@pytest.mark.skipif(not SNAPSHOT.is_dir(), reason="the ftr-site-config snapshot is not here")
def test_the_whole_snapshot_imports_as_shipped(tmp_path):
    report = import_folder(SNAPSHOT, tmp_path)
    assert report.files == 2041 and len(report.sites) == 2038
    assert [p.name for p in sorted(tmp_path.iterdir())] == [p.name for p in sorted(SHIPPED.iterdir())]
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (SHIPPED / path.name).read_bytes(), path.name


def test_every_shipped_site_file_validates_and_is_indexed():
    sets, errors = validate([SHIPPED])
    assert [str(e) for e in errors] == []
    assert len(sets) == 2038 and sum(len(rs.rules) for rs, _ in sets) > 13_000
    assert all(rs.source and rs.source["licence"].startswith("CC0") for rs, _ in sets)
    assert (SHIPPED / "LICENSE.txt").read_text().strip().startswith("These files are released to the public domain")


# -- the index: read one site at a time ---------------------------------------------------------

def test_start_up_reads_no_site_file_and_a_page_reads_its_own():
    from cleannews.engine.ruleset import load_rules as load_uncached  # the API's keeps one per process

    rules = load_uncached()
    assert not any(s.name.startswith("sites/ftr/") for s in rules.sets) and not rules.read
    assert rules.sites_for("example-of-no-site.org", "") == []
    assert not rules.read
    found = rules.sites_for("nytimes.com", "")
    assert [s.name for s in found] == ["sites/ftr/nytimes.com"]
    assert [s.name for s in rules.sites_for("cooking.nytimes.com", "")] == ["sites/ftr/cooking.nytimes.com",
                                                                              "sites/ftr/_.nytimes.com"]
    assert rules.active(None, ("nytimes.com",)).bodies


def test_scope_follows_the_file_name(tmp_path):
    out = tmp_path / "out"
    import_folder(ftr_folder(tmp_path, {"example.com.txt": "strip: //nav\n", ".example.org.txt": "strip: //nav\n",
                                        "www.example.net.txt": "strip: //nav\n"}), out)
    exact, net, wild = (load_file(out / name) for name in ("example.com.yaml", "example.net.yaml", "_.example.org.yaml"))
    assert exact.covers("example.com") and not exact.covers("news.example.com")
    assert net.covers("example.net")  # www. is dropped from the host before it is looked up, as upstream
    assert wild.covers("news.example.org") and wild.covers("a.b.example.org") and not wild.covers("example.org")


def test_disable_names_a_site_rule_set_a_rule_or_all_sites(run):
    rules = load_rules(disable=["ftr.nytimes.com.body-0ef1d4"])
    [nyt] = rules.sites_for("nytimes.com", "")
    assert "ftr.nytimes.com.body-0ef1d4" not in [r.id for r in nyt.rules] and nyt.rules
    assert load_rules(disable=["sites"]).sites_for("nytimes.com", "") == []
    assert load_rules(disable=["sites/ftr/nytimes.com"]).sites_for("nytimes.com", "") == []
    assert load_rules(disable=["nytimes.com"]).sites_for("nytimes.com", "") == []
    result = run("clean", "--disable", "ftr.nytimes.com.body-0ef1d5", "-", input="x")
    assert result.exit_code == 2 and "ftr.nytimes.com.body-0ef1d4" in result.stderr  # did you mean


def test_the_rules_cache_keeps_the_index(tmp_path, monkeypatch):
    from cleannews.engine.ruleset import load_rules as load_uncached  # the API's keeps one per process

    monkeypatch.setenv("CLEANNEWS_CACHE_DIR", str(tmp_path))
    first = load_uncached()
    assert list(tmp_path.glob("rules-*.pickle"))
    second = load_uncached()
    assert [s.name for s in second.sites_for("nytimes.com", "")] == ["sites/ftr/nytimes.com"]
    assert [s.name for s in first.sets] == [s.name for s in second.sets]


def test_rules_list_site_lists_the_sites_rules(run):
    result = run("rules", "list", "--site", "nytimes.com")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]
    assert ids and all(i.startswith("ftr.nytimes.com.") for i in ids)
    assert "ftr.nytimes.com.body-0ef1d4" in ids
    assert "body" in result.stderr and "selector" in result.stderr
    show = run("rules", "show", "ftr.nytimes.com.body-0ef1d4")
    assert show.exit_code == 0 and "nytimes.com.txt line 8" in show.stdout


# -- the new kinds, validated as strictly as the others -------------------------------------------

@pytest.mark.parametrize("rule, message", [
    ("kind: body\n    xpath: //article\n    drop: [x]", "a body rule removes nothing: it takes no `drop`"),
    ("kind: metadata\n    xpath: //h1", "a metadata rule needs a `field`"),
    ("kind: metadata\n    field: byline\n    xpath: //h1", "a metadata rule needs a `field`"),
    ("kind: body\n    xpath: //article/text()", "selects text or attribute values, not elements"),
    ("kind: body\n    xpath: string(//h1)", "selects a string, number or boolean, not elements"),
    ("kind: body\n    xpath: //div[", "bad XPath '//div['"),
    ("kind: body\n    xpath: //a\n    selector: a", "one of them"),
    ("phrases: [x]\n    xpath: //a\n    kind: block\n    drop: [x]\n    keep: [y]", "`xpath` belongs to"),
])
def test_body_and_metadata_rules_are_validated(tmp_path, rule, message):
    path = tmp_path / "site.yaml"
    path.write_text(f"site: example.com\ncategory: ads\nrules:\n  - id: my.rule\n    description: A rule.\n    {rule}\n")
    with pytest.raises(RuleError) as info:
        load_file(path)
    assert message in str(info.value) and f"{path}:" in str(info.value)


def test_a_hand_written_site_needs_examples_an_imported_one_does_not(tmp_path):
    rule = "rules:\n  - id: my.strip\n    description: Share bar.\n    xpath: //nav\n"
    path = tmp_path / "mine.yaml"
    path.write_text("site: example.com\ncategory: social\n" + rule)
    with pytest.raises(RuleError, match="examples"):
        load_file(path)
    path.write_text("site: example.com\ncategory: social\nsource: {file: x.txt, licence: CC0-1.0}\n" + rule)
    assert [r.xpath for r in load_file(path).rules] == ["//nav"]
    path.write_text("site: 'example.com/x'\n" + rule)
    with pytest.raises(RuleError, match="`site` must be a domain"):
        load_file(path)


# -- body, metadata, strips: signals with guards -------------------------------------------------

def active_of(tmp_path, rules: str) -> Active:
    path = tmp_path / "site.yaml"
    path.write_text("site: example.com\ncategory: boilerplate\nsource: {file: example.com.txt, licence: CC0-1.0}\n"
                    "rules:\n" + textwrap.dedent(rules))
    return Active(load_file(path).rules)


ARTICLE = " ".join(f"Sentence {i} of the article tells what happened in the town." for i in range(40))
PAGE = f"""<html><head><title>T</title><meta property="og:title" content="The headline | Site"></head><body>
<div class="teaser"><p>A short teaser of the story.</p></div>
<div id="story"><h1>The headline</h1><span class="byline">By Jane Doe</span><time datetime="2024-03-05T10:00">5 March</time>
<p>{ARTICLE}</p><div class="share">Share this</div></div><footer>Footer</footer></body></html>"""


def test_a_body_that_matches_is_given_a_stale_one_is_not(tmp_path):
    active = active_of(tmp_path, """\
        - {id: x.teaser, kind: body, xpath: '//div[@class="teaser"]', description: old layout}
        - {id: x.gone, kind: body, xpath: '//div[@id="old-story"]', description: older layout}
        - {id: x.story, kind: body, xpath: '//div[@id="story"]', description: the story}
        """)
    tree = page_of(PAGE)
    found = site.body(tree, active, extracted_chars=len(ARTICLE))
    assert found.rule.id == "x.story" and found.holds(ARTICLE[:200]) and not found.holds("Footer")
    assert [rule for rule, _ in found.stale] == ["x.teaser", "x.gone"]
    assert "under half" in found.stale[0][1] and found.stale[1][1] == "matches nothing"
    assert site.body(tree, Active(active.bodies[:2]), extracted_chars=len(ARTICLE)).elements == []


def test_a_stale_body_does_not_cut_the_article(tmp_path):
    """A body that holds a teaser only is no body: a feature built on it says nothing, no line is cut."""
    active = active_of(tmp_path, "- {id: x.teaser, kind: body, xpath: '//div[@class=\"teaser\"]', description: d}\n")
    found = site.body(page_of(PAGE), active, extracted_chars=len(ARTICLE))
    assert not found
    lines = [ARTICLE, "Share this"]
    assert [line for line in lines if not found or found.holds(line)] == lines


def test_the_site_body_is_a_feature_of_each_line_and_a_stale_one_is_said(tmp_path):
    """The block model reads whether a line lies in the site's body (1), outside it (0), or the
    page has no body that holds the article (-1); the rules passed over go to the metadata."""
    from cleannews.document import Document
    from cleannews.pipeline import extract, features

    active = active_of(tmp_path, """\
        - {id: x.gone, kind: body, xpath: '//div[@id="old-story"]', description: older layout}
        - {id: x.story, kind: body, xpath: '//div[@id="story"]', description: the story}
        """)
    tree, doc = page_of(PAGE), Document(source="p.html")
    lines = ["A short teaser of the story.", ARTICLE, "Footer"]
    body = extract.site_body(doc, tree, active, lines)
    column = features.FEATURES.index("site_body")
    rows = features.page_features(lines, set(lines), features.PageText(tree), body)
    assert [row[column] for row in rows] == [0.0, 1.0, 0.0]
    assert doc.metadata["stale_site_rules"] == [{"rule": "x.gone", "reason": "matches nothing"}]
    rows = features.page_features(lines, set(lines), features.PageText(tree),
                                  extract.site_body(Document(source="p.html"), tree, Active(active.bodies[:1]), lines))
    assert [row[column] for row in rows] == [-1.0, -1.0, -1.0]


def test_metadata_rules_read_title_author_date(tmp_path):
    active = active_of(tmp_path, """\
        - {id: x.t1, kind: metadata, field: title, xpath: '//h2', description: d}
        - {id: x.t2, kind: metadata, field: title, xpath: '//h1', description: d}
        - {id: x.t3, kind: metadata, field: title, xpath: '//meta[@property="og:title"]/@content', description: d}
        - {id: x.a, kind: metadata, field: author, xpath: '//span[@class="byline"]', description: d}
        - {id: x.d, kind: metadata, field: date, xpath: '//time/@datetime', description: d}
        """)
    assert site.site_metadata(page_of(PAGE), active) == {"title": "The headline", "author": "Jane Doe",
                                                         "date": "2024-03-05"}


def test_a_strip_that_would_take_most_of_the_article_is_left_out_and_said(tmp_path):
    active = active_of(tmp_path, """\
        - {id: x.body, kind: body, xpath: '//div[@id="story"]', description: d}
        - {id: x.share, xpath: '//div[@class="share"]', description: d}
        - {id: x.paragraphs, xpath: '//div[@id="story"]/p', description: stale}
        """)
    assert active.selectors == []  # imported strips wait for the guard
    kept, stale = site.usable_strips(page_of(PAGE), active, PAGE)
    assert [r.id for r in kept] == ["x.share"]
    assert [rule for rule, _ in stale] == ["x.paragraphs"] and "would remove" in stale[0][1]


def test_rules_of_no_site_pass_the_strip_guard_untouched(tmp_path):
    generic = [r for r in load_rules().rules if r.kind == "selector" and not r.sites]
    kept, stale = site.usable_strips(None, Active(generic))  # no tree needed: nothing to check
    assert kept == generic and stale == []


# -- real pages of the benchmark sets -------------------------------------------------------------

def bench_page(name: str, prefix: str):
    truth = json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in truth if k.startswith(prefix))
    return key, truth[key]["url"], gzip.decompress((DATA / name / "html" / f"{key}.html.gz").read_bytes())


@pytest.mark.parametrize("name, prefix, ruleset, body", [
    ("scrapinghub", "04a6711caa7c", "sites/ftr/nytimes.com", "ftr.nytimes.com.body-0ef1d4"),
    ("scrapinghub", "5fa3154ec031", "sites/ftr/theguardian.com", "ftr.theguardian.com.body-a3ff39"),
    ("wcxb", "0383", "sites/ftr/_.substack.com", "ftr._.substack.com.body-94f764"),
    ("scrapinghub", "70cb2d5bca75", "sites/ftr/bbc.com", None),  # bbc.com's body XPaths are stale
])
def test_site_rules_on_real_pages(name, prefix, ruleset, body):
    rules = load_rules()
    key, url, data = bench_page(name, prefix)
    doc = clean_document(Document(source=key, data=data, url=url), rules)
    assert doc.site_rules == [ruleset]
    page = Document(source=key, data=data, url=url)
    decode.decode(page)
    tree = extract.parse(page)
    active = rules.active(None, tuple(s.site for s in rules.sites_for(extract.host_of(url), "")))
    found = site.body(tree, active, extracted_chars=len(doc.text))
    assert (found.rule.id if found else None) == body
    if found:  # the article the pipeline kept stands inside the site's body
        lines = [line for line in doc.text.split("\n") if len(line) > 80]
        assert sum(map(found.holds, lines)) >= 0.8 * len(lines)
    assert site.site_metadata(tree, active).get("title")
    strips, stale = site.usable_strips(tree, active, page.content)
    assert stale == [] and any(r.id.startswith("ftr.") for r in strips)
    assert any(r.rule.startswith("ftr.") for r in extract.drop_selected(page, tree, strips))  # elements removed


def test_a_strip_that_selects_text_on_some_page_selects_its_elements_only(tmp_path):
    """Checked on the sample page, `//*[@data-x]/@data-x` selected nothing; on a page it selects text,
    which extraction cannot drop: only the elements are given."""
    active = active_of(tmp_path, "- {id: x.mixed, xpath: '//footer | //*[@data-x]/@data-x', description: d}\n")
    [rule] = active.strips
    found = rule.select(page_of(PAGE.replace("<footer>", '<footer data-x="1">')))
    assert [e.tag for e in found] == ["footer"]


def test_a_strip_of_the_box_a_paywalled_page_keeps_its_article_in_is_left_out():
    """wsj.com's config strips `div.snippet`, the teaser a logged-in reader does not see: on the
    paywalled page of the set it is the article (the teaser is what the truth holds)."""
    rules = load_rules()
    key, url, data = bench_page("scrapinghub", "042bb7b5")
    page = Document(source=key, data=data, url=url)
    decode.decode(page)
    tree = extract.parse(page)
    active = rules.active(None, tuple(s.site for s in rules.sites_for(extract.host_of(url), "")))
    strips, stale = site.usable_strips(tree, active, page.content)
    assert "ftr.wsj.com.strip-50f5cd" in [rule for rule, _ in stale]
    assert "ftr.wsj.com.strip-4a8c18" in [r.id for r in strips]  # its //button stays
