"""新增/修改培训记录: date(s), title, kind, organiser, hours, certificate, and who attended."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from ...domain.staff_labels import TrainingKind
from ...domain.staff_rules import hours_text
from ...errors import UserError
from ...services.staff import roster, training
from ...services.staff.training import TrainingInput, TrainingRow
from ..context import AppContext
from ..forms import FormErrors
from ..settings.widgets import dialog_buttons, note
from .widgets import (
    OptionalDate,
    StaffChecklist,
    date_edit,
    enum_combo,
    get_date,
    run_write,
    select_data,
    set_date,
)


class TrainingDialog(QDialog):
    def __init__(self, ctx: AppContext, row: TrainingRow | None = None, parent=None):
        super().__init__(parent)
        self._ctx, self._row = ctx, row
        self.saved_id: int | None = None
        self.setWindowTitle("修改培训记录" if row else "新增培训记录")
        self.resize(720, 620)
        self._build()
        if row:
            self._fill(row)

    def _build(self) -> None:
        self.start_edit = date_edit()
        self.end_edit = OptionalDate("结束日期", "多天的培训填写，如 2024-03-06")
        self.title_edit = QLineEdit(placeholderText="如：社会救助政策解读")
        self.title_edit.setMaxLength(100)
        self.kind_combo = enum_combo(TrainingKind)
        select_data(self.kind_combo, TrainingKind.ON_JOB)
        self.organiser_edit = QLineEdit(placeholderText="如：惠州市民政局")
        self.hours_edit = QLineEdit(placeholderText="如 6 或 7.5")
        self.hours_edit.setMaximumWidth(120)
        self.certificate_edit = QLineEdit(placeholderText="如：结业证书、学时证明；没有可不填")
        self.notes_edit = QLineEdit()
        self.people = StaffChecklist()
        with self._ctx.session() as s:
            staff = roster.list_staff(s, None)
        chosen = self._row.staff_ids if self._row else ()
        self.people.set_people([(r.id, f"{r.name}（{r.role_text}）") for r in staff
                                if r.status.value == "active" or r.id in chosen], chosen)
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("至"))
        dates.addWidget(self.end_edit, 1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("培训日期：", dates)
        for label, widget in (("培训名称：", self.title_edit), ("培训类别：", self.kind_combo),
                              ("组织单位：", self.organiser_edit), ("学时：", self.hours_edit),
                              ("证书/证明：", self.certificate_edit), ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        form.addRow("参加人员：", self.people)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "培训日期": self.start_edit, "结束日期": self.end_edit, "培训名称": self.title_edit,
            "组织单位": self.organiser_edit, "学时": self.hours_edit, "证书/证明": self.certificate_edit,
            "备注": self.notes_edit, "参加人员": self.people.list})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(note("岗前培训每人不少于 15 学时；每人每年培训不少于 48 学时。一天的学时不能超过 24。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, row: TrainingRow) -> None:
        set_date(self.start_edit, row.start_date)
        self.end_edit.set_value(row.end_date if row.end_date != row.start_date else None)
        self.title_edit.setText(row.title)
        select_data(self.kind_combo, row.kind)
        self.organiser_edit.setText(row.organiser)
        self.hours_edit.setText(hours_text(row.hours))
        self.certificate_edit.setText(row.certificate)
        self.notes_edit.setText(row.notes)

    def input(self) -> TrainingInput:
        start: date = get_date(self.start_edit)
        return TrainingInput(start, self.title_edit.text(), self.kind_combo.currentData(), self.hours_edit.text(),
                             self.people.checked_ids(), self.end_edit.value(), self.organiser_edit.text(),
                             self.certificate_edit.text(), self.notes_edit.text())

    def save(self) -> None:
        self.errors.clear()
        try:
            data = self.input()
        except UserError as exc:
            self.errors.show(exc)
            return
        saved = run_write(self._ctx, self, lambda s: training.save_training(
            s, data, self._row.id if self._row else None), self.errors)
        if saved is not None:
            self.saved_id = saved
            self.accept()
