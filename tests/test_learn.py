"""cleannews learn: repeated blocks of a site's pages into a rule set, used by clean."""
import json
import random

import pytest
import yaml
from conftest import SAMPLES

from cleannews import learn
from cleannews.learn import Counts, block_key, pattern_for, shape

# Real boilerplate, from the benchmark pages (nbcdfw, macrumors, newsnation) and the seed page.
MENU = ["LIVE TV", "Latest News", "India", "World", "Science", "Entertainment", "Sports"]
TOP = ["NBC 5 Today at 6am",
       "The latest local news, weather and investigative stories impacting your community."]
MID = "Buyer's Guide: MacBook Pro (Buy Now)"  # on two pages in three, inside the article
END = ["Watch the latest full episodes of your favorite NBC series anytime and anywhere.",
       "Subscribers agree to the Privacy Policy",
       "Privacy / DMCA contact / Affiliate and FTC Disclosure",
       "Mobile Version | Fixed | Fluid | Fluid HD | Light | Dark | Auto"]
# A statement reprinted inside the article on every other page (from the seed page): article text, not furniture.
QUOTE = ("“In the spirit of traditionally fraternal relations, Russia’s SVR and Belarus’ KGB have agreed to work "
         "together to counter Western destructive activities aimed at destabilizing the political and socioeconomic "
         "situation in the Union State,” SVR said in a statement.")
SITE = "news.example.com"
LEARN_PAGES = 12


def _articles():
    """Articles of three paragraphs, from the English bodies of the benchmark's ground truth."""
    truth = json.loads((SAMPLES / "bench" / "ground-truth.json").read_text(encoding="utf-8"))
    english = ("042bb7b5", "076f4f33", "08f79376", "232a43fb", "51d066b0", "6a72de37", "6ebac05f", "fde930b0")
    paras = [p.strip() for key, v in sorted(truth.items()) if key[:8] in english
             for p in v["articleBody"].split("\n") if len(p.strip()) >= 120 and p.strip()[-1] in '."”']
    return [paras[i:i + 3] for i in range(0, len(paras) - 2, 3)]


