"""新增/修改培训记录: date(s), title, kind, organiser, hours, certificate, and who attended."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ...domain.staff_labels import TrainingKind
from ...domain.staff_rules import hours_text
from ...services.staff import training
from ...services.staff.training import TrainingInput, TrainingRow
from ..context import AppContext
from ..widgets import date_value, select_data
from .participants_dialog import ParticipantsDialog
from .widgets import enum_combo


class TrainingDialog(ParticipantsDialog):
    def __init__(self, ctx: AppContext, row: TrainingRow | None = None, parent=None):
        super().__init__(ctx, row, "修改培训记录" if row else "新增培训记录", "多天的培训填写，如 2024-03-06", parent)
        self.resize(720, 620)
        self.title_edit = QLineEdit(placeholderText="如：社会救助政策解读")
        self.title_edit.setMaxLength(100)
        self.kind_combo = enum_combo(TrainingKind)
        select_data(self.kind_combo, TrainingKind.ON_JOB)
        self.organiser_edit = QLineEdit(placeholderText="如：惠州市民政局")
        self.hours_edit = QLineEdit(placeholderText="如 6 或 7.5")
        self.hours_edit.setMaximumWidth(120)
        self.certificate_edit = QLineEdit(placeholderText="如：结业证书、学时证明；没有可不填")
        self.notes_edit = QLineEdit()
        self.fill_people(row.staff_ids if row else ())
        self.form.addRow("培训日期：", self.date_row())
        for label, widget in (("培训名称：", self.title_edit), ("培训类别：", self.kind_combo),
                              ("组织单位：", self.organiser_edit), ("学时：", self.hours_edit),
                              ("证书/证明：", self.certificate_edit), ("备注：", self.notes_edit)):
            self.form.addRow(label, widget)
        self.finish({"培训日期": self.start_edit, "培训名称": self.title_edit, "组织单位": self.organiser_edit,
                     "学时": self.hours_edit, "证书/证明": self.certificate_edit, "备注": self.notes_edit},
                    "岗前培训每人不少于 15 学时；每人每年培训不少于 48 学时。一天的学时不能超过 24。")
        if row:
            self._fill(row)

    def _fill(self, row: TrainingRow) -> None:
        self.start_edit.setDate(row.start_date)
        self.end_value(row.start_date, row.end_date)
        self.title_edit.setText(row.title)
        select_data(self.kind_combo, row.kind)
        self.organiser_edit.setText(row.organiser)
        self.hours_edit.setText(hours_text(row.hours))
        self.certificate_edit.setText(row.certificate)
        self.notes_edit.setText(row.notes)

    def input(self) -> TrainingInput:
        return TrainingInput(date_value(self.start_edit), self.title_edit.text(), self.kind_combo.currentData(),
                             self.hours_edit.text(), self.people.checked_ids(), self.end_edit.value(),
                             self.organiser_edit.text(), self.certificate_edit.text(), self.notes_edit.text())

    def save_record(self, session, data: TrainingInput, record_id: int | None) -> int:
        return training.save_training(session, data, record_id)
