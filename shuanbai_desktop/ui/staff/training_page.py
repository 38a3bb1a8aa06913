"""培训: the year's trainings, and each worker's hours against the 15-hour pre-job and 48-hour
yearly minimums, shortfalls in red with the hours missing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...domain.staff_rules import hours_text
from ...services.permissions import Permission
from ...services.staff import ledgers, training
from ...services.staff.training import TrainingRow
from .. import messages
from ..context import AppContext
from ..settings.widgets import OK_STYLE, TooltipRowsModel, fit_columns, make_table, note, selected_row
from ..table_model import Column
from .attachments_dialog import StaffAttachmentsDialog
from .export import export_file, today_name
from .training_dialog import TrainingDialog
from .widgets import RED, run_write, year_spin

TRAININGS = (Column("日期", lambda t: t.date_text), Column("培训名称", lambda t: t.title),
             Column("类别", lambda t: t.kind.label), Column("学时", lambda t: hours_text(t.hours), align_right=True),
             Column("人数", lambda t: len(t.staff_ids), align_right=True), Column("组织单位", lambda t: t.organiser),
             Column("参加人员", lambda t: "、".join(t.staff_names)))
HOURS = (Column("姓名", lambda r: r.name), Column("岗前累计", lambda r: hours_text(r.pre_job_total), align_right=True),
         Column("本年合计", lambda r: hours_text(r.year_total), align_right=True),
         Column("应完成", lambda r: r.year_required, align_right=True),
         Column("还差", lambda r: hours_text(r.year_required - r.year_total) if r.year_total < r.year_required else "",
                align_right=True),
         Column("说明", lambda r: "；".join(f"{g.kind}还差 {hours_text(g.missing)} 学时" for g in r.shortfalls)
                or "已达标"))


class TrainingPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx, self._edit = ctx, ctx.can(Permission.STAFF_EDIT)
        self.dialog = None
        self.year_spin = year_spin()
        self.year_spin.valueChanged.connect(self.refresh)
        self.model = TooltipRowsModel(TRAININGS)
        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.hours_model = TooltipRowsModel(HOURS, row_color=lambda r: RED if r.shortfalls else None)
        self.hours_table = make_table(self.hours_model)
        self.summary = QLabel()
        self.notice = note(style=OK_STYLE)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left, right = QGroupBox("培训记录"), QGroupBox("每人学时")
        QVBoxLayout(left).addWidget(self.table)
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.hours_table)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notice)
        self.refresh()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        row.addWidget(self.year_spin)
        row.addStretch(1)
        self.add_button, self.edit_button = QPushButton("新增培训…"), QPushButton("修改…")
        self.delete_button, self.files_button = QPushButton("删除"), QPushButton("附件…")
        self.export_button = QPushButton("导出学时统计…")
        actions = ((self.add_button, self.add), (self.edit_button, self.edit), (self.delete_button, self.delete),
                   (self.files_button, self.open_files), (self.export_button, self.export))
        for button, slot in actions:
            button.clicked.connect(lambda *_, f=slot: f())
            if self._edit or button in (self.files_button, self.export_button):
                row.addWidget(button)
        if self._edit:
            self.table.doubleClicked.connect(lambda *_: self.edit())
        return row

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            rows, hours = training.list_trainings(s, year), training.hours_table(s, year)
        self.model.set_rows(rows)
        self.hours_model.set_rows(hours)
        fit_columns(self.table, 220)
        fit_columns(self.hours_table, 120)
        short = sum(1 for r in hours if r.shortfalls)
        self.summary.setText(f"{year}年共 {len(rows)} 次培训；{len(hours)} 人中 {short} 人学时不足。"
                             if hours else "还没有录入工作人员。")
        self.summary.setStyleSheet(f"color: {RED};" if short else "")
        self._update_buttons()

    def selected(self) -> TrainingRow | None:
        row = selected_row(self.table)
        return self.model.row(row) if row is not None else None

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.delete_button, self.files_button):
            button.setEnabled(chosen)

    def _open(self, dialog: TrainingDialog, text: str) -> TrainingDialog:
        dialog.accepted.connect(lambda: (self.refresh(), self.notice.setText(text)))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add(self) -> TrainingDialog:
        return self._open(TrainingDialog(self._ctx, None, self), "已新增培训记录。")

    def edit(self) -> TrainingDialog | None:
        row = self.selected()
        return self._open(TrainingDialog(self._ctx, row, self), "已保存培训记录。") if row else None

    def delete(self) -> None:
        row = self.selected()
        if row and messages.confirm(self, f"删除培训记录“{row.title}”（{row.date_text}）？参加人员的学时将相应减少。"):
            if run_write(self._ctx, self, lambda s: training.delete_training(s, row.id) or True):
                self.refresh()
                self.notice.setText("已删除培训记录。")

    def open_files(self) -> None:
        row = self.selected()
        if row is not None:
            StaffAttachmentsDialog(self._ctx, "staff_training", row.id, f"培训附件 — {row.title}", self._edit,
                                   self).exec()

    def export(self, target=None):
        year = self.year_spin.value()
        return export_file(self._ctx, self, today_name(f"{year}年培训学时统计"),
                           lambda s, p: ledgers.export_training(s, p, year), target)
