"""Bytes in any common encoding, and the kind of page sniffed from content."""
import pytest

from cleannews import clean
from cleannews.document import Document
from cleannews.errors import InputError
from cleannews.pipeline.decode import decode, sniff

RUSSIAN = "<html><head><meta charset='utf-8'><title>Новости</title></head><body><p>Москва — столица России, и это очень большой город с долгой историей.</p></body></html>"


@pytest.mark.parametrize("data, encoding", [
    ("Привет, мир".encode("utf-8"), "utf-8"),
    ("\ufeffHello".encode("utf-8"), "utf-8-sig"),
    ("Grüße aus Köln".encode("utf-16"), "utf-16"),
])
def test_bom_and_utf8(data, encoding):
    doc = decode(Document("x", data=data))
    assert doc.encoding == encoding
    assert "\ufeff" not in doc.content


def test_mislabelled_windows_1251_is_detected():
    doc = decode(Document("x", data=RUSSIAN.encode("cp1251")))
    assert "Москва — столица России" in doc.content


def test_shift_jis_is_detected():
    text = "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。" * 5
    doc = decode(Document("x", data=text.encode("shift_jis")))
    assert "東京は日本の首都" in doc.content


def test_invalid_bytes_never_crash():
    doc = clean(b"Good line of text here.\n\xff\xfe\xfa broken \x80 bytes\n")
    assert "Good line" in doc.content


def test_binary_is_refused_with_the_input_named():
    with pytest.raises(InputError, match="^pic.png: binary data"):
        decode(Document("pic.png", data=b"\x89PNG\x00\x00\x00IHDR"))


@pytest.mark.parametrize("text, kind", [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("<div><p>one</p><p>two</p><p>three</p><a href=x>four</a><br></div>", "html"),
    ("# Title\n\nSome [link](http://x.org) and [another](http://y.org).\n\n## Part\n", "markdown"),
    ("Just a line of text.\nAnother line; <b> is not a page.\n", "text"),
])
def test_sniff(text, kind):
    assert sniff(text) == kind


def real_page(key: str) -> str:
    import gzip
    import re

    from conftest import SAMPLES

    html = gzip.decompress((SAMPLES / "bench" / f"{key}.html.gz").read_bytes()).decode("utf-8")
    return re.sub(r"<meta[^>]+charset[^>]*>", "", html, flags=re.I)


WDAY = "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1"  # a Russian news page
WSJ = "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856"  # an English one


def declared(html: str, charset: str) -> str:
    return html.replace("<head>", f'<head><meta charset="{charset}">', 1)


@pytest.mark.parametrize("real", ["cp1251", "koi8-r"])
@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "koi8-r", "cp1251", "utf-16", "utf-32"])
def test_a_wrong_declared_charset_gives_way_to_a_confident_detection(real, charset):
    html = real_page(WDAY)
    words = "инстаграм, кулинария, рецепты, опрос, советы, блогеры"
    assert words in html
    doc = decode(Document("x", data=declared(html, charset).encode(real, errors="replace")))
    assert words in doc.content, (charset, doc.encoding)


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252"])
def test_a_right_declared_western_charset_is_kept(charset):
    html = declared(real_page(WSJ), charset).replace("Subscribe", "Abonnieren Sie für Grüße à la café")
    doc = decode(Document("x", data=html.encode(charset, errors="replace")))
    assert doc.encoding == charset and "für Grüße à la café" in doc.content


def test_a_text_page_quoting_html_is_text():
    """A blog post's text that quotes HTML code (a real page of the readability set) is text:
    it starts with prose, and its tags are few beside its lines; a page of markup starts with a tag."""
    from pathlib import Path

    page = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "readability" / "text" / "001.txt"
    text = page.read_text(encoding="utf-8")
    assert "<html>" in text and sniff(text) == "text"
    assert sniff("<div>" + "<p>A paragraph.</p>\n" * 6 + "</div>") == "html"
