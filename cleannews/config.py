"""Project configuration: `.cleannews.yaml`, or `[tool.cleannews]` in pyproject.toml.

Found by walking up from the working folder (the first folder holding either
wins; `.cleannews.yaml` before pyproject.toml).  Command-line flags win over
the file, the file over the defaults, and `cleannews config` shows which
value came from where.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from cleannews.corpus.write import FORMATS
from cleannews.errors import EXIT_CONFIG, CleannewsError
from cleannews.limits import FAVORS, Limits

# key -> (type, default, what it does)
KEYS = {
    "rules": (list, [], "extra rule files or folders (relative to the config file)"),
    "disable": (list, [], "rule ids, categories, rule sets, stages or stage labels to leave out"),
    "languages": (list, [], "only rules for these languages (plus language-neutral ones); empty: all"),
    "builtin_rules": (bool, True, "use the built-in rule sets"),
    "format": (str, "txt", "default output format of clean and batch (txt, json, md)"),
    "max_bytes": (int, Limits.max_bytes, "refuse inputs (pages, records) larger than this many bytes"),
    "timeout": (float, Limits.timeout, "seconds one document may take (0: no limit)"),
    "max_removed": (float, Limits.max_removed, "flag a document when the rules remove more than this share of its words"),
    "favor": (str, Limits.favor, "the block model's threshold: precision, balanced or recall"),
}


# key -> (lowest, highest) value, None: no bound; as the command-line flags bound them
BOUNDS = {"max_bytes": (1, None), "timeout": (0, None), "max_removed": (0, 1)}


class ConfigError(CleannewsError):
    exit_code = EXIT_CONFIG


@dataclass
class Setting:
    value: object
    origin: str  # "default", a config file path, or "command line"


def find(start: Path | None = None) -> tuple[Path, dict] | None:
    """The nearest configuration above `start` (default: the working folder)."""
    folder = (start or Path.cwd()).resolve()
    for here in (folder, *folder.parents):
        candidate = here / ".cleannews.yaml"
        if candidate.is_file():
            return candidate, _read_yaml(candidate)
        pyproject = here / "pyproject.toml"
        if pyproject.is_file():
            table = _read_pyproject(pyproject)
            if table is not None:
                return pyproject, table
    return None


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: configuration must be a mapping")
    return data


def _inside(config: Path, rule_path: str) -> str:
    """A rule path from a config file, resolved; it must stay inside the folder that holds the
    file.  A repository's config is read by hooks run in it (pre-commit), and `rules: ["/"]`
    must not make cleannews walk and parse the whole machine.  (The command line may point
    anywhere: the person typing it chose to.)"""
    home = config.parent.resolve()
    resolved = (home / rule_path).resolve()
    if not resolved.is_relative_to(home):
        raise ConfigError(f"{config}: rule path {rule_path!r} leaves the folder of the configuration ({home}); "
                          "rule paths in a config file must stay inside it")
    if not resolved.exists():  # said here, naming the file that holds it, by `config` as by every command
        raise ConfigError(f"{config}: rule path {rule_path!r}: no such rule file or folder ({resolved})")
    return str(resolved)


def _read_pyproject(path: Path) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    table = data.get("tool", {}).get("cleannews")
    return table if isinstance(table, dict) else None


def resolve(cli: dict, start: Path | None = None) -> dict[str, Setting]:
    """Every key's value and where it came from; `cli` holds the flags given (None: not given)."""
    found = find(start)
    settings = {key: Setting(list(default) if isinstance(default, list) else default, "default")
                for key, (_, default, _) in KEYS.items()}
    if found:
        path, table = found
        for key, value in table.items():
            if key not in KEYS:
                raise ConfigError(f"{path}: unknown key {key!r} (known: {', '.join(KEYS)})")
            typ = KEYS[key][0]
            if isinstance(value, str) and typ is list:
                value = [value]
            if typ is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if (not isinstance(value, typ) or (typ is int and isinstance(value, bool))
                    or (typ is list and not all(isinstance(v, str) for v in value))):
                raise ConfigError(f"{path}: {key!r} must be {'a list of strings' if typ is list else typ.__name__}")
            low, high = BOUNDS.get(key, (None, None))
            if (low is not None and value < low) or (high is not None and value > high):
                raise ConfigError(f"{path}: {key!r} must be " + (f"from {low} to {high}" if high is not None
                                                                 else f"at least {low}") + f", not {value}")
            if key == "rules":
                value = [_inside(path, v) for v in value]
            if key == "format" and value not in FORMATS:
                raise ConfigError(f"{path}: 'format' must be one of {', '.join(FORMATS)}")
            if key == "favor" and value not in FAVORS:
                raise ConfigError(f"{path}: 'favor' must be one of {', '.join(FAVORS)}")
            settings[key] = Setting(value, str(path))
    for key, value in cli.items():
        if value is not None and value != () and value != []:
            settings[key] = Setting(list(value) if isinstance(value, tuple) else value, "command line")
    return settings
