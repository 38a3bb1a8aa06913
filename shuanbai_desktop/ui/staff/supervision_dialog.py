"""新增/修改督导记录: the supervisor's visit, its hours, topics and who took part."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ...domain.staff_rules import hours_text
from ...errors import UserError
from ...services.staff import roster, supervision
from ...services.staff.supervision import SupervisionInput, SupervisionRow
from ..context import AppContext
from ..forms import FormErrors
from ..settings.widgets import dialog_buttons, note
from .widgets import OptionalDate, StaffChecklist, date_edit, get_date, run_write, set_date


class SupervisionDialog(QDialog):
    def __init__(self, ctx: AppContext, row: SupervisionRow | None = None, parent=None):
        super().__init__(parent)
        self._ctx, self._row = ctx, row
        self.saved_id: int | None = None
        self.setWindowTitle("修改督导记录" if row else "新增督导记录")
        self.resize(720, 640)
        self._build()
        if row:
            self._fill(row)

    def _build(self) -> None:
        self.date_edit = date_edit()
        self.end_edit = OptionalDate("结束日期", "跨天的督导填写，如 2024-03-06")
        self.supervisor_edit = QLineEdit(placeholderText="督导员姓名")
        self.supervisor_edit.setMaxLength(40)
        self.org_edit = QLineEdit(placeholderText="如：惠州市双百工程督导中心")
        self.hours_edit = QLineEdit(placeholderText="如 16")
        self.hours_edit.setMaximumWidth(120)
        self.topics_edit = QPlainTextEdit()
        self.topics_edit.setPlaceholderText("督导主题、个案讨论、发现的问题和改进意见")
        self.topics_edit.setFixedHeight(90)
        self.notes_edit = QLineEdit()
        self.people = StaffChecklist()
        with self._ctx.session() as s:
            staff = roster.list_staff(s, None)
        chosen = self._row.staff_ids if self._row else tuple(r.id for r in staff if r.status.value == "active")
        self.people.set_people([(r.id, f"{r.name}（{r.role_text}）") for r in staff
                                if r.status.value == "active" or r.id in chosen], chosen)
        dates = QHBoxLayout()
        dates.addWidget(self.date_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.end_edit, 1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("督导日期：", dates)
        for label, widget in (("督导员：", self.supervisor_edit), ("督导机构：", self.org_edit),
                              ("督导时长：", self.hours_edit), ("督导内容：", self.topics_edit),
                              ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        form.addRow("参加人员：", self.people)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "督导日期": self.date_edit, "结束日期": self.end_edit, "督导员": self.supervisor_edit,
            "督导机构": self.org_edit, "督导时长": self.hours_edit, "督导内容": self.topics_edit,
            "备注": self.notes_edit, "参加人员": self.people.list})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(note("督导员每月至少督导 1 次，每次不少于 16 小时（小时数，跨天的合计填写）。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, row: SupervisionRow) -> None:
        set_date(self.date_edit, row.visit_date)
        self.end_edit.set_value(row.end_date if row.end_date != row.visit_date else None)
        self.supervisor_edit.setText(row.supervisor)
        self.org_edit.setText(row.organisation)
        self.hours_edit.setText(hours_text(row.hours))
        self.topics_edit.setPlainText(row.topics)
        self.notes_edit.setText(row.notes)

    def input(self) -> SupervisionInput:
        return SupervisionInput(get_date(self.date_edit), self.supervisor_edit.text(), self.hours_edit.text(),
                                self.people.checked_ids(), self.end_edit.value(), self.org_edit.text(),
                                self.topics_edit.toPlainText(), self.notes_edit.text())

    def save(self) -> None:
        self.errors.clear()
        try:
            data = self.input()
        except UserError as exc:
            self.errors.show(exc)
            return
        saved = run_write(self._ctx, self, lambda s: supervision.save_supervision(
            s, data, self._row.id if self._row else None), self.errors)
        if saved is not None:
            self.saved_id = saved
            self.accept()
