"""个案 list: by status, worker and stage; open a case's window."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...services.permissions import Permission
from ...services.targets import cases
from ...services.targets.cases import CaseFilter
from ...services.targets.labels import CaseStage, CaseStatus
from ..context import AppContext
from ..persons.common import fill_enum
from ..settings.widgets import NOTE_STYLE, fit_columns, make_table, selected_row
from ..table_model import Column, RowsTableModel
from .widgets import d, worker_combo

COLUMNS = (Column("个案号", lambda c: c.case_no), Column("服务对象", lambda c: c.person_name),
           Column("事由", lambda c: c.title), Column("负责社工", lambda c: c.worker_name),
           Column("进度", lambda c: c.stage_text), Column("来源", lambda c: c.source.label),
           Column("开案", lambda c: d(c.opened_on)), Column("结案", lambda c: d(c.closed_on)))


class CasesPage(QWidget):
    openRequested = Signal(int)
    newRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.search_edit = QLineEdit(placeholderText="个案号、服务对象姓名或事由")
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部个案", None)
        fill_enum(self.status_filter, CaseStatus)
        select = self.status_filter.findData(CaseStatus.OPEN.value)
        self.status_filter.setCurrentIndex(select)
        self.stage_filter = QComboBox()
        self.stage_filter.addItem("全部步骤", None)
        fill_enum(self.stage_filter, CaseStage)
        self.worker_filter = worker_combo(ctx, "全部社工")
        for signal in (self.search_edit.textChanged, self.status_filter.currentIndexChanged,
                       self.stage_filter.currentIndexChanged, self.worker_filter.currentIndexChanged):
            signal.connect(self.refresh)
        self.model = RowsTableModel(COLUMNS, row_color=lambda c: "#80868b" if c.status is CaseStatus.CLOSED else None)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.open_selected())
        self.new_button, self.open_button = QPushButton("新开个案…"), QPushButton("打开个案…")
        self.new_button.clicked.connect(self.newRequested.emit)
        self.open_button.clicked.connect(self.open_selected)
        self.new_button.setVisible(ctx.can(Permission.CASE_OPEN))
        self.open_button.setVisible(ctx.can(Permission.CASE_READ))
        self.count_label = QLabel()
        self.count_label.setStyleSheet(NOTE_STYLE)
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 2)
        for combo in (self.status_filter, self.stage_filter, self.worker_filter):
            filters.addWidget(combo, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def refresh(self, *_args) -> None:
        status, stage = self.status_filter.currentData(), self.stage_filter.currentData()
        flt = CaseFilter(CaseStatus(status) if status else None, self.worker_filter.currentData(),
                         stage=CaseStage(stage) if stage else None, text=self.search_edit.text())
        with self._ctx.session() as s:
            rows = cases.list_cases(s, flt)
        self.model.set_rows(rows)
        fit_columns(self.table, 260)
        self.count_label.setText(f"共 {len(rows)} 个个案")

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None and self._ctx.can(Permission.CASE_READ):
            self.openRequested.emit(self.model.row(row).id)
