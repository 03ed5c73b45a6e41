"""Both languages complete: every string the code and the templates mark for translation has its Chinese.

Django's ``makemessages`` is run over a copy of the package (the checkout's catalogue is never touched), the way
a translator updates the catalogue (docs/testing.md); ``msgattrib`` (GNU gettext) then lists what it left without a
translation and what it could only guess (fuzzy: a new string near an old one). Both lists must be empty: a string
added in English without its Chinese fails here, whatever page shows it.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import twincity

PACKAGE = Path(twincity.__file__).resolve().parent
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
# As the catalogue is kept: the pure engine speaks no Django, tests are not shown to people.
IGNORED = ("analytics/*", "*/tests/*", "static/*")


def entries(po_text: str) -> list[str]:
    """The msgids of a .po text, the header aside."""
    found, current = [], None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = line[len("msgid ") :].strip('"')
        elif line.startswith('"') and current is not None:
            current += line.strip('"')
        elif current is not None:
            if current:
                found.append(current)
            current = None
    if current:
        found.append(current)
    return found


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> str:
    """The catalogue as ``makemessages`` leaves it, run over a copy of the package."""
    tmp_path = tmp_path_factory.mktemp("messages")
    copy = tmp_path / "twincity"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "twincity.settings", "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    for pattern in IGNORED:
        command += ["-i", pattern]
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True)
    return str(copy / CATALOGUE)


def test_every_marked_string_has_its_chinese(catalogue):
    po = catalogue
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", po], check=True, capture_output=True, text=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", po], check=True, capture_output=True, text=True
    ).stdout
    assert entries(untranslated) == [], "no Chinese for:\n" + untranslated
    assert entries(fuzzy) == [], "strings new to the catalogue (makemessages only guessed them):\n" + fuzzy


# The calls that translate one literal text, as the code imports them.
TRANSLATING = {"_", "gettext", "gettext_lazy", "gettext_noop"}


def translated_in_code(source: str) -> set[str]:
    """The literal texts a module's code translates (``_("…")``, ``gettext("…")``, …), wherever the call stands."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in TRANSLATING
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_makemessages_reads_every_text_the_code_translates(catalogue):
    """xgettext (0.21 here) reads no call inside an f-string: a text translated only there would be dropped from the
    catalogue at its next update, and shown in English. Translate it outside the f-string (or mark it with
    ``gettext_noop`` where the module lists its texts)."""
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    read = {
        re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), e) for e in entries(Path(catalogue).read_text())
    }
    missing = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("analytics/", "static/", "locale/")) or "/tests/" in relative:
            continue
        lost = sorted(translated_in_code(path.read_text()) - read)
        if lost:
            missing[relative] = lost
    assert missing == {}, f"translated in the code but not in the catalogue makemessages makes: {missing}"


def test_the_reading_of_the_code_finds_a_text_in_an_f_string():
    assert translated_in_code('x = f"<b>{_(\'Hidden\')}</b>" + gettext_lazy("Seen")') == {"Hidden", "Seen"}


def test_the_check_sees_a_string_without_its_chinese():
    """The reading of msgattrib's output finds an entry, so the test above cannot pass on an unread list."""
    sample = 'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n#: x.py:1\nmsgid "Only in English"\nmsgstr ""\n'
    assert entries(sample) == ["Only in English"]
