"""cleannews.integrations.datatrove: the steps in a real datatrove pipeline give what `cleannews batch` gives."""
import gzip
import json
import pickle
import subprocess
import sys
from collections import Counter

import pytest
from conftest import SAMPLES, SEED

pytest.importorskip("datatrove", reason='the datatrove extra: pip install ".[test]"')

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleannews.integrations.datatrove import CleannewsExtractor, CleannewsFormatter  # noqa: E402

BENCH = SAMPLES / "bench"
SHARDS = 4
EMPTY = "Sign up for our free weekly newsletter"  # every block goes: the record is left empty


def bench_records() -> list[dict]:
    """A few hundred records: benchmark pages (HTML and scraped text, whole and in windows of
    lines), the seed page, one page that cleaning leaves empty and one that is not a page."""
    seed = (SAMPLES / f"{SEED}.raw.txt").read_text(encoding="utf-8")
    html = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(BENCH.glob("*.html.gz"))]
    texts = [p.read_text(encoding="utf-8") for p in sorted(BENCH.glob("*.txt"))]
    pages = [("html", page) for page in html * 2] + [("txt", page) for page in texts] + [("seed", seed)] * 10
    for i in range(220):
        lines = texts[i % len(texts)].split("\n")
        start = (i * 7) % max(1, len(lines) - 40)
        pages.append(("window", "\n".join(lines[start:start + 40])))
    records = [{"id": f"{what}-{i:04d}", "text": page, "n": i} for i, (what, page) in enumerate(pages)]
    for r in records[::5]:
        r["url"] = "https://www.themoscowtimes.com/2021/06/03/x"  # site rules and URL metadata take part
    records += [{"id": f"both-{i}", "text": "A teaser the scraper saved.", "html": page} for i, page in enumerate(html)]
    records += [{"id": "empty", "text": EMPTY}, {"id": "binary", "text": "\x00\x00 not a page"}]
    return records


