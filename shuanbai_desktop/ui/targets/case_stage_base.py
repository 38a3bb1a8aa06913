"""The frame of the case window's stage tabs: a form with an error line and a 保存/添加 button, or a list
of the stage's records above the form that adds to it. The stages themselves are in case_stages.py."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.targets.case_detail import CaseDetail
from ..forms import FormErrors
from ..table_model import Column, RowsTableModel
from ..widgets import fit_columns, make_table

Writer = Callable[[Callable, FormErrors], bool]


def text_box(height: int = 60, hint: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(height)
    edit.setPlaceholderText(hint)
    return edit


class Stage(QWidget):
    """A page with a form, an error line and a 保存/添加 button; ``write`` runs one transaction."""

    button_text = "保存"

    def __init__(self, write: Writer, parent=None):
        super().__init__(parent)
        self._write = write
        self.detail: CaseDetail | None = None
        self.layout_ = QVBoxLayout(self)
        self.error_label = QLabel()
        self.button = QPushButton(self.button_text)
        self.button.clicked.connect(self.submit)
        self.form = QFormLayout()

    def finish(self, fields: dict[str, QWidget]) -> None:
        self.errors = FormErrors(self.error_label, fields)
        self.layout_.addLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(self.error_label, 1)
        row.addStretch(0)
        row.addWidget(self.button)
        self.layout_.addLayout(row)

    def set_editable(self, on: bool) -> None:
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if item and item.widget():
                item.widget().setEnabled(on)
        self.button.setEnabled(on)

    def submit(self) -> None:
        if self._write(self.action(), self.errors):
            self.after_save()

    def after_save(self) -> None:
        pass

    def action(self) -> Callable:
        raise NotImplementedError

    def show_detail(self, detail: CaseDetail) -> None:
        self.detail = detail


class RecordsStage(Stage):
    """A record list above the form that adds to it."""

    button_text = "添加"
    columns: tuple[Column, ...] = ()

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.model = RowsTableModel(self.columns)
        self.table = make_table(self.model)
        self.layout_.addWidget(self.table, 1)

    def rows(self, detail: CaseDetail):
        raise NotImplementedError

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        self.model.set_rows(self.rows(detail))
        fit_columns(self.table, 300)

    def after_save(self) -> None:
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            w = item.widget() if item else None
            if isinstance(w, QLineEdit | QPlainTextEdit):
                w.clear()


