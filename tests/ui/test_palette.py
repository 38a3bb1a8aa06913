"""The screens take their colours from the palette in ui/widgets.py: one red, one amber, one green …
A hex colour written in a screen module is a second answer to "which amber?" (issue 18)."""

from __future__ import annotations

import re
from pathlib import Path

import shuanbai_desktop.ui as ui

UI = Path(ui.__file__).parent
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")
# Chrome that means nothing (docs/architecture.md, UI): the palette itself, the navigation column, the lock
# screen, the report preview's group-row shading, and the screenshot tools' painted title bars (the app's and
# the manual's pictures).
CHROME = {"widgets.py", "main_window.py", "idle_lock.py", "screenshots.py", "manual_images.py",
          "report/preview_widgets.py"}


def test_screen_modules_use_the_palette_not_their_own_colours():
    found = []
    for path in sorted(UI.rglob("*.py")):
        name = path.relative_to(UI).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HEX_COLOUR.search(line) and name not in CHROME:
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


def test_chrome_colours_in_the_report_preview_are_only_its_group_shading():
    lines = (UI / "report" / "preview_widgets.py").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if HEX_COLOUR.search(line)] == ['GROUP_BRUSH = QBrush(QColor("#eef2f6"))']
