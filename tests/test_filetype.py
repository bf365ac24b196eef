"""What is no page, told from the bytes: real assets and real pages."""
import gzip
import json

import pytest
from conftest import SAMPLES

from cleannews.corpus.filetype import not_a_page

BENCH = SAMPLES / "bench"


@pytest.mark.parametrize("head, what", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
    (b"GIF89a\x01\x00", "a GIF image"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a WebP image"),
    (b"wOFF\x00\x01\x00\x00", "a font (WOFF)"),
    (b"%PDF-1.7\n", "a PDF document"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<!-- made -->\n<svg>', "an SVG image"),
    (b"@charset \"utf-8\";\n:root{--a:1px;--b:2px}", "CSS"),
    (b"/* theme */\n.hljs-comment {\n  color: #969896;\n}\n.hljs-function {\n  color: red;\n}\n", "CSS"),
    (b"// the sidebar\n// more words here.\nclass Box extends HTMLElement {\n  constructor() { super(); }\n}\n", "JavaScript"),
    (b'!function(e,t){"object"==typeof exports&&(module.exports=t())}(this,function(){return 1;});', "JavaScript"),
])
def test_assets_are_no_pages(head, what):
    assert not_a_page(head) == what


def test_a_json_document_is_data_but_jsonl_is_not_asked():
    doc = json.dumps({"a": [1, 2], "b": {"c": 3}}, indent=2).encode()
    assert not_a_page(doc, lambda: doc) == "JSON data"
    markdown = b"[Photo] A caption that opens the page.\n\nThe article starts here and goes on.\n"
    assert not_a_page(markdown, lambda: markdown) is None


def test_no_real_page_is_taken_for_an_asset():
    pages = [p.read_bytes() for p in BENCH.glob("*.txt")] + [gzip.decompress(p.read_bytes())
                                                             for p in BENCH.glob("*.html.gz")]
    pages.append((SAMPLES / "themoscowtimes-spy-agencies.raw.txt").read_bytes())
    assert len(pages) > 10
    assert [not_a_page(page[:4096], lambda page=page: page) for page in pages] == [None] * len(pages)


ROOT = SAMPLES.parent
BENCHMARKS = ROOT / "benchmarks" / "data"
URLS = [page["url"] for page in json.loads((BENCHMARKS / "scrapinghub" / "ground-truth.json").read_text()).values()]


@pytest.mark.parametrize("code, what", [
    (b"function f(){return 1}", "JavaScript"),  # one line of it, as a scrape folder's app.js held
    (b"const x = require('./x')\nmodule.exports = x\n", "JavaScript"),
    (b"#!/bin/sh\necho hello\n", "a script"),
    (b"<?php\necho 'hi';\n", "source code"),
    (b'#include <stdio.h>\n\nint main(void) {\n    printf("hi\\n");\n    return 0;\n}\n', "source code"),
    (b'package main\n\nimport "fmt"\n\nfunc main() {\n\tx, err := f()\n\tif err != nil {\n\t\treturn\n\t}\n'
     b'\tfmt.Println(x)\n}\n', "source code"),
])
def test_code_of_any_language_is_no_page(code, what):
    assert not_a_page(code, lambda: code) == what


def test_this_projects_own_source_is_code():
    """Real source files of several kinds: the Python of cleannews itself, its CI script."""
    files = sorted((ROOT / "cleannews").rglob("*.py"))
    files = [f for f in files if len(f.read_bytes()) > 1500] + [ROOT / ".ci" / "run"]
    found = [not_a_page(f.read_bytes()[:4096]) for f in files]
    assert found.count(None) <= 0.2 * len(files), [str(f) for f, w in zip(files, found) if w is None]


def test_a_list_of_urls_is_no_page():
    urls = "\n".join(URLS[:40]).encode() + b"\n"  # real article URLs, English words in their paths
    assert not_a_page(urls, lambda: urls) == "a list of URLs"
    assert not_a_page(b"https://example.com/a\r\n\r\nhttps://example.com/b\r\n") == "a list of URLs"
    prose = b"Read the full report at https://example.com/report.\nIt says the river rose by a metre.\n"
    assert not_a_page(prose) is None


@pytest.mark.parametrize("text", [
    "Roses are red,\nviolets are blue,\nsugar is sweet,\nand so are you.\n",
    "Ingredients:\n2 cups flour;\n1 cup sugar;\n3 eggs;\nMix well.\n",
    "AAPL 189.2 +1.2%\nMSFT 402.1 -0.3%\nGOOG 140.0 +0.1%\n",
    "Q: How do I check if x != y in Python?\nA: Use if x != y: and then print(x).\nThat works everywhere.\n",
    "## Install\n\n```\npip install x\nx --init\n```\n\nThen run `x --help`.\n",
    "Hi all,\n\nthe meeting moved to 3pm (room 4).\n\n-- \nJohn\n",
])
def test_text_that_has_some_code_marks_is_still_a_page(text):
    assert not_a_page(text.encode(), lambda: text.encode()) is None


def test_no_benchmark_text_page_is_taken_for_code():
    """Every text page of both benchmark sets (articles with code listings among them: the
    readability suite's 001 has a JavaScript one), as batch sniffs them: the first 4 kB."""
    pages = sorted(BENCHMARKS.glob("*/text/*.txt"))
    assert len(pages) > 500
    taken = [(p.name, not_a_page(p.read_bytes()[:4096])) for p in pages]
    assert [t for t in taken if t[1]] == []
