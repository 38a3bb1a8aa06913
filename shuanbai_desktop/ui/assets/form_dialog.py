"""A small form dialog: 确定 runs ``write(session, today)`` in one transaction; a rule not met is shown
at its field and nothing is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from ...errors import UserError
from ..context import AppContext
from ..forms import FormErrors
from ..settings.widgets import dialog_buttons, note


class FormDialog(QDialog):
    """A small form whose 确定 runs ``write(session)`` in one transaction; errors go to their field."""

    def __init__(self, ctx: AppContext, title: str, hint: str, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QWidget] = {}
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {})
        buttons, self.save_button = dialog_buttons(self, "确定")
        self.save_button.clicked.connect(lambda: self.save())
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note(hint))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def add(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(f"{label}：", widget)
        self.fields[label] = widget
        self.errors = FormErrors(self.error_label, self.fields)
        return widget

    def write(self, session: Session, today: date | None) -> None:
        raise NotImplementedError

    def save(self, today: date | None = None) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                self.write(s, today)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


