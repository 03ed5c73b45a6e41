"""The lint rule that keeps every "who may" in the door: a planted violation fails ``ruff check`` (TID251).

Ruff resolves the paths of a configuration given with ``--config`` against the directory it runs in, so the
planted module is laid out as in the repository (``src/twincity/<app>/x.py``) under a temporary directory and
checked with the project's own ``pyproject.toml``.
"""

import subprocess
import sys
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"
RUFF = Path(sys.executable).with_name("ruff")

COMPARES_A_ROLE = """from twincity.accounts.choices import Role


def is_the_office(membership) -> bool:
    return membership.role == Role.OFFICE_ADMIN
"""
ASKS_FOR_ROLES = """from twincity.accounts.access import roles


def is_the_office(user, partnership_id: int) -> bool:
    return "office_admin" in roles(user, partnership_id)
"""
ASKS_THE_DOOR = """from twincity.accounts.access import is_office


def is_the_office(user, partnership_id: int) -> bool:
    return is_office(user, partnership_id)
"""


def ruff_check(tmp_path: Path, relative: str, source: str) -> subprocess.CompletedProcess:
    module = tmp_path / relative
    module.parent.mkdir(parents=True, exist_ok=True)
    module.write_text(source, encoding="utf-8")
    return subprocess.run(
        [str(RUFF), "check", "--no-cache", "--config", str(PYPROJECT), "--output-format", "concise", relative],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_project_is_linted_with_the_venv_ruff():
    assert PYPROJECT.is_file()
    assert RUFF.is_file()


@pytest.mark.parametrize("source", [COMPARES_A_ROLE, ASKS_FOR_ROLES], ids=["Role", "roles"])
def test_an_app_that_compares_roles_fails_the_lint(tmp_path, source):
    result = ruff_check(tmp_path, "src/twincity/siting/x.py", source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout
    assert "src/twincity/siting/x.py" in result.stdout


def test_an_app_that_asks_the_door_passes(tmp_path):
    result = ruff_check(tmp_path, "src/twincity/siting/x.py", ASKS_THE_DOOR)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "relative",
    [
        "src/twincity/accounts/x.py",
        "src/twincity/siting/tests/x.py",
        "src/twincity/testing.py",
        "src/twincity/demo.py",
        "src/twincity/siting/demo.py",
        "src/twincity/demo/siting.py",
    ],
)
def test_the_door_its_tests_and_the_demo_data_may_name_roles(tmp_path, relative):
    for source in (COMPARES_A_ROLE, ASKS_FOR_ROLES):
        result = ruff_check(tmp_path, relative, source)
        assert result.returncode == 0, result.stdout + result.stderr
