"""The keys of every form dialog (each one built with ``widgets.dialog_buttons``, ``FormDialog`` too).

- The dialog opens with the focus in its first field (or in the field the dialog chose itself before it
  was shown: 新建居民 from the counter starts in the first empty one).
- Enter presses the dialog's 保存/确定 from any field (``widgets.dialog_buttons`` makes it the default).
- Escape closes an unchanged form; on a form whose fields were changed it first asks
  “放弃已填写的内容？” (放弃 / 继续填写, Escape or Enter keeps the form).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTextEdit,
    QWidget,
)

DISCARD_QUESTION = "放弃已填写的内容？"
DISCARD_DETAIL = "这张表里已经填写或改动的内容还没有保存，关闭后不会保留。"
FIELD_TYPES = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit, QCheckBox, QRadioButton,
               QAbstractItemView)
TEXT_TYPES = (QLineEdit, QPlainTextEdit, QTextEdit)
WHOLE_FIELDS = (QComboBox, QAbstractSpinBox)  # their line edit is a part of them, not a field of its own
CHAIN_LIMIT = 2000


def is_field(widget: QWidget | None) -> bool:
    """Something one types into or chooses in (not a button, a tab bar or a read-only text)."""
    if not isinstance(widget, FIELD_TYPES) or isinstance(widget.parentWidget(), WHOLE_FIELDS):
        return False
    return not (isinstance(widget, TEXT_TYPES) and widget.isReadOnly())


def fields(dialog: QWidget) -> list[QWidget]:
    """The dialog's fields that Tab can reach now, in Tab order."""
    found: list[QWidget] = []
    widget = dialog.nextInFocusChain()
    for _ in range(CHAIN_LIMIT):
        if widget is None or widget is dialog:
            break
        if (is_field(widget) and widget.isEnabled() and widget.isVisibleTo(dialog)
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def _is_empty(widget: QWidget) -> bool:
    if isinstance(widget, QLineEdit):
        return not widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return not widget.toPlainText()
    return False


def first_field(dialog: QWidget, empty: bool = False) -> QWidget | None:
    """The first field in Tab order; ``empty``: the first text field nothing was typed into yet (else the
    first field)."""
    found = fields(dialog)
    if empty:
        for widget in found:
            if isinstance(widget, TEXT_TYPES) and _is_empty(widget):
                return widget
    return found[0] if found else None


def _value(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentIndex(), widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return widget.isChecked()
    if isinstance(widget, QListWidget):
        return tuple(widget.item(i).checkState().value for i in range(widget.count()))
    if isinstance(widget, QTableWidget):
        return widget.rowCount()
    return None


def form_state(dialog: QWidget) -> tuple:
    """What the dialog's fields hold now: equal snapshots mean nothing was typed, ticked or chosen."""
    state = []
    for widget in dialog.findChildren(QWidget):
        value = _value(widget)
        if value is not None:
            state.append(value)
    return tuple(state)


def ask_discard(parent: QWidget) -> bool:
    """“放弃已填写的内容？”: True to throw the input away. 继续填写 is the default and Escape's answer."""
    box = QMessageBox(QMessageBox.Icon.Question, "放弃已填写的内容", DISCARD_QUESTION, parent=parent)
    box.setInformativeText(DISCARD_DETAIL)
    discard = box.addButton("放弃", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("继续填写", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


class DialogKeys(QObject):
    """Watches its dialog: the first field focused when it is shown, Escape guarded once it was changed."""

    # Class defaults: Qt still calls the filter while a closing dialog takes its children down with it.
    _dialog: QDialog | None = None
    _opened: tuple | None = None

    def __init__(self, dialog: QDialog):
        super().__init__(dialog)
        self._dialog = dialog
        self._opened: tuple | None = None
        dialog.installEventFilter(self)

    @property
    def changed(self) -> bool:
        return self._opened is not None and form_state(self._dialog) != self._opened

    def eventFilter(self, obj, event) -> bool:
        if obj is not self._dialog or self._dialog is None:
            return False
        if event.type() == QEvent.Type.Show and not event.spontaneous():
            self._shown()
        elif event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return self.changed and not ask_discard(self._dialog)  # True: the key is used up, the form stays
        return False

    def _shown(self) -> None:
        self._opened = form_state(self._dialog)
        if self._dialog.focusWidget() is None:  # a dialog that chose its own starting field keeps it
            field = first_field(self._dialog)
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)


def install_dialog_keys(dialog: QDialog) -> DialogKeys:
    keys = DialogKeys(dialog)
    dialog.dialog_keys = keys  # kept with the dialog it serves
    return keys