def _page(i: int, article: list[str]) -> str:
    day = 3 + i
    lines = MENU + [""] + TOP + ["", f"Story {i}: {article[0][:50]}", "",
                                 f"Published Nov {day}, 2019 at {1 + i % 11}:{10 + i:02d} PM | Updated at "
                                 f"{2 + i % 10}:05 PM CST on Nov {day}, 2019", ""]
    for j, para in enumerate(article):
        lines += [para, ""]
        if j == 0 and i % 3:
            lines += [MID, ""]
        if j == 1 and i % 2 == 0:
            lines += [QUOTE, ""]
    for line in END:
        lines += [line, ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site_pages():
    articles = _articles()
    assert len(articles) >= LEARN_PAGES + 4
    return [(_page(i, a), a) for i, a in enumerate(articles)]


def _corpus(path, pages):
    with open(path, "w", encoding="utf-8") as fh:
        for i, (text, _) in pages:
            fh.write(json.dumps({"id": i, "url": f"https://www.{SITE}/2019/11/story-{i}", "text": text}) + "\n")
    return path


def test_learned_rules_remove_the_boilerplate_of_unseen_pages_and_keep_the_article(tmp_path, run, site_pages):
    corpus = _corpus(tmp_path / "pages.jsonl", list(enumerate(site_pages[:LEARN_PAGES])))
    out = tmp_path / "learned"
    result = run("learn", corpus, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    path = out / f"{SITE}.yaml"
    assert result.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["site"] == SITE
    phrases = {p for r in data["rules"] for p in r.get("phrases", [])}
    assert {TOP[0], MID, END[0]} <= phrases
    for rule in data["rules"]:
        assert rule["id"].startswith(f"learned.{SITE}.")
        assert rule["drop"] == rule["phrases"]  # learned from these blocks
        assert "of 12 pages" in rule["description"]
    assert "of 12 pages (67%)" in next(r["description"] for r in data["rules"] if MID in r["phrases"])
    # what the other rules already remove everywhere is not learned again
    assert "Subscribers agree" not in text and "LIVE TV" not in text
    # the reprinted statement stands between article paragraphs: held back, listed for review
    assert QUOTE not in phrases
    assert "# Held back" in text and "In the spirit of traditionally fraternal" in text
    assert run("rules", "test", out).exit_code == 0
    assert run("rules", "validate", out).exit_code == 0

    kept = lost = 0
    for page, article in site_pages[LEARN_PAGES:]:
        src = tmp_path / "page.txt"
        src.write_text(page, encoding="utf-8")
        before = run("clean", "--url", f"https://{SITE}/new", src).stdout
        assert any(block in before for block in (TOP[0], MID, END[0]))  # what the learned rules are for
        clean = run("clean", "--rules", out, "--url", f"https://{SITE}/new", src)
        assert clean.exit_code == 0
        for block in TOP[:1] + [MID] + END:
            if block in phrases:  # what was learned goes; the rest is the block models' call
                assert block not in clean.stdout
        # every paragraph stays (the classifier alone drops two short ones on one page, with or without)
        assert [p for p in article if p in clean.stdout] == [p for p in article if p in before]
        kept += sum(p in clean.stdout for p in article)
        lost += sum(p not in clean.stdout for p in article)
        if QUOTE in page:
            assert QUOTE in clean.stdout
    assert kept >= 16 and lost <= 2


def test_same_rules_whatever_the_order_of_inputs_and_the_number_of_jobs(tmp_path, run, site_pages):
    pages = list(enumerate(site_pages[:LEARN_PAGES]))
    one, two = tmp_path / "one", tmp_path / "two"
    for i, (text, _) in pages:
        (one / f"{i:02d}").mkdir(parents=True)
        (one / f"{i:02d}" / "page.txt").write_text(text, encoding="utf-8")
    shuffled = pages[:]
    random.Random(7).shuffle(shuffled)
    for n, (i, (text, _)) in enumerate(shuffled):
        (two / f"{n:02d}").mkdir(parents=True)
        (two / f"{n:02d}" / "page.txt").write_text(text, encoding="utf-8")
    outputs = []
    for src, jobs in ((one, "1"), (two, "2"), (one, "2")):
        out = tmp_path / f"out-{src.name}-{jobs}"
        result = run("learn", src, "--site", SITE, "-o", out, "-j", jobs)
        assert result.exit_code == 0, result.output
        outputs.append((out / f"{SITE}.yaml").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"NBC 5 Today at 6am" in outputs[0]


def _count(pages, counts=None):
    counts = counts or Counts()
    for site, blocks in pages:
        counts.add_page(site, blocks)
    return counts


def _examples(counts, pages):
    for site, blocks in pages:
        counts.add_examples(site, blocks, 3, 0.3)
    return counts


def _synthetic(n=60):
    """(site, blocks) pages of two sites: furniture on most pages, unique paragraphs."""
    rng = random.Random(3)
    pages = []
    for i in range(n):
        site = "a.example" if i % 3 else "b.example"
        words = ["storm", "council", "budget", "river", "school", "market", "vote", "bridge", "court", "farm"]
        blocks = [(" ".join(rng.choice(words) for _ in range(12)), True, False) for _ in range(3)]
        blocks.append(("Sign up for alerts", True, False))
        blocks.append((f"Updated {1 + i % 28} {('May', 'June')[i % 2]} 2024", True, False))
        if i % 2 == 0:
            blocks.append(("Advertisement", False, False))  # the classifier removes it everywhere
        pages.append((site, blocks))
    return pages


def test_two_shards_merged_equal_one_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(learn, "FLUSH", 7)  # keys seen once go through the sorted arrays too
    pages = _synthetic()
    whole = _examples(_count(pages), pages)
    shards = [_count(pages[:25]), _count(pages[25:])]
    shards[1].save(tmp_path / "b.counts")
    merged = shards[0].merge(Counts.load(tmp_path / "b.counts"))
    merged = _examples(merged, pages[40:] + pages[:40])
    assert merged.pages == whole.pages and len(merged) == len(whole)
    assert merged.to_rules() == whole.to_rules()
    assert merged.to_rules(include_classified=True) == whole.to_rules(include_classified=True)
    # examples of shards merge too
    ex = [_examples(_count(pages), pages[:30]), _examples(_count(pages), pages[30:])]
    assert ex[0].merge(Counts()).to_rules() != whole.to_rules()
    both = _examples(_count(pages), pages[:30])
    both.examples = {}
    both.merge(ex[0]).merge(ex[1])  # counts doubled: compare examples only
    assert both.examples == whole.examples


def test_numbers_and_dates_do_not_hide_a_repeat(tmp_path, run):
    assert shape("Updated 12 May 2024") == shape("UPDATED  3 June 2025.") == "updated 0 <d> 0"
    assert block_key("a.example", "Updated 12 May") == block_key("a.example", "updated 1 june")
    assert block_key("a.example", "Updated 12 May") != block_key("b.example", "Updated 12 May")
    pages = _synthetic()
    counts = _examples(_count(pages), pages)
    files = counts.to_rules()
    data = yaml.safe_load(files["a.example"])
    dated = next(r for r in data["rules"] if "pattern" in r)
    assert all("Updated" in d for d in dated["drop"]) and len(dated["drop"]) == 3
    assert "Advertisement" not in files["a.example"]
    assert "Advertisement" in counts.to_rules(include_classified=True)["a.example"]
    assert "Sign up for alerts" not in counts.to_rules(exclude=["sign up"])["a.example"]
    assert "Updated" not in counts.to_rules(exclude=[r"/^updated \d/"])["a.example"]
    assert "Advertisement" not in counts.to_rules(min_share=0.6, include_classified=True)["a.example"]
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    result = run("rules", "test", tmp_path)
    assert result.exit_code == 0, result.output


def test_pattern_opens_only_what_varies():
    pattern = pattern_for(["Updated 12 May 2024", "Updated 3 June 2024"])
    import regex

    compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)
    assert compiled.search("updated 30 July 2025:") and not compiled.search("Updated yesterday")
    assert pattern_for(["You may also like 3 stories", "You may also like 4 stories"]).count("june") == 0


def test_long_blocks_and_awkward_text_are_safe():
    long_block = " ".join(["word"] * 45) + "."
    pages = [("s.example", [(long_block, True, False), ("Bad \x85 char\u2028 \ufeff line", True, False)])
             for _ in range(5)]
    pages += [("s.example", [("other", True, False)]) for _ in range(5)]
    counts = _examples(_count(pages), pages)
    text = counts.to_rules()["s.example"]
    data = yaml.safe_load(text)  # every text quoted so YAML reads it back
    assert "Bad \x85 char\u2028 \ufeff line" in [r["drop"][0] for r in data["rules"]]
    assert "45 words" in text  # the long block is held back at 50%, not learned
    assert "max_words: null" in next(iter(_examples(_count(pages[:5] * 9 + pages[5:]), pages).to_rules().values()))


def test_a_bad_input_is_one_line_and_the_run_goes_on(tmp_path, run, site_pages):
    corpus = _corpus(tmp_path / "pages.jsonl", list(enumerate(site_pages[:6])))
    with open(corpus, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    result = run("learn", corpus, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 1
    assert f"{corpus}:7: not valid JSON" in result.stderr


def test_rules_learned_from_text_apply_to_text_without_a_url(tmp_path, run, site_pages):
    """Issue 15 item 1: learned from a folder of text with --site, the rule set holds
    fingerprints, so an unseen text page without a URL gets it; --site names the site outright,
    on clean, explain and batch."""
    src = tmp_path / "pages"
    src.mkdir()
    for i, (text, _) in enumerate(site_pages[:LEARN_PAGES]):
        (src / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "learned"
    assert run("learn", src, "--site", SITE, "-o", out, "-j", "1").exit_code == 0
    data = yaml.safe_load((out / f"{SITE}.yaml").read_text(encoding="utf-8"))
    assert data["fingerprints"] and END[0] in data["fingerprints"]
    # a line whose digits change from page to page is no fingerprint (one with the same digits is: item 8 below)
    assert not any("Published" in f or "Story" in f for f in data["fingerprints"])
    assert run("rules", "validate", out).exit_code == 0
    phrases = {p for r in data["rules"] for p in r.get("phrases", [])}
    furniture = [block for block in [TOP[0], MID] + END if block in phrases]  # the rest: the block models' call
    assert furniture
    unseen = tmp_path / "unseen"
    unseen.mkdir()
    for i, (page, article) in enumerate(site_pages[LEARN_PAGES:LEARN_PAGES + 3]):
        (unseen / f"{i}.txt").write_text(page, encoding="utf-8")
        path = unseen / f"{i}.txt"
        before = run("clean", path).stdout
        assert any(block in before for block in furniture)
        for extra in ((), ("--site", SITE), ("--site", f"https://{SITE}/any")):
            clean = run("clean", "--rules", out, *extra, path)
            assert clean.exit_code == 0
            assert not any(block in clean.stdout for block in furniture), extra
            assert [p for p in article if p in clean.stdout] == [p for p in article if p in before]
    # without a fingerprint in the text, only --site tells the site
    bare = tmp_path / "bare.txt"
    page = site_pages[LEARN_PAGES][0]
    bare.write_text("\n".join(line for line in page.split("\n") if line not in data["fingerprints"]), encoding="utf-8")
    assert "site rules  none" in run("explain", "--rules", out, bare).stdout
    assert f"site rules  {SITE}" in run("explain", "--rules", out, "--site", SITE, bare).stdout
    result = run("batch", unseen, "-o", tmp_path / "clean", "--rules", out, "--site", SITE, "-j", "1")
    assert result.exit_code == 0, result.stderr
    for cleaned in (tmp_path / "clean").glob("*.txt"):
        assert not any(block in cleaned.read_text(encoding="utf-8") for block in furniture)


def test_rule_sets_count_their_rules_and_every_held_block(monkeypatch):
    """The counts the learn command and the datatrove merge report: the rules as YAML reads
    them, and every held-back block, also those past the HELD_SHOWN listed as comments."""
    monkeypatch.setattr(learn, "HELD_SHOWN", 2)
    longs = [" ".join([word] * 30) + "." for word in ("alpha", "bravo", "charlie", "delta", "echo")]  # long blocks on half the pages: held back
    pages = [("s.example", [("Sign up for alerts", True, False), ("Share this", True, False),
                            *[(t, True, False) for t in longs]]) for _ in range(5)]
    pages += [("s.example", [(f"only on the page of the {fruit}", True, False)])
              for fruit in ("kiwi", "plum", "fig", "pear", "lime")]
    learned = _examples(_count(pages), pages).rule_sets()["s.example"]
    assert learned.rules == len(yaml.safe_load(learned.text)["rules"]) == 2
    assert learned.held == 5 and learned.text.count("#   ") == 3  # two listed, "... and 3 more"


def test_a_record_is_judged_as_batch_and_clean_judge_it(tmp_path, run):
    """learn makes a record a page where batch, clean and the datatrove steps do
    (cleannews.corpus.records.record_document): a record without a page says the same."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in [
        {"id": "1", "url": "https://a.example/1", "text": "Sign up for alerts\n\nA line of the article."},
        {"id": "2", "url": "https://a.example/2"},
        {"id": "3", "url": "https://a.example/3", "text": 42}]) + "\n", encoding="utf-8")
    learned = run("-q", "learn", "-j", "1", corpus, "-o", tmp_path / "out")
    cleaned = run("clean", "--format", "jsonl", corpus)
    assert learned.exit_code == cleaned.exit_code == 1
    errors = [line for line in learned.stderr.splitlines() if line.startswith(f"cleannews: {corpus}")]
    assert errors == cleaned.stderr.splitlines() == [
        f"cleannews: {corpus}:2: record has no 'html' or 'text' field",
        f"cleannews: {corpus}:3: field holds a JSON int, not a page"]


def test_the_spill_file_reads_back_what_was_written(tmp_path):
    import gzip

    blocks = learn.keyed("a.example", [("Sign up for alerts", True, False), ("Ünïcode “quotes”", False, True)])
    with gzip.open(tmp_path / "s.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(learn.spill_line("a.example", blocks))
        fh.write(learn.spill_line("b.example", []))
    assert list(learn.read_spill(tmp_path / "s.jsonl.gz")) == [
        ("a.example", [(k, 0, t) for k, _, t in blocks]), ("b.example", [])]


def test_a_worker_that_dies_costs_its_page_not_the_run(tmp_path, monkeypatch, site_pages):
    """learn runs on the batch's pool (cleannews.runs.pool): a worker killed by the kernel (out of
    memory) or a crash in a C library is replaced, its page reported, every other page counted."""
    import os

    real = learn._learn_doc

    def dies_on_one_page(doc, default_site):
        if doc.source.endswith("page-03.txt"):
            os._exit(9)  # as a segfault or the OOM killer ends a process: no exception, no cleanup
        return real(doc, default_site)

    monkeypatch.setattr(learn, "_learn_doc", dies_on_one_page)  # forked workers inherit it
    src = tmp_path / "pages"
    src.mkdir()
    for i, (page, _) in enumerate(site_pages[:8]):
        (src / f"page-{i:02d}.txt").write_text(page, encoding="utf-8")
    errors: list[str] = []
    counts, summary = learn.learn([src], learn.Options(site=SITE, jobs=2), report=errors.append)
    assert summary.pages == 7 and summary.errors == 1
    assert errors == [f"{src / 'page-03.txt'}: its worker process died (exit 9)"]
    assert counts.pages[SITE] == 7


# Issue 20 item 8: a small paper's furniture, every line with a digit, the same on every page
RIVERTON = ["Riverton's most trusted local paper since 1887",
            "Gazette Insider: unlimited access for $2.99 a month",
            "The Riverton Gazette is published by Gazette Media, 4 Mill Road."]


def _riverton(i: int, article: list[str], price: str = "$2.99") -> str:
    furniture = [line.replace("$2.99", price) for line in RIVERTON]
    return "\n\n".join([furniture[0], f"Updated {3 + i} May 2024"] + article + furniture[1:]) + "\n"


def test_lines_whose_digits_never_change_are_fingerprints(tmp_path, run, site_pages):
    """Issue 20 item 8: learned from text pages with --site, lines holding digits that are the
    same on every page are the site's fingerprints, so an unseen page without a URL or --site gets
    the learned rules; a line whose digits vary ("Updated 3 May 2024", a price that changes) is none."""
    src = tmp_path / "pages"
    src.mkdir()
    articles = [a for _, a in site_pages]
    for i, article in enumerate(articles[:8]):
        (src / f"{i}.txt").write_text(_riverton(i, article, "$2.99" if i % 2 else "$3.49"), encoding="utf-8")
    out = tmp_path / "learned"
    result = run("learn", src, "--site", "rivertongazette.com", "-o", out, "-j", "1", "--include-classified")
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load((out / "rivertongazette.com.yaml").read_text(encoding="utf-8"))
    assert sorted(data["fingerprints"]) == sorted([RIVERTON[0], RIVERTON[2]])
    unseen = tmp_path / "unseen.txt"
    unseen.write_text(_riverton(9, articles[9]), encoding="utf-8")
    shown = run("explain", "--rules", out, unseen).stdout
    assert "site rules  rivertongazette.com" in shown
    for line in RIVERTON[::2]:
        assert any(line in row and "learned.rivertongazette.com." in row for row in shown.splitlines()), line
    clean = run("clean", "--rules", out, "--no-builtin-rules", unseen).stdout
    assert not any(line in clean for line in RIVERTON[::2])
    assert all(p in clean for p in articles[9])


def test_a_bad_url_is_that_pages_error_and_the_rest_is_learned(tmp_path, run, site_pages):
    """Issue 20 item 6: a NUL byte in one page's URL host ended the run (exit 123, nothing
    written: the site's name became a file name).  A URL with no host name in it, one that cannot
    be read and a URL field that is no string are each one line naming the record; the others
    are learned and written, exit 1."""
    pages = list(enumerate(site_pages[:LEARN_PAGES]))
    corpus = _corpus(tmp_path / "pages.jsonl", pages)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    bad = {3: "https://www.news.exam\x00ple.com/a", 5: "http://[not-ipv6/a", 7: "https://exa mple.com/b", 9: 7}
    for n, url in bad.items():
        record = json.loads(lines[n - 1])
        record["url"] = url
        lines[n - 1] = json.dumps(record)
    for i, (text, _) in enumerate(site_pages[LEARN_PAGES:LEARN_PAGES + 4]):  # a NUL host's pages: once a rule set
        lines.append(json.dumps({"id": f"bad{i}", "url": "https://bad\x00host.com/x", "text": text}))
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("learn", corpus, "-o", out, "-j", "1")
    assert result.exit_code == 1
    assert [p.name for p in out.iterdir()] == [f"{SITE}.yaml"]
    errors = result.stderr.splitlines()
    assert errors[:4] == [
        f"cleannews: {corpus}:3: URL 'https://www.news.exam\\x00ple.com/a': 'news.exam\\x00ple.com' is no host "
        "name; page not learned",
        f"cleannews: {corpus}:5: URL 'http://[not-ipv6/a' cannot be read (Invalid IPv6 URL); page not learned",
        f"cleannews: {corpus}:7: URL 'https://exa mple.com/b': 'exa mple.com' is no host name; page not learned",
        f"cleannews: {corpus}:9: field 'url' holds a JSON int, not a URL; record not learned"]
    assert sum("bad\\x00host.com" in line for line in errors) == 4
    assert errors[-1] == f"cleannews: {LEARN_PAGES - 4} pages of 1 sites, 1 rule sets written to {out} (8 failed)"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_rule_set_that_cannot_be_written_is_one_error(tmp_path, run, site_pages, monkeypatch):
    """What cannot be written (a name too long for the file system, a full disk) costs that
    site's file, not the others."""
    from cleannews.corpus import write

    corpus = _corpus(tmp_path / "pages.jsonl", list(enumerate(site_pages[:LEARN_PAGES])))
    real = write.atomic_write

    def full(path, text, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "atomic_write", full)
    out = tmp_path / "out"
    result = run("learn", corpus, "-o", out, "-j", "1")
    assert result.exit_code == 1 and result.stdout == ""
    assert f"cleannews: {out / (SITE + '.yaml')}: cannot write the rule set of {SITE} (No space left on device)" \
        in result.stderr
    monkeypatch.setattr(write, "atomic_write", real)
