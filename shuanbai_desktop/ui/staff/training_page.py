"""培训: the year's trainings, and each worker's hours against the 15-hour pre-job and 48-hour
yearly minimums, shortfalls in red with the hours missing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QSplitter, QVBoxLayout

from ...domain.staff_rules import hours_text
from ...services.permissions import Permission
from ...services.staff import ledgers, training
from ...services.staff.training import TrainingRow
from ..context import AppContext
from ..table_model import Column
from ..widgets import ERROR_STYLE, RED, TooltipRowsModel, fit_columns, make_table
from .export import export_file, today_name
from .training_dialog import TrainingDialog
from .year_records import YearRecordsPage


def _missing(r) -> str:
    if r.year_total < r.year_required:
        return hours_text(r.year_required - r.year_total)
    return ""


def _shortfalls(r) -> str:
    return "；".join(f"{g.kind}还差 {hours_text(g.missing)} 学时" for g in r.shortfalls) or "已达标"


TRAININGS = (Column("日期", lambda t: t.date_text), Column("培训名称", lambda t: t.title),
             Column("类别", lambda t: t.kind.label), Column("学时", lambda t: hours_text(t.hours), align_right=True),
             Column("人数", lambda t: len(t.staff_ids), align_right=True), Column("组织单位", lambda t: t.organiser),
             Column("参加人员", lambda t: "、".join(t.staff_names)))
HOURS = (Column("姓名", lambda r: r.name), Column("岗前累计", lambda r: hours_text(r.pre_job_total), align_right=True),
         Column("本年合计", lambda r: hours_text(r.year_total), align_right=True),
         Column("应完成", lambda r: r.year_required, align_right=True),
         Column("还差", _missing, align_right=True),
         Column("说明", _shortfalls))


class TrainingPage(YearRecordsPage):
    owner_type = "staff_training"
    max_column_width = 220
    add_text = "新增培训…"
    export_text = "导出学时统计…"
    added_text = "已新增培训记录。"
    saved_text = "已保存培训记录。"
    deleted_text = "已删除培训记录。"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, TRAININGS, Permission.STAFF_EDIT, parent)
        self.hours_model = TooltipRowsModel(HOURS, row_color=lambda r: RED if r.shortfalls else None)
        self.hours_table = make_table(self.hours_model)
        self.summary = QLabel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QGroupBox("培训记录")
        right = QGroupBox("每人学时")
        QVBoxLayout(left).addWidget(self.table)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.hours_table)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar())
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notice)
        self.refresh()

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            rows = training.list_trainings(s, year)
            hours = training.hours_table(s, year)
        self.show_rows(rows)
        self.hours_model.set_rows(hours)
        fit_columns(self.hours_table, 120)
        short = sum(1 for r in hours if r.shortfalls)
        if hours:
            self.summary.setText(f"{year}年共 {len(rows)} 次培训；{len(hours)} 人中 {short} 人学时不足。")
        else:
            self.summary.setText("还没有录入工作人员。")
        self.summary.setStyleSheet(ERROR_STYLE if short else "")

    def make_dialog(self, row: TrainingRow | None) -> TrainingDialog:
        return TrainingDialog(self._ctx, row, self)

    def delete_question(self, row: TrainingRow) -> str:
        return f"删除培训记录“{row.title}”（{row.date_text}）？参加人员的学时将相应减少。"

    def delete_record(self, session, record_id: int) -> None:
        training.delete_training(session, record_id)

    def files_title(self, row: TrainingRow) -> str:
        return f"培训附件 — {row.title}"

    def export(self, target=None):
        year = self.year_spin.value()
        return export_file(self._ctx, self, today_name(f"{year}年培训学时统计"),
                           lambda s, p: ledgers.export_training(s, p, year), target)
