"""入户走访: households due and overdue (per worker, per village), and the visits recorded."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout

from ...services.permissions import Permission
from ...services.targets import visits
from ...services.targets.visits import VisitFilter
from ..context import AppContext
from ..persons.common import village_combo
from ..record_list import RecordListPage
from ..table_model import Column, RowsTableModel
from ..widgets import RED, day_text, fit_columns, make_table, push_button
from .widgets import section, worker_combo

DUE_COLUMNS = (Column("状态", lambda v: v.state), Column("户名", lambda v: v.household_name),
               Column("村(居)", lambda v: v.village_name), Column("负责社工", lambda v: v.worker_name),
               Column("上次走访", lambda v: day_text(v.last_visit)), Column("风险", lambda v: v.risk.label if v.risk else ""),
               Column("应访日期", lambda v: day_text(v.next_due)))
COUNT_COLUMNS = (Column("社工/村(居)", lambda c: c.key), Column("已超期（户）", lambda c: c.overdue, True),
                 Column("7 天内到期（户）", lambda c: c.soon, True))
VISIT_COLUMNS = (Column("走访日期", lambda v: day_text(v.visit_date)), Column("户名", lambda v: v.household_name),
                 Column("村(居)", lambda v: v.village_name), Column("形式", lambda v: v.form.label),
                 Column("社工", lambda v: v.workers), Column("见到", lambda v: v.persons_met),
                 Column("风险", lambda v: v.risk.label), Column("需求", lambda v: v.needs),
                 Column("下次走访", lambda v: day_text(v.next_due)))
VISIT_SUMMARY = tuple(c for c in VISIT_COLUMNS if c.header != "需求")


def _due_color(visit) -> str | None:
    return RED if visit.days_left < 0 else None


class VisitsPage(RecordListPage):
    """The list is of the households due for a visit (double-click or Enter opens the household file); the
    counts per worker or village beside it, and the visits recorded below."""

    max_column_width = 240
    householdRequested = Signal(int)
    visitRequested = Signal(object)  # household id or None
    editRequested = Signal(int)  # visit id

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, DUE_COLUMNS, parent, row_color=_due_color)
        self.due_model = self.model
        self.due_table = self.table
        self.worker_filter = worker_combo(ctx, "全部社工")
        self.village_filter = village_combo(ctx, "全部村(居)")
        self.group_by = QComboBox()
        self.group_by.addItem("按社工统计", "worker")
        self.group_by.addItem("按村(居)统计", "village")
        for combo in (self.worker_filter, self.village_filter, self.group_by):
            combo.currentIndexChanged.connect(self.refresh)
        self.count_model = RowsTableModel(COUNT_COLUMNS)
        self.count_table = make_table(self.count_model)
        # 窗口 sees the visits without the needs found (case content), as in the household file
        self.visit_model = RowsTableModel(VISIT_COLUMNS if ctx.can(Permission.CASE_READ) else VISIT_SUMMARY)
        self.visit_table = make_table(self.visit_model)
        if ctx.can(Permission.VISIT_RECORD):
            self.visit_table.activated.connect(self._edit_visit)
        self.new_button = push_button("录入走访…", self._new_visit)
        self.visit_due_button = push_button("走访所选户…", self._visit_due)
        for button in (self.new_button, self.visit_due_button):
            button.setVisible(ctx.can(Permission.VISIT_RECORD))
        self.summary = QLabel()
        self._build()

    def _build(self) -> None:
        filters = QHBoxLayout()
        for w in (QLabel("社工："), self.worker_filter, QLabel("村(居)："), self.village_filter, self.group_by):
            filters.addWidget(w)
        filters.addStretch(1)
        filters.addWidget(self.new_button)
        filters.addWidget(self.visit_due_button)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(section("待走访（已超期与 7 天内到期）", self.due_table))
        top.addWidget(section("超期与到期统计", self.count_table))
        top.setSizes([700, 300])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        hint = "（最近 500 条，双击修改）" if self._ctx.can(Permission.VISIT_RECORD) else "（最近 500 条）"
        split.addWidget(section(f"走访记录{hint}", self.visit_table))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def refresh(self, *_args) -> None:
        worker = self.worker_filter.currentData()
        village = self.village_filter.currentData()
        today = date.today()
        with self._ctx.session() as s:
            due = visits.due_visits(s, today, worker_id=worker, village_code=village)
            counts = visits.due_counts(s, today, self.group_by.currentData())
            recent = visits.list_visits(s, VisitFilter(worker_id=worker, village_code=village))
        self.show_rows(due)
        self.count_model.set_rows(counts)
        self.visit_model.set_rows(recent)
        fit_columns(self.count_table, 240)
        fit_columns(self.visit_table, 240)
        overdue = sum(1 for v in due if v.days_left < 0)
        self.summary.setText(f"已超期 {overdue} 户，7 天内到期 {len(due) - overdue} 户。双击待走访的户打开户档。")

    def row_key(self, row) -> int:
        return row.household_id

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.householdRequested.emit(row.household_id)

    def _edit_visit(self, index) -> None:
        self.editRequested.emit(self.visit_model.row(index.row()).id)

    def _new_visit(self) -> None:
        self.visitRequested.emit(None)

    def _visit_due(self) -> None:
        row = self.selected()
        self.visitRequested.emit(row.household_id if row is not None else None)
