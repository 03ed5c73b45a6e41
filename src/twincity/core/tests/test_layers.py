"""The layers only point down, by contract: ``lint-imports`` (run by ``make lint``) passes on the real tree and
fails on a copy of it where a core module imports the meetings app (docs/layers.md)."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import twincity

PACKAGE = Path(twincity.__file__).resolve().parent
PROJECT = PACKAGE.parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path, src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_real_tree_keeps_the_layers():
    result = lint_imports(PROJECT, PROJECT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_core_module_importing_the_meetings_app_breaks_the_contract(tmp_path):
    shutil.copy(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    copy = tmp_path / "src" / "twincity"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "templates", "locale"))
    text = copy / "core" / "text.py"
    text.write_text(text.read_text() + "\nimport twincity.meetings  # noqa: E402,F401  (planted)\n")

    result = lint_imports(tmp_path, tmp_path / "src")

    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert "twincity.core.text -> twincity.meetings" in result.stdout


def test_the_picture_of_the_layers_shows_the_contracts_layers_in_order():
    contract = next(
        c
        for c in tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
        if c["id"] == "layers"
    )
    apps = [m.strip().removeprefix("twincity.") for layer in contract["layers"] for m in re.split(r"[|:]", layer)]
    drawn = re.findall(r'data-app="([a-z_]+)"', (PROJECT / "docs" / "layers.svg").read_text())
    assert drawn == apps
