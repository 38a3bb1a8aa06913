"""Field-level error display: the message under the form, the field outlined in red."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ..errors import UserError

ERROR_STYLE = "color: #b3261e;"
FIELD_ERROR_STYLE = "border: 1px solid #b3261e; border-radius: 3px;"


# Handlers for errors that need more than a message (a reported month: the administrator may give a
# reason). Each returns True when it dealt with the error. Registered by the feature that owns it.
SPECIAL_HANDLERS: list = []


def handle_special(exc: UserError, parent: QWidget | None) -> bool:
    return any(handler(exc, parent) for handler in SPECIAL_HANDLERS)


class FormErrors:
    """Maps the ``field`` of a UserError to its widget; shows the message in ``label``."""

    def __init__(self, label: QLabel, fields: dict[str, QWidget]):
        self._label = label
        self._fields = fields
        self._marked: QWidget | None = None
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()

    def show(self, exc: UserError) -> None:
        self.clear()
        if handle_special(exc, self._label):
            return
        self._label.setText(exc.message)
        self._label.show()
        widget = self._fields.get(exc.field or "")
        if widget is not None:
            widget.setStyleSheet(FIELD_ERROR_STYLE)
            widget.setFocus()
            self._marked = widget

    def clear(self) -> None:
        self._label.clear()
        self._label.hide()
        if self._marked is not None:
            self._marked.setStyleSheet("")
            self._marked = None

    @property
    def text(self) -> str:
        return self._label.text()
