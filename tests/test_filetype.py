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
