"""Pieces shared by the window screens: colours, Enter-moves-on, dates, combos, PDF printing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDateEdit, QWidget

from ...domain.workdays import Urgency
from .. import printing

OVERDUE_COLOR = "#b3261e"
SOON_COLOR = "#b26a00"
URGENCY_COLORS = {Urgency.OVERDUE: OVERDUE_COLOR, Urgency.SOON: SOON_COLOR}
ESTIMATE_STYLE = f"color: {SOON_COLOR};"
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


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    edit.setDate(QDate(value or date.today()))
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()


def fill_combo(combo: QComboBox, items, empty: str | None = None) -> QComboBox:
    """Items are (data, text); ``empty`` adds a first entry with data None."""
    combo.clear()
    if empty is not None:
        combo.addItem(empty, None)
    for data, text in items:
        combo.addItem(text, data)
    return combo


def select_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def numbered(items) -> list[tuple[object, str]]:
    """(data, "1 text") so that typing the number picks the entry."""
    return [(data, f"{i} {text}") for i, (data, text) in enumerate(items, 1)]


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
