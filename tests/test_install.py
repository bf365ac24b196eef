"""A plain, non-editable install into a fresh venv finds the built-in rules."""
import subprocess
import sys
import venv

import pytest
from conftest import ROOT, SAMPLES


@pytest.mark.slow
def test_non_editable_install_cleans_the_seed(tmp_path, seed):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run([python, "-m", "pip", "install", "-q", str(ROOT)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    result = subprocess.run([env_dir / "bin" / "cleannews", "clean", SAMPLES / f"{seed['raw'].name}"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == seed["clean"]
    where = subprocess.run([python, "-c", "from cleannews.engine.ruleset import builtin_dir; print(builtin_dir())"],
                           capture_output=True, text=True, cwd=tmp_path).stdout
    assert "site-packages" in where
    module = subprocess.run([python, "-m", "cleannews", "--version"], capture_output=True, text=True, cwd=tmp_path)
    # the models ship as package data: the version line names both, read from the installed files
    assert module.stdout.startswith("cleannews ") and "models: html-" in module.stdout and ", text-" in module.stdout
    assert "missing" not in module.stdout
    assert sys.version_info >= (3, 11)
