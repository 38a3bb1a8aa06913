"""新开个案 (识别对象): the person, the matter, its source, the first description, the case worker."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from ...domain.target_labels import CaseSource
from ...errors import UserError
from ...services import persons
from ...services.targets import cases
from ...services.targets.cases import CaseInput
from ..context import AppContext
from ..forms import FormErrors
from ..persons.picker import PersonPicker
from ..widgets import date_edit, date_value, dialog_buttons, fill_enum, select_data
from .widgets import worker_combo


class CaseOpenDialog(QDialog):
    """After acceptance ``case_id`` is the new case."""

    def __init__(self, ctx: AppContext, person_id: int | None = None, parent=None, source: CaseSource | None = None,
                 description: str = "", source_visit_id: int | None = None, title: str = "",
                 window_matter_id: int | None = None):
        """``window_matter_id``: 窗口转介 — the service window turns one of its matters into a case."""
        super().__init__(parent)
        self._ctx = ctx
        self._visit = source_visit_id
        self._matter = window_matter_id
        self.case_id: int | None = None
        self.setWindowTitle("新开个案（识别对象）")
        self.resize(640, 600)
        self.picker = PersonPicker(ctx)
        self.picker.setMaximumHeight(220)
        self.title_edit = QLineEdit(title, placeholderText="一句话说明要帮助解决的事，例如：独居老人生活照料")
        self.source_combo = fill_enum(QComboBox(), CaseSource)
        self.source_detail = QLineEdit(placeholderText="例如：2024-03-05 入户走访发现；某村委会电话报告")
        self.description = QPlainTextEdit(description)
        self.description.setPlaceholderText("对象的基本情况和问题")
        self.opened = date_edit(not_after_today=True)
        self.worker = worker_combo(ctx)
        select_data(self.worker, ctx.user.id)
        if window_matter_id is not None:
            source = CaseSource.WINDOW
            self.source_detail.setText(f"窗口事项 {window_matter_id}")
            self.source_combo.setEnabled(False)
        if source:
            select_data(self.source_combo, source.value)
        form = QFormLayout()
        for label, widget in (("个案事由：", self.title_edit), ("对象来源：", self.source_combo),
                              ("来源说明：", self.source_detail), ("基本情况：", self.description),
                              ("开案日期：", self.opened), ("负责社工：", self.worker)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"服务对象": self.picker.search_edit, "个案事由": self.title_edit,
                                                    "来源说明": self.source_detail, "基本情况": self.description,
                                                    "开案日期": self.opened})
        buttons, self.save_button = dialog_buttons(self, "开案")
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("服务对象："))
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        if person_id:
            with ctx.session() as s:
                name = persons.get_person(s, person_id).name
            self.picker.search_edit.setText(name)
            self.picker.set_person(person_id)

    def save(self) -> None:
        self.errors.clear()
        person = self.picker.chosen_id()
        if person is None:
            self.errors.show(UserError("请先查找并选择服务对象（回车或双击选中）。", field="服务对象"))
            return
        data = CaseInput(person, self.title_edit.text(), CaseSource(self.source_combo.currentData()),
                         self.description.toPlainText(), date_value(self.opened), self.worker.currentData(),
                         self.source_detail.text(), self._visit, self._matter)
        try:
            with self._ctx.session() as s:
                self.case_id = cases.open_case(s, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
