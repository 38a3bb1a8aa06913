"""服务计划 (一人一案) list: by status, worker, reviews due; new, open, review, escalate to a case."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QVBoxLayout

from ...domain.target_labels import PlanStatus
from ...services.permissions import Permission
from ...services.targets import plans
from ...services.targets.plans import SOON_DAYS, PlanFilter, PlanRow
from ..context import AppContext
from ..record_list import RecordListPage, count_label, filter_bars
from ..table_model import Column
from ..widgets import AMBER, GREY, RED, data_as, day_text, fill_combo, fill_enum, push_button
from .plan_dialogs import EscalateDialog, PlanDialog, ReviewDialog


def _color(row: PlanRow) -> str | None:
    if row.status is not PlanStatus.ACTIVE:
        return GREY
    today = date.today()
    if row.review_due < today:
        return RED
    if row.review_due <= today + timedelta(days=SOON_DAYS):
        return AMBER
    return None


def _status(row: PlanRow) -> str:
    if row.case_no:
        return f"{row.status.label}（{row.case_no}）"
    return row.status.label


COLUMNS = (Column("计划号", lambda r: r.plan_no), Column("服务对象", lambda r: r.person_name),
           Column("村(居)", lambda r: r.village_name), Column("负责社工", lambda r: r.staff_name),
           Column("服务频次", lambda r: r.frequency.label), Column("开始", lambda r: day_text(r.start_on)),
           Column("下次复核", lambda r: day_text(r.review_due) if r.status is PlanStatus.ACTIVE else ""),
           Column("状态", _status))


class PlansPage(RecordListPage):
    """``caseOpened(case_id)``: a plan was escalated; the area opens the new case's window."""

    caseOpened = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self.search_edit = QLineEdit(placeholderText="服务对象姓名、拼音、计划号或负责社工")
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部计划", None)
        fill_enum(self.status_filter, PlanStatus)
        self.status_filter.setCurrentIndex(self.status_filter.findData(PlanStatus.ACTIVE.value))
        with ctx.session() as s:
            workers = plans.plan_workers(s)
        self.worker_filter = fill_combo(QComboBox(), workers, "全部社工")
        self.due_only = QCheckBox(f"只看待复核（{SOON_DAYS} 天内及已过期）")
        for signal in (self.search_edit.textChanged, self.status_filter.currentIndexChanged,
                       self.worker_filter.currentIndexChanged, self.due_only.toggled):
            signal.connect(self.refresh)
        writer = ctx.can(Permission.CASE_OPEN)
        self.new_button = push_button("新建服务计划…", self.new_plan)
        self.open_button = self.row_button("打开计划…", self.open_selected)
        self.review_button = self.row_button("复核…", self.review)
        self.escalate_button = self.row_button("转为个案…", self.escalate)
        for button in (self.new_button, self.review_button, self.escalate_button):
            button.setVisible(writer)
        self.count_label = count_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filter_bars([self.search_edit, self.status_filter, self.worker_filter, self.due_only],
                                     [self.new_button, self.open_button, self.review_button, self.escalate_button,
                                      self.notice], self.count_label))
        layout.addWidget(self.table, 1)

    def load(self, session) -> list[PlanRow]:
        due_by = date.today() + timedelta(days=SOON_DAYS) if self.due_only.isChecked() else None
        flt = PlanFilter(data_as(self.status_filter, PlanStatus), self.worker_filter.currentData(), due_by=due_by,
                         text=self.search_edit.text())
        return plans.list_plans(session, flt)

    def refresh(self, *_args) -> None:
        super().refresh()
        self.count_label.setText(f"共 {self.model.rowCount()} 份计划")

    def update_buttons(self, row: PlanRow | None) -> None:
        active = row is not None and row.status is PlanStatus.ACTIVE
        self.review_button.setEnabled(active)
        self.escalate_button.setEnabled(active)

    def new_plan(self, person_id: int | None = None) -> None:
        dialog = PlanDialog(self._ctx, None, person_id, self)
        self.open_dialog(dialog, lambda: self._saved(dialog.saved_id, "服务计划已建立。"))

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = PlanDialog(self._ctx, row.id, None, self)
        self.open_dialog(dialog, lambda: self._saved(row.id, f"服务计划 {row.plan_no} 已保存。"))

    def review(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = ReviewDialog(self._ctx, row, self)
        self.open_dialog(dialog, lambda: self._saved(row.id, f"服务计划 {row.plan_no} 已复核。"))

    def escalate(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = EscalateDialog(self._ctx, row.id, self)

        def done() -> None:
            self._saved(row.id, f"服务计划 {row.plan_no} 已转为个案。")
            if dialog.case_id is not None:
                self.caseOpened.emit(dialog.case_id)
        self.open_dialog(dialog, done)

    def _saved(self, plan_id: int | None, text: str) -> None:
        self.refresh()
        if plan_id is not None:
            self.select(plan_id)
        self.notice.setText(text)
