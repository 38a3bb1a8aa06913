"""个案 list: by status, worker and stage; open a case's window."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout

from ...domain.target_labels import CaseStage, CaseStatus
from ...services.permissions import Permission
from ...services.targets import cases
from ...services.targets.cases import CaseFilter
from ..context import AppContext
from ..record_list import RecordListPage, count_label, filter_bars
from ..table_model import Column
from ..widgets import (
    GREY,
    day_text,
    fill_enum,
    push_button,
)
from .widgets import worker_combo


def _color(case) -> str | None:
    return GREY if case.status is CaseStatus.CLOSED else None


COLUMNS = (Column("个案号", lambda c: c.case_no), Column("服务对象", lambda c: c.person_name),
           Column("事由", lambda c: c.title), Column("负责社工", lambda c: c.worker_name),
           Column("进度", lambda c: c.stage_text), Column("来源", lambda c: c.source.label),
           Column("开案", lambda c: day_text(c.opened_on)), Column("结案", lambda c: day_text(c.closed_on)))


class CasesPage(RecordListPage):
    """The area opens a case's window (``openRequested``) and the new-case dialog (``newRequested``)."""

    openRequested = Signal(int)
    newRequested = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self.search_edit = QLineEdit(placeholderText="个案号、服务对象姓名或事由")
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部个案", None)
        fill_enum(self.status_filter, CaseStatus)
        self.status_filter.setCurrentIndex(self.status_filter.findData(CaseStatus.OPEN.value))
        self.stage_filter = QComboBox()
        self.stage_filter.addItem("全部步骤", None)
        fill_enum(self.stage_filter, CaseStage)
        self.worker_filter = worker_combo(ctx, "全部社工")
        for signal in (self.search_edit.textChanged, self.status_filter.currentIndexChanged,
                       self.stage_filter.currentIndexChanged, self.worker_filter.currentIndexChanged):
            signal.connect(self.refresh)
        self.new_button = push_button("新开个案…", self.newRequested.emit)
        self.open_button = push_button("打开个案…", self.open_selected)
        self.new_button.setVisible(ctx.can(Permission.CASE_OPEN))
        self.open_button.setVisible(ctx.can(Permission.CASE_READ))
        self.count_label = count_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filter_bars([self.search_edit, self.status_filter, self.stage_filter, self.worker_filter],
                                     [self.new_button, self.open_button], self.count_label))
        layout.addWidget(self.table, 1)

    def refresh(self, *_args) -> None:
        status = self.status_filter.currentData()
        stage = self.stage_filter.currentData()
        flt = CaseFilter(CaseStatus(status) if status else None, self.worker_filter.currentData(),
                         stage=CaseStage(stage) if stage else None, text=self.search_edit.text())
        with self._ctx.session() as s:
            rows = cases.list_cases(s, flt)
        self.show_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 个个案")

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None and self._ctx.can(Permission.CASE_READ):
            self.openRequested.emit(row.id)
