"""Both languages complete: every string the code and the templates mark for translation has its Chinese.

Django's ``makemessages`` is run over a copy of the package (the checkout's catalogue is never touched), the way
a translator updates the catalogue (docs/testing.md); ``msgattrib`` (GNU gettext) then lists what it left without a
translation and what it could only guess (fuzzy: a new string near an old one). Both lists must be empty: a string
added in English without its Chinese fails here, whatever page shows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_every_marked_string_has_its_chinese(tmp_path):
    copy = tmp_path / "twincity"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "twincity.settings", "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"]
    for pattern in IGNORED:
        command += ["-i", pattern]
    subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True)
    po = str(copy / CATALOGUE)
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", po], check=True, capture_output=True, text=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", po], check=True, capture_output=True, text=True
    ).stdout
    assert entries(untranslated) == [], "no Chinese for:\n" + untranslated
    assert entries(fuzzy) == [], "strings new to the catalogue (makemessages only guessed them):\n" + fuzzy


def test_the_check_sees_a_string_without_its_chinese():
    """The reading of msgattrib's output finds an entry, so the test above cannot pass on an unread list."""
    sample = 'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n#: x.py:1\nmsgid "Only in English"\nmsgstr ""\n'
    assert entries(sample) == ["Only in English"]