def write_shards(folder, records) -> None:
    folder.mkdir()
    for k in range(SHARDS):
        with open(folder / f"part-{k}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records[k::SHARDS])


def read_records(folder, pattern: str = "*.jsonl") -> dict:
    out = {}
    for path in sorted(folder.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            out[record["id"]] = record
    return out


def stat_total(value) -> int:
    return value if isinstance(value, int) else value["total"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Sharded JSONL, its `cleannews batch` output, and the datatrove output (2 tasks, 2 workers)."""
    root = tmp_path_factory.mktemp("datatrove")
    records = bench_records()
    write_shards(root / "shards", records)
    batch = subprocess.run([sys.executable, "-m", "cleannews", "-q", "batch", root / "shards", "-o", root / "batch",
                            "-j", "2", "--report", "full", "--drop-failed"], capture_output=True, text=True, cwd=root)
    assert batch.returncode == 1, batch.stderr  # the binary record, reported and left out
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(root / "shards")), CleannewsExtractor(),
                  JsonlWriter(str(root / "dt"), compression=None)],
        tasks=2, workers=2, logging_dir=str(root / "logs"),
    ).run()
    stats = json.loads((root / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(s for s in stats if "cleannews" in s["name"])
    return {"records": records, "batch": read_records(root / "batch", "part-*.jsonl"), "dt": read_records(root / "dt"),
            "stats": {k: stat_total(v) for k, v in step["stats"].items()}, "root": root}


def test_two_tasks_give_what_batch_gives_byte_for_byte(corpus):
    batch, dt = corpus["batch"], corpus["dt"]
    assert len(dt) >= 250 and len(list((corpus["root"] / "dt").glob("*.jsonl"))) == 2  # one output per task
    assert set(dt) == set(batch) == {r["id"] for r in corpus["records"]} - {"binary"}
    for key, want in batch.items():
        got = dt[key]
        assert got.get("text", "") == want["text"], key  # datatrove's writers leave out an empty text
        assert got["metadata"]["cleannews"] == want["cleannews"], key
        assert got["metadata"].get("n") == want.get("n")  # the record's other fields travel on
    assert any(r["cleannews"]["kind"] == "html" for r in batch.values())
    assert any(r["cleannews"]["removed"] for r in batch.values())
    assert "text" not in dt["empty"] and dt["empty"]["metadata"]["cleannews"]["empty"]
    both = [key for key in batch if key.startswith("both-")]
    assert both and all(batch[key]["cleannews"]["kind"] == "html" for key in both)  # the html field is cleaned
    assert all(dt[key]["metadata"]["html"] == batch[key]["html"] for key in both)  # and travels on, as in batch


def test_stats_count_documents_blocks_per_category_empties_and_errors(corpus):
    stats, batch = corpus["stats"], corpus["batch"]
    categories = Counter(r["category"] for record in batch.values() for r in record["cleannews"]["removed"])
    assert stats["total"] == len(corpus["records"])
    assert stats["cleaned"] == stats["forwarded"] == len(batch)
    assert stats["input_error"] == stats["dropped"] == 1
    assert stats["empty"] == sum(1 for r in batch.values() if not r["text"]) >= 1
    assert stats["removed_blocks"] == sum(categories.values())
    assert {k: v for k, v in stats.items() if k.startswith("removed_") and k != "removed_blocks"} == \
        {f"removed_{c}": n for c, n in categories.items()}
    assert stats["not_html"] == sum(1 for r in batch.values() if r["cleannews"]["kind"] != "html")


def run_step(step, records):
    docs = [Document(text=r["text"], id=r["id"], metadata={k: v for k, v in r.items() if k not in ("text", "id")})
            for r in records]
    return {d.id: d for d in step.run(iter(docs))}


def test_rule_options_are_those_of_the_command_line(tmp_path):
    from cleannews import clean, load_rules
    from cleannews.corpus.write import metadata

    raw = (SAMPLES / f"{SEED}.raw.txt").read_text(encoding="utf-8")
    rules = tmp_path / "mine.yaml"
    rules.write_text("category: promo\nrules:\n  - id: mine.naryshkin\n    pattern: \\bNaryshkin met\n    max_words: 400\n"
                     "    description: Any block where Naryshkin meets someone (a test rule).\n"
                     "    drop: [Naryshkin met Tertel]\n    keep: [Nothing here]\n", encoding="utf-8")
    step = CleannewsFormatter(rules=[rules], disable=("sites",), languages=("en",))
    doc = run_step(step, [{"id": "seed", "text": raw}])["seed"]
    want = clean(raw, rules=load_rules((str(rules),), True, ("sites",), ("en",)))
    assert doc.text == want.text
    report = {k: v for k, v in metadata(want).items() if k != "source"}
    assert doc.metadata["cleannews"] == report
    assert any(r["rule"] == "mine.naryshkin" for r in report["removed"])
    assert not report["site_rules"]


def test_steps_pickle_without_compiled_rules():
    step = CleannewsExtractor(disable=("sites",)).check_rules()
    assert len(pickle.dumps(step)) < 5_000  # arguments only: each worker loads (and caches) the rules itself
    assert pickle.loads(pickle.dumps(step)).rule_spec == step.rule_spec


def test_timeout_sandbox_gives_the_same_and_counts_bad_documents():
    records = [r for r in bench_records() if r["id"].startswith(("html-", "seed-"))][:6]
    records.append({"id": "binary", "text": "\x00\x00 not a page"})
    inline = run_step(CleannewsExtractor(), records)
    step = CleannewsExtractor(timeout=60)
    sandboxed = run_step(step, records)
    assert set(sandboxed) == set(inline) == {r["id"] for r in records} - {"binary"}
    for key, doc in inline.items():
        assert sandboxed[key].text == doc.text
        assert sandboxed[key].metadata["cleannews"] == doc.metadata["cleannews"]
    assert step.stats["input_error"].total == 1


class Troubled(CleannewsExtractor):
    """Hangs on one page and dies on another (in the sandbox process only)."""

    def clean_page(self, fields, source):
        import os
        import time

        if fields["text"] == "hang":
            time.sleep(30)
        if fields["text"] == "die":
            os._exit(1)
        return super().clean_page(fields, source)


def test_sandbox_counts_a_hanging_page_and_a_dying_one_and_goes_on():
    seed = (SAMPLES / f"{SEED}.raw.txt").read_text(encoding="utf-8")
    records = [{"id": "a", "text": seed}, {"id": "hang", "text": "hang"}, {"id": "b", "text": seed},
               {"id": "die", "text": "die"}, {"id": "c", "text": seed}]
    step = Troubled(timeout=3)
    out = run_step(step, records)
    assert set(out) == {"a", "b", "c"} and len({d.text for d in out.values()}) == 1
    assert step.stats["timeout"].total == step.stats["broken_process"].total == 1
    assert step.stats["dropped"].total == 2 and step.stats["cleaned"].total == 3


def test_formatter_flags_html_input():
    page = gzip.decompress(next(BENCH.glob("*.html.gz")).read_bytes()).decode("utf-8", "replace")
    step = CleannewsFormatter()
    run_step(step, [{"id": "h", "text": page}])
    assert step.stats["html_input"].total == 1


def test_cleannews_never_imports_datatrove(seed):
    code = ("import sys, runpy\n"
            "import cleannews, cleannews.integrations\n"
            "assert 'datatrove' not in sys.modules, 'import cleannews'\n"
            f"sys.argv = ['cleannews', 'clean', {str(seed['raw'])!r}]\n"
            "try:\n    runpy.run_module('cleannews', run_name='__main__')\n"
            "finally:\n    assert 'datatrove' not in sys.modules, 'cleannews clean'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == seed["clean"]


def test_without_datatrove_the_integration_says_what_to_install():
    code = ("import sys\nsys.modules['datatrove'] = None\n"
            "import cleannews.integrations.datatrove\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert 'pip install "cleannews[datatrove]"' in result.stderr


def learn_records() -> list[dict]:
    """Pages of a few sites: windows of each benchmark page (their furniture repeats), and the seed page."""
    seed = (SAMPLES / f"{SEED}.raw.txt").read_text(encoding="utf-8")
    records = []
    for k, path in enumerate(sorted(BENCH.glob("*.txt"))[:4]):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i in range(12):
            start = (i * 5) % max(1, len(lines) - 60)
            records.append({"id": f"s{k}-{i}", "url": f"https://site{k}.example/{i}",
                            "text": "\n".join(lines[:8] + lines[start:start + 40] + lines[-8:])})
    records += [{"id": f"seed-{i}", "text": seed} for i in range(4)]  # no URL: the site's fingerprints tell it
    return records


def test_learn_at_scale_writes_what_the_learn_command_writes(tmp_path):
    from cleannews.integrations.datatrove import CleannewsLearnCounts, CleannewsLearnRules

    write_shards(tmp_path / "shards", learn_records())
    command = subprocess.run([sys.executable, "-m", "cleannews", "-q", "learn", tmp_path / "shards",
                              "-o", tmp_path / "want", "-j", "1"], capture_output=True, text=True, cwd=tmp_path)
    assert command.returncode == 0, command.stderr
    counting = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "shards")), CleannewsLearnCounts(tmp_path / "work")],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs-count"))
    LocalPipelineExecutor(pipeline=[CleannewsLearnRules(tmp_path / "work", tmp_path / "got")],
                          tasks=1, logging_dir=str(tmp_path / "logs-merge"), depends=counting).run()
    assert len(list((tmp_path / "work" / "counts").glob("*.counts"))) == 2
    want = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "want").glob("*.yaml")}
    got = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "got").glob("*.yaml")}
    assert want and sum(text.count("\n  - id: ") for text in want.values()) > 0
    assert got == want


def _warc(path, pages) -> None:
    """A WARC of HTML responses: (url, body bytes, payload type or None) each."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, payload_type in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            headers = {"WARC-Identified-Payload-Type": payload_type} if payload_type else None
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body),
                                                          http_headers=http, warc_headers_dict=headers))


