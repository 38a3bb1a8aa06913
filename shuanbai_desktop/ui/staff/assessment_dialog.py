"""年度考核 of one worker, and 第三方评估 of the station."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ...domain.staff_labels import Grade
from ...services.staff import assessment
from ...services.staff.assessment import (
    DEFAULT_UNITS,
    AssessmentInput,
    AssessmentRow,
    EvaluationInput,
    EvaluationRow,
)
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import dialog_buttons, select_data
from .widgets import OptionalDate, enum_combo, year_spin


def score_text(value) -> str:
    return "" if value is None else f"{value:f}".rstrip("0").rstrip(".")


class _Form(QDialog):
    """Shared frame: a form, the error line, 保存/取消."""

    def _finish(self, form: QFormLayout, fields: dict) -> None:
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, fields)
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _save(self, write) -> None:
        save_and_accept(self, self._ctx, self.errors, write)


class AssessmentDialog(_Form):
    def __init__(self, ctx: AppContext, row: AssessmentRow, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._row = row
        self.saved_id: int | None = None
        self.setWindowTitle(f"年度考核 — {row.name}")
        self.resize(520, 330)
        self.year_spin = year_spin(row.year)
        self.grade_combo = enum_combo(Grade)
        select_data(self.grade_combo, row.grade or Grade.PASS)
        self.score_edit = QLineEdit(score_text(row.score), placeholderText="0–100，可不填")
        self.date_edit = OptionalDate("考核日期")
        self.date_edit.set_value(row.assessed_on)
        self.units_edit = QLineEdit(row.units or DEFAULT_UNITS)
        self.notes_edit = QLineEdit(row.notes)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("人员：", QLabel(f"{row.name}（{row.role.label}）")), ("考核年度：", self.year_spin),
                              ("考核等次：", self.grade_combo), ("考核得分：", self.score_edit),
                              ("考核日期：", self.date_edit), ("考核单位：", self.units_edit), ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        self._finish(form, {"考核年度": self.year_spin, "考核得分": self.score_edit, "考核日期": self.date_edit,
                            "考核单位": self.units_edit, "备注": self.notes_edit})

    def save(self) -> None:
        def write(s):
            data = AssessmentInput(self._row.staff_id, self.year_spin.value(), self.grade_combo.currentData(),
                                   self.score_edit.text(), self.date_edit.value(), self.units_edit.text(),
                                   self.notes_edit.text())
            return assessment.save_assessment(s, data, self._row.id)
        self._save(write)


class EvaluationDialog(_Form):
    def __init__(self, ctx: AppContext, row: EvaluationRow | None, year: int, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._row = row
        self.saved_id: int | None = None
        self.setWindowTitle("第三方评估结果")
        self.resize(520, 300)
        self.year_spin = year_spin(row.year if row else year)
        self.evaluator_edit = QLineEdit(row.evaluator if row else "", placeholderText="受委托的第三方评估机构")
        self.result_combo = enum_combo(Grade)
        select_data(self.result_combo, row.result if row else Grade.GOOD)
        self.score_edit = QLineEdit(score_text(row.score) if row else "", placeholderText="0–100，可不填")
        self.date_edit = OptionalDate("评估日期")
        self.date_edit.set_value(row.evaluated_on if row else None)
        self.notes_edit = QLineEdit(row.notes if row else "")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("评估年度：", self.year_spin), ("评估机构：", self.evaluator_edit),
                              ("评估结果：", self.result_combo), ("评估得分：", self.score_edit),
                              ("评估日期：", self.date_edit), ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        self._finish(form, {"评估年度": self.year_spin, "评估机构": self.evaluator_edit, "评估得分": self.score_edit,
                            "评估日期": self.date_edit, "备注": self.notes_edit})

    def save(self) -> None:
        def write(s):
            data = EvaluationInput(self.year_spin.value(), self.evaluator_edit.text(), self.result_combo.currentData(),
                                   self.score_edit.text(), self.date_edit.value(), self.notes_edit.text())
            return assessment.save_evaluation(s, data, self._row.id if self._row else None)
        self._save(write)
