"""Helpers for driving widgets as a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Chinese included, the way an input method commits it.

    (``qtbot.keyClicks`` aborts the process on non-ASCII characters.)
    """
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def grab(widget: QWidget, name: str) -> Path:
    """Save a screenshot to screenshots/<name>.png for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    widget.grab().save(str(path))
    return path
