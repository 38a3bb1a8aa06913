"""Helpers for driving widgets as a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from shuanbai_desktop.services import station
from shuanbai_desktop.ui.context import AppContext
from tests import shots


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Chinese included, the way an input method commits it.

    (``qtbot.keyClicks`` aborts the process on non-ASCII characters.)
    """
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def key(qtbot, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is (the keyboard-only tests)."""
    qtbot.keyClick(focused(), k, modifier)
    QApplication.processEvents()


def keys(qtbot, text: str) -> None:
    """Letters typed where the focus is."""
    qtbot.keyClicks(focused(), text)
    QApplication.processEvents()


def ime(text: str) -> None:
    """Chinese as an input method commits it, into whatever has the focus."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(focused(), event)


def click(qtbot, button: QAbstractButton) -> None:
    """Click with the left mouse button; a disabled button is a mistake in the test (no user can click it)."""
    assert button.isEnabled(), f"“{button.text()}” is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def grab(widget: QWidget, name: str) -> Path:
    """Save a screenshot ``<name>.png`` (tests/shots.py says where) once pending layout changes landed."""
    QApplication.processEvents()
    path = shots.folder() / f"{name}.png"
    widget.grab().save(str(path))
    return path


def app_context(db, user, **extra) -> AppContext:
    """What the main window hands every screen: the database, the logged-in user, the station."""
    with db.session() as s:
        info = station.get_station(s)
    return AppContext(db=db, user=user, station=info, **extra)
