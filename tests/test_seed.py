"""The page the project was created from: exact, with and without its site rules."""
import json

import pytest

from cleannews import clean, load_rules
from cleannews.corpus.write import metadata


@pytest.mark.parametrize("disable", [(), ("sites",)], ids=["with-site-rules", "generic-only"])
def test_seed_body_is_exact(seed, disable):
    doc = clean(seed["raw"].read_bytes(), rules=load_rules(disable=disable))
    assert doc.text == seed["clean"]


@pytest.mark.parametrize("disable", [(), ("sites/themoscowtimes.com",)], ids=["with-site-rules", "generic-only"])
def test_seed_appeals_removed_and_reported(seed, disable):
    doc = clean(seed["raw"].read_bytes(), rules=load_rules(disable=disable))
    removed = {r.text: r for r in doc.removed}
    for appeal in seed["expected"]["removed_must_include"]:
        assert appeal in removed, appeal
        assert appeal not in doc.text
        assert removed[appeal].category in {"donation", "newsletter", "related", "paywall"}
    assert seed["expected"]["caption"] not in doc.text
    assert removed[seed["expected"]["caption"]].category == "caption"


def test_seed_metadata(seed):
    meta = metadata(clean(seed["raw"].read_bytes()))
    assert meta["title"] == seed["expected"]["title"]
    assert meta["sitename"] == seed["expected"]["sitename"]
    assert meta["language"] == "en"
    assert meta["site_rules"] == ["sites/themoscowtimes.com"]
    assert seed["expected"]["title"] not in clean(seed["raw"].read_bytes()).text


def test_seed_through_the_command_line(seed, run, tmp_path):
    result = run("clean", seed["raw"])
    assert result.exit_code == 0
    assert result.stdout == seed["clean"]
    as_json = json.loads(run("clean", seed["raw"], "--format", "json").stdout)
    assert as_json["text"] == seed["clean"]
    assert as_json["title"] == seed["expected"]["title"]
    assert {r["category"] for r in as_json["removed"]} >= {"donation", "newsletter", "caption", "related"}
    md = run("clean", "--format", "md", input=seed["raw"].read_bytes()).stdout
    assert md == f"# {seed['expected']['title']}\n\n{seed['clean']}"
    out = tmp_path / "article.txt"
    assert run("clean", seed["raw"], "-o", out).stdout == ""
    assert out.read_text(encoding="utf-8") == seed["clean"]
