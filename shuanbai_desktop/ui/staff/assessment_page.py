"""考核评估: each worker's annual assessment for the chosen year (due by the end of October) and
the station's third-party evaluations (due by the end of December), reports attached."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout

from ...services.staff import assessment, ledgers
from ...services.staff.assessment import AssessmentRow, EvaluationRow
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import RED, TooltipRowsModel, fit_columns, make_table, push_button, selected_row
from .assessment_dialog import AssessmentDialog, EvaluationDialog, score_text
from .attachments import staff_attachments
from .export import export_file, today_name
from .widgets import year_spin

ASSESSMENTS = (Column("姓名", lambda r: r.name), Column("岗位角色", lambda r: r.role.label),
               Column("考核等次", lambda r: r.grade.label if r.grade else "未考核"),
               Column("得分", lambda r: score_text(r.score), align_right=True),
               Column("考核日期", lambda r: f"{r.assessed_on:%Y-%m-%d}" if r.assessed_on else ""),
               Column("考核单位", lambda r: r.units), Column("备注", lambda r: r.notes))
EVALUATIONS = (Column("评估年度", lambda e: e.year), Column("评估机构", lambda e: e.evaluator),
               Column("评估结果", lambda e: e.result.label), Column("得分", lambda e: score_text(e.score)),
               Column("评估日期", lambda e: f"{e.evaluated_on:%Y-%m-%d}" if e.evaluated_on else ""),
               Column("备注", lambda e: e.notes))


def _color(r: AssessmentRow) -> str | None:
    if r.grade is None or not r.grade.passed:
        return RED
    return None


class AssessmentPage(RecordListPage):
    """The list is the year's assessments of each worker; the station's evaluations are a second table below."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, ASSESSMENTS, parent, row_color=_color)
        self.year_spin = year_spin()
        self.year_spin.valueChanged.connect(self.refresh)
        self.eval_model = TooltipRowsModel(EVALUATIONS)
        self.eval_table = make_table(self.eval_model)
        self.eval_table.activated.connect(self.edit_evaluation)
        self.summary = QLabel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._assessment_box())
        splitter.addWidget(self._evaluation_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度："))
        top.addWidget(self.year_spin)
        top.addWidget(self.summary, 1)
        self.export_button = push_button("导出考核结果…", self.export)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notice)
        self.refresh()

    def _assessment_box(self) -> QGroupBox:
        box = QGroupBox("工作人员年度考核（每年 10 月底前，由乡镇(街道)会同县(区)民政、财政等部门实施）")
        self.assess_button = push_button("录入/修改考核…", self.edit_assessment)
        self.remove_button = push_button("删除考核结果", self.remove_assessment)
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.assess_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        return box

    def _evaluation_box(self) -> QGroupBox:
        box = QGroupBox("社工站第三方评估（每年 12 月底前）")
        self.eval_add = push_button("录入评估结果…", self.add_evaluation)
        self.eval_edit = push_button("修改…", self.edit_evaluation)
        self.eval_files = push_button("评估报告…", self.evaluation_files)
        self.eval_delete = push_button("删除", self.delete_evaluation)
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        for button in (self.eval_add, self.eval_edit, self.eval_files, self.eval_delete):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.eval_table, 1)
        return box

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            rows = assessment.assessments(s, year)
            evaluations = assessment.list_evaluations(s)
        self.show_rows(rows)
        self.eval_model.set_rows(evaluations)
        fit_columns(self.eval_table, 260)
        missing = sum(1 for r in rows if r.grade is None)
        text = f"　{year}年度：{len(rows)} 人，已考核 {len(rows) - missing} 人"
        if missing:
            text += f"，未考核 {missing} 人"
        self.summary.setText(text)

    def row_key(self, row: AssessmentRow) -> int:
        return row.staff_id

    def open_selected(self) -> None:
        self.edit_assessment()

    def selected_evaluation(self) -> EvaluationRow | None:
        row = selected_row(self.eval_table)
        return self.eval_model.row(row) if row is not None else None

    def edit_assessment(self) -> AssessmentDialog | None:
        row = self.selected_or_say("请先在表格中选中一名人员。", "未选择人员")
        if row is None:
            return None
        return self.open_dialog(AssessmentDialog(self._ctx, row, self), f"已保存“{row.name}”的年度考核。")

    def remove_assessment(self) -> None:
        row = self.selected()
        if row is None or row.id is None:
            return
        if messages.confirm(self, f"删除“{row.name}”{row.year}年度的考核结果？"):
            if run_write(self._ctx, self, lambda s: assessment.delete_assessment(s, row.id)):
                self.refresh()

    def add_evaluation(self) -> EvaluationDialog:
        return self.open_dialog(EvaluationDialog(self._ctx, None, self.year_spin.value(), self), "已录入第三方评估结果。")

    def edit_evaluation(self) -> EvaluationDialog | None:
        row = self.selected_evaluation()
        if row is None:
            return None
        return self.open_dialog(EvaluationDialog(self._ctx, row, row.year, self), "已保存第三方评估结果。")

    def evaluation_files(self) -> None:
        row = self.selected_evaluation()
        if row is not None:
            self.open_dialog(staff_attachments(self._ctx, "staff_evaluation", row.id, f"{row.year}年度第三方评估报告",
                                               True, self))

    def delete_evaluation(self) -> None:
        row = self.selected_evaluation()
        if row and messages.confirm(self, f"删除{row.year}年度的第三方评估结果？"):
            if run_write(self._ctx, self, lambda s: assessment.delete_evaluation(s, row.id)):
                self.refresh()

    def export(self, target=None):
        year = self.year_spin.value()
        return export_file(self._ctx, self, today_name(f"{year}年度考核结果"),
                           lambda s, p: ledgers.export_assessments(s, p, year), target)
