"""A small form dialog built row by row (``add(label, widget)``): 确定 runs ``write(session, today)`` in one
transaction; a rule not met is shown at its field and nothing is saved. The assets' and archives' event
dialogs (领用, 盘点, 借出, 销毁 …) and the account dialogs of 设置 → 用户 are made with it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from .context import AppContext
from .forms import FormErrors, run_write
from .widgets import dialog_buttons, note


class FormDialog(QDialog):
    """A small form whose 确定 runs ``write(session)`` in one transaction; errors go to their field."""

    def __init__(self, ctx: AppContext, title: str, hint: str, parent=None, ok_text: str = "确定"):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QWidget] = {}
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {})
        buttons, self.save_button = dialog_buttons(self, ok_text)
        self.save_button.clicked.connect(self.confirm)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        if hint:
            layout.addWidget(note(hint))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def add(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(f"{label}：", widget)
        self.fields[label] = widget
        self.errors = FormErrors(self.error_label, self.fields)
        return widget

    def check(self) -> None:
        """Checks that need no database (a repeated password), before ``write``."""

    def write(self, session: Session, today: date | None) -> None:
        raise NotImplementedError

    def confirm(self) -> None:
        self.save()

    def save(self, today: date | None = None) -> None:
        """``today``: the day the rules are checked against (tests pass one; the screen uses the clock)."""
        self.errors.clear()

        def check_and_write(session: Session) -> None:
            self.check()
            self.write(session, today)
        if run_write(self._ctx, self, check_and_write, self.errors):
            self.accept()


