"""Configuration from .cleannews.yaml or [tool.cleannews], flags winning."""
import json

import pytest

GOOD_RULES = """\
category: promo
rules:
  - id: house.podcast
    description: Our podcast plug.
    phrases: [listen to our podcast]
    drop: [Listen to our podcast!]
    keep: [He said he would listen to our podcast if it covered the trial in depth.]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    return tmp_path


def test_pyproject_is_found_upward_and_flags_win(project, run, seed):
    (project / "pyproject.toml").write_text('[tool.cleannews]\nformat = "json"\ndisable = ["sites"]\n', encoding="utf-8")
    shown = json.loads(run("config", "--json").stdout)
    assert shown["format"] == {"value": "json", "from": str(project / "pyproject.toml")}
    assert shown["languages"]["from"] == "default"
    as_json = json.loads(run("clean", seed["raw"]).stdout)
    assert as_json["site_rules"] == []  # disabled by the config
    assert run("clean", seed["raw"], "--format", "txt").stdout == seed["clean"]  # the flag wins
    with_site = json.loads(run("clean", seed["raw"], "--disable", "donation").stdout)
    assert with_site["site_rules"] == ["sites/themoscowtimes.com"]


def test_yaml_config_adds_rule_folders_relative_to_itself(project, run, tmp_path):
    rules = project / "house-rules"
    rules.mkdir()
    (rules / "house.yaml").write_text(GOOD_RULES, encoding="utf-8")
    (project / ".cleannews.yaml").write_text("rules: [house-rules]\nlanguages: [en]\n", encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("A first paragraph long enough to be an article body, with many words in it for sure.\n"
                    "Listen to our podcast!\n", encoding="utf-8")
    result = run("clean", page, "--format", "json")
    removed = json.loads(result.stdout)["removed"]
    assert [r["rule"] for r in removed] == ["house.podcast"]
    assert "house.podcast" in run("rules", "list", "--json").stdout
    assert "ads.label.de" not in run("rules", "list", "--json").stdout  # languages: [en]


@pytest.mark.parametrize("text, message", [
    ("colour: red\n", "unknown key 'colour'"),
    ("disable: 3\n", "'disable' must be a list of strings"),
    ("format: docx\n", "'format' must be one of txt, json, md"),
    ("rules: [\n", "cannot read configuration"),
])
def test_bad_configuration_is_a_one_line_error_with_exit_78(project, run, seed, text, message):
    (project / ".cleannews.yaml").write_text(text, encoding="utf-8")
    result = run("clean", seed["raw"])
    assert result.exit_code == 78
    assert message in result.stderr and str(project / ".cleannews.yaml") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("rules", ['["/"]', '["../.."]', '["house/../../elsewhere"]'])
def test_rule_paths_in_a_config_file_stay_inside_its_folder(project, run, tmp_path, rules, dirty_text):
    """A repository's config, read by a hook run in it, must not send cleannews over the machine."""
    (project / ".cleannews.yaml").write_text(f"rules: {rules}\n", encoding="utf-8")
    result = run("check", dirty_text)
    assert result.exit_code == 78 and "leaves the folder of the configuration" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_command_line_may_point_rules_anywhere(project, run, tmp_path, dirty_text):
    (project / ".cleannews.yaml").write_text("languages: [en]\n", encoding="utf-8")
    elsewhere = tmp_path.parent / f"{tmp_path.name}-rules"
    elsewhere.mkdir()
    (elsewhere / "r.yaml").write_text(GOOD_RULES.replace("house.podcast", "far.podcast"), encoding="utf-8")
    dirty_text.write_text("A first paragraph long enough to be an article body, with many words in it.\n"
                          "Listen to our podcast!\n", encoding="utf-8")
    result = run("check", dirty_text, "--rules", elsewhere)
    assert result.exit_code == 1 and "far.podcast" in result.stdout


@pytest.fixture
def dirty_text(tmp_path, seed):
    path = tmp_path / "article.txt"
    path.write_bytes(seed["raw"].read_bytes())
    return path


@pytest.mark.parametrize("text, rule_file, message", [
    ("rules: [house-rules]\n", None, "rule path 'house-rules': no such rule file or folder"),
    ("disable: [newsleter]\n", None, "`disable` 'newsleter': no such rule id, category or rule set (did you mean"),
    ("rules: [house]\n", GOOD_RULES.replace("category: promo", "category: promotion"),
     "house/r.yaml:3: rule 'house.podcast': unknown or missing category 'promotion'"),
    ("rules: [house]\n", GOOD_RULES.replace("phrases: [listen to our podcast]", "selector: 'svg|a'"),
     "house/r.yaml:5: rule 'house.podcast': CSS selector 'svg|a' fails on a sample page"),
    ("max_removed: 5\n", None, "'max_removed' must be from 0 to 1, not 5.0"),
    ("timeout: -1\n", None, "'timeout' must be at least 0, not -1.0"),
])
def test_config_validates_what_it_prints(project, run, seed, text, rule_file, message):
    """Issue 20 item 15: `config` said a configured rule folder that is not there was fine (exit 0),
    and `clean` then exited 78.  Both now give the same one line and exit 78."""
    (project / ".cleannews.yaml").write_text(text, encoding="utf-8")
    if rule_file:
        (project / "house").mkdir()
        (project / "house" / "r.yaml").write_text(rule_file, encoding="utf-8")
    shown, cleaned = run("config"), run("clean", seed["raw"])
    assert shown.exit_code == cleaned.exit_code == 78
    assert shown.stderr == cleaned.stderr and len(shown.stderr.splitlines()) == 1
    assert message in shown.stderr and str(project) in shown.stderr
    assert cleaned.stdout == ""


def test_config_of_a_good_project_is_exit_0(project, run):
    (project / "house").mkdir()
    (project / "house" / "r.yaml").write_text(GOOD_RULES, encoding="utf-8")
    (project / ".cleannews.yaml").write_text("rules: [house]\ndisable: [house.podcast, classifier]\n", encoding="utf-8")
    result = run("config")
    assert result.exit_code == 0 and result.stderr == ""
    assert 'disable = ["house.podcast", "classifier"]' in result.stdout
