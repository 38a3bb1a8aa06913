"""Where tests save pictures (screens, rendered PDF pages) for a person to look at: never the checkout.

``$SHUANBAI_SCREENSHOTS`` when set, else ``<system temp>/shuanbai-screenshots``. The folder is named
at the end of a test run that saved pictures (tests/conftest.py). No Qt here: database tests use it too.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENV = "SHUANBAI_SCREENSHOTS"


def folder() -> Path:
    path = Path(os.environ.get(ENV) or Path(tempfile.gettempdir()) / "shuanbai-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
