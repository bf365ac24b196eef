"""The README is what a newcomer reads first, docs/ the reference it points to (issue 20 item
20): the README stays short, its links lead to pages that exist, the Quick start is what CI
runs, every command and option is documented somewhere, and what the docs show a command
writing is what it writes."""
import re
import subprocess
import sys
import tomllib

import click
import pytest
from conftest import ROOT

from cleannews.cli import cli

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = ("clean", "explain", "batch", "check-fix", "rules", "learn", "config", "guarantees", "api", "cli")
QUICK_START = ("pip install . && cleannews clean samples/themoscowtimes-spy-agencies.raw.txt",
               'pip install ".[test]" && python -m pytest')


def text(path) -> str:
    return path.read_text(encoding="utf-8")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_stays_short():
    lines, words = text(README).splitlines(), text(README).split()
    assert len(lines) <= 220 and len(words) <= 1800, (len(lines), len(words))


def test_the_quick_start_is_verbatim_and_ci_runs_the_second_command():
    readme = text(README)
    assert all(f"```sh\n{command}\n```" in readme for command in QUICK_START)
    assert QUICK_START[1] in text(ROOT / ".ci" / "run")


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.name)
def test_every_link_leads_to_a_file_and_heading_that_exist(page):
    for target in re.findall(r"\]\(([^)\s]+)\)", text(page)):
        if re.match(r"\w+://", target):
            continue
        path, _, anchor = target.partition("#")
        found = (page.parent / path).resolve() if path else page
        assert found.exists(), f"{page.name} links to {target}: no such file"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", text(found), re.M)
            assert anchor in {slug(h) for h in headings}, f"{page.name} links to {target}: no such heading"


def test_the_readme_links_every_reference_page():
    linked = set(re.findall(r"\]\(docs/([\w-]+)\.md", text(README)))
    assert set(PAGES) <= linked and {p.stem for p in DOCS} <= linked


def test_every_command_has_a_readme_section_and_every_option_is_documented():
    readme = text(README)
    everything = readme + "".join(text(page) for page in DOCS)
    for name, command in cli.commands.items():
        assert f"### `cleannews {name}" in readme or f"`cleannews {name} PATH...`" in readme, name

    def options(command):
        yield from command.params
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from options(sub)
    for param in options(cli):
        names = [n for n in param.opts + param.secondary_opts if n.startswith("-")]
        if names:
            assert any(re.search(re.escape(n) + r"(?![\w-])", everything) for n in names), names


def test_the_docs_name_only_rules_that_exist():
    """What test_firsthour checks of the README's examples, over the pages they moved to."""
    from cleannews import load_rules
    from cleannews.engine.ruleset import known_names

    known = known_names(load_rules().sets)
    named = []
    for page in [README, *DOCS]:
        for block in re.findall(r"```toml\n(.*?)```", text(page), re.S):
            named += tomllib.loads(block)["tool"]["cleannews"].get("disable", [])
        for block in re.findall(r"```(?:sh|yaml|python)\n(.*?)```", text(page), re.S):
            named += re.findall(r"--disable,? ([\w./-]+)", block)
    assert named and [n for n in named if n.rstrip("/") not in known] == []


def test_the_learned_file_is_the_one_the_docs_show(tmp_path):
    """`--site www.example.com` writes example.com.yaml (the host less www.), which the docs'
    review step must name; and when nothing is learned the docs say no folder is made."""
    seed = text(ROOT / "samples" / "themoscowtimes-spy-agencies.raw.txt")
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(4):
        (pages / f"p{i}.txt").write_text(seed.replace("Lukashenko", f"Lukashenko {i}"), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "cleannews", "learn", str(pages), "-o", str(tmp_path / "learned"),
                          "--site", "www.example.com", "-j", "1"], capture_output=True, text=True, check=True)
    written = [line.rsplit("/", 1)[-1] for line in out.stdout.split()]
    assert written == ["example.com.yaml"]
    learn = text(ROOT / "docs" / "learn.md")
    assert "$EDITOR rules/learned/example.com.yaml" in learn and "www.example.com.yaml" not in learn
    assert "does not create the output folder" in learn
    assert "example.com.yaml" in text(README) and "www.example.com.yaml" not in text(README)