def test_the_datatrove_extra_brings_what_warcreader_imports():
    """WarcReader, which the README suggests, imports cchardet and magic on its first record:
    the extra must list the distributions that give them (issue 15, item 17)."""
    import configparser
    import importlib.metadata
    import inspect
    import re as re_

    from conftest import ROOT
    from datatrove.pipeline.readers import warc

    imported = set(re_.findall(r"^\s*import (\w+)", inspect.getsource(warc.process_record), re_.M))
    assert imported, "WarcReader imports nothing of its own any more: look again at what it needs"
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    extra = {re_.split(r"[<>=\[ ]", line.strip())[0].lower()
             for line in cfg["options.extras_require"]["datatrove"].splitlines()
             if line.strip() and not line.strip().startswith("#")}
    core = {re_.split(r"[<>=\[ ]", line.strip())[0].lower()
            for line in cfg["options"]["install_requires"].splitlines()
            if line.strip() and not line.strip().startswith("#")}
    providers = importlib.metadata.packages_distributions()
    for module in imported:
        dists = {d.lower() for d in providers.get(module, [])}
        assert dists, f"{module} is not installed: pip install '.[datatrove]'"
        assert dists & (extra | core), f"{module} ({', '.join(dists)}) missing from the datatrove extra"


def test_warcreader_feeds_the_extractor(tmp_path):
    """The README's WarcReader + CleannewsExtractor pipeline, run for real on a WARC holding a
    UTF-8 page, a cp1251 one and one without a payload type."""
    from datatrove.pipeline.readers import WarcReader

    seed = (SAMPLES / f"{SEED}.raw.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in seed.split("\n") if line.strip())
    page = f"<html><head><title>Spy agencies</title></head><body><article>{body}</article></body></html>"
    russian = ("<html><head><meta charset='windows-1251'></head><body><article>"
               + "<p>Российские спецслужбы договорились о сотрудничестве с белорусскими коллегами.</p>" * 12
               + "</article></body></html>")
    (tmp_path / "warc").mkdir()
    _warc(tmp_path / "warc" / "crawl.warc.gz", [
        ("https://www.themoscowtimes.com/2021/06/03/a", page.encode("utf-8"), "text/html"),
        ("https://example.ru/b", russian.encode("cp1251"), "text/html"),
        ("https://www.themoscowtimes.com/2021/06/03/c", page.encode("utf-8"), None),
    ])
    LocalPipelineExecutor(pipeline=[WarcReader(str(tmp_path / "warc")), CleannewsExtractor(),
                                    JsonlWriter(str(tmp_path / "out"), compression=None)],
                          tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    records = read_records(tmp_path / "out")
    assert len(records) == 3
    texts = [r["text"] for r in records.values()]
    assert sum("SVR" in t for t in texts) == 2
    assert any("спецслужбы" in t for t in texts)
