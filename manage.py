#!/usr/bin/env python
"""Shortcut for the ``twincity`` command when running from a checkout."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from twincity.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
