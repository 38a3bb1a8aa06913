"""Field-level error display (the message under the form, the field outlined in red), and ``run_write``:
one transaction from a screen, a rule not met shown to the user."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from ..errors import UserError
from .widgets import ERROR_STYLE, RED

if TYPE_CHECKING:  # the log-in window uses FormErrors before the services are loaded
    from .context import AppContext

FIELD_ERROR_STYLE = f"border: 1px solid {RED}; border-radius: 3px; padding: 2px 1px;"  # keeps the field's height


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


def run_write(ctx: AppContext, parent: QWidget | None, action: Callable[[Any], Any],
              errors: FormErrors | None = None) -> bool:
    """``action(session)`` in one transaction; True when it was saved. A rule not met is shown at its field
    (``errors``) or in a message box, nothing is saved and False is returned. A reported month's lock offers
    the administrator the reason prompt either way."""
    from . import messages
    try:
        with ctx.session() as session:
            action(session)
    except UserError as exc:
        if errors is not None:
            errors.show(exc)
        elif not handle_special(exc, parent):
            messages.error(parent, exc.message)
        return False
    return True


def save_and_accept(dialog, ctx: AppContext, errors: FormErrors, write: Callable[[Any], int]) -> bool:
    """保存 of an editing dialog: ``write(session)`` saves and returns the record's id, kept as
    ``dialog.saved_id``; the dialog closes as accepted. A rule not met stays in the dialog at its field."""
    errors.clear()

    def save(session) -> None:
        dialog.saved_id = write(session)
    if not run_write(ctx, dialog, save, errors):
        return False
    dialog.accept()
    return True
