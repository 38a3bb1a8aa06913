"""新增/修改督导记录: the supervisor's visit, its hours, topics and who took part."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from ...domain.staff_rules import hours_text
from ...services.staff import supervision
from ...services.staff.supervision import SupervisionInput, SupervisionRow
from ..context import AppContext
from ..widgets import date_value
from .participants_dialog import ParticipantsDialog


class SupervisionDialog(ParticipantsDialog):
    def __init__(self, ctx: AppContext, row: SupervisionRow | None = None, parent=None):
        super().__init__(ctx, row, "修改督导记录" if row else "新增督导记录", "跨天的督导填写，如 2024-03-06", parent)
        self.resize(720, 640)
        self.supervisor_edit = QLineEdit(placeholderText="督导员姓名")
        self.supervisor_edit.setMaxLength(40)
        self.org_edit = QLineEdit(placeholderText="如：惠州市双百工程督导中心")
        self.hours_edit = QLineEdit(placeholderText="如 16")
        self.hours_edit.setMaximumWidth(120)
        self.topics_edit = QPlainTextEdit()
        self.topics_edit.setPlaceholderText("督导主题、个案讨论、发现的问题和改进意见")
        self.topics_edit.setFixedHeight(90)
        self.notes_edit = QLineEdit()
        self.fill_people(row.staff_ids if row else None)
        self.form.addRow("督导日期：", self.date_row())
        for label, widget in (("督导员：", self.supervisor_edit), ("督导机构：", self.org_edit),
                              ("督导时长：", self.hours_edit), ("督导内容：", self.topics_edit),
                              ("备注：", self.notes_edit)):
            self.form.addRow(label, widget)
        self.finish({"督导日期": self.start_edit, "督导员": self.supervisor_edit, "督导机构": self.org_edit,
                     "督导时长": self.hours_edit, "督导内容": self.topics_edit, "备注": self.notes_edit},
                    "督导员每月至少督导 1 次，每次不少于 16 小时（小时数，跨天的合计填写）。")
        if row:
            self._fill(row)

    def _fill(self, row: SupervisionRow) -> None:
        self.start_edit.setDate(row.visit_date)
        self.end_value(row.visit_date, row.end_date)
        self.supervisor_edit.setText(row.supervisor)
        self.org_edit.setText(row.organisation)
        self.hours_edit.setText(hours_text(row.hours))
        self.topics_edit.setPlainText(row.topics)
        self.notes_edit.setText(row.notes)

    def input(self) -> SupervisionInput:
        return SupervisionInput(date_value(self.start_edit), self.supervisor_edit.text(), self.hours_edit.text(),
                                self.people.checked_ids(), self.end_edit.value(), self.org_edit.text(),
                                self.topics_edit.toPlainText(), self.notes_edit.text())

    def save_record(self, session, data: SupervisionInput, record_id: int | None) -> int:
        return supervision.save_supervision(session, data, record_id)
