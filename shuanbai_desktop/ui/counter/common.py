"""Pieces of the counter (窗口) screens: urgency colours, Enter-moves-on, numbered combo items, printing a paper.

The pieces every area uses are in ui/widgets.py."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from ...domain.workdays import Urgency
from .. import printing
from ..widgets import AMBER, RED, WARN_STYLE

URGENCY_COLORS = {Urgency.OVERDUE: RED, Urgency.SOON: AMBER}
ESTIMATE_STYLE = WARN_STYLE  # a due date reckoned without the year's holiday table
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterMovesOn(QObject):
    """Enter in a field moves to the next field; Enter on a focused button presses it."""

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in ENTER_KEYS \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            if isinstance(obj, QAbstractButton):
                obj.click()
                return True
            if isinstance(obj, QComboBox) and obj.view().isVisible():
                return False
            _focus_next(obj)
            return True
        return False


def _focus_next(widget: QWidget) -> None:
    nxt = widget.nextInFocusChain()
    for _ in range(500):
        if nxt is widget or (not widget.isAncestorOf(nxt) and nxt.isVisibleTo(widget.window()) and nxt.isEnabled()
                             and nxt.focusPolicy() & Qt.FocusPolicy.TabFocus):
            break
        nxt = nxt.nextInFocusChain()
    nxt.setFocus(Qt.FocusReason.TabFocusReason)


def install_enter(filter_: EnterMovesOn, *widgets: QWidget) -> None:
    for widget in widgets:
        widget.installEventFilter(filter_)


def numbered(items) -> list[tuple[object, str]]:
    """(data, "1 text") so that typing the number picks the entry."""
    return [(data, f"{i} {text}") for i, (data, text) in enumerate(items, 1)]


ARROW_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End)


def _number(text: str) -> str:
    head = text.split(" ", 1)[0]
    return head if head.isdigit() else ""


class ChoiceCombo(QComboBox):
    """A closed list whose choice is never changed unseen; ``chosen`` once the user has chosen.

    ↑ ↓ (and PgUp, PgDn, Home, End) open the list instead of changing the entry behind the user's back
    (issue 14: ↓ meant for the materials list changed the 事项). ``chosen`` is emitted when an entry is
    picked in the open list, or typed by its number (``numbered``) once the number can mean no other entry
    ("1" waits while there are 10 and 11; "10" is chosen); the focus has then moved on to the next field."""

    chosen = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._from_list = False
        self.activated.connect(self._activated)

    def showPopup(self) -> None:
        self._from_list = True
        super().showPopup()

    def keyPressEvent(self, event) -> None:
        self._from_list = False
        plain = not event.modifiers() & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
        if event.key() in ARROW_KEYS and plain:
            self.showPopup()
            return
        super().keyPressEvent(event)
        typed = event.text()
        if plain and typed.isdigit() and _number(self.currentText()).endswith(typed) and self._unambiguous():
            self._choose()

    def wheelEvent(self, event) -> None:
        self._from_list = False
        super().wheelEvent(event)

    def _unambiguous(self) -> bool:
        number = _number(self.currentText())
        if not number:
            return False
        return not any(_number(self.itemText(i)).startswith(number) and i != self.currentIndex()
                       for i in range(self.count()))

    def _activated(self, _index: int) -> None:
        if self._from_list:
            self._from_list = False
            self._choose()

    def _choose(self) -> None:
        """The focus goes on to the next field (visibly: ui/focus_frame.py), then ``chosen``."""
        _focus_next(self)
        self.chosen.emit()


Printer = Callable[[QWidget | None, Path, str], bool]


def print_document(parent: QWidget, render: Callable[[Path], Path], title: str,
                   printer: Printer | None = None) -> bool:
    """Render into a private temporary folder, send to the printer, delete the file."""
    with tempfile.TemporaryDirectory(prefix="shuanbai-print-") as folder:
        pdf = render(Path(folder) / f"{title}.pdf")
        return (printer or printing.print_pdf)(parent, pdf, title)


def save_document(parent: QWidget, render: Callable[[Path], Path], title: str, saver=None) -> Path | None:
    with tempfile.TemporaryDirectory(prefix="shuanbai-print-") as folder:
        pdf = render(Path(folder) / f"{title}.pdf")
        return (saver or printing.save_pdf_as)(parent, pdf, f"{title}.pdf")
